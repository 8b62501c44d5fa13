/* SPDX-License-Identifier: MIT */
/*
 * Demo billing data: realistic synthetic CUR 2.0 line items (about 40
 * services, each account using eight, a few thousand rows per account and
 * month, hourly start times, some quoted descriptions; besides Usage,
 * Tax, Credit, Refund, a Reserved Instance's DiscountedUsage and RIFee and
 * a Savings Plan's SavingsPlanCoveredUsage, SavingsPlanNegation and
 * SavingsPlanRecurringFee: write_commitments()) written to a
 * temporary file per payer and month and ingested like a real delivery.
 * As AWS does, each usage hour goes to the bill of the payer that paid it
 * then: the management account of the organization the account was in
 * (the membership history), or the account itself while standalone. The
 * MSP's payer's files are its bills; another payer's file that holds a
 * customer's account is imported as reference (the history a customer
 * handed over: shown to it as "before the MSP", never billed), the rest
 * is nobody's business here and not imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/ingest.h"
#include "billing/parquet.h"
#include "cli/demo_billing.h"
#include "cli/demo_portal.h"
#include "core/clock.h"
#include "onboard/onboard.h"
#include "org/account.h"

#define DEMO_ACCOUNTS_MAX	1000

static const char *const services[][4] = {
	{ "AmazonEC2", "BoxUsage:m5.large", "RunInstances", "0.096" },
	{ "AmazonEC2", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3", "0.011" },
	{ "AmazonS3", "TimedStorage-ByteHrs", "StandardStorage", "0.003" },
	{ "AmazonRDS", "InstanceUsage:db.r5.large", "CreateDBInstance", "0.25" },
	{ "AWSLambda", "Lambda-GB-Second", "Invoke", "0.02" },
	{ "AmazonCloudWatch", "CW:MetricMonitorUsage", "MetricStorage", "0.01" },
	{ "AmazonDynamoDB", "TimedStorage-ByteHrs", "PayPerRequest", "0.004" },
	{ "AmazonVPC", "NatGateway-Hours", "NatGateway", "0.045" },
	{ "AWSDataTransfer", "DataTransfer-Out-Bytes", "", "0.09" },
	{ "AmazonEKS", "AmazonEKS-Hours:perCluster", "CreateOperation", "0.1" },
	{ "AmazonECS", "Fargate-vCPU-Hours:perCPU", "FargateTask", "0.04" },
	{ "AmazonElastiCache", "NodeUsage:cache.r6g.large", "CreateCacheCluster", "0.2" },
	{ "AmazonSNS", "Requests-Tier1", "Publish", "0.0005" },
	{ "AWSQueueService", "Requests-RBP", "GetQueueAttributes", "0.0004" },
	{ "AmazonRoute53", "HostedZone", "", "0.5" },
	{ "awskms", "KMS-Requests", "GenerateDataKey", "0.003" },
	{ "AmazonCloudFront", "DataTransfer-Out-Bytes", "GET", "0.085" },
	{ "AWSGlue", "Crawler-DPU-Hour", "CrawlerRun", "0.44" },
	{ "AmazonAthena", "DataScannedInTB", "StartQueryExecution", "5" },
	{ "AmazonKinesis", "Storage-ShardHour", "PutRecord", "0.015" },
	{ "AmazonRedshift", "Node:dc2.large", "RunComputeNode:0001", "0.25" },
	{ "AmazonES", "ESInstance:r5.large", "ESDomain", "0.186" },
	{ "AWSSecretsManager", "AWSSecretsManager-Secrets", "StorageSecret", "0.4" },
	{ "AmazonEFS", "TimedStorage-ByteHrs", "", "0.3" },
	{ "AWSBackup", "WarmStorage-ByteHrs-EFS", "Storage", "0.05" },
	{ "AmazonGuardDuty", "PaidEventsAnalyzed", "", "0.004" },
	{ "AWSConfig", "ConfigurationItemRecorded", "", "0.003" },
	{ "AWSCloudTrail", "PaidEventsRecorded", "", "0.002" },
	{ "AmazonECR", "TimedStorage-ByteHrs", "", "0.1" },
	{ "AmazonSageMaker", "Notebk:ml.t3.medium", "RunInstance:0001", "0.05" },
	{ "AmazonMSK", "Kafka.m5.large", "Broker", "0.21" },
	{ "AmazonMQ", "BrokerUsage:mq.m5.large", "", "0.288" },
	{ "AWSStepFunctions", "StateTransition", "", "0.000025" },
	{ "AmazonApiGateway", "ApiGatewayRequest", "ApiGatewayRequest", "0.0000035" },
	{ "AmazonCognito", "CognitoUserPoolsMAU", "", "0.0055" },
	{ "CodeBuild", "Build-Min:Linux:g1.small", "Build", "0.005" },
	{ "AmazonWorkSpaces", "AutoStop-User", "", "0.3" },
	{ "AmazonLightsail", "BundleUsage:2GB", "", "0.015" },
	{ "AWSXRay", "XRay-TracesStored", "", "0.000005" },
	{ "AmazonTextract", "DetectDocumentText", "", "0.0015" },
};
#define NSERVICES	(sizeof(services) / sizeof(services[0]))

static const char *const regions[] = {
	"us-east-1", "us-west-2", "eu-west-1", "ap-northeast-2"
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

#define DEMO_STINTS_MAX	4

/* An account and who paid for it when: its memberships as [from, to)
 * hour ranges; outside them it pays for itself. */
