# SPDX-License-Identifier: MIT
"""The onboarding desk (issue 5): the MSP, customers, onboarding requests for
each case from request to linked (the customer side driven with boto3),
detection in each state, the billing gap on the test clock, expiry reminders
and re-send, cancel, the audit log, and the REST API signed with SigV4
(service "payerlink"): only the MSP's keys may use it, and a plan token opens
its own onboarding and nothing else."""

import json
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import client, error_of

DAY = 86400


def billing(srv, acct):
    srv.cli("account", "set-billing-info", acct.id,
            "--payment-method", "Visa ending 4242", "--phone", "+1 206 555 0100")


@pytest.fixture
def msp(srv, new_account):
    """The MSP: an account managing an organization, named with msp set."""
    m = new_account(name="Test MSP")
    org = client(srv, m).create_organization()["Organization"]
    out = srv.cli("msp", "set", m.id, "--name", "Test MSP", "--json")
    assert out["AccountId"] == m.id and out["GapThresholdMinutes"] == 15
    m["OrgId"] = org["Id"]
    return m


_n = [0]


def customer(srv, name=None):
    _n[0] += 1
    name = name or "Customer %d" % _n[0]
    return srv.cli("customer", "create", "--name", name, "--contact",
                   "billing%d@customer.example" % _n[0], "--json")


def request(srv, cust, acct, email=None, check=True):
    args = ["onboard", "request", "--customer", cust["CustomerId"],
            "--account", acct.id, "--email", email or acct["Email"], "--json"]
    return srv.cli(*args, check=check)


def show(srv, oid):
    return srv.cli("onboard", "show", oid, "--json")


def events(view):
    return [e["Event"] for e in view["Timeline"]]


def steps(view):
    return [(s["Key"], s["Status"]) for s in view["Steps"]]


