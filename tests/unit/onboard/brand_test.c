/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/onboard/brand.c: WCAG contrast, payment terms, and the
 * brand's checks of colours and logos on a temporary store.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "test.h"

#include "onboard/onboard.h"
#include "org/account.h"
#include "org/organization.h"
#include "store/store.h"

TEST(brand_contrast_and_terms)
{
	char	 t[32];

	/* WCAG's own figures: black on white 21:1, #767676 4.54:1. */
	CHECK_INT(brand_contrast("#000000", "#ffffff"), 2100);
	CHECK_INT(brand_contrast("#ffffff", "#767676"), 454);
	CHECK_INT(brand_contrast("#777777", "#FFFFFF"), 447);
	CHECK_INT(brand_contrast("#12345", "#ffffff"), -1);
	CHECK_INT(brand_contrast("0869c7x", "#ffffff"), -1);
	CHECK_INT(payment_terms_parse("30"), 30);
	CHECK_INT(payment_terms_parse("Net 45"), 45);
	CHECK_INT(payment_terms_parse("net15"), 15);
	CHECK_INT(payment_terms_parse("0"), 0);
	CHECK_INT(payment_terms_parse("366"), -1);
	CHECK_INT(payment_terms_parse("-1"), -1);
	CHECK_INT(payment_terms_parse("30 days"), -1);
	payment_terms_text(30, t, sizeof(t));
	CHECK_STR(t, "Net 30");
	payment_terms_text(0, t, sizeof(t));
	CHECK_STR(t, "Due on receipt");
}

static void
put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Appends a chunk to out at *n. */
static void
chunk(unsigned char *out, size_t *n, const char *type,
    const unsigned char *p, size_t len)
{
	put32(out + *n, len);
	memcpy(out + *n + 4, type, 4);
	memcpy(out + *n + 8, p, len);
	put32(out + *n + 8 + len, crc32(0L, out + *n + 4, (uInt)len + 4));
	*n += 12 + len;
}

/* A w x h PNG of the given depth, colour type and interlacing (one
 * zeroed IDAT, right or not: the brand reads its header only) into out;
 * returns its length. */
static size_t
make_png(unsigned char *out, unsigned w, unsigned h, int depth, int color,
    int interlace)
{
	unsigned char	 ihdr[13], idat[64];
	uLongf		 zlen = sizeof(idat);
	size_t		 n = 8;

	memcpy(out, "\x89PNG\r\n\x1a\n", 8);
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = (unsigned char)depth;
	ihdr[9] = (unsigned char)color;
	ihdr[10] = ihdr[11] = 0;
	ihdr[12] = (unsigned char)interlace;
	chunk(out, &n, "IHDR", ihdr, sizeof(ihdr));
	compress(idat, &zlen, (const unsigned char *)"\0\0\0\0", 4);
	chunk(out, &n, "IDAT", idat, zlen);
	chunk(out, &n, "IEND", idat, 0);
	return (n);
}

