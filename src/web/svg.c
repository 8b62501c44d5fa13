/* SPDX-License-Identifier: MIT */
/*
 * SVG charts drawn by the server: stacked bars with a labelled y axis
 * (short amounts, money_short), x labels thinned to fit and a <title> on
 * every bar segment, so hovering shows its value; a forecast's range as a
 * whisker. Colours come from style.css classes s0..s8 (sf: a forecast).
 *
 * The chart scales with the page (viewBox), so on a phone style.css draws
 * the axis text at AXIS_NARROW units instead of AXIS_WIDE and hides the x
 * labels of class xw: the labels kept at each size are spaced for it, so
 * they never overlap (tests/e2e/portal.test.mjs measures them).
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "web/svg.h"
#include "web/web.h"

#define AXIS_WIDE	11	/* style.css .chart .axis */
#define AXIS_NARROW	24	/* the same at max-width 600px */

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

/* Every how many buckets an x label of n characters fits at font size
 * px (units of the viewBox), bw units apart: about 0.62 em a character
 * and a gap of one em. */
static size_t
label_every(size_t n, int px, double bw)
{
	double	 w = (double)n * 0.62 * px + px;
	size_t	 k = 1;

	while (bw * (double)k < w)
		k++;
	return (k);
}

void
svg_bars(struct buf *b, const char *title, size_t nb,
    const char *const *labels, size_t ns, const char *const *series,
    const int64_t *v, const char *cur, const struct svg_range *range)
{
	const int	 W = 900, H = 300, L = 100, R = 10, T = 30, B = 40;
	int64_t		 max = 0, top;
	size_t		 i, s, lmax = 1, wide, narrow;
	double		 bw;
	char		 t[64], m[64];

	for (i = 0; i < nb; i++) {
		int64_t sum = 0;

		/* Only the positive parts stack; a sum past int64 is drawn
		 * at the largest (the axis says so). */
		for (s = 0; s < ns; s++)
			if (v[i * ns + s] > 0 && money_add(&sum, v[i * ns + s]))
				sum = INT64_MAX;
		if (sum > max)
			max = sum;
		if (strlen(labels[i]) > lmax)
			lmax = strlen(labels[i]);
	}
	if (range != NULL && range->hi > max)
		max = range->hi;
	top = nice_max(max);
	buf_printf(b, "<figure class=\"chart\"><svg role=\"img\" viewBox=\"0 0 "
	    "%d %d\" width=\"100%%\" aria-label=\"", W, H);
	html_escape(b, title);
	buf_adds(b, "\"><title>");
	html_escape(b, title);
	buf_adds(b, "</title>");
	/* Y axis: five ticks, each amount just above its line. */
	for (i = 0; i <= 4; i++) {
		double y = T + (double)(H - T - B) * (1.0 - (double)i / 4);

		money_short(top / 4 * (int64_t)i, cur, t, sizeof(t));
		buf_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		    "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"axis\" x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\">", L, W - R, y, y, L - 6,
		    y - 4);
		html_escape(b, t);
		buf_adds(b, "</text>");
	}
	bw = nb > 0 ? (double)(W - L - R) / (double)nb : 0;
	wide = label_every(lmax, AXIS_WIDE, bw);
	narrow = label_every(lmax, AXIS_NARROW, bw);
	if (narrow % wide != 0)		/* the narrow set within the wide */
		narrow += wide - narrow % wide;
	for (i = 0; i < nb; i++) {
		double	 y = H - B, x = L + bw * (double)i;

		for (s = 0; s < ns; s++) {
			int64_t	 val = v[i * ns + s];
			int	 fc = series[s][0] == '~';
			double	 h;

			if (val <= 0)
				continue;
			h = (double)(H - T - B) * ((double)val / (double)top);
			y -= h;
			money_text(val, cur, m, sizeof(m));
			if (fc)
				buf_printf(b, "<rect class=\"sf\" ");
			else
				buf_printf(b, "<rect class=\"s%zu\" ", s % 9);
			buf_printf(b, "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\"><title>", x + bw * 0.1, y,
			    bw * 0.8, h);
			html_escape(b, labels[i]);
			buf_adds(b, " · ");
			html_escape(b, series[s] + fc);
			buf_adds(b, ": ");
			html_escape(b, m);
			buf_adds(b, "</title></rect>");
		}
		/* Hanging below the axis line, so no y label meets them. */
		if (i % wide == 0) {
			buf_printf(b, "<text class=\"axis%s\" x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" dominant-baseline=\"hanging\">",
			    i % narrow == 0 ? "" : " xw", x + bw / 2, H - B + 6);
			html_escape(b, labels[i]);
			buf_adds(b, "</text>");
		}
	}
	if (range != NULL && range->bucket < nb && range->hi >= range->lo) {
		double	 x = L + bw * ((double)range->bucket + 0.5);
		double	 ylo = H - B - (double)(H - T - B) *
		    ((double)range->lo / (double)top);
		double	 yhi = H - B - (double)(H - T - B) *
		    ((double)range->hi / (double)top);
		char	 lo[64], hi[64];

		money_text(range->lo, cur, lo, sizeof(lo));
		money_text(range->hi, cur, hi, sizeof(hi));
		buf_printf(b, "<g class=\"range\"><title>");
		html_escape(b, range->label);
		buf_adds(b, ": ");
		html_escape(b, lo);
		buf_adds(b, " – ");
		html_escape(b, hi);
		buf_printf(b, "</title><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/></g>", x, x, ylo, yhi, x - bw * 0.2,
		    x + bw * 0.2, ylo, ylo, x - bw * 0.2, x + bw * 0.2, yhi,
		    yhi);
	}
	buf_printf(b, "<line class=\"axisline\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	    "y2=\"%d\"/></svg><figcaption class=\"legend\">", L, W - R, H - B,
	    H - B);
	for (s = 0; s < ns; s++) {
		if (series[s][0] == '~')
			buf_adds(b, "<span><i class=\"sf\"></i>");
		else
			buf_printf(b, "<span><i class=\"s%zu\"></i>", s % 9);
		html_escape(b, series[s] + (series[s][0] == '~'));
		buf_adds(b, "</span>");
	}
	if (range != NULL) {
		buf_adds(b, "<span><i class=\"rangekey\"></i>");
		html_escape(b, range->label);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</figcaption></figure>");
}
