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
		    invoice_pdf(st, ar, &d, &b, &np, e) == -1)
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

/* What every subcommand gets: the options and the opened installation. */
struct run {
	struct opts	 o;
	struct store	*st;
	struct arena	 ar;
	struct buf	 b;
	int		 flags;		/* INVOICE_MSP unless --customer-view */
};

/* A subcommand returns 0, -1 (*e says why), USAGE, or an exit status. */
#define USAGE	(-2)

static int
sub_list(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice	*v;
	json_t		*arr;
	char		 amt[40];
	size_t		 n, i;

	(void)argv;
	if (argc != 0)
		return (USAGE);
	if (invoice_list(r->st, &r->ar, NULL, r->o.customer, r->o.period, &v,
	    &n, e) == -1)
		return (-1);
	if (r->o.json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr,
			    invoice_summary_json(&v[i], r->flags));
		cli_print_json(json_pack("{s:o}", "Invoices", arr));
		return (0);
	}
	for (i = 0; i < n; i++) {
		minor_format(v[i].total, v[i].minor_digits, amt, sizeof(amt));
		printf("%-16s %-14s %-11s %-7s %s  %s  %s %s\n",
		    v[i].number[0] ? v[i].number : "-", v[i].id, v[i].kind,
		    v[i].state, v[i].customer_id, v[i].period, amt,
		    v[i].currency);
	}
	return (0);
}

static int
sub_show(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice_doc	 d;

	if (target(r->st, &r->ar, &r->o, argc, argv, &d, NULL, e) == -1)
		return (-1);
	if (r->o.csv) {
		if (invoice_csv_write(&d, (r->flags & INVOICE_MSP) != 0,
		    &r->b) == -1)
			return (err_set(e, ERR_LIMIT, NULL, NULL,
			    "the invoice is too large for CSV"));
		fwrite(r->b.ptr, 1, r->b.len, stdout);
	} else if (r->o.json)
		cli_print_json(invoice_json(&d, r->flags));
	else
		print_doc(&d);
	return (0);
}

