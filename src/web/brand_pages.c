/* SPDX-License-Identifier: MIT */
/*
 * The MSP's brand on the web: /branding (the MSP's settings page: name,
 * colour, support contact, logo upload), and what every page links to:
 * /brand.css (the colour), /logo and /favicon.ico (the logo, or a
 * built-in icon).
 */
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "onboard/onboard.h"
#include "web/page.h"
#include "web/web.h"

/* Cached for a short while: a new brand shows within a minute. */
#define BRAND_MAX_AGE	"max-age=60"

void
brand_css_get(struct ctx *c)
{
	struct msp_brand	 br;

	msp_brand_get(c->r->store, &br);
	c->resp->status = 200;
	c->resp->content_type = "text/css; charset=utf-8";
	response_header(c->resp, "Cache-Control", BRAND_MAX_AGE);
	/* msp_brand_set checked it: #rrggbb, white text passes 4.5:1. */
	buf_printf(c->b, ":root { --accent: %s; --accent-dark: %s; }\n"
	    ".top { background: %s; }\n", br.color, br.color, br.color);
}

/* The logo as it was uploaded, with its type; 404 without one. */
void
logo_get(struct ctx *c)
{
	const unsigned char	*data;
	const char		*type;
	size_t			 len;
	struct err		 e;

	err_clear(&e);
	if (msp_logo_get(c->r->store, c->r->arena, &type, &data, &len,
	    &e) == -1) {
		page_message(c, 404, "Not found", "No logo is set.");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = type;
	response_header(c->resp, "Cache-Control", BRAND_MAX_AGE);
	/* An SVG opened on its own runs nothing and loads nothing. */
	response_header(c->resp, "Content-Security-Policy", "default-src "
	    "'none'; style-src 'unsafe-inline'; sandbox");
	buf_add(c->b, data, len);
}

/* The MSP's logo, else payerlink's icon (assets/favicon.ico). */
void
favicon_get(struct ctx *c)
{
	const struct embed_file	*f;
	const unsigned char	*data;
	const char		*type;
	size_t			 len;
	struct err		 e;

	err_clear(&e);
	c->resp->status = 200;
	response_header(c->resp, "Cache-Control", BRAND_MAX_AGE);
	if (msp_logo_get(c->r->store, c->r->arena, &type, &data, &len,
	    &e) == 0) {
		c->resp->content_type = type;
		buf_add(c->b, data, len);
		return;
	}
	c->resp->content_type = "image/x-icon";
	for (f = embed_assets; f->name != NULL; f++)
		if (strcmp(f->name, "favicon.ico") == 0)
			buf_add(c->b, f->data, f->len);
}

void
branding_get(struct ctx *c)
{
	struct msp_brand	 br;
	struct buf		*b = c->b;
	const char		*v, *pdf;
	int			 ratio;

	msp_brand_get(c->r->store, &br);
	page_begin(c, "Branding");
	buf_adds(b, "<h1>Branding</h1><p class=\"lead\">What your customers "
	    "see on the billing portal, the sign-in and plan pages, in "
	    "e-mails and on invoices.</p>");
	if (br.updated_at == 0)
		buf_adds(b, "<p class=\"flash\" role=\"status\">No brand is set "
		    "yet: your customers see your MSP's name and payerlink's "
		    "colour.</p>");
	buf_adds(b, "<section class=\"card\" id=\"brand\" aria-labelledby="
	    "\"brand-h\"><h2 id=\"brand-h\">Brand</h2>");
	error_here(c, "brand");
	buf_adds(b, "<form method=\"post\" action=\"/branding/save\" "
	    "enctype=\"multipart/form-data\" class=\"stack\">");
	csrf_input(c);
	v = form_get(&c->form, "name");
	buf_adds(b, "<label for=\"name\">Name</label><input id=\"name\" "
	    "name=\"name\" required maxlength=\"200\" value=\"");
	html_escape(b, v != NULL ? v : br.updated_at != 0 ? br.name : "");
	v = form_get(&c->form, "color");
	buf_adds(b, "\"><label for=\"color\">Colour</label><input id=\"color\" "
	    "name=\"color\" type=\"color\" value=\"");
	html_escape(b, v != NULL ? v : br.color);
	ratio = brand_contrast(br.color, "#ffffff");
	buf_adds(b, "\"><small class=\"muted\" id=\"color-help\">");
	html_printf(b, "The background of white text (the top bar, buttons) "
	    "and the colour of links: white on it must reach 4.5:1. Now %s, "
	    "%d.%02d:1.", br.color, ratio / 100, ratio % 100);
	buf_adds(b, "</small><label><input type=\"checkbox\" name=\"adapt\" "
	    "value=\"1\"> Darken the colour if it is too light</label>"
	    "<label for=\"support_email\">Support e-mail</label><input "
	    "id=\"support_email\" name=\"support_email\" type=\"email\" "
	    "required maxlength=\"64\" value=\"");
	v = form_get(&c->form, "support_email");
	html_escape(b, v != NULL ? v : br.support_email);
	buf_adds(b, "\"><label for=\"support_url\">Support web page "
	    "(optional)</label><input id=\"support_url\" name=\"support_url\" "
	    "type=\"url\" maxlength=\"255\" value=\"");
	v = form_get(&c->form, "support_url");
	html_escape(b, v != NULL ? v : br.support_url);
	buf_adds(b, "\"><label for=\"logo\">Logo (PNG or SVG, at most ");
	html_printf(b, "%d", BRAND_LOGO_MAX / 1024);
	buf_adds(b, " KiB; also the browser tab's icon)</label>");
	if (br.logo_type[0] != '\0')
		buf_adds(b, "<p><img src=\"/logo\" alt=\"The current logo\" "
		    "width=\"64\" height=\"64\"> <label><input type=\"checkbox\" "
		    "name=\"no_logo\" value=\"1\"> Remove the logo</label></p>");
	buf_adds(b, "<input id=\"logo\" name=\"logo\" type=\"file\" "
	    "accept=\"image/png,image/svg+xml\"><label for=\"pdf_logo\">"
	    "Logo on invoice PDFs (PNG)</label><small class=\"muted\" "
	    "id=\"pdf-logo-help\">");
	pdf = brand_pdf_logo(&br);
	html_printf(b, "PDFs show a PNG only: this one, else the logo above "
	    "when it is a PNG. At most %d x %d pixels, 8 bits a channel, not "
	    "interlaced; transparency is kept. Now: %s.", BRAND_LOGO_PX,
	    BRAND_LOGO_PX, pdf == NULL ? "no logo, the brand's name alone" :
	    strcmp(pdf, "logo") == 0 ? "the logo above" : "this PNG");
	buf_adds(b, "</small>");
	if (br.pdf_logo_type[0] != '\0')
		buf_adds(b, "<p><label><input type=\"checkbox\" "
		    "name=\"no_pdf_logo\" value=\"1\"> Remove the PDF "
		    "logo</label></p>");
	buf_adds(b, "<input id=\"pdf_logo\" name=\"pdf_logo\" type=\"file\" "
	    "accept=\"image/png\" aria-describedby=\"pdf-logo-help\">"
	    "<button type=\"submit\" class=\"primary\">Save the brand"
	    "</button></form></section>");
	page_end(c);
}

void
branding_post(struct ctx *c, const char *action)
{
	struct brand_input	 in;
	struct msp_brand	 br;
	const struct upload	*up;
	struct err		 e;
	char			 note[BRAND_NOTE_MAX];

	if (strcmp(action, "save") != 0) {
		page_message(c, 404, "Not found", "There is no such action.");
		return;
	}
	err_clear(&e);
	memset(&in, 0, sizeof(in));
	in.name = form_trimmed(c, form_str(&c->form, "name"));
	in.color = form_trimmed(c, form_str(&c->form, "color"));
	in.support_email = form_trimmed(c, form_str(&c->form,
	    "support_email"));
	in.support_url = form_trimmed(c, form_str(&c->form, "support_url"));
	in.adapt = form_get(&c->form, "adapt") != NULL;
	if ((up = upload_get(c->upload, "logo")) != NULL) {
		in.logo = up->data;
		in.logo_len = up->len;
	} else if (form_get(&c->form, "no_logo") != NULL)
		in.logo = (const unsigned char *)"";
	if ((up = upload_get(c->upload, "pdf_logo")) != NULL) {
		in.pdf_logo = up->data;
		in.pdf_logo_len = up->len;
	} else if (form_get(&c->form, "no_pdf_logo") != NULL)
		in.pdf_logo = (const unsigned char *)"";
	if (in.color[0] == '\0')
		in.color = NULL;
	if (msp_brand_set(c->r->store, &c->who, &in, &br, note, &e) == -1) {
		error_at(c, "brand", &e);
		branding_get(c);
		return;
	}
	if (note[0] != '\0')
		flash_set(c, "Saved the brand. Note: %s.", note);
	else
		flash_set(c, "Saved the brand.");
	page_redirect(c, "/branding");
}
