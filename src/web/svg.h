/* SPDX-License-Identifier: MIT */
/* Private to web/: server-drawn SVG charts (svg.c). */
#ifndef WEB_SVG_H
#define WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Stacked bars: nb buckets (labels) x ns series, v[i * ns + s] nano. */
void	svg_bars(struct buf *, const char *title, size_t nb,
	    const char *const *labels, size_t ns, const char *const *series,
	    const int64_t *v, const char *cur);

#endif