def org_with_members(srv, new_account, n, name, with_billing=True):
    mgmt = new_account(name=name)
    mc = client(srv, mgmt)
    org = mc.create_organization()["Organization"]
    members = []
    for i in range(n):
        a = new_account(name="%s member %d" % (name, i))
        if with_billing:
            billing(srv, a)
        h = mc.invite_account_to_organization(
            Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(srv, a).accept_handshake(HandshakeId=h["Id"])
        members.append(a)
    return mgmt, org, members


# ---- REST helpers -------------------------------------------------------

def rest(srv, acct, method, path, body=None, sign=True, secret=None):
    """A REST call signed with SigV4 (service payerlink); (status, json)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    url = srv.url + path
    if sign:
        req = AWSRequest(method=method, url=url, data=data or b"", headers=headers)
        SigV4Auth(Credentials(acct["AccessKeyId"], secret or acct["SecretAccessKey"]),
                  "payerlink", "eu-west-1").add_auth(req)
        headers = dict(req.headers.items())
    r = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def token_of(plan_url):
    return plan_url.rsplit("/", 1)[1]


# ---- the three cases ------------------------------------------------------

def test_case1_standalone_request_to_linked(srv, new_account, msp):
    cust = customer(srv)
    acct = new_account(name="Standalone")
    out = request(srv, cust, acct)
    assert out["Case"] == 1 and out["State"] == "INVITED"
    assert out["HandshakeId"].startswith("h-")
    assert out["OnboardingId"].startswith("onb-")
    assert out["PlanUrl"].startswith("http://127.0.0.1:8080/plan/")
    assert len(token_of(out["PlanUrl"])) == 43
    v = show(srv, out["OnboardingId"])
    assert steps(v) == [("ACCEPT_INVITATION", "NEXT")]
    assert "Accept invitation" in v["Steps"][0]["Console"]
    assert v["PlanUrl"] is None and v["ContactFirst"] is False
    # The invitation came from the MSP and names the customer.
    hs = client(srv, acct).list_handshakes_for_account()["Handshakes"]
    assert [h["Id"] for h in hs] == [out["HandshakeId"]]
    client(srv, acct).accept_handshake(HandshakeId=out["HandshakeId"])
    v = show(srv, out["OnboardingId"])
    assert v["State"] == "LINKED"
    assert v["JoinedAt"] is not None
    assert v["LeftPreviousPayerAt"] is None
    assert v["BillingGapMinutes"] is None and v["GapFlagged"] is False
    assert events(v)[:2] == ["REQUESTED", "INVITED"]
    assert "ACCEPTED" in events(v) and "JOINED" in events(v)
    assert all(e["At"].endswith("Z") for e in v["Timeline"])
    assert steps(v) == [("ACCEPT_INVITATION", "DONE")]
    got = srv.cli("customer", "show", cust["CustomerId"], "--json")
    assert [a["AccountId"] for a in got["Accounts"]] == [acct.id]


def test_case2_member_leave_then_accept_gap_flagged(srv, new_account, msp):
    """Leaving first is optional since direct transfer; a customer that
    still does it: leave, 20 minutes pass on the test clock, accept: a
    20-minute gap, over the 15-minute threshold."""
    old, old_org, (acct,) = org_with_members(srv, new_account, 1, "Old Payer")
    cust = customer(srv)
    out = request(srv, cust, acct)
    assert out["Case"] == 2 and out["PreviousOrganizationId"] == old_org["Id"]
    assert out["Route"] == "invite"
    v = show(srv, out["OnboardingId"])
    assert v["State"] == "INVITED" and v["ContactFirst"] is True
    assert steps(v) == [("LEAVE_ORGANIZATION", "OPTIONAL"),
                        ("ACCEPT_INVITATION", "NEXT")]
    assert "Leave this organization" in v["Steps"][0]["Console"]
    assert "Not needed" in v["Steps"][0]["Console"]
    assert v["Prerequisites"] == []
    ac = client(srv, acct)
    ac.leave_organization()
    v = show(srv, out["OnboardingId"])
    assert v["State"] == "IN_PROGRESS"
    assert v["LeftPreviousPayerAt"] is not None and v["JoinedAt"] is None
    assert steps(v)[0] == ("LEAVE_ORGANIZATION", "DONE")
    assert "LEFT_ORGANIZATION" in events(v)
    srv.advance(20 * 60)
    v = show(srv, out["OnboardingId"])
    assert v["GapFlagged"] is True and v["BillingGapMinutes"] is None
    ac.accept_handshake(HandshakeId=out["HandshakeId"])
    v = show(srv, out["OnboardingId"])
    assert v["State"] == "LINKED"
    assert v["BillingGapMinutes"] == 20
    assert v["GapFlagged"] is True
    ev = events(v)
    assert ev.index("LEFT_ORGANIZATION") < ev.index("ACCEPTED")


def test_case2_accepting_is_enough(srv, new_account, msp):
    """Direct transfer: the member accepts without leaving first; it left
    its organization and joined the MSP's at one instant: no gap."""
    old, old_org, (acct,) = org_with_members(srv, new_account, 1, "Old Payer",
                                             with_billing=False)
    out = request(srv, customer(srv), acct)
    v = show(srv, out["OnboardingId"])
    assert [(o["Route"], o["Recommended"]) for o in v["RouteOptions"]] == [("invite", True)]
    assert "Accepting the invitation is enough" in v["RouteOptions"][0]["Summary"]
    # Billing information is needed only to leave first.
    assert [p["Key"] for p in v["Prerequisites"]] == ["PAYMENT_METHOD", "CONTACT_PHONE"]
    assert all(p["Text"].startswith("Only to leave first") for p in v["Prerequisites"])
    client(srv, acct).accept_handshake(HandshakeId=out["HandshakeId"])
    v = show(srv, out["OnboardingId"])
    assert v["State"] == "LINKED"
    assert v["BillingGapSeconds"] == 0 and v["GapFlagged"] is False
    assert v["LeftPreviousPayerAt"] == v["JoinedAt"]
    assert steps(v) == [("LEAVE_ORGANIZATION", "DONE"), ("ACCEPT_INVITATION", "DONE")]
    assert "direct transfer" in v["Steps"][0]["Detail"]


def test_case2_prerequisites_missing(srv, new_account, msp):
    _, _, (acct,) = org_with_members(srv, new_account, 1, "Old Payer",
                                     with_billing=False)
    out = request(srv, customer(srv), acct)
    v = show(srv, out["OnboardingId"])
    keys = [p["Key"] for p in v["Prerequisites"]]
    assert keys == ["PAYMENT_METHOD", "CONTACT_PHONE"]


def test_case3_remove_members_delete_org_accept(srv, new_account, msp):
    mgmt, org, members = org_with_members(srv, new_account, 2, "Own Org")
    out = request(srv, customer(srv), mgmt)
    assert out["Case"] == 3 and out["Members"] == 2
    oid = out["OnboardingId"]
    v = show(srv, oid)
    assert v["MembersLeft"] == 2
    assert steps(v) == [("REMOVE_MEMBERS", "NEXT"),
                        ("DELETE_ORGANIZATION", "PENDING"),
                        ("ACCEPT_INVITATION", "PENDING")]
    assert org["Id"] in v["Steps"][1]["Console"]
    assert sorted(p["AccountId"] for p in v["Prerequisites"]
                  if p["Key"] == "MEMBER_TO_REMOVE") == sorted(m.id for m in members)
    mc = client(srv, mgmt)
    # AWS: AcceptHandshake fails with MasterCannotLeaveOrganizationException
    with pytest.raises(ClientError) as exc:
        mc.accept_handshake(HandshakeId=out["HandshakeId"])
    assert error_of(exc)[0] == "MasterCannotLeaveOrganizationException"
    mc.remove_account_from_organization(AccountId=members[0].id)
    v = show(srv, oid)
    assert v["State"] == "IN_PROGRESS" and v["MembersLeft"] == 1
    assert "MEMBER_REMOVED" in events(v)
    client(srv, members[1]).leave_organization()
    v = show(srv, oid)
    assert v["MembersLeft"] == 0
    assert steps(v)[0] == ("REMOVE_MEMBERS", "DONE")
    assert "MEMBER_LEFT" in events(v)
    mc.delete_organization()
    v = show(srv, oid)
    assert steps(v)[1] == ("DELETE_ORGANIZATION", "DONE")
    assert "ORGANIZATION_DELETED" in events(v)
    srv.advance(5 * 60)
    mc.accept_handshake(HandshakeId=out["HandshakeId"])
    v = show(srv, oid)
    assert v["State"] == "LINKED"
    assert v["BillingGapMinutes"] == 5 and v["GapFlagged"] is False
    assert v["LeftPreviousPayerAt"] is not None


# ---- detection and its errors ---------------------------------------------

def test_detection_in_each_state(srv, new_account, msp):
    cust = customer(srv)
    # Unknown but well-formed account: case 1.
    out = srv.cli("onboard", "request", "--customer", cust["CustomerId"],
                  "--account", "210987654321", "--email", "nobody@unknown.example",
                  "--json")
    assert out["Case"] == 1
    # The e-mail of another account.
    a = new_account()
    b = new_account()
    p = request(srv, cust, a, email=b["Email"], check=False)
    assert p.returncode == 2 and "another e-mail" in p.stderr
    p = srv.cli("onboard", "request", "--customer", cust["CustomerId"],
                "--account", "210987654322", "--email", b["Email"], check=False)
    assert p.returncode == 2 and b.id in p.stderr
    # Already in the MSP's organization.
    h = client(srv, msp).invite_account_to_organization(
        Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
    client(srv, a).accept_handshake(HandshakeId=h["Id"])
    p = request(srv, cust, a, check=False)
    assert p.returncode == 1 and "already in the MSP's organization" in p.stderr
    # Owned by another customer.
    c = new_account()
    request(srv, cust, c)
    p = request(srv, customer(srv), c, check=False)
    assert p.returncode == 1 and "belongs to customer" in p.stderr
    # A second request while the invitation is open.
    p = request(srv, cust, c, check=False)
    assert p.returncode == 1 and "DuplicateHandshakeException" in p.stderr


def test_msp_must_manage_an_organization(srv, new_account):
    a = new_account()
    p = srv.cli("msp", "set", a.id, check=False)
    assert p.returncode == 2 and "organization" in p.stderr
    p = srv.cli("msp", "show", check=False)
    assert p.returncode == 1
    client(srv, a).create_organization()
    out = srv.cli("msp", "set", a.id, "--url", "https://msp.example/", "--gap-threshold",
                  "30", "--json")
    assert out["PublicUrl"] == "https://msp.example" and out["GapThresholdMinutes"] == 30
    cust = customer(srv)
    r = request(srv, cust, new_account())
    assert r["PlanUrl"].startswith("https://msp.example/plan/")
    text = srv.cli("msp", "show", check=False)
    assert text.returncode == 0 and "Gap threshold" in text.stdout


def test_customers_create_update(srv, msp):
    c = customer(srv, "Globex")
    assert c["Currency"] == "USD" and c["TaxRate"] == "0"
    u = srv.cli("customer", "update", c["CustomerId"], "--currency", "KRW",
                "--tax-rate", "10", "--json")
    assert u["Currency"] == "KRW" and u["TaxRate"] == "10"
    u = srv.cli("customer", "update", c["CustomerId"], "--tax-rate", "8.875", "--json")
    assert u["TaxRate"] == "8.875"
    assert srv.cli("customer", "update", c["CustomerId"], "--currency", "KRWX",
                   check=False).returncode == 2
    assert srv.cli("customer", "update", c["CustomerId"], "--tax-rate", "1.23456",
                   check=False).returncode == 2
    p = srv.cli("customer", "create", "--name", "globex", "--contact", "x@y.example",
                check=False)
    assert p.returncode == 1 and "already exists" in p.stderr
    got = srv.cli("customer", "list", "--json")["Customers"]
    assert [x["Name"] for x in got] == ["Globex"]
    assert srv.cli("customer", "list", check=False).returncode == 0


def test_customer_add_account_in_msp_org(srv, new_account, msp):
    c = customer(srv)
    a = new_account()
    p = srv.cli("customer", "add-account", c["CustomerId"], a.id, check=False)
    assert p.returncode == 1 and "not in the MSP's organization" in p.stderr
    h = client(srv, msp).invite_account_to_organization(
        Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
    client(srv, a).accept_handshake(HandshakeId=h["Id"])
    srv.cli("customer", "add-account", c["CustomerId"], a.id, "--json")
    got = srv.cli("customer", "show", c["CustomerId"], "--json")
    assert got["AccountCount"] == 1


# ---- follow-up ----------------------------------------------------------------

def test_expiry_reminder_and_resend(srv, new_account, msp):
    cust = customer(srv)
    acct = new_account()
    out = request(srv, cust, acct)
    oid = out["OnboardingId"]
    got = srv.cli("onboard", "list", "--expiring-within", "3d", "--json")
    assert got["Onboardings"] == []
    srv.advance(13 * DAY)
    got = srv.cli("onboard", "list", "--expiring-within", "3d", "--json")
    assert [o["OnboardingId"] for o in got["Onboardings"]] == [oid]
    p = srv.cli("onboard", "resend", oid, check=False)
    assert p.returncode == 1 and "INVITED" in p.stderr
    srv.advance(2 * DAY + 60)
    v = show(srv, oid)
    assert v["State"] == "EXPIRED" and "EXPIRED" in events(v)
    assert v["Steps"][0]["Status"] == "BLOCKED"
    got = srv.cli("onboard", "list", "--state", "expired", "--json")
    assert got["Counts"]["EXPIRED"] == 1 and len(got["Onboardings"]) == 1
    r = srv.cli("onboard", "resend", oid, "--json")
    assert r["OnboardingId"] == oid and r["HandshakeId"] != out["HandshakeId"]
    assert r["State"] == "INVITED" and r["PlanUrl"] is None
    v = show(srv, oid)
    assert v["HandshakeId"] == r["HandshakeId"] and v["State"] == "INVITED"
    assert events(v).count("INVITED") == 2 and "RESENT" in events(v)
    # Declined, then re-sent and accepted.
    client(srv, acct).decline_handshake(HandshakeId=r["HandshakeId"])
    assert show(srv, oid)["State"] == "DECLINED"
    r2 = srv.cli("onboard", "resend", oid, "--json")
    client(srv, acct).accept_handshake(HandshakeId=r2["HandshakeId"])
    v = show(srv, oid)
    assert v["State"] == "LINKED" and "DECLINED" in events(v)


def test_cancel_cancels_the_invitation(srv, new_account, msp):
    cust = customer(srv)
    acct = new_account()
    out = request(srv, cust, acct)
    got = srv.cli("onboard", "cancel", out["OnboardingId"], "--json")
    assert got["State"] == "CANCELED"
    h = client(srv, msp).describe_handshake(HandshakeId=out["HandshakeId"])["Handshake"]
    assert h["State"] == "CANCELED"
    v = show(srv, out["OnboardingId"])
    assert events(v).count("CANCELED") == 1
    assert srv.cli("onboard", "cancel", out["OnboardingId"], check=False).returncode == 1
    lst = srv.cli("onboard", "list", "--customer", cust["CustomerId"], "--json")
    assert lst["Counts"]["CANCELED"] == 1 and lst["Total"] == 1
    assert srv.cli("onboard", "list", check=False).returncode == 0
    assert srv.cli("onboard", "show", out["OnboardingId"], check=False).returncode == 0


def test_list_counts_per_state(srv, new_account, msp):
    cust = customer(srv)
    a, b, c = new_account(), new_account(), new_account()
    ra = request(srv, cust, a)
    request(srv, cust, b)
    rc = request(srv, cust, c)
    client(srv, a).accept_handshake(HandshakeId=ra["HandshakeId"])
    client(srv, c).decline_handshake(HandshakeId=rc["HandshakeId"])
    got = srv.cli("onboard", "list", "--json")
    assert got["Counts"] == {"INVITED": 1, "IN_PROGRESS": 0, "LINKED": 1,
                             "DECLINED": 1, "EXPIRED": 0, "CANCELED": 0}
    got = srv.cli("onboard", "list", "--state", "LINKED", "--json")
    assert [o["AccountId"] for o in got["Onboardings"]] == [a.id]


def test_audit_log(srv, new_account, msp):
    cust = customer(srv)
    out = request(srv, cust, new_account())
    srv.cli("onboard", "cancel", out["OnboardingId"], "--json")
    got = srv.cli("audit", "--json")["Entries"]
    actions = [e["Action"] for e in got]
    # The organization and handshake changes the desk causes are audited
    # too, under the MSP's account; the desk's own under "cli".
    assert actions == ["organization.create", "msp.set", "customer.create",
                       "handshake.invite", "onboarding.request",
                       "handshake.cancel", "onboarding.cancel"]
    assert all(e["Actor"] == "cli" for e in got
               if not e["Action"].startswith(("organization.", "handshake.")))
    assert all(e["Actor"] == msp.id for e in got
               if e["Action"].startswith(("organization.", "handshake.")))
    got = srv.cli("audit", "--object", out["OnboardingId"], "--json")["Entries"]
    assert [e["Action"] for e in got] == ["onboarding.request", "onboarding.cancel"]
    assert srv.cli("audit", "--since", "2999-01-01", "--json")["Entries"] == []
    assert srv.cli("audit", "--since", "yesterday", check=False).returncode == 2


# ---- REST -----------------------------------------------------------------------

def test_rest_signed_by_the_msp(srv, new_account, msp):
    st, c = rest(srv, msp, "POST", "/api/v1/customers",
                 {"Name": "Rest Co", "ContactEmail": "ap@rest.example",
                  "Currency": "eur", "TaxRate": 19})
    assert st == 201 and c["Currency"] == "EUR" and c["TaxRate"] == "19"
    cid = c["CustomerId"]
    st, got = rest(srv, msp, "GET", "/api/v1/customers?limit=10")
    assert st == 200 and [x["CustomerId"] for x in got["Customers"]] == [cid]
    st, got = rest(srv, msp, "PATCH", "/api/v1/customers/" + cid, {"TaxRate": "7.5"})
    assert st == 200 and got["TaxRate"] == "7.5"
    acct = new_account()
    st, out = rest(srv, msp, "POST", "/api/v1/onboardings",
                   {"CustomerId": cid, "AccountId": acct.id, "Email": acct["Email"]})
    assert st == 201 and out["Case"] == 1 and out["State"] == "INVITED"
    oid = out["OnboardingId"]
    st, v = rest(srv, msp, "GET", "/api/v1/onboardings/" + oid)
    assert st == 200 and v["State"] == "INVITED" and v["Timeline"]
    st, got = rest(srv, msp, "GET", "/api/v1/onboardings?state=INVITED&customer=" + cid)
    assert st == 200 and got["Counts"]["INVITED"] == 1
    assert [o["OnboardingId"] for o in got["Onboardings"]] == [oid]
    st, got = rest(srv, msp, "POST", "/api/v1/onboardings/%s/resend" % oid)
    assert st == 409
    st, got = rest(srv, msp, "POST", "/api/v1/onboardings/%s/cancel" % oid)
    assert st == 200 and got["State"] == "CANCELED"
    st, got = rest(srv, msp, "GET", "/api/v1/audit?object=" + oid)
    assert st == 200
    assert [e["Action"] for e in got["Entries"]] == ["onboarding.request",
                                                     "onboarding.cancel"]
    assert got["Entries"][0]["Actor"] == msp.id
    st, got = rest(srv, msp, "GET", "/api/v1/audit?limit=1")
    assert st == 200 and len(got["Entries"]) == 1 and got["NextToken"]
    st, got = rest(srv, msp, "GET", "/api/v1/audit?limit=1000")
    assert st == 400
    st, got = rest(srv, msp, "GET", "/api/v1/onboardings/onb-0000000000")
    assert st == 404


def test_rest_access_denied(srv, new_account, msp):
    other = new_account()
    for method, path in [("GET", "/api/v1/customers"), ("GET", "/api/v1/onboardings"),
                         ("GET", "/api/v1/audit")]:
        st, got = rest(srv, other, method, path)
        assert st == 403 and got["Error"]["Code"] == "AccessDenied", got
    st, got = rest(srv, other, "POST", "/api/v1/customers",
                   {"Name": "X", "ContactEmail": "x@x.example"})
    assert st == 403
    # A stranger's malformed request is refused for who it is, not for its
    # input: the input checks tell a stranger nothing.
    for body in ({}, {"Name": 5}, {"Name": "Y", "ContactEmail": "no", "Currency": "XX"}):
        st, got = rest(srv, other, "POST", "/api/v1/customers", body)
        assert st == 403 and got["Error"]["Code"] == "AccessDenied", got
    st, got = rest(srv, other, "POST", "/api/v1/onboardings", {"Customer": 1})
    assert st == 403 and got["Error"]["Code"] == "AccessDenied", got
    st, got = rest(srv, msp, "GET", "/api/v1/customers", sign=False)
    assert st == 403 and got["Error"]["Code"] == "MissingAuthenticationToken"
    st, got = rest(srv, msp, "GET", "/api/v1/customers", secret="wrong" * 8)
    assert st in (400, 403) and got["Error"]["Code"] == "InvalidSignatureException"


def test_plan_token_opens_one_onboarding(srv, new_account, msp):
    _, _, (acct2,) = org_with_members(srv, new_account, 1, "Old Payer")
    cust = customer(srv)
    a = request(srv, cust, new_account())
    b = request(srv, cust, acct2)
    st, plan = rest(srv, None, "GET", "/api/v1/plan/" + token_of(b["PlanUrl"]), sign=False)
    assert st == 200 and plan["OnboardingId"] == b["OnboardingId"]
    assert plan["Case"] == 2 and plan["ContactFirst"] is True
    assert "Notes" not in plan and "RequestedBy" not in plan
    assert a["OnboardingId"] not in json.dumps(plan)
    st, got = rest(srv, None, "GET", "/api/v1/plan/" + "A" * 43, sign=False)
    assert st == 404
    st, got = rest(srv, None, "GET", "/api/v1/plan/../onboardings", sign=False)
    assert st == 404
    # The token is no key to the MSP's API.
    st, got = rest(srv, None, "GET", "/api/v1/onboardings/" + b["OnboardingId"],
                   sign=False)
    assert st == 403
    # The customer proposes a time for the move (case 2), not in case 1.
    st, got = rest(srv, None, "POST", "/api/v1/plan/%s/proposal" % token_of(b["PlanUrl"]),
                   {"At": "2999-01-01T10:00:00Z"}, sign=False)
    assert st == 400
    st, got = rest(srv, None, "POST", "/api/v1/plan/%s/proposal" % token_of(b["PlanUrl"]),
                   {"At": _tomorrow(srv), "Note": "after our backup window"}, sign=False)
    assert st == 200 and got["ProposedMoveAt"] == _tomorrow(srv)
    assert "TIME_PROPOSED" in events(show(srv, b["OnboardingId"]))
    st, got = rest(srv, None, "POST", "/api/v1/plan/%s/proposal" % token_of(a["PlanUrl"]),
                   {"At": _tomorrow(srv)}, sign=False)
    assert st == 409
    # The CLI shows the same plan; a new link retires the old token.
    plan = srv.cli("onboard", "plan", token_of(a["PlanUrl"]), "--json")
    assert plan["OnboardingId"] == a["OnboardingId"]
    link = srv.cli("onboard", "link", a["OnboardingId"], "--json")["PlanUrl"]
    st, _ = rest(srv, None, "GET", "/api/v1/plan/" + token_of(a["PlanUrl"]), sign=False)
    assert st == 404
    st, got = rest(srv, None, "GET", "/api/v1/plan/" + token_of(link), sign=False)
    assert st == 200 and got["OnboardingId"] == a["OnboardingId"]


def _tomorrow(srv):
    now = srv.advance(0)
    import datetime
    t = datetime.datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(days=1)
    return t.strftime("%Y-%m-%dT12:00:00Z")
