/* SPDX-License-Identifier: MIT */
/*
 * SVG charts drawn by the server: stacked bars with a labelled y axis
 * (amounts), x labels (thinned to fit) and a <title> on every bar segment,
 * so hovering shows its value. Colours come from style.css classes s0..s8.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "web/svg.h"
#include "web/web.h"

/* A "nice" axis maximum >= v (1, 2, 5 x 10^k), in nano-units. */
static int64_t
nice_max(int64_t v)
{
	int64_t	 step = 1000000000LL / 100;	/* one cent */

	if (v <= 0)
		return (1000000000LL);
	for (;;) {
		if (step * 1 >= v)
			return (step);
		if (step * 2 >= v)
			return (step * 2);
		if (step * 5 >= v)
			return (step * 5);
		if (step > INT64_MAX / 100)
			return (v);
		step *= 10;
	}
}

void
svg_bars(struct buf *b, const char *title, size_t nb,
    const char *const *labels, size_t ns, const char *const *series,
    const int64_t *v, const char *cur)
{
	const int	 W = 900, H = 300, L = 90, R = 10, T = 10, B = 40;
	int64_t		 max = 0, top;
	size_t		 i, s, every;
	double		 bw;
	char		 t[64], m[64];

	for (i = 0; i < nb; i++) {
		int64_t sum = 0;

		for (s = 0; s < ns; s++)
			if (v[i * ns + s] > 0)
				sum += v[i * ns + s];
		if (sum > max)
			max = sum;
	}
	top = nice_max(max);
	buf_printf(b, "<figure class=\"chart\"><svg role=\"img\" viewBox=\"0 0 "
	    "%d %d\" width=\"100%%\" aria-label=\"", W, H);
	html_escape(b, title);
	buf_adds(b, "\"><title>");
	html_escape(b, title);
	buf_adds(b, "</title>");
	/* Y axis: five ticks with their amounts. */
	for (i = 0; i <= 4; i++) {
		double y = T + (double)(H - T - B) * (1.0 - (double)i / 4);

		money_short(top / 4 * (int64_t)i, cur, t, sizeof(t));
		buf_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		    "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"axis\" x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\">", L, W - R, y, y, L - 6,
		    y + 4);
		html_escape(b, t);
		buf_adds(b, "</text>");
	}
	bw = nb > 0 ? (double)(W - L - R) / (double)nb : 0;
	every = nb / 12 + 1;
	for (i = 0; i < nb; i++) {
		double	 y = H - B, x = L + bw * (double)i;

		for (s = 0; s < ns; s++) {
			int64_t	 val = v[i * ns + s];
			double	 h;

			if (val <= 0)
				continue;
			h = (double)(H - T - B) * ((double)val / (double)top);
			y -= h;
			money_text(val, cur, m, sizeof(m));
			buf_printf(b, "<rect class=\"s%zu\" x=\"%.1f\" "
			    "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			    "<title>", s % 9, x + bw * 0.1, y, bw * 0.8, h);
			html_escape(b, labels[i]);
			buf_adds(b, " · ");
			html_escape(b, series[s]);
			buf_adds(b, ": ");
			html_escape(b, m);
			buf_adds(b, "</title></rect>");
		}
		if (i % every == 0) {
			buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\">", x + bw / 2, H - B + 16);
			html_escape(b, labels[i]);
			buf_adds(b, "</text>");
		}
	}
	buf_printf(b, "<line class=\"axisline\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	    "y2=\"%d\"/></svg><figcaption class=\"legend\">", L, W - R, H - B,
	    H - B);
	for (s = 0; s < ns; s++) {
		buf_printf(b, "<span><i class=\"s%zu\"></i>", s % 9);
		html_escape(b, series[s]);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</figcaption></figure>");
}