struct demo_acct {
	char	 id[ACCOUNT_ID_LEN + 1];
	int	 owned;			/* a customer owns it */
	size_t	 nstints;
	struct {
		char	 payer[ACCOUNT_ID_LEN + 1];
		int64_t	 from, to;
	} stint[DEMO_STINTS_MAX];
};

/* The payer of account a's hour t (ms). */
static const char *
payer_at(const struct demo_acct *a, int64_t t)
{
	size_t	 i;

	for (i = 0; i < a->nstints; i++)
		if (t >= a->stint[i].from && t < a->stint[i].to)
			return (a->stint[i].payer);
	return (a->id);
}

/* The columns written, in order: a CUR 2.0 subset. */
static const char *const demo_cols[] = {
	"bill_payer_account_id", "bill_billing_period_start_date",
	"line_item_usage_account_id", "line_item_line_item_type",
	"line_item_usage_start_date", "line_item_product_code",
	"line_item_usage_type", "line_item_operation", "product_region_code",
	"pricing_term", "line_item_currency_code", "line_item_unblended_cost",
	"line_item_net_unblended_cost", "pricing_public_on_demand_cost",
	"line_item_usage_amount", "reservation_reservation_a_r_n",
	"reservation_effective_cost",
	"reservation_unused_amortized_upfront_fee_for_billing_period",
	"reservation_unused_recurring_fee",
	"savings_plan_savings_plan_effective_cost",
	"savings_plan_total_commitment_to_date", "savings_plan_used_commitment",
	"savings_plan_savings_plan_a_r_n", "line_item_availability_zone", "line_item_legal_entity",
	"bill_invoicing_entity", "savings_plan_offering_type", "product",
	"resource_tags", "cost_category", "line_item_resource_id",
	"reservation_start_time", "reservation_end_time",
	"reservation_number_of_reservations", "pricing_lease_contract_length",
	"pricing_purchase_option", "pricing_offering_class",
	"savings_plan_start_time", "savings_plan_end_time",
	"savings_plan_purchase_term", "savings_plan_payment_option",
	"line_item_line_item_description"
};
/* Indexes of the attribute columns (AZ ... cost_category), the resource
 * id, what the fee lines say of their commitment (NCM columns from
 * COL_CM), the description last. */
enum { COL_AZ = 23, COL_LEGAL, COL_INVOICING, COL_SP_TYPE, COL_PRODUCT,
	COL_TAGS, COL_COST_CAT, COL_RESOURCE, COL_CM };
#define NCM	10
#define NCOLS	(sizeof(demo_cols) / sizeof(demo_cols[0]))
_Static_assert(COL_CM + NCM == NCOLS - 1, "the demo's columns");

