/* SPDX-License-Identifier: MIT */
/* payerlink invoice: drafts, issue, void, PDF, CSV, reconciliation. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "billing/invoice.h"
#include "billing/pdf.h"
#include "billing/pricing.h"
#include "cli/cli.h"
#include "core/xmalloc.h"
#include "rest/billing_json.h"

static const char usage_text[] =
"usage: payerlink invoice list [--customer C] [--period YYYY-MM]\n"
"       payerlink invoice show (ID|NUMBER | --customer C --period YYYY-MM)\n"
"                              [--csv] [--customer-view]\n"
"       payerlink invoice draft --period YYYY-MM [--customer C]\n"
"       payerlink invoice issue (ID|NUMBER | --customer C --period YYYY-MM)\n"
"       payerlink invoice void ID|NUMBER\n"
"       payerlink invoice pdf (ID|NUMBER | --customer C --period YYYY-MM)\n"
"                             [-o FILE]\n"
"       payerlink invoice pdf --period YYYY-MM --all --dir DIR\n"
"       payerlink invoice reconcile --period YYYY-MM\n"
"All take --db FILE and --json.\n"
"\n"
"One invoice per customer and month from the rollups of its accounts for\n"
"the hours they were in the MSP's organization, priced by the pricing\n"
"rules, commitment policy and custom items, in the customer's currency\n"
"with its tax. show --customer/--period recomputes a draft (creating it\n"
"if needed; an issued invoice never changes); draft recomputes every\n"
"customer's draft (with --customer: prints what changed) and turns a\n"
"restatement of an issued month into a draft credit note or adjustment\n"
"invoice. issue numbers a draft PL-YYYY-NNNNNN (no gaps per year); void\n"
"cancels an issued one. show --json prints {\"Number\", \"State\",\n"
"\"Currency\", \"PeriodStart\", \"PeriodEnd\", \"Lines\": [{\"AccountId\",\n"
"\"Service\", \"AwsCost\", \"BilledCost\"}], \"Adjustments\", \"Subtotal\",\n"
"\"Tax\", \"Total\"} (--customer-view leaves the AWS cost out);\n"
"reconcile checks AWS total = customers + unassigned + out of\n"
"membership and prints each customer's margin (docs/billing.md).\n";

struct opts {
	const char	*db, *customer, *period, *out, *dir;
	int		 json, csv, cview, all;
};

static int
write_file(const char *path, const char *p, size_t n, struct err *e)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: cannot "
		    "create: %m", path));
	if (fwrite(p, 1, n, f) != n || fclose(f) != 0)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "%s: write "
		    "failed", path));
	return (0);
}

static void
print_doc(const struct invoice_doc *d)
{
	char	 a[40], b[40];
	size_t	 i;
	int	 dg = d->h.minor_digits;

	printf("%s %s %s  %s  %s  %s .. %s  %s\n", d->h.kind, d->h.number[0] ?
	    d->h.number : d->h.id, d->h.state, d->h.customer_id, d->h.period,
	    d->h.period_start, d->h.period_end, d->h.currency);
	for (i = 0; i < d->n; i++) {
		minor_format(d->lines[i].amount, dg, a, sizeof(a));
		nano_format(d->lines[i].aws_cost, b, sizeof(b));
		if (strcmp(d->lines[i].kind, "LINE") == 0)
			printf("  %-12s %-36s %16s  (AWS %s USD)\n",
			    d->lines[i].account_id, d->lines[i].service, a, b);
		else
			printf("  %-49s %16s\n", d->lines[i].description, a);
	}
	minor_format(d->h.subtotal, dg, a, sizeof(a));
	printf("  %-49s %16s\n", "Subtotal", a);
	minor_format(d->h.tax, dg, a, sizeof(a));
	printf("  %-49s %16s\n", "Tax", a);
	minor_format(d->h.total, dg, a, sizeof(a));
	printf("  %-49s %16s\n", "Total", a);
}

/* The document named by argv[0] or by --customer/--period. */
static int
target(struct store *st, struct arena *ar, const struct opts *o, int argc,
    char **argv, struct invoice_doc *d, struct invoice_diff *df,
    struct err *e)
{
	if (argc == 1)
		return (invoice_get(st, ar, NULL, argv[0], d, e));
	if (argc == 0 && o->customer != NULL && o->period != NULL)
		return (invoice_for(st, ar, NULL, o->customer, o->period, d, df,
		    e));
	return (err_set(e, ERR_INVALID, NULL, NULL, "name an invoice (id or "
	    "number) or give --customer and --period"));
}

