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
#include "core/json.h"
#include "core/xmalloc.h"
#include "cli/live.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink msp set ACCOUNT_ID [--name N] [--address A] [--url URL]\n"
"                         [--gap-threshold MINUTES] [--legal-name N]\n"
"                         [--tax-id T] [--payment-terms DAYS]\n"
"                         [--payment-instructions TEXT]\n"
"                         [--hourly-resource-data on|off] [--json]\n"
"       payerlink msp show [--json]\n"
"       payerlink msp brand --name N --support-email E [--color '#RRGGBB']\n"
"                           [--logo FILE.png|FILE.svg | --no-logo]\n"
"                           [--pdf-logo FILE.png | --no-pdf-logo]\n"
"                           [--support-url U] [--adapt-color] [--json]\n"
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
"(Mode: emulated or live; live adds OrganizationId and the last sync),\n"
"\"LegalName\", \"TaxId\", \"PaymentTermsDays\", \"PaymentTerms\",\n"
"\"PaymentInstructions\" and \"Brand\" (below).\n"
"What invoices say of the MSP: --legal-name (default: the name), --address\n"
"(use newlines for several lines), --tax-id, --payment-terms (days to pay:\n"
"30 prints \"Net 30\" and a due date 30 days after issue; 0 \"Due on\n"
"receipt\"; default 30) and --payment-instructions (bank, IBAN, reference).\n"
"A customer may override terms and instructions (payerlink customer update).\n"
"--hourly-resource-data on is Cost Explorer's opt-in \"hourly and resource\n"
"level data\" (default off): imports from then on also keep the lines of\n"
"the last 14 days as Cost Explorer does, EC2 instances by hour and\n"
"resource, other services by hour and by day and resource (see\n"
"docs/billing.md), for Granularity HOURLY, GetCostAndUsageWithResources\n"
"and the RESOURCE_ID dimension. Off, those answer ValidationException as\n"
"AWS does and the ingest does next to no extra work; show prints it as\n"
"\"HourlyResourceData\".\n"
"\n"
"brand sets what customers see: the portal, sign-in and plan pages, e-mails\n"
"and invoices carry the brand's name, logo, colour and support contact\n"
"instead of payerlink's (the MSP console's Branding page does the same).\n"
"The colour is the background of white text and the colour of links, so\n"
"white on it must reach a contrast of 4.5:1 (WCAG AA): a lighter colour is\n"
"refused, naming a darker shade that passes; --adapt-color takes that\n"
"shade instead and says so. The logo is a PNG or SVG file of at most\n"
"100 KiB (an SVG without scripts); it is also the favicon. Invoice PDFs\n"
"show a PNG only: --pdf-logo, else the logo when it is a PNG; with an SVG\n"
"logo and no --pdf-logo the PDF shows the brand's name alone. A PNG is\n"
"checked when it is given: at most 1024 pixels a side, 8 bits a channel\n"
"(palettes and greys also fewer), not interlaced; transparency is kept.\n"
"Only the options given change. --json prints {\"Name\", \"Color\",\n"
"\"SupportEmail\", \"SupportUrl\", \"LogoType\", \"PdfLogo\", \"Set\",\n"
"\"Adapted\"} (PdfLogo: \"pdf-logo\", \"logo\" or null, which the PDFs show).\n"
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
print_brand(const struct msp_brand *b)
{
	printf("Brand:          %s%s\n", b->name, b->updated_at != 0 ? "" :
	    " (no brand set: payerlink msp brand)");
	printf("Colour:         %s\n", b->color);
	if (b->support_email[0] != '\0')
		printf("Support:        %s%s%s\n", b->support_email,
		    b->support_url[0] != '\0' ? "  " : "", b->support_url);
	printf("Logo:           %s\n", b->logo_type[0] != '\0' ? b->logo_type :
	    "none (a built-in icon)");
	printf("Invoice PDFs:   %s\n", brand_pdf_logo(b) == NULL ? "the name "
	    "alone (no PNG logo: payerlink msp brand --pdf-logo FILE.png)" :
	    strcmp(brand_pdf_logo(b), "logo") == 0 ? "the logo" :
	    "the PDF logo (image/png)");
}