/* Every customer's draft for the month; prints the batch's counts. */
static int
draft_all(struct run *r, struct err *e)
{
	struct invoice_batch	 bt;
	struct timespec		 t0, t1;
	json_t			*x;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (invoice_draft_all(r->st, NULL, r->o.period, NULL, &bt, e) == -1)
		return (-1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	x = invoice_batch_json(&bt);
	json_object_set_new(x, "Seconds", json_real((t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9));
	if (r->o.json) {
		cli_print_json(x);
		return (0);
	}
	printf("%zu customers: %zu drafts created, %zu changed, %zu "
	    "unchanged, %zu notes\n", bt.customers, bt.created, bt.changed,
	    bt.unchanged, bt.notes);
	json_decref(x);
	return (0);
}

static int
sub_draft(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice_doc	 d;
	struct invoice_diff	 df;
	size_t			 i;

	(void)argv;
	if (argc != 0)
		return (USAGE);
	if (r->o.period == NULL)
		return (cli_usage("payerlink: invoice draft needs --period\n"));
	if (r->o.customer == NULL)
		return (draft_all(r, e));
	if (invoice_for(r->st, &r->ar, NULL, r->o.customer, r->o.period, &d,
	    &df, e) == -1)
		return (-1);
	if (r->o.json) {
		cli_print_json(json_pack("{s:o, s:o}", "Invoice",
		    invoice_json(&d, r->flags), "Diff", invoice_diff_json(&df,
		    d.h.currency)));
		return (0);
	}
	print_doc(&d);
	for (i = 0; i < df.n; i++)
		printf("  %s %s %s\n", df.v[i].what, df.v[i].account_id,
		    df.v[i].label);
	return (0);
}

static int
sub_issue(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice_doc	 d;
	const char		*key;

	if (argc == 0 && r->o.customer != NULL && r->o.period != NULL) {
		if (invoice_for(r->st, &r->ar, NULL, r->o.customer,
		    r->o.period, &d, NULL, e) == -1)
			return (-1);
		key = d.h.id;
	} else if (argc == 1)
		key = argv[0];
	else
		return (USAGE);
	if (invoice_issue(r->st, &r->ar, NULL, key, &d, e) == -1)
		return (-1);
	if (r->o.json)
		cli_print_json(invoice_json(&d, r->flags));
	else
		printf("issued %s (%s)\n", d.h.number, d.h.id);
	return (0);
}

static int
sub_void(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice_doc	 d;

	if (argc != 1)
		return (USAGE);
	if (invoice_void(r->st, &r->ar, NULL, argv[0], &d, e) == -1)
		return (-1);
	if (r->o.json)
		cli_print_json(invoice_json(&d, r->flags));
	else
		printf("voided %s\n", d.h.number);
	return (0);
}

static int
sub_pdf(struct run *r, int argc, char **argv, struct err *e)
{
	struct invoice_doc	 d;
	int			 pages;

	if (r->o.all)
		return (pdf_all(r->st, &r->ar, &r->o, e));
	if (target(r->st, &r->ar, &r->o, argc, argv, &d, NULL, e) == -1 ||
	    invoice_pdf(r->st, &r->ar, &d, &r->b, &pages, e) == -1)
		return (-1);
	if (r->o.out == NULL) {
		fwrite(r->b.ptr, 1, r->b.len, stdout);
		return (0);
	}
	if (write_file(r->o.out, r->b.ptr, r->b.len, e) == -1)
		return (-1);
	if (r->o.json)
		cli_print_json(json_pack("{s:s, s:s, s:i, s:I}", "InvoiceId",
		    d.h.id, "File", r->o.out, "Pages", pages, "Bytes",
		    (json_int_t)r->b.len));
	return (0);
}

static void
print_recon(const struct recon *rc)
{
	char	 amt[40], a1[40], a2[40], a3[40];
	size_t	 i;

	nano_format(rc->aws_total, amt, sizeof(amt));
	printf("%s  payer %s  AWS total %s USD\n", rc->period, rc->payer_id,
	    amt);
	for (i = 0; i < rc->n; i++) {
		nano_format(rc->v[i].aws_cost, a1, sizeof(a1));
		nano_format(rc->v[i].billed_usd, a2, sizeof(a2));
		nano_format(rc->v[i].margin, a3, sizeof(a3));
		printf("  %s %-30s AWS %s billed %s margin %s\n",
		    rc->v[i].customer_id, rc->v[i].name, a1, a2, a3);
	}
	nano_format(rc->unassigned, amt, sizeof(amt));
	printf("  unassigned %s\n", amt);
	nano_format(rc->out_of_membership, amt, sizeof(amt));
	printf("  out of membership %s\n", amt);
	nano_format(rc->difference, amt, sizeof(amt));
	printf("  difference %s%s\n", amt, rc->difference ?
	    "  NOT BALANCED" : "  (balanced)");
	nano_format(rc->margin, amt, sizeof(amt));
	printf("  margin %s\n", amt);
}

static int
sub_reconcile(struct run *r, int argc, char **argv, struct err *e)
{
	struct recon	 rc;

	(void)argv;
	if (argc != 0)
		return (USAGE);
	if (r->o.period == NULL)
		return (cli_usage("payerlink: invoice reconcile needs "
		    "--period\n"));
	if (invoice_reconcile(r->st, &r->ar, NULL, r->o.period, &rc,
	    e) == -1)
		return (-1);
	if (r->o.json)
		cli_print_json(recon_json(&rc));
	else
		print_recon(&rc);
	return (0);
}

static const struct {
	const char	*name;
	int		(*fn)(struct run *, int, char **, struct err *);
} subs[] = {
	{ "list", sub_list },
	{ "show", sub_show },
	{ "draft", sub_draft },
	{ "issue", sub_issue },
	{ "void", sub_void },
	{ "pdf", sub_pdf },
	{ "reconcile", sub_reconcile },
};

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
	struct run	 r;
	struct err	 e;
	const char	*sub;
	size_t		 i;
	int		 ch, rc;

	if ((ch = cli_subcommand(&argc, &argv, usage_text, &sub)) != -1)
		return (ch);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, sub) == 0)
			break;
	if (i == sizeof(subs) / sizeof(subs[0]))
		return (cli_usage(usage_text));
	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': r.o.db = optarg; break;
		case 'c': r.o.customer = optarg; break;
		case 'p': r.o.period = optarg; break;
		case 'C': r.o.csv = 1; break;
		case 'v': r.o.cview = 1; break;
		case 'a': r.o.all = 1; break;
		case 'D': r.o.dir = optarg; break;
		case 'o': r.o.out = optarg; break;
		case 'j': r.o.json = 1; break;
		case 'h': fputs(usage_text, stdout); return (0);
		default: return (cli_usage(usage_text));
		}
	}
	r.flags = r.o.cview ? 0 : INVOICE_MSP;
	if ((r.st = cli_open(cli_db_path(r.o.db), STORE_EMULATOR)) == NULL)
		return (1);
	err_clear(&e);
	arena_init(&r.ar);
	buf_init(&r.b, 0);
	rc = subs[i].fn(&r, argc - optind, argv + optind, &e);
	if (rc == USAGE)
		rc = cli_usage(usage_text);
	else if (rc == -1)
		rc = cli_fail(&e);
	buf_release(&r.b);
	arena_release(&r.ar);
	store_close(r.st);
	return (rc);
}
