# SPDX-License-Identifier: MIT
"""Billing follows the transfer (issue 20, docs/billing.md "Whose cost it
is"): from request to invoice by the desk's billing-transfer route. From the
transfer's start to its end the source organization's bills (payer: its
management account) are the MSP's, rebilled to the customer that owns the
organization, all of its accounts; before and after they are not. The import
report, the reconciliation (which still balances) and Cost Explorer show
them as the transferred organization's."""

import calendar
import datetime
import os
from decimal import Decimal

import pytest

from conftest import client, sql
from newest import peer  # noqa: F401 (fixture)
from test_invoices import Cur, Env


def month_add(period, k):
    y, m = int(period[:4]), int(period[5:7]) - 1 + k
    return "%04d-%02d" % (y + m // 12, m % 12 + 1)


def month_start_s(period):
    return calendar.timegm((int(period[:4]), int(period[5:7]), 1, 0, 0, 0))


def move_clock_to(srv, when):
    now = datetime.datetime.strptime(srv.advance(0)[:19], "%Y-%m-%dT%H:%M:%S")
    target = datetime.datetime.strptime(when, "%Y-%m-%d %H:%M")
    srv.advance(int((target - now).total_seconds()))


@pytest.fixture
def env(srv, new_account, tmp_path):
    return Env(srv, new_account, str(tmp_path))


def ingest(env, cur, name, *extra, check=True):
    path = cur.write(os.path.join(env.tmp, name))
    return env.srv.cli("ingest", path, "--json", *extra, check=check)


def invoice(env, cust, period, check=True):
    return env.srv.cli("invoice", "show", "--customer", cust, "--period", period,
                       "--json", check=check)


# AWS: AcceptHandshake
# AWS: TerminateResponsibilityTransfer
# AWS: ListInboundResponsibilityTransfers
def test_billing_transfer_from_request_to_invoice(env, peer):
    srv = env.srv
    M1 = env.period                  # the transfer's first month
    M0, M2, M3 = month_add(M1, -1), month_add(M1, 1), month_add(M1, 2)
    # The customer's own organization: its management account and a member.
    s = env.new_account(name="Initech root")
    sc = client(srv, s)
    org = sc.create_organization()["Organization"]
    x = env.new_account(name="Initech dev")
    h = sc.invite_account_to_organization(Target={"Id": x.id, "Type": "ACCOUNT"})["Handshake"]
    client(srv, x).accept_handshake(HandshakeId=h["Id"])
    cust = env.customer("Initech")
    other = env.customer("Other Corp")
    y = env.member(other)            # one of the MSP's own members

    # The desk proposes the billing transfer for case 3 and sends it.
    email = sql(srv.db, "SELECT email FROM accounts WHERE id = ?", (s.id,))[0][0]
    req = srv.cli("onboard", "request", "--customer", cust, "--account", s.id,
                  "--email", email, "--route", "billing-transfer", "--json")
    assert req["Case"] == 3 and req["Route"] == "billing-transfer"
    assert req["RecommendedRoute"] == "billing-transfer"
    assert req["TransferStart"] == M1 + "-01T00:00:00Z"
    v = srv.cli("onboard", "show", req["OnboardingId"], "--json")
    assert v["Route"] == "billing-transfer" and v["State"] == "INVITED"
    assert [(o["Route"], o["Recommended"]) for o in v["RouteOptions"]] == [
        ("billing-transfer", True), ("invite", False)]
    assert [(st["Key"], st["Status"]) for st in v["Steps"]] == [
        ("ACCEPT_TRANSFER", "NEXT"), ("TRANSFER_STARTS", "PENDING")]
    # The customer owns its organization's accounts, not only the root.
    owned = srv.cli("customer", "show", cust, "--json")["Accounts"]
    assert sorted(a["AccountId"] for a in owned) == sorted([s.id, x.id])

    # Its management account accepts (Debian's boto3 knows AcceptHandshake).
    got = sc.list_handshakes_for_account()["Handshakes"]
    assert [(g["Id"], g["Action"]) for g in got] == [(req["HandshakeId"],
                                                      "TRANSFER_RESPONSIBILITY")]
    sc.accept_handshake(HandshakeId=req["HandshakeId"])
    v = srv.cli("onboard", "show", req["OnboardingId"], "--json")
    assert v["State"] == "LINKED" and v["TransferStatus"] == "ACCEPTED"
    assert v["JoinedAt"] is None and v["BillingGapMinutes"] is None
    # It keeps its organization and its member.
    assert sc.describe_organization()["Organization"]["Id"] == org["Id"]

    cur = lambda p: (Cur(s.id, p).add(s.id, "10.00", day=3)
                     .add(x.id, "20.00", day=12, product="AmazonS3", usage="TimedStorage")
                     .add("000000000777", "5.00", day=5))   # never in its organization
    # Before the transfer its bill is not the MSP's: refused, or reference.
    p = ingest(env, cur(M0), "m0.csv", check=False)
    assert p.returncode == 1 and "source of billing transfer %s" % req["TransferId"] in p.stderr
    assert "--reference" in p.stderr
    assert ingest(env, cur(M0), "m0.csv", "--reference")["role"] == "reference"
    # In its months: the MSP's, and the report says whose it is.
    r1 = ingest(env, cur(M1), "m1.csv")
    assert r1["role"] == "billing" and r1["payer_account_id"] == s.id
    assert r1["transfer"] == {"id": req["TransferId"], "organization_id": org["Id"]}
    assert Decimal(r1["out_of_membership"]["unblended_cost"]) == Decimal("5.00")
    env.ingest(env.cur().add(y, "7.00", day=8))                     # the MSP's own M1

    # The MSP ends it with February: the transfer covers M1 and M2.
    move_clock_to(srv, M1 + "-10 09:00")
    end = month_start_s(M3) - 0.001
    t = peer.call(srv, env.msp, "TerminateResponsibilityTransfer", Id=req["TransferId"],
                  EndTimestamp=end)["ResponsibilityTransfer"]
    assert t["Status"] == "WITHDRAWN"
    r2 = ingest(env, cur(M2), "m2.csv")
    assert r2["transfer"]["id"] == req["TransferId"]
    p = ingest(env, cur(M3), "m3.csv", check=False)
    assert p.returncode == 1 and "from %s to %s" % (M1, M2) in p.stderr

    # Invoices: the customer's organization, all of its accounts, for the
    # months of the transfer and nothing outside them.
    for period in (M1, M2):
        inv = invoice(env, cust, period)
        assert sorted((l["AccountId"], l["AwsCost"]) for l in inv["Lines"]) == sorted(
            [(s.id, "10.00"), (x.id, "20.00")])
        assert inv["PeriodStart"] == period + "-01"
    for period in (M0, M3):
        p = invoice(env, cust, period, check=False)
        assert p.returncode == 1 and "nothing to invoice" in p.stderr
    assert {l["AccountId"] for l in invoice(env, other, M1)["Lines"]} == {y}

    # The reconciliation balances with the transfer's source in it.
    rec = srv.cli("invoice", "reconcile", "--period", M1, "--json")
    assert rec["Balanced"] and Decimal(rec["Difference"]) == 0, rec
    assert Decimal(rec["AwsTotal"]) == Decimal("42.00")
    assert Decimal(rec["OutOfMembership"]) == Decimal("5.00")
    assert rec["Sources"] == 2
    rec0 = srv.cli("invoice", "reconcile", "--period", M0, "--json")
    assert Decimal(rec0["AwsTotal"]) == 0 and rec0["Balanced"]

    # Cost Explorer with the MSP's keys: its own bill and the transferred
    # organization's, each under its payer.
    r = client(srv, env.msp, "ce").get_cost_and_usage(
        TimePeriod={"Start": M1 + "-01", "End": M2 + "-01"}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "PAYER_ACCOUNT"}])
    groups = {g["Keys"][0]: Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
              for g in r["ResultsByTime"][0]["Groups"]}
    assert groups == {s.id: Decimal("35.00"), env.msp.id: Decimal("7.00")}

    # After its end the timeline says so.
    move_clock_to(srv, M3 + "-02 00:00")
    v = srv.cli("onboard", "show", req["OnboardingId"], "--json")
    ev = [e["Event"] for e in v["Timeline"]]
    assert "TRANSFER_STARTED" in ev and "TRANSFER_ENDED" in ev
    assert v["TransferEnd"] is not None


