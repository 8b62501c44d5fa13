/* SPDX-License-Identifier: MIT */
/*
 * Invoice PDFs with libharu: layout (A4, header, parties, table, totals,
 * page numbers), pagination decided before drawing so every page can say
 * "Page i of N", WinAnsi text from UTF-8. See pdf.h.
 */
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/pdf.h"
#include "billing/pricing.h"
#include "billing/service.h"
#include "core/clock.h"
#include "core/log.h"
#include "onboard/onboard.h"

#define PAGE_W		595.276f
#define PAGE_H		841.89f
#define MARGIN		50.0f
#define ROW_H		15.0f
#define TABLE_TOP1	505.0f		/* first page: below the parties */
#define TABLE_TOPN	770.0f		/* next pages */
#define TABLE_BOTTOM	80.0f		/* above the footer */
#define TOTALS_H	165.0f		/* subtotal, tax, total, note, payment */
#define TEXT_MAX	512

#define LOGO_H		26.0f		/* in the band, 36 high */
#define LOGO_W_MAX	104.0f

struct pdf_ctx {
	HPDF_Doc	 pdf;
	HPDF_Font	 font, bold;
	HPDF_Image	 logo;		/* NULL: none */
	HPDF_STATUS	 error;
};

static void
on_error(HPDF_STATUS code, HPDF_STATUS detail, void *arg)
{
	struct pdf_ctx	*c = arg;

	(void)detail;
	if (c->error == 0)
		c->error = code;
}

/* UTF-8 to WinAnsi (Latin-1 range); anything else becomes '?'. */
static void
winansi(const char *s, char *out, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0;
	unsigned		 cp;
	int			 k;

	while (*p != '\0' && n + 1 < len) {
		if (*p < 0x80) {
			cp = *p++;
			k = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p++ & 0x1f;
			k = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p++ & 0x0f;
			k = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p++ & 0x07;
			k = 3;
		} else {
			p++;
			out[n++] = '?';
			continue;
		}
		for (; k > 0; k--) {
			if ((*p & 0xc0) != 0x80) {
				cp = 0xfffd;
				break;
			}
			cp = (cp << 6) | (*p++ & 0x3f);
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0xff)
			cp = '?';
		out[n++] = (char)cp;
	}
	out[n] = '\0';
}

static void
text(struct pdf_ctx *c, HPDF_Page pg, HPDF_Font f, float size, float x,
    float y, const char *s)
{
	char	 w[TEXT_MAX];

	winansi(s, w, sizeof(w));
	HPDF_Page_BeginText(pg);
	HPDF_Page_SetFontAndSize(pg, f, size);
	HPDF_Page_TextOut(pg, x, y, w);
	HPDF_Page_EndText(pg);
	(void)c;
}

static void
text_right(struct pdf_ctx *c, HPDF_Page pg, HPDF_Font f, float size,
    float x, float y, const char *s)
{
	char	 w[TEXT_MAX];
	float	 tw;

	winansi(s, w, sizeof(w));
	HPDF_Page_SetFontAndSize(pg, f, size);
	tw = HPDF_Page_TextWidth(pg, w);
	HPDF_Page_BeginText(pg);
	HPDF_Page_TextOut(pg, x - tw, y, w);
	HPDF_Page_EndText(pg);
	(void)c;
}

/* Text cut to fit width (with "..."), WinAnsi. */
static void
text_fit(struct pdf_ctx *c, HPDF_Page pg, HPDF_Font f, float size, float x,
    float y, float width, const char *s)
{
	char	 w[TEXT_MAX];
	size_t	 n;

	winansi(s, w, sizeof(w));
	HPDF_Page_SetFontAndSize(pg, f, size);
	n = strlen(w);
	while (n > 3 && HPDF_Page_TextWidth(pg, w) > width) {
		n--;
		memcpy(w + n - 3, "...", 4);
		w[n] = '\0';
	}
	HPDF_Page_BeginText(pg);
	HPDF_Page_TextOut(pg, x, y, w);
	HPDF_Page_EndText(pg);
	(void)c;
}