static const enum parquet_wtype demo_types[NCOLS] = {
	PARQUET_W_STRING, PARQUET_W_TIMESTAMP, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_TIMESTAMP, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_DOUBLE,
	PARQUET_W_DOUBLE, PARQUET_W_DOUBLE, PARQUET_W_DOUBLE,
	PARQUET_W_STRING, PARQUET_W_DOUBLE, PARQUET_W_DOUBLE,
	PARQUET_W_DOUBLE, PARQUET_W_DOUBLE, PARQUET_W_DOUBLE,
	PARQUET_W_DOUBLE, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING, PARQUET_W_STRING,
	PARQUET_W_STRING, PARQUET_W_STRING
};

#define DEMO_LEGAL	"Amazon Web Services, Inc."

/*
 * The tags and the cost category of an account's usage of service k (the
 * account's seed chooses): Owner and Environment, aws:createdBy on some,
 * none at all on every fifth service (untagged resources); the cost
 * category Team on three accounts in four. JSON objects, as CUR 2.0's
 * resource_tags and cost_category.
 */
static void
demo_tags(uint64_t seed, unsigned k, char *tags, size_t tlen, char *cc,
    size_t clen)
{
	static const char *const owners[] = { "alice", "bob", "carol" };
	static const char *const envs[] = { "prod", "staging" };
	static const char *const teams[] = { "Platform", "Data", "Web" };

	if ((seed + k) % 5 == 4)
		snprintf(tags, tlen, "{}");
	else
		snprintf(tags, tlen, "{\"user:Owner\": \"%s\", "
		    "\"user:Environment\": \"%s\"%s}",
		    owners[((seed >> 8) + k / 3) % 3],
		    envs[((seed >> 4) + k) % 2],
		    k % 3 == 0 ? ", \"aws:createdBy\": \"IAMUser:deploy\"" :
		    "");
	if ((seed >> 12) % 4 == 3)
		snprintf(cc, clen, "{}");
	else
		snprintf(cc, clen, "{\"Team\": \"%s\"}", teams[(seed >> 16) % 3]);
}

/* The product map of a service's usage: what PLATFORM, TENANCY and
 * DATABASE_ENGINE read. */
static const char *
demo_product(const char *code, const char *usage_type)
{
	if (strcmp(code, "AmazonEC2") == 0 &&
	    strncmp(usage_type, "BoxUsage", 8) == 0)
		return ("{\"operating_system\": \"Linux\", "
		    "\"tenancy\": \"Shared\"}");
	if (strcmp(code, "AmazonRDS") == 0)
		return ("{\"database_engine\": \"PostgreSQL\"}");
	return ("{}");
}

static int	 demo_parquet;	/* demo_billing_format() */

void
demo_billing_format(int parquet)
{
	demo_parquet = parquet;
}

/* Where rows go: CSV text on f, or the Parquet writer pw. */
struct demo_out {
	FILE			*f;
	struct parquet_writer	*pw;
	struct err		 e;
	long			 rows;
	int			 failed;
};

static void
demo_header(struct demo_out *o)
{
	size_t	 i;

	if (o->pw != NULL)
		return;
	for (i = 0; i < NCOLS; i++)
		fprintf(o->f, "%s%s", demo_cols[i], i + 1 < NCOLS ? "," : "\n");
}

static void
demo_row(struct demo_out *o, const char *const *v)
{
	size_t	 i;

	if (o->pw != NULL) {
		/* A row group every 64 Ki rows keeps the writer's buffers
		 * small. */
		if (!o->failed && (parquet_writer_row(o->pw, v, &o->e) == -1 ||
		    (++o->rows % 65536 == 0 &&
		    parquet_writer_flush(o->pw, &o->e) == -1)))
			o->failed = 1;
		return;
	}
	/* A cell with a comma or a quote is quoted (the description, the
	 * JSON maps); NULL is an empty cell. */
	for (i = 0; i < NCOLS; i++) {
		const char *s = v[i] != NULL ? v[i] : "";

		if (strpbrk(s, ",\"") == NULL)
			fputs(s, o->f);
		else {
			fputc('"', o->f);
			for (; *s != '\0'; s++) {
				if (*s == '"')
					fputc('"', o->f);
				fputc(*s, o->f);
			}
			fputc('"', o->f);
		}
		fputc(i + 1 < NCOLS ? ',' : '\n', o->f);
	}
}