static int
pdf_all(struct store *st, struct arena *ar, const struct opts *o,
    struct err *e)
{
	struct invoice		*v;
	struct invoice_doc	 d;
	struct buf		 b;
	struct timespec		 t0, t1;
	char			 path[4096];
	size_t			 n, i, pages = 0;
	int			 np;

	if (o->period == NULL || o->dir == NULL)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "pdf --all needs --period and --dir"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (invoice_list(st, ar, NULL, o->customer, o->period, &v, &n,
	    e) == -1)
		return (-1);
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].state, "VOID") == 0)
			continue;
		buf_reset(&b);
		if (invoice_get(st, ar, NULL, v[i].id, &d, e) == -1 ||
		    invoice_pdf(&d, &b, &np, e) == -1)
			goto fail;
		snprintf(path, sizeof(path), "%s/%s.pdf", o->dir,
		    v[i].number[0] ? v[i].number : v[i].id);
		if (write_file(path, b.ptr, b.len, e) == -1)
			goto fail;
		pages += (size_t)np;
	}
	buf_release(&b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (o->json)
		cli_print_json(json_pack("{s:I, s:I, s:f}", "Documents",
		    (json_int_t)n, "Pages", (json_int_t)pages, "Seconds",
		    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9));
	else
		printf("%zu PDFs, %zu pages in %s\n", n, pages, o->dir);
	return (0);
fail:
	buf_release(&b);
	return (-1);
}

