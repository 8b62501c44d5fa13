# SPDX-License-Identifier: MIT
"""The demo's bill has every line item type Cost Explorer and rebilling
read (Tax, Credit, Refund, a Reserved Instance's DiscountedUsage and RIFee,
a Savings Plan's covered usage, negation and recurring fee), and Cost
Explorer's RECORD_TYPE groups, unblended and amortized, equal the sums the
test reads from the rollups of the MSP's current bills."""

import datetime
import re
import subprocess
from collections import defaultdict
from decimal import Decimal

from conftest import BIN, Server, aws, client, drop_db, new_db, sql

TYPES = {"Usage", "Tax", "Credit", "Refund", "DiscountedUsage", "RIFee",
         "SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee"}


# AWS: GetCostAndUsage
def test_demo_has_every_record_type_and_amortized_cost(tmp_path):
    d = str(tmp_path)
    db = new_db(d)
    try:
        p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        m = re.search(r"^\s+msp@payerlink\.example\s+(\d{12})\s.*key (\S+) secret (\S+)",
                      p.stdout, re.M)
        msp = {"AccountId": m.group(1), "AccessKeyId": m.group(2), "SecretAccessKey": m.group(3)}
        want = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for typ, unb, amo in sql(db, "SELECT r.line_item_type, r.unblended, r.amortized "
                                     "FROM billing_rollups r JOIN billing_periods p "
                                     "ON p.import_id = r.import_id JOIN billing_imports i "
                                     "ON i.id = r.import_id WHERE i.role = 'billing'"):
            want[typ][0] += Decimal(unb) / 10 ** 9
            want[typ][1] += Decimal(amo) / 10 ** 9
        assert TYPES <= set(want), sorted(want)
        first, last = sql(db, "SELECT MIN(day), MAX(day) FROM billing_rollups")[0]
        end = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
        s = Server(db=db)
        try:
            c = client(s, msp, service="ce")
            r = c.get_cost_and_usage(TimePeriod={"Start": first, "End": end}, Granularity="MONTHLY",
                                     Metrics=["UnblendedCost", "AmortizedCost"],
                                     GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}])
            got = defaultdict(lambda: [Decimal(0), Decimal(0)])
            for month in r["ResultsByTime"]:
                for g in month["Groups"]:
                    got[g["Keys"][0]][0] += Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
                    got[g["Keys"][0]][1] += Decimal(g["Metrics"]["AmortizedCost"]["Amount"])
            assert {k: v for k, v in got.items()} == {k: v for k, v in want.items()}
            # Commitments: the RI's usage costs nothing unblended and its
            # effective rate amortized; its fee is all used (amortized 0).
            assert got["DiscountedUsage"][0] == 0 < got["DiscountedUsage"][1]
            assert got["RIFee"][1] == 0 and got["SavingsPlanRecurringFee"][1] == 0
            assert got["SavingsPlanNegation"][0] == -got["SavingsPlanCoveredUsage"][0]
            assert got["Credit"][0] < 0 and got["Refund"][0] < 0 and got["Tax"][0] > 0
            # Tax is its own service, as Cost Explorer shows it.
            r = c.get_dimension_values(TimePeriod={"Start": first, "End": end}, Dimension="SERVICE")
            names = {v["Value"] for v in r["DimensionValues"]}
            assert {"Tax", "Amazon Elastic Compute Cloud - Compute", "EC2 - Other",
                    "Savings Plans for AWS Compute usage"} <= names
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)


# AWS: GetTags
def test_demo_has_tags_and_a_cost_category(tmp_path):
    """The demo's bill tags its usage (Owner, Environment, aws:createdBy;
    some lines untagged) and puts most of it in a cost category (Team):
    `aws ce` groups by them as the rollups' attributes say."""
    d = str(tmp_path)
    db = new_db(d)
    try:
        p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        m = re.search(r"^\s+msp@payerlink\.example\s+(\d{12})\s.*key (\S+) secret (\S+)",
                      p.stdout, re.M)
        msp = {"AccountId": m.group(1), "AccessKeyId": m.group(2), "SecretAccessKey": m.group(3)}
        want = defaultdict(Decimal)
        teams = set()       # the demo's accounts pick their Team by a random seed
        for attrs, unb in sql(db, "SELECT r.attrs, r.unblended FROM billing_rollups r JOIN "
                                  "billing_periods p ON p.import_id = r.import_id JOIN "
                                  "billing_imports i ON i.id = r.import_id WHERE i.role = 'billing'"):
            tags = dict(e.split("\x1f") for e in attrs.split("\x1e")[1:])
            want["Owner$" + tags.get("tOwner", "")] += Decimal(unb) / 10 ** 9
            if "cTeam" in tags:
                teams.add(tags["cTeam"])
        assert {"Owner$alice", "Owner$bob", "Owner$carol", "Owner$"} <= set(want), sorted(want)
        assert teams and teams <= {"Data", "Platform", "Web"}, teams
        first, last = sql(db, "SELECT MIN(day), MAX(day) FROM billing_rollups")[0]
        end = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
        s = Server(db=db)
        try:
            rc, out, err = aws(s, msp, "ce", "get-cost-and-usage", "--time-period",
                               "Start=%s,End=%s" % (first, end), "--granularity", "MONTHLY",
                               "--metrics", "UnblendedCost", "--group-by", "Type=TAG,Key=Owner")
            assert rc == 0, err
            got = defaultdict(Decimal)
            for month in out["ResultsByTime"]:
                for g in month["Groups"]:
                    got[g["Keys"][0]] += Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
            assert dict(got) == dict(want)
            rc, out, err = aws(s, msp, "ce", "get-tags", "--time-period",
                               "Start=%s,End=%s" % (first, end))
            assert rc == 0, err
            assert out["Tags"] == ["Environment", "Owner", "aws:createdBy"]
            c = client(s, msp, service="ce")
            r = c.get_cost_categories(TimePeriod={"Start": first, "End": end}, CostCategoryName="Team")
            assert r["CostCategoryValues"] == sorted(teams)
            r = c.get_dimension_values(TimePeriod={"Start": first, "End": end}, Dimension="PLATFORM")
            assert {v["Value"] for v in r["DimensionValues"]} == {"Linux/UNIX", "NoPlatform"}
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)
