# SPDX-License-Identifier: MIT
"""The MSP's prices over REST (issue 7, docs/api.md), SigV4-signed with
service "payerlink": pricing rules (add, overlap refused, delete), custom line
items (flat fee, credit, percentage with a minimum, one-off), the monthly
exchange rate table, and the customer's commitment policy through PATCH
/api/v1/customers/{id}; each change shows in the draft invoice's JSON.
Only the MSP's keys may use any of it. Run with
PAYERLINK_BIN=... /usr/bin/python3 -m pytest tests/api/test_pricing_api.py"""

import json
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from test_invoices import Env, commitment_usage


@pytest.fixture
def env(srv, new_account, tmp_path):
    return Env(srv, new_account, str(tmp_path))


def rest(srv, acct, method, path, body=None):
    """A SigV4-signed call: (status, parsed JSON or None for an empty body)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    req = AWSRequest(method=method, url=srv.url + path, data=data or b"", headers=headers)
    SigV4Auth(Credentials(acct["AccessKeyId"], acct["SecretAccessKey"]), "payerlink",
              "us-east-1").add_auth(req)
    r = urllib.request.Request(srv.url + path, data=data, method=method,
                               headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


def adjustments(inv):
    return {a["Description"]: (a["Kind"], a["Amount"]) for a in inv["Adjustments"]}


def test_rules_add_overlap_delete_change_the_invoice(env):
    srv, P = env.srv, env.period
    c = env.customer("Rho Corp", tax=10)
    c1 = env.member(c)
    env.ingest(env.cur().add(c1, "100.00").add(c1, "20.00", product="AmazonS3",
                                               usage="TimedStorage-ByteHrs"))
    assert env.show(c)["Subtotal"] == "120.00"
    st, rule = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                    {"CustomerId": c, "Percent": "-10", "From": P})
    assert st == 201 and rule["Scope"] == "customer" and rule["Percent"] == "-10"
    # 120 - 10 % = 108; tax 10 % = 10.80.
    inv = env.show(c)
    assert (inv["Subtotal"], inv["Tax"], inv["Total"]) == ("108.00", "10.80", "118.80")
    # The same scope in an overlapping period: 409, naming the rule.
    st, body = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                    {"CustomerId": c, "Percent": "5", "From": P})
    assert st == 409 and body["Error"]["Code"] == "PricingRuleOverlap"
    assert rule["RuleId"] in body["Error"]["Message"]
    # A more specific scope wins: S3 +50 % -> 30; EC2 stays at -10 % -> 90.
    st, s3 = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                  {"CustomerId": c, "Service": "AmazonS3", "Percent": "50", "From": P})
    assert st == 201 and s3["Scope"] == "service"
    assert env.show(c)["Subtotal"] == "120.00"
    # Numbers are refused (decimal strings only).
    st, body = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                    {"CustomerId": c, "Percent": -10, "From": P})
    assert st == 400 and "Percent" in body["Error"]["Message"]
    # DELETE: 204, then 404; the invoice is back to the AWS cost + S3 rule.
    st, body = rest(srv, env.msp, "DELETE", "/api/v1/pricing-rules/" + rule["RuleId"])
    assert st == 204 and body is None
    st, body = rest(srv, env.msp, "DELETE", "/api/v1/pricing-rules/" + rule["RuleId"])
    assert st == 404 and body["Error"]["Code"] == "NotFound"
    assert env.show(c)["Subtotal"] == "130.00"
    st, body = rest(srv, env.msp, "GET", "/api/v1/pricing-rules?customer=" + c)
    assert st == 200 and [r["RuleId"] for r in body["Rules"]] == [s3["RuleId"]]
    st, body = rest(srv, env.msp, "PUT", "/api/v1/pricing-rules/" + s3["RuleId"])
    assert st == 400 and body["Error"]["Code"] == "MethodNotAllowed"


def test_line_items_fees_credits_percent_minimum(env):
    srv, P = env.srv, env.period
    c = env.customer("Sigma Corp")
    c1 = env.member(c)
    env.ingest(env.cur().add(c1, "200.00"))
    st, fee = rest(srv, env.msp, "POST", "/api/v1/line-items",
                   {"CustomerId": c, "Description": "Managed service", "Amount": "50",
                    "From": P})
    assert st == 201 and fee["ItemId"].startswith("cli-") and fee["Kind"] == "FLAT"
    assert fee["To"] is None and fee["Currency"] == "USD"
    st, credit = rest(srv, env.msp, "POST", "/api/v1/line-items",
                      {"CustomerId": c, "Description": "Welcome credit", "Amount": "-15",
                       "From": P, "Once": True})
    assert st == 201 and credit["To"] == P
    # 3 % of EC2 = 6 < minimum 25.
    st, sup = rest(srv, env.msp, "POST", "/api/v1/line-items",
                   {"CustomerId": c, "Description": "Support", "Percent": "3",
                    "Of": "AmazonEC2", "Minimum": "25", "From": P})
    assert st == 201 and sup["Kind"] == "PERCENT" and sup["Of"] == "AmazonEC2"
    inv = env.show(c)
    assert adjustments(inv) == {"Managed service": ("FEE", "50.00"),
                                "Welcome credit": ("CREDIT", "-15.00"),
                                "Support": ("FEE", "25.00")}
    assert inv["Subtotal"] == "260.00"
    st, body = rest(srv, env.msp, "GET", "/api/v1/line-items?customer=" + c)
    assert st == 200 and len(body["Items"]) == 3
    # Both an amount and a percent: 400 from the domain.
    st, body = rest(srv, env.msp, "POST", "/api/v1/line-items",
                    {"CustomerId": c, "Amount": "5", "Percent": "3"})
    assert st == 400 and "either" in body["Error"]["Message"]
    st, body = rest(srv, env.msp, "POST", "/api/v1/line-items",
                    {"CustomerId": c, "Amount": "5", "Once": "yes"})
    assert st == 400 and "Once" in body["Error"]["Message"]
    st, _ = rest(srv, env.msp, "DELETE", "/api/v1/line-items/" + fee["ItemId"])
    assert st == 204
    st, body = rest(srv, env.msp, "DELETE", "/api/v1/line-items/" + fee["ItemId"])
    assert st == 404
    assert env.show(c)["Subtotal"] == "210.00"


def test_fx_table_converts_the_invoice(env):
    srv, P = env.srv, env.period
    c = env.customer("Hangang Co", currency="KRW")
    c1 = env.member(c)
    env.ingest(env.cur().add(c1, "10.00"))
    st, body = rest(srv, env.msp, "GET", "/api/v1/fx/" + P)
    assert st == 200 and body == {"Period": P, "Rates": []}
    st, rate = rest(srv, env.msp, "PUT", "/api/v1/fx/" + P,
                    {"From": "USD", "To": "KRW", "Rate": "1387.25"})
    assert st == 200 and rate == {"Period": P, "Base": "USD", "Quote": "KRW",
                                  "Rate": "1387.25"}
    inv = env.show(c)
    # 10 x 1387.25 = 13872.5 -> 13872 (half-even, KRW has no minor unit).
    assert inv["Currency"] == "KRW" and inv["Subtotal"] == "13872"
    assert inv["ExchangeRate"]["Rate"] == "1387.25"
    # Setting it again replaces the month's rate.
    st, _ = rest(srv, env.msp, "PUT", "/api/v1/fx/" + P,
                 {"From": "USD", "To": "KRW", "Rate": "1400"})
    assert st == 200 and env.show(c)["Subtotal"] == "14000"
    st, body = rest(srv, env.msp, "GET", "/api/v1/fx/" + P)
    assert st == 200 and [r["Rate"] for r in body["Rates"]] == ["1400.00"]
    st, body = rest(srv, env.msp, "GET", "/api/v1/fx")
    assert st == 200 and body["Period"] is None and len(body["Rates"]) == 1
    for bad in ({"From": "USD", "To": "KRW", "Rate": "-1"},
                {"From": "USD", "To": "USD", "Rate": "1"},
                {"From": "USD", "Rate": "1"}):
        st, body = rest(srv, env.msp, "PUT", "/api/v1/fx/" + P, bad)
        assert st == 400, bad
    st, body = rest(srv, env.msp, "PUT", "/api/v1/fx/2026-13",
                    {"From": "USD", "To": "KRW", "Rate": "1"})
    assert st == 400 and "period" in body["Error"]["Message"]


def test_commitment_through_customer_patch(env):
    srv = env.srv
    c = env.customer("Tau Corp")
    c1 = env.member(c)
    env.ingest(commitment_usage(env, c1))
    st, body = rest(srv, env.msp, "GET", "/api/v1/customers/" + c)
    assert st == 200 and body["Commitment"] == "pass-through"
    assert env.show(c)["Subtotal"] == "165.00"
    st, body = rest(srv, env.msp, "PATCH", "/api/v1/customers/" + c, {"Commitment": "keep"})
    assert st == 200 and body["Commitment"] == "keep"
    assert env.show(c)["Subtotal"] == "190.00"
    st, body = rest(srv, env.msp, "PATCH", "/api/v1/customers/" + c,
                    {"Commitment": "share:50", "TaxRate": "10"})
    assert st == 200 and body["Commitment"] == "share:50" and body["TaxRate"] == "10"
    inv = env.show(c)
    assert (inv["Subtotal"], inv["Tax"]) == ("174.00", "17.40")
    st, body = rest(srv, env.msp, "PATCH", "/api/v1/customers/" + c,
                    {"Commitment": "share:150", "TaxRate": "20"})
    assert st == 400 and "commitment" in body["Error"]["Message"]
    st, body = rest(srv, env.msp, "GET", "/api/v1/customers/" + c)
    assert body["Commitment"] == "share:50" and body["TaxRate"] == "10"


def test_only_the_msp(env, new_account):
    srv, P = env.srv, env.period
    c = env.customer("Upsilon Corp")
    st, rule = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                    {"CustomerId": c, "Percent": "-10", "From": P})
    assert st == 201
    other = new_account()
    for method, path, body in [
            ("DELETE", "/api/v1/pricing-rules/" + rule["RuleId"], None),
            ("GET", "/api/v1/line-items", None),
            ("POST", "/api/v1/line-items", {"CustomerId": c, "Amount": "5"}),
            ("GET", "/api/v1/fx/" + P, None),
            ("PUT", "/api/v1/fx/" + P, {"From": "USD", "To": "KRW", "Rate": "1"}),
            ("PATCH", "/api/v1/customers/" + c, {"Commitment": "keep"})]:
        st, out = rest(srv, other, method, path, body)
        assert st == 403, (method, path, out)
    # Unsigned: 403 MissingAuthenticationToken.
    r = urllib.request.Request(srv.url + "/api/v1/fx/" + P, method="GET")
    with pytest.raises(urllib.error.HTTPError) as ei:
        urllib.request.urlopen(r, timeout=30)
    assert ei.value.code == 403
    st, body = rest(srv, env.msp, "GET", "/api/v1/pricing-rules?customer=" + c)
    assert [r["RuleId"] for r in body["Rules"]] == [rule["RuleId"]]
    st, body = rest(srv, env.msp, "GET", "/api/v1/customers/" + c)
    assert body["Commitment"] == "pass-through"