/* One line of another type than Usage: cost c (unblended = net), public
 * on-demand cost pod, usage q; extra columns by index, what a fee line
 * says of its commitment (NULL: empty). */
static void
demo_line(struct demo_out *o, const char *payer, const char *period,
    const char *acct, const char *type, const char *start,
    const char *const svc[3], const char *region, const char *term,
    double c, double pod, double q, const char *const extra[8],
    const char *const cm[NCM], const char *desc)
{
	const char	*row[NCOLS];
	char		 num[4][32];
	size_t		 i;

	snprintf(num[0], sizeof(num[0]), "%.10f", c);
	snprintf(num[1], sizeof(num[1]), "%.10f", pod);
	snprintf(num[2], sizeof(num[2]), "%.6f", q);
	row[0] = payer;
	row[1] = period;
	row[2] = acct;
	row[3] = type;
	row[4] = start;
	row[5] = svc[0];
	row[6] = svc[1];
	row[7] = svc[2];
	row[8] = region;
	row[9] = term;
	row[10] = "USD";
	row[11] = num[0];
	row[12] = num[0];
	row[13] = num[1];
	row[14] = num[2];
	for (i = 0; i < 8; i++)
		row[15 + i] = extra != NULL ? extra[i] : NULL;
	for (i = COL_AZ; i < NCOLS; i++)
		row[i] = NULL;
	row[COL_LEGAL] = DEMO_LEGAL;
	row[COL_INVOICING] = DEMO_LEGAL;
	if (strncmp(type, "SavingsPlan", 11) == 0)
		row[COL_SP_TYPE] = "ComputeSavingsPlans";
	for (i = 0; cm != NULL && i < NCM; i++)
		row[COL_CM + i] = cm[i];
	row[NCOLS - 1] = desc;
	demo_row(o, row);
}

/*
 * The lines of a month's bill besides usage, so that every line item type
 * Cost Explorer and rebilling read has numbers: Tax for every account; a
 * third of the accounts (in turn) run one m5.large on a Reserved Instance
 * (a DiscountedUsage line a day at the RI's effective rate, the month's
 * RIFee of the days covered, all of it used), a third one c5.large under a
 * Compute Savings Plan (SavingsPlanCoveredUsage at the on-demand rate, its
 * SavingsPlanNegation, the SavingsPlanRecurringFee, all of it used); every
 * second gets a promotional Credit, every third a Refund (in turn, *nth). Only days whose first hour this
 * payer paid; the monthly lines start on the first such day.
 */
