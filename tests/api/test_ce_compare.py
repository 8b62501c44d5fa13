# SPDX-License-Identifier: MIT
"""Month against month through Cost Explorer (GetCostAndUsageComparisons,
GetCostComparisonDrivers), driven by the newest boto3 and aws CLI (Debian's
model predates them), compared with sums computed here from the two CUR
files the test writes: the second month costs more per service, adds an
EBS volume and a tax line."""

from collections import defaultdict
from decimal import Decimal

import pytest

from newest import PeerError, cli, peer  # noqa: F401 (fixture)
from test_ce import DAY, SERVICES, World, ce_service, month_after

D = Decimal


@pytest.fixture
def two(srv, new_account, tmp_path):
    w = World(srv, new_account, str(tmp_path), days_on=100)
    w.m1 = month_after(w.joined)
    w.m2 = month_after(w.m1)
    days1 = [w.m1 + i * DAY for i in range(10)]
    days2 = [w.m2 + i * DAY for i in range(10)]
    w.ingest(w.write(w.m1, days1, lambda d, i, k: D("%d.%03d" % (1 + i + k, d.day)), "m1.csv"))
    w.lines1 = w.lines
    w.ingest(w.write(w.m2, days2, lambda d, i, k: D("%d.%03d" % (2 + i + 2 * k, d.day)), "m2.csv",
                     extra=[(w.a1.id, "Tax", days2[0], "AmazonEC2", "", "", "", D("5.5"), D(0)),
                            (w.a2.id, "Usage", days2[1], "AmazonEC2", "USE1-EBS:VolumeUsage.gp3",
                             "CreateVolume-Gp3", "us-east-1", D("2.25"), D(100))]))
    w.lines2 = w.lines
    w.all = {w.a1.id, w.a2.id, w.b1.id, w.stray.id}
    return w


def month(m):
    return {"Start": m.isoformat(), "End": month_after(m).isoformat()}


def sums(lines, accounts, key):
    out = defaultdict(D)
    for line in lines:
        if line[0] in accounts:
            out[key(line)] += line[7]
    return out


def cmp_value(m):
    return {k: D(v) if k != "Unit" else v for k, v in m["UnblendedCost"].items()}


def want_value(b, c):
    return {"BaselineTimePeriodAmount": b, "ComparisonTimePeriodAmount": c,
            "Difference": c - b, "Unit": "USD"}


# AWS: GetCostAndUsageComparisons ValidationException ResourceNotFoundException
def test_comparisons_by_service_for_msp_and_customer(two, peer):
    w = two
    r = peer.call(w.srv, w.msp, "GetCostAndUsageComparisons", service="ce",
                  BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                  MetricForComparison="UnblendedCost",
                  GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
    b = sums(w.lines1, w.all, ce_service)
    c = sums(w.lines2, w.all, ce_service)
    got = {x["CostAndUsageSelector"]["Dimensions"]["Values"][0]: cmp_value(x["Metrics"])
           for x in r["CostAndUsageComparisons"]}
    assert got == {k: want_value(b[k], c[k]) for k in set(b) | set(c)}
    assert cmp_value(r["TotalCostAndUsage"]) == want_value(sum(b.values()), sum(c.values()))
    assert all(x["CostAndUsageSelector"]["Dimensions"]["Key"] == "SERVICE"
               for x in r["CostAndUsageComparisons"])
    # Two dimensions: an And of both; pages of 5.
    gb = [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}]
    seen, tok = {}, None
    while True:
        kw = {"NextPageToken": tok} if tok else {}
        r = peer.call(w.srv, w.msp, "GetCostAndUsageComparisons", service="ce",
                      BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                      MetricForComparison="UnblendedCost", GroupBy=gb, MaxResults=5, **kw)
        assert len(r["CostAndUsageComparisons"]) <= 5
        for x in r["CostAndUsageComparisons"]:
            acct, svc = (e["Dimensions"]["Values"][0] for e in x["CostAndUsageSelector"]["And"])
            seen[acct, svc] = cmp_value(x["Metrics"])
        tok = r.get("NextPageToken")
        if not tok:
            break
    key = lambda line: (line[0], ce_service(line))  # noqa: E731
    b, c = sums(w.lines1, w.all, key), sums(w.lines2, w.all, key)
    assert seen == {k: want_value(b[k], c[k]) for k in set(b) | set(c)}
    # A customer: its accounts at its prices (no rules: AWS's, no AWS tax).
    r = peer.call(w.srv, w.a1, "GetCostAndUsageComparisons", service="ce",
                  BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                  MetricForComparison="UnblendedCost")
    mine = {w.a1.id, w.a2.id}
    notax = [x for x in w.lines2 if x[1] != "Tax"]
    assert r["CostAndUsageComparisons"] == []
    assert cmp_value(r["TotalCostAndUsage"]) == want_value(
        sum(sums(w.lines1, mine, lambda x: 0).values()), sum(sums(notax, mine, lambda x: 0).values()))
    # The newest aws CLI.
    rc, out, err = cli(w.srv, w.msp, "ce", "get-cost-and-usage-comparisons",
                       "--baseline-time-period", "Start=%(Start)s,End=%(End)s" % month(w.m1),
                       "--comparison-time-period", "Start=%(Start)s,End=%(End)s" % month(w.m2),
                       "--metric-for-comparison", "UsageQuantity")
    assert rc == 0, err
    u1 = sum(x[8] for x in w.lines1)
    u2 = sum(x[8] for x in w.lines2)
    m = out["TotalCostAndUsage"]["UsageQuantity"]
    assert (D(m["BaselineTimePeriodAmount"]), D(m["ComparisonTimePeriodAmount"]), m["Unit"]) == \
        (u1, u2, "N/A")
    # Not a whole month; a billing view payerlink does not have.
    for kw, code in (({"BaselineTimePeriod": {"Start": w.m1.isoformat(),
                                              "End": (w.m1 + 10 * DAY).isoformat()}},
                      "ValidationException"),
                     ({"MetricForComparison": "Cost"}, "ValidationException"),
                     ({"BillingViewArn": "arn:aws:billing::%s:billingview/primary" % w.msp.id},
                      "ResourceNotFoundException")):
        body = {"BaselineTimePeriod": month(w.m1), "ComparisonTimePeriod": month(w.m2),
                "MetricForComparison": "UnblendedCost"}
        body.update(kw)
        with pytest.raises(PeerError) as e:
            peer.call(w.srv, w.msp, "GetCostAndUsageComparisons", service="ce", **body)
        assert e.value.code == code, kw


