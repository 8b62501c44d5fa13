# SPDX-License-Identifier: MIT
"""Cost Explorer API (GetCostAndUsage, GetCostForecast, GetDimensionValues)
with the real `aws ce` and boto3 client("ce"), compared with sums computed
here independently from the CUR file the test writes and ingests. Also: a
customer's keys see only its accounts; a forecast and an anomaly with a
known answer; budget webhooks with a local receiver (delivery, retry after
a 500, HMAC-SHA256 signature)."""

import datetime
import hashlib
import hmac
import http.server
import json
import os
import re
import threading
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of

DAY = datetime.timedelta(days=1)
HDR = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
       "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
       "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
       "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount\n")
SERVICES = [("AmazonEC2", "BoxUsage:m5.large", "RunInstances", "us-east-1"),
            ("AmazonS3", "TimedStorage-ByteHrs", "PutObject", "eu-west-1"),
            ("AWSLambda", "Lambda-GB-Second", "Invoke", "us-east-1")]

# How Cost Explorer names the products of these files (the Billing console's
# names; AWS's Cost Explorer user guide): EC2 instance hours are "Compute",
# the rest of EC2 "EC2 - Other", and every Tax line is "Tax".
PRODUCT_NAMES = {"AmazonS3": "Amazon Simple Storage Service", "AWSLambda": "AWS Lambda"}
EC2_COMPUTE, EC2_OTHER = "Amazon Elastic Compute Cloud - Compute", "EC2 - Other"


def ce_service(line):
    """The SERVICE value Cost Explorer gives a line the test wrote."""
    lit, code, ut = line[1], line[3], line[4]
    if lit == "Tax":
        return "Tax"
    if code == "AmazonEC2":
        return EC2_COMPUTE if ut.split("-", 1)[-1].startswith("BoxUsage") else EC2_OTHER
    return PRODUCT_NAMES[code]


def today(srv):
    """The business clock's date (the emulator's clock may have moved)."""
    st, _, body = srv.post("/api/v1/test/clock", {"advance_seconds": 0})
    assert st == 200, body
    return datetime.date.fromisoformat(json.loads(body)["now"][:10])