static long
write_commitments(struct demo_out *o, const char *payer, const char *period,
    const struct demo_acct *a, uint64_t seed, int64_t d0, unsigned days,
    int64_t until, unsigned *nth, int *owned_out)
{
	static const char *const ri_use[3] = { "AmazonEC2",
	    "BoxUsage:m5.large", "RunInstances" };
	static const char *const ri_fee[3] = { "AmazonEC2",
	    "HeavyUsage:m5.large", "RunInstances" };
	static const char *const sp_use[3] = { "AmazonEC2",
	    "BoxUsage:c5.large", "RunInstances" };
	static const char *const sp_fee[3] = { "ComputeSavingsPlans",
	    "ComputeSP:1yrNoUpfront", "" };
	static const char *const tax[3] = { "AmazonEC2", "", "" };
	static const char *const credit[3] = { "AmazonEC2", "", "" };
	static const char *const refund[3] = { "AmazonS3", "", "" };
	const char	*region = regions[seed % 4];
	const char	*ex[8];
	char		 arn[128], start[32], first[32], eff[32], fee[32];
	char		 cstart[32], cend[32];
	const char	*cm[NCM];
	unsigned	 d, n = 0, k;
	long		 rows = 0;
	int		 kind;		/* 0 RI, 1 SP, 2 none */
	int		 yy;
	unsigned	 mm, dd;
	double		 rate_od, rate_eff = 0.06;

	/* Kinds in turn over the file's accounts with days in it, so that
	 * every bill of three accounts or more has each. */
	for (d = 0; d < days; d++)
		if ((d0 + d) * MS_PER_DAY < until &&
		    strcmp(payer_at(a, (d0 + d) * MS_PER_DAY), payer) == 0)
			break;
	if (d == days)
		return (0);
	k = (*nth)++;
	kind = (int)(k % 3);
	rate_od = kind == 0 ? 0.096 : 0.085;
	first[0] = '\0';
	for (d = 0; d < days; d++) {
		int64_t t = (d0 + d) * MS_PER_DAY;

		if (t >= until || strcmp(payer_at(a, t), payer) != 0)
			continue;
		clock_civil_from_days(d0 + d, &yy, &mm, &dd);
		snprintf(start, sizeof(start), "%04d-%02u-%02uT00:00:00Z", yy,
		    mm, dd);
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", start);
		n++;
		if (kind == 0) {
			snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:%s:"
			    "reserved-instances/ri-demo-%s", region, a->id,
			    a->id);
			snprintf(eff, sizeof(eff), "%.10f", 24 * rate_eff);
			ex[0] = arn; ex[1] = eff; ex[2] = "0"; ex[3] = "0";
			ex[4] = NULL; ex[5] = NULL; ex[6] = NULL; ex[7] = NULL;
			demo_line(o, payer, period, a->id, "DiscountedUsage",
			    start, ri_use, region, "Reserved", 0,
			    24 * rate_od, 24, ex, NULL, "m5.large reserved instance "
			    "applied");
			rows++;
		} else if (kind == 1) {
			snprintf(arn, sizeof(arn), "arn:aws:savingsplans::%s:"
			    "savingsplan/sp-demo-%s", a->id, a->id);
			snprintf(eff, sizeof(eff), "%.10f", 24 * rate_eff);
			ex[0] = NULL; ex[1] = NULL; ex[2] = NULL; ex[3] = NULL;
			ex[4] = eff; ex[5] = NULL; ex[6] = NULL; ex[7] = arn;
			demo_line(o, payer, period, a->id,
			    "SavingsPlanCoveredUsage", start, sp_use, region,
			    "OnDemand", 24 * rate_od, 24 * rate_od, 24, ex, NULL,
			    "c5.large covered by a Compute Savings Plan");
			ex[4] = NULL;
			demo_line(o, payer, period, a->id,
			    "SavingsPlanNegation", start, sp_use, region,
			    "OnDemand", -24 * rate_od, 0, 0, ex, NULL,
			    "Savings Plan negation of c5.large usage");
			rows += 2;
		}
	}
	if (n == 0)
		return (rows);
	*owned_out |= a->owned;
	snprintf(fee, sizeof(fee), "%.10f", n * 24 * rate_eff);
	/* The commitment runs a year from the first of its bill's year:
	 * what the fee line says of it (reservation_*, pricing_* for an
	 * RI, savings_plan_* for a plan). */
	clock_civil_from_days(d0, &yy, &mm, &dd);
	snprintf(cstart, sizeof(cstart), "%04d-01-01T00:00:00.000Z", yy);
	snprintf(cend, sizeof(cend), "%04d-01-01T00:00:00.000Z", yy + 1);
	memset(cm, 0, sizeof(cm));
	if (kind == 0) {
		cm[0] = cstart; cm[1] = cend; cm[2] = "1"; cm[3] = "1yr";
		cm[4] = "No Upfront"; cm[5] = "standard";
	} else {
		cm[6] = cstart; cm[7] = cend; cm[8] = "1yr";
		cm[9] = "No Upfront";
	}
	if (kind == 0) {
		/* The recurring fee of the hours covered: all used. */
		ex[0] = arn; ex[1] = NULL; ex[2] = "0"; ex[3] = "0";
		ex[4] = NULL; ex[5] = NULL; ex[6] = NULL; ex[7] = NULL;
		demo_line(o, payer, period, a->id, "RIFee", first, ri_fee,
		    region, "Reserved", n * 24 * rate_eff, 0, n * 24, ex, cm,
		    "m5.large reserved instance, no upfront, hourly fee");
		rows++;
	} else if (kind == 1) {
		ex[0] = NULL; ex[1] = NULL; ex[2] = NULL; ex[3] = NULL;
		ex[4] = NULL; ex[5] = fee; ex[6] = fee; ex[7] = arn;
		demo_line(o, payer, period, a->id, "SavingsPlanRecurringFee",
		    first, sp_fee, region, "", n * 24 * rate_eff, 0, n * 24,
		    ex, cm, "Compute Savings Plan, 1 year, no upfront");
		rows++;
	}
	demo_line(o, payer, period, a->id, "Tax", first, tax, "", "",
	    (double)(1 + seed % 50) * 0.37, 0, 0, NULL, NULL, "Sales tax");
	rows++;
	if (k % 2 == 0) {
		demo_line(o, payer, period, a->id, "Credit", first, credit,
		    "", "", -(double)(5 + seed % 20), 0, 0, NULL, NULL,
		    "AWS promotional credit");
		rows++;
	}
	if (k % 3 == 1) {
		demo_line(o, payer, period, a->id, "Refund", first, refund,
		    "", "", -(double)(1 + seed % 10) * 0.5, 0, 0, NULL, NULL,
		    "Refund of an S3 request overcharge");
		rows++;
	}
	return (rows);
}