static void
hline(HPDF_Page pg, float x0, float x1, float y, float width)
{
	HPDF_Page_SetLineWidth(pg, width);
	HPDF_Page_MoveTo(pg, x0, y);
	HPDF_Page_LineTo(pg, x1, y);
	HPDF_Page_Stroke(pg);
}

/* 1234567.5 in minor units -> "1,234,567.50": the pages' format. */
static void
amount_text(int64_t v, int digits, char *buf, size_t len)
{
	minor_text(v, digits, NULL, buf, len);
}

static const char *
title_of(const struct invoice *h)
{
	if (strcmp(h->kind, "CREDIT_NOTE") == 0)
		return ("CREDIT NOTE");
	if (strcmp(h->kind, "ADJUSTMENT") == 0)
		return ("ADJUSTMENT INVOICE");
	return ("INVOICE");
}

/* Lines of multi-line text (bill_from / bill_to), at most max. */
static int
draw_block(struct pdf_ctx *c, HPDF_Page pg, float x, float y,
    const char *s, int max, int first_bold)
{
	char		 line[256];
	const char	*p = s, *q;
	size_t		 n;
	int		 k = 0;

	while (*p != '\0' && k < max) {
		q = strchr(p, '\n');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (n > 0 || k == 0) {
			text_fit(c, pg, k == 0 && first_bold ? c->bold :
			    c->font, k == 0 && first_bold ? 11 : 9.5f, x,
			    y - k * 13, 230, line);
			k++;
		}
		if (q == NULL)
			break;
		p = q + 1;
	}
	return (k);
}

/* Words of s on lines of at most width, at most max lines; returns the
 * number drawn. */
static int
draw_wrapped(struct pdf_ctx *c, HPDF_Page pg, HPDF_Font f, float size,
    float x, float y, float width, const char *s, int max)
{
	char		 w[TEXT_MAX], *p, *cut, *sp, save;
	int		 k = 0;

	winansi(s, w, sizeof(w));
	HPDF_Page_SetFontAndSize(pg, f, size);
	for (p = w; *p != '\0' && k < max; k++) {
		cut = p + strlen(p);
		while (HPDF_Page_TextWidth(pg, p) > width) {
			/* Back to the last blank that makes it fit. */
			save = *cut;
			*cut = '\0';
			sp = strrchr(p, ' ');
			*cut = save;
			if (sp == NULL || sp == p)
				break;
			cut = sp;
			save = *cut;
			*cut = '\0';
			if (HPDF_Page_TextWidth(pg, p) <= width) {
				*cut = save;
				break;
			}
			*cut = save;
		}
		save = *cut;
		*cut = '\0';
		HPDF_Page_BeginText(pg);
		HPDF_Page_TextOut(pg, x, y - k * (size + 3), p);
		HPDF_Page_EndText(pg);
		*cut = save;
		p = cut;
		while (*p == ' ' || *p == '\n')
			p++;
	}
	(void)c;
	return (k);
}

/* The brand's colour (#rrggbb) as the fill colour; black without one. */
static void
fill_brand(HPDF_Page pg, const char *color)
{
	unsigned long	 v;

	if (strlen(color) != 7 || color[0] != '#') {
		HPDF_Page_SetRGBFill(pg, 0.14f, 0.18f, 0.24f);
		return;
	}
	v = strtoul(color + 1, NULL, 16);
	HPDF_Page_SetRGBFill(pg, ((v >> 16) & 0xff) / 255.0f,
	    ((v >> 8) & 0xff) / 255.0f, (v & 0xff) / 255.0f);
}

