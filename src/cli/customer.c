/* SPDX-License-Identifier: MIT */
/* payerlink customer: the MSP's customers and the accounts they own. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/pricing.h"
#include "cli/cli.h"
#include "onboard/onboard.h"
#include "rest/onboard_json.h"

static const char usage_text[] =
"usage: payerlink customer create --name N --contact E [--currency C]\n"
"                                 [--tax-rate R]\n"
"       payerlink customer list\n"
"       payerlink customer show C\n"
"       payerlink customer update C [--name N] [--contact E] [--currency C]\n"
"                                   [--tax-rate R] [--address A] [--tax-id T]\n"
"                                   [--payment-terms DAYS|default]\n"
"                                   [--payment-instructions TEXT]\n"
"                                   [--commitment keep|pass-through|share:N]\n"
"       payerlink customer add-account C ACCOUNT_ID\n"
"All take --db FILE and --json.\n"
"\n"
"A customer has a unique name, a billing contact e-mail, a currency (ISO\n"
"4217, default USD) and a tax rate in percent with up to 4 decimals (10,\n"
"8.875). It owns accounts: add-account gives it an account already in the\n"
"MSP's organization; an onboarding request gives it the requested one.\n"
"With --json, create, show and update print {\"CustomerId\", \"Name\",\n"
"\"ContactEmail\", \"Currency\", \"TaxRate\", \"AccountCount\", \"CreatedAt\",\n"
"\"UpdatedAt\"} (show adds \"Accounts\"); list prints {\"Customers\": [...]};\n"
"add-account prints {\"CustomerId\", \"AccountId\"}.\n"
"--address (newlines for several lines) and --tax-id print under Bill to\n"
"on its invoices; --payment-terms (days: 15 prints \"Net 15\" and a due date\n"
"15 days after issue; \"default\" the MSP's, payerlink msp set) and\n"
"--payment-instructions (\"\" the MSP's) override the MSP's for it. The JSON\n"
"adds \"Address\", \"TaxId\", \"PaymentTerms\" and \"PaymentInstructions\".\n"
"--commitment sets how reserved instances and savings plans are billed\n"
"(docs/billing.md): pass-through (the payer's rates, the default), keep\n"
"(covered usage at public on-demand cost) or share:N (N% of the saving\n"
"to the customer); update then adds \"Commitment\".\n";

static void
print_customer(const struct customer *c)
{
	char	 rate[24];

	tax_rate_format(c->tax_rate, rate, sizeof(rate));
	printf("%s  %-30s %-28s %s  tax %s%%  %lld account(s)\n", c->id,
	    c->name, c->contact_email, c->currency, rate,
	    (long long)c->naccounts);
}

int
cmd_customer(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "contact", required_argument, NULL, 'c' },
		{ "currency", required_argument, NULL, 'C' },
		{ "tax-rate", required_argument, NULL, 't' },
		{ "commitment", required_argument, NULL, 'M' },
		{ "address", required_argument, NULL, 'a' },
		{ "tax-id", required_argument, NULL, 'T' },
		{ "payment-terms", required_argument, NULL, 'P' },
		{ "payment-instructions", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct customer_input	 in;
	struct customer		 c, *v;
	struct customer_account	*ca;
	struct store		*st;
	struct orgport		 org;
	struct arena		 ar;
	struct err		 e;
	const char		*db = NULL, *sub, *commitment = NULL;
	struct customer_billing	 cb;
	char			 cbuf[32];
	char			 after[CUSTOMER_ID_LEN + 1] = "";
	json_t			*arr, *o;
	size_t			 n, i;
	int			 ch, json = 0, more, rc = 0;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&in, 0, sizeof(in));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n': in.name = optarg; break;
		case 'c': in.contact_email = optarg; break;
		case 'C': in.currency = optarg; break;
		case 't': in.tax_rate = optarg; break;
		case 'M': commitment = optarg; break;
		case 'a': in.address = optarg; break;
		case 'T': in.tax_id = optarg; break;
		case 'P': in.payment_terms = optarg; break;
		case 'I': in.payment_instructions = optarg; break;
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
	err_clear(&e);
	arena_init(&ar);
	if (strcmp(sub, "create") == 0 && argc == 0) {
		if (in.name == NULL || in.contact_email == NULL) {
			rc = cli_usage("payerlink: customer create needs --name "
			    "and --contact\n");
			goto out;
		}
		if (customer_create(st, NULL, &in, &c, &e) == -1)
			goto fail;
		if (json)
			cli_print_json(customer_json(&c));
		else
			print_customer(&c);
	} else if (strcmp(sub, "update") == 0 && argc == 1) {
		if (customer_update(st, NULL, argv[0], &in, &c, &e) == -1)
			goto fail;
		if (commitment != NULL && pricing_commitment_set(st, NULL,
		    argv[0], commitment, &cb, &e) == -1)
			goto fail;
		if (json) {
			o = customer_json(&c);
			if (commitment != NULL) {
				pricing_commitment_format(&cb, cbuf,
				    sizeof(cbuf));
				json_object_set_new(o, "Commitment",
				    json_string(cbuf));
			}
			cli_print_json(o);
		} else
			print_customer(&c);
	} else if (strcmp(sub, "show") == 0 && argc == 1) {
		if (customer_get(st, NULL, argv[0], &c, &e) == -1 ||
		    customer_accounts(st, &ar, NULL, argv[0], &ca, &n,
		    &e) == -1)
			goto fail;
		if (json) {
			o = customer_json(&c);
			arr = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(arr, json_pack("{s:s, s:o}",
				    "AccountId", ca[i].account_id, "Since",
				    onboard_json_time(ca[i].since)));
			json_object_set_new(o, "Accounts", arr);
			cli_print_json(o);
		} else {
			print_customer(&c);
			for (i = 0; i < n; i++)
				printf("  account %s\n", ca[i].account_id);
		}
	} else if (strcmp(sub, "list") == 0 && argc == 0) {
		arr = json_array();
		do {
			if (customer_list(st, &ar, NULL, after,
			    ONBOARD_PAGE_MAX, &v, &n, &more, &e) == -1) {
				json_decref(arr);
				goto fail;
			}
			for (i = 0; i < n; i++) {
				if (json)
					json_array_append_new(arr,
					    customer_json(&v[i]));
				else
					print_customer(&v[i]);
			}
			if (n > 0)
				snprintf(after, sizeof(after), "%s",
				    v[n - 1].id);
			arena_reset(&ar);
		} while (more);
		if (json)
			cli_print_json(json_pack("{s:o}", "Customers", arr));
		else
			json_decref(arr);
	} else if (strcmp(sub, "add-account") == 0 && argc == 2) {
		org = orgport_default(st);
		if (customer_add_account(st, &org, NULL, argv[0], argv[1],
		    &e) == -1)
			goto fail;
		if (json)
			cli_print_json(json_pack("{s:s, s:s}", "CustomerId",
			    argv[0], "AccountId", argv[1]));
		else
			printf("account %s now belongs to %s\n", argv[1],
			    argv[0]);
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
