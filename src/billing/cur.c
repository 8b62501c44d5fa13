/* SPDX-License-Identifier: MIT */
/* Cost and usage file schemas: see cur.h. */
#include <string.h>

#include "billing/cur.h"

struct colmap {
	int		 slot;
	const char	*name;
};

static const struct colmap legacy[] = {
	{ S_PAYER, "bill/PayerAccountId" },
	{ S_PERIOD, "bill/BillingPeriodStartDate" },
	{ S_ACCOUNT, "lineItem/UsageAccountId" },
	{ S_LITYPE, "lineItem/LineItemType" },
	{ S_START, "lineItem/UsageStartDate" },
	{ S_PRODUCT, "lineItem/ProductCode" },
	{ S_USAGE_TYPE, "lineItem/UsageType" },
	{ S_OPERATION, "lineItem/Operation" },
	{ S_REGION, "product/region" },
	{ S_REGION_ALT, "product/regionCode" },
	{ S_TERM, "pricing/term" },
	{ S_CURRENCY, "lineItem/CurrencyCode" },
	{ S_UNBLENDED, "lineItem/UnblendedCost" },
	{ S_NET, "lineItem/NetUnblendedCost" },
	{ S_PUBLIC, "pricing/publicOnDemandCost" },
	{ S_USAGE, "lineItem/UsageAmount" },
	{ S_SP_EFFECTIVE, "savingsPlan/SavingsPlanEffectiveCost" },
	{ S_RI_EFFECTIVE, "reservation/EffectiveCost" },
	{ S_SP_TOTAL, "savingsPlan/TotalCommitmentToDate" },
	{ S_SP_USED, "savingsPlan/UsedCommitment" },
	{ S_RI_UNUSED_AMORT,
	    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod" },
	{ S_RI_UNUSED_FEE, "reservation/UnusedRecurringFee" },
	{ S_RI_ARN, "reservation/ReservationARN" },
	{ S_SP_ARN, "savingsPlan/SavingsPlanARN" },
	{ S_AZ, "lineItem/AvailabilityZone" },
	{ S_LEGAL_ENTITY, "lineItem/LegalEntity" },
	{ S_INVOICING_ENTITY, "bill/InvoicingEntity" },
	{ S_SP_TYPE, "savingsPlan/OfferingType" },
	{ S_OS, "product/operatingSystem" },
	{ S_TENANCY, "product/tenancy" },
	{ S_DB_ENGINE, "product/databaseEngine" },
	{ S_RESOURCE, "lineItem/ResourceId" },
	{ S_RI_START, "reservation/StartTime" },
	{ S_RI_END, "reservation/EndTime" },
	{ S_RI_TERM, "pricing/LeaseContractLength" },
	{ S_RI_PAYMENT, "pricing/PurchaseOption" },
	{ S_RI_CLASS, "pricing/OfferingClass" },
	{ S_RI_COUNT, "reservation/NumberOfReservations" },
	{ S_RI_UNITS, "reservation/UnitsPerReservation" },
	{ S_SP_START, "savingsPlan/StartTime" },
	{ S_SP_END, "savingsPlan/EndTime" },
	{ S_SP_TERM, "savingsPlan/PurchaseTerm" },
	{ S_SP_PAYMENT, "savingsPlan/PaymentOption" },
	{ S_SP_REGION, "savingsPlan/Region" },
	{ S_SP_FAMILY, "savingsPlan/InstanceTypeFamily" },
	{ -1, NULL }
};

static const struct colmap v2[] = {
	{ S_PAYER, "bill_payer_account_id" },
	{ S_PERIOD, "bill_billing_period_start_date" },
	{ S_ACCOUNT, "line_item_usage_account_id" },
	{ S_LITYPE, "line_item_line_item_type" },
	{ S_START, "line_item_usage_start_date" },
	{ S_PRODUCT, "line_item_product_code" },
	{ S_USAGE_TYPE, "line_item_usage_type" },
	{ S_OPERATION, "line_item_operation" },
	{ S_REGION, "product_region_code" },
	{ S_REGION_ALT, "product_region" },
	{ S_TERM, "pricing_term" },
	{ S_CURRENCY, "line_item_currency_code" },
	{ S_UNBLENDED, "line_item_unblended_cost" },
	{ S_NET, "line_item_net_unblended_cost" },
	{ S_PUBLIC, "pricing_public_on_demand_cost" },
	{ S_USAGE, "line_item_usage_amount" },
	{ S_SP_EFFECTIVE, "savings_plan_savings_plan_effective_cost" },
	{ S_RI_EFFECTIVE, "reservation_effective_cost" },
	{ S_SP_TOTAL, "savings_plan_total_commitment_to_date" },
	{ S_SP_USED, "savings_plan_used_commitment" },
	{ S_RI_UNUSED_AMORT,
	    "reservation_unused_amortized_upfront_fee_for_billing_period" },
	{ S_RI_UNUSED_FEE, "reservation_unused_recurring_fee" },
	{ S_RI_ARN, "reservation_reservation_a_r_n" },
	{ S_SP_ARN, "savings_plan_savings_plan_a_r_n" },
	{ S_AZ, "line_item_availability_zone" },
	{ S_LEGAL_ENTITY, "line_item_legal_entity" },
	{ S_INVOICING_ENTITY, "bill_invoicing_entity" },
	{ S_SP_TYPE, "savings_plan_offering_type" },
	{ S_OS, "product_operating_system" },
	{ S_TENANCY, "product_tenancy" },
	{ S_DB_ENGINE, "product_database_engine" },
	{ S_RESOURCE, "line_item_resource_id" },
	{ S_RI_START, "reservation_start_time" },
	{ S_RI_END, "reservation_end_time" },
	{ S_RI_TERM, "pricing_lease_contract_length" },
	{ S_RI_PAYMENT, "pricing_purchase_option" },
	{ S_RI_CLASS, "pricing_offering_class" },
	{ S_RI_COUNT, "reservation_number_of_reservations" },
	{ S_RI_UNITS, "reservation_units_per_reservation" },
	{ S_SP_START, "savings_plan_start_time" },
	{ S_SP_END, "savings_plan_end_time" },
	{ S_SP_TERM, "savings_plan_purchase_term" },
	{ S_SP_PAYMENT, "savings_plan_payment_option" },
	{ S_SP_REGION, "savings_plan_region" },
	{ S_SP_FAMILY, "savings_plan_instance_type_family" },
	{ S_TAGS, "resource_tags" },
	{ S_COST_CATS, "cost_category" },
	{ S_PRODUCT_MAP, "product" },
	{ -1, NULL }
};

static const struct colmap focus[] = {
	{ S_PAYER, "BillingAccountId" },
	{ S_PERIOD, "BillingPeriodStart" },
	{ S_ACCOUNT, "SubAccountId" },
	{ S_LITYPE, "ChargeCategory" },
	{ S_START, "ChargePeriodStart" },
	{ S_PRODUCT, "x_ServiceCode" },
	{ S_PRODUCT_ALT, "ServiceName" },
	{ S_USAGE_TYPE, "x_UsageType" },
	{ S_USAGE_TYPE_ALT, "SkuId" },
	{ S_OPERATION, "x_Operation" },
	{ S_REGION, "RegionId" },
	{ S_TERM, "PricingCategory" },
	{ S_CURRENCY, "BillingCurrency" },
	{ S_UNBLENDED, "BilledCost" },
	{ S_EFFECTIVE, "EffectiveCost" },
	{ S_PUBLIC, "ListCost" },
	{ S_USAGE, "ConsumedQuantity" },
	{ S_AZ, "AvailabilityZone" },
	{ S_RI_ARN, "CommitmentDiscountId" },
	{ S_LEGAL_ENTITY, "PublisherName" },
	{ S_INVOICING_ENTITY, "InvoiceIssuerName" },
	{ S_TAGS, "Tags" },
	{ S_RESOURCE, "ResourceId" },
	{ -1, NULL }
};

/* FOCUS 1.2's columns (1.0 and 1.1 are subsets). */
static const char *const focus_cols[] = {
	"AvailabilityZone", "BilledCost", "BillingAccountId",
	"BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
	"BillingPeriodStart", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
	"ChargePeriodStart", "CommitmentDiscountCategory",
	"CommitmentDiscountId", "CommitmentDiscountName",
	"CommitmentDiscountStatus", "CommitmentDiscountType",
	"ConsumedQuantity", "ConsumedUnit", "ContractedCost",
	"ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName",
	"ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity",
	"PricingUnit", "ProviderName", "PublisherName", "RegionId",
	"RegionName", "ResourceId", "ResourceName", "ResourceType",
	"ServiceCategory", "ServiceName", "SkuId", "SkuPriceId",
	"SubAccountId", "SubAccountName", "Tags",
	"CapacityReservationId", "CapacityReservationStatus",
	"CommitmentDiscountQuantity", "CommitmentDiscountUnit",
	"ServiceSubcategory", "SkuMeter", "SkuPriceDetails",
	"BillingAccountType", "InvoiceId", "PricingCurrency",
	"PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
	"PricingCurrencyListUnitPrice", "SubAccountType", NULL
};

static const char *const legacy_prefixes[] = {
	"identity/", "bill/", "lineItem/", "product/", "pricing/",
	"reservation/", "savingsPlan/", "discount/", "resourceTags/",
	"costCategory/", "splitLineItem/", NULL
};

static const char *const v2_prefixes[] = {
	"identity_", "bill_", "line_item_", "product", "pricing_",
	"reservation_", "savings_plan_", "discount", "resource_tags",
	"cost_category", "split_line_item_", "tags", NULL
};

static int
has(char *const *names, int n, const char *want)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return (1);
	return (0);
}

