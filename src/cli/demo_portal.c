/* SPDX-License-Identifier: MIT */
/*
 * Demo data for the billing portal: portal users, budgets (one over its
 * forecast threshold per customer) and the spike that makes an anomaly.
 * See demo_portal.h.
 */
#include <stdio.h>
#include <string.h>

#include "billing/money.h"
#include "cli/demo_portal.h"
#include "onboard/onboard.h"
#include "portal/portal.h"

#define DEMO_PASSWORD	"portal-demo-1"

double
demo_portal_spike(const char *account_id, const char *usage_type,
    int64_t day, const char *spike_account, int64_t today)
{
	if (spike_account != NULL && strcmp(account_id, spike_account) == 0 &&
	    strncmp(usage_type, "BoxUsage", 8) == 0 && day == today - 3)
		return (12.0);
	return (1.0);
}

/* "Acme Standalone" -> "portal@acme-standalone.example" */
static void
demo_slug(const char *name, char *out, size_t len)
{
	size_t	 o = 0;
	int	 dash = 0;

	o = (size_t)snprintf(out, len, "portal@");
	for (; *name != '\0' && o + 10 < len; name++) {
		char c = *name;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[o++] = c;
			dash = 0;
		} else if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
			dash = 0;
		} else if (!dash && o > 7) {
			out[o++] = '-';
			dash = 1;
		}
	}
	if (dash)
		o--;
	snprintf(out + o, len - o, ".example");
}

int
demo_portal(struct store *st, FILE *out)
{
	struct arena		 a;
	struct customer		*cv;
	struct portal_user	 u;
	struct budget_input	 in;
	struct budget_status	*bs;
	struct ce_scope		 sc;
	struct ce_forecast	 f;
	struct err		 e;
	size_t			 n, i, nb;
	int			 more, rc = 1;
	char			 email[EMAIL_MAX + 1], amount[48], name[64];

	arena_init(&a);
	err_clear(&e);
	if (customer_page(st, &a, "", 100, &cv, &n, &e) == -1)
		goto fail;
	(void)more;
	if (portal_user_create(st, "", "billing", "billing@msp.example",
	    DEMO_PASSWORD, &u, &e) == 0)
		fprintf(out, "portal: MSP billing user %s / %s\n", u.email,
		    DEMO_PASSWORD);
	err_clear(&e);
	for (i = 0; i < n; i++) {
		int64_t	 today = ce_today(st), est = 0;

		demo_slug(cv[i].name, email, sizeof(email));
		if (portal_user_create(st, cv[i].id, "customer", email,
		    DEMO_PASSWORD, &u, &e) == 0)
			fprintf(out, "portal: %s user %s / %s\n", cv[i].name,
			    u.email, DEMO_PASSWORD);
		err_clear(&e);
		/* Half the forecast month end: the forecast alert fires. */
		if (ce_scope_customer(st, &a, cv[i].id, &sc, &e) == 0 &&
		    ce_forecast_run(st, &a, &sc, CE_UNBLENDED, today,
		    ce_month_next(today), 0, NULL, 80, &f, &e) == 0)
			est = f.total;
		err_clear(&e);
		/* Whole dollars, at least 100, read better in the portal. */
		est = est / 2 / 1000000000LL * 1000000000LL;
		if (est < 100000000000LL)
			est = 100000000000LL;
		money_format(est, MONEY_DIGITS, amount, sizeof(amount));
		snprintf(name, sizeof(name), "Monthly %.50s", cv[i].name);
		memset(&in, 0, sizeof(in));
		in.customer_id = cv[i].id;
		in.name = name;
		in.amount = amount;
		in.actual_pct = "80";
		in.forecast_pct = "100";
		if (budget_create(st, &in, NULL, &e) == 0)
			fprintf(out, "portal: budget %s of %s USD for %s\n",
			    name, amount, cv[i].name);
		err_clear(&e);
	}
	if (budget_check(st, &a, "", &bs, &nb, &e) == -1 &&
	    e.code != ERR_NOT_FOUND)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(out, "portal: %s\n", e.msg);
out:
	arena_release(&a);
	return (rc);
}
