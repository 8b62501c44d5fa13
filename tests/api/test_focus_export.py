# SPDX-License-Identifier: MIT
"""The FOCUS 1.2 export (`payerlink export focus`, the portal's download):
every column FOCUS 1.2 defines, in its order, with its formats and allowed
values, and amounts that add up to what the test computes from the CUR it
wrote."""

import csv
import io
import json
import os
import re
from collections import defaultdict
from decimal import Decimal

from test_ce import DAY, World, expected, month_after, world  # noqa: F401

# FinOps Foundation FOCUS_Spec, tag v1.2, specification/columns/columns.mdpp:
# the columns of FOCUS 1.2 in the specification's (alphabetical) order.
FOCUS_1_2 = [
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName",
    "BillingAccountType", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
    "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
    "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
    "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
    "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost",
    "ListUnitPrice", "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity",
    "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId",
    "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
    "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
    "SubAccountType", "Tags"]
# Its Mandatory columns that may not be null on these rows (ChargeClass is
# Mandatory but null unless a correction).
MANDATORY = ["BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
             "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeDescription",
             "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
             "InvoiceIssuerName", "ListCost", "ProviderName", "PublisherName",
             "ServiceCategory", "ServiceName"]
SERVICE_CATEGORIES = {
    "AI and Machine Learning", "Analytics", "Business Applications", "Compute", "Databases",
    "Developer Tools", "Multicloud", "Identity", "Integration", "Internet of Things",
    "Management and Governance", "Media", "Migration", "Mobile", "Networking", "Security",
    "Storage", "Web", "Other"}