/* Writes payer's month (y, m) up to `until` (ms) into o: the hours it
 * paid for. *owned_out says whether one of them is a customer's. */
static long
write_month(struct demo_out *o, const char *payer, const struct demo_acct *v,
    size_t n, int y, unsigned m, int64_t until, const char *spike_account,
    int *owned_out)
{
	int64_t		 d0 = clock_days_from_civil(y, m, 1), t;
	unsigned	 days, d, k, r, nth = 0;
	long		 rows = 0;
	size_t		 i;
	int		 ny = m == 12 ? y + 1 : y;
	unsigned	 nm = m == 12 ? 1 : m + 1;
	char		 period[32], start[32], num[4][32], desc[160];
	char		 az[32], tags[160], cc[64], res[128];
	const char	*row[NCOLS];

	days = (unsigned)(clock_days_from_civil(ny, nm, 1) - d0);
	for (i = 0; i < NCOLS; i++)
		row[i] = NULL;
	demo_header(o);
	snprintf(period, sizeof(period), "%04d-%02u-01T00:00:00Z", y, m);
	for (i = 0; i < n; i++) {
		uint64_t seed = mix(strtoull(v[i].id, NULL, 10));
		double scale = 0.5 + (double)(seed % 100) / 25.0;

		for (d = 0; d < days; d++)
			for (k = 0; k < 8; k++) {
				unsigned s = k == 0 ? 0 :
				    (unsigned)((seed >> (k * 5)) % NSERVICES);
				/* Steady usage, a little lower at weekends
				 * (1970-01-01 was a Thursday), hashed by the
				 * day itself so no month repeats another: the
				 * one anomaly is the spike. */
				int64_t	 day = d0 + d;
				double	 week = (day + 3) % 7 >= 5 ? 0.85 : 1.0;

				for (r = 0; r < 10; r++) {
					uint64_t h = mix(seed ^ ((uint64_t)day *
					    1000 + k * 10 + r));
					unsigned hour = (unsigned)(h % 24);
					double q = (45 + h % 11) * week *
					    scale / (k + 1);
					double c = q * atof(services[s][3]) *
					    demo_portal_spike(v[i].id,
					    services[s][1], d0 + d,
					    spike_account, until / MS_PER_DAY);
					int yy;
					unsigned mm, dd;

					t = (d0 + d) * MS_PER_DAY + hour *
					    3600000LL;
					if (t >= until || strcmp(payer_at(&v[i],
					    t), payer) != 0)
						continue;
					*owned_out |= v[i].owned;
					clock_civil_from_days(d0 + d, &yy, &mm,
					    &dd);
					snprintf(start, sizeof(start), "%04d-%02u-"
					    "%02uT%02u:00:00Z", yy, mm, dd, hour);
					snprintf(num[0], sizeof(num[0]), "%.10f", c);
					snprintf(num[1], sizeof(num[1]), "%.10f",
					    c * 0.97);
					snprintf(num[2], sizeof(num[2]), "%.10f", c);
					snprintf(num[3], sizeof(num[3]), "%.6f", q);
					snprintf(desc, sizeof(desc), "%s %s, %s",
					    services[s][0], services[s][1],
					    regions[seed % 4]);
					row[0] = payer;
					row[1] = period;
					row[2] = v[i].id;
					row[3] = "Usage";
					row[4] = start;
					row[5] = services[s][0];
					row[6] = services[s][1];
					row[7] = services[s][2];
					row[8] = regions[seed % 4];
					row[9] = "OnDemand";
					row[10] = "USD";
					row[11] = num[0];
					row[12] = num[1];
					row[13] = num[2];
					row[14] = num[3];
					snprintf(az, sizeof(az), "%s%c",
					    regions[seed % 4], 'a' + (int)(k %
					    3));
					demo_tags(seed, k, tags, sizeof(tags),
					    cc, sizeof(cc));
					row[COL_AZ] = az;
					row[COL_LEGAL] = DEMO_LEGAL;
					row[COL_INVOICING] = DEMO_LEGAL;
					row[COL_PRODUCT] = demo_product(
					    services[s][0], services[s][1]);
					row[COL_TAGS] = tags;
					row[COL_COST_CAT] = cc;
					/* Two resources of each service an
					 * account uses: an instance, else an
					 * ARN. */
					if (strcmp(services[s][0],
					    "AmazonEC2") == 0)
						snprintf(res, sizeof(res),
						    "i-%016llx", (unsigned long
						    long)((seed ^ k) * 31 +
						    r % 2));
					else
						snprintf(res, sizeof(res),
						    "arn:aws:%s:%s:%s:resource/"
						    "r%u", services[s][0],
						    regions[seed % 4], v[i].id,
						    k * 2 + r % 2);
					row[COL_RESOURCE] = res;
					row[NCOLS - 1] = desc;
					demo_row(o, row);
					rows++;
				}
			}
		rows += write_commitments(o, payer, period, &v[i], seed, d0,
		    days, until, &nth, owned_out);
	}
	return (rows);
}