def test_billing_transfer_is_for_case_3(env):
    """A standalone account or a member has no organization's bill to move."""
    srv = env.srv
    a = env.new_account(name="alone")
    email = sql(srv.db, "SELECT email FROM accounts WHERE id = ?", (a.id,))[0][0]
    cust = env.customer("Alone Inc")
    p = srv.cli("onboard", "request", "--customer", cust, "--account", a.id, "--email",
                email, "--route", "billing-transfer", "--json", check=False)
    assert p.returncode == 2 and "case 1" in p.stderr
    p = srv.cli("onboard", "request", "--customer", cust, "--account", a.id, "--email",
                email, "--start", "2030-01", check=False)
    assert p.returncode == 2


def test_request_names_the_recommended_route(env):
    """The desk says which route is best for the case, whichever was asked:
    billing transfer for a management account (case 3), the invitation for
    a standalone account (case 1)."""
    srv = env.srv
    a = env.new_account(name="alone")
    email = sql(srv.db, "SELECT email FROM accounts WHERE id = ?", (a.id,))[0][0]
    r = srv.cli("onboard", "request", "--customer", env.customer("Alone Inc"),
                "--account", a.id, "--email", email, "--json")
    assert r["Case"] == 1 and r["Route"] == "invite"
    assert r["RecommendedRoute"] == "invite"

    s = env.new_account(name="Globex root")
    client(srv, s).create_organization()
    email = sql(srv.db, "SELECT email FROM accounts WHERE id = ?", (s.id,))[0][0]
    cust = env.customer("Globex")
    p = srv.cli("onboard", "request", "--customer", cust, "--account", s.id,
                "--email", email, check=False)
    assert p.returncode == 0, p.stderr
    assert "--route billing-transfer" in p.stdout, p.stdout
    oid = sql(srv.db, "SELECT id FROM onboardings WHERE account_id = ?", (s.id,))[0][0]
    v = srv.cli("onboard", "show", oid, "--json")
    assert v["Case"] == 3 and v["Route"] == "invite"
    rec = [o["Route"] for o in v["RouteOptions"] if o["Recommended"]]
    assert rec == ["billing-transfer"]