class World:
    """An MSP (payer, organization), customers A (2 accounts) and B (1),
    an account that is in nobody's organization, and CUR files for the
    payer's month after everyone joined. With days_on, everyone joined
    today (self.joined) and the clock then moves that many days on."""

    def __init__(self, srv, new_account, tmp, days_on=0):
        self.srv = srv
        self.msp = new_account(name="MSP")
        self.mc = client(srv, self.msp)
        self.mc.create_organization(FeatureSet="ALL")
        srv.cli("msp", "set", self.msp.id, "--json")
        self.ca = srv.cli("customer", "create", "--name", "Alpha %d" % id(self),
                          "--contact", "a@example.com", "--json")["CustomerId"]
        self.cb = srv.cli("customer", "create", "--name", "Beta %d" % id(self),
                          "--contact", "b@example.com", "--json")["CustomerId"]
        self.a1, self.a2, self.b1 = (self.join(new_account, n) for n in ("A one", "A two", "B one"))
        for c, a in ((self.ca, self.a1), (self.ca, self.a2), (self.cb, self.b1)):
            srv.cli("customer", "add-account", c, a.id, "--json")
        self.stray = new_account(name="Stray")
        self.tmp = tmp
        self.lines = []
        if days_on:
            self.joined = today(srv)
            srv.advance(days_on * 86400)

    def join(self, new_account, name):
        a = new_account(name=name)
        h = self.mc.invite_account_to_organization(Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(self.srv, a).accept_handshake(HandshakeId=h["Id"])
        return a

    def write(self, month, days, cost, name="cur.csv", extra=()):
        """A CUR 2.0 file of the payer for `month` (a date on its 1st)."""
        path = os.path.join(self.tmp, name)
        rows = []
        accts = [self.a1.id, self.a2.id, self.b1.id, self.stray.id]
        for d in days:
            for i, acct in enumerate(accts):
                for k, (svc, ut, op, region) in enumerate(SERVICES):
                    c = cost(d, i, k)
                    rows.append((acct, "Usage", d, svc, ut, op, region, c, Decimal(k + 1)))
        rows.extend(extra)
        with open(path, "w") as f:
            f.write(HDR)
            for acct, lit, d, svc, ut, op, region, c, usage in rows:
                f.write("%s,%sT00:00:00Z,%s,%s,%sT10:00:00Z,%s,%s,%s,%s,OnDemand,USD,%s,%s\n" % (
                    self.msp.id, month.isoformat(), acct, lit, d.isoformat(), svc, ut, op,
                    region, c, usage))
        self.lines = rows
        return path

    def ingest(self, path):
        return self.srv.cli("ingest", path, "--json")


def month_after(d):
    return (d.replace(day=1) + 32 * DAY).replace(day=1)


@pytest.fixture
def world(srv, new_account, tmp_path):
    # Everyone joined today; move the clock 70 days on, so that the whole
    # next month lies between the joins and now.
    w = World(srv, new_account, str(tmp_path), days_on=70)
    w.month = month_after(w.joined)
    w.days = [w.month + i * DAY for i in range(10)]
    w.cost = lambda d, i, k: Decimal("%d.%03d" % (1 + i + k, d.day))
    w.ingest(w.write(w.month, w.days, w.cost, extra=[
        (w.a1.id, "Tax", w.days[0], "AmazonEC2", "", "", "", Decimal("5.5"), Decimal(0)),
        (w.a2.id, "Usage", w.days[1], "AmazonEC2", "USE1-EBS:VolumeUsage.gp3", "CreateVolume-Gp3",
         "us-east-1", Decimal("2.25"), Decimal(100))]))
    return w


def expected(w, accounts, by=None, customer=False):
    """Sums of the lines the test wrote: per key of `by` (a function of a
    line) or in total. A customer pays no AWS tax (the MSP adds its own)."""
    out = defaultdict(Decimal)
    for line in w.lines:
        acct, lit = line[0], line[1]
        if acct not in accounts:
            continue
        if customer and lit == "Tax":
            continue
        out[by(line) if by else None] += line[7]
    return out


def fix_tax(w):
    """The Tax line is account a1's (written so in the fixture)."""


def period(w, n=10):
    return {"Start": w.days[0].isoformat(), "End": (w.days[0] + n * DAY).isoformat()}


# AWS: GetCostAndUsage
def test_msp_sees_every_line_at_aws_figures_with_the_aws_cli(world):
    w = world
    fix_tax(w)
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%s,End=%s" % (period(w)["Start"], period(w)["End"]),
                       "--granularity", "MONTHLY", "--metrics", "UnblendedCost", "UsageQuantity",
                       "--group-by", "Type=DIMENSION,Key=LINKED_ACCOUNT")
    assert rc == 0, err
    allacct = {w.a1.id, w.a2.id, w.b1.id, w.stray.id}
    want = expected(w, allacct, by=lambda l: l[0])
    groups = out["ResultsByTime"][0]["Groups"]
    got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for g in groups}
    assert got == dict(want)
    assert groups[0]["Metrics"]["UnblendedCost"]["Unit"] == "USD"
    assert groups[0]["Metrics"]["UsageQuantity"]["Unit"] == "N/A"
    # The stray account is nobody's customer: listed, and billed to nobody.
    assert w.stray.id in got


def test_msp_net_unblended_is_what_customers_are_billed(world):
    w = world
    fix_tax(w)
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY",
                             Metrics=["NetUnblendedCost", "UnblendedCost"])
    tot = r["ResultsByTime"][0]["Total"]
    billed = sum(expected(w, {w.a1.id, w.a2.id, w.b1.id}, customer=True).values())
    everything = sum(expected(w, {w.a1.id, w.a2.id, w.b1.id, w.stray.id}).values())
    assert Decimal(tot["NetUnblendedCost"]["Amount"]) == billed
    assert Decimal(tot["UnblendedCost"]["Amount"]) == everything


def test_customer_keys_see_only_their_accounts(world):
    w = world
    fix_tax(w)
    for acct, mine in ((w.a1, {w.a1.id, w.a2.id}), (w.b1, {w.b1.id})):
        c = client(w.srv, acct, service="ce")
        r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="DAILY",
                                 Metrics=["UnblendedCost", "NetUnblendedCost", "AmortizedCost",
                                          "BlendedCost"],
                                 GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
        seen = set()
        for day in r["ResultsByTime"]:
            for g in day["Groups"]:
                seen.add(g["Keys"][0])
        assert seen == mine
        want = expected(w, mine, by=lambda l: l[2].isoformat(), customer=True)
        for day in r["ResultsByTime"]:
            s = sum(Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for g in day["Groups"])
            assert s == want.get(day["TimePeriod"]["Start"], 0)
            for g in day["Groups"]:
                m = g["Metrics"]
                assert m["UnblendedCost"] == m["NetUnblendedCost"] == m["AmortizedCost"] == m["BlendedCost"]
        vals = c.get_dimension_values(TimePeriod=period(w), Dimension="LINKED_ACCOUNT")
        assert {v["Value"] for v in vals["DimensionValues"]} == mine
        # Filtering on another customer's account yields nothing.
        other = w.b1.id if w.a1.id in mine else w.a1.id
        r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                 Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [other]}})
        assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == 0