static void
draw_header(struct pdf_ctx *c, HPDF_Page pg, const struct invoice_doc *d)
{
	const struct invoice	*h = &d->h;
	char			 buf[128], from[sizeof(h->bill_from) + 1];
	char			*nl;
	float			 x, y, lw, lh;

	/* The band of the brand the invoice was sent under, its logo at
	 * the left (LOGO_H high, at most LOGO_W_MAX wide), then its name. */
	fill_brand(pg, h->brand_color);
	HPDF_Page_Rectangle(pg, 0, PAGE_H - 36, PAGE_W, 36);
	HPDF_Page_Fill(pg);
	x = MARGIN;
	if (c->logo != NULL) {
		lw = LOGO_H * HPDF_Image_GetWidth(c->logo) /
		    HPDF_Image_GetHeight(c->logo);
		lh = LOGO_H;
		if (lw > LOGO_W_MAX) {
			lh = LOGO_H * LOGO_W_MAX / lw;
			lw = LOGO_W_MAX;
		}
		HPDF_Page_DrawImage(pg, c->logo, x, PAGE_H - 18 - lh / 2, lw,
		    lh);
		x += lw + 8;
	}
	HPDF_Page_SetRGBFill(pg, 1, 1, 1);
	text_fit(c, pg, c->bold, 13, x, PAGE_H - 23, 250,
	    h->brand_name[0] ? h->brand_name : "");
	if (h->support_contact[0])
		text_right(c, pg, c->font, 8.5f, PAGE_W - MARGIN, PAGE_H - 22,
		    h->support_contact);
	HPDF_Page_SetRGBFill(pg, 0, 0, 0);
	/* The issuer: the MSP's legal name large, then its address and tax
	 * id. */
	snprintf(from, sizeof(from), "%s", h->bill_from[0] ? h->bill_from :
	    "(MSP not set)");
	nl = strchr(from, '\n');
	if (nl != NULL)
		*nl = '\0';
	text_fit(c, pg, c->bold, 16, MARGIN, PAGE_H - 70, 300, from);
	if (nl != NULL)
		draw_block(c, pg, MARGIN, PAGE_H - 88, nl + 1, 6, 0);
	/* The document's title and identity on the right. */
	text_right(c, pg, c->bold, 20, PAGE_W - MARGIN, PAGE_H - 70,
	    title_of(h));
	y = PAGE_H - 92;
#define KV(k, v) do {							\
	text_right(c, pg, c->font, 9, PAGE_W - MARGIN - 110, y, (k));	\
	text_right(c, pg, c->bold, 9, PAGE_W - MARGIN, y, (v));		\
	y -= 13;							\
} while (0)
	KV("Number", h->number[0] ? h->number : "DRAFT");
	if (h->issued_at)
		invoice_date(h->issued_at, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "not issued");
	KV("Issue date", buf);
	if (strcmp(h->kind, "CREDIT_NOTE") != 0) {
		invoice_due_text(h, buf, sizeof(buf));
		KV("Due date", buf);
		payment_terms_text(h->payment_terms_days, buf, sizeof(buf));
		KV("Terms", buf);
	}
	KV("Billing period", h->period);
	snprintf(buf, sizeof(buf), "%s to %s", h->period_start, h->period_end);
	KV("Covered", buf);
	KV("Currency", h->currency);
	KV("Customer", h->customer_name[0] ? h->customer_name :
	    h->customer_id);
	if (d->refers_number[0])
		KV("Refers to", d->refers_number);
	if (strcmp(h->state, "VOID") == 0)
		KV("Status", "VOID");
#undef KV
	/* The customer. */
	text(c, pg, c->font, 8, MARGIN, PAGE_H - 215, "BILL TO");
	hline(pg, MARGIN, MARGIN + 230, PAGE_H - 219, 0.5f);
	draw_block(c, pg, MARGIN, PAGE_H - 234, h->bill_to, 6, 1);
	if (strcmp(h->state, "DRAFT") == 0) {
		HPDF_Page_SetRGBFill(pg, 0.75f, 0.1f, 0.1f);
		text(c, pg, c->bold, 11, MARGIN, TABLE_TOP1 + 20,
		    "DRAFT - subject to change, not for payment");
		HPDF_Page_SetRGBFill(pg, 0, 0, 0);
	}
}

