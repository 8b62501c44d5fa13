# SPDX-License-Identifier: MIT
"""Reservations and Savings Plans through Cost Explorer
(GetReservationUtilization, GetReservationCoverage,
GetSavingsPlansUtilization, GetSavingsPlansCoverage) with boto3 and the aws
CLI, compared with figures computed here from the CUR the test writes: a
Reserved Instance of account a1 (customer A) used 8 of its 10 days, a
Savings Plan of account a2 (customer A) used 1.20 of its 1.44 a day, one
of the stray account (no customer's) used 0.24 of its 0.48 a day for 5
days, and every account's on-demand m5.large hours (test_ce.World)."""

import datetime
import os
import re
import subprocess
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, Server, aws, client, drop_db, error_of, new_db, sql
from test_ce import DAY, World, month_after, today

HDR = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
       "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
       "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
       "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
       "pricing_public_on_demand_cost,reservation_reservation_a_r_n,reservation_effective_cost,"
       "reservation_unused_amortized_upfront_fee_for_billing_period,"
       "reservation_unused_recurring_fee,savings_plan_savings_plan_effective_cost,"
       "savings_plan_total_commitment_to_date,savings_plan_used_commitment,"
       "savings_plan_savings_plan_a_r_n\n")
D = Decimal
RI_OD, RI_FEE, RI_UPFRONT = D("0.096"), D("0.06"), D("0.02")   # per hour
SP_OD, SP_RATE, SP_COMMIT = D("0.085"), D("0.05"), D("0.06")
SP2_RATE, SP2_COMMIT = D("0.01"), D("0.02")