# AWS: GetCostAndUsage
def test_two_group_bys_and_filter_expressions(world):
    w = world
    fix_tax(w)
    c = client(w.srv, w.msp, service="ce")
    f = {"And": [{"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}},
                 {"Not": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.stray.id]}}},
                 {"Or": [{"Dimensions": {"Key": "SERVICE", "Values": [EC2_COMPUTE]}},
                         {"Dimensions": {"Key": "USAGE_TYPE", "Values": ["Lambda-GB-Second"]}}]}]}
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"},
                                      {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}], Filter=f)
    assert r["GroupDefinitions"] == [{"Type": "DIMENSION", "Key": "SERVICE"},
                                     {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]
    got = {tuple(g["Keys"]): Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    want = defaultdict(Decimal)
    for l in w.lines:
        if l[6] == "us-east-1" and l[0] != w.stray.id and (
                ce_service(l) == EC2_COMPUTE or l[4] == "Lambda-GB-Second"):
            want[(ce_service(l), l[0])] += l[7]
    assert got == dict(want)
    # AWS's names are the values: the CUR's product code matches nothing.
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             Filter={"Dimensions": {"Key": "SERVICE", "Values": ["AmazonEC2"]}})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == 0
    # RECORD_TYPE separates the Tax line.
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}])
    got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"]) for g in r["ResultsByTime"][0]["Groups"]}
    assert got["Tax"] == Decimal("5.5")


# AWS: GetCostAndUsage GetDimensionValues
def test_service_names_as_aws_shows_them(world):
    """SERVICE is the product name, EC2 split into Compute and EC2 - Other,
    Tax lines "Tax"; sums per name from the CUR lines the test wrote."""
    w = world
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
    got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    assert got == dict(expected(w, {w.a1.id, w.a2.id, w.b1.id, w.stray.id}, by=ce_service))
    assert {"Tax", EC2_COMPUTE, EC2_OTHER} <= set(got) and "AmazonEC2" not in got
    # Filtering by AWS's name.
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%s,End=%s" % (period(w)["Start"], period(w)["End"]),
                       "--granularity", "MONTHLY", "--metrics", "UnblendedCost",
                       "--filter", json.dumps({"Dimensions": {"Key": "SERVICE", "Values": [EC2_OTHER]}}))
    assert rc == 0, err
    assert Decimal(out["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == Decimal("2.25")
    # A customer sees the same names on its own accounts' lines.
    r = client(w.srv, w.a1, service="ce").get_dimension_values(TimePeriod=period(w), Dimension="SERVICE")
    assert [v["Value"] for v in r["DimensionValues"]] == sorted(
        {ce_service(l) for l in w.lines if l[0] in (w.a1.id, w.a2.id)})


# AWS: GetCostAndUsage GetDimensionValues
def test_no_empty_operation_and_account_attributes(world):
    w = world
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "OPERATION"}])
    got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    want = expected(w, {w.a1.id, w.a2.id, w.b1.id, w.stray.id}, by=lambda l: l[5] or "NoOperation")
    assert "" not in got and got == dict(want) and got["NoOperation"] == Decimal("5.5")
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="DAILY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    attrs = {a["Value"]: a["Attributes"] for a in r["DimensionValueAttributes"]}
    assert attrs == {w.a1.id: {"description": "A one"}, w.a2.id: {"description": "A two"},
                     w.b1.id: {"description": "B one"}, w.stray.id: {"description": "Stray"}}
    # Without LINKED_ACCOUNT in GroupBy there are none.
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="DAILY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
    assert r["DimensionValueAttributes"] == []
    # A line of no region (the tax) is NoRegion, as AWS answers it.
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "REGION"}])
    got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
           for g in r["ResultsByTime"][0]["Groups"]}
    want = expected(w, {w.a1.id, w.a2.id, w.b1.id, w.stray.id}, by=lambda l: l[6] or "NoRegion")
    assert "" not in got and got == dict(want) and got["NoRegion"] == Decimal("5.5")
    r = c.get_dimension_values(TimePeriod=period(w), Dimension="REGION")
    assert "NoRegion" in [v["Value"] for v in r["DimensionValues"]]