static void
draw_table_head(struct pdf_ctx *c, HPDF_Page pg, float y)
{
	HPDF_Page_SetRGBFill(pg, 0.92f, 0.93f, 0.95f);
	HPDF_Page_Rectangle(pg, MARGIN, y - 5, PAGE_W - 2 * MARGIN, ROW_H + 2);
	HPDF_Page_Fill(pg);
	HPDF_Page_SetRGBFill(pg, 0, 0, 0);
	text(c, pg, c->bold, 9, MARGIN + 4, y, "Account");
	text(c, pg, c->bold, 9, MARGIN + 100, y, "Service / description");
	text_right(c, pg, c->bold, 9, PAGE_W - MARGIN - 4, y, "Amount");
}

static void
draw_footer(struct pdf_ctx *c, HPDF_Page pg, const struct invoice_doc *d,
    int page, int pages)
{
	char	 buf[96];

	hline(pg, MARGIN, PAGE_W - MARGIN, 50, 0.5f);
	snprintf(buf, sizeof(buf), "%s %s", title_of(&d->h),
	    d->h.number[0] ? d->h.number : d->h.id);
	text(c, pg, c->font, 8, MARGIN, 38, buf);
	snprintf(buf, sizeof(buf), "Page %d of %d", page, pages);
	text_right(c, pg, c->font, 8, PAGE_W - MARGIN, 38, buf);
	if (d->h.support_contact[0]) {
		char	 q[sizeof(d->h.support_contact) + 40];

		snprintf(q, sizeof(q), "Questions about this document: %s",
		    d->h.support_contact);
		text_fit(c, pg, c->font, 8, MARGIN, 26, PAGE_W - 2 * MARGIN,
		    q);
	}
}

/* How to pay, under the totals: the terms, the due date, the MSP's (or
 * the customer's own) instructions. */
static void
draw_payment(struct pdf_ctx *c, HPDF_Page pg, const struct invoice *h,
    float y)
{
	char	 terms[32], due[48], buf[128];

	if (strcmp(h->kind, "CREDIT_NOTE") == 0)
		return;
	payment_terms_text(h->payment_terms_days, terms, sizeof(terms));
	invoice_due_text(h, due, sizeof(due));
	text(c, pg, c->bold, 9.5f, MARGIN, y, "Payment");
	hline(pg, MARGIN, PAGE_W - MARGIN, y - 4, 0.5f);
	snprintf(buf, sizeof(buf), "Terms: %s. Due date: %s.", terms, due);
	text(c, pg, c->font, 9, MARGIN, y - 17, buf);
	if (h->payment_instructions[0])
		draw_wrapped(c, pg, c->font, 9, MARGIN, y - 30,
		    PAGE_W - 2 * MARGIN, h->payment_instructions, 4);
}

/* The table's rows: the lines, then "Adjustments" and the adjustments. */
static size_t
row_count(const struct invoice_doc *d, size_t *nadj)
{
	size_t	 i, a = 0;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->lines[i].kind, "LINE") != 0)
			a++;
	*nadj = a;
	return (d->n + (a > 0 ? 1 : 0));
}

/* Rows per page: the first page has the header above its table. */
#define PER_FIRST	((int)((TABLE_TOP1 - ROW_H - 4 - TABLE_BOTTOM) / ROW_H))
#define PER_NEXT	((int)((TABLE_TOPN - ROW_H - 4 - TABLE_BOTTOM) / ROW_H))

/* Pages needed, by the same steps the drawing takes. */
static int
paginate(size_t rows)
{
	int	 pages = 1, onpage = 0, cap = PER_FIRST;
	float	 y = TABLE_TOP1 - ROW_H - 4;
	size_t	 r;

	for (r = 0; r < rows; r++) {
		if (onpage == cap) {
			pages++;
			y = TABLE_TOPN - ROW_H - 4;
			cap = PER_NEXT;
			onpage = 0;
		}
		y -= ROW_H;
		onpage++;
	}
	if (y - TOTALS_H < TABLE_BOTTOM)
		pages++;
	return (pages);
}

static HPDF_Page
new_page(struct pdf_ctx *c, const struct invoice_doc *d, int page)
{
	HPDF_Page	 pg;
	char		 buf[160];

	pg = HPDF_AddPage(c->pdf);
	HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	if (page == 1)
		draw_header(c, pg, d);
	else {
		snprintf(buf, sizeof(buf), "%s %s (continued)",
		    title_of(&d->h), d->h.number[0] ? d->h.number : d->h.id);
		text(c, pg, c->bold, 11, MARGIN, PAGE_H - 55, buf);
	}
	return (pg);
}