class Commitments(World):
    def write_cur(self):
        """Usage of every account (World), then the RI and the SP lines.
        Each line: (account, type, day, product, usage type, term, cost,
        usage, public on-demand, ri arn, ri effective, ri unused upfront,
        ri unused fee, sp effective, sp total, sp used, sp arn)."""
        self.rows = []
        for d in self.days:
            for i, acct in enumerate((self.a1.id, self.a2.id, self.b1.id, self.stray.id)):
                c = D("%d.%03d" % (1 + i, d.day))
                self.rows.append((acct, "Usage", d, "AmazonEC2", "BoxUsage:m5.large", "OnDemand",
                                  c, D(1), c, "", "", "", "", "", "", "", ""))
                self.rows.append((acct, "Usage", d, "AmazonS3", "TimedStorage-ByteHrs", "OnDemand",
                                  D("0.5"), D(3), D("0.5"), "", "", "", "", "", "", "", ""))
            # An RDS instance on demand: AWS's reservation reports read
            # EC2 unless the Filter names another SERVICE.
            self.rows.append((self.b1.id, "Usage", d, "AmazonRDS", "InstanceUsage:db.m5.large",
                              "OnDemand", D("0.2"), D(1), D("0.2"), "", "", "", "", "", "", "", ""))
        arn = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-test" % self.a1.id
        purchased, used_days = 240, 8
        unused = purchased - used_days * 24
        # The month's RIFee on the first day: 240 reserved hours.
        self.rows.append((self.a1.id, "RIFee", self.days[0], "AmazonEC2", "HeavyUsage:m5.large",
                          "Reserved", purchased * RI_FEE, D(purchased), D(0), arn, "",
                          unused * RI_UPFRONT, unused * RI_FEE, "", "", "", ""))
        for d in self.days[:used_days]:
            self.rows.append((self.a1.id, "DiscountedUsage", d, "AmazonEC2", "BoxUsage:m5.large",
                              "Reserved", D(0), D(24), 24 * RI_OD, arn,
                              24 * (RI_FEE + RI_UPFRONT), "", "", "", "", "", ""))
        self.sp_arn = "arn:aws:savingsplans::%s:savingsplan/sp-test-a2" % self.a2.id
        self.sp2_arn = "arn:aws:savingsplans::%s:savingsplan/sp-test-stray" % self.stray.id
        for acct, arn, rate, commit, days in (
                (self.a2.id, self.sp_arn, SP_RATE, SP_COMMIT, self.days),
                (self.stray.id, self.sp2_arn, SP2_RATE, SP2_COMMIT, self.days[:5])):
            for d in days:
                self.rows.append((acct, "SavingsPlanCoveredUsage", d, "AmazonEC2",
                                  "BoxUsage:c5.large", "OnDemand", 24 * SP_OD, D(24), 24 * SP_OD,
                                  "", "", "", "", 24 * rate, "", "", arn))
                self.rows.append((acct, "SavingsPlanNegation", d, "AmazonEC2",
                                  "BoxUsage:c5.large", "OnDemand", -24 * SP_OD, D(0), D(0),
                                  "", "", "", "", "", "", "", arn))
                self.rows.append((acct, "SavingsPlanRecurringFee", d, "ComputeSavingsPlans",
                                  "ComputeSP:1yrNoUpfront", "", 24 * commit, D(24), D(0),
                                  "", "", "", "", "", 24 * commit, 24 * rate, arn))
        path = os.path.join(self.tmp, "commit.csv")
        with open(path, "w") as f:
            f.write(HDR)
            for r in self.rows:
                acct, lit, d, prod, ut, term = r[:6]
                f.write("%s,%sT00:00:00Z,%s,%s,%sT00:00:00Z,%s,%s,RunInstances,us-east-1,%s,USD,"
                        % (self.msp.id, self.month.isoformat(), acct, lit, d.isoformat(), prod,
                           ut, term))
                f.write(",".join(str(x) for x in r[6:]) + "\n")
        self.ingest(path)

    def sums(self, accounts, days=None, sp_arn=None):
        """The figures Cost Explorer should give, from the rows written
        (of one Savings Plan's lines with sp_arn)."""
        s = {k: D(0) for k in ("purchased", "used_h", "od_used", "used_cost", "unused_cost",
                               "recurring", "sp_used", "sp_unused", "sp_recurring", "sp_od",
                               "od_h", "od_cost")}
        for r in self.rows:
            acct, lit, d, prod, ut = r[:5]
            cost, usage, pub = r[6], r[7], r[8]
            if acct not in accounts or (sp_arn is not None and r[16] != sp_arn):
                continue
            if lit == "RIFee":
                # Spread over the 10 days its 240 hours cover.
                share = D(1) if days is None else D(len([x for x in days if x in self.days])) / 10
                s["purchased"] += usage * share
                s["recurring"] += cost * share
                s["unused_cost"] += (r[11] + r[12]) * share
                continue
            if days is not None and d not in days:
                continue
            if lit == "DiscountedUsage":
                s["used_h"] += usage
                s["od_used"] += pub
                s["used_cost"] += r[10]
            elif lit == "SavingsPlanCoveredUsage":
                s["sp_used"] += r[13]
                s["sp_od"] += pub
            elif lit == "SavingsPlanRecurringFee":
                s["sp_recurring"] += cost
                s["sp_unused"] += r[14] - r[15]
            elif lit == "Usage" and ut.startswith("BoxUsage"):
                s["od_h"] += usage
                s["od_cost"] += cost
        return s


@pytest.fixture
def cw(srv, new_account, tmp_path):
    w = Commitments(srv, new_account, str(tmp_path))
    w.joined = today(srv)
    srv.advance(70 * 86400)
    w.month = month_after(w.joined)
    w.days = [w.month + i * DAY for i in range(10)]
    w.write_cur()
    w.all = {w.a1.id, w.a2.id, w.b1.id, w.stray.id}
    return w


def tp(w, n=10, first=0):
    return {"Start": w.days[first].isoformat(), "End": (w.days[first] + n * DAY).isoformat()}


def pct(a, b):
    return (a * 100 / b).quantize(D("0.000001"), rounding="ROUND_DOWN") if b else D(0)


def dec(d):
    """Every string of a response as a Decimal where it is one."""
    if isinstance(d, dict):
        return {k: dec(v) for k, v in d.items()}
    if isinstance(d, list):
        return [dec(v) for v in d]
    try:
        return D(d)
    except Exception:
        return d