# AWS: GetCostComparisonDrivers
def test_cost_drivers_by_service_and_usage_type(two, peer):
    w = two
    r = peer.call(w.srv, w.msp, "GetCostComparisonDrivers", service="ce",
                  BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                  MetricForComparison="UnblendedCost")
    b = sums(w.lines1, w.all, ce_service)
    c = sums(w.lines2, w.all, ce_service)
    drivers = r["CostComparisonDrivers"]
    got = [(x["CostSelector"]["Dimensions"]["Values"][0], cmp_value(x["Metrics"]))
           for x in drivers]
    want = sorted(((k, want_value(b[k], c[k])) for k in set(b) | set(c) if b[k] != c[k]),
                  key=lambda kv: (-abs(kv[1]["Difference"]), kv[0]))
    assert got == want
    # Within EC2 - Other: the new EBS volume is the cause; within Tax, the tax.
    by = {x["CostSelector"]["Dimensions"]["Values"][0]: x["CostDrivers"] for x in drivers}
    assert [(d["Type"], d["Name"], cmp_value(d["Metrics"])) for d in by["EC2 - Other"]] == \
        [("USAGE_CHANGE", "USE1-EBS:VolumeUsage.gp3", want_value(D(0), D("2.25")))]
    assert [(d["Type"], d["Name"]) for d in by["Tax"]] == [("TAX", "Tax")]
    ub = sums(w.lines1, w.all, lambda x: x[4])
    uc = sums(w.lines2, w.all, lambda x: x[4])
    for code, ut, _, _ in SERVICES:
        name = ce_service((None, "Usage", None, code, ut))
        assert [(d["Name"], cmp_value(d["Metrics"])) for d in by[name]] == \
            [(ut, want_value(ub[ut], uc[ut]))]
    # Pages of one driver, biggest change first.
    r1 = peer.call(w.srv, w.msp, "GetCostComparisonDrivers", service="ce",
                   BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                   MetricForComparison="UnblendedCost", MaxResults=1)
    assert r1["CostComparisonDrivers"] == drivers[:1] and r1["NextPageToken"]
    r2 = peer.call(w.srv, w.msp, "GetCostComparisonDrivers", service="ce",
                   BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                   MetricForComparison="UnblendedCost", MaxResults=1,
                   NextPageToken=r1["NextPageToken"])
    assert r2["CostComparisonDrivers"] == drivers[1:2]
    # Grouped by account too: the selector is an And of SERVICE and it.
    r = peer.call(w.srv, w.b1, "GetCostComparisonDrivers", service="ce",
                  BaselineTimePeriod=month(w.m1), ComparisonTimePeriod=month(w.m2),
                  MetricForComparison="UnblendedCost",
                  GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    for x in r["CostComparisonDrivers"]:
        keys = {e["Dimensions"]["Key"]: e["Dimensions"]["Values"][0]
                for e in x["CostSelector"]["And"]}
        assert keys["LINKED_ACCOUNT"] == w.b1.id and "SERVICE" in keys
    assert len(r["CostComparisonDrivers"]) == 3     # customer B: its three services rose