/* Every account that was ever in an organization, with its stints; the
 * payers that paid for one of them in payers[]. */
static int
load_accounts(struct store *st, struct arena *ar, struct demo_acct *v,
    size_t *n_out, char payers[][ACCOUNT_ID_LEN + 1], size_t *np_out,
    struct err *e)
{
	struct account		*page;
	struct membership	*mv;
	struct customer_account	 ca;
	char			 after[ACCOUNT_ID_LEN + 1] = "";
	size_t			 n = 0, np = 0, got, nm, i, j, k;

	do {
		if (account_page(st, ar, after, 200, &page, &got,
		    e) == -1)
			return (-1);
		for (i = 0; i < got && n < DEMO_ACCOUNTS_MAX; i++) {
			if (account_memberships(st, ar, page[i].id, &mv,
			    &nm, e) == -1)
				return (-1);
			if (nm == 0)
				continue;	/* never in an organization */
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].id, sizeof(v[n].id), "%s", page[i].id);
			v[n].owned = account_owner(st,
			    page[i].id, &ca, NULL) == 0;
			for (k = 0; k < nm && k < DEMO_STINTS_MAX; k++) {
				snprintf(v[n].stint[k].payer,
				    sizeof(v[n].stint[k].payer), "%s",
				    mv[k].payer_id);
				/* As attribution counts: from the hour's
				 * start. */
				v[n].stint[k].from = mv[k].joined_at -
				    mv[k].joined_at % 3600000LL;
				v[n].stint[k].to = mv[k].left_at == 0 ?
				    INT64_MAX : mv[k].left_at -
				    mv[k].left_at % 3600000LL;
			}
			v[n].nstints = k;
			/* Its payers, itself included (while standalone). */
			for (k = 0; k <= v[n].nstints; k++) {
				const char *p = k < v[n].nstints ?
				    v[n].stint[k].payer : v[n].id;

				for (j = 0; j < np; j++)
					if (strcmp(payers[j], p) == 0)
						break;
				if (j == np && np < 16)
					snprintf(payers[np++],
					    ACCOUNT_ID_LEN + 1, "%s", p);
			}
			n++;
		}
		if (got > 0)
			snprintf(after, sizeof(after), "%s", page[got - 1].id);
	} while (got == 200);
	*n_out = n;
	*np_out = np;
	return (0);
}

