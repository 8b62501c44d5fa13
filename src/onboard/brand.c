/* SPDX-License-Identifier: MIT */
/*
 * The MSP's brand: name, colour (checked for contrast), support contact
 * and logo (checked for type and size). See onboard.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/codec.h"
#include "core/xmalloc.h"
#include "onboard/internal.h"

#define BRAND_DEFAULT_COLOR	"#0869c7"	/* style.css's --accent */
#define BRAND_MIN_CONTRAST	450		/* WCAG AA, normal text */

static int
color_valid(const char *s)
{
	return (s != NULL && strlen(s) == 7 && s[0] == '#' &&
	    strspn(s + 1, "0123456789abcdefABCDEF") == 6);
}

static double
channel(unsigned v)
{
	double	 c = v / 255.0;

	return (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
}

static double
luminance(unsigned rgb)
{
	return (0.2126 * channel((rgb >> 16) & 0xff) +
	    0.7152 * channel((rgb >> 8) & 0xff) + 0.0722 * channel(rgb & 0xff));
}

int
brand_contrast(const char *a, const char *b)
{
	double	 la, lb;

	if (!color_valid(a) || !color_valid(b))
		return (-1);
	la = luminance((unsigned)strtoul(a + 1, NULL, 16));
	lb = luminance((unsigned)strtoul(b + 1, NULL, 16));
	if (la < lb) {
		double t = la;
		la = lb;
		lb = t;
	}
	/* Rounded down: 4.499 must not pass as 4.5. */
	return ((int)floor((la + 0.05) / (lb + 0.05) * 100));
}

/* The nearest darker shade of color (same hue) that white text passes on,
 * into out (8 bytes). */
static void
color_darken(const char *color, char *out)
{
	unsigned	 rgb = (unsigned)strtoul(color + 1, NULL, 16);
	double		 f;

	for (f = 1.0; f > 0; f -= 0.01) {
		snprintf(out, 8, "#%02x%02x%02x",
		    (unsigned)(((rgb >> 16) & 0xff) * f),
		    (unsigned)(((rgb >> 8) & 0xff) * f),
		    (unsigned)((rgb & 0xff) * f));
		if (brand_contrast(out, "#ffffff") >= BRAND_MIN_CONTRAST)
			return;
	}
	snprintf(out, 8, "#000000");
}

void
payment_terms_text(int64_t days, char *buf, size_t len)
{
	if (days <= 0)
		snprintf(buf, len, "Due on receipt");
	else
		snprintf(buf, len, "Net %lld", (long long)days);
}

int64_t
payment_terms_parse(const char *s)
{
	char	*end;
	long	 v;

	if (s == NULL)
		return (-1);
	if (strncasecmp(s, "net", 3) == 0)
		s += 3;
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 365)
		return (-1);
	return (v);
}

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
    0x1a, '\n' };

/* What an SVG logo must not carry: it is served as an image, but a
 * browser opened on /logo runs what it holds. */
static const char *const svg_banned[] = { "<script", "javascript:",
    "<foreignobject", "<iframe", "<embed", "<object" };

/* An event handler attribute: blank, "on", letters, blanks, '='. */
static int
svg_handler(const char *s)
{
	const char	*p;

	for (p = s; (p = strstr(p, "on")) != NULL; p += 2) {
		if (p == s || !isspace((unsigned char)p[-1]))
			continue;
		p += 2;
		if (!islower((unsigned char)*p))
			continue;
		while (islower((unsigned char)*p))
			p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '=')
			return (1);
	}
	return (0);
}

static int
not_image(struct err *e)
{
	return (err_set(e, ERR_INVALID, NULL, NULL, "logo: not a PNG or SVG "
	    "image (only PNG and SVG files are accepted)"));
}