# AWS: GetCostAndUsage GetDimensionValues
def test_instance_type_purchase_type_and_billing_entity(world):
    """Dimensions Cost Explorer derives from the line: INSTANCE_TYPE from
    instance-hour usage types (else NoInstanceType), PURCHASE_TYPE, and
    BILLING_ENTITY; sums per value from the lines the test wrote."""
    w = world
    c = client(w.srv, w.msp, service="ce")
    everyone = {w.a1.id, w.a2.id, w.b1.id, w.stray.id}

    def itype(l):
        ut = l[4].split("-", 1)[1] if re.match(r"^[A-Z0-9]{1,6}-", l[4]) else l[4]
        return ut.split(":", 1)[1] if ut.startswith("BoxUsage:") else "NoInstanceType"

    for dim, by in (("INSTANCE_TYPE", itype), ("PURCHASE_TYPE", lambda l: "On Demand Instances"),
                    ("BILLING_ENTITY", lambda l: "AWS")):
        r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                 GroupBy=[{"Type": "DIMENSION", "Key": dim}])
        got = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
               for g in r["ResultsByTime"][0]["Groups"]}
        assert got == dict(expected(w, everyone, by=by)), dim
    vals = c.get_dimension_values(TimePeriod=period(w), Dimension="INSTANCE_TYPE")["DimensionValues"]
    assert [v["Value"] for v in vals] == ["NoInstanceType", "m5.large"]
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             Filter={"Dimensions": {"Key": "INSTANCE_TYPE", "Values": ["m5.large"]}})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == \
        sum(expected(w, everyone, by=itype).get(k, 0) for k in ["m5.large"])


# AWS: GetCostAndUsage ValidationException
def test_missing_granularity_is_a_validation_error(world):
    """boto3 checks Granularity itself; with its checks off the server must."""
    import boto3
    import botocore.config
    w = world
    c = boto3.client("ce", endpoint_url=w.srv.url, region_name="us-east-1",
                     aws_access_key_id=w.msp["AccessKeyId"],
                     aws_secret_access_key=w.msp["SecretAccessKey"],
                     config=botocore.config.Config(parameter_validation=False,
                                                   retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod=period(w), Metrics=["UnblendedCost"])
    assert error_of(exc)[0] == "ValidationException"
    assert "Granularity" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod=period(w), Granularity="WEEKLY", Metrics=["UnblendedCost"])
    assert error_of(exc)[0] == "ValidationException"


# AWS: GetCostAndUsage ValidationException InvalidNextTokenException
def test_filter_depth_limit_and_bad_input(world):
    w = world
    c = client(w.srv, w.msp, service="ce")
    f = {"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}}
    for _ in range(10):
        f = {"Not": f}
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod=period(w), Granularity="DAILY", Metrics=["UnblendedCost"], Filter=f)
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod={"Start": "2020-01-05", "End": "2020-01-01"},
                             Granularity="DAILY", Metrics=["UnblendedCost"])
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod=period(w), Granularity="DAILY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
                             NextPageToken="bm9uc2Vuc2U")
    assert error_of(exc)[0] == "InvalidNextTokenException"


# AWS: GetCostAndUsage RequestChangedException
def test_pagination_and_request_changed(srv, new_account, tmp_path, monkeypatch):
    from conftest import Server
    monkeypatch.setenv("PAYERLINK_CE_PAGE_SIZE", "7")
    s = Server("--emulator")
    try:
        w = World(s, lambda **kw: new_account(server=s, **kw), str(tmp_path))
        w.joined = today(s)
        s.advance(70 * 86400)
        w.month = month_after(w.joined)
        w.days = [w.month + i * DAY for i in range(5)]
        w.ingest(w.write(w.month, w.days, lambda d, i, k: Decimal(i + k + 1)))
        c = client(s, w.msp, service="ce")
        req = dict(TimePeriod=period(w, 5), Granularity="DAILY", Metrics=["UnblendedCost"],
                   GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                            {"Type": "DIMENSION", "Key": "SERVICE"}])
        pages, tok, groups = 0, None, []
        while True:
            r = c.get_cost_and_usage(**req, **({"NextPageToken": tok} if tok else {}))
            pages += 1
            for day in r["ResultsByTime"]:
                groups += [(day["TimePeriod"]["Start"],) + tuple(g["Keys"]) for g in day["Groups"]]
            tok = r.get("NextPageToken")
            if not tok:
                break
            if pages == 1:
                with pytest.raises(ClientError) as exc:
                    c.get_cost_and_usage(**dict(req, Granularity="MONTHLY"), NextPageToken=tok)
                assert error_of(exc)[0] == "RequestChangedException"
        assert len(groups) == 5 * 4 * 3 == len(set(groups))
        assert pages == (60 + 6) // 7
        # The aws CLI follows the pages itself.
        rc, out, err = aws(s, w.msp, "ce", "get-dimension-values", "--time-period",
                           "Start=%s,End=%s" % (req["TimePeriod"]["Start"], req["TimePeriod"]["End"]),
                           "--dimension", "SERVICE")
        assert rc == 0, err
        assert [v["Value"] for v in out["DimensionValues"]] == sorted(
            ce_service(("", "Usage", None, code, ut)) for code, ut, _, _ in SERVICES)
    finally:
        s.stop()