def ri_want(s):
    fee = s["used_cost"] + s["unused_cost"]
    unused_h = s["purchased"] - s["used_h"]
    unreal = s["od_used"] * unused_h / s["used_h"] if s["used_h"] else D(0)
    return {"UtilizationPercentage": pct(s["used_h"], s["purchased"]),
            "PurchasedHours": s["purchased"], "TotalActualHours": s["used_h"],
            "UnusedHours": unused_h, "OnDemandCostOfRIHoursUsed": s["od_used"],
            "NetRISavings": s["od_used"] - fee, "TotalPotentialRISavings": s["od_used"] - fee + unreal,
            "AmortizedUpfrontFee": fee - s["recurring"], "AmortizedRecurringFee": s["recurring"],
            "TotalAmortizedFee": fee, "RICostForUnusedHours": s["unused_cost"],
            "RealizedSavings": s["od_used"] - s["used_cost"], "UnrealizedSavings": unreal}


# AWS: GetReservationUtilization ValidationException
def test_reservation_utilization_with_the_aws_cli(cw):
    w = cw
    rc, out, err = aws(w.srv, w.msp, "ce", "get-reservation-utilization", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "MONTHLY")
    assert rc == 0, err
    want = ri_want(w.sums(w.all))
    assert dec(out["Total"]) == want
    assert want["UtilizationPercentage"] == 80 and want["UnusedHours"] == 48
    assert dec(out["UtilizationsByTime"][0]["Total"]) == want
    # DAILY: the month's fee is spread over the 10 days its hours cover;
    # the last two days' reserved hours went unused.
    c = client(w.srv, w.msp, service="ce")
    r = c.get_reservation_utilization(TimePeriod=tp(w), Granularity="DAILY")
    days = r["UtilizationsByTime"]
    assert len(days) == 10
    for i, d in enumerate(days):
        assert dec(d["Total"]) == ri_want(w.sums(w.all, days=[w.days[i]])), i
    assert [D(d["Total"]["UtilizationPercentage"]) for d in days] == [100] * 8 + [0] * 2
    # A window inside the month still gets its days' share of the fee.
    r = c.get_reservation_utilization(TimePeriod=tp(w, n=3, first=7), Granularity="MONTHLY")
    assert dec(r["Total"]) == ri_want(w.sums(w.all, days=w.days[7:10]))
    # A customer sees its accounts' reservation at its prices (no rules:
    # what AWS's amortized cost is).
    ca = client(w.srv, w.a2, service="ce")
    r = ca.get_reservation_utilization(TimePeriod=tp(w))
    got = dec(r["Total"])
    assert got["PurchasedHours"] == 240 and got["TotalActualHours"] == 192
    assert got["TotalAmortizedFee"] == want["TotalAmortizedFee"]
    cb = client(w.srv, w.b1, service="ce")
    assert D(cb.get_reservation_utilization(TimePeriod=tp(w))["Total"]["PurchasedHours"]) == 0
    for bad in ({"Granularity": "HOURLY"},
                {"GroupBy": [{"Type": "DIMENSION", "Key": "REGION"}]},
                {"GroupBy": [{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}],
                 "Granularity": "DAILY"}):
        with pytest.raises(ClientError) as e:
            c.get_reservation_utilization(TimePeriod=tp(w), **bad)
        assert error_of(e)[0] == "ValidationException", bad