TEST(brand_set_checks_colour_and_logo)
{
	static const unsigned char fake_png[] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n', 0, 0 };
	unsigned char		 png[128];
	static const char *const bad_svg[] = {
		"<svg><script>alert(1)</script></svg>",
		"<svg onload=\"x()\"></svg>",
		"<svg>\n<a onclick = 'x'>y</a></svg>",
		"<svg><foreignObject></foreignObject></svg>",
		"<html><svg></svg></html>",
	};
	struct organization	 o;
	struct brand_input	 in;
	struct msp_brand	 b;
	struct msp_input	 mi = { .gap_threshold_min = -1 };
	struct orgport		 org;
	struct access_key	 k;
	struct account		 a;
	struct principal	 p;
	struct store		*st;
	struct err		 e;
	char			 note[BRAND_NOTE_MAX];
	size_t			 i;

	CHECK_INT(store_open(test_db("brand"), STORE_EMULATOR, &st, &e), 0);
	/* Before any brand: the fallback, never a failure. */
	msp_brand_get(st, &b);
	CHECK_STR(b.name, "payerlink");
	CHECK_INT(account_create(st, NULL, "msp@brand.example", NULL, NULL,
	    &a, &k, &e), 0);
	memset(&p, 0, sizeof(p));
	snprintf(p.account_id, sizeof(p.account_id), "%s", a.id);
	CHECK_INT(org_create(st, &p, "ALL", &o, &e), 0);
	org = orgport_default(st);
	mi.account_id = a.id;
	mi.name = "Brand MSP";
	CHECK_INT(msp_set(st, &org, NULL, &mi, NULL, &e), 0);
	msp_brand_get(st, &b);
	CHECK_STR(b.name, "Brand MSP");
	CHECK_INT(b.updated_at, 0);

	memset(&in, 0, sizeof(in));
	in.name = "Harbor";
	in.support_email = "help@harbor.example";
	in.color = "#FFCC00";
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "1.51:1") != NULL);
	in.adapt = 1;
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), 0);
	CHECK(brand_contrast(b.color, "#ffffff") >= 450);
	CHECK(strstr(note, "adapted to") != NULL);
	in.color = NULL;
	in.adapt = 0;
	for (i = 0; i < sizeof(bad_svg) / sizeof(bad_svg[0]); i++) {
		in.logo = (const unsigned char *)bad_svg[i];
		in.logo_len = strlen(bad_svg[i]);
		CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	}
	in.logo = fake_png;
	in.logo_len = BRAND_LOGO_MAX + 1;
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "too large") != NULL);
	/* A PNG is checked whole when it is set, not when a PDF is drawn. */
	in.logo_len = sizeof(fake_png);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "truncated") != NULL);
	in.logo = png;
	in.logo_len = make_png(png, 4, 4, 8, 6, 1);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "interlaced") != NULL);
	in.logo_len = make_png(png, 4, 4, 16, 2, 0);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "16 bits") != NULL);
	in.logo_len = make_png(png, 4, 4, 8, 5, 0);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "colour type 5") != NULL);
	in.logo_len = make_png(png, BRAND_LOGO_PX + 1, 4, 8, 6, 0);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "at most 1024x1024") != NULL);
	in.logo_len = make_png(png, 4, 4, 8, 6, 0);
	png[20]++;			/* the height, under IHDR's CRC */
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "CRC") != NULL);
	png[20]--;
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), 0);
	CHECK_STR(b.logo_type, "image/png");
	CHECK_STR(brand_pdf_logo(&b), "logo");
	in.logo = NULL;
	in.logo_len = 0;
	/* The PDF's own logo: a PNG, never an SVG. */
	in.pdf_logo = (const unsigned char *)"<svg></svg>";
	in.pdf_logo_len = 11;
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), -1);
	CHECK(strstr(e.msg, "PNG logo only") != NULL);
	in.pdf_logo = png;
	in.pdf_logo_len = make_png(png, 4, 4, 4, 3, 0);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), 0);
	CHECK_STR(brand_pdf_logo(&b), "pdf-logo");
	in.pdf_logo = NULL;
	in.pdf_logo_len = 0;
	/* The SVG with "one" and "done" in its text is fine. */
	in.logo = (const unsigned char *)"<?xml version=\"1.0\"?>\n<svg "
	    "xmlns=\"http://www.w3.org/2000/svg\"><text>one done</text></svg>";
	in.logo_len = strlen((const char *)in.logo);
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), 0);
	CHECK_STR(b.logo_type, "image/svg+xml");
	CHECK_STR(brand_pdf_logo(&b), "pdf-logo");
	/* Without the PDF's own, an SVG brand's PDFs show no logo. */
	in.logo = NULL;
	in.logo_len = 0;
	in.pdf_logo = (const unsigned char *)"";
	CHECK_INT(msp_brand_set(st, NULL, &in, &b, note, &e), 0);
	CHECK(brand_pdf_logo(&b) == NULL);
	msp_brand_get(st, &b);
	CHECK_STR(b.name, "Harbor");
	CHECK_STR(b.logo_type, "image/svg+xml");
	store_close(st);
}