PRODUCT_NAMES = {"AmazonEC2": "Amazon Elastic Compute Cloud",
                 "AmazonS3": "Amazon Simple Storage Service", "AWSLambda": "AWS Lambda"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_focus_1_2_columns_formats_and_sums(world):
    w = world
    period = w.month.strftime("%Y-%m")
    p = w.srv.cli("export", "focus", "--customer", w.ca, "--period", period, check=False)
    assert p.returncode == 0, p.stderr
    rows = list(csv.reader(io.StringIO(p.stdout)))
    head, body = rows[0], rows[1:]
    assert head[:len(FOCUS_1_2)] == FOCUS_1_2
    assert all(h.startswith("x_") for h in head[len(FOCUS_1_2):])
    assert body and all(len(r) == len(head) for r in body)
    recs = [dict(zip(head, r)) for r in body]
    billed = defaultdict(Decimal)
    for r in recs:
        for c in MANDATORY:
            assert r[c] != "", (c, r)
        for c in ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"):
            assert DATETIME.match(r[c]), (c, r[c])
        assert r["ChargeCategory"] in {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
        assert r["ChargeFrequency"] in {"One-Time", "Recurring", "Usage-Based"}
        assert r["ServiceCategory"] in SERVICE_CATEGORIES
        assert r["ServiceName"] == PRODUCT_NAMES[r["x_ServiceCode"]]
        assert r["ProviderName"] == r["PublisherName"] == "AWS"
        assert r["BillingAccountId"] == w.msp.id and r["BillingAccountName"] == "MSP"
        assert r["SubAccountName"] == {w.a1.id: "A one", w.a2.id: "A two"}[r["SubAccountId"]]
        assert r["ChargePeriodStart"][:10] < r["ChargePeriodEnd"][:10]
        if r["ChargeCategory"] == "Usage":
            for c in ("ConsumedQuantity", "ConsumedUnit", "PricingQuantity", "PricingUnit",
                      "PricingCategory", "ListUnitPrice"):
                assert r[c] != "", (c, r)
            # ListUnitPrice x PricingQuantity = ListCost (to the 9 digits kept).
            assert abs(Decimal(r["ListUnitPrice"]) * Decimal(r["PricingQuantity"]) -
                       Decimal(r["ListCost"])) < Decimal("0.000001")
        if r["RegionId"] == "us-east-1":
            assert r["RegionName"] == "US East (N. Virginia)"
        # No commitment in this bill: every CommitmentDiscount* column is
        # null, as are Tags and AvailabilityZone (none in the file).
        assert all(r[c] == "" for c in FOCUS_1_2 if c.startswith("CommitmentDiscount"))
        assert r["Tags"] == "" and r["AvailabilityZone"] == ""
        billed[r["SubAccountId"]] += Decimal(r["BilledCost"])
    assert dict(billed) == dict(expected(w, {w.a1.id, w.a2.id}, by=lambda l: l[0], customer=True))


V2 = ["bill_payer_account_id", "bill_billing_period_start_date", "line_item_usage_account_id",
      "line_item_line_item_type", "line_item_usage_start_date", "line_item_product_code",
      "line_item_usage_type", "line_item_operation", "product_region_code", "pricing_term",
      "line_item_currency_code", "line_item_unblended_cost", "line_item_usage_amount",
      "pricing_public_on_demand_cost", "line_item_availability_zone", "resource_tags",
      "cost_category", "reservation_reservation_a_r_n", "reservation_effective_cost",
      "reservation_unused_amortized_upfront_fee_for_billing_period",
      "reservation_unused_recurring_fee", "savings_plan_savings_plan_a_r_n",
      "savings_plan_savings_plan_effective_cost", "savings_plan_total_commitment_to_date",
      "savings_plan_used_commitment"]


def test_focus_tags_az_and_commitments(srv, new_account, tmp_path):
    """Tags (tags and cost categories), AvailabilityZone and the
    CommitmentDiscount* columns where FOCUS 1.2 defines them, from a CUR
    2.0 this test writes: customer A's usage tagged and in an AZ, a
    reservation of a1 (RIFee, DiscountedUsage) and a Savings Plan of a2
    (recurring fee, covered usage)."""
    w = World(srv, new_account, str(tmp_path), days_on=70)
    month = month_after(w.joined)
    days = [month + i * DAY for i in range(3)]
    ri = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-focus" % w.a1.id
    sp = "arn:aws:savingsplans::%s:savingsplan/sp-focus" % w.a2.id
    rows = []       # dicts of V2 columns
    for d in days:
        for acct, owner in ((w.a1.id, "alice"), (w.a2.id, 'b"ob')):
            rows.append({"line_item_usage_account_id": acct, "line_item_line_item_type": "Usage",
                         "day": d, "line_item_product_code": "AmazonS3",
                         "line_item_usage_type": "TimedStorage-ByteHrs",
                         "line_item_unblended_cost": "1.5", "line_item_usage_amount": "10",
                         "line_item_availability_zone": "us-east-1b",
                         "resource_tags": json.dumps({"user:Owner": owner,
                                                      "aws:createdBy": "ci"}),
                         "cost_category": json.dumps({"Team": "Data"})})
        rows.append({"line_item_usage_account_id": w.a1.id,
                     "line_item_line_item_type": "DiscountedUsage", "day": d,
                     "line_item_product_code": "AmazonEC2", "line_item_usage_type": "BoxUsage:m5.large",
                     "pricing_term": "Reserved", "line_item_unblended_cost": "0",
                     "line_item_usage_amount": "24", "pricing_public_on_demand_cost": "2.304",
                     "line_item_availability_zone": "us-east-1a",
                     "reservation_reservation_a_r_n": ri, "reservation_effective_cost": "1.44"})
        rows.append({"line_item_usage_account_id": w.a2.id,
                     "line_item_line_item_type": "SavingsPlanCoveredUsage", "day": d,
                     "line_item_product_code": "AmazonEC2", "line_item_usage_type": "BoxUsage:c5.large",
                     "pricing_term": "OnDemand", "line_item_unblended_cost": "2.04",
                     "line_item_usage_amount": "24", "pricing_public_on_demand_cost": "2.04",
                     "savings_plan_savings_plan_a_r_n": sp,
                     "savings_plan_savings_plan_effective_cost": "1.2"})
        rows.append({"line_item_usage_account_id": w.a2.id,
                     "line_item_line_item_type": "SavingsPlanRecurringFee", "day": d,
                     "line_item_product_code": "ComputeSavingsPlans",
                     "line_item_usage_type": "ComputeSP:1yrNoUpfront",
                     "line_item_unblended_cost": "1.44", "line_item_usage_amount": "24",
                     "savings_plan_savings_plan_a_r_n": sp,
                     "savings_plan_total_commitment_to_date": "1.44",
                     "savings_plan_used_commitment": "1.2"})
    rows.append({"line_item_usage_account_id": w.a1.id, "line_item_line_item_type": "RIFee",
                 "day": days[0], "line_item_product_code": "AmazonEC2",
                 "line_item_usage_type": "HeavyUsage:m5.large", "pricing_term": "Reserved",
                 "line_item_unblended_cost": "4.32", "line_item_usage_amount": "72",
                 "reservation_reservation_a_r_n": ri,
                 "reservation_unused_amortized_upfront_fee_for_billing_period": "0",
                 "reservation_unused_recurring_fee": "0"})
    path = os.path.join(str(tmp_path), "focus-cur.csv")
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(V2)
        for r in rows:
            r = dict(r, bill_payer_account_id=w.msp.id,
                     bill_billing_period_start_date=month.isoformat() + "T00:00:00Z",
                     line_item_usage_start_date=r["day"].isoformat() + "T00:00:00Z",
                     line_item_operation="RunInstances", product_region_code="us-east-1",
                     line_item_currency_code="USD")
            out.writerow([r.get(c, "") for c in V2])
    w.ingest(path)
    p = w.srv.cli("export", "focus", "--customer", w.ca, "--period", month.strftime("%Y-%m"),
                  check=False)
    assert p.returncode == 0, p.stderr
    recs = list(csv.DictReader(io.StringIO(p.stdout)))
    assert recs and all(set(FOCUS_1_2) <= set(r) for r in recs)

    def of(lit, acct):
        return [r for r in recs if r["x_LineItemType"] == lit and r["SubAccountId"] == acct]
    # Tags: user tags by key, aws: ones as they are, cost categories with
    # costCategory/; a JSON object (KeyValueFormat); AZ as the CUR says.
    for acct, owner in ((w.a1.id, "alice"), (w.a2.id, 'b"ob')):
        s3 = of("Usage", acct)
        assert len(s3) == len(days)
        for r in s3:
            assert json.loads(r["Tags"]) == {"Owner": owner, "aws:createdBy": "ci",
                                             "costCategory/Team": "Data"}
            assert r["AvailabilityZone"] == "us-east-1b"
            assert all(r[c] == "" for c in FOCUS_1_2 if c.startswith("CommitmentDiscount"))
    # The reservation: Usage-based, used hours; its fee the hours bought.
    used = of("DiscountedUsage", w.a1.id)
    assert len(used) == len(days)
    for r in used:
        assert (r["CommitmentDiscountId"], r["CommitmentDiscountCategory"],
                r["CommitmentDiscountType"], r["CommitmentDiscountStatus"],
                r["CommitmentDiscountUnit"]) == (ri, "Usage", "Reserved Instance", "Used", "Hours")
        assert Decimal(r["CommitmentDiscountQuantity"]) == 24
        assert r["AvailabilityZone"] == "us-east-1a" and r["Tags"] == ""
    [fee] = of("RIFee", w.a1.id)
    assert (fee["ChargeCategory"], fee["CommitmentDiscountId"], fee["CommitmentDiscountStatus"],
            fee["CommitmentDiscountUnit"]) == ("Purchase", ri, "", "Hours")
    assert Decimal(fee["CommitmentDiscountQuantity"]) == 72
    # The Savings Plan: Spend-based, in USD: the commitment used by the
    # covered usage, and the commitment each fee line bills.
    for r in of("SavingsPlanCoveredUsage", w.a2.id):
        assert (r["CommitmentDiscountId"], r["CommitmentDiscountCategory"],
                r["CommitmentDiscountType"], r["CommitmentDiscountStatus"],
                r["CommitmentDiscountUnit"]) == (sp, "Spend", "Savings Plan", "Used", "USD")
        assert Decimal(r["CommitmentDiscountQuantity"]) == Decimal("1.2")
    fees = of("SavingsPlanRecurringFee", w.a2.id)
    assert len(fees) == len(days)
    assert all(r["CommitmentDiscountId"] == sp and r["ChargeCategory"] == "Purchase" and
               Decimal(r["CommitmentDiscountQuantity"]) == Decimal("1.44") for r in fees)
    # The spec's rules on every row: an id makes Category, Type not null;
    # no id, all null; Status not null on Usage rows with an id.
    for r in recs:
        cd = {c: r[c] for c in FOCUS_1_2 if c.startswith("CommitmentDiscount")}
        if r["CommitmentDiscountId"] == "":
            assert set(cd.values()) == {""}, r
        else:
            assert r["CommitmentDiscountCategory"] in {"Spend", "Usage"}
            assert r["CommitmentDiscountType"] != ""
            assert r["ChargeCategory"] != "Usage" or r["CommitmentDiscountStatus"] in {"Used", "Unused"}
            assert (r["CommitmentDiscountQuantity"] == "") == (r["CommitmentDiscountUnit"] == "")