static int
svg_ok(const unsigned char *p, size_t len, struct err *e)
{
	char	*s, *q;
	size_t	 i;
	int	 bad = 0;

	s = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		s[i] = (char)tolower(p[i]);
	s[len] = '\0';
	q = s + strspn(s, " \t\r\n");
	if (strlen(s) != len || !utf8_valid(s, len) ||
	    (strncmp(q, "<?xml", 5) != 0 && strncmp(q, "<svg", 4) != 0 &&
	    strncmp(q, "<!--", 4) != 0) || strstr(s, "<svg") == NULL) {
		xfree(s);
		return (not_image(e));
	}
	for (i = 0; i < sizeof(svg_banned) / sizeof(svg_banned[0]); i++)
		if (strstr(s, svg_banned[i]) != NULL)
			bad = 1;
	if (svg_handler(s))
		bad = 1;
	xfree(s);
	if (bad)
		return (err_set(e, ERR_INVALID, NULL, NULL, "logo: an SVG "
		    "logo may not hold scripts, event handlers or embedded "
		    "documents"));
	return (0);
}

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * A PNG the invoice PDF can draw (libharu decodes it with libpng): checked
 * when it is set, so a PDF never meets one it cannot show. Every chunk
 * whole, its CRC right, IHDR first and IEND last; at most BRAND_LOGO_PX
 * pixels a side; 8 bits a channel (palettes and greys also fewer);
 * not interlaced. Alpha is kept: the PDF gives it a soft mask.
 */
static int
png_ok(const char *what, const unsigned char *p, size_t len, struct err *e)
{
	static const char	*colors[] = { "grey", NULL, "RGB", "palette",
	    "grey with alpha", NULL, "RGBA" };
	const unsigned char	*c = p + sizeof(png_sig);
	uint32_t		 w, h, n;
	unsigned		 depth, color;
	int			 idat = 0;

	for (;;) {
		if ((size_t)(p + len - c) < 12)
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a "
			    "truncated PNG file (no IEND chunk)", what));
		n = be32(c);
		if (n > (size_t)(p + len - c) - 12)
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a "
			    "truncated PNG file (a chunk runs past its end)",
			    what));
		if (crc32(crc32(0L, Z_NULL, 0), c + 4, n + 4) !=
		    be32(c + 8 + n))
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a "
			    "damaged PNG file (chunk %.4s fails its CRC)",
			    what, (const char *)c + 4));
		if (c == p + sizeof(png_sig) && (memcmp(c + 4, "IHDR", 4) !=
		    0 || n != 13))
			return (err_set(e, ERR_INVALID, NULL, NULL, "%s: not "
			    "a PNG file (no IHDR chunk first)", what));
		if (memcmp(c + 4, "IDAT", 4) == 0)
			idat = 1;
		if (memcmp(c + 4, "IEND", 4) == 0)
			break;
		c += 12 + n;
	}
	if (!idat)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a PNG file "
		    "without image data", what));
	c = p + sizeof(png_sig) + 8;
	w = be32(c);
	h = be32(c + 4);
	depth = c[8];
	color = c[9];
	if (w == 0 || h == 0 || w > BRAND_LOGO_PX || h > BRAND_LOGO_PX)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: %ux%u "
		    "pixels; at most %dx%d", what, (unsigned)w, (unsigned)h,
		    BRAND_LOGO_PX, BRAND_LOGO_PX));
	if (color > 6 || colors[color] == NULL || c[10] != 0 || c[11] != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: an "
		    "unsupported PNG (colour type %u)", what, color));
	if (depth != 8 && !((color == 0 || color == 3) && (depth == 1 ||
	    depth == 2 || depth == 4)))
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: a PNG of "
		    "%u bits a channel (%s); save it with 8", what, depth,
		    colors[color]));
	if (c[12] != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: an "
		    "interlaced PNG; save it without interlacing", what));
	return (0);
}

/* The logo's type, or -1 with why. */
static int
logo_type(const unsigned char *p, size_t len, const char **type,
    struct err *e)
{
	if (len > BRAND_LOGO_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "logo: %zu bytes is too large (at most %d KiB)", len,
		    BRAND_LOGO_MAX / 1024));
	if (len >= sizeof(png_sig) && memcmp(p, png_sig,
	    sizeof(png_sig)) == 0) {
		*type = "image/png";
		return (png_ok("logo", p, len, e));
	}
	if (svg_ok(p, len, e) == -1)
		return (-1);
	*type = "image/svg+xml";
	return (0);
}

