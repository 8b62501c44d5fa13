/* SPDX-License-Identifier: MIT */
/* The demo's MSP, customers and onboarding requests: see demo_onboarding.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "cli/cli.h"
#include "cli/demo_onboarding.h"
#include "core/buf.h"
#include "core/xmalloc.h"
#include "onboard/onboard.h"

#define DEMO_MSP_EMAIL	"msp@payerlink.example"

static const struct {
	const char	*name;
	const char	*email;
	const char	*currency;
	const char	*tax_rate;
} demo_customers[] = {
	{ "Acme Standalone", "case1@customer.example", "USD", "0" },
	{ "Globex Member", "case2@customer.example", "EUR", "20" },
	{ "Initech Holdings", "case3@customer.example", "KRW", "10" },
};

/* The demo MSP's logo: a purple cloud with a tick. */
static const char demo_logo[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" "
    "width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" "
    "rx=\"14\" fill=\"#6b2fa3\"/><path d=\"M18 42a9 9 0 0 1 1-18 "
    "12 12 0 0 1 23-2 10 10 0 0 1 4 20z\" fill=\"#fff\"/><path "
    "d=\"M25 33l5 5 10-11\" stroke=\"#6b2fa3\" stroke-width=\"4\" "
    "fill=\"none\"/></svg>\n";

/*
 * The same logo as a PNG for invoice PDFs (libharu draws no SVG), drawn
 * here from the SVG's shapes rather than shipped as bytes: DEMO_LOGO_PX
 * square, 4x4 samples a pixel, transparent outside the rounded square.
 */
#define DEMO_LOGO_PX	128
#define DEMO_LOGO_SS	4

static int
in_disk(double x, double y, double cx, double cy, double r)
{
	return ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r);
}

/* Distance from (x, y) to the segment (ax, ay)-(bx, by), squared. */
static double
seg_dist2(double x, double y, double ax, double ay, double bx, double by)
{
	double	 t, dx = bx - ax, dy = by - ay;

	t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy);
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	dx = ax + t * dx - x;
	dy = ay + t * dy - y;
	return (dx * dx + dy * dy);
}

/* Which of the SVG's shapes (in its 64 x 64 box) is on top at (x, y):
 * 0 none, 1 the purple square, 2 the white cloud (three arcs closed by a
 * flat bottom), 3 the purple tick. */
static int
demo_logo_at(double x, double y)
{
	double	 cx = x < 14 ? 14 : x > 50 ? 50 : x;
	double	 cy = y < 14 ? 14 : y > 50 ? 50 : y;

	if (!in_disk(x, y, cx, cy, 14))
		return (0);
	if (seg_dist2(x, y, 25, 33, 30, 38) <= 4 ||
	    seg_dist2(x, y, 30, 38, 40, 27) <= 4)
		return (3);
	if (y <= 42 && (in_disk(x, y, 18.5, 33, 9) ||
	    in_disk(x, y, 30.8, 26.3, 12) || in_disk(x, y, 44, 32, 10) ||
	    (x >= 18.5 && x <= 44 && y >= 26.3)))
		return (2);
	return (1);
}

static void
png_chunk(struct buf *b, const char *type, const unsigned char *p,
    size_t len)
{
	unsigned char	 be[4];
	uLong		 crc;

	be[0] = (unsigned char)(len >> 24);
	be[1] = (unsigned char)(len >> 16);
	be[2] = (unsigned char)(len >> 8);
	be[3] = (unsigned char)len;
	buf_add(b, be, 4);
	buf_add(b, type, 4);
	buf_add(b, p, len);
	crc = crc32(crc32(0L, (const Bytef *)type, 4), p, (uInt)len);
	be[0] = (unsigned char)(crc >> 24);
	be[1] = (unsigned char)(crc >> 16);
	be[2] = (unsigned char)(crc >> 8);
	be[3] = (unsigned char)crc;
	buf_add(b, be, 4);
}