enum cur_format
cur_detect(char *const *names, int n)
{
	if (has(names, n, "lineItem/UnblendedCost"))
		return (CUR_LEGACY);
	if (has(names, n, "line_item_unblended_cost"))
		return (CUR_V2);
	if (has(names, n, "BilledCost") && has(names, n, "ChargePeriodStart")) {
		if (has(names, n, "InvoiceId") ||
		    has(names, n, "BillingAccountType") ||
		    has(names, n, "SubAccountType") ||
		    has(names, n, "PricingCurrency"))
			return (CUR_FOCUS_1_2);
		if (has(names, n, "ServiceSubcategory") ||
		    has(names, n, "SkuMeter") ||
		    has(names, n, "SkuPriceDetails") ||
		    has(names, n, "CapacityReservationId") ||
		    has(names, n, "CommitmentDiscountQuantity"))
			return (CUR_FOCUS_1_1);
		return (CUR_FOCUS_1_0);
	}
	return (CUR_UNKNOWN);
}

const char *
cur_format_name(enum cur_format f)
{
	switch (f) {
	case CUR_LEGACY: return ("CUR");
	case CUR_V2: return ("CUR 2.0");
	case CUR_FOCUS_1_0: return ("FOCUS 1.0");
	case CUR_FOCUS_1_1: return ("FOCUS 1.1");
	case CUR_FOCUS_1_2: return ("FOCUS 1.2");
	default: return ("unknown");
	}
}