/*
 * The document's PNG logo (invoice_logo: frozen at issue, a draft's of
 * the day) as an image XObject, with a soft mask for its alpha. It was
 * checked when it was set; should libharu still refuse it, the invoice
 * goes out without it rather than not at all.
 */
static void
load_logo(struct pdf_ctx *c, struct store *st, struct arena *a,
    const struct invoice *h)
{
	const unsigned char	*png;
	size_t			 len;
	struct err		 e;

	err_clear(&e);
	if (invoice_logo(st, a, h, &png, &len, &e) == -1) {
		if (e.code != ERR_NOT_FOUND)
			log_warnx("invoice pdf: %s; the logo is left out",
			    e.msg);
		return;
	}
	c->logo = HPDF_LoadPngImageFromMem(c->pdf, png, (HPDF_UINT)len);
	if (c->error != 0) {
		log_warnx("invoice pdf: the logo cannot be drawn (libharu "
		    "error 0x%04x); left out", (unsigned)c->error);
		c->logo = NULL;
		c->error = 0;
		HPDF_ResetError(c->pdf);
	}
}

int
invoice_pdf(struct store *st, struct arena *a, const struct invoice_doc *d,
    struct buf *out, int *pages_out, struct err *e)
{
	const struct invoice	*h = &d->h;
	struct pdf_ctx		 c;
	HPDF_Page		 pg = NULL;
	HPDF_Date		 dt;
	HPDF_BYTE		 chunk[65536];
	HPDF_UINT32		 sz;
	char			 amt[64], buf[160], rate[40];
	size_t			 nadj, rows, r, li = 0;
	int			 pages, page, onpage = 0, cap, adj_head = 0;
	float			 y = 0;
	int64_t			 when;
	int			 yy;
	unsigned		 mm, dd;

