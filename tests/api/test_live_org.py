# SPDX-License-Identifier: MIT
"""Live mode (docs/live.md): the installation drives the MSP's organization
at an AWS endpoint. Here the AWS side is a second payerlink in --emulator
mode, which answers the Organizations API as AWS does (handshakes included,
which moto lacks): `msp connect`, `msp sync` with joins and departures, the
onboarding desk's invitation sent upstream and its acceptance, decline and
cancellation seen through sync, throttling answered by retries, and an
unreachable endpoint. test_live_moto.py covers STS, moto's Organizations
and S3."""

import http.server
import json
import os
import subprocess
import threading
import urllib.request

import pytest

from conftest import BIN, Server, client, new_db, drop_db

# Signed with the MSP's own keys; one attempt's worth of patience.
BASE_ENV = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1"}


def live_env(msp, url, **more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(BASE_ENV)
    env.update(AWS_ACCESS_KEY_ID=msp["AccessKeyId"],
               AWS_SECRET_ACCESS_KEY=msp["SecretAccessKey"],
               AWS_ENDPOINT_URL_ORGANIZATIONS=url)
    env.update(more)
    return env


def run(db, env, *args):
    return subprocess.run([BIN, *args, "--db", db], capture_output=True,
                          text=True, env=env, timeout=120)


def ok(p):
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


@pytest.fixture
def upstream():
    """The 'AWS' side: an emulator with the MSP's organization and one member."""
    s = Server("--emulator")
    msp = s.cli("account", "create", "--email", "msp@example.com", "--name", "MSP")
    org = client(s, msp)
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    member = s.cli("account", "create", "--email", "m1@example.com")
    hid = org.invite_account_to_organization(
        Target={"Id": member["AccountId"], "Type": "ACCOUNT"})["Handshake"]["Id"]
    client(s, member).accept_handshake(HandshakeId=hid)
    yield {"srv": s, "msp": msp, "org": org, "org_id": o["Id"], "member": member}
    s.stop()


@pytest.fixture
def live_db(tmp_path):
    db = new_db(str(tmp_path))
    yield db
    drop_db(db)


def joined_ts(up, account_id):
    for a in up["org"].list_accounts()["Accounts"]:
        if a["Id"] == account_id:
            return a["JoinedTimestamp"]
    raise AssertionError("%s is not a member upstream" % account_id)


def iso_ms(s):
    import datetime
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def test_connect_makes_the_installation_live(upstream, live_db):
    env = live_env(upstream["msp"], upstream["srv"].url)
    out = ok(run(live_db, env, "msp", "connect", "--json"))
    assert out == {"Mode": "live", "OrganizationId": upstream["org_id"],
                   "ManagementAccountId": upstream["msp"]["AccountId"],
                   "Accounts": 2}
    show = ok(run(live_db, env, "msp", "show", "--json"))
    assert show["Mode"] == "live"
    assert show["AccountId"] == upstream["msp"]["AccountId"]
    assert show["OrganizationId"] == upstream["org_id"]
    assert show["LastSyncError"] == ""
    # The member's stay starts at AWS's JoinedTimestamp, not at the sync.
    hist = ok(run(live_db, env, "account", "history", upstream["member"]["AccountId"]))
    (m,) = hist["Memberships"]
    assert m["OrganizationId"] == upstream["org_id"]
    assert m["PayerAccountId"] == upstream["msp"]["AccountId"]
    want = joined_ts(upstream, upstream["member"]["AccountId"]).timestamp()
    assert abs(iso_ms(m["JoinedAt"]) - want) < 1.0


def test_emulated_database_cannot_be_connected_and_live_cannot_emulate(upstream, live_db):
    env = live_env(upstream["msp"], upstream["srv"].url)
    # An emulated database (it has its own organizations) refuses to go live.
    p = run(upstream["srv"].db, env, "msp", "connect", "--json")
    assert p.returncode != 0
    assert "live or emulated, never both" in p.stderr
    ok(run(live_db, env, "msp", "connect", "--json"))
    p = subprocess.run([BIN, "serve", "--db", live_db, "--listen", "127.0.0.1:0",
                        "--emulator"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert "is live" in p.stderr and upstream["org_id"] in p.stderr


def test_sync_sees_joins_and_departures(upstream, live_db):
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    ok(run(live_db, env, "msp", "connect", "--json"))
    again = ok(run(live_db, env, "msp", "sync", "--json"))
    assert again["Joined"] == [] and again["Departed"] == [] and again["Accounts"] == 2

    newcomer = up["srv"].cli("account", "create", "--email", "m2@example.com")
    hid = up["org"].invite_account_to_organization(
        Target={"Id": newcomer["AccountId"], "Type": "ACCOUNT"})["Handshake"]["Id"]
    client(up["srv"], newcomer).accept_handshake(HandshakeId=hid)
    up["srv"].cli("account", "set-billing-info", up["member"]["AccountId"],
                  "--payment-method", "card", "--phone", "+15550100")
    up["org"].remove_account_from_organization(AccountId=up["member"]["AccountId"])

    out = ok(run(live_db, env, "msp", "sync", "--json"))
    assert out["Joined"] == [newcomer["AccountId"]]
    assert out["Departed"] == [up["member"]["AccountId"]]
    assert out["Accounts"] == 2
    assert out["Handshakes"] == 2
    hist = ok(run(live_db, env, "account", "history", up["member"]["AccountId"]))
    assert hist["Memberships"][-1]["LeftAt"] is not None
    hist = ok(run(live_db, env, "account", "history", newcomer["AccountId"]))
    assert hist["Memberships"][-1]["LeftAt"] is None
    want = joined_ts(up, newcomer["AccountId"]).timestamp()
    assert abs(iso_ms(hist["Memberships"][-1]["JoinedAt"]) - want) < 1.0


def desk(live_db, env):
    ok(run(live_db, env, "msp", "connect", "--json"))
    c = ok(run(live_db, env, "customer", "create", "--name", "Acme",
               "--contact", "billing@acme.example", "--json"))
    return c.get("Id") or c.get("CustomerId")


def test_invitation_accepted_upstream_is_seen_by_sync(upstream, live_db):
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    cid = desk(live_db, env)
    cust = up["srv"].cli("account", "create", "--email", "cust@acme.example")
    r = ok(run(live_db, env, "onboard", "request", "--customer", cid, "--account",
               cust["AccountId"], "--email", "cust@acme.example", "--case", "1", "--json"))
    assert r["Case"] == 1
    # The handshake is AWS's: the upstream organization knows it by that id.
    hs = up["org"].describe_handshake(HandshakeId=r["HandshakeId"])["Handshake"]
    assert hs["State"] == "OPEN"
    assert {"Id": cust["AccountId"], "Type": "ACCOUNT"} in hs["Parties"]
    assert ok(run(live_db, env, "onboard", "show", r["OnboardingId"], "--json"))["State"] == "INVITED"

    client(up["srv"], cust).accept_handshake(HandshakeId=r["HandshakeId"])
    # Not seen before a sync: the desk reads the mirror.
    assert ok(run(live_db, env, "onboard", "show", r["OnboardingId"], "--json"))["State"] == "INVITED"
    out = ok(run(live_db, env, "msp", "sync", "--json"))
    assert out["Joined"] == [cust["AccountId"]]
    v = ok(run(live_db, env, "onboard", "show", r["OnboardingId"], "--json"))
    assert v["State"] == "LINKED"
    want = joined_ts(up, cust["AccountId"]).timestamp()
    assert abs(iso_ms(v["JoinedAt"]) - want) < 1.0
    kinds = [ev["Event"] for ev in v["Timeline"]]
    assert "ACCEPTED" in kinds and "JOINED" in kinds


def test_cancel_cancels_upstream_and_decline_is_seen(upstream, live_db):
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    cid = desk(live_db, env)
    a = up["srv"].cli("account", "create", "--email", "a@acme.example")
    b = up["srv"].cli("account", "create", "--email", "b@acme.example")
    ra = ok(run(live_db, env, "onboard", "request", "--customer", cid, "--account",
                a["AccountId"], "--email", "a@acme.example", "--json"))
    rb = ok(run(live_db, env, "onboard", "request", "--customer", cid, "--account",
                b["AccountId"], "--email", "b@acme.example", "--case", "2", "--json"))
    assert rb["Case"] == 2
    ok(run(live_db, env, "onboard", "cancel", ra["OnboardingId"], "--json"))
    assert up["org"].describe_handshake(HandshakeId=ra["HandshakeId"])["Handshake"]["State"] == "CANCELED"
    assert ok(run(live_db, env, "onboard", "show", ra["OnboardingId"], "--json"))["State"] == "CANCELED"

    client(up["srv"], b).decline_handshake(HandshakeId=rb["HandshakeId"])
    ok(run(live_db, env, "msp", "sync", "--json"))
    assert ok(run(live_db, env, "onboard", "show", rb["OnboardingId"], "--json"))["State"] == "DECLINED"


class Throttler(http.server.BaseHTTPRequestHandler):
    """Answers the first `budget` requests 429 ThrottlingException, then
    passes each one through to the upstream unchanged."""
    budget = 0
    upstream = ""
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Throttler.seen.append(self.headers.get("X-Amz-Target", ""))
        if Throttler.budget > 0:
            Throttler.budget -= 1
            msg = b'{"__type":"ThrottlingException","Message":"Rate exceeded"}'
            self.send_response(429)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        # Unchanged, Host included: the signature covers it.
        hdrs = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
        req = urllib.request.Request(Throttler.upstream + self.path, data=body,
                                     headers=hdrs, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, data, ctype = r.status, r.read(), r.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            status, data, ctype = e.code, e.read(), e.headers.get("Content-Type")
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


def test_throttled_sync_retries_and_succeeds(upstream, live_db):
    up = upstream
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Throttler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        Throttler.upstream = up["srv"].url
        url = "http://127.0.0.1:%d" % httpd.server_address[1]
        env = live_env(up["msp"], url)
        ok(run(live_db, env, "msp", "connect", "--json"))
        Throttler.budget = 2
        Throttler.seen = []
        out = ok(run(live_db, env, "msp", "sync", "--json"))
        assert out["Accounts"] == 2
        # The first call was refused twice, then answered: three tries.
        assert Throttler.seen[:3] == ["AWSOrganizationsV20161128.DescribeOrganization"] * 3
        # More throttling than the attempts allow: the sync fails, saying so.
        Throttler.budget = 100
        p = run(live_db, env, "msp", "sync", "--json")
        assert p.returncode == 1
        assert "ThrottlingException" in p.stderr and "3 attempts" in p.stderr
    finally:
        httpd.shutdown()


def test_unreachable_endpoint_keeps_the_mirror_and_says_so(upstream, live_db):
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    ok(run(live_db, env, "msp", "connect", "--json"))
    dead = live_env(up["msp"], "http://127.0.0.1:9", AWS_MAX_ATTEMPTS="2")
    p = run(live_db, dead, "msp", "sync", "--json")
    assert p.returncode == 1
    assert "127.0.0.1:9" in p.stderr or "connect" in p.stderr.lower()
    show = ok(run(live_db, dead, "msp", "show", "--json"))
    assert show["Mode"] == "live"
    assert show["LastSyncError"] != ""
    assert show["LastSyncOkAt"] < show["LastSyncAt"]
    # The mirror is intact: the member is still there.
    hist = ok(run(live_db, dead, "account", "history", up["member"]["AccountId"]))
    assert hist["Memberships"][-1]["LeftAt"] is None


def test_serve_syncs_on_its_own(upstream, live_db, tmp_path):
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    ok(run(live_db, env, "msp", "connect", "--json"))
    newcomer = up["srv"].cli("account", "create", "--email", "m3@example.com")
    hid = up["org"].invite_account_to_organization(
        Target={"Id": newcomer["AccountId"], "Type": "ACCOUNT"})["Handshake"]["Id"]
    client(up["srv"], newcomer).accept_handshake(HandshakeId=hid)
    proc = subprocess.Popen([BIN, "serve", "--db", live_db, "--listen", "127.0.0.1:0",
                             "--sync-interval", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert ", live)" in line
        import time
        deadline = time.time() + 30
        hist = None
        while time.time() < deadline:
            # Unknown to the mirror (exit 1) until the server's sync.
            p = run(live_db, env, "account", "history", newcomer["AccountId"])
            if p.returncode == 0:
                hist = json.loads(p.stdout)
                if hist["Memberships"]:
                    break
            time.sleep(0.3)
        assert hist and hist["Memberships"] and hist["Memberships"][-1]["LeftAt"] is None
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0


class Browser:
    """A cookie-keeping client of the console."""

    def __init__(self, port):
        self.port, self.jar = port, {}

    def req(self, method, path, form=None):
        import http.client
        import urllib.parse
        headers = {}
        if self.jar:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, val = v.split(";")[0].split("=", 1)
                if "Max-Age=0" in v or not val:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = val
        out = r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read().decode()
        c.close()
        return out

    def csrf(self, path):
        import re
        st, _, page = self.req("GET", path)
        assert st == 200, (path, st)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1), page

    def sign_in(self, email, password):
        token, _ = self.csrf("/signin")
        st, h, _ = self.req("POST", "/signin", {"csrf": token, "email": email,
                                                "password": password})
        assert st in (302, 303), st
        return h.get("location")


def test_staff_work_the_msp_pages_by_role(upstream, live_db):
    """Live mode has no root user to sign in with: the MSP's staff are
    users with roles; admin files a request on the desk (the case asked in
    AWS's words), read-only and billing may look but not file it, and the
    audit log names the person."""
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    ok(run(live_db, env, "msp", "connect", "--json"))
    for role in ("admin", "read-only", "billing"):
        ok(run(live_db, env, "user", "create", "--role", role, "--email",
               "%s@msp.example" % role, "--password", "staff-pass-%s" % role, "--json"))
    target = up["srv"].cli("account", "create", "--email", "web@acme.example")
    proc = subprocess.Popen([BIN, "serve", "--db", live_db, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        import re
        port = int(re.search(r":(\d+) ", proc.stdout.readline()).group(1))
        admin = Browser(port)
        admin.sign_in("admin@msp.example", "staff-pass-admin")
        token, page = admin.csrf("/onboarding")
        assert 'id="live-sync"' in page and up["org_id"] in page
        assert "Member account of another organization" in page
        st, _, page = admin.req("POST", "/onboarding/request", {
            "csrf": token, "new_customer": "Acme", "account_id": target["AccountId"],
            "email": "web@acme.example", "case": "2"})
        assert st == 200 and 'id="result-case">Case 2' in page
        hid = re.search(r"Invitation <code>(h-[a-z0-9]+)</code>", page).group(1)
        assert up["org"].describe_handshake(HandshakeId=hid)["Handshake"]["State"] == "OPEN"
        audit = ok(run(live_db, env, "audit", "--json"))
        actors = {e["Actor"] for e in audit["Entries"] if e["Action"] == "onboarding.request"}
        assert actors == {"admin@msp.example (admin)"}

        for role in ("read-only", "billing"):
            b = Browser(port)
            b.sign_in("%s@msp.example" % role, "staff-pass-%s" % role)
            token, page = b.csrf("/onboarding")
            assert hid in page or "Acme" in page
            st, _, _ = b.req("POST", "/onboarding/request", {
                "csrf": token, "new_customer": "Other", "account_id": "111122223333",
                "email": "x@other.example", "case": "1"})
            assert st == 403, role
        # The customer's intake form asks the same, and its answer is kept.
        cust = up["srv"].cli("account", "create", "--email", "intake@acme.example")
        visitor = Browser(port)
        token, page = visitor.csrf("/intake")
        assert "What does the AWS Organizations console show" in page
        st, _, page = visitor.req("POST", "/intake", {
            "csrf": token, "customer": "Intake Co", "account_id": cust["AccountId"],
            "email": "intake@acme.example", "case": "3"})
        assert st == 200, page
        lst = ok(run(live_db, env, "onboard", "list", "--json"))
        (mine,) = [o for o in lst["Onboardings"] if o["AccountId"] == cust["AccountId"]]
        assert mine["Case"] == 3
        # A failed sync shows on the desk, which keeps serving the mirror.
        dead = live_env(up["msp"], "http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1")
        assert run(live_db, dead, "msp", "sync").returncode == 1
        _, page = admin.csrf("/onboarding")
        assert 'id="live-sync-error"' in page and "Acme" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# What each staff role may change (portal/user.c portal_role_may_change;
# docs/live.md "People, not root users"): a form of each MSP section and of
# the portal, posted empty (nothing valid to do: a role that may gets the
# page's own answer, one that may not a 403 from the router or the portal).
STAFF_FORMS = ("/onboarding/request", "/customers/create", "/invoices/recompute",
               "/pricing/rules/add", "/portal/budgets/create", "/portal/invoices/recompute")
STAFF_MAY = {
    "admin": set(STAFF_FORMS),
    "operator": {"/onboarding/request", "/customers/create"},
    "billing": {"/invoices/recompute", "/pricing/rules/add", "/portal/budgets/create",
                "/portal/invoices/recompute"},
    "read-only": set(),
}


def test_staff_roles_change_only_their_sections(upstream, live_db):
    """The onboarding operator works the desk and the customers and only
    reads billing; every role reads every MSP page; each role x section
    form is refused (403) exactly where the role may not change it, and
    the operator's invitation is in the audit log under its name."""
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    ok(run(live_db, env, "msp", "connect", "--json"))
    for role in STAFF_MAY:
        ok(run(live_db, env, "user", "create", "--role", role, "--email",
               "%s@msp.example" % role, "--password", "staff-pass-%s" % role, "--json"))
    bad = run(live_db, env, "user", "create", "--role", "onboarding", "--email",
              "x@msp.example", "--password", "staff-pass-x")
    assert bad.returncode != 0 and "operator" in bad.stderr, bad.stderr
    target = up["srv"].cli("account", "create", "--email", "op@acme.example")
    proc = subprocess.Popen([BIN, "serve", "--db", live_db, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        import re
        port = int(re.search(r":(\d+) ", proc.stdout.readline()).group(1))
        got = {}
        for role in STAFF_MAY:
            b = Browser(port)
            b.sign_in("%s@msp.example" % role, "staff-pass-%s" % role)
            for page in ("/onboarding", "/customers", "/imports", "/pricing", "/invoices",
                         "/audit", "/portal/invoices"):
                st, _, _ = b.req("GET", page)
                assert st == 200, (role, page, st)
            token, _ = b.csrf("/onboarding")
            got[role] = set()
            for form in STAFF_FORMS:
                st, _, _ = b.req("POST", form, {"csrf": token})
                if st != 403:
                    got[role].add(form)
            if role == "operator":
                st, _, page = b.req("POST", "/onboarding/request", {
                    "csrf": token, "new_customer": "Op Co", "account_id": target["AccountId"],
                    "email": "op@acme.example", "case": "1"})
                assert st == 200 and "Invitation <code>h-" in page, page[-2000:]
        assert got == STAFF_MAY
        audit = ok(run(live_db, env, "audit", "--json"))
        actors = {e["Actor"] for e in audit["Entries"] if e["Action"] == "onboarding.request"}
        assert actors == {"operator@msp.example (operator)"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_plan_page_live_points_at_the_aws_console(upstream, live_db):
    """Live, the customer's plan gives each step with the AWS console's own
    labels and links (the accounts are at AWS, not in payerlink's console),
    and after the move it says who pays now; an emulated plan keeps this
    console's own steps and sign-in button."""
    import re
    import urllib.request
    up = upstream
    env = live_env(up["msp"], up["srv"].url)
    cid = desk(live_db, env)
    cust = up["srv"].cli("account", "create", "--email", "plan@acme.example")
    r = ok(run(live_db, env, "onboard", "request", "--customer", cid, "--account",
               cust["AccountId"], "--email", "plan@acme.example", "--case", "2", "--json"))
    token = r["PlanUrl"].rsplit("/", 1)[1]
    ok(run(live_db, env, "user", "create", "--role", "admin", "--email", "desk@msp.example",
           "--password", "staff-pass-desk", "--json"))
    proc = subprocess.Popen([BIN, "serve", "--db", live_db, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        port = int(re.search(r":(\d+) ", proc.stdout.readline()).group(1))

        def plan():
            with urllib.request.urlopen("http://127.0.0.1:%d/plan/%s" % (port, token),
                                        timeout=30) as resp:
                return resp.read().decode()
        page = plan()
        assert 'id="aws-console" target="_blank"' in page
        assert 'href="https://console.aws.amazon.com/organizations/v2/home/invitations"' in page
        assert "AWS Organizations: Invitations" in page and "Accept invitation" in page
        assert 'href="https://console.aws.amazon.com/organizations/v2/home"' in page
        assert "Leave organization" in page
        assert "In this console:" not in page and "Sign in to the console" not in page
        assert "pays AWS for it today" in page
        # AWS shows nobody the account's payment method: the plan says to
        # check it rather than "Nothing is missing".
        assert 'data-prereq="PAYMENT_METHOD_UNSEEN"' in page
        assert "Nothing is missing" not in page
        # AWS does not say which organization it was in: no empty "( )".
        intro = re.search(r'id="case-text">(.*?)</p>', page, re.S).group(1)
        assert "another organization, whose management account" in intro, intro
        # The desk's timeline says who opened it in words (issue 23).
        desk_b = Browser(port)
        desk_b.sign_in("desk@msp.example", "staff-pass-desk")
        st, _, detail = desk_b.req("GET", "/onboarding/" + r["OnboardingId"])
        assert st == 200
        row = re.search(r'<tr data-event="VIEWED">(.*?)</tr>', detail, re.S).group(1)
        assert "by the customer, on the plan page" in row, row
        assert "by plan" not in row and "plan page opened" not in row.split("</td>", 2)[2]

        client(up["srv"], cust).accept_handshake(HandshakeId=r["HandshakeId"])
        ok(run(live_db, env, "msp", "sync", "--json"))
        page = plan()
        intro = re.search(r'id="case-text">(.*?)</p>', page, re.S).group(1)
        assert "pays AWS for it now" in intro and "today" not in intro, intro
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # The emulated AWS's own plan: this console's labels and button.
    s = up["srv"]
    s.cli("msp", "set", up["msp"]["AccountId"], "--name", "Emu MSP", "--json")
    c = s.cli("customer", "create", "--name", "Emu Co", "--contact", "emu@acme.example",
              "--json")
    acct = s.cli("account", "create", "--email", "emu@acme.example")
    e = s.cli("onboard", "request", "--customer", c.get("Id") or c.get("CustomerId"),
              "--account", acct["AccountId"], "--email", "emu@acme.example", "--json")
    with urllib.request.urlopen(s.url + "/plan/" + e["PlanUrl"].rsplit("/", 1)[1],
                                timeout=30) as resp:
        page = resp.read().decode()
    assert "In this console:" in page and "Sign in to the console" in page
    assert "console.aws.amazon.com" not in page
