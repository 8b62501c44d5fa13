/* SPDX-License-Identifier: MIT */
/* Service names as AWS shows them: see service.h. */
#include <stdlib.h>
#include <string.h>

#include "billing/service.h"

#define CE_EC2_OTHER	"EC2 - Other"

/* Sorted by code (strcmp): bsearch. The names are the product names the
 * CUR's product/ProductName column and the Billing console use. */
static const struct service_entry names[] = {
	{ "AWSAmplify",
	    "AWS Amplify", "Web" },
	{ "AWSBackup",
	    "AWS Backup", "Storage" },
	{ "AWSCloudShell",
	    "AWS CloudShell", "Developer Tools" },
	{ "AWSCloudTrail",
	    "AWS CloudTrail", "Management and Governance" },
	{ "AWSCodeArtifact",
	    "AWS CodeArtifact", "Developer Tools" },
	{ "AWSCodeCommit",
	    "AWS CodeCommit", "Developer Tools" },
	{ "AWSCodePipeline",
	    "AWS CodePipeline", "Developer Tools" },
	{ "AWSConfig",
	    "AWS Config", "Management and Governance" },
	{ "AWSCostExplorer",
	    "AWS Cost Explorer", "Management and Governance" },
	{ "AWSDataSync",
	    "AWS DataSync", "Migration" },
	{ "AWSDataTransfer",
	    "AWS Data Transfer", "Networking" },
	{ "AWSDirectConnect",
	    "AWS Direct Connect", "Networking" },
	{ "AWSDirectoryService",
	    "AWS Directory Service", "Identity" },
	{ "AWSELB",
	    "Amazon Elastic Load Balancing", "Networking" },
	{ "AWSEvents",
	    "CloudWatch Events", "Integration" },
	{ "AWSGlobalAccelerator",
	    "AWS Global Accelerator", "Networking" },
	{ "AWSGlue",
	    "AWS Glue", "Analytics" },
	{ "AWSIoT",
	    "AWS IoT", "Internet of Things" },
	{ "AWSLambda",
	    "AWS Lambda", "Compute" },
	{ "AWSMarketplace",
	    "AWS Marketplace", "Other" },
	{ "AWSQueueService",
	    "Amazon Simple Queue Service", "Integration" },
	{ "AWSSecretsManager",
	    "AWS Secrets Manager", "Security" },
	{ "AWSSecurityHub",
	    "AWS Security Hub", "Security" },
	{ "AWSShield",
	    "AWS Shield", "Security" },
	{ "AWSStepFunctions",
	    "AWS Step Functions", "Integration" },
	{ "AWSSupportBusiness",
	    "AWS Support (Business)", "Other" },
	{ "AWSSupportDeveloper",
	    "AWS Support (Developer)", "Other" },
	{ "AWSSupportEnterprise",
	    "AWS Support (Enterprise)", "Other" },
	{ "AWSSystemsManager",
	    "AWS Systems Manager", "Management and Governance" },
	{ "AWSTransfer",
	    "AWS Transfer Family", "Storage" },
	{ "AWSXRay",
	    "AWS X-Ray", "Developer Tools" },
	{ "AmazonApiGateway",
	    "Amazon API Gateway", "Integration" },
	{ "AmazonAppStream",
	    "Amazon AppStream", "Business Applications" },
	{ "AmazonAthena",
	    "Amazon Athena", "Analytics" },
	{ "AmazonBedrock",
	    "Amazon Bedrock", "AI and Machine Learning" },
	{ "AmazonCloudFront",
	    "Amazon CloudFront", "Networking" },
	{ "AmazonCloudSearch",
	    "Amazon CloudSearch", "Analytics" },
	{ "AmazonCloudWatch",
	    "AmazonCloudWatch", "Management and Governance" },
	{ "AmazonCognito",
	    "Amazon Cognito", "Identity" },
	{ "AmazonConnect",
	    "Amazon Connect", "Business Applications" },
	{ "AmazonDocDB",
	    "Amazon DocumentDB (with MongoDB compatibility)", "Databases" },
	{ "AmazonDynamoDB",
	    "Amazon DynamoDB", "Databases" },
	{ "AmazonEC2",
	    "Amazon Elastic Compute Cloud", "Compute" },
	{ "AmazonECR",
	    "Amazon EC2 Container Registry (ECR)", "Compute" },
	{ "AmazonECS",
	    "Amazon Elastic Container Service", "Compute" },
	{ "AmazonEFS",
	    "Amazon Elastic File System", "Storage" },
	{ "AmazonEKS",
	    "Amazon Elastic Container Service for Kubernetes", "Compute" },
	{ "AmazonES",
	    "Amazon OpenSearch Service", "Analytics" },
	{ "AmazonElastiCache",
	    "Amazon ElastiCache", "Databases" },
	{ "AmazonFSx",
	    "Amazon FSx", "Storage" },
	{ "AmazonGuardDuty",
	    "Amazon GuardDuty", "Security" },
	{ "AmazonInspectorV2",
	    "Amazon Inspector", "Security" },
	{ "AmazonKinesis",
	    "Amazon Kinesis", "Analytics" },
	{ "AmazonKinesisFirehose",
	    "Amazon Kinesis Firehose", "Analytics" },
	{ "AmazonLightsail",
	    "Amazon Lightsail", "Compute" },
	{ "AmazonMQ",
	    "Amazon MQ", "Integration" },
	{ "AmazonMSK",
	    "Amazon Managed Streaming for Apache Kafka", "Analytics" },
	{ "AmazonMacie",
	    "Amazon Macie", "Security" },
	{ "AmazonNeptune",
	    "Amazon Neptune", "Databases" },
	{ "AmazonQuickSight",
	    "Amazon QuickSight", "Analytics" },
	{ "AmazonRDS",
	    "Amazon Relational Database Service", "Databases" },
	{ "AmazonRedshift",
	    "Amazon Redshift", "Analytics" },
	{ "AmazonRegistrar",
	    "Amazon Registrar", "Networking" },
	{ "AmazonRoute53",
	    "Amazon Route 53", "Networking" },
	{ "AmazonS3",
	    "Amazon Simple Storage Service", "Storage" },
	{ "AmazonS3GlacierDeepArchive",
	    "Amazon S3 Glacier Deep Archive", "Storage" },
	{ "AmazonSES",
	    "Amazon Simple Email Service", "Business Applications" },
	{ "AmazonSNS",
	    "Amazon Simple Notification Service", "Integration" },
	{ "AmazonSageMaker",
	    "Amazon SageMaker", "AI and Machine Learning" },
	{ "AmazonTextract",
	    "Amazon Textract", "AI and Machine Learning" },
	{ "AmazonTimestream",
	    "Amazon Timestream", "Databases" },
	{ "AmazonVPC",
	    "Amazon Virtual Private Cloud", "Networking" },
	{ "AmazonWorkSpaces",
	    "Amazon WorkSpaces", "Business Applications" },
	{ "CodeBuild",
	    "CodeBuild", "Developer Tools" },
	{ "ComputeSavingsPlans",
	    "Savings Plans for AWS Compute usage", "Compute" },
	{ "ElasticMapReduce",
	    "Amazon Elastic MapReduce", "Analytics" },
	{ "awskms",
	    "AWS Key Management Service", "Security" },
	{ "awswaf",
	    "AWS WAF", "Security" },
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

int
service_ec2_instance(const char *code, const char *ut, const char *type)
{
	return (code != NULL && strcmp(code, "AmazonEC2") == 0 &&
	    (type == NULL || strcmp(type, "Tax") != 0) &&
	    service_ec2_compute(ut));
}

const char *
service_ce_name(const char *code, const char *ut, const char *type)
{
	if (type != NULL && strcmp(type, "Tax") == 0)
		return ("Tax");
	if (code != NULL && strcmp(code, "AmazonEC2") == 0)
		return (service_ec2_instance(code, ut, type) ?
		    SERVICE_EC2_COMPUTE : CE_EC2_OTHER);
	return (service_name(code));
}

const char *
service_category(const char *code)
{
	const struct service_entry	*x;

	if (code == NULL)
		return ("Other");
	x = bsearch(code, names, NNAMES, sizeof(names[0]), entry_cmp);
	return (x != NULL ? x->category : "Other");
}

const struct service_entry *
service_table(unsigned *n)
{
	*n = (unsigned)NNAMES;
	return (names);
}
