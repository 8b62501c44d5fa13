# SPDX-License-Identifier: MIT
"""The FOCUS 1.2 export (`payerlink export focus`, the portal's download):
every column FOCUS 1.2 defines, in its order, with its formats and allowed
values, and amounts that add up to what the test computes from the CUR it
wrote."""

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal

from test_ce import expected, world  # noqa: F401  (world is a fixture)

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
        # No commitment id is kept: every CommitmentDiscount* column is null.
        assert all(r[c] == "" for c in FOCUS_1_2 if c.startswith("CommitmentDiscount"))
        billed[r["SubAccountId"]] += Decimal(r["BilledCost"])
    assert dict(billed) == dict(expected(w, {w.a1.id, w.a2.id}, by=lambda l: l[0], customer=True))