static const struct colmap *
map_of(enum cur_format f)
{
	switch (f) {
	case CUR_LEGACY: return (legacy);
	case CUR_V2: return (v2);
	case CUR_FOCUS_1_0:
	case CUR_FOCUS_1_1:
	case CUR_FOCUS_1_2: return (focus);
	default: return (NULL);
	}
}

int
cur_slot(enum cur_format f, const char *name)
{
	const struct colmap	*m;

	for (m = map_of(f); m != NULL && m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return (m->slot);
	return (-1);
}

const char *
cur_slot_column(enum cur_format f, int s)
{
	const struct colmap	*m;

	for (m = map_of(f); m != NULL && m->name != NULL; m++)
		if (m->slot == s)
			return (m->name);
	return ("?");
}

int
cur_known(enum cur_format f, const char *name)
{
	const char *const	*p;

	switch (f) {
	case CUR_LEGACY:
		p = legacy_prefixes;
		break;
	case CUR_V2:
		p = v2_prefixes;
		break;
	case CUR_FOCUS_1_0:
	case CUR_FOCUS_1_1:
	case CUR_FOCUS_1_2:
		if (strncmp(name, "x_", 2) == 0)
			return (1);
		for (p = focus_cols; *p != NULL; p++)
			if (strcmp(*p, name) == 0)
				return (1);
		return (0);
	default:
		return (0);
	}
	for (; *p != NULL; p++)
		if (strncmp(name, *p, strlen(*p)) == 0)
			return (1);
	return (0);
}
