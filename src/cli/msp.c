/* SPDX-License-Identifier: MIT */
/*
 * payerlink msp: name the MSP's management (payer) account; show it; in
 * live mode connect the installation to the MSP's AWS organization and
 * sync its mirror.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/live.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink msp set ACCOUNT_ID [--name N] [--address A] [--url URL]\n"
"                         [--gap-threshold MINUTES] [--json]\n"
"       payerlink msp show [--json]\n"
"       payerlink msp connect [--profile P] [--region R] [--name N]\n"
"                             [--url URL] [--json]\n"
"       payerlink msp sync [--json]\n"
"All take --db FILE.\n"
"\n"
"set names the MSP's management (payer) account, which must manage a live\n"
"organization: customers' accounts are invited into it. --url is the public\n"
"address of this server (plan links are URL/plan/TOKEN; default\n"
"http://127.0.0.1:8080). --gap-threshold flags billing gaps longer than\n"
"MINUTES (default 15). With --json both print {\"AccountId\", \"Name\",\n"
"\"Address\", \"PublicUrl\", \"GapThresholdMinutes\", \"UpdatedAt\", \"Mode\"}\n"
"(Mode: emulated or live; live adds OrganizationId and the last sync).\n"
"\n"
"connect makes the installation live (docs/live.md): with the AWS\n"
"credentials of --profile (else the SDKs' chain: AWS_ACCESS_KEY_ID...,\n"
"AWS_PROFILE, roles, instance metadata) it reads DescribeOrganization;\n"
"the organization's management account becomes the MSP's payer, then a\n"
"first sync fills the mirror. The database must be new or live already.\n"
"--json prints {\"Mode\", \"OrganizationId\", \"ManagementAccountId\",\n"
"\"Accounts\"}.\n"
"sync reads the organization from AWS (ListAccounts with JoinedTimestamp,\n"
"ListHandshakesForOrganization, roots and OUs) into the mirror, recording\n"
"joins and departures in the membership history; --json prints\n"
"{\"Accounts\", \"Joined\": [ids], \"Departed\": [ids], \"Handshakes\"}.\n"
"serve does it on its own every --sync-interval seconds.\n";

static void
print_msp(struct store *st, const struct msp *m, int json)
{
	struct live_org	 l;
	json_t		*o;
	int		 live;

	live = live_status(st, &l, NULL) == 0;
	if (json) {
		o = msp_json(m);
		json_object_set_new(o, "Mode", json_string(live ? "live" :
		    "emulated"));
		if (live) {
			json_object_set_new(o, "OrganizationId",
			    json_string(l.org_id));
			json_object_set_new(o, "LastSyncAt",
			    json_integer(l.sync_tried_at));
			json_object_set_new(o, "LastSyncOkAt",
			    json_integer(l.sync_ok_at));
			json_object_set_new(o, "LastSyncError",
			    json_string(l.sync_error));
		}
		cli_print_json(o);
		return;
	}
	printf("Mode:           %s\n", live ? "live" : "emulated");
	if (live) {
		printf("Organization:   %s (AWS)\n", l.org_id);
		printf("Last sync:      %s\n", l.sync_error[0] ? l.sync_error :
		    l.sync_ok_at ? "ok" : "never");
	}
	printf("MSP:            %s\n", m->name);
	printf("Account:        %s\n", m->account_id);
	if (m->address[0] != '\0')
		printf("Address:        %s\n", m->address);
	printf("Public URL:     %s\n", m->public_url);
	printf("Gap threshold:  %lld minutes\n",
	    (long long)m->gap_threshold_min);
}

static json_t *
ids_json(char (*v)[ACCOUNT_ID_LEN + 1], size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return (a);
}

/* msp connect / msp sync. */
static int
msp_live(const char *sub, const char *db, const char *profile,
    const char *region, struct msp_input *in, int json)
{
	struct live_sync_result	 r;
	struct live_org		 l;
	struct msp		 m;
	struct orgport		 org;
	struct arena		 a;
	struct store		*st;
	struct err		 e;
	size_t			 i;
	int			 rc = 0;

	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	arena_init(&a);
	err_clear(&e);
	if (strcmp(sub, "connect") == 0) {
		if (live_connect_aws(st, &a, profile, region, &r, &e) == -1 ||
		    live_status(st, &l, &e) == -1) {
			rc = cli_fail(&e);
			goto out;
		}
		in->account_id = l.management_id;
		org = orgport_default(st);
		if (msp_set(st, &org, NULL, in, &m, &e) == -1) {
			rc = cli_fail(&e);
			goto out;
		}
		if (json)
			cli_print_json(json_pack("{s:s, s:s, s:s, s:I}", "Mode",
			    "live", "OrganizationId", l.org_id,
			    "ManagementAccountId", l.management_id, "Accounts",
			    (json_int_t)r.accounts));
		else
			printf("Live: organization %s, management account %s, "
			    "%lld accounts\n", l.org_id, l.management_id,
			    (long long)r.accounts);
		goto out;
	}
	if (live_sync(st, &a, &r, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (json) {
		cli_print_json(json_pack("{s:I, s:o, s:o, s:I}", "Accounts",
		    (json_int_t)r.accounts, "Joined", ids_json(r.joined,
		    r.njoined), "Departed", ids_json(r.departed, r.ndeparted),
		    "Handshakes", (json_int_t)r.handshakes));
		goto out;
	}
	printf("Synced: %lld accounts, %lld handshakes\n",
	    (long long)r.accounts, (long long)r.handshakes);
	for (i = 0; i < r.njoined; i++)
		printf("joined    %s\n", r.joined[i]);
	for (i = 0; i < r.ndeparted; i++)
		printf("departed  %s\n", r.departed[i]);
out:
	arena_release(&a);
	store_close(st);
	return (rc);
}

int
cmd_msp(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "address", required_argument, NULL, 'a' },
		{ "url", required_argument, NULL, 'u' },
		{ "gap-threshold", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "profile", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msp_input	 in;
	struct msp		 m;
	struct store		*st;
	struct orgport		 org;
	struct err		 e;
	const char		*db = NULL, *sub;
	const char		*profile = NULL, *region = NULL;
	char			*end;
	int			 ch, json = 0, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&in, 0, sizeof(in));
	in.gap_threshold_min = -1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n': in.name = optarg; break;
		case 'a': in.address = optarg; break;
		case 'u': in.public_url = optarg; break;
		case 'g':
			in.gap_threshold_min = strtoll(optarg, &end, 10);
			if (*end != '\0' || in.gap_threshold_min < 0)
				return (cli_usage("payerlink: --gap-threshold: "
				    "expected minutes\n"));
			break;
		case 'j': json = 1; break;
		case 'p': profile = optarg; break;
		case 'r': region = optarg; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	if ((strcmp(sub, "connect") == 0 || strcmp(sub, "sync") == 0) &&
	    argc == 0)
		return (msp_live(sub, db, profile, region, &in, json));
	if (profile != NULL || region != NULL)
		return (cli_usage(usage_text));
	if (!((strcmp(sub, "set") == 0 && argc == 1) ||
	    (strcmp(sub, "show") == 0 && argc == 0)))
		return (cli_usage(usage_text));
	/* The business clock: an emulator's offset, if any, is in the store. */
	if ((st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	if (strcmp(sub, "set") == 0) {
		in.account_id = argv[0];
		org = orgport_default(st);
		if (msp_set(st, &org, NULL, &in, &m, &e) == -1)
			rc = cli_fail(&e);
	} else if (msp_get(st, &m, &e) == -1)
		rc = cli_fail(&e);
	if (rc == 0)
		print_msp(st, &m, json);
	store_close(st);
	return (rc);
}