# AWS: GetDimensionValues
def test_dimension_values_with_the_aws_cli(world):
    w = world
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%s,End=%s" % (period(w)["Start"], period(w)["End"]),
                       "--dimension", "LINKED_ACCOUNT")
    assert rc == 0, err
    vals = {v["Value"]: v["Attributes"] for v in out["DimensionValues"]}
    assert set(vals) == {w.a1.id, w.a2.id, w.b1.id, w.stray.id, }
    assert vals[w.a1.id]["description"] == "A one"
    assert out["TotalSize"] == 4
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%s,End=%s" % (period(w)["Start"], period(w)["End"]),
                       "--dimension", "SERVICE", "--search-string", "ec2")
    assert rc == 0, err
    assert [v["Value"] for v in out["DimensionValues"]] == [EC2_OTHER]
    rc, out, err = aws(w.srv, w.msp, "ce", "get-dimension-values", "--time-period",
                       "Start=%s,End=%s" % (period(w)["Start"], period(w)["End"]),
                       "--dimension", "SERVICE", "--search-string", "compute")
    assert rc == 0, err
    assert [v["Value"] for v in out["DimensionValues"]] == [EC2_COMPUTE]


# AWS: AccessDeniedException (Cost Explorer)
def test_an_unrelated_account_is_denied(world, new_account):
    x = new_account(name="Nobody")
    c = client(world.srv, x, service="ce")
    with pytest.raises(ClientError) as exc:
        c.get_cost_and_usage(TimePeriod=period(world), Granularity="DAILY", Metrics=["UnblendedCost"])
    assert error_of(exc)[0] == "AccessDeniedException"


# AWS: GetCostForecast ValidationException DataUnavailableException
def test_forecast_of_a_linear_series_has_the_known_answer(srv, new_account, tmp_path):
    """Daily cost 10 + 2t (t = day index): the forecast of the next days is
    exactly the continued line, with a zero-width interval."""
    # Now: 40 days later; history: the 30 days before now, one file per month.
    w = World(srv, new_account, str(tmp_path), days_on=40)
    now = today(srv)
    hist = [now - (30 - i) * DAY for i in range(30)]
    by_month = defaultdict(list)
    for d in hist:
        by_month[d.replace(day=1)].append(d)
    for n, (m, days) in enumerate(sorted(by_month.items())):
        w.ingest(w.write(m, days, lambda d, i, k: (Decimal(10 + 2 * hist.index(d)) / 3 if (i == 0) else Decimal(0)),
                         name="f%d.csv" % n))
    c = client(srv, w.a1, service="ce")
    start, end = now, now + 5 * DAY
    r = c.get_cost_forecast(TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
                            Metric="UNBLENDED_COST", Granularity="DAILY", PredictionIntervalLevel=90)
    want = [10 + 2 * (30 + j) for j in range(5)]
    got = [Decimal(x["MeanValue"]) for x in r["ForecastResultsByTime"]]
    for g, x in zip(got, want):
        assert abs(g - x) < Decimal("0.00001"), (got, want)
    assert abs(Decimal(r["Total"]["Amount"]) - sum(want)) < Decimal("0.0001")
    for x in r["ForecastResultsByTime"]:
        assert Decimal(x["PredictionIntervalLowerBound"]) <= Decimal(x["MeanValue"]) <= Decimal(x["PredictionIntervalUpperBound"])
    # The aws CLI: same answer.
    rc, out, err = aws(srv, w.a1, "ce", "get-cost-forecast", "--time-period",
                       "Start=%s,End=%s" % (start.isoformat(), end.isoformat()),
                       "--metric", "UNBLENDED_COST", "--granularity", "DAILY")
    assert rc == 0, err
    assert abs(Decimal(out["Total"]["Amount"]) - sum(want)) < Decimal("0.0001")
    # A forecast in the past is refused; no data: DataUnavailableException.
    with pytest.raises(ClientError) as exc:
        c.get_cost_forecast(TimePeriod={"Start": (now - 3 * DAY).isoformat(), "End": now.isoformat()},
                            Metric="UNBLENDED_COST", Granularity="DAILY")
    assert error_of(exc)[0] == "ValidationException"
    c2 = client(srv, w.b1, service="ce")
    with pytest.raises(ClientError) as exc:
        c2.get_cost_forecast(TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
                             Metric="UNBLENDED_COST", Granularity="DAILY")
    assert error_of(exc)[0] == "DataUnavailableException"


