/* SPDX-License-Identifier: MIT */
/*
 * bench/gen_cur: writes a synthetic CUR 2.0 CSV on stdout for benchmarks.
 * usage: gen_cur ROWS [ACCOUNTS] [SEED] [arns]
 * About 440 bytes a row: the columns payerlink reads plus descriptions
 * (some with quoted commas, quotes and newlines), resource ids and tags;
 * ~40 services with a skewed (Zipf-like) mix; a few thousand accounts,
 * every 50th of which moves to another payer mid-month. Rows are in time
 * order over one month (2026-10), hourly. Deterministic for a seed.
 * With "arns", two more columns: the reservation's ARN of DiscountedUsage
 * lines and the Savings Plan's of SavingsPlan* lines (one of 8 each).
 * Every line has a resource id of its own, unless GEN_CUR_RESOURCES=N:
 * then each account's service has N resources, billed as real ones are,
 * in many lines a day (hourly and resource-level data's size depends on
 * it); the other columns are the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

static const char *const svc[][3] = {
	{ "AmazonEC2", "BoxUsage:m5.large", "RunInstances" },
	{ "AmazonS3", "TimedStorage-ByteHrs", "StandardStorage" },
	{ "AmazonRDS", "InstanceUsage:db.r5.large", "CreateDBInstance" },
	{ "AWSLambda", "Lambda-GB-Second", "Invoke" },
	{ "AmazonCloudWatch", "CW:MetricMonitorUsage", "MetricStorage" },
	{ "AmazonDynamoDB", "TimedStorage-ByteHrs", "PayPerRequestThroughput" },
	{ "AmazonVPC", "VpcEndpoint-Hours", "VpcEndpoint" },
	{ "AWSDataTransfer", "DataTransfer-Out-Bytes", "" },
	{ "AmazonEKS", "AmazonEKS-Hours:perCluster", "CreateOperation" },
	{ "AmazonECS", "Fargate-vCPU-Hours:perCPU", "FargateTask" },
	{ "AmazonElastiCache", "NodeUsage:cache.r6g.large", "CreateCacheCluster" },
	{ "AmazonSNS", "Requests-Tier1", "Publish" },
	{ "AWSQueueService", "Requests-RBP", "GetQueueAttributes" },
	{ "AmazonRoute53", "HostedZone", "" },
	{ "AWSKMS", "KMS-Requests", "GenerateDataKey" },
	{ "AmazonCloudFront", "DataTransfer-Out-Bytes", "GET" },
	{ "AWSGlue", "Crawler-DPU-Hour", "CrawlerRun" },
	{ "AmazonAthena", "DataScannedInTB", "StartQueryExecution" },
	{ "AmazonKinesis", "Storage-ShardHour", "PutRecord" },
	{ "AmazonRedshift", "Node:dc2.large", "RunComputeNode:0001" },
	{ "AmazonES", "ESInstance:r5.large", "ESDomain" },
	{ "AWSSecretsManager", "AWSSecretsManager-Secrets", "StorageSecret" },
	{ "AmazonEFS", "TimedStorage-ByteHrs", "" },
	{ "AWSBackup", "WarmStorage-ByteHrs-EFS", "Storage" },
	{ "AmazonGuardDuty", "PaidEventsAnalyzed", "" },
	{ "AWSConfig", "ConfigurationItemRecorded", "" },
	{ "AWSCloudTrail", "PaidEventsRecorded", "" },
	{ "AmazonECR", "TimedStorage-ByteHrs", "" },
	{ "AmazonSageMaker", "Notebk:ml.t3.medium", "RunInstance:0001" },
	{ "AmazonMSK", "Kafka.m5.large", "Broker" },
	{ "AmazonMQ", "BrokerUsage:mq.m5.large", "" },
	{ "AWSStepFunctions", "StateTransition", "" },
	{ "AmazonApiGateway", "ApiGatewayRequest", "ApiGatewayRequest" },
	{ "AmazonCognito", "CognitoUserPoolsMAU", "" },
	{ "AWSCodeBuild", "Build-Min:Linux:g1.small", "Build" },
	{ "AmazonWorkSpaces", "AutoStop-User", "" },
	{ "AWSShield", "Shield-Advanced", "" },
	{ "AmazonLightsail", "BundleUsage:2GB", "" },
	{ "AWSXRay", "XRay-TracesStored", "" },
	{ "AmazonTextract", "DetectDocumentText", "" },
};
#define NSVC	(sizeof(svc) / sizeof(svc[0]))

static const char *const regions[] = {
	"us-east-1", "us-east-1", "us-east-1", "us-west-2", "eu-west-1",
	"eu-central-1", "ap-northeast-2", "ap-southeast-1"
};

static const char *const types[] = {
	"Usage", "Usage", "Usage", "Usage", "Usage", "Usage", "Usage", "Usage",
	"Usage", "Usage", "Usage", "Usage", "Usage", "Usage", "Usage",
	"DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation",
	"Tax", "Credit"
};

int
main(int argc, char **argv)
{
	long long	 rows, i;
	int		 naccts, a, s, h, day, hour, arns, pool;
	unsigned long long res;
	char		 buf[1 << 16], *p, *end;
	double		 cost;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_cur ROWS [ACCOUNTS] [SEED]\n");
		return (2);
	}
	rows = atoll(argv[1]);
	naccts = argc > 2 ? atoi(argv[2]) : 2000;
	if (argc > 3)
		rng ^= strtoull(argv[3], NULL, 10) * 0x2545f4914f6cdd1dULL;
	arns = argc > 4 && strcmp(argv[4], "arns") == 0;
	pool = getenv("GEN_CUR_RESOURCES") != NULL ?
	    atoi(getenv("GEN_CUR_RESOURCES")) : 0;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	fputs("identity_line_item_id,identity_time_interval,"
	    "bill_invoice_id,bill_billing_entity,bill_bill_type,"
	    "bill_payer_account_id,bill_billing_period_start_date,"
	    "bill_billing_period_end_date,line_item_usage_account_id,"
	    "line_item_line_item_type,line_item_usage_start_date,"
	    "line_item_usage_end_date,line_item_product_code,"
	    "line_item_usage_type,line_item_operation,"
	    "line_item_availability_zone,line_item_resource_id,"
	    "line_item_usage_amount,line_item_currency_code,"
	    "line_item_unblended_rate,line_item_unblended_cost,"
	    "line_item_net_unblended_cost,line_item_line_item_description,"
	    "product_region_code,pricing_term,pricing_unit,"
	    "pricing_public_on_demand_cost,reservation_effective_cost,"
	    "savings_plan_savings_plan_effective_cost,resource_tags", stdout);
	fputs(arns ? ",reservation_reservation_a_r_n,"
	    "savings_plan_savings_plan_a_r_n\n" : "\n", stdout);
	for (i = 0; i < rows; i++) {
		hour = (int)(i * 744 / rows);		/* time order */
		day = hour / 24 + 1;
		h = hour % 24;
		/* Each account uses 6 services, EC2 most; the mix over all
		 * accounts is skewed to the low indexes. */
		a = (int)(next() % naccts);
		s = (int)((next() % 100) * (next() % 100) / 10000.0 * 6);
		s = s == 0 ? 0 : (int)((a * 7 + s * s * 5) % NSVC);
		/* Accounts that change payer mid-month appear in this
		 * payer's file from the 15th only. */
		if (a % 50 == 7 && day < 15)
			a++;
		cost = (double)(next() % 1000000) / 1e6 *
		    (s < 3 ? 2.0 : 0.2);
		{
			const char *t = next() % 20 ? "Usage" :
			    types[next() % 20];
			const char *payer = "999999999999";
			const char *desc;
			char dbuf[128];

			switch (next() % 16) {
			case 0:
				desc = "\"$0.096 per On Demand Linux, m5.large "
				    "Instance Hour\"";
				break;
			case 1:
				desc = "\"Storage: \"\"Standard\"\", first 50 TB"
				    "\nper month\"";
				break;
			default:
				snprintf(dbuf, sizeof(dbuf), "%s usage in %s",
				    svc[s][0], regions[a % 8]);
				desc = dbuf;
			}
			res = next() & 0xffffffffffULL;
			if (pool > 0)
				res = ((unsigned long long)a * NSVC + s) * pool +
				    res % pool;
			p = buf;
			end = buf + sizeof(buf);
			p += snprintf(p, end - p,
			    "%016llx%016llx,2026-10-%02dT%02d:00:00Z/"
			    "2026-10-%02dT%02d:59:59Z,,AWS,Anniversary,%s,"
			    "2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,"
			    "%012d,%s,2026-10-%02dT%02d:00:00Z,"
			    "2026-10-%02dT%02d:59:59Z,%s,%s,%s,%sa,"
			    "arn:aws:ec2:%s:%012d:instance/i-%012llx,"
			    "%.6f,USD,%.10f,%.10f,%.10f,%s,%s,%s,Hrs,"
			    "%.10f,%s,%s,\"{\"\"user:team\"\": \"\"t%d\"\"}\"",
			    (unsigned long long)next(),
			    (unsigned long long)next(), day, h, day, h,
			    payer, (int)(100000000000LL % 1000000000 + a), t, day, h, day, h,
			    svc[s][0], svc[s][1], svc[s][2], regions[a % 8],
			    regions[a % 8], (int)(100000000000LL % 1000000000 + a),
			    res,
			    cost * 10, cost / 10, cost, cost * 0.97, desc,
			    regions[a % 8], t[0] == 'D' ? "Reserved" :
			    "OnDemand", cost * 1.1, t[0] == 'D' ? "0.05" :
			    "", t[0] == 'S' ? "0.04" : "", a % 7);
			if (arns && t[0] == 'D')
				p += snprintf(p, end - p, ",arn:aws:ec2:us-east-1:"
				    "999999999999:reserved-instances/ri-%d,",
				    a % 8);
			else if (arns && t[0] == 'S')
				p += snprintf(p, end - p, ",,arn:aws:"
				    "savingsplans::999999999999:savingsplan/sp-%d",
				    a % 8);
			else if (arns)
				p += snprintf(p, end - p, ",,");
			*p++ = '\n';
			fwrite(buf, 1, p - buf, stdout);
		}
	}
	return (0);
}
