/* SPDX-License-Identifier: MIT */
/*
 * What the onboarding pages share (private to src/web/onboard_common.c,
 * onboard_pages.c, customer_pages.c and plan_pages.c): small renderers of
 * the desk's views, its timelines and steps, and the case and customer
 * pickers of its forms.
 */
#ifndef WEB_ONBOARD_INTERNAL_H
#define WEB_ONBOARD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "onboard/onboard.h"
#include "web/page.h"

void	kv_time(struct buf *b, const char *k, int64_t ms, const char *none);
void	live_banner(struct ctx *c);
int	id_ok(const char *s, size_t max);
const char *case_short(int case_no);
void	state_badge(struct buf *b, enum onboard_state s);
void	gap_text(struct buf *b, const struct onboard_view *v);
void	customers_first(struct ctx *c, struct customer **v, size_t *n);
void	customer_options(struct buf *b, const struct customer *v, size_t n,
	    const char *selected);
int	customer_find_or_create(struct ctx *c, const struct principal *who,
	    const char *name, const char *contact, char *id_out, struct err *e);
void	plan_url_box(struct buf *b, const char *url, const char *what);
void	case_select(struct ctx *c);
int	case_given(struct ctx *c);
void	timeline_table(struct buf *b, const struct onboard_view *v);
/* full: with where to click, in AWS's console when live, else this one. */
void	steps_list(struct buf *b, const struct onboard_view *v, int full,
	    int live);
void	route_options(struct buf *b, const struct onboard_view *v);
void	transfer_kv(struct buf *b, const struct onboard_view *v);
void	prereq_list(struct buf *b, const struct onboard_view *v);

#endif
