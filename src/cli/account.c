/* SPDX-License-Identifier: MIT */
/* payerlink account: create, list, show; access keys; billing info. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "org/account.h"

static const char usage_text[] =
"usage: payerlink account create --email E [--name N] [--password P]\n"
"       payerlink account list\n"
"       payerlink account show ID\n"
"       payerlink account keys create ID\n"
"       payerlink account keys delete ID ACCESS_KEY_ID\n"
"       payerlink account keys list ID\n"
"       payerlink account set-billing-info ID [--payment-method M] [--phone P]\n"
"       payerlink account history ID\n"
"All take --db FILE. Output is JSON on stdout.\n"
"\n"
"create makes an account with a random 12-digit id and one access key and\n"
"prints {\"AccountId\",\"Email\",\"Name\",\"AccessKeyId\",\"SecretAccessKey\"};\n"
"the secret is shown only then. --password enables console sign-in.\n"
"set-billing-info records what an account needs to stand alone (leave an\n"
"organization): a payment method and a contact phone.\n"
"history prints the account's membership history, the billing truth (who\n"
"paid for every hour): {\"AccountId\", \"Memberships\": [{\"OrganizationId\",\n"
"\"PayerAccountId\", \"JoinedAt\", \"JoinedMethod\", \"LeftAt\", \"LeftMethod\"}]},\n"
"oldest first; times are ISO 8601 UTC, LeftAt and LeftMethod null while open.\n";

static json_t *
account_json(const struct account *a)
{
	char	 created[32];

	clock_iso8601(a->created_at, created, sizeof(created));
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?}",
	    "AccountId", a->id, "Email", a->email, "Name", a->name,
	    "Status", a->status, "CreatedAt", created,
	    "ConsoleSignIn", a->password_hash[0] != '\0',
	    "PaymentMethod", a->payment_method[0] ? a->payment_method : NULL,
	    "Phone", a->phone[0] ? a->phone : NULL));
}

static json_t *
membership_json(const struct membership *m)
{
	char	 joined[32], left[32];

	clock_iso8601(m->joined_at, joined, sizeof(joined));
	if (m->left_at != 0)
		clock_iso8601(m->left_at, left, sizeof(left));
	return (json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}",
	    "OrganizationId", m->org_id, "PayerAccountId", m->payer_id,
	    "JoinedAt", joined, "JoinedMethod", m->joined_method,
	    "LeftAt", m->left_at != 0 ? left : NULL,
	    "LeftMethod", m->left_method[0] ? m->left_method : NULL));
}

static json_t *
key_json(const struct access_key *k, int with_secret)
{
	char	 created[32];

	clock_iso8601(k->created_at, created, sizeof(created));
	return (json_pack("{s:s, s:s, s:s?, s:s}", "AccessKeyId", k->id,
	    "AccountId", k->account_id, "SecretAccessKey",
	    with_secret ? k->secret : NULL, "CreatedAt", created));
}

/* Parses the options every account subcommand takes; returns optind. */
static int
parse(int argc, char **argv, const char **db, const char **email,
    const char **name, const char **password, const char **payment,
    const char **phone)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "password", required_argument, NULL, 'p' },
		{ "payment-method", required_argument, NULL, 'm' },
		{ "phone", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': *db = optarg; break;
		case 'e': *email = optarg; break;
		case 'n': *name = optarg; break;
		case 'p': *password = optarg; break;
		case 'm': *payment = optarg; break;
		case 'P': *phone = optarg; break;
		case 'h': fputs(usage_text, stdout); return (-2);
		default: return (-1);
		}
	}
	return (optind);
}