# AWS: GetUsageForecast UnresolvableUsageUnitException ValidationException
def test_usage_forecast_of_a_flat_series(srv, new_account, tmp_path):
    """Every account uses 1 hour of BoxUsage:m5.large a day for 30 days:
    customer A (two accounts) is forecast 2 a day, with the aws CLI and boto3."""
    w = World(srv, new_account, str(tmp_path), days_on=40)
    now = today(srv)
    hist = [now - (30 - i) * DAY for i in range(30)]
    by_month = defaultdict(list)
    for d in hist:
        by_month[d.replace(day=1)].append(d)
    for n, (m, days) in enumerate(sorted(by_month.items())):
        w.ingest(w.write(m, days, lambda d, i, k: Decimal(1), name="u%d.csv" % n))
    per_day = defaultdict(Decimal)      # usage of customer A's accounts per day, from the file
    for l in w.lines:
        if l[0] in (w.a1.id, w.a2.id) and l[4] == "BoxUsage:m5.large":
            per_day[l[2]] += l[8]
    flat = set(per_day.values())
    assert len(flat) == 1
    daily = flat.pop()
    start, end = now, now + 5 * DAY
    f = {"Dimensions": {"Key": "USAGE_TYPE", "Values": ["BoxUsage:m5.large"]}}
    c = client(srv, w.a1, service="ce")
    r = c.get_usage_forecast(TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
                             Metric="USAGE_QUANTITY", Granularity="DAILY", Filter=f)
    assert [abs(Decimal(x["MeanValue"]) - daily) < Decimal("0.00001")
            for x in r["ForecastResultsByTime"]] == [True] * 5
    assert abs(Decimal(r["Total"]["Amount"]) - 5 * daily) < Decimal("0.0001")
    rc, out, err = aws(srv, w.a1, "ce", "get-usage-forecast", "--time-period",
                       "Start=%s,End=%s" % (start.isoformat(), end.isoformat()),
                       "--metric", "USAGE_QUANTITY", "--granularity", "DAILY",
                       "--filter", json.dumps(f))
    assert rc == 0, err
    assert abs(Decimal(out["Total"]["Amount"]) - 5 * daily) < Decimal("0.0001")
    # Units cannot be added up without a usage type; cost metrics are not usage.
    with pytest.raises(ClientError) as exc:
        c.get_usage_forecast(TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
                             Metric="USAGE_QUANTITY", Granularity="DAILY")
    assert error_of(exc)[0] == "UnresolvableUsageUnitException"
    with pytest.raises(ClientError) as exc:
        c.get_usage_forecast(TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
                             Metric="UNBLENDED_COST", Granularity="DAILY", Filter=f)
    assert error_of(exc)[0] == "ValidationException"


# AWS: GetCostAndUsage ValidationException
def test_dimension_match_options(world):
    """Dimensions take EQUALS and CASE_SENSITIVE (AWS's rule); the others
    are for tags and cost categories."""
    w = world
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                             Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.a2.id],
                                                    "MatchOptions": ["EQUALS", "CASE_SENSITIVE"]}})
    assert Decimal(r["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == \
        sum(expected(w, {w.a2.id}).values())
    for mo in ("STARTS_WITH", "CONTAINS", "ABSENT"):
        with pytest.raises(ClientError) as exc:
            c.get_cost_and_usage(TimePeriod=period(w), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                 Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [w.a2.id],
                                                        "MatchOptions": [mo]}})
        assert error_of(exc)[0] == "ValidationException", mo


class Portal:
    """A browser-like session of the billing portal (cookies, CSRF)."""

    def __init__(self, srv, email, password):
        import http.cookiejar
        import re
        import urllib.parse
        import urllib.request
        self.srv, self.re, self.parse = srv, re, urllib.parse
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/signin")[1]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        st, body = self.post("/signin", {"csrf": csrf, "email": email, "password": password})
        assert st == 200 and "Billing overview" in body, body[:500]

    def get(self, path):
        import urllib.error
        try:
            with self.op.open(self.srv.url + path, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, path, form):
        import urllib.error
        import urllib.request
        req = urllib.request.Request(self.srv.url + path, data=self.parse.urlencode(form).encode(),
                                     method="POST")
        try:
            with self.op.open(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def csrf(self, page):
        return self.re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_portal_customer_user_sees_only_its_customer(world):
    w = world
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "alice@a.example",
              "--password", "alice-password", "--json")
    p = Portal(w.srv, "alice@a.example", "alice-password")
    q = "from=%s&to=%s&group=LINKED_ACCOUNT&granularity=MONTHLY" % (
        w.days[0].isoformat(), w.days[-1].isoformat())
    st, csv_text = p.get("/portal/costs.csv?" + q)
    assert st == 200
    got = {}
    for line in csv_text.strip().split("\r\n")[1:]:
        _, acct, cost, _ = line.split(",")
        got[acct] = Decimal(cost)
    want = expected(w, {w.a1.id, w.a2.id}, by=lambda l: l[0], customer=True)
    assert got == dict(want)
    # Another customer's id in the URL changes nothing.
    st, other = p.get("/portal/costs.csv?%s&customer=%s" % (q, w.cb))
    assert other == csv_text and w.b1.id not in other
    # The console's other pages are not a portal user's.
    st, body = p.get("/customers")
    assert "Billing overview" in body


