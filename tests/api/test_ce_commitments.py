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
import json
import os
import re
import subprocess
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, Server, aws, client, drop_db, error_of, new_db, sql
from test_ce import DAY, World, month_after, today

# What the CUR says of a commitment: CUR 2.0's reservation_*, pricing_*
# and savings_plan_* columns, written on some of its lines (cm_of()).
CM_COLS = ("reservation_start_time", "reservation_end_time",
           "reservation_number_of_reservations", "reservation_units_per_reservation",
           "pricing_lease_contract_length", "pricing_purchase_option", "pricing_offering_class",
           "savings_plan_start_time", "savings_plan_end_time", "savings_plan_purchase_term",
           "savings_plan_payment_option", "savings_plan_region",
           "savings_plan_instance_type_family")
HDR = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
       "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
       "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
       "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
       "pricing_public_on_demand_cost,reservation_reservation_a_r_n,reservation_effective_cost,"
       "reservation_unused_amortized_upfront_fee_for_billing_period,"
       "reservation_unused_recurring_fee,savings_plan_savings_plan_effective_cost,"
       "savings_plan_total_commitment_to_date,savings_plan_used_commitment,"
       "savings_plan_savings_plan_a_r_n," + ",".join(CM_COLS) + "\n")
D = Decimal
# A Savings Plan's fees in GetSavingsPlansUtilizationDetails' Attributes.
FEES = ("HourlyCommitment", "RecurringHourlyFee", "UpfrontFee")
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
        if not hasattr(self, "ri_end"):     # a re-delivery may say otherwise
            self.ri_end = (self.month + 365 * DAY).isoformat()
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
        start = self.month.isoformat() + "T00:00:00.000Z"
        self.sp_cm = getattr(self, "sp_cm", None) or {
            self.sp_arn: {"savings_plan_start_time": start,
                          "savings_plan_end_time": "2031-01-01T00:00:00.000Z",
                          "savings_plan_purchase_term": "1yr",
                          "savings_plan_payment_option": "No Upfront",
                          "savings_plan_region": "US East (N. Virginia)",
                          "savings_plan_instance_type_family": "c5"},
            self.sp2_arn: {"savings_plan_start_time": start,
                           "savings_plan_end_time": "2033-01-01T00:00:00.000Z",
                           "savings_plan_purchase_term": "3yr",
                           "savings_plan_payment_option": "All Upfront"}}
        # a2's plan is No Upfront (its fee line bills the whole
        # commitment), the stray's All Upfront (its fee line bills
        # nothing: the commitment was paid up front).
        for acct, arn, rate, commit, recurring, days in (
                (self.a2.id, self.sp_arn, SP_RATE, SP_COMMIT, SP_COMMIT, self.days),
                (self.stray.id, self.sp2_arn, SP2_RATE, SP2_COMMIT, D(0), self.days[:5])):
            for d in days:
                self.rows.append((acct, "SavingsPlanCoveredUsage", d, "AmazonEC2",
                                  "BoxUsage:c5.large", "OnDemand", 24 * SP_OD, D(24), 24 * SP_OD,
                                  "", "", "", "", 24 * rate, "", "", arn))
                self.rows.append((acct, "SavingsPlanNegation", d, "AmazonEC2",
                                  "BoxUsage:c5.large", "OnDemand", -24 * SP_OD, D(0), D(0),
                                  "", "", "", "", "", "", "", arn))
                self.rows.append((acct, "SavingsPlanRecurringFee", d, "ComputeSavingsPlans",
                                  "ComputeSP:1yrNoUpfront", "", 24 * recurring, D(24), D(0),
                                  "", "", "", "", "", 24 * commit, 24 * rate, arn))
        path = os.path.join(self.tmp, "commit.csv")
        with open(path, "w") as f:
            f.write(HDR)
            for r in self.rows:
                acct, lit, d, prod, ut, term = r[:6]
                f.write("%s,%sT00:00:00Z,%s,%s,%sT00:00:00Z,%s,%s,RunInstances,us-east-1,%s,USD,"
                        % (self.msp.id, self.month.isoformat(), acct, lit, d.isoformat(), prod,
                           ut, term))
                f.write(",".join(str(x) for x in r[6:]) + ",")
                cm = self.cm_of(lit, r[9] or r[16])
                f.write(",".join(cm.get(c, "") for c in CM_COLS) + "\n")
        self.imp = self.ingest(path)

    def cm_of(self, lit, arn):
        """The commitment columns of a line of type lit for arn: the
        reservation's start, end and count on its RIFee, its term, option
        and class on its DiscountedUsage lines (one commitment from two
        kinds of line); each plan's on its fee line, none on its usage."""
        start = self.month.isoformat() + "T00:00:00.000Z"
        if lit == "RIFee":
            return {"reservation_start_time": start,
                    "reservation_end_time": self.ri_end + "T00:00:00.000Z",
                    "reservation_number_of_reservations": "2",
                    "reservation_units_per_reservation": "8"}
        if lit == "DiscountedUsage":
            return {"pricing_lease_contract_length": "1yr",
                    "pricing_purchase_option": "Partial Upfront",
                    "pricing_offering_class": "convertible"}
        if lit == "SavingsPlanRecurringFee":
            return self.sp_cm[arn]
        return {}

    def fees_of(self, arn):
        """AWS's fee attributes of a plan from its first fee line:
        TotalCommitmentToDate and cost over its hours, and the commitment
        not billed hourly over the term's hours (8,760 a year)."""
        r = next(r for r in self.rows if r[1] == "SavingsPlanRecurringFee" and r[16] == arn)
        hourly, recurring = r[14] / r[7], r[6] / r[7]
        years = int(self.sp_cm[arn]["savings_plan_purchase_term"][0])
        return {"HourlyCommitment": str(hourly), "RecurringHourlyFee": str(recurring),
                "UpfrontFee": str((hourly - recurring) * years * 8760)}

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
    # What its lines said of it: the RIFee its start, end and count, its
    # DiscountedUsage lines its purchase option; it ends in a year.
    assert g["Attributes"]["startDateTime"] == w.month.isoformat() + "T00:00:00.000Z"
    assert g["Attributes"]["endDateTime"] == w.ri_end + "T00:00:00.000Z"
    assert g["Attributes"]["numberOfInstances"] == "2"
    assert g["Attributes"]["subscriptionType"] == "Partial Upfront"
    assert g["Attributes"]["subscriptionStatus"] == "Active"
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
                     {"GroupBy": [{"Type": "DIMENSION", "Key": "INSTANCE_TYPE"}]})):
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
    # What each plan's fee lines said of it (CUR 2.0's savings_plan_*
    # columns), under AWS's names.
    names = {"savings_plan_start_time": "StartDateTime",
             "savings_plan_end_time": "EndDateTime",
             "savings_plan_purchase_term": "PurchaseTerm",
             "savings_plan_payment_option": "PaymentOption",
             "savings_plan_instance_type_family": "InstanceFamily"}
    a2 = {"AccountId": w.a2.id, "AccountName": "A two", "Region": "us-east-1",
          **{names[k]: v for k, v in w.sp_cm[w.sp_arn].items() if k in names}}
    stray = {"AccountId": w.stray.id, "AccountName": "Stray", "Region": "us-east-1",
             **{names[k]: v for k, v in w.sp_cm[w.sp2_arn].items() if k in names}}
    assert a2["InstanceFamily"] == "c5" and stray["PurchaseTerm"] == "3yr"
    a2.update(w.fees_of(w.sp_arn))
    stray.update(w.fees_of(w.sp2_arn))
    assert dec({k: a2[k] for k in FEES}) == {"HourlyCommitment": SP_COMMIT,
                                               "RecurringHourlyFee": SP_COMMIT, "UpfrontFee": 0}
    assert dec({k: stray[k] for k in FEES}) == {"HourlyCommitment": SP2_COMMIT,
                                                  "RecurringHourlyFee": 0,
                                                  "UpfrontFee": SP2_COMMIT * 3 * 8760}
    got = {d["SavingsPlanArn"]: d for d in out["SavingsPlansUtilizationDetails"]}
    assert set(got) == {w.sp_arn, w.sp2_arn}
    for arn, attrs in ((w.sp_arn, a2), (w.sp2_arn, stray)):
        assert dec(got[arn]["Attributes"]) == dec(attrs)
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
                {"Filter": {"Dimensions": {"Key": "SERVICE", "Values": ["x"]}}}):
        with pytest.raises(ClientError) as e:
            c.get_savings_plans_utilization_details(TimePeriod=tp(w), **bad)
        assert error_of(e)[0] == "ValidationException", bad