int
cmd_invoice(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "customer", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "csv", no_argument, NULL, 'C' },
		{ "customer-view", no_argument, NULL, 'v' },
		{ "all", no_argument, NULL, 'a' },
		{ "dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts		 o;
	struct invoice_doc	 d;
	struct invoice_diff	 df;
	struct invoice_batch	 bt;
	struct invoice		*v;
	struct recon		 rc_;
	struct store		*st;
	struct arena		 ar;
	struct err		 e;
	struct buf		 b;
	struct timespec		 t0, t1;
	const char		*sub;
	char			 amt[40];
	json_t			*arr, *x;
	size_t			 n, i;
	int			 ch, rc = 0, flags;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o.db = optarg; break;
		case 'c': o.customer = optarg; break;
		case 'p': o.period = optarg; break;
		case 'C': o.csv = 1; break;
		case 'v': o.cview = 1; break;
		case 'a': o.all = 1; break;
		case 'D': o.dir = optarg; break;
		case 'o': o.out = optarg; break;
		case 'j': o.json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	argc -= optind;
	argv += optind;
	flags = o.cview ? 0 : INVOICE_MSP;
	if ((st = cli_open(cli_db_path(o.db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&ar);
	buf_init(&b, 0);
	if (strcmp(sub, "list") == 0 && argc == 0) {
		if (invoice_list(st, &ar, NULL, o.customer, o.period, &v, &n,
		    &e) == -1)
			goto fail;
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (o.json) {
				json_array_append_new(arr,
				    invoice_summary_json(&v[i], flags));
				continue;
			}
			minor_format(v[i].total, v[i].minor_digits, amt,
			    sizeof(amt));
			printf("%-16s %-14s %-11s %-7s %s  %s  %s %s\n",
			    v[i].number[0] ? v[i].number : "-", v[i].id,
			    v[i].kind, v[i].state, v[i].customer_id,
			    v[i].period, amt, v[i].currency);
		}
		if (o.json)
			cli_print_json(json_pack("{s:o}", "Invoices", arr));
		else
			json_decref(arr);
	} else if (strcmp(sub, "show") == 0) {
		if (target(st, &ar, &o, argc, argv, &d, NULL, &e) == -1)
			goto fail;
		if (o.csv) {
			if (invoice_csv_write(&d, (flags & INVOICE_MSP) != 0,
			    &b) == -1) {
				err_set(&e, ERR_LIMIT, NULL, NULL,
				    "the invoice is too large for CSV");
				goto fail;
			}
			fwrite(b.ptr, 1, b.len, stdout);
		} else if (o.json)
			cli_print_json(invoice_json(&d, flags));
		else
			print_doc(&d);
	} else if (strcmp(sub, "draft") == 0 && argc == 0) {
		if (o.period == NULL) {
			rc = cli_usage("payerlink: invoice draft needs "
			    "--period\n");
			goto out;
		}
		if (o.customer != NULL) {
			if (invoice_for(st, &ar, NULL, o.customer, o.period, &d,
			    &df, &e) == -1)
				goto fail;
			if (o.json)
				cli_print_json(json_pack("{s:o, s:o}",
				    "Invoice", invoice_json(&d, flags),
				    "Diff", invoice_diff_json(&df,
				    d.h.currency)));
			else {
				print_doc(&d);
				for (i = 0; i < df.n; i++)
					printf("  %s %s %s\n", df.v[i].what,
					    df.v[i].account_id, df.v[i].label);
			}
		} else {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (invoice_draft_all(st, NULL, o.period, NULL, &bt,
			    &e) == -1)
				goto fail;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			x = invoice_batch_json(&bt);
			json_object_set_new(x, "Seconds", json_real(
			    (t1.tv_sec - t0.tv_sec) +
			    (t1.tv_nsec - t0.tv_nsec) / 1e9));
			if (o.json)
				cli_print_json(x);
			else {
				printf("%zu customers: %zu drafts created, %zu "
				    "changed, %zu unchanged, %zu notes\n",
				    bt.customers, bt.created, bt.changed,
				    bt.unchanged, bt.notes);
				json_decref(x);
			}
		}
	} else if (strcmp(sub, "issue") == 0) {
		if (argc == 0 && o.customer != NULL && o.period != NULL) {
			if (invoice_for(st, &ar, NULL, o.customer, o.period,
			    &d, NULL, &e) == -1)
				goto fail;
			argv[0] = d.h.id;
			argc = 1;
		}
		if (argc != 1) {
			rc = cli_usage(usage_text);
			goto out;
		}
		if (invoice_issue(st, &ar, NULL, argv[0], &d, &e) == -1)
			goto fail;
		if (o.json)
			cli_print_json(invoice_json(&d, flags));
		else
			printf("issued %s (%s)\n", d.h.number, d.h.id);
	} else if (strcmp(sub, "void") == 0 && argc == 1) {
		if (invoice_void(st, &ar, NULL, argv[0], &d, &e) == -1)
			goto fail;
		if (o.json)
			cli_print_json(invoice_json(&d, flags));
		else
			printf("voided %s\n", d.h.number);
	} else if (strcmp(sub, "pdf") == 0 && o.all) {
		if (pdf_all(st, &ar, &o, &e) == -1)
			goto fail;
	} else if (strcmp(sub, "pdf") == 0) {
		int	 pages;

		if (target(st, &ar, &o, argc, argv, &d, NULL, &e) == -1 ||
		    invoice_pdf(&d, &b, &pages, &e) == -1)
			goto fail;
		if (o.out != NULL) {
			if (write_file(o.out, b.ptr, b.len, &e) == -1)
				goto fail;
			if (o.json)
				cli_print_json(json_pack("{s:s, s:s, s:i, s:I}",
				    "InvoiceId", d.h.id, "File", o.out,
				    "Pages", pages, "Bytes",
				    (json_int_t)b.len));
		} else
			fwrite(b.ptr, 1, b.len, stdout);
	} else if (strcmp(sub, "reconcile") == 0 && argc == 0) {
		if (o.period == NULL) {
			rc = cli_usage("payerlink: invoice reconcile needs "
			    "--period\n");
			goto out;
		}
		if (invoice_reconcile(st, &ar, NULL, o.period, &rc_,
		    &e) == -1)
			goto fail;
		if (o.json)
			cli_print_json(recon_json(&rc_));
		else {
			nano_format(rc_.aws_total, amt, sizeof(amt));
			printf("%s  payer %s  AWS total %s USD\n", rc_.period,
			    rc_.payer_id, amt);
			for (i = 0; i < rc_.n; i++) {
				char	 a1[40], a2[40], a3[40];

				nano_format(rc_.v[i].aws_cost, a1, sizeof(a1));
				nano_format(rc_.v[i].billed_usd, a2, sizeof(a2));
				nano_format(rc_.v[i].margin, a3, sizeof(a3));
				printf("  %s %-30s AWS %s billed %s margin %s\n",
				    rc_.v[i].customer_id, rc_.v[i].name, a1, a2,
				    a3);
			}
			nano_format(rc_.unassigned, amt, sizeof(amt));
			printf("  unassigned %s\n", amt);
			nano_format(rc_.out_of_membership, amt, sizeof(amt));
			printf("  out of membership %s\n", amt);
			nano_format(rc_.difference, amt, sizeof(amt));
			printf("  difference %s%s\n", amt, rc_.difference ?
			    "  NOT BALANCED" : "  (balanced)");
			nano_format(rc_.margin, amt, sizeof(amt));
			printf("  margin %s\n", amt);
		}
	} else
		rc = cli_usage(usage_text);
	goto out;
fail:
	rc = cli_fail(&e);
out:
	buf_release(&b);
	arena_release(&ar);
	store_close(st);
	return (rc);
}