int
cmd_account(int argc, char **argv)
{
	const char		*db = NULL, *email = NULL, *name = NULL;
	const char		*password = NULL, *payment = NULL, *phone = NULL;
	const char		*sub;
	struct store		*st;
	struct account		 a;
	struct access_key	 k;
	struct err		 e;
	struct arena		 ar;
	int			 i, rc = 0;

	if (argc < 2)
		return (cli_usage(usage_text));
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(usage_text, stdout);
		return (0);
	}
	i = parse(argc - 1, argv + 1, &db, &email, &name, &password, &payment,
	    &phone);
	if (i == -2)
		return (0);
	if (i < 0)
		return (cli_usage(usage_text));
	argc -= i + 1;
	argv += i + 1;
	if ((st = cli_open(cli_db_path(db), 0)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&ar);
	if (strcmp(sub, "create") == 0 && argc == 0) {
		if (email == NULL) {
			rc = cli_usage("payerlink: account create needs "
			    "--email\n");
			goto out;
		}
		if (account_create(st, NULL, email, name, password, &a, &k,
		    &e) == -1)
			goto fail;
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "AccountId", a.id, "Email", a.email, "Name", a.name,
		    "AccessKeyId", k.id, "SecretAccessKey", k.secret));
	} else if (strcmp(sub, "list") == 0 && argc == 0) {
		struct account *v;
		size_t n, j;
		char after[ACCOUNT_ID_LEN + 1] = "";
		json_t *arr = json_array();
		do {
			if (account_page(st, &ar, after, 500, &v, &n,
			    &e) == -1) {
				json_decref(arr);
				goto fail;
			}
			for (j = 0; j < n; j++)
				json_array_append_new(arr, account_json(&v[j]));
			if (n > 0)
				snprintf(after, sizeof(after), "%s", v[n - 1].id);
			arena_reset(&ar);
		} while (n == 500);
		cli_print_json(json_pack("{s:o}", "Accounts", arr));
	} else if (strcmp(sub, "show") == 0 && argc == 1) {
		if (account_get(st, argv[0], &a, &e) == -1)
			goto fail;
		cli_print_json(account_json(&a));
	} else if (strcmp(sub, "keys") == 0 && argc >= 2) {
		if (strcmp(argv[0], "create") == 0 && argc == 2) {
			if (account_key_create(st, argv[1], &k, &e) == -1)
				goto fail;
			cli_print_json(key_json(&k, 1));
		} else if (strcmp(argv[0], "delete") == 0 && argc == 3) {
			if (account_key_delete(st, argv[1], argv[2], &e) == -1)
				goto fail;
			cli_print_json(json_pack("{s:s, s:s}", "AccessKeyId",
			    argv[2], "Status", "Deleted"));
		} else if (strcmp(argv[0], "list") == 0 && argc == 2) {
			struct access_key *v;
			size_t n, j;
			json_t *arr = json_array();
			if (account_get(st, argv[1], &a, &e) == -1 ||
			    account_keys(st, &ar, argv[1], &v, &n, &e) == -1) {
				json_decref(arr);
				goto fail;
			}
			for (j = 0; j < n; j++)
				json_array_append_new(arr, key_json(&v[j], 0));
			cli_print_json(json_pack("{s:o}", "AccessKeys", arr));
		} else
			rc = cli_usage(usage_text);
	} else if (strcmp(sub, "set-billing-info") == 0 && argc == 1) {
		if (payment == NULL && phone == NULL) {
			rc = cli_usage("payerlink: set-billing-info needs "
			    "--payment-method or --phone\n");
			goto out;
		}
		if (account_set_billing_info(st, argv[0], payment, phone,
		    &e) == -1 || account_get(st, argv[0], &a, &e) == -1)
			goto fail;
		cli_print_json(account_json(&a));
	} else if (strcmp(sub, "history") == 0 && argc == 1) {
		struct membership *v;
		size_t n, j;
		json_t *arr;
		if (account_get(st, argv[0], &a, &e) == -1 ||
		    account_memberships(st, &ar, a.id, &v, &n, &e) == -1)
			goto fail;
		arr = json_array();
		for (j = 0; j < n; j++)
			json_array_append_new(arr, membership_json(&v[j]));
		cli_print_json(json_pack("{s:s, s:o}", "AccountId", a.id,
		    "Memberships", arr));
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
