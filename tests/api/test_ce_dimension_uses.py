# SPDX-License-Identifier: MIT
"""Which dimensions each Cost Explorer operation takes, as AWS takes them
(docs/billing.md "Which dimension where"), beyond GetCostAndUsage's own
(test_ce_commitments.py): GetCostAndUsageComparisons and
GetCostComparisonDrivers group by what GetCostAndUsage groups by (TAG,
COST_CATEGORY and dimensions; "any Cost Explorer dimension", AWS's user
guide) and filter as it does; GetCostForecast and GetUsageForecast filter
by the dimensions GetCostForecast's API reference lists (SUBSCRIPTION_ID
among them). A dimension taken gives the numbers this test computes from
the CUR lines it writes; one refused gives AWS's code and message. With
boto3 and the aws CLI (the newest model's for the comparisons, which
Debian's predates; Debian's for the forecasts)."""

import csv
import json
import os
from collections import defaultdict
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of
from newest import PeerError, cli, peer  # noqa: F401 (fixture)
from test_ce import DAY, World, month_after, today
from test_ce_compare import cmp_value as metric, month, want_value as change
from test_ce_commitments import GROUP_INVALID, message_of
from test_ce_tags import write_bill

D = Decimal
NOT_ALLOWED = "Dimension %s is not allowed."
NOT_KEPT = "Dimension %s is not kept in payerlink's rollups"
SERVICE_NAMES = {"AmazonEC2": "Amazon Elastic Compute Cloud - Compute",
                 "AmazonRDS": "Amazon Relational Database Service",
                 "AmazonS3": "Amazon Simple Storage Service"}


def read_bill(path):
    """The lines of a bill test_ce_tags.write_bill wrote (legacy CUR), as
    Cost Explorer names their values."""
    out = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out.append({
                "account": r["lineItem/UsageAccountId"],
                "cost": D(r["lineItem/UnblendedCost"]),
                "SERVICE": SERVICE_NAMES[r["lineItem/ProductCode"]],
                "USAGE_TYPE": r["lineItem/UsageType"],
                "AZ": r["lineItem/AvailabilityZone"] or "NoAZ",
                "PLATFORM": {"Linux": "Linux/UNIX", "": "NoPlatform"}.get(
                    r["product/operatingSystem"], r["product/operatingSystem"]),
                "Owner": r["resourceTags/user:Owner"],
                "Team": r["costCategory/Team"]})
    return out


def sums(lines, key):
    out = defaultdict(D)
    for line in lines:
        out[key(line)] += line["cost"]
    return out


def leaf(sel):
    """(kind, key, value) of a Dimensions, Tags or CostCategories leaf."""
    (kind, v), = sel.items()
    return kind, v["Key"], v["Values"][0]


@pytest.fixture
def months(srv, new_account, tmp_path):
    """The tagged bill of test_ce_tags in two months: 5 days, then 8."""
    w = World(srv, new_account, str(tmp_path), days_on=100)
    w.m1 = month_after(w.joined)
    w.m2 = month_after(w.m1)
    w.lines = {}
    for m, n in ((w.m1, 5), (w.m2, 8)):
        w.month, w.days = m, [m + i * DAY for i in range(n)]
        path = write_bill(w, str(tmp_path / ("bill-%s.csv" % m)), "legacy")
        w.ingest(path)
        w.lines[m] = read_bill(path)
    return w


def cmp_call(w, peer, op, **kw):
    """boto3 (newest model)'s op comparing w.m1 and w.m2 as the MSP."""
    return peer.call(w.srv, w.msp, op, service="ce", BaselineTimePeriod=month(w.m1),
                     ComparisonTimePeriod=month(w.m2), MetricForComparison="UnblendedCost", **kw)