# AWS: GetSavingsPlansCoverage ValidationException
def test_savings_plans_coverage_by_instance_family(cw):
    """GetSavingsPlansCoverage groups and filters by INSTANCE_FAMILY, the
    family of a line's instance type ("c5" of "c5.large"): the plans cover
    c5 (their covered usage), the m5 hours ran on demand; RDS's hours are
    no plan's. Its Filter takes AWS's four dimensions."""
    w = cw
    c = client(w.srv, w.msp, service="ce")

    def cov(accounts, family):
        """Covered spend and on-demand EC2 cost of a family's lines."""
        covered = sum((r[13] for r in w.rows if r[1] == "SavingsPlanCoveredUsage"
                       and r[0] in accounts and r[4].split(":")[-1].split(".")[0] == family),
                      D(0))
        od = sum((r[6] for r in w.rows if r[1] == "Usage" and r[3] == "AmazonEC2"
                  and r[0] in accounts and r[4].split(":")[-1].split(".")[0] == family), D(0))
        return {"SpendCoveredBySavingsPlans": covered, "OnDemandCost": od,
                "TotalCost": covered + od, "CoveragePercentage": pct(covered, covered + od)}

    r = c.get_savings_plans_coverage(TimePeriod=tp(w),
                                     GroupBy=[{"Type": "DIMENSION", "Key": "INSTANCE_FAMILY"}])
    got = {x["Attributes"]["INSTANCE_FAMILY"]: dec(x["Coverage"])
           for x in r["SavingsPlansCoverages"]}
    assert got == {"c5": cov(w.all, "c5"), "m5": cov(w.all, "m5")}
    assert got["c5"]["CoveragePercentage"] == 100 and got["m5"]["CoveragePercentage"] == 0
    assert got["c5"]["SpendCoveredBySavingsPlans"] == w.sums(w.all)["sp_used"] > 0
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-coverage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--group-by",
                       "Type=DIMENSION,Key=INSTANCE_FAMILY")
    assert rc == 0, err
    assert {x["Attributes"]["INSTANCE_FAMILY"]: dec(x["Coverage"])
            for x in out["SavingsPlansCoverages"]} == got
    for flt, want in (
            ({"Dimensions": {"Key": "INSTANCE_FAMILY", "Values": ["c5"]}}, cov(w.all, "c5")),
            ({"Dimensions": {"Key": "INSTANCE_FAMILY", "Values": ["m5"]}}, cov(w.all, "m5")),
            ({"And": [{"Dimensions": {"Key": "INSTANCE_FAMILY", "Values": ["c5", "m5"]}},
                      {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.a2.id]}}]},
             {k: cov({w.a2.id}, "c5")[k] + cov({w.a2.id}, "m5")[k]
              for k in ("SpendCoveredBySavingsPlans", "OnDemandCost", "TotalCost")}),
            ({"Dimensions": {"Key": "INSTANCE_FAMILY", "Values": ["m5d"]}},
             {"SpendCoveredBySavingsPlans": 0, "OnDemandCost": 0, "TotalCost": 0})):
        r = c.get_savings_plans_coverage(TimePeriod=tp(w), Granularity="MONTHLY", Filter=flt)
        [x] = r["SavingsPlansCoverages"]
        assert {k: dec(x["Coverage"])[k] for k in want} == want, flt
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-coverage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "MONTHLY",
                       "--filter", json.dumps({"Dimensions": {"Key": "INSTANCE_FAMILY",
                                                              "Values": ["c5"]}}))
    assert rc == 0, err
    assert dec(out["SavingsPlansCoverages"][0]["Coverage"]) == cov(w.all, "c5")
    for flt, name in (({"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Usage"]}},
                       "RECORD_TYPE"),
                      ({"Dimensions": {"Key": "INSTANCE_TYPE_FAMILY", "Values": ["c5"]}},
                       "INSTANCE_TYPE_FAMILY")):
        with pytest.raises(ClientError) as e:
            c.get_savings_plans_coverage(TimePeriod=tp(w), Filter=flt)
        assert error_of(e)[0] == "ValidationException"
        assert message_of(e) == "Dimension %s is not allowed." % name
    # INSTANCE_FAMILY is GetSavingsPlansCoverage's only.
    with pytest.raises(ClientError) as e:
        c.get_cost_and_usage(TimePeriod=tp(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             Filter={"Dimensions": {"Key": "INSTANCE_FAMILY", "Values": ["c5"]}})
    assert message_of(e) == "Dimension INSTANCE_FAMILY is not allowed."


def po(*values):
    return {"Dimensions": {"Key": "PAYMENT_OPTION", "Values": list(values)}}


def fam(*values):
    return {"Dimensions": {"Key": "INSTANCE_TYPE_FAMILY", "Values": list(values)}}


# AWS: GetSavingsPlansUtilization GetSavingsPlansUtilizationDetails GetDimensionValues ValidationException
def test_savings_plans_by_payment_option_and_instance_family(cw):
    """PAYMENT_OPTION and INSTANCE_TYPE_FAMILY are a plan's own (what its
    fee line's savings_plan_payment_option, ..._instance_type_family say):
    they filter the Savings Plans reports to the plans that have them, and
    GetDimensionValues gives them in Context SAVINGS_PLANS; elsewhere AWS
    does not take them (or payerlink keeps no such line values)."""
    w = cw
    c = client(w.srv, w.msp, service="ce")
    opt = {arn: cm["savings_plan_payment_option"] for arn, cm in w.sp_cm.items()}
    assert opt == {w.sp_arn: "No Upfront", w.sp2_arn: "All Upfront"}
    for flt, arns in ((po("All Upfront"), [w.sp2_arn]),
                      (po("No Upfront", "All Upfront"), [w.sp_arn, w.sp2_arn]),
                      (fam("c5"), [w.sp_arn]),
                      ({"Not": po("No Upfront")}, [w.sp2_arn]),
                      ({"And": [po("No Upfront"), {"Dimensions": {
                          "Key": "LINKED_ACCOUNT", "Values": [w.a2.id]}}]}, [w.sp_arn]),
                      ({"And": [po("No Upfront"), {"Dimensions": {
                          "Key": "LINKED_ACCOUNT", "Values": [w.stray.id]}}]}, []),
                      (po("Partial Upfront"), []), (fam("m5"), [])):
        # Each plan's lines are its own: the sums of those of the plans kept.
        want = {k: sum((w.sums(w.all, sp_arn=a)[k] for a in arns), D(0))
                for k in ("sp_used", "sp_unused", "sp_recurring", "sp_od")}
        r = c.get_savings_plans_utilization(TimePeriod=tp(w), Filter=flt)
        if arns:
            assert dec(r["Total"]) == sp_want(want), flt
        else:
            assert D(r["Total"]["Utilization"]["TotalCommitment"]) == 0, flt
        r = c.get_savings_plans_utilization_details(TimePeriod=tp(w), Filter=flt)
        assert sorted(d["SavingsPlanArn"] for d in r["SavingsPlansUtilizationDetails"]) == \
            sorted(arns), flt
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-utilization", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "DAILY",
                       "--filter", json.dumps(po("All Upfront")))
    assert rc == 0, err
    assert dec(out["Total"]) == sp_want(w.sums(w.all, sp_arn=w.sp2_arn))
    assert [dec(d["Utilization"]) for d in out["SavingsPlansUtilizationsByTime"]] == \
        [sp_want(w.sums(w.all, days=[d], sp_arn=w.sp2_arn))["Utilization"] for d in w.days]
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-utilization-details",
                       "--time-period", "Start=%(Start)s,End=%(End)s" % tp(w),
                       "--filter", json.dumps(fam("c5")))
    assert rc == 0, err
    assert [d["SavingsPlanArn"] for d in out["SavingsPlansUtilizationDetails"]] == [w.sp_arn]
    assert out["SavingsPlansUtilizationDetails"][0]["Attributes"]["InstanceFamily"] == "c5"
    # The values, of the plans the caller sees.
    assert values(c, "PAYMENT_OPTION", w, Context="SAVINGS_PLANS") == \
        sorted(set(opt.values()))
    assert values(c, "PAYMENT_OPTION", w, Context="SAVINGS_PLANS", SearchString="no") == \
        ["No Upfront"]
    assert values(c, "INSTANCE_TYPE_FAMILY", w, Context="SAVINGS_PLANS") == ["c5"]
    assert values(c, "PAYMENT_OPTION", w, Context="SAVINGS_PLANS", Filter={
        "Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.stray.id]}}) == ["All Upfront"]
    assert values(client(w.srv, w.a1, service="ce"), "PAYMENT_OPTION", w,
                  Context="SAVINGS_PLANS") == ["No Upfront"]
    assert values(client(w.srv, w.b1, service="ce"), "PAYMENT_OPTION", w,
                  Context="SAVINGS_PLANS") == []
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--dimension", "PAYMENT_OPTION",
                       "--context", "SAVINGS_PLANS")
    assert rc == 0, err
    assert [v["Value"] for v in out["DimensionValues"]] == ["All Upfront", "No Upfront"]
    # A customer filters its own plans only.
    ca = client(w.srv, w.a1, service="ce")
    r = ca.get_savings_plans_utilization_details(TimePeriod=tp(w), Filter=po("All Upfront"))
    assert r["SavingsPlansUtilizationDetails"] == []
    # Where AWS does not take them, or payerlink keeps no line's value.
    for call, kw, msg in (
            (c.get_cost_and_usage, {"Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                    "Filter": po("No Upfront")},
             "Dimension PAYMENT_OPTION is not allowed."),
            (c.get_cost_and_usage, {"Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                    "Filter": fam("c5")},
             "Dimension INSTANCE_TYPE_FAMILY is not kept in payerlink's rollups"),
            (c.get_reservation_utilization, {"Filter": po("No Upfront")},
             "Dimension PAYMENT_OPTION is not allowed."),
            (c.get_savings_plans_coverage, {"Filter": po("No Upfront")},
             "Dimension PAYMENT_OPTION is not allowed."),
            (c.get_savings_plans_utilization, {"Filter": {"Dimensions": {
                "Key": "SERVICE", "Values": ["Amazon Elastic Compute Cloud - Compute"]}}},
             "Dimension SERVICE is not allowed."),
            (c.get_dimension_values, {"Dimension": "PAYMENT_OPTION"},
             "Dimension PAYMENT_OPTION is not allowed."),
            (c.get_dimension_values, {"Dimension": "PAYMENT_OPTION", "Context": "RESERVATIONS"},
             "Dimension PAYMENT_OPTION is not allowed.")):
        with pytest.raises(ClientError) as e:
            call(TimePeriod=tp(w), **kw)
        assert error_of(e)[0] == "ValidationException" and message_of(e) == msg, kw


def group_invalid(names):
    """AWS's answer to a GroupBy dimension an operation does not take, with
    its names (its API reference's, in GROUP_INVALID's order)."""
    return "Group Definition dimension is invalid. Valid values are " + names


# AWS's answer to a GroupBy dimension it does not take in GetCostAndUsage
# (its list; PAYER_ACCOUNT came with billing transfers).
GROUP_INVALID = group_invalid(
    "AZ, INSTANCE_TYPE, LINKED_ACCOUNT, OPERATION, PURCHASE_TYPE, SERVICE, USAGE_TYPE, "
    "PLATFORM, TENANCY, RECORD_TYPE, LEGAL_ENTITY_NAME, INVOICING_ENTITY, DEPLOYMENT_OPTION, "
    "DATABASE_ENGINE, CACHE_ENGINE, INSTANCE_TYPE_FAMILY, REGION, BILLING_ENTITY, "
    "RESERVATION_ID, SAVINGS_PLANS_TYPE, SAVINGS_PLAN_ARN, OPERATING_SYSTEM, PAYER_ACCOUNT")


def message_of(e):
    return e.value.response["Error"]["Message"]


# AWS: GetCostAndUsage ValidationException
def test_commitment_dimensions_where_aws_takes_them(cw):
    """RESERVATION_ID and SAVINGS_PLAN_ARN group and filter GetCostAndUsage
    (AWS lists both among its GroupBy dimensions, and GetDimensionValues
    gives them in Context COST_AND_USAGE); what AWS refuses there
    (SUBSCRIPTION_ID, RESOURCE_ID outside ...WithResources) it refuses
    with its own message."""
    w = cw
    c = client(w.srv, w.msp, service="ce")
    ri = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-test" % w.a1.id
    want = {}
    for r in w.rows:
        key = (r[9].rsplit("/", 1)[-1] if r[9] else "", r[16])
        want[key] = want.get(key, D(0)) + r[6]
    r = c.get_cost_and_usage(TimePeriod=tp(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "RESERVATION_ID"},
                                      {"Type": "DIMENSION", "Key": "SAVINGS_PLAN_ARN"}])
    got = {tuple(g["Keys"]): D(g["Metrics"]["UnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    assert got == want
    assert got[("ri-test", "")] == sum(r[6] for r in w.rows if r[9] == ri) > 0
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "MONTHLY",
                       "--metrics", "UnblendedCost", "--filter", json.dumps(
                           {"Dimensions": {"Key": "SAVINGS_PLAN_ARN", "Values": [w.sp2_arn]}}))
    assert rc == 0, err
    assert D(out["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == \
        sum(r[6] for r in w.rows if r[16] == w.sp2_arn)
    for kw, msg in (
            ({"GroupBy": [{"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}]}, GROUP_INVALID),
            ({"GroupBy": [{"Type": "DIMENSION", "Key": "RESOURCE_ID"}]}, GROUP_INVALID),
            ({"Filter": {"Dimensions": {"Key": "SUBSCRIPTION_ID", "Values": ["ri-test"]}}},
             "Dimension SUBSCRIPTION_ID is not allowed."),
            ({"Filter": {"Not": {"Dimensions": {"Key": "RESOURCE_ID", "Values": ["i-1"]}}}},
             "Dimension RESOURCE_ID is not allowed."),
            ({"GroupBy": [{"Type": "DIMENSION", "Key": "DEPLOYMENT_OPTION"}]},
             "Dimension DEPLOYMENT_OPTION is not kept in payerlink's rollups")):
        with pytest.raises(ClientError) as e:
            c.get_cost_and_usage(TimePeriod=tp(w), Granularity="MONTHLY",
                                 Metrics=["UnblendedCost"], **kw)
        assert error_of(e)[0] == "ValidationException" and message_of(e) == msg, kw
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "MONTHLY",
                       "--metrics", "UnblendedCost", "--group-by",
                       "Type=DIMENSION,Key=SUBSCRIPTION_ID")
    assert rc != 0 and "ValidationException" in err and GROUP_INVALID in err, err


def dim(key, *values):
    return {"Dimensions": {"Key": key, "Values": list(values)}}


def by(key):
    return [{"Type": "DIMENSION", "Key": key}]


RI_COV_GROUPS = ("AZ, INSTANCE_TYPE, LINKED_ACCOUNT, PLATFORM, TENANCY, INVOICING_ENTITY, "
                 "DEPLOYMENT_OPTION, DATABASE_ENGINE, CACHE_ENGINE, REGION, OPERATING_SYSTEM")


# AWS: GetReservationUtilization GetReservationCoverage GetSavingsPlansCoverage GetSavingsPlansUtilizationDetails ValidationException
def test_commitment_reports_take_their_own_dimensions(cw):
    """Each commitment report filters and groups by the dimensions its API
    reference lists (docs/billing.md "Which dimension where"), not
    GetCostAndUsage's: a name it takes gives the figures of the lines
    that have the value, one AWS refuses there (USAGE_TYPE in either
    reservation report, DATABASE_ENGINE in GetReservationUtilization,
    SAVINGS_PLANS_TYPE in GetSavingsPlansUtilizationDetails) AWS's
    answer, one it takes that payerlink keeps no values of (SCOPE,
    CACHE_ENGINE, OPERATING_SYSTEM) the table's "not kept"."""
    w = cw
    c = client(w.srv, w.msp, service="ce")
    # GetReservationUtilization by account: a1's reservation, b1 none.
    r = c.get_reservation_utilization(TimePeriod=tp(w), Filter=dim("LINKED_ACCOUNT", w.a1.id))
    assert dec(r["Total"]) == ri_want(w.sums({w.a1.id}))
    r = c.get_reservation_utilization(TimePeriod=tp(w), Filter={"And": [
        dim("LINKED_ACCOUNT", w.b1.id), dim("REGION", "us-east-1")]})
    assert D(r["Total"]["PurchasedHours"]) == 0
    r = c.get_reservation_utilization(TimePeriod=tp(w), Filter=dim("REGION", "eu-west-1"))
    assert D(r["Total"]["PurchasedHours"]) == 0
    # GetReservationCoverage with the aws CLI: a1's hours by instance type
    # (all m5.large: 1 on demand and, 8 days, 24 reserved a day).
    rc, out, err = aws(w.srv, w.msp, "ce", "get-reservation-coverage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--group-by",
                       "Type=DIMENSION,Key=INSTANCE_TYPE", "--filter",
                       json.dumps(dim("LINKED_ACCOUNT", w.a1.id)))
    assert rc == 0, err
    s = w.sums({w.a1.id})
    assert (s["od_h"], s["used_h"]) == (10, 192)
    [period] = out["CoveragesByTime"]
    assert [g["Attributes"] for g in period["Groups"]] == [{"INSTANCE_TYPE": "m5.large"}]
    assert dec(period["Groups"][0]["Coverage"]) == {
        "CoverageHours": {"OnDemandHours": s["od_h"], "ReservedHours": s["used_h"],
                          "TotalRunningHours": s["od_h"] + s["used_h"],
                          "CoverageHoursPercentage": pct(s["used_h"], s["od_h"] + s["used_h"])},
        "CoverageCost": {"OnDemandCost": s["od_cost"]}}
    assert dec(out["Total"]) == dec(period["Groups"][0]["Coverage"])
    # Every account, by region (one) and DATABASE_ENGINE's filter
    # (AWS takes it in this report's Filter; EC2's lines have none).
    rc, out, err = aws(w.srv, w.msp, "ce", "get-reservation-coverage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--granularity", "MONTHLY",
                       "--metrics", "Hour")
    assert rc == 0, err
    s = w.sums(w.all)
    assert dec(out["Total"]["CoverageHours"])["OnDemandHours"] == s["od_h"]
    assert dec(out["Total"]["CoverageHours"])["ReservedHours"] == s["used_h"]
    r = c.get_reservation_coverage(TimePeriod=tp(w), GroupBy=by("REGION"))
    assert [(g["Attributes"], dec(g["Coverage"]["CoverageHours"])["TotalRunningHours"])
            for g in r["CoveragesByTime"][0]["Groups"]] == \
        [({"REGION": "us-east-1"}, s["od_h"] + s["used_h"])]
    r = c.get_reservation_coverage(TimePeriod=tp(w), Filter=dim("DATABASE_ENGINE", "MySQL"))
    assert dec(r["Total"]["CoverageHours"])["TotalRunningHours"] == 0
    # GetSavingsPlansCoverage by SERVICE with the aws CLI: EC2's spend,
    # covered and on demand (RDS's is no plan's).
    rc, out, err = aws(w.srv, w.msp, "ce", "get-savings-plans-coverage", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--group-by",
                       "Type=DIMENSION,Key=SERVICE")
    assert rc == 0, err
    total = s["sp_used"] + s["od_cost"]
    assert [(x["Attributes"], dec(x["Coverage"])) for x in out["SavingsPlansCoverages"]] == [
        ({"SERVICE": "Amazon Elastic Compute Cloud - Compute"},
         {"SpendCoveredBySavingsPlans": s["sp_used"], "OnDemandCost": s["od_cost"],
          "TotalCost": total, "CoveragePercentage": pct(s["sp_used"], total)})]
    not_allowed = "Dimension %s is not allowed."
    not_kept = "Dimension %s is not kept in payerlink's rollups"
    for call, kw, msg in (
            (c.get_reservation_utilization, {"Filter": dim("USAGE_TYPE", "BoxUsage:m5.large")},
             not_allowed % "USAGE_TYPE"),
            (c.get_reservation_utilization, {"Filter": {"And": [
                dim("LINKED_ACCOUNT", w.a1.id), dim("DATABASE_ENGINE", "MySQL")]}},
             not_allowed % "DATABASE_ENGINE"),
            (c.get_reservation_utilization, {"Filter": dim("SCOPE", "Region")},
             not_kept % "SCOPE"),
            (c.get_reservation_utilization, {"GroupBy": by("REGION")},
             group_invalid("SUBSCRIPTION_ID")),
            (c.get_reservation_coverage, {"Filter": dim("USAGE_TYPE", "BoxUsage:m5.large")},
             not_allowed % "USAGE_TYPE"),
            (c.get_reservation_coverage, {"Filter": dim("SCOPE", "Region")},
             not_allowed % "SCOPE"),
            (c.get_reservation_coverage, {"Filter": dim("CACHE_ENGINE", "Redis")},
             not_kept % "CACHE_ENGINE"),
            (c.get_reservation_coverage, {"GroupBy": by("SERVICE")},
             group_invalid(RI_COV_GROUPS)),
            (c.get_reservation_coverage, {"GroupBy": by("SUBSCRIPTION_ID")},
             group_invalid(RI_COV_GROUPS)),
            (c.get_reservation_coverage, {"GroupBy": by("OPERATING_SYSTEM")},
             not_kept % "OPERATING_SYSTEM"),
            (c.get_savings_plans_coverage, {"GroupBy": by("LINKED_ACCOUNT")},
             group_invalid("SERVICE, REGION, INSTANCE_FAMILY")),
            (c.get_savings_plans_utilization_details,
             {"Filter": dim("SAVINGS_PLANS_TYPE", "Compute")},
             not_allowed % "SAVINGS_PLANS_TYPE"),
            # AWS's answer to both (awslabs/mcp issue 2933 quotes it).
            (c.get_reservation_coverage, {"GroupBy": by("REGION"), "Granularity": "MONTHLY"},
             "Granularity is not supported when specifying groupBy")):
        with pytest.raises(ClientError) as e:
            call(TimePeriod=tp(w), **kw)
        assert error_of(e)[0] == "ValidationException" and message_of(e) == msg, kw
    # The same answers through the aws CLI.
    for args, msg in (
            (["get-reservation-coverage", "--filter", json.dumps(dim("USAGE_TYPE", "x"))],
             not_allowed % "USAGE_TYPE"),
            (["get-reservation-coverage", "--group-by", "Type=DIMENSION,Key=SERVICE"],
             group_invalid(RI_COV_GROUPS)),
            (["get-savings-plans-coverage", "--group-by", "Type=DIMENSION,Key=LINKED_ACCOUNT"],
             group_invalid("SERVICE, REGION, INSTANCE_FAMILY")),
            (["get-reservation-utilization", "--filter", json.dumps(dim("USAGE_TYPE", "x"))],
             not_allowed % "USAGE_TYPE")):
        rc, out, err = aws(w.srv, w.msp, "ce", args[0], "--time-period",
                           "Start=%(Start)s,End=%(End)s" % tp(w), *args[1:])
        assert rc != 0 and "(ValidationException)" in err and msg in err, (args, err)


def values(c, dim, w, **kw):
    r = c.get_dimension_values(TimePeriod=tp(w), Dimension=dim, **kw)
    assert r["ReturnSize"] == r["TotalSize"] == len(r["DimensionValues"])
    return [v["Value"] for v in r["DimensionValues"]]


# AWS: GetDimensionValues ValidationException
def test_dimension_values_by_context(cw):
    """GetDimensionValues' Context: RESERVATIONS gives the values of the
    reservations' lines (SUBSCRIPTION_ID: each reservation's id),
    SAVINGS_PLANS those of the plans' lines, COST_AND_USAGE (the default)
    all; a dimension AWS does not take in a context is refused."""
    w = cw
    c = client(w.srv, w.msp, service="ce")
    ri_lines = [r for r in w.rows if r[9]]
    sp_lines = [r for r in w.rows if r[16]]
    assert values(c, "SUBSCRIPTION_ID", w, Context="RESERVATIONS") == \
        sorted({r[9].rsplit("/", 1)[-1] for r in ri_lines}) == ["ri-test"]
    assert values(c, "LINKED_ACCOUNT", w, Context="RESERVATIONS") == \
        sorted({r[0] for r in ri_lines}) == [w.a1.id]
    assert values(c, "REGION", w, Context="RESERVATIONS") == ["us-east-1"]
    assert values(c, "SAVINGS_PLAN_ARN", w, Context="SAVINGS_PLANS") == \
        sorted({r[16] for r in sp_lines}) == sorted([w.sp_arn, w.sp2_arn])
    assert values(c, "LINKED_ACCOUNT", w, Context="SAVINGS_PLANS") == \
        sorted({r[0] for r in sp_lines}) == sorted([w.a2.id, w.stray.id])
    assert values(c, "LINKED_ACCOUNT", w) == sorted(w.all)
    assert "ri-test" in values(c, "RESERVATION_ID", w, Context="COST_AND_USAGE")
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%(Start)s,End=%(End)s" % tp(w), "--dimension", "SUBSCRIPTION_ID",
                       "--context", "RESERVATIONS")
    assert rc == 0, err
    assert [v["Value"] for v in out["DimensionValues"]] == ["ri-test"]
    # A customer: its accounts' reservations only.
    assert values(client(w.srv, w.a2, service="ce"), "SUBSCRIPTION_ID", w,
                  Context="RESERVATIONS") == ["ri-test"]
    assert values(client(w.srv, w.b1, service="ce"), "SUBSCRIPTION_ID", w,
                  Context="RESERVATIONS") == []
    for dim, ctx in (("SUBSCRIPTION_ID", "COST_AND_USAGE"), ("SUBSCRIPTION_ID", None),
                     ("SERVICE", "RESERVATIONS"), ("RESERVATION_ID", "RESERVATIONS"),
                     ("INSTANCE_TYPE", "SAVINGS_PLANS")):
        with pytest.raises(ClientError) as e:
            c.get_dimension_values(TimePeriod=tp(w), Dimension=dim,
                                   **({"Context": ctx} if ctx else {}))
        assert error_of(e)[0] == "ValidationException", (dim, ctx)
        assert message_of(e) == "Dimension %s is not allowed." % dim
    with pytest.raises(ClientError) as e:
        c.get_dimension_values(TimePeriod=tp(w), Dimension="REGION", Context="BUDGETS")
    assert error_of(e)[0] == "ValidationException"


# AWS: GetReservationUtilization GetSavingsPlansUtilizationDetails
def test_commitment_attributes_replaced_with_their_import(cw):
    """A commitment's attributes are its import's: a re-delivery of the
    month that says otherwise replaces them, and the replaced import's
    are gone."""
    w = cw
    first = w.imp["import_id"]
    assert sorted(sql(w.srv.db, "SELECT kind, arn FROM billing_commitments WHERE import_id = ?",
                      (first,))) == sorted([
        ("r", "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-test" % w.a1.id),
        ("s", w.sp_arn), ("s", w.sp2_arn)])
    w.ri_end = (w.month + 30 * DAY).isoformat()
    w.sp_cm[w.sp2_arn]["savings_plan_payment_option"] = "Partial Upfront"
    w.write_cur()
    assert w.imp["replaced_import_id"] == first
    assert sql(w.srv.db, "SELECT count(*) FROM billing_commitments WHERE import_id = ?",
               (first,))[0][0] == 0
    c = client(w.srv, w.msp, service="ce")
    r = c.get_reservation_utilization(TimePeriod=tp(w), GroupBy=[
        {"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}])
    [g] = r["UtilizationsByTime"][0]["Groups"]
    assert g["Attributes"]["endDateTime"] == w.ri_end + "T00:00:00.000Z"
    r = c.get_savings_plans_utilization_details(TimePeriod=tp(w), Filter={
        "Dimensions": {"Key": "SAVINGS_PLAN_ARN", "Values": [w.sp2_arn]}})
    [d] = r["SavingsPlansUtilizationDetails"]
    assert d["Attributes"]["PaymentOption"] == "Partial Upfront"


# AWS: GetReservationUtilization GetSavingsPlansUtilizationDetails
def test_commitment_attributes_from_a_legacy_cur(cw):
    """Legacy CUR's reservation/, pricing/ and savingsPlan/ columns feed the
    same attributes; a quoted value reads as its text."""
    w = cw
    ri = "arn:aws:ec2:us-east-1:%s:reserved-instances/ri-legacy" % w.a1.id
    sp = "arn:aws:savingsplans::%s:savingsplan/sp-legacy" % w.a2.id
    cols = ["bill/PayerAccountId", "bill/BillingPeriodStartDate", "lineItem/UsageAccountId",
            "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/ProductCode",
            "lineItem/UsageType", "lineItem/UnblendedCost", "lineItem/UsageAmount",
            "lineItem/CurrencyCode", "product/region", "reservation/ReservationARN",
            "savingsPlan/SavingsPlanARN", "reservation/StartTime", "reservation/EndTime",
            "reservation/NumberOfReservations", "reservation/UnitsPerReservation",
            "pricing/PurchaseOption", "savingsPlan/StartTime", "savingsPlan/EndTime",
            "savingsPlan/PurchaseTerm", "savingsPlan/PaymentOption",
            "savingsPlan/InstanceTypeFamily", "savingsPlan/TotalCommitmentToDate"]
    day = w.days[0].isoformat() + "T00:00:00Z"
    period = w.month.isoformat() + "T00:00:00Z"
    lines = [
        [w.a1.id, "Usage", "AmazonS3", "TimedStorage-ByteHrs", "0.5", "3", "", ""],
        [w.a1.id, "RIFee", "AmazonEC2", "HeavyUsage:m5.large", "14.4", "240", ri, ""],
        [w.a2.id, "SavingsPlanRecurringFee", "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront",
         "1.44", "24", "", sp]]
    path = os.path.join(w.tmp, "legacy.csv")
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for acct, lit, prod, ut, cost, usage, ra, sa in lines:
            cm = ["", "", "", "", "", "", "", "", "", "", ""]
            if ra:
                cm[:5] = ["2026-02-01T00:00:00Z", "2029-02-01T00:00:00Z", "3", "4",
                          '"All Upfront"']
            if sa:
                cm[5:] = ["2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z", "1yr",
                          '"No Upfront"', "m6g", "1.44"]
            f.write(",".join([w.msp.id, period, acct, lit, day, prod, ut, cost, usage, "USD",
                              "us-east-1", ra, sa] + cm) + "\n")
    imp = w.ingest(path)
    assert imp["replaced_import_id"] == w.imp["import_id"], imp
    assert sorted(sql(w.srv.db, "SELECT kind, arn, attrs FROM billing_commitments "
                      "WHERE import_id = ?", (imp["import_id"],))) == [
        ("r", ri, "\x1f".join(["2026-02-01T00:00:00Z", "2029-02-01T00:00:00Z", "",
                               "All Upfront", "", "3", "4", "", "", "", "", ""])),
        ("s", sp, "\x1f".join(["2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z", "1yr",
                               "No Upfront", "", "", "", "", "m6g", "1.44", "1.44", "24"]))]
    c = client(w.srv, w.msp, service="ce")
    r = c.get_reservation_utilization(TimePeriod=tp(w), GroupBy=[
        {"Type": "DIMENSION", "Key": "SUBSCRIPTION_ID"}])
    [g] = r["UtilizationsByTime"][0]["Groups"]
    assert g["Value"] == "ri-legacy"
    assert {k: g["Attributes"][k] for k in ("startDateTime", "endDateTime",
                                            "numberOfInstances", "subscriptionType")} == {
        "startDateTime": "2026-02-01T00:00:00Z", "endDateTime": "2029-02-01T00:00:00Z",
        "numberOfInstances": "3", "subscriptionType": "All Upfront"}
    [d] = c.get_savings_plans_utilization_details(TimePeriod=tp(w))[
        "SavingsPlansUtilizationDetails"]
    assert d["SavingsPlanArn"] == sp
    assert {k: d["Attributes"].get(k) for k in ("StartDateTime", "PurchaseTerm",
                                                "PaymentOption", "InstanceFamily") + FEES} == {
        "StartDateTime": "2026-03-01T00:00:00Z", "PurchaseTerm": "1yr",
        "PaymentOption": "No Upfront", "InstanceFamily": "m6g",
        # savingsPlan/TotalCommitmentToDate and lineItem/UnblendedCost
        # over lineItem/UsageAmount: 1.44 / 24; No Upfront.
        "HourlyCommitment": "0.06", "RecurringHourlyFee": "0.06", "UpfrontFee": "0"}


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
        sums, plans, ris = {}, {}, set()
        for typ, usage, amo, attrs in sql(
                db, "SELECT r.line_item_type, r.usage_amount, r.amortized, r.attrs "
                    "FROM billing_rollups r "
                    "JOIN billing_periods p ON p.import_id = r.import_id "
                    "JOIN billing_imports i ON i.id = r.import_id "
                    "WHERE i.role = 'billing' AND i.payer_id = ?", (msp["AccountId"],)):
            u, a = sums.get(typ, (D(0), D(0)))
            sums[typ] = (u + D(usage) / 10 ** 6, a + D(amo) / 10 ** 9)
            if typ == "RIFee":
                ris.add(attr_arns(attrs)["r"])
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
            # What its fee lines say of each commitment (the demo's
            # reservation_*, pricing_*, savings_plan_* columns), through
            # either format: a year from the first of its bill's year.
            years = {"%d-01-01T00:00:00.000Z" % y for y in
                     range(int(first[:4]), int(last[:4]) + 2)}
            for d in r["SavingsPlansUtilizationDetails"]:
                a = d["Attributes"]
                assert a["StartDateTime"] in years and a["EndDateTime"] in years, a
                assert a["StartDateTime"] < a["EndDateTime"]
                assert (a["PurchaseTerm"], a["PaymentOption"]) == ("1yr", "No Upfront"), a
                # No Upfront: the fee line bills the whole commitment.
                f = dec({k: a[k] for k in FEES})
                assert f["HourlyCommitment"] == f["RecurringHourlyFee"] > 0, a
                assert f["UpfrontFee"] == 0, a
            r = c.get_reservation_utilization(TimePeriod={"Start": first, "End": end},
                                              GroupBy=[{"Type": "DIMENSION",
                                                        "Key": "SUBSCRIPTION_ID"}])
            groups = r["UtilizationsByTime"][0]["Groups"]
            assert {g["Value"] for g in groups} == {a.rsplit("/", 1)[-1] for a in ris} != set()
            for g in groups:
                a = g["Attributes"]
                assert a["startDateTime"] in years and a["endDateTime"] in years, a
                assert (a["numberOfInstances"], a["subscriptionType"]) == ("1", "No Upfront")
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)