def test_anomaly_on_a_synthetic_spike_has_the_known_root_cause(srv, new_account, tmp_path):
    """A flat 2 USD/day for every (account, service), and one day on which
    account a2's EC2 costs 50: exactly one anomaly, root cause its usage
    type, impact 48."""
    w = World(srv, new_account, str(tmp_path), days_on=40)
    now = today(srv)
    hist = [now - (30 - i) * DAY for i in range(30)]
    spike = hist[25]
    by_month = defaultdict(list)
    for d in hist:
        by_month[d.replace(day=1)].append(d)
    for n, (m, days) in enumerate(sorted(by_month.items())):
        w.ingest(w.write(m, days, lambda d, i, k: Decimal(50) if (d == spike and i == 1 and k == 0)
                         else Decimal(2), name="a%d.csv" % n))
    srv.cli("user", "create", "--customer", w.ca, "--email", "ann@a.example",
            "--password", "ann-password", "--json")
    p = Portal(srv, "ann@a.example", "ann-password")
    st, page = p.get("/portal/anomalies")
    assert st == 200
    names = {ce_service(("", "Usage", None, code, ut)) for code, ut, _, _ in SERVICES}
    rows = [r for r in page.split("<tr>")[2:] if any(n in r for n in names)]
    assert len(rows) == 1, page
    r = rows[0]
    assert spike.isoformat() in r and w.a2.id in r and EC2_COMPUTE in r and "BoxUsage:m5.large" in r
    assert "48.00 USD" in r and "OPEN" in r
    # Acknowledge it.
    action = p.re.search(r'action="(/portal/anomalies/[0-9a-f]{32}/acknowledge)"', page).group(1)
    st, page = p.post(action, {"csrf": p.csrf(page)})
    assert st == 200 and "ACKNOWLEDGED" in page
    # Customer B's user sees none of it.
    srv.cli("user", "create", "--customer", w.cb, "--email", "bob@b.example",
            "--password", "bob-password", "--json")
    st, page = Portal(srv, "bob@b.example", "bob-password").get("/portal/anomalies")
    assert "No anomalies in the last 60 days" in page and w.a2.id not in page