def comparisons(w, peer, **kw):
    """Every page of GetCostAndUsageComparisons as the MSP sees it:
    {selector leaves: metrics}, and the total."""
    got, tok = {}, None
    while True:
        r = cmp_call(w, peer, "GetCostAndUsageComparisons", MaxResults=5, **kw,
                     **({"NextPageToken": tok} if tok else {}))
        for x in r["CostAndUsageComparisons"]:
            sel = x["CostAndUsageSelector"]
            key = tuple(leaf(s) for s in sel["And"]) if "And" in sel else (leaf(sel),)
            got[key] = metric(x["Metrics"])
        tok = r.get("NextPageToken")
        if not tok:
            return got, metric(r["TotalCostAndUsage"])


def want(w, *keys, lines=None):
    """{selector leaves: change} of the lines (both months) grouped by
    keys, each (kind, name) as the selector names it."""
    def key(line):
        return tuple((kind, name, line[name]) for kind, name in keys)
    b = sums(lines[0] if lines else w.lines[w.m1], key)
    c = sums(lines[1] if lines else w.lines[w.m2], key)
    return {k: change(b[k], c[k]) for k in set(b) | set(c)}


def cmp_cli(w, op, *args):
    """The newest aws CLI's comparison op of w.m1 and w.m2 as the MSP."""
    return cli(w.srv, w.msp, "ce", op,
               "--baseline-time-period", "Start=%(Start)s,End=%(End)s" % month(w.m1),
               "--comparison-time-period", "Start=%(Start)s,End=%(End)s" % month(w.m2),
               "--metric-for-comparison", "UnblendedCost", *args)


def refused(call, cases):
    """Each (kwargs, message) is ValidationException with that message."""
    for kw, msg in cases:
        with pytest.raises((PeerError, ClientError)) as e:
            call(**kw)
        if e.type is PeerError:
            got = (e.value.code, e.value.message)
        else:
            got = (error_of(e)[0], message_of(e))
        assert got == ("ValidationException", msg), kw


# AWS: GetCostAndUsageComparisons ValidationException
def test_comparisons_group_by_tags_cost_categories_and_dimensions(months, peer):
    w = months
    # A tag: one selector per value, untagged lines under "".
    got, total = comparisons(w, peer, GroupBy=[{"Type": "TAG", "Key": "Owner"}])
    assert got == want(w, ("Tags", "Owner"))
    assert ("Tags", "Owner", "") in {k[0] for k in got}
    all1, all2 = (sum(x["cost"] for x in w.lines[m]) for m in (w.m1, w.m2))
    assert total == change(all1, all2)
    # A selector is an Expression: as a Filter it keeps its group's lines.
    untagged = cmp_call(w, peer, "GetCostAndUsageComparisons",
                        Filter={"Tags": {"Key": "Owner", "Values": [""]}})
    assert metric(untagged["TotalCostAndUsage"]) == got[(("Tags", "Owner", ""),)]
    # A cost category and a dimension the old check knew nothing of.
    got, _ = comparisons(w, peer, GroupBy=[{"Type": "COST_CATEGORY", "Key": "Team"},
                                           {"Type": "DIMENSION", "Key": "PLATFORM"}])
    assert got == want(w, ("CostCategories", "Team"), ("Dimensions", "PLATFORM"))
    # Filtered by a tag, grouped by AZ.
    got, _ = comparisons(w, peer, GroupBy=[{"Type": "DIMENSION", "Key": "AZ"}],
                         Filter={"Tags": {"Key": "Owner", "Values": ["alice"]}})
    alice = [[x for x in w.lines[m] if x["Owner"] == "alice"] for m in (w.m1, w.m2)]
    assert got == want(w, ("Dimensions", "AZ"), lines=alice)
    # The newest aws CLI.
    rc, out, err = cmp_cli(w, "get-cost-and-usage-comparisons",
                           "--group-by", "Type=COST_CATEGORY,Key=Team")
    assert rc == 0, err
    assert {leaf(x["CostAndUsageSelector"]): metric(x["Metrics"])
            for x in out["CostAndUsageComparisons"]} == \
        {k[0]: v for k, v in want(w, ("CostCategories", "Team")).items()}
    # What GetCostAndUsage refuses, refused alike.
    refused(lambda **kw: cmp_call(w, peer, "GetCostAndUsageComparisons", **kw),
            COMMON_REFUSALS)
    rc, out, err = cmp_cli(w, "get-cost-and-usage-comparisons",
                           "--group-by", "Type=DIMENSION,Key=RESOURCE_ID")
    assert rc != 0 and "ValidationException" in err and GROUP_INVALID in err, err


