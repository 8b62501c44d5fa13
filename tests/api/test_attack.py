# SPDX-License-Identifier: MIT
"""Attack (issue 11): authentication (unsigned, wrongly signed, expired,
replayed, cross-service, another account's keys, a revoked key), an
authorization matrix of every operation in src/aws/ops.def x caller, the
REST API x caller, and the web's CSRF tokens, security headers, static path
traversal, open redirects and SQL injection. The browser half (XSS, session
fixation) is tests/e2e/attack.test.mjs."""

import datetime
import http.client
import json
import os
import re
import subprocess
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

from conftest import BIN, ROOT, sql
from test_protocol import TARGET, call, signed

# (service, operation, "read" or "write"): AWS names its reads Describe*,
# List* and Get*.
OPS = [(m.group(1), m.group(2), "read" if re.match(r"(Describe|List|Get)[A-Z]", m.group(2))
        else "write") for m in re.finditer(
    r"^OP\((\w+),\s*(\w+),", open(os.path.join(ROOT, "src/aws/ops.def")).read(), re.M)]

# Operations AWS lets any account call about itself. Everything else in
# Organizations is for the management account (or a delegated admin) only.
SELF = {"AcceptHandshake", "DeclineHandshake", "DescribeHandshake", "ListHandshakesForAccount",
        "LeaveOrganization", "DescribeOrganization", "CreateOrganization",
        "DescribeEffectivePolicy"}
# Refusals a non-management caller may get instead of data.
DENIED = {"AccessDeniedException", "AWSOrganizationsNotInUseException",
          "AccessDeniedForDependencyException",
          # A handshake the caller is no party to does not exist for it.
          "HandshakeNotFoundException",
          # Outside any organization, the account or parent a read names
          # does not exist for the caller (AWS's AccountNotFoundException
          # says so; moto answers ParentNotFoundException likewise).
          "AccountNotFoundException", "ParentNotFoundException"}


def raw(server, method, path, body=b"", headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    c.close()
    return out


def rest(server, acct, method, path, body=None, sign=True, service="payerlink"):
    data = json.dumps(body).encode() if body is not None else b""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if sign:
        req = botocore.awsrequest.AWSRequest(method=method, url=server.url + path, data=data,
                                             headers=headers)
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(
            acct["AccessKeyId"], acct["SecretAccessKey"]), service, "us-east-1").add_auth(req)
        headers = dict(req.headers.items())
    st, h, b = raw(server, method, path, data, headers)
    try:
        return st, json.loads(b) if b else None
    except ValueError:
        return st, b


@pytest.fixture(scope="module")
def world(strict):
    """On the strict (non-emulator) server: management M with member A, an
    OU and a handshake for X; standalone S; another org's owner O and member B."""
    s = strict
    mk = lambda tag: s.cli("account", "create", "--email", "%s@attack.example" % tag,
                           "--name", tag)
    w = {k: mk(k) for k in ("M", "A", "S", "O", "B", "X")}
    for k in ("A", "B"):
        s.cli("account", "set-billing-info", w[k]["AccountId"], "--payment-method", "Visa",
              "--phone", "+1 206 555 0100")
    for owner, member in (("M", "A"), ("O", "B")):
        st, _, b = call(s, w[owner], "CreateOrganization", {"FeatureSet": "ALL"})
        assert st == 200, b
        st, _, h = call(s, w[owner], "InviteAccountToOrganization",
                        {"Target": {"Id": w[member]["AccountId"], "Type": "ACCOUNT"}})
        assert st == 200, h
        assert call(s, w[member], "AcceptHandshake", {"HandshakeId": h["Handshake"]["Id"]})[0] == 200
    st, _, b = call(s, w["M"], "DescribeOrganization")
    w["org"] = b["Organization"]["Id"]
    w["root"] = call(s, w["M"], "ListRoots")[2]["Roots"][0]["Id"]
    st, _, ou = call(s, w["M"], "CreateOrganizationalUnit", {"ParentId": w["root"], "Name": "ou1"})
    assert st == 200, ou
    w["ou"] = ou["OrganizationalUnit"]["Id"]
    st, _, h = call(s, w["M"], "InviteAccountToOrganization",
                    {"Target": {"Id": w["X"]["AccountId"], "Type": "ACCOUNT"}, "Notes": "n"})
    w["hs"] = h["Handshake"]["Id"]
    s.cli("msp", "set", w["M"]["AccountId"], "--name", "Attack MSP", "--json")
    return w