# AWS: GetReservationCoverage ValidationException InvalidNextTokenException RequestChangedException
def test_reservation_coverage_grouped_and_paged(cw):
    w = cw
    c = client(w.srv, w.msp, service="ce")
    r = c.get_reservation_coverage(TimePeriod=tp(w), Granularity="MONTHLY")
    s = w.sums(w.all)
    total = r["Total"]
    assert dec(total["CoverageHours"]) == {
        "OnDemandHours": s["od_h"], "ReservedHours": s["used_h"],
        "TotalRunningHours": s["od_h"] + s["used_h"],
        "CoverageHoursPercentage": pct(s["used_h"], s["od_h"] + s["used_h"])}
    assert D(total["CoverageCost"]["OnDemandCost"]) == s["od_cost"]
    # Grouped by account: one group per account with instance hours.
    gb = [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]
    r = c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb, Metrics=["Hour"])
    groups = r["CoveragesByTime"][0]["Groups"]
    got = {g["Attributes"]["LINKED_ACCOUNT"]: dec(g["Coverage"]["CoverageHours"]) for g in groups}
    assert set(got) == w.all
    for a in w.all:
        sa = w.sums({a})
        assert got[a]["ReservedHours"] == sa["used_h"] and got[a]["OnDemandHours"] == sa["od_h"]
    assert "CoverageCost" not in groups[0]["Coverage"]
    # Pages of 3 groups, the last page without a token.
    seen, tok = [], None
    while True:
        kw = {"NextPageToken": tok} if tok else {}
        r = c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb, MaxResults=3, **kw)
        seen += [g["Attributes"]["LINKED_ACCOUNT"] for x in r["CoveragesByTime"]
                 for g in x["Groups"]]
        tok = r.get("NextPageToken")
        if not tok:
            break
    assert sorted(seen) == sorted(w.all)
    r = c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb, MaxResults=3)
    with pytest.raises(ClientError) as e:
        c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb, MaxResults=2,
                                   NextPageToken=r["NextPageToken"])
    assert error_of(e)[0] == "RequestChangedException"
    with pytest.raises(ClientError) as e:
        c.get_reservation_coverage(TimePeriod=tp(w), NextPageToken="garbage")
    assert error_of(e)[0] == "InvalidNextTokenException"
    for bad in ({"GroupBy": gb, "Granularity": "DAILY"}, {"Metrics": ["Unit"]},
                {"GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}):
        with pytest.raises(ClientError) as e:
            c.get_reservation_coverage(TimePeriod=tp(w), **bad)
        assert error_of(e)[0] == "ValidationException", bad
    # RDS instead of EC2's default: its 10 hours on demand, none reserved.
    r = c.get_reservation_coverage(TimePeriod=tp(w), Filter={"Dimensions": {
        "Key": "SERVICE", "Values": ["Amazon Relational Database Service"]}})
    assert dec(r["Total"]["CoverageHours"])["OnDemandHours"] == 10
    assert dec(r["Total"]["CoverageHours"])["ReservedHours"] == 0
    # SortBy: the groups by on-demand cost, largest first.
    r = c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb,
                                   SortBy={"Key": "OnDemandCost", "SortOrder": "DESCENDING"})
    order = [g["Attributes"]["LINKED_ACCOUNT"] for g in r["CoveragesByTime"][0]["Groups"]]
    assert order == sorted(w.all, key=lambda a: -w.sums({a})["od_cost"])
    with pytest.raises(ClientError) as e:
        c.get_reservation_coverage(TimePeriod=tp(w), SortBy={"Key": "NetSavings"})
    assert error_of(e)[0] == "ValidationException"
    # A customer: only its accounts.
    ca = client(w.srv, w.a1, service="ce")
    r = ca.get_reservation_coverage(TimePeriod=tp(w), GroupBy=gb)
    assert {g["Attributes"]["LINKED_ACCOUNT"] for g in r["CoveragesByTime"][0]["Groups"]} == \
        {w.a1.id, w.a2.id}


# AWS: GetReservationUtilization ValidationException
def test_reservation_utilization_by_subscription(cw):
    """GroupBy SUBSCRIPTION_ID: one group per reservation (its id, the
    last part of its ARN), with what its lines say of it and its own
    figures; the lines of no reservation are no group."""
    w = cw
    arn = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-test" % w.a1.id
    rc, out, err = aws(w.srv, w.msp, "ce", "get-reservation-utilization", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w),
                       "--group-by", "Type=DIMENSION,Key=SUBSCRIPTION_ID")
    assert rc == 0, err
    want = ri_want(w.sums(w.all))
    [period] = out["UtilizationsByTime"]
    assert period["TimePeriod"] == tp(w)
    [g] = period["Groups"]
    assert (g["Key"], g["Value"]) == ("SUBSCRIPTION_ID", "ri-test")
    assert g["Attributes"]["reservationARN"] == arn
    assert g["Attributes"]["leaseId"] == "ri-test"
    assert g["Attributes"]["accountId"] == w.a1.id
    assert g["Attributes"]["instanceType"] == "m5.large"
    assert g["Attributes"]["region"] == "us-east-1"
    assert dec(g["Utilization"]) == want and dec(out["Total"]) == want
    # boto3, a window of days 7..9: the group's share of the fee.
    c = client(w.srv, w.msp, service="ce")
    r = c.get_reservation_utilization(TimePeriod=tp(w, n=3, first=7),
                                      GroupBy=[{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}])
    [g] = r["UtilizationsByTime"][0]["Groups"]
    assert dec(g["Utilization"]) == ri_want(w.sums(w.all, days=w.days[7:10]))
    # A customer without the reservation has no group.
    cb = client(w.srv, w.b1, service="ce")
    r = cb.get_reservation_utilization(TimePeriod=tp(w), GroupBy=[
        {"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}])
    assert r["UtilizationsByTime"][0]["Groups"] == []


def sp_want(s):
    total = s["sp_used"] + s["sp_unused"]
    return {"Utilization": {"TotalCommitment": total, "UsedCommitment": s["sp_used"],
                            "UnusedCommitment": s["sp_unused"],
                            "UtilizationPercentage": pct(s["sp_used"], total)},
            "Savings": {"NetSavings": s["sp_od"] - total, "OnDemandCostEquivalent": s["sp_od"]},
            "AmortizedCommitment": {"AmortizedRecurringCommitment": s["sp_recurring"],
                                    "AmortizedUpfrontCommitment": total - s["sp_recurring"],
                                    "TotalAmortizedCommitment": total}}


# AWS: GetSavingsPlansUtilization GetSavingsPlansCoverage ValidationException
def test_savings_plans_utilization_and_coverage(cw):
    w = cw
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-utilization", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "DAILY")
    assert rc == 0, err
    want = sp_want(w.sums(w.all))
    assert dec(out["Total"]) == want
    assert want["Utilization"]["TotalCommitment"] == D("14.4") + D("2.4")
    assert want["Utilization"]["UsedCommitment"] == 12 + D("1.2")
    days = out["SavingsPlansUtilizationsByTime"]
    assert len(days) == 10
    for i, d in enumerate(days):
        assert dec({k: d[k] for k in want}) == sp_want(w.sums(w.all, days=[w.days[i]]))
    c = client(w.srv, w.msp, service="ce")
    r = c.get_savings_plans_coverage(TimePeriod=tp(w), Granularity="MONTHLY")
    s = w.sums(w.all)
    cov = dec(r["SavingsPlansCoverages"][0]["Coverage"])
    assert cov == {"SpendCoveredBySavingsPlans": s["sp_used"], "OnDemandCost": s["od_cost"],
                   "TotalCost": s["sp_used"] + s["od_cost"],
                   "CoveragePercentage": pct(s["sp_used"], s["sp_used"] + s["od_cost"])}
    # Days by total cost, largest first (they rise day by day); pages of 4.
    seen, tok = [], None
    while True:
        kw = {"NextToken": tok} if tok else {}
        r = c.get_savings_plans_coverage(TimePeriod=tp(w), Granularity="DAILY", MaxResults=4,
                                         SortBy={"Key": "TotalCost", "SortOrder": "DESCENDING"},
                                         **kw)
        seen += [(x["TimePeriod"]["Start"], D(x["Coverage"]["TotalCost"]))
                 for x in r["SavingsPlansCoverages"]]
        tok = r.get("NextToken")
        if not tok:
            break
    want = [(d.isoformat(), w.sums(w.all, days=[d])["sp_used"] + w.sums(w.all, days=[d])["od_cost"])
            for d in w.days]
    assert seen == sorted(want, key=lambda x: -x[1]) and seen != want
    # Grouped by region, 20 a page by default.
    r = c.get_savings_plans_coverage(TimePeriod=tp(w),
                                     GroupBy=[{"Type": "DIMENSION", "Key": "REGION"}])
    assert [x["Attributes"] for x in r["SavingsPlansCoverages"]] == [{"REGION": "us-east-1"}]
    # A customer: its accounts only (customer B has no plan).
    cb = client(w.srv, w.b1, service="ce")
    r = cb.get_savings_plans_utilization(TimePeriod=tp(w))
    assert D(r["Total"]["Utilization"]["TotalCommitment"]) == 0
    ca = client(w.srv, w.a1, service="ce")
    r = ca.get_savings_plans_utilization(TimePeriod=tp(w))
    assert D(r["Total"]["Utilization"]["UsedCommitment"]) == 12
    for op, bad in (("get_savings_plans_utilization", {"Granularity": "HOURLY"}),
                    ("get_savings_plans_coverage", {"Metrics": ["Hour"]}),
                    ("get_savings_plans_coverage",
                     {"GroupBy": [{"Type": "DIMENSION", "Key": "INSTANCE_FAMILY"}]})):
        with pytest.raises(ClientError) as e:
            getattr(c, op)(TimePeriod=tp(w), **bad)
        assert error_of(e)[0] == "ValidationException", (op, bad)



# AWS: GetSavingsPlansUtilizationDetails ValidationException InvalidNextTokenException RequestChangedException
def test_savings_plans_utilization_details(cw):
    """One detail per Savings Plan (its ARN from the CUR's
    savings_plan_savings_plan_a_r_n), with its fee line's account and its
    own figures, recomputed here from that plan's lines."""
    w = cw
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-utilization-details",
                       "--time-period", "Start=%(Start)s,End=%(End)s" % tp(w))
    assert rc == 0, err
    a2 = {"AccountId": w.a2.id, "AccountName": "A two", "Region": "us-east-1"}
    stray = {"AccountId": w.stray.id, "AccountName": "Stray", "Region": "us-east-1"}
    got = {d["SavingsPlanArn"]: d for d in out["SavingsPlansUtilizationDetails"]}
    assert set(got) == {w.sp_arn, w.sp2_arn}
    for arn, attrs in ((w.sp_arn, a2), (w.sp2_arn, stray)):
        assert got[arn]["Attributes"] == attrs
        assert dec({k: v for k, v in got[arn].items() if k != "Attributes"}) == \
            dict(sp_want(w.sums(w.all, sp_arn=arn)), SavingsPlanArn=arn)
    assert D(got[w.sp2_arn]["Utilization"]["UtilizationPercentage"]) == 50
    assert dec(out["Total"]) == sp_want(w.sums(w.all))
    assert out["TimePeriod"] == tp(w)
    # Sorted by utilization, one a page; DataType keeps only what it names.
    c = client(w.srv, w.msp, service="ce")
    seen, tok = [], None
    while True:
        kw = {"NextToken": tok} if tok else {}
        r = c.get_savings_plans_utilization_details(
            TimePeriod=tp(w), MaxResults=1, DataType=["UTILIZATION"],
            SortBy={"Key": "UtilizationPercentage", "SortOrder": "ASCENDING"}, **kw)
        assert len(r["SavingsPlansUtilizationDetails"]) == 1
        d = r["SavingsPlansUtilizationDetails"][0]
        assert set(d) == {"SavingsPlanArn", "Utilization"}
        seen.append(d["SavingsPlanArn"])
        tok = r.get("NextToken")
        if not tok:
            break
    assert seen == [w.sp2_arn, w.sp_arn]
    r = c.get_savings_plans_utilization_details(TimePeriod=tp(w), MaxResults=1)
    with pytest.raises(ClientError) as e:
        c.get_savings_plans_utilization_details(TimePeriod=tp(w, n=5), MaxResults=1,
                                                NextToken=r["NextToken"])
    assert error_of(e)[0] == "RequestChangedException"
    with pytest.raises(ClientError) as e:
        c.get_savings_plans_utilization_details(TimePeriod=tp(w), NextToken="garbage")
    assert error_of(e)[0] == "InvalidNextTokenException"
    # Filtered to a plan by its ARN.
    r = c.get_savings_plans_utilization_details(TimePeriod=tp(w), Filter={
        "Dimensions": {"Key": "SAVINGS_PLAN_ARN", "Values": [w.sp2_arn]}})
    assert [d["SavingsPlanArn"] for d in r["SavingsPlansUtilizationDetails"]] == [w.sp2_arn]
    # A customer sees its own plan only; customer B none.
    ca = client(w.srv, w.a1, service="ce")
    r = ca.get_savings_plans_utilization_details(TimePeriod=tp(w))
    assert [d["SavingsPlanArn"] for d in r["SavingsPlansUtilizationDetails"]] == [w.sp_arn]
    cb = client(w.srv, w.b1, service="ce")
    r = cb.get_savings_plans_utilization_details(TimePeriod=tp(w))
    assert r["SavingsPlansUtilizationDetails"] == []
    for bad in ({"SortBy": {"Key": "PurchasedHours"}}, {"DataType": ["HOURS"]},
                {"Filter": {"Dimensions": {"Key": "PAYMENT_OPTION", "Values": ["x"]}}}):
        with pytest.raises(ClientError) as e:
            c.get_savings_plans_utilization_details(TimePeriod=tp(w), **bad)
        assert error_of(e)[0] == "ValidationException", bad


def attr_arns(attrs):
    """The commitment ARNs of a rollup's attrs (src/billing/attrs.h:
    entries kind 'a', key 'r' or 's')."""
    out = {}
    for e in (attrs or "").split("\x1e")[1:]:
        if e[:1] == "a":
            k, v = e[1:].split("\x1f", 1)
            out[k] = v
    return out


# AWS: GetReservationUtilization GetSavingsPlansUtilization GetSavingsPlansUtilizationDetails
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_demo_commitments_are_all_used(tmp_path, fmt):
    """The demo's Reserved Instances and Savings Plans are used in full
    (src/cli/demo_billing.c): 100 % each, and the hours and commitment are
    the sums of its bill's RIFee, DiscountedUsage and Savings Plans lines;
    each plan's ARN comes through its CUR (CSV, or payerlink's Parquet)."""
    db = new_db(str(tmp_path))
    try:
        p = subprocess.run([BIN, "init", "--db", db, "--demo"] +
                           (["--format", "parquet"] if fmt == "parquet" else []),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        m = re.search(r"^\s+msp@payerlink\.example\s+(\d{12})\s.*key (\S+) secret (\S+)",
                      p.stdout, re.M)
        msp = {"AccountId": m.group(1), "AccessKeyId": m.group(2), "SecretAccessKey": m.group(3)}
        sums, plans = {}, {}
        for typ, usage, amo, attrs in sql(
                db, "SELECT r.line_item_type, r.usage_amount, r.amortized, r.attrs "
                    "FROM billing_rollups r "
                    "JOIN billing_periods p ON p.import_id = r.import_id "
                    "JOIN billing_imports i ON i.id = r.import_id "
                    "WHERE i.role = 'billing' AND i.payer_id = ?", (msp["AccountId"],)):
            u, a = sums.get(typ, (D(0), D(0)))
            sums[typ] = (u + D(usage) / 10 ** 6, a + D(amo) / 10 ** 9)
            arn = attr_arns(attrs).get("s")
            if typ == "SavingsPlanCoveredUsage":
                assert arn, attrs
                plans[arn] = plans.get(arn, D(0)) + D(amo) / 10 ** 9
        first, last = sql(db, "SELECT MIN(day), MAX(day) FROM billing_rollups")[0]
        end = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
        s = Server(db=db)
        try:
            c = client(s, msp, service="ce")
            r = c.get_reservation_utilization(TimePeriod={"Start": first, "End": end},
                                              Granularity="MONTHLY")
            t = dec(r["Total"])
            assert t["UtilizationPercentage"] == 100 and t["UnusedHours"] == 0
            assert t["PurchasedHours"] == sums["RIFee"][0] == sums["DiscountedUsage"][0] > 0
            assert t["TotalAmortizedFee"] == sums["DiscountedUsage"][1]
            r = c.get_savings_plans_utilization(TimePeriod={"Start": first, "End": end},
                                                Granularity="MONTHLY")
            u = dec(r["Total"]["Utilization"])
            assert u["UtilizationPercentage"] == 100 and u["UnusedCommitment"] == 0
            assert u["UsedCommitment"] == sums["SavingsPlanCoveredUsage"][1] > 0
            r = c.get_savings_plans_utilization_details(
                TimePeriod={"Start": first, "End": end}, MaxResults=100)
            got = {d["SavingsPlanArn"]: dec(d["Utilization"])
                   for d in r["SavingsPlansUtilizationDetails"]}
            assert set(got) == set(plans) and len(plans) > 1
            for arn, used in plans.items():
                assert got[arn]["UsedCommitment"] == used
                assert got[arn]["UtilizationPercentage"] == 100
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)
