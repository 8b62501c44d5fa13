/* SPDX-License-Identifier: MIT */
/* Service names as AWS shows them: see service.h. */
#include <stdlib.h>
#include <string.h>

#include "billing/service.h"

#define CE_EC2_COMPUTE	"Amazon Elastic Compute Cloud - Compute"
#define CE_EC2_OTHER	"EC2 - Other"

/* Sorted by code (strcmp): bsearch. The names are the product names the
 * CUR's product/ProductName column and the Billing console use. */
static const struct service_entry names[] = {
	{ "AWSAmplify",			"AWS Amplify" },
	{ "AWSBackup",			"AWS Backup" },
	{ "AWSCloudShell",		"AWS CloudShell" },
	{ "AWSCloudTrail",		"AWS CloudTrail" },
	{ "AWSCodeArtifact",		"AWS CodeArtifact" },
	{ "AWSCodeCommit",		"AWS CodeCommit" },
	{ "AWSCodePipeline",		"AWS CodePipeline" },
	{ "AWSConfig",			"AWS Config" },
	{ "AWSCostExplorer",		"AWS Cost Explorer" },
	{ "AWSDataSync",		"AWS DataSync" },
	{ "AWSDataTransfer",		"AWS Data Transfer" },
	{ "AWSDirectConnect",		"AWS Direct Connect" },
	{ "AWSDirectoryService",	"AWS Directory Service" },
	{ "AWSELB",			"Amazon Elastic Load Balancing" },
	{ "AWSEvents",			"CloudWatch Events" },
	{ "AWSGlobalAccelerator",	"AWS Global Accelerator" },
	{ "AWSGlue",			"AWS Glue" },
	{ "AWSIoT",			"AWS IoT" },
	{ "AWSLambda",			"AWS Lambda" },
	{ "AWSMarketplace",		"AWS Marketplace" },
	{ "AWSQueueService",		"Amazon Simple Queue Service" },
	{ "AWSSecretsManager",		"AWS Secrets Manager" },
	{ "AWSSecurityHub",		"AWS Security Hub" },
	{ "AWSShield",			"AWS Shield" },
	{ "AWSStepFunctions",		"AWS Step Functions" },
	{ "AWSSupportBusiness",		"AWS Support (Business)" },
	{ "AWSSupportDeveloper",	"AWS Support (Developer)" },
	{ "AWSSupportEnterprise",	"AWS Support (Enterprise)" },
	{ "AWSSystemsManager",		"AWS Systems Manager" },
	{ "AWSTransfer",		"AWS Transfer Family" },
	{ "AWSXRay",			"AWS X-Ray" },
	{ "AmazonApiGateway",		"Amazon API Gateway" },
	{ "AmazonAppStream",		"Amazon AppStream" },
	{ "AmazonAthena",		"Amazon Athena" },
	{ "AmazonBedrock",		"Amazon Bedrock" },
	{ "AmazonCloudFront",		"Amazon CloudFront" },
	{ "AmazonCloudSearch",		"Amazon CloudSearch" },
	{ "AmazonCloudWatch",		"AmazonCloudWatch" },
	{ "AmazonCognito",		"Amazon Cognito" },
	{ "AmazonConnect",		"Amazon Connect" },
	{ "AmazonDocDB",		"Amazon DocumentDB (with MongoDB compatibility)" },
	{ "AmazonDynamoDB",		"Amazon DynamoDB" },
	{ "AmazonEC2",			"Amazon Elastic Compute Cloud" },
	{ "AmazonECR",			"Amazon EC2 Container Registry (ECR)" },
	{ "AmazonECS",			"Amazon Elastic Container Service" },
	{ "AmazonEFS",			"Amazon Elastic File System" },
	{ "AmazonEKS",			"Amazon Elastic Container Service for Kubernetes" },
	{ "AmazonES",			"Amazon OpenSearch Service" },
	{ "AmazonElastiCache",		"Amazon ElastiCache" },
	{ "AmazonFSx",			"Amazon FSx" },
	{ "AmazonGuardDuty",		"Amazon GuardDuty" },
	{ "AmazonInspectorV2",		"Amazon Inspector" },
	{ "AmazonKinesis",		"Amazon Kinesis" },
	{ "AmazonKinesisFirehose",	"Amazon Kinesis Firehose" },
	{ "AmazonLightsail",		"Amazon Lightsail" },
	{ "AmazonMQ",			"Amazon MQ" },
	{ "AmazonMSK",			"Amazon Managed Streaming for Apache Kafka" },
	{ "AmazonMacie",		"Amazon Macie" },
	{ "AmazonNeptune",		"Amazon Neptune" },
	{ "AmazonQuickSight",		"Amazon QuickSight" },
	{ "AmazonRDS",			"Amazon Relational Database Service" },
	{ "AmazonRedshift",		"Amazon Redshift" },
	{ "AmazonRegistrar",		"Amazon Registrar" },
	{ "AmazonRoute53",		"Amazon Route 53" },
	{ "AmazonS3",			"Amazon Simple Storage Service" },
	{ "AmazonS3GlacierDeepArchive",	"Amazon S3 Glacier Deep Archive" },
	{ "AmazonSES",			"Amazon Simple Email Service" },
	{ "AmazonSNS",			"Amazon Simple Notification Service" },
	{ "AmazonSageMaker",		"Amazon SageMaker" },
	{ "AmazonTextract",		"Amazon Textract" },
	{ "AmazonTimestream",		"Amazon Timestream" },
	{ "AmazonVPC",			"Amazon Virtual Private Cloud" },
	{ "AmazonWorkSpaces",		"Amazon WorkSpaces" },
	{ "CodeBuild",			"CodeBuild" },
	{ "ComputeSavingsPlans",	"Savings Plans for AWS Compute usage" },
	{ "ElasticMapReduce",		"Amazon Elastic MapReduce" },
	{ "awskms",			"AWS Key Management Service" },
	{ "awswaf",			"AWS WAF" },
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

/* Instance-hour usage types: EC2's "Compute" in Cost Explorer. */
static const char *const compute[] = {
	"BoxUsage", "SpotUsage", "DedicatedUsage", "HostUsage",
	"HostBoxUsage", "HeavyUsage", "ReservedHostUsage", "SchedUsage",
	"UnusedBox", "UnusedDed", "UnusedHostUsage", "DedicatedRes",
	"CPUCredits", "Reservation", NULL
};

static int
entry_cmp(const void *k, const void *e)
{
	return (strcmp(k, ((const struct service_entry *)e)->code));
}

const char *
service_name(const char *code)
{
	const struct service_entry	*x;

	if (code == NULL)
		return ("");
	x = bsearch(code, names, NNAMES, sizeof(names[0]), entry_cmp);
	return (x != NULL ? x->name : code);
}

int
service_ec2_compute(const char *ut)
{
	const char	*p;
	size_t		 i;

	if (ut == NULL)
		return (0);
	/* A region prefix is capitals and digits up to a dash: "USE2-",
	 * "EU-", "APN1-". */
	for (p = ut; (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'); p++)
		;
	if (*p == '-' && p > ut && p - ut <= 6)
		ut = p + 1;
	for (i = 0; compute[i] != NULL; i++)
		if (strncmp(ut, compute[i], strlen(compute[i])) == 0)
			return (1);
	return (0);
}

const char *
service_ce_name(const char *code, const char *ut, const char *type)
{
	if (type != NULL && strcmp(type, "Tax") == 0)
		return ("Tax");
	if (code != NULL && strcmp(code, "AmazonEC2") == 0)
		return (service_ec2_compute(ut) ? CE_EC2_COMPUTE :
		    CE_EC2_OTHER);
	return (service_name(code));
}

const struct service_entry *
service_table(unsigned *n)
{
	*n = (unsigned)NNAMES;
	return (names);
}