COMMON_REFUSALS = (
    ({"GroupBy": [{"Type": "DIMENSION", "Key": "RESOURCE_ID"}]}, GROUP_INVALID),
    ({"GroupBy": [{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}]}, GROUP_INVALID),
    ({"GroupBy": [{"Type": "DIMENSION", "Key": "DEPLOYMENT_OPTION"}]},
     NOT_KEPT % "DEPLOYMENT_OPTION"),
    ({"Filter": {"Dimensions": {"Key": "SUBSCRIPTION_ID", "Values": ["ri-1"]}}},
     NOT_ALLOWED % "SUBSCRIPTION_ID"),
    ({"Filter": {"Not": {"Dimensions": {"Key": "RESOURCE_ID", "Values": ["i-1"]}}}},
     NOT_ALLOWED % "RESOURCE_ID"),
    ({"GroupBy": [{"Type": "TAG", "Key": "Owner"}, {"Type": "TAG", "Key": "Environment"},
                  {"Type": "DIMENSION", "Key": "AZ"}]}, "GroupBy: at most 2 groups"))


# AWS: GetCostComparisonDrivers ValidationException
def test_cost_drivers_by_service_and_a_tag(months, peer):
    """GroupBy TAG: each driver's selector is SERVICE and the tag's value
    (AWS adds SERVICE and USAGE_TYPE itself), its causes the usage types
    that changed within it."""
    w = months
    drivers, tok = [], None
    while True:
        r = cmp_call(w, peer, "GetCostComparisonDrivers",
                     GroupBy=[{"Type": "TAG", "Key": "Owner"}],
                     **({"NextPageToken": tok} if tok else {}))
        assert len(r["CostComparisonDrivers"]) <= 10
        drivers += r["CostComparisonDrivers"]
        tok = r.get("NextPageToken")
        if not tok:
            break
    got = {tuple(leaf(s) for s in x["CostSelector"]["And"]): metric(x["Metrics"])
           for x in drivers}
    assert got == {k: v for k, v in want(w, ("Dimensions", "SERVICE"), ("Tags", "Owner")).items()
                   if v["Difference"] != 0}
    assert len(got) > 10                # more than one page
    diffs = [abs(metric(x["Metrics"])["Difference"]) for x in drivers]
    assert diffs == sorted(diffs, reverse=True)
    for x in drivers:
        (_, _, svc), (_, _, owner) = (leaf(s) for s in x["CostSelector"]["And"])
        mine = [[y for y in w.lines[m] if (y["SERVICE"], y["Owner"]) == (svc, owner)]
                for m in (w.m1, w.m2)]
        causes = {(d["Type"], d["Name"]): metric(d["Metrics"]) for d in x["CostDrivers"]}
        assert causes == {("USAGE_CHANGE", k[0][2]): v
                          for k, v in want(w, ("Dimensions", "USAGE_TYPE"), lines=mine).items()
                          if v["Difference"] != 0}
    # The newest aws CLI: a cost category.
    rc, out, err = cmp_cli(w, "get-cost-comparison-drivers",
                           "--group-by", "Type=COST_CATEGORY,Key=Team")
    assert rc == 0, err
    got = {tuple(leaf(s) for s in x["CostSelector"]["And"]): metric(x["Metrics"])
           for x in out["CostComparisonDrivers"]}
    assert got == {k: v for k, v in want(w, ("Dimensions", "SERVICE"),
                                         ("CostCategories", "Team")).items()
                   if v["Difference"] != 0}
    refused(lambda **kw: cmp_call(w, peer, "GetCostComparisonDrivers", **kw),
            COMMON_REFUSALS)
    rc, out, err = cmp_cli(w, "get-cost-comparison-drivers", "--filter", json.dumps(
        {"Dimensions": {"Key": "SUBSCRIPTION_ID", "Values": ["x"]}}))
    assert rc != 0 and "ValidationException" in err and \
        NOT_ALLOWED % "SUBSCRIPTION_ID" in err, err