	memset(&c, 0, sizeof(c));
	if ((c.pdf = HPDF_New(on_error, &c)) == NULL)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "libharu: cannot create a document"));
	HPDF_SetCompressionMode(c.pdf, HPDF_COMP_ALL);
	c.font = HPDF_GetFont(c.pdf, "Helvetica", "WinAnsiEncoding");
	c.bold = HPDF_GetFont(c.pdf, "Helvetica-Bold", "WinAnsiEncoding");
	/* The document's dates are the issue date (or its creation): the
	 * same invoice gives the same bytes. */
	when = h->issued_at ? h->issued_at : h->created_at;
	clock_civil_from_days(when / 86400000, &yy, &mm, &dd);
	memset(&dt, 0, sizeof(dt));
	dt.year = yy;
	dt.month = (HPDF_INT)mm;
	dt.day = (HPDF_INT)dd;
	dt.ind = 'Z';
	HPDF_SetInfoDateAttr(c.pdf, HPDF_INFO_CREATION_DATE, dt);
	snprintf(buf, sizeof(buf), "%s %s", title_of(h), h->number[0] ?
	    h->number : h->id);
	HPDF_SetInfoAttr(c.pdf, HPDF_INFO_TITLE, buf);
	HPDF_SetInfoAttr(c.pdf, HPDF_INFO_CREATOR, "payerlink");
	load_logo(&c, st, a, h);

	rows = row_count(d, &nadj);
	pages = paginate(rows);
	page = 1;
	pg = new_page(&c, d, page);
	y = TABLE_TOP1;
	cap = PER_FIRST;
	if (rows > 0) {
		draw_table_head(&c, pg, y);
	}
	y -= ROW_H + 4;
	for (r = 0; r < rows; r++) {
		if (onpage == cap) {
			draw_footer(&c, pg, d, page, pages);
			pg = new_page(&c, d, ++page);
			y = TABLE_TOPN;
			draw_table_head(&c, pg, y);
			y -= ROW_H + 4;
			cap = PER_NEXT;
			onpage = 0;
		}
		if (li < d->n && strcmp(d->lines[li].kind, "LINE") == 0) {
			const struct invoice_line *l = &d->lines[li++];

			text(&c, pg, c.font, 9, MARGIN + 4, y, l->account_id);
			text_fit(&c, pg, c.font, 9, MARGIN + 100, y, 290,
			    service_name(l->service));
			amount_text(l->amount, h->minor_digits, amt,
			    sizeof(amt));
			text_right(&c, pg, c.font, 9, PAGE_W - MARGIN - 4, y,
			    amt);
		} else if (!adj_head) {
			adj_head = 1;
			text(&c, pg, c.bold, 9, MARGIN + 4, y,
			    "Adjustments (fees and credits)");
		} else {
			const struct invoice_line *l = &d->lines[li++];

			text_fit(&c, pg, c.font, 9, MARGIN + 100, y, 290,
			    l->description);
			amount_text(l->amount, h->minor_digits, amt,
			    sizeof(amt));
			text_right(&c, pg, c.font, 9, PAGE_W - MARGIN - 4, y,
			    amt);
		}
		HPDF_Page_SetRGBStroke(pg, 0.85f, 0.85f, 0.85f);
		hline(pg, MARGIN, PAGE_W - MARGIN, y - 4, 0.3f);
		HPDF_Page_SetRGBStroke(pg, 0, 0, 0);
		y -= ROW_H;
		onpage++;
	}
	if (y - TOTALS_H < TABLE_BOTTOM) {
		draw_footer(&c, pg, d, page, pages);
		pg = new_page(&c, d, ++page);
		y = TABLE_TOPN;
	}
	/* Totals. */
	y -= 8;
	hline(pg, PAGE_W - MARGIN - 220, PAGE_W - MARGIN, y + 8, 0.8f);
	amount_text(h->subtotal, h->minor_digits, amt, sizeof(amt));
	text_right(&c, pg, c.font, 10, PAGE_W - MARGIN - 110, y - 6,
	    "Subtotal");
	text_right(&c, pg, c.font, 10, PAGE_W - MARGIN - 4, y - 6, amt);
	pct_format(h->tax_rate, rate, sizeof(rate));
	snprintf(buf, sizeof(buf), "Tax (%s%%)", rate);
	amount_text(h->tax, h->minor_digits, amt, sizeof(amt));
	text_right(&c, pg, c.font, 10, PAGE_W - MARGIN - 110, y - 21, buf);
	text_right(&c, pg, c.font, 10, PAGE_W - MARGIN - 4, y - 21, amt);
	hline(pg, PAGE_W - MARGIN - 220, PAGE_W - MARGIN, y - 28, 0.8f);
	snprintf(buf, sizeof(buf), "Total (%s)", h->currency);
	amount_text(h->total, h->minor_digits, amt, sizeof(amt));
	text_right(&c, pg, c.bold, 12, PAGE_W - MARGIN - 110, y - 44, buf);
	text_right(&c, pg, c.bold, 12, PAGE_W - MARGIN - 4, y - 44, amt);
	if (strcmp(h->currency, "USD") != 0) {
		nano_format(h->fx_rate, rate, sizeof(rate));
		snprintf(buf, sizeof(buf), "USD amounts converted at 1 USD = "
		    "%s %s (rate for %s).", rate, h->currency, h->period);
		text(&c, pg, c.font, 8, MARGIN, y - 66, buf);
	}
	draw_payment(&c, pg, h, y - 86);
	draw_footer(&c, pg, d, page, pages);

	if (c.error == 0)
		HPDF_SaveToStream(c.pdf);
	if (c.error != 0) {
		HPDF_Free(c.pdf);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "libharu: error 0x%04x drawing %s", (unsigned)c.error,
		    h->id));
	}
	HPDF_ResetStream(c.pdf);
	for (;;) {
		sz = sizeof(chunk);
		HPDF_ReadFromStream(c.pdf, chunk, &sz);
		if (sz == 0)
			break;
		buf_add(out, chunk, sz);
	}
	HPDF_Free(c.pdf);
	if (pages_out != NULL)
		*pages_out = page;
	return (0);
}
