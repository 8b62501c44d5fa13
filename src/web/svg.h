/* SPDX-License-Identifier: MIT */
/* Private to web/: server-drawn SVG charts (svg.c). */
#ifndef WEB_SVG_H
#define WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A range drawn over one bucket: a forecast's prediction interval. */
struct svg_range {
	size_t		 bucket;
	int64_t		 lo, hi;	/* nano */
	const char	*label;		/* its <title>: "80 % range" */
};

/*
 * Stacked bars: nb buckets (labels) x ns series, v[i * ns + s] nano; a
 * series named with a leading '~' is drawn as a forecast (pale, dashed,
 * the '~' left out). range, when not NULL, is drawn over its bucket.
 */
void	svg_bars(struct buf *, const char *title, size_t nb,
	    const char *const *labels, size_t ns, const char *const *series,
	    const int64_t *v, const char *cur, const struct svg_range *range);

#endif