/* The PDF's logo: a PNG only. */
static int
pdf_logo_ok(const unsigned char *p, size_t len, struct err *e)
{
	if (len > BRAND_LOGO_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "pdf logo: %zu bytes is too large (at most %d KiB)", len,
		    BRAND_LOGO_MAX / 1024));
	if (len < sizeof(png_sig) || memcmp(p, png_sig, sizeof(png_sig)) != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL, "pdf logo: not "
		    "a PNG image (invoice PDFs show a PNG logo only)"));
	return (png_ok("pdf logo", p, len, e));
}

/* base64url of an input image: NULL keeps the stored one, "" removes it. */
static char *
logo_b64(const unsigned char *p, size_t len)
{
	char	*b64;

	if (p == NULL)
		return (NULL);
	b64 = xmalloc(len * 4 / 3 + 4);
	b64url_encode(p, len, b64);
	return (b64);
}

static int
text_ok(const char *s, size_t max)
{
	size_t	 i, n = strlen(s);

	if (!utf8_valid(s, n) || utf8_chars(s) > max)
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return (0);
	return (1);
}

int
msp_brand_set(struct store *st, const struct principal *who,
    const struct brand_input *in, struct msp_brand *out,
    char note[BRAND_NOTE_MAX], struct err *e)
{
	struct msp_brand	 b, cur;
	const char		*type = "";
	char			*b64 = NULL, *pdf_b64 = NULL;
	char			 lower[8], dark[8], detail[300];
	size_t			 i;
	int			 have, ratio;

	note[0] = '\0';
	if (in->name != NULL && (in->name[0] == '\0' ||
	    !text_ok(in->name, MSP_NAME_MAX)))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "name: expected 1 to %d characters", MSP_NAME_MAX));
	if (in->support_email != NULL && !email_valid(in->support_email))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "support e-mail: not a valid e-mail address"));
	if (in->support_url != NULL && in->support_url[0] != '\0' &&
	    !onb_url_valid(in->support_url))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "support url: expected http(s)://host[/path]"));
	lower[0] = '\0';
	if (in->color != NULL) {
		if (!color_valid(in->color))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "colour: expected #RRGGBB, like #0869c7"));
		for (i = 0; i < 7; i++)
			lower[i] = (char)tolower((unsigned char)in->color[i]);
		lower[7] = '\0';
		ratio = brand_contrast(lower, "#ffffff");
		if (ratio < BRAND_MIN_CONTRAST) {
			color_darken(lower, dark);
			if (!in->adapt)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "colour %s: white text on it has a "
				    "contrast of %d.%02d:1, below the 4.5:1 "
				    "that text needs to be readable; a "
				    "darker shade that passes is %s "
				    "(or let payerlink adapt it)", lower,
				    ratio / 100, ratio % 100, dark));
			snprintf(note, BRAND_NOTE_MAX, "colour %s has a "
			    "contrast of %d.%02d:1 with white text (below "
			    "4.5:1): adapted to %s", lower, ratio / 100,
			    ratio % 100, dark);
			memcpy(lower, dark, sizeof(lower));
		}
	}
	if (in->logo != NULL && in->logo_len > 0 &&
	    logo_type(in->logo, in->logo_len, &type, e) == -1)
		return (-1);
	if (in->pdf_logo != NULL && in->pdf_logo_len > 0 &&
	    pdf_logo_ok(in->pdf_logo, in->pdf_logo_len, e) == -1)
		return (-1);
	b64 = logo_b64(in->logo, in->logo_len);
	pdf_b64 = logo_b64(in->pdf_logo, in->pdf_logo_len);
	if (store_begin(st, STORE_WRITE, e) == -1)
		goto fail0;
	if (msp_require(st, who, NULL, e) == -1)
		goto fail;
	have = store_msp_brand_get(st, &cur, NULL) == 0;
	if (!have && (in->name == NULL || in->support_email == NULL)) {
		err_set(e, ERR_INVALID, NULL, NULL, "a brand needs a name and "
		    "a support e-mail (--name, --support-email)");
		goto fail;
	}
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", in->name != NULL ? in->name :
	    cur.name);
	snprintf(b.color, sizeof(b.color), "%s", lower[0] != '\0' ? lower :
	    have ? cur.color : BRAND_DEFAULT_COLOR);
	snprintf(b.support_email, sizeof(b.support_email), "%s",
	    in->support_email != NULL ? in->support_email : cur.support_email);
	snprintf(b.support_url, sizeof(b.support_url), "%s",
	    in->support_url != NULL ? in->support_url : have ?
	    cur.support_url : "");
	snprintf(b.logo_type, sizeof(b.logo_type), "%s", b64 != NULL ? type :
	    have ? cur.logo_type : "");
	snprintf(b.pdf_logo_type, sizeof(b.pdf_logo_type), "%s",
	    pdf_b64 != NULL ? (pdf_b64[0] != '\0' ? "image/png" : "") :
	    have ? cur.pdf_logo_type : "");
	b.updated_at = store_now(st);
	snprintf(detail, sizeof(detail), "name '%.100s' colour %s support "
	    "%s logo %s pdf logo %s", b.name, b.color, b.support_email,
	    b.logo_type[0] != '\0' ? b.logo_type : "none",
	    b.pdf_logo_type[0] != '\0' ? b.pdf_logo_type : "none");
	if (store_msp_brand_put(st, &b, b64, pdf_b64, e) == -1 ||
	    store_audit_append(st, onb_actor(who), "msp.brand", "msp", detail,
	    e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		goto fail0;
	xfree(b64);
	xfree(pdf_b64);
	if (out != NULL)
		*out = b;
	return (0);
fail:
	store_rollback(st);
fail0:
	xfree(b64);
	xfree(pdf_b64);
	return (-1);
}

void
msp_brand_read(struct store *st, struct msp_brand *out)
{
	struct msp	 m;
	int		 have;

	have = store_msp_brand_get(st, out, NULL) == 0;
	if (have)
		return;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s",
	    store_msp_get(st, &m, NULL) == 0 ? m.name : "payerlink");
	snprintf(out->color, sizeof(out->color), BRAND_DEFAULT_COLOR);
}