SCP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def body_for(op, w):
    """A well-formed request aimed at M's organization and its resources."""
    a, x = w["A"]["AccountId"], w["X"]["AccountId"]
    pol = "p-aaaaaaaa"
    return {
        "AcceptHandshake": {"HandshakeId": w["hs"]}, "DeclineHandshake": {"HandshakeId": w["hs"]},
        "CancelHandshake": {"HandshakeId": w["hs"]}, "DescribeHandshake": {"HandshakeId": w["hs"]},
        "AttachPolicy": {"PolicyId": pol, "TargetId": a},
        "DetachPolicy": {"PolicyId": pol, "TargetId": a},
        "CloseAccount": {"AccountId": a},
        "CreateAccount": {"Email": "new@attack.example", "AccountName": "n"},
        "CreateGovCloudAccount": {"Email": "gov@attack.example", "AccountName": "n"},
        "CreateOrganization": {"FeatureSet": "ALL"},
        "CreateOrganizationalUnit": {"ParentId": w["root"], "Name": "evil"},
        "CreatePolicy": {"Content": SCP, "Description": "d", "Name": "n",
                         "Type": "SERVICE_CONTROL_POLICY"},
        "DeleteOrganizationalUnit": {"OrganizationalUnitId": w["ou"]},
        "DeletePolicy": {"PolicyId": pol},
        "DeregisterDelegatedAdministrator": {"AccountId": a, "ServicePrincipal": "ssm.amazonaws.com"},
        "RegisterDelegatedAdministrator": {"AccountId": a, "ServicePrincipal": "ssm.amazonaws.com"},
        "DescribeAccount": {"AccountId": a},
        "DescribeCreateAccountStatus": {"CreateAccountRequestId": "car-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        "DescribeEffectivePolicy": {"PolicyType": "TAG_POLICY"},
        "DescribeOrganizationalUnit": {"OrganizationalUnitId": w["ou"]},
        "DescribePolicy": {"PolicyId": pol},
        "DisableAWSServiceAccess": {"ServicePrincipal": "ssm.amazonaws.com"},
        "EnableAWSServiceAccess": {"ServicePrincipal": "ssm.amazonaws.com"},
        "DisablePolicyType": {"RootId": w["root"], "PolicyType": "TAG_POLICY"},
        "EnablePolicyType": {"RootId": w["root"], "PolicyType": "TAG_POLICY"},
        "InviteAccountToOrganization": {"Target": {"Id": x, "Type": "ACCOUNT"}},
        "ListAccountsForParent": {"ParentId": w["root"]},
        "ListChildren": {"ParentId": w["root"], "ChildType": "ACCOUNT"},
        "ListDelegatedServicesForAccount": {"AccountId": a},
        "ListOrganizationalUnitsForParent": {"ParentId": w["root"]},
        "ListParents": {"ChildId": a},
        "ListPolicies": {"Filter": "SERVICE_CONTROL_POLICY"},
        "ListPoliciesForTarget": {"TargetId": a, "Filter": "SERVICE_CONTROL_POLICY"},
        "ListTagsForResource": {"ResourceId": a},
        "ListTargetsForPolicy": {"PolicyId": pol},
        "MoveAccount": {"AccountId": a, "SourceParentId": w["root"], "DestinationParentId": w["ou"]},
        "PutResourcePolicy": {"Content": SCP},
        "RemoveAccountFromOrganization": {"AccountId": a},
        "TagResource": {"ResourceId": a, "Tags": [{"Key": "k", "Value": "v"}]},
        "UntagResource": {"ResourceId": a, "TagKeys": ["k"]},
        "UpdateOrganizationalUnit": {"OrganizationalUnitId": w["ou"], "Name": "x"},
        "UpdatePolicy": {"PolicyId": pol, "Name": "x"},
        # Billing transfers and effective-policy validation (newest model).
        "InviteOrganizationToTransferResponsibility": {
            "Type": "BILLING", "Target": {"Id": x, "Type": "ACCOUNT"},
            "StartTimestamp": 1798761600, "SourceName": "x"},
        "DescribeResponsibilityTransfer": {"Id": "rt-0123456789abcdef"},
        "ListInboundResponsibilityTransfers": {"Type": "BILLING"},
        "ListOutboundResponsibilityTransfers": {"Type": "BILLING"},
        "UpdateResponsibilityTransfer": {"Id": "rt-0123456789abcdef", "Name": "x"},
        "TerminateResponsibilityTransfer": {"Id": "rt-0123456789abcdef"},
        "ListAccountsWithInvalidEffectivePolicy": {"PolicyType": "TAG_POLICY"},
        "ListEffectivePolicyValidationErrors": {"AccountId": a, "PolicyType": "TAG_POLICY"},
        "GetCostAndUsage": {"TimePeriod": {"Start": "2026-01-01", "End": "2026-02-01"},
                            "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]},
        "GetCostForecast": {"TimePeriod": {"Start": "2026-12-01", "End": "2027-01-01"},
                            "Granularity": "MONTHLY", "Metric": "UNBLENDED_COST"},
        "GetDimensionValues": {"TimePeriod": {"Start": "2026-01-01", "End": "2026-02-01"},
                               "Dimension": "LINKED_ACCOUNT"},
    }.get(op, {})


def snapshot(db):
    return [sql(db, "SELECT * FROM %s ORDER BY 1" % t) for t in
            ("organizations", "memberships", "handshakes", "org_units", "policies",
             "org_tags", "delegated_admins", "service_access", "resource_policies",
             "create_account_requests", "account_closures")]


def svc_call(s, acct, svc, op, body):
    if svc == "CE":
        return call(s, acct, op, body, service="ce",
                    target="AWSInsightsIndexService." + op)
    return call(s, acct, op, body)


ORG_OPS = [o for o in OPS if o[0] == "ORG"]


@pytest.mark.parametrize("caller", ["A", "S", "B"])
def test_authorization_matrix_non_management(strict, world, caller):
    """Every Organizations operation aimed at M's organization, called by its
    member A, a standalone account S and another organization's member B:
    management-only operations are refused (AccessDenied or NotInUse, as AWS
    answers) and nothing in the store changes; a caller-scoped operation
    works only on the caller's own things."""
    before = snapshot(strict.db)
    bad = []
    # CreateOrganization would make S a management account of its own (its
    # right; tested elsewhere); LeaveOrganization goes last for the same reason.
    ops = [o for o in ORG_OPS if o[1] not in ("CreateOrganization", "LeaveOrganization")]
    ops.append(("ORG", "LeaveOrganization", "write"))
    for svc, op, _ in ops:
        st, _, b = svc_call(strict, world[caller], svc, op, body_for(op, world))
        if op in SELF:
            if op in ("AcceptHandshake", "DeclineHandshake", "DescribeHandshake"):
                # The handshake is X's: nobody else may see or answer it.
                assert st != 200, (caller, op, b)
            elif op == "DescribeOrganization" and st == 200:
                assert caller == "A" or b["Organization"]["Id"] != world["org"], (caller, b)
                # A member sees its organization but not the management's data.
                assert "Accounts" not in b
            continue
        if op == "CreateOrganization":
            continue
        # A transfer is its parties' only: to anyone else it does not exist.
        if op.endswith("ResponsibilityTransfer") and st == 400 and \
                b["__type"] == "ResponsibilityTransferNotFoundException":
            continue
        if not (st == 400 and b["__type"] in DENIED):
            bad.append((op, st, b))
    assert bad == [], (caller, bad)
    # Only the caller's own LeaveOrganization may have changed anything.
    after = snapshot(strict.db)
    assert after[2] == before[2], "handshakes changed"
    for i in range(3, len(before)):
        assert after[i] == before[i], ("table changed", i)
    m = [r for r in after[1] if r[1] == world["org"]]
    mb = [r for r in before[1] if r[1] == world["org"]]
    if caller != "A":
        assert m == mb, "M's memberships changed by an outsider"


def test_authorization_matrix_management_reads(strict, world):
    """The management account is never refused a read of its own organization."""
    for svc, op, kind in OPS:
        if kind != "read" or svc != "ORG":
            continue
        st, _, b = svc_call(strict, world["M"], svc, op, body_for(op, world))
        assert (b or {}).get("__type") not in ("AccessDeniedException",
                                               "AWSOrganizationsNotInUseException"), (op, b)


# -- authentication -------------------------------------------------------

def test_authentication_failures(strict, world):
    a, b = world["A"], world["B"]
    st, _, body = strict.post("/", {}, {"X-Amz-Target": TARGET + "ListAccounts",
                                        "Content-Type": "application/x-amz-json-1.1"})
    assert st == 403 and json.loads(body)["__type"] == "MissingAuthenticationTokenException"
    # Wrong secret; A's key id with B's secret (another account's keys).
    for secret in ("wrong", b["SecretAccessKey"]):
        st, _, body = call(strict, a, "DescribeOrganization", secret=secret)
        assert st == 400 and body["__type"] == "InvalidSignatureException"
    # Expired, and the same request replayed 20 minutes later.
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    st, _, body = call(strict, a, "DescribeOrganization", when=old)
    assert st == 400 and body["__type"] == "InvalidSignatureException"
    future = datetime.datetime.utcnow() + datetime.timedelta(minutes=20)
    st, _, body = call(strict, a, "DescribeOrganization", when=future)
    assert st == 400 and body["__type"] == "InvalidSignatureException"
    # Signed for another service, or for the REST service on the AWS API.
    for svc in ("s3", "payerlink", "ce"):
        st, _, body = call(strict, a, "DescribeOrganization", service=svc)
        assert st == 400 and body["__type"] == "InvalidSignatureException", svc
    # A signed request whose target header was changed after signing.
    h, data = signed(strict, a, "DescribeOrganization", {})
    h["X-Amz-Target"] = TARGET + "ListAccounts"
    st, _, body = strict.post("/", data, h)
    assert st == 400 and json.loads(body)["__type"] == "InvalidSignatureException"


class _MinimalSigner(botocore.auth.SigV4Auth):
    """Signs host and x-amz-date only, as a minimal client does."""

    def headers_to_sign(self, request):
        h = super().headers_to_sign(request)
        for k in list(h.keys()):
            if k not in ("host", "x-amz-date"):
                del h[k]
        return h


def test_every_meaningful_header_must_be_signed(strict):
    """Issue 24: DescribeOrganization signed over host;x-amz-date only was
    replayed within 15 minutes as LeaveOrganization and took the account
    out of the MSP's organization. X-Amz-Target, Content-Type and every
    x-amz-* header present must be signed: IncompleteSignatureException."""
    mk = lambda tag: strict.cli("account", "create", "--email",
                                "%s@unsigned.example" % tag, "--name", tag)
    m, a = mk("m"), mk("a")
    strict.cli("account", "set-billing-info", a["AccountId"], "--payment-method", "Visa",
               "--phone", "+1 206 555 0100")
    assert call(strict, m, "CreateOrganization", {"FeatureSet": "ALL"})[0] == 200
    st, _, h = call(strict, m, "InviteAccountToOrganization",
                    {"Target": {"Id": a["AccountId"], "Type": "ACCOUNT"}})
    assert call(strict, a, "AcceptHandshake", {"HandshakeId": h["Handshake"]["Id"]})[0] == 200

    req = botocore.awsrequest.AWSRequest(
        method="POST", url=strict.url + "/", data=b"{}",
        headers={"X-Amz-Target": TARGET + "DescribeOrganization",
                 "Content-Type": "application/x-amz-json-1.1"})
    _MinimalSigner(botocore.credentials.Credentials(
        a["AccessKeyId"], a["SecretAccessKey"]), "organizations", "us-east-1").add_auth(req)
    headers = dict(req.headers.items())
    assert "SignedHeaders=host;x-amz-date," in headers["Authorization"]
    st, _, body = strict.post("/", b"{}", headers)
    body = json.loads(body)
    assert st == 400 and body["__type"] == "IncompleteSignatureException", body
    assert body["Message"] == ("There were headers present in the request which "
                               "were not signed: X-Amz-Target, Content-Type")
    headers["X-Amz-Target"] = TARGET + "LeaveOrganization"
    st, _, body = strict.post("/", b"{}", headers)
    assert st == 400 and json.loads(body)["__type"] == "IncompleteSignatureException"
    ids = [x["Id"] for x in call(strict, m, "ListAccounts")[2]["Accounts"]]
    assert a["AccountId"] in ids

    # The REST API: an unsigned Content-Type or x-amz-* header is refused too.
    for extra in ({"Content-Type": "application/json"},
                  {"X-Amz-Meta-Note": "x"}):
        req = botocore.awsrequest.AWSRequest(method="GET", url=strict.url + "/api/v1/customers",
                                             data=b"", headers=dict(extra))
        _MinimalSigner(botocore.credentials.Credentials(
            m["AccessKeyId"], m["SecretAccessKey"]), "payerlink", "us-east-1").add_auth(req)
        st, _, b = raw(strict, "GET", "/api/v1/customers", b"", dict(req.headers.items()))
        b = json.loads(b)
        assert st == 400 and b["Error"]["Code"] == "IncompleteSignatureException", (extra, b)
        assert list(extra)[0] in b["Error"]["Message"]
    # What boto3, the aws CLI and curl send (every header signed) still works.
    assert call(strict, a, "DescribeOrganization")[0] == 200
    p = subprocess.run(["curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:organizations",
                        "--user", "%s:%s" % (a["AccessKeyId"], a["SecretAccessKey"]),
                        "-H", "X-Amz-Target: " + TARGET + "DescribeOrganization",
                        "-H", "Content-Type: application/x-amz-json-1.1",
                        "-d", "{}", strict.url + "/"],
                       capture_output=True, text=True, timeout=60)
    assert "Organization" in json.loads(p.stdout), p.stdout


def test_revoked_key_is_refused(strict):
    a = strict.cli("account", "create", "--email", "revoked@attack.example")
    assert call(strict, a, "CreateOrganization", {})[0] == 200
    k2 = strict.cli("account", "keys", "create", a["AccountId"])
    strict.cli("account", "keys", "delete", a["AccountId"], a["AccessKeyId"])
    st, _, body = call(strict, a, "DescribeOrganization")
    assert st == 400 and body["__type"] == "UnrecognizedClientException", body
    st, _, body = call(strict, k2, "DescribeOrganization")
    assert st == 200, body


# -- REST API -------------------------------------------------------------

def rest_gets():
    """The REST API's signed collections, from its route table (`payerlink
    routes --json`), with the query the reconciliation needs."""
    p = subprocess.run([BIN, "routes", "--json"], capture_output=True, text=True, check=True)
    return [r["path"] + ("?period=2026-01" if r["path"].endswith("/reconciliation") else "")
            for r in json.loads(p.stdout)["rest"] if r["method"] == "GET"
            and r["who"] in ("signed", "msp") and not re.search(r"[{*]", r["path"])]


def test_rest_matrix(strict, world):
    """MSP signed: served; any other account: AccessDenied; unsigned or
    signed for another service: refused; emulator endpoints absent."""
    gets = rest_gets()
    assert len(gets) >= 8, gets
    for path in gets:
        st, b = rest(strict, world["M"], "GET", path)
        assert st in (200, 400), (path, st, b)
        for who in ("A", "S", "O", "B"):
            st, b = rest(strict, world[who], "GET", path)
            assert st == 403 and b["Error"]["Code"] == "AccessDenied", (path, who, st, b)
        st, b = rest(strict, world["M"], "GET", path, sign=False)
        assert st == 403, (path, st, b)
        st, b = rest(strict, world["M"], "GET", path, service="organizations")
        assert st in (400, 403) and b["Error"]["Code"] == "InvalidSignatureException", (path, b)
    for who in ("A", "S"):
        st, b = rest(strict, world[who], "POST", "/api/v1/customers",
                     {"Name": "evil", "ContactEmail": "evil@attack.example"})
        assert st == 403 and b["Error"]["Code"] == "AccessDenied", (who, st, b)
    # An upload, properly signed by another account: refused at its headers.
    from test_upload_auth import head_only, sign
    st, _, b = head_only(strict, sign(strict, world["S"], "/api/v1/imports",
                                      "UNSIGNED-PAYLOAD"), 1000)
    assert st == 403 and b["Error"]["Code"] == "AccessDenied", b
    for path in ("/moto-api/reset", "/api/v1/test/clock"):
        st, _, _ = raw(strict, "POST", path, b"{}")
        assert st in (403, 404), path


# -- SQL injection --------------------------------------------------------

INJECT = ["' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE accounts; --", "%' OR '%'='",
          "h-aaaa' UNION SELECT * FROM access_keys --"]


def test_sql_injection_is_data(strict, world):
    """Quotes and SQL in every kind of parameter come back as not found /
    invalid input, never as other rows, and nothing is dropped."""
    n_acc = sql(strict.db, "SELECT COUNT(*) FROM accounts")[0][0]
    for v in INJECT:
        for op, field in (("DescribeHandshake", "HandshakeId"), ("DescribeAccount", "AccountId"),
                          ("DescribeOrganizationalUnit", "OrganizationalUnitId"),
                          ("ListChildren", "ParentId"), ("ListTagsForResource", "ResourceId")):
            body = {field: v}
            if op == "ListChildren":
                body["ChildType"] = "ACCOUNT"
            st, _, b = call(strict, world["M"], op, body)
            assert st == 400 and b["__type"] in ("InvalidInputException",
                                                 "HandshakeNotFoundException",
                                                 "AccountNotFoundException",
                                                 "TargetNotFoundException",
                                                 "ParentNotFoundException",
                                                 "OrganizationalUnitNotFoundException"), (op, v, b)
        st, _, b = call(strict, world["M"], "InviteAccountToOrganization",
                        {"Target": {"Id": "x@attack.example' OR 1=1 --", "Type": "EMAIL"},
                         "Notes": v})
        assert st in (200, 400), b
        st, _, b = call(strict, world["M"], "ListAccounts", {"NextToken": v})
        assert st == 400 and b["__type"] == "InvalidInputException", b
        for path in ("/api/v1/customers/" + urllib.parse.quote(v, safe=""),
                     "/api/v1/invoices?customer=" + urllib.parse.quote(v),
                     "/api/v1/reconciliation?period=" + urllib.parse.quote(v)):
            st, b = rest(strict, world["M"], "GET", path)
            assert st in (400, 404) or (st == 200 and not any(
                isinstance(x, list) and x for x in b.values())), (path, st, b)
    st, b = rest(strict, world["M"], "POST", "/api/v1/customers", {"Name": INJECT[0], "ContactEmail": "sqli@attack.example"})
    if st in (200, 201):
        assert b.get("name", INJECT[0]) == INJECT[0] or INJECT[0] in json.dumps(b)
    assert sql(strict.db, "SELECT COUNT(*) FROM accounts")[0][0] >= n_acc
    # A sign-in with SQL in the e-mail is a wrong sign-in.
    st, h, page = raw(strict, "GET", "/signin")
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    cookie = "; ".join(c.split(";")[0] for c in h.get("set-cookie", "").split(", pl_"))
    form = urllib.parse.urlencode({"csrf": csrf, "email": "' OR 1=1 --", "password": "' OR 1=1 --"})
    st, h, page = raw(strict, "POST", "/signin", form.encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    assert st != 303 and "pl_session=" not in h.get("set-cookie", ""), (st, h)


# -- the web, over plain HTTP ---------------------------------------------

PAGES = ["/", "/signin", "/organization", "/settings", "/msp", "/portal", "/onboarding",
         "/static/app.css"]


def test_security_headers_on_every_page(strict):
    for path in PAGES + ["/no-such-page"]:
        st, h, body = raw(strict, "GET", path)
        assert h.get("x-content-type-options") == "nosniff", (path, h)
        if h.get("content-type", "").startswith("text/html"):
            csp = h.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp or "frame-ancestors 'self'" in csp, (path, csp)
            assert "unsafe-inline" not in csp.split("script-src")[-1].split(";")[0], (path, csp)
            assert "script-src" in csp or "default-src" in csp, (path, csp)
            assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>\s*\S", body), path
            assert not re.search(rb"\son[a-z]+=", body), path


@pytest.mark.parametrize("path", [
    "/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e%2fsrc%2fmain.c", "/static/....//....//etc/passwd", "/static/..\\..\\etc\\passwd",
    "/static/%252e%252e/etc/passwd", "/static//etc/passwd", "/static/app.css/../../../etc/passwd",
    "/static/%00app.css", "/static/app.css%00.png"])
def test_static_path_traversal(strict, path):
    st, _, body = raw(strict, "GET", path)
    assert st in (400, 404), (path, st)
    assert b"root:" not in body and b"#include" not in body


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "http:evil.example"])
def test_no_open_redirect(strict, target):
    for path in ("/signin?next=", "/?next=", "/signout?next=", "/signin?redirect=",
                 "/signin?return_to="):
        st, h, _ = raw(strict, "GET", path + urllib.parse.quote(target, safe=""))
        loc = h.get("location", "")
        assert not loc or (loc.startswith("/") and not loc.startswith("//")
                           and "\\" not in loc and "evil" not in loc), (path, loc)


class Browser:
    """A cookie jar over raw HTTP: enough to sign in and post forms."""

    def __init__(self, server):
        self.s, self.jar = server, {}

    def req(self, method, path, form=None):
        headers = {}
        if self.jar:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        c = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=30)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, val = v.split(";")[0].split("=", 1)
                if "Max-Age=0" in v or not val:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = val
        out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
        c.close()
        return out

    def sign_in(self, email, password):
        _, _, page = self.req("GET", "/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return self.req("POST", "/signin", {"csrf": csrf, "email": email, "password": password})


def crawl(b, start, limit=60, key=None, downloads=False):
    """Same-site URLs reachable from start: the HTML pages with their text
    (and, with downloads, the other 200s with ""). URLs with the same
    key(url) are fetched once."""
    key = key or (lambda p: p)
    seen, keys, todo, pages = set(), set(), list(start), {}
    while todo and len(seen) < limit:
        p = todo.pop(0)
        if p in seen or p.startswith(("/signout", "/static/")) or key(p) in keys:
            continue
        seen.add(p)
        keys.add(key(p))
        st, h, text = b.req("GET", p)
        html = h.get("content-type", "").startswith("text/html")
        if st != 200 or not (html or downloads):
            continue
        pages[p] = text if html else ""
        for href in re.findall(r'href="(/[^"#]*)"', pages[p]):
            href = href.replace("&amp;", "&")
            if href not in seen:
                todo.append(href)
    return pages


def forms_of(text):
    out = []
    for m in re.finditer(r'<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>(.*?)</form>',
                         text, re.S | re.I):
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', m.group(2)))
        out.append((m.group(1).replace("&amp;", "&"), fields))
    return out


def test_csrf_on_every_form(strict):
    """Every POST form of every page reachable by the MSP: posted without
    its token, or with a wrong one, it is refused with 403 and does nothing."""
    pw = "correct horse battery"
    msp = strict.cli("account", "create", "--email", "csrf-msp@attack.example", "--password", pw)
    assert call(strict, msp, "CreateOrganization", {})[0] == 200
    strict.cli("msp", "set", msp["AccountId"], "--name", "CSRF MSP", "--json")
    b = Browser(strict)
    st, h, _ = b.sign_in("csrf-msp@attack.example", pw)
    assert st == 303, st
    pages = crawl(b, ["/organization", "/settings", "/onboarding", "/customers", "/audit",
                      "/portal", "/msp", "/intake"])
    forms = {}
    for p, text in pages.items():
        for action, fields in forms_of(text):
            forms.setdefault(action, fields)
    assert len(forms) >= 5, sorted(forms)
    before = sql(strict.db, "SELECT COUNT(*) FROM audit_log")[0][0]
    for action, fields in forms.items():
        if action.startswith("/signin"):
            continue
        f = {k: v for k, v in fields.items() if k != "csrf"}
        st, _, text = b.req("POST", action, f)
        assert st == 403, ("no token", action, st)
        f["csrf"] = "A" * 43
        st, _, text = b.req("POST", action, f)
        assert st == 403, ("wrong token", action, st)
    assert sql(strict.db, "SELECT COUNT(*) FROM audit_log")[0][0] == before
    # Still signed in: the refusals did not end the session.
    assert b.req("GET", "/organization")[0] == 200
    print("\nCSRF: %d pages, %d forms refused without / with a wrong token: %s" %
          (len(pages), len(forms), " ".join(sorted(forms))))