# ---- Forecasts --------------------------------------------------------------

FHDR = ["bill_payer_account_id", "bill_billing_period_start_date", "line_item_usage_account_id",
        "line_item_line_item_type", "line_item_usage_start_date", "line_item_product_code",
        "line_item_usage_type", "line_item_operation", "product_region_code", "pricing_term",
        "line_item_currency_code", "line_item_unblended_cost", "line_item_usage_amount",
        "reservation_reservation_a_r_n", "line_item_legal_entity"]
US, EU = "Amazon Web Services, Inc.", "AWS EMEA SARL"


@pytest.fixture
def history(srv, new_account, tmp_path):
    """The 30 days before today: a reservation of a1 whose fee is 4 + t on
    day t (24 hours a day), S3 of a2 at 3 a day (AWS EMEA SARL), EC2 of b1
    at 2 a day."""
    w = World(srv, new_account, str(tmp_path), days_on=40)
    w.now = today(srv)
    hist = [w.now - (30 - t) * DAY for t in range(30)]
    w.ri = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-fc" % w.a1.id
    w.rows = []
    for t, d in enumerate(hist):
        w.rows += [(w.a1.id, "RIFee", d, "AmazonEC2", "HeavyUsage:m5.large", "Reserved",
                    D(4 + t), D(24), w.ri, US),
                   (w.a2.id, "Usage", d, "AmazonS3", "TimedStorage-ByteHrs", "OnDemand",
                    D(3), D(5), "", EU),
                   (w.b1.id, "Usage", d, "AmazonEC2", "BoxUsage:m5.large", "OnDemand",
                    D(2), D(1), "", US)]
    by_month = defaultdict(list)
    for r in w.rows:
        by_month[r[2].replace(day=1)].append(r)
    for m, rows in sorted(by_month.items()):
        path = os.path.join(str(tmp_path), "f-%s.csv" % m)
        with open(path, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(FHDR)
            for acct, lit, d, prod, ut, term, cost, usage, arn, legal in rows:
                out.writerow([w.msp.id, m.isoformat() + "T00:00:00Z", acct, lit,
                              d.isoformat() + "T00:00:00Z", prod, ut, "RunInstances",
                              "us-east-1", term, "USD", cost, usage, arn, legal])
        w.ingest(path)
    w.period = {"Start": w.now.isoformat(), "End": (w.now + 5 * DAY).isoformat()}
    return w


def means(r):
    return [D(x["MeanValue"]) for x in r["ForecastResultsByTime"]]


def close(got, want):
    return len(got) == len(want) and all(abs(g - x) < D("0.00001") for g, x in zip(got, want))


FORECAST_REFUSED = ("INVOICING_ENTITY", "PAYER_ACCOUNT", "SAVINGS_PLANS_TYPE", "CACHE_ENGINE",
                    "RESOURCE_ID", "LINKED_ACCOUNT_NAME")
FORECAST_NOT_KEPT = ("SCOPE", "USAGE_TYPE_GROUP", "DEPLOYMENT_OPTION")


# AWS: GetCostForecast ValidationException
def test_cost_forecast_filters_by_subscription_id_as_its_reference_says(history):
    """SUBSCRIPTION_ID (the reservation's id, as in
    GetReservationUtilization) and RESERVATION_ID keep the reservation's
    fee line: 4 + t, continued; LEGAL_ENTITY_NAME the EMEA lines: 3 a day.
    What GetCostForecast's list lacks is refused."""
    w = history
    c = client(w.srv, w.msp, service="ce")
    line = [D(4 + 30 + j) for j in range(5)]
    for key in ("SUBSCRIPTION_ID", "RESERVATION_ID"):
        r = c.get_cost_forecast(TimePeriod=w.period, Metric="UNBLENDED_COST",
                                Granularity="DAILY",
                                Filter={"Dimensions": {"Key": key, "Values": ["ri-fc"]}})
        assert close(means(r), line), (key, means(r))
    r = c.get_cost_forecast(TimePeriod=w.period, Metric="UNBLENDED_COST", Granularity="DAILY",
                            Filter={"Dimensions": {"Key": "LEGAL_ENTITY_NAME", "Values": [EU]}})
    assert close(means(r), [D(3)] * 5)
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-forecast", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % w.period, "--metric", "UNBLENDED_COST",
                       "--granularity", "DAILY", "--filter", json.dumps(
                           {"Dimensions": {"Key": "SUBSCRIPTION_ID", "Values": ["ri-fc"]}}))
    assert rc == 0, err
    assert abs(D(out["Total"]["Amount"]) - sum(line)) < D("0.0001")
    refused(lambda **kw: c.get_cost_forecast(TimePeriod=w.period, Metric="UNBLENDED_COST",
                                             Granularity="DAILY", **kw),
            [({"Filter": {"Dimensions": {"Key": k, "Values": ["x"]}}}, NOT_ALLOWED % k)
             for k in FORECAST_REFUSED] +
            [({"Filter": {"Dimensions": {"Key": k, "Values": ["x"]}}}, NOT_KEPT % k)
             for k in FORECAST_NOT_KEPT])
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-forecast", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % w.period, "--metric", "UNBLENDED_COST",
                       "--granularity", "DAILY", "--filter", json.dumps(
                           {"Dimensions": {"Key": "INVOICING_ENTITY", "Values": ["x"]}}))
    assert rc != 0 and "ValidationException" in err and \
        NOT_ALLOWED % "INVOICING_ENTITY" in err, err