void
msp_brand_get(struct store *st, struct msp_brand *out)
{
	struct err	 e;

	err_clear(&e);
	if (store_begin(st, STORE_READ, &e) == -1) {
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "payerlink");
		snprintf(out->color, sizeof(out->color), BRAND_DEFAULT_COLOR);
		return;
	}
	msp_brand_read(st, out);
	store_rollback(st);
}

const char *
brand_pdf_logo(const struct msp_brand *b)
{
	if (b->pdf_logo_type[0] != '\0')
		return ("pdf-logo");
	if (strcmp(b->logo_type, "image/png") == 0)
		return ("logo");
	return (NULL);
}

/* One of the stored logos, decoded into the arena. */
static int
logo_read(struct store *st, struct arena *a, int pdf, const char **type_out,
    const unsigned char **data_out, size_t *len_out, struct err *e)
{
	const char	*b64;
	unsigned char	*data;
	long		 n;

	if (store_msp_logo_get(st, a, pdf, type_out, &b64, e) == -1)
		return (-1);
	data = arena_alloc(a, strlen(b64) * 3 / 4 + 4);
	if ((n = b64url_decode(b64, strlen(b64), data)) < 0)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "the stored logo is not base64url"));
	*data_out = data;
	*len_out = (size_t)n;
	return (0);
}

int
msp_logo_get(struct store *st, struct arena *a, const char **type_out,
    const unsigned char **data_out, size_t *len_out, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = logo_read(st, a, 0, type_out, data_out, len_out, e);
	store_rollback(st);
	return (rc);
}

int
msp_pdf_logo_read(struct store *st, struct arena *a,
    const unsigned char **data_out, size_t *len_out, struct err *e)
{
	const char	*type;
	int		 rc;

	rc = logo_read(st, a, 1, &type, data_out, len_out, e);
	if (rc == -1 && e->code == ERR_NOT_FOUND) {
		err_clear(e);
		rc = logo_read(st, a, 0, &type, data_out, len_out, e);
		if (rc == 0 && strcmp(type, "image/png") != 0)
			rc = err_set(e, ERR_NOT_FOUND, NULL, NULL, "the logo "
			    "is an SVG and no PDF logo is set");
	}
	return (rc);
}

int
msp_pdf_logo_get(struct store *st, struct arena *a,
    const unsigned char **data_out, size_t *len_out, struct err *e)
{
	int	 rc;

	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_pdf_logo_read(st, a, data_out, len_out, e);
	store_rollback(st);
	return (rc);
}