# AWS: GetAnomalies GetAnomalyMonitors GetAnomalySubscriptions UnknownMonitorException
def test_anomalies_through_the_api(srv, new_account, tmp_path):
    """The same synthetic spike as the portal's test, through Cost
    Explorer's anomaly API: one anomaly, root cause account a2's EC2
    instance hours, impact 48 (50 against a flat 2), on the one monitor."""
    w = World(srv, new_account, str(tmp_path), days_on=40)
    now = today(srv)
    hist = [now - (30 - i) * DAY for i in range(30)]
    spike = hist[25]
    by_month = defaultdict(list)
    for d in hist:
        by_month[d.replace(day=1)].append(d)
    for n, (m, days) in enumerate(sorted(by_month.items())):
        w.ingest(w.write(m, days, lambda d, i, k: Decimal(50) if (d == spike and i == 1 and k == 0)
                         else Decimal(2), name="s%d.csv" % n))
    c = client(srv, w.a1, service="ce")
    mons = c.get_anomaly_monitors()["AnomalyMonitors"]
    assert len(mons) == 1 and mons[0]["MonitorType"] == "DIMENSIONAL" and \
        mons[0]["MonitorDimension"] == "SERVICE"
    arn = mons[0]["MonitorArn"]
    assert arn.startswith("arn:aws:ce::%s:anomalymonitor/" % w.a1.id)
    interval = {"StartDate": hist[0].isoformat(), "EndDate": now.isoformat()}
    got = c.get_anomalies(DateInterval=interval)["Anomalies"]
    assert len(got) == 1, got
    a = got[0]
    assert a["AnomalyStartDate"] == a["AnomalyEndDate"] == spike.isoformat()
    assert a["DimensionValue"] == EC2_COMPUTE and a["MonitorArn"] == arn
    assert a["RootCauses"] == [{"Service": EC2_COMPUTE, "LinkedAccount": w.a2.id,
                                "LinkedAccountName": "A two", "UsageType": "BoxUsage:m5.large"}]
    assert a["Impact"]["TotalImpact"] == a["Impact"]["MaxImpact"] == 48
    # Members newer than Debian's botocore, on the wire.
    from test_protocol import call
    st, _, raw = call(srv, w.a1, "GetAnomalies", {"DateInterval": interval}, service="ce",
                      target="AWSInsightsIndexService.GetAnomalies")
    assert st == 200, raw
    imp = raw["Anomalies"][0]["Impact"]
    assert (imp["TotalActualSpend"], imp["TotalExpectedSpend"], imp["TotalImpactPercentage"]) == \
        (50, 2, 2400)
    assert "Feedback" not in a
    # Filters: impact above 100, another monitor: nothing.
    assert c.get_anomalies(DateInterval=interval, TotalImpact={
        "NumericOperator": "GREATER_THAN", "StartValue": 100})["Anomalies"] == []
    assert c.get_anomalies(DateInterval=interval, TotalImpact={
        "NumericOperator": "BETWEEN", "StartValue": 40, "EndValue": 50})["Anomalies"] == got
    assert c.get_anomalies(DateInterval=interval, Feedback="YES")["Anomalies"] == []
    rc, out, err = aws(srv, w.a1, "ce", "get-anomalies", "--date-interval",
                       "StartDate=%s,EndDate=%s" % (interval["StartDate"], interval["EndDate"]),
                       "--monitor-arn", arn)
    assert rc == 0, err
    assert [x["AnomalyId"] for x in out["Anomalies"]] == [a["AnomalyId"]]
    # Customer B sees none of it; nobody has subscriptions.
    assert client(srv, w.b1, service="ce").get_anomalies(DateInterval=interval)["Anomalies"] == []
    assert c.get_anomaly_subscriptions()["AnomalySubscriptions"] == []
    rc, out, err = aws(srv, w.a1, "ce", "get-anomaly-monitors")
    assert rc == 0, err
    assert [m["MonitorArn"] for m in out["AnomalyMonitors"]] == [arn]
    rc, out, err = aws(srv, w.a1, "ce", "get-anomaly-subscriptions", "--monitor-arn", arn)
    assert rc == 0, err
    assert out["AnomalySubscriptions"] == []
    with pytest.raises(ClientError) as exc:
        c.get_anomaly_monitors(MonitorArnList=["arn:aws:ce::%s:anomalymonitor/nope" % w.a1.id])
    assert error_of(exc)[0] == "UnknownMonitorException"
    with pytest.raises(ClientError) as exc:
        c.get_anomalies(DateInterval={"StartDate": "yesterday"})
    assert error_of(exc)[0] == "ValidationException"


class Hook(http.server.BaseHTTPRequestHandler):
    got = []
    fail_first = [True]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.got.append((dict(self.headers), body))
        if Hook.fail_first[0]:
            Hook.fail_first[0] = False
            self.send_response(500)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def test_budget_webhook_is_signed_and_retried_after_a_500(world):
    w = world
    Hook.got.clear()
    Hook.fail_first[0] = True
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        # This month's cost so far crosses a tiny budget.
        now = today(w.srv)
        days = [now.replace(day=1) + i * DAY for i in range(now.day)]
        w.ingest(w.write(now.replace(day=1), days, lambda d, i, k: Decimal(1), name="now.csv"))
        b = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "tiny", "--amount", "0.01",
                      "--actual", "100", "--forecast", "0", "--webhook",
                      "http://127.0.0.1:%d/hook" % httpd.server_port, "--secret", "s3cret", "--json")
        w.srv.cli("budget", "check", "--customer", w.ca, "--json")
        deadline = time.time() + 20
        while len(Hook.got) < 2 and time.time() < deadline:
            time.sleep(0.2)
        assert len(Hook.got) >= 2, Hook.got
        for headers, body in Hook.got[:2]:
            sig = headers["X-Payerlink-Signature"]
            assert sig == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        first, second = json.loads(Hook.got[0][1]), json.loads(Hook.got[1][1])
        assert first == second and first["budget_id"] == b["BudgetId"] and first["kind"] == "ACTUAL"
        assert Decimal(first["value"]) == 2 * 3 * len(days)
        rows = w.srv.cli("budget", "check", "--customer", w.ca, "--json")["Budgets"]
        assert rows[0]["ActualOver"] is True
        # One alert per budget, month and kind: no third delivery.
        time.sleep(1.5)
        assert len(Hook.got) == 2
    finally:
        httpd.shutdown()