# AWS: GetUsageForecast ValidationException
def test_usage_forecast_filters_as_the_cost_forecast(history):
    """The reservation's 24 hours a day, by SUBSCRIPTION_ID and its usage
    type; the same refusals."""
    w = history
    c = client(w.srv, w.msp, service="ce")

    def f(k, v):
        return {"And": [{"Dimensions": {"Key": "USAGE_TYPE", "Values": ["HeavyUsage:m5.large"]}},
                        {"Dimensions": {"Key": k, "Values": [v]}}]}
    r = c.get_usage_forecast(TimePeriod=w.period, Metric="USAGE_QUANTITY", Granularity="DAILY",
                             Filter=f("SUBSCRIPTION_ID", "ri-fc"))
    assert close(means(r), [D(24)] * 5)
    rc, out, err = aws(w.srv, w.msp, "ce", "get-usage-forecast", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % w.period, "--metric", "USAGE_QUANTITY",
                       "--granularity", "DAILY", "--filter",
                       json.dumps(f("SUBSCRIPTION_ID", "ri-fc")))
    assert rc == 0, err
    assert abs(D(out["Total"]["Amount"]) - 5 * 24) < D("0.0001")
    refused(lambda **kw: c.get_usage_forecast(TimePeriod=w.period, Metric="USAGE_QUANTITY",
                                              Granularity="DAILY", **kw),
            [({"Filter": f(k, "x")}, NOT_ALLOWED % k) for k in FORECAST_REFUSED] +
            [({"Filter": f(k, "x")}, NOT_KEPT % k) for k in FORECAST_NOT_KEPT])
    rc, out, err = aws(w.srv, w.msp, "ce", "get-usage-forecast", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % w.period, "--metric", "USAGE_QUANTITY",
                       "--granularity", "DAILY", "--filter", json.dumps(f("PAYER_ACCOUNT", "x")))
    assert rc != 0 and "ValidationException" in err and NOT_ALLOWED % "PAYER_ACCOUNT" in err, err
