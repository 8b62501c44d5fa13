/* SPDX-License-Identifier: MIT */
/* payerlink onboard: requests, tracking and follow-up of onboardings. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink onboard request --customer C --account ID --email E\n"
"                                 [--notes N] [--case 1|2|3]\n"
"                                 [--route invite|billing-transfer]\n"
"                                 [--start YYYY-MM]\n"
"       payerlink onboard list [--state S] [--customer C]\n"
"                              [--expiring-within 3d]\n"
"       payerlink onboard show ID\n"
"       payerlink onboard resend ID\n"
"       payerlink onboard cancel ID\n"
"       payerlink onboard link ID\n"
"       payerlink onboard plan TOKEN\n"
"All take --db FILE and --json.\n"
"\n"
"request checks that the account id and e-mail belong together, detects\n"
"the case (1 standalone, 2 member of another organization, 3 management\n"
"account of its own organization), invites the account into the MSP's\n"
"organization and prints {\"OnboardingId\", \"Case\", \"HandshakeId\",\n"
"\"PlanUrl\", \"State\", \"Route\", \"RecommendedRoute\"} (billing-transfer\n"
"for case 3, else invite). The plan link is shown once (only its\n"
"hash is kept); link makes a new one and the old one stops working.\n"
"--route billing-transfer (case 3 only) lets the customer keep its\n"
"organization: its management account accepts a billing transfer and the\n"
"MSP pays that organization's bill from 00:00 UTC on the first of --start\n"
"(default: the next month); it adds \"TransferId\" and \"TransferStart\".\n"
"Without --route the account is invited into the MSP's organization; show\n"
"lists the routes for the case, best first, in \"RouteOptions\".\n"
"--case states the case when the organization cannot tell: in live\n"
"mode AWS shows nobody a foreign account's organization, so the case is\n"
"the one the customer or the MSP gives (default 1); what AWS shows wins.\n"
"show adds \"Timeline\", \"LeftPreviousPayerAt\", \"JoinedAt\",\n"
"\"BillingGapMinutes\", \"GapFlagged\", \"Steps\" and \"Prerequisites\".\n"
"list prints {\"Onboardings\", \"Counts\" (per state), \"Total\"}; states are\n"
"INVITED, IN_PROGRESS, LINKED, DECLINED, EXPIRED, CANCELED;\n"
"--expiring-within keeps open invitations that expire within 3d, 12h...\n"
"resend sends a DECLINED or EXPIRED onboarding a new invitation; cancel\n"
"cancels the onboarding and its invitation. plan prints what the\n"
"customer's plan page shows for a plan token.\n";

static void	when(int64_t, char *, size_t);

static void
print_result(const struct onboard_result *r)
{
	char	 start[32];

	printf("Onboarding %s: case %d, %s %s, %s\n", r->id, r->case_no,
	    r->route == ONBOARD_ROUTE_BILLING_TRANSFER ? "billing transfer "
	    "invitation" : "invitation", r->handshake_id,
	    onboard_state_name(r->state));
	if (r->route == ONBOARD_ROUTE_BILLING_TRANSFER) {
		when(r->transfer_start, start, sizeof(start));
		printf("Transfer %s: the MSP pays the organization's bill from "
		    "%s once accepted\n", r->transfer_id, start);
	} else if (onboard_route_best(r->case_no) != r->route)
		printf("Case %d: with --route %s the customer would keep its "
		    "organization (onboard show lists the routes)\n",
		    r->case_no, onboard_route_name(onboard_route_best(
		    r->case_no)));
	if (r->plan_url[0] != '\0')
		printf("Plan link (shown once): %s\n", r->plan_url);
}

static void
when(int64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "-");
	else
		clock_iso8601(ms, buf, len);
}

static void
print_view(const struct onboard_view *v)
{
	char	 a[32], b[32];
	size_t	 i;

	printf("Onboarding %s  %s\n", v->o.id, onboard_state_name(v->state));
	printf("  customer    %s (%s)\n", v->customer.name, v->o.customer_id);
	printf("  account     %s <%s>, case %d%s%s\n", v->o.account_id,
	    v->o.email, v->o.case_no, v->o.prev_org_id[0] ? ", from " : "",
	    v->o.prev_org_id);
	printf("  invitation  %s %s\n", v->o.handshake_id, v->hs_found ?
	    v->hs.state : "(gone)");
	printf("  route       %s", v->route.route);
	if (v->route.transfer_id[0] != '\0') {
		when(v->transfer_found ? v->transfer.start_at :
		    v->route.start_at, a, sizeof(a));
		printf(": transfer %s %s from %s", v->route.transfer_id,
		    v->transfer_found ? v->transfer.status : "(gone)", a);
		if (v->transfer_found && v->transfer.end_at != 0) {
			when(v->transfer.end_at, b, sizeof(b));
			printf(" until %s", b);
		}
	}
	printf("\n");
	when(v->left_prev_at, a, sizeof(a));
	when(v->joined_at, b, sizeof(b));
	printf("  left old payer %s, joined %s", a, b);
	if (v->gap_ms >= 0)
		printf(", gap %lld min%s", (long long)(v->gap_ms / 60000),
		    v->gap_flagged ? " (FLAGGED)" : "");
	else if (v->gap_flagged)
		printf(" (FLAGGED: paying itself now)");
	printf("\n  Timeline:\n");
	for (i = 0; i < v->nevents; i++) {
		when(v->events[i].at, a, sizeof(a));
		printf("    %s  %-26s %s\n", a, v->events[i].kind,
		    v->events[i].detail);
	}
	printf("  Steps:\n");
	for (i = 0; i < v->nsteps; i++)
		printf("    %d. [%s] %s\n       %s\n", v->steps[i].n,
		    v->steps[i].status, v->steps[i].title,
		    v->steps[i].console);
	printf("  Routes for case %d:\n", v->o.case_no);
	for (i = 0; i < v->noptions; i++)
		printf("    %s%s: %s\n      %s\n",
		    onboard_route_name(v->options[i].route),
		    v->options[i].recommended ? " (recommended)" : "",
		    v->options[i].title, v->options[i].summary);
	if (v->nprereqs > 0)
		printf("  Missing:\n");
	for (i = 0; i < v->nprereqs; i++)
		printf("    - %s\n", v->prereqs[i].text);
}

static int
list(struct store *st, const struct orgport *org, struct arena *ar,
    struct onboard_filter *f, int json, struct err *e)
{
	struct onboard_view	*v;
	char			 after[ONBOARDING_ID_LEN + 1] = "", exp[32];
	int64_t			 counts[ONBOARD_NSTATES], total = 0;
	json_t			*arr = json_array();
	size_t			 n, i;
	int			 more;

	do {
		f->after = after;
		f->limit = ONBOARD_PAGE_MAX;
		if (onboard_list(st, org, ar, NULL, f, &v, &n, &more, counts,
		    e) == -1) {
			json_decref(arr);
			return (-1);
		}
		for (i = 0; i < n; i++) {
			if (json) {
				json_array_append_new(arr, onboard_view_json(
				    &v[i], ONBOARD_JSON_SUMMARY));
				continue;
			}
			when(v[i].hs_found ? v[i].hs.expires_at : 0, exp,
			    sizeof(exp));
			printf("%s  %-11s case %d  %s  %-24s invitation %s "
			    "expires %s%s\n", v[i].o.id,
			    onboard_state_name(v[i].state), v[i].o.case_no,
			    v[i].o.account_id, v[i].customer.name,
			    v[i].o.handshake_id, exp, v[i].gap_flagged ?
			    "  GAP FLAGGED" : "");
		}
		if (n > 0)
			snprintf(after, sizeof(after), "%s", v[n - 1].o.id);
		arena_reset(ar);
	} while (more);
	for (i = 0; i < ONBOARD_NSTATES; i++)
		total += counts[i];
	if (json) {
		cli_print_json(json_pack("{s:o, s:o, s:I}", "Onboardings", arr,
		    "Counts", onboard_counts_json(counts), "Total",
		    (json_int_t)total));
		return (0);
	}
	json_decref(arr);
	for (i = 0; i < ONBOARD_NSTATES; i++)
		printf("%s%s %lld", i ? ", " : "",
		    onboard_state_name((enum onboard_state)i),
		    (long long)counts[i]);
	printf("  (total %lld)\n", (long long)total);
	return (0);
}

int
cmd_onboard(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "email", required_argument, NULL, 'e' },
		{ "notes", required_argument, NULL, 'n' },
		{ "route", required_argument, NULL, 'r' },
		{ "start", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 's' },
		{ "case", required_argument, NULL, 'C' },
		{ "expiring-within", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct onboard_filter	 f;
	struct onboard_result	 res;
	struct onboard_view	 v;
	enum onboard_state	 s;
	struct store		*st;
	struct orgport		 org;
	struct arena		 ar;
	struct err		 e;
	const char		*db = NULL, *sub, *cid = NULL, *aid = NULL;
	const char		*email = NULL, *notes = NULL;
	enum onboard_route	 route = ONBOARD_ROUTE_INVITE;
	int64_t			 start = 0, end;
	char			 url[ONBOARD_URL_MAX + 1];
	int			 ch, json = 0, rc = 0, case_given = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&f, 0, sizeof(f));
	f.state = -1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'c': cid = optarg; break;
		case 'a': aid = optarg; break;
		case 'e': email = optarg; break;
		case 'n': notes = optarg; break;
		case 'C':
			if (strlen(optarg) != 1 || optarg[0] < '1' ||
			    optarg[0] > '3')
				return (cli_usage("payerlink: --case: expected "
				    "1 (standalone), 2 (member of another "
				    "organization) or 3 (management account of "
				    "its own organization)\n"));
			case_given = optarg[0] - '0';
			break;
		case 'r':
			if (onboard_route_parse(optarg, &route) == -1)
				return (cli_usage("payerlink: --route: expected "
				    "invite or billing-transfer\n"));
			break;
		case 'S':
			if (month_bounds(optarg, &start, &end) == -1)
				return (cli_usage("payerlink: --start: expected "
				    "YYYY-MM, the month the transfer starts\n"));
			break;
		case 's':
			if (onboard_state_parse(optarg, &s) == -1)
				return (cli_usage("payerlink: --state: expected "
				    "INVITED, IN_PROGRESS, LINKED, DECLINED, "
				    "EXPIRED or CANCELED\n"));
			f.state = (int)s;
			break;
		case 'x':
			if (onboard_parse_duration(optarg,
			    &f.expiring_within_ms) == -1 ||
			    f.expiring_within_ms == 0)
				return (cli_usage("payerlink: --expiring-within: "
				    "expected a duration like 3d, 12h or "
				    "30m\n"));
			break;
		case 'j': json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	/* The business clock: an emulator's offset, if any, is in the store. */
	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	org = orgport_default(st);
	err_clear(&e);
	arena_init(&ar);
	if (strcmp(sub, "request") == 0 && argc == 0) {
		if (cid == NULL || aid == NULL || email == NULL) {
			rc = cli_usage("payerlink: onboard request needs "
			    "--customer, --account and --email\n");
			goto out;
		}
		if (start != 0 && route != ONBOARD_ROUTE_BILLING_TRANSFER) {
			rc = cli_usage("payerlink: --start is for --route "
			    "billing-transfer\n");
			goto out;
		}
		if (onboard_request_route(st, &org, NULL, cid, aid, email,
		    notes, case_given, route, start, &res, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(onboard_result_json(&res));
		else
			print_result(&res);
	} else if (strcmp(sub, "list") == 0 && argc == 0) {
		f.customer_id = cid;
		if (list(st, &org, &ar, &f, json, &e) == -1)
			goto fail;
	} else if ((strcmp(sub, "show") == 0 || strcmp(sub, "plan") == 0) &&
	    argc == 1) {
		if (sub[0] == 's' ? onboard_get(st, &org, &ar, NULL, argv[0],
		    &v, &e) == -1 : onboard_plan(st, &org, &ar, argv[0], &v,
		    &e) == -1)
			goto fail;
		if (json)
			cli_print_json(onboard_view_json(&v, sub[0] == 's' ?
			    0 : ONBOARD_JSON_CUSTOMER));
		else
			print_view(&v);
	} else if (strcmp(sub, "resend") == 0 && argc == 1) {
		if (onboard_resend(st, &org, NULL, argv[0], &res, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(onboard_result_json(&res));
		else
			print_result(&res);
	} else if (strcmp(sub, "cancel") == 0 && argc == 1) {
		if (onboard_cancel(st, &org, NULL, argv[0], &e) == -1 ||
		    onboard_get(st, &org, &ar, NULL, argv[0], &v, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(onboard_view_json(&v,
			    ONBOARD_JSON_SUMMARY));
		else
			printf("Onboarding %s: %s\n", v.o.id,
			    onboard_state_name(v.state));
	} else if (strcmp(sub, "link") == 0 && argc == 1) {
		if (onboard_new_link(st, NULL, argv[0], url, sizeof(url),
		    &e) == -1)
			goto fail;
		if (json)
			cli_print_json(json_pack("{s:s, s:s}", "OnboardingId",
			    argv[0], "PlanUrl", url));
		else
			printf("Plan link (shown once): %s\n", url);
	} else
		rc = cli_usage(usage_text);
	goto out;
fail:
	rc = cli_fail(&e);
out:
	arena_release(&ar);
	store_close(st);
	return (rc);
}