/* The demo's logo as an RGBA PNG into b. */
static void
demo_logo_png(struct buf *b)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };
	static const unsigned char ihdr[13] = { 0, 0, 0, DEMO_LOGO_PX, 0, 0,
	    0, DEMO_LOGO_PX, 8, 6, 0, 0, 0 };
	static const unsigned char rgb[4][3] = { { 0, 0, 0 },
	    { 0x6b, 0x2f, 0xa3 }, { 0xff, 0xff, 0xff }, { 0x6b, 0x2f, 0xa3 } };
	const size_t	 row = 1 + 4 * DEMO_LOGO_PX;
	unsigned char	*raw, *z, *p;
	uLongf		 zlen;
	double		 k = 64.0 / (DEMO_LOGO_PX * DEMO_LOGO_SS);
	unsigned	 sum[4];
	int		 x, y, i, j, s, c;

	raw = xcalloc(DEMO_LOGO_PX, row);
	for (y = 0; y < DEMO_LOGO_PX; y++) {
		p = raw + (size_t)y * row + 1;	/* filter 0: none */
		for (x = 0; x < DEMO_LOGO_PX; x++, p += 4) {
			memset(sum, 0, sizeof(sum));
			for (i = 0; i < DEMO_LOGO_SS; i++)
				for (j = 0; j < DEMO_LOGO_SS; j++) {
					s = demo_logo_at(((x * DEMO_LOGO_SS +
					    j) + 0.5) * k, ((y * DEMO_LOGO_SS +
					    i) + 0.5) * k);
					if (s == 0)
						continue;
					for (c = 0; c < 3; c++)
						sum[c] += rgb[s][c];
					sum[3]++;
				}
			/* Colour averaged over the covered samples, alpha
			 * the share covered. */
			for (c = 0; c < 3; c++)
				p[c] = (unsigned char)(sum[3] ? sum[c] /
				    sum[3] : 0);
			p[3] = (unsigned char)(sum[3] * 255 /
			    (DEMO_LOGO_SS * DEMO_LOGO_SS));
		}
	}
	zlen = compressBound(DEMO_LOGO_PX * row);
	z = xmalloc(zlen);
	if (compress2(z, &zlen, raw, DEMO_LOGO_PX * row, 9) != Z_OK)
		zlen = 0;
	buf_add(b, sig, sizeof(sig));
	png_chunk(b, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(b, "IDAT", z, zlen);
	png_chunk(b, "IEND", (const unsigned char *)"", 0);
	xfree(z);
	xfree(raw);
}

int
demo_onboarding(struct store *st, FILE *out)
{
	/* Hourly and resource-level data on, so that HOURLY and
	 * GetCostAndUsageWithResources have the demo's last 14 days. */
	struct msp_input	 mi = { .gap_threshold_min = -1,
	    .hourly_resource_data = "on" };
	struct customer_input	 ci;
	struct customer		 c;
	struct onboard_result	 r;
	struct account		 a;
	struct msp		 m;
	struct orgport		 org = orgport_default(st);
	struct err		 e;
	struct brand_input	 bi;
	struct msp_brand	 b;
	struct buf		 png;
	char			 note[BRAND_NOTE_MAX];
	size_t			 i;
	int			 rc;

	err_clear(&e);
	memset(&ci, 0, sizeof(ci));
	if (account_by_email(st, DEMO_MSP_EMAIL, &a, &e) == -1)
		return (cli_fail(&e));
	mi.account_id = a.id;
	mi.address = "1 Demo Way\nSeattle, WA 98101";
	mi.legal_name = "Demo MSP Cloud Services LLC";
	mi.tax_id = "US 98-7654321";
	mi.payment_terms = "30";
	mi.payment_instructions = "Bank transfer to Demo MSP Cloud Services "
	    "LLC, First Demo Bank, account 000123456789, routing 021000021; "
	    "reference: the invoice number.";
	if (msp_set(st, &org, NULL, &mi, &m, &e) == -1)
		return (cli_fail(&e));
	/* The brand its customers see (payerlink msp brand). */
	memset(&bi, 0, sizeof(bi));
	bi.name = "Demo MSP";
	bi.color = "#6b2fa3";
	bi.support_email = "support@demo-msp.example";
	bi.support_url = "https://demo-msp.example/help";
	bi.logo = (const unsigned char *)demo_logo;
	bi.logo_len = sizeof(demo_logo) - 1;
	buf_init(&png, 0);
	demo_logo_png(&png);
	bi.pdf_logo = (const unsigned char *)png.ptr;
	bi.pdf_logo_len = png.len;
	rc = msp_brand_set(st, NULL, &bi, &b, note, &e);
	buf_release(&png);
	if (rc == -1)
		return (cli_fail(&e));
	fprintf(out, "brand: %s, colour %s, support %s\n", b.name, b.color,
	    b.support_email);
	fprintf(out, "MSP %s (account %s); onboarding requests:\n", m.name,
	    m.account_id);
	for (i = 0; i < sizeof(demo_customers) / sizeof(demo_customers[0]);
	    i++) {
		ci.name = demo_customers[i].name;
		ci.contact_email = demo_customers[i].email;
		ci.currency = demo_customers[i].currency;
		ci.tax_rate = demo_customers[i].tax_rate;
		if (account_by_email(st, demo_customers[i].email, &a,
		    &e) == -1 || customer_create(st, NULL, &ci, &c, &e) == -1 ||
		    onboard_request(st, &org, NULL, c.id, a.id, a.email,
		    "demo onboarding", 0, &r, &e) == -1)
			return (cli_fail(&e));
		fprintf(out, "  %s  %-17s case %d  invitation %s\n"
		    "      plan %s\n", r.id, c.name, r.case_no, r.handshake_id,
		    r.plan_url);
	}
	return (0);
}
