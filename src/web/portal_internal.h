/* SPDX-License-Identifier: MIT */
/*
 * What the portal's pages share (private to src/web/portal_pages.c and
 * portal_alert_pages.c): who the page is for and its links (their
 * amounts: money_html, page.h).
 */
#ifndef WEB_PORTAL_INTERNAL_H
#define WEB_PORTAL_INTERNAL_H

#include <stdint.h>

#include "ce/ce.h"
#include "core/buf.h"
#include "web/page.h"

int	portal_scope_of(struct ctx *c, struct ce_scope *sc, const char **cust);
int	portal_can_write(struct ctx *c);
const char	*portal_keep(struct ctx *c, const char *cust, const char *sep);
void	portal_customer_picker(struct ctx *c, const char *cust,
	    const char *action);

/* portal_alert_pages.c: /portal/budgets and /portal/anomalies. */
void	portal_budgets(struct ctx *c);
void	portal_budget_page(struct ctx *c, const char *rest);
void	portal_budget_post(struct ctx *c, const char *cust, const char *rest);
int	portal_anomaly_in_scope(struct ctx *c, const struct ce_scope *sc,
	    const char *id);
void	portal_anomalies(struct ctx *c);

#endif
