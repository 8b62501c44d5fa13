/* SPDX-License-Identifier: MIT */
/*
 * Service names as AWS shows them. The CUR carries a product code
 * (lineItem/ProductCode: "AmazonEC2", "awskms"); the Billing console and
 * the invoice name the product ("Amazon Elastic Compute Cloud"), and Cost
 * Explorer's SERVICE dimension names the product too, with two
 * exceptions of its own: EC2 is split into "Amazon Elastic Compute Cloud -
 * Compute" (instance hours) and "EC2 - Other" (volumes, snapshots, NAT
 * gateways, addresses, data transfer), and every Tax line is "Tax".
 * The names come from a table (docs/billing.md lists it); a product code
 * the table does not know is shown as itself. Pricing rules, custom items
 * and the invoice CSV's ServiceCode keep the product code.
 */
#ifndef BILLING_SERVICE_H
#define BILLING_SERVICE_H

/* The product's name for a product code (the code itself if unknown;
 * "" stays ""). Static storage or the argument. */
const char	*service_name(const char *product_code);

/* Cost Explorer's SERVICE value of EC2 instance lines ("EC2-Instances" in
 * its hourly and resource-level data settings). */
#define SERVICE_EC2_COMPUTE	"Amazon Elastic Compute Cloud - Compute"

/* Cost Explorer's SERVICE value of a line: "Tax" for line type Tax, EC2
 * split by usage type (service_ec2_instance()), else service_name(). */
const char	*service_ce_name(const char *product_code,
		    const char *usage_type, const char *line_item_type);

/* Whether an EC2 usage type is instance usage ("Compute"): BoxUsage,
 * SpotUsage, DedicatedUsage, HostUsage, HeavyUsage, ..., with or without
 * a region prefix ("USE2-BoxUsage:m5.large"). */
int		 service_ec2_compute(const char *usage_type);

/* Whether a line is EC2 instance usage, Cost Explorer's SERVICE_EC2_COMPUTE:
 * product code AmazonEC2, an instance usage type, not a Tax line. The one
 * test behind service_ce_name()'s split and the hourly resource rows. */
int		 service_ec2_instance(const char *product_code,
		    const char *usage_type, const char *line_item_type);

/* FOCUS 1.2's ServiceCategory of a product code ("Compute", "Storage",
 * ...; "Other" if unknown). */
const char	*service_category(const char *product_code);

/* The table, for docs and tests: n_out entries of {code, name, category}. */
struct service_entry {
	const char	*code;
	const char	*name;
	const char	*category;	/* FOCUS ServiceCategory */
};
const struct service_entry *service_table(unsigned *n_out /* OUT */);

#endif