int
demo_billing(struct store *st, const char *spike_account, FILE *out)
{
	struct demo_acct	*v;
	struct msp		 msp;
	struct arena		 ar;
	struct err		 e;
	char			 path[64];
	char			 payers[16][ACCOUNT_ID_LEN + 1];
	size_t			 n = 0, np = 0, j;
	int64_t			 now = store_now(st);
	int			 y, back, rc = 1, fd;
	unsigned		 m, d;

	err_clear(&e);
	arena_init(&ar);
	v = arena_zalloc(&ar, sizeof(*v) * DEMO_ACCOUNTS_MAX);
	/* Without an MSP every payer's file is imported as a bill (nothing
	 * is billed until the MSP is named). */
	memset(&msp, 0, sizeof(msp));
	if (msp_get(st, &msp, &e) == -1 && e.code != ERR_NOT_FOUND)
		goto fail;
	err_clear(&e);
	if (load_accounts(st, &ar, v, &n, payers, &np, &e) == -1)
		goto fail;

	clock_civil_from_days(now / MS_PER_DAY, &y, &m, &d);
	for (back = 2; back >= 0; back--) {
		int yy = y, k;
		unsigned mm = m;
		char period[8];

		for (k = 0; k < back; k++)
			if (--mm == 0) {
				mm = 12;
				yy--;
			}
		snprintf(period, sizeof(period), "%04d-%02u", yy, mm);
		for (j = 0; j < np; j++) {
			struct ingest_opts opts;
			struct ingest *ing = NULL;
			struct demo_out o;
			FILE *f;
			long rows;
			int owned = 0, mine = msp.account_id[0] == '\0' ||
			    strcmp(payers[j], msp.account_id) == 0;

			snprintf(path, sizeof(path), "/tmp/payerlink-demo-"
			    "cur-XXXXXX");
			if ((fd = mkstemp(path)) == -1 ||
			    (f = fdopen(fd, "w+")) == NULL) {
				fprintf(out, "demo billing: cannot create a "
				    "temporary file\n");
				goto out;
			}
			unlink(path);
			memset(&o, 0, sizeof(o));
			o.f = f;
			if (demo_parquet)
				o.pw = parquet_writer_new(fd, 1, demo_cols,
				    demo_types, (int)NCOLS);
			rows = write_month(&o, payers[j], v, n, yy, mm, now,
			    spike_account, &owned);
			if (o.pw != NULL) {
				struct err ce;

				/* Closed (and freed) also after a failure;
				 * the first error is the one told. */
				if (parquet_writer_close(o.pw, o.failed ? &ce :
				    &o.e) == -1)
					o.failed = 1;
			} else
				fflush(f);
			if (o.failed) {
				fclose(f);
				e = o.e;
				goto fail;
			}
			if (rows == 0 || (!mine && !owned)) {
				fclose(f);
				continue;
			}
			lseek(fd, 0, SEEK_SET);
			memset(&opts, 0, sizeof(opts));
			opts.payer = payers[j];
			opts.period = period;
			opts.reference = !mine;
			if (ingest_new(st, &opts, &ing, &e) == -1 ||
			    ingest_add_fd(ing, fd, demo_parquet ?
			    "demo-cur.parquet" : "demo-cur.csv", &e) == -1 ||
			    ingest_commit(ing, &e) == -1) {
				fclose(f);
				ingest_free(ing);
				goto fail;
			}
			fprintf(out, "billing: %s %s: %ld rows ingested "
			    "(%s%s)\n", payers[j], period, rows,
			    ingest_report(ing)->status, mine ? "" :
			    ", reference: a customer's history, never billed");
			fclose(f);
			ingest_free(ing);
		}
	}
	rc = 0;
	goto out;
fail:
	fprintf(out, "demo billing: %s\n", e.msg);
out:
	arena_release(&ar);
	return (rc);
}