static void
print_msp(struct store *st, const struct msp *m, int json)
{
	struct msp_brand b;
	struct live_org	 l;
	json_t		*o;
	char		 terms[32];
	int		 live;

	live = live_status(st, &l, NULL) == 0;
	msp_brand_get(st, &b);
	if (json) {
		o = msp_json(m);
		json_object_set_new(o, "Brand", brand_json(&b));
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
	payment_terms_text(m->payment_terms_days, terms, sizeof(terms));
	printf("Legal name:     %s\n", m->legal_name[0] != '\0' ?
	    m->legal_name : m->name);
	if (m->tax_id[0] != '\0')
		printf("Tax ID:         %s\n", m->tax_id);
	printf("Payment terms:  %s\n", terms);
	if (m->payment_instructions[0] != '\0')
		printf("How to pay:     %s\n", m->payment_instructions);
	printf("Hourly data:    %s\n", m->hourly_resource_data ?
	    "on (hourly and resource-level data of the last 14 days)" :
	    "off");
	print_brand(&b);
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

/* Reads a logo file: at most BRAND_LOGO_MAX + 1 bytes (so msp_brand_set
 * can say it is too large) into *data (xmalloc). */
static int
read_logo(const char *path, unsigned char **data, size_t *len)
{
	FILE	*f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "payerlink: %s: cannot open it\n", path);
		return (-1);
	}
	*data = xmalloc(BRAND_LOGO_MAX + 1);
	*len = fread(*data, 1, BRAND_LOGO_MAX + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "payerlink: %s: cannot read it\n", path);
		fclose(f);
		xfree(*data);
		return (-1);
	}
	if (*len == BRAND_LOGO_MAX + 1) {
		fseek(f, 0, SEEK_END);
		*len = (size_t)ftell(f);
	}
	fclose(f);
	return (0);
}

/* An image option's file into *data, *len; nothing without a path. */
static int
read_image(const char *path, const unsigned char **data, size_t *len,
    unsigned char **owned)
{
	if (path == NULL)
		return (0);
	if (read_logo(path, owned, len) == -1)
		return (-1);
	if (*len == 0) {
		fprintf(stderr, "payerlink: %s: the file is empty\n", path);
		return (-1);
	}
	/* Too large: refused by size before its bytes are read. */
	*data = *owned;
	return (0);
}

/* msp brand. */
static int
msp_brand(const char *db, struct brand_input *in, const char *logo_path,
    const char *pdf_logo_path, int json)
{
	struct msp_brand b;
	struct store	*st = NULL;
	struct err	 e;
	unsigned char	*logo = NULL, *pdf_logo = NULL;
	char		 note[BRAND_NOTE_MAX];
	json_t		*o;
	int		 rc = 1;

	if (read_image(logo_path, &in->logo, &in->logo_len, &logo) == -1 ||
	    read_image(pdf_logo_path, &in->pdf_logo, &in->pdf_logo_len,
	    &pdf_logo) == -1 ||
	    (st = cli_open(cli_db_path(db), STORE_EMULATOR)) == NULL)
		goto out;
	rc = 0;
	err_clear(&e);
	if (msp_brand_set(st, NULL, in, &b, note, &e) == -1)
		rc = cli_fail(&e);
	else if (json) {
		o = brand_json(&b);
		json_object_set_new(o, "Adapted", json_string_or_null(
		    note[0] != '\0' ? note : NULL));
		cli_print_json(o);
	} else {
		if (note[0] != '\0')
			printf("Note: %s\n", note);
		print_brand(&b);
	}
out:
	if (st != NULL)
		store_close(st);
	xfree(logo);
	xfree(pdf_logo);
	return (rc);
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
		{ "legal-name", required_argument, NULL, 'L' },
		{ "tax-id", required_argument, NULL, 'T' },
		{ "payment-terms", required_argument, NULL, 'P' },
		{ "payment-instructions", required_argument, NULL, 'I' },
		{ "hourly-resource-data", required_argument, NULL, 'H' },
		{ "logo", required_argument, NULL, 'l' },
		{ "no-logo", no_argument, NULL, 'N' },
		{ "pdf-logo", required_argument, NULL, 'F' },
		{ "no-pdf-logo", no_argument, NULL, 'G' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "support-email", required_argument, NULL, 's' },
		{ "support-url", required_argument, NULL, 'S' },
		{ "adapt-color", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct brand_input	 bi;
	const char		*logo_path = NULL, *pdf_logo_path = NULL;
	int			 brand_only = 0;
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
	memset(&bi, 0, sizeof(bi));
	in.gap_threshold_min = -1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n': in.name = bi.name = optarg; break;
		case 'L': in.legal_name = optarg; break;
		case 'T': in.tax_id = optarg; break;
		case 'P': in.payment_terms = optarg; break;
		case 'I': in.payment_instructions = optarg; break;
		case 'H': in.hourly_resource_data = optarg; break;
		case 'l': logo_path = optarg; brand_only = 1; break;
		case 'N':
			bi.logo = (const unsigned char *)"";
			brand_only = 1;
			break;
		case 'F': pdf_logo_path = optarg; brand_only = 1; break;
		case 'G':
			bi.pdf_logo = (const unsigned char *)"";
			brand_only = 1;
			break;
		case 'c': bi.color = optarg; brand_only = 1; break;
		case 's': bi.support_email = optarg; brand_only = 1; break;
		case 'S': bi.support_url = optarg; brand_only = 1; break;
		case 'A': bi.adapt = 1; brand_only = 1; break;
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
	if (strcmp(sub, "brand") == 0 && argc == 0 && profile == NULL &&
	    region == NULL)
		return (msp_brand(db, &bi, logo_path, pdf_logo_path, json));
	if (brand_only)
		return (cli_usage("payerlink: --logo, --pdf-logo, --color, "
		    "--support-email, "
		    "--support-url and --adapt-color are options of msp brand\n"));
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
