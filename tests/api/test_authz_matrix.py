# SPDX-License-Identifier: MIT
"""Authorization matrix (issue 11), on the demo's data (`payerlink init
--demo`: the MSP, customers Umbrella Corp (A) and Hooli (B) with invoices,
budgets and anomalies, another organization, a standalone account) served
by a strict (non-emulator) server:

- every route of the console's table (`payerlink routes --json`, web.c)
  has an expected outcome per role (ROUTE_EXPECT), and every page and form
  below falls under a route of it.
- every page (GET) and every form (POST) x every role: signed out, the MSP's
  management account, a member root, a standalone root, another
  organization's root, portal MSP admin / billing / read-only / operator and a portal
  user of customer A. Pages are found by crawling as the MSP and the portal
  admin, plus B's concrete resources (invoices and their PDF / CSV, budgets,
  anomalies, cost pages with ?customer=B) and handshakes inside other
  organizations. Each (page, role) is held to GET_EXPECT below; no body a
  non-MSP role receives names B (customer A's user: no other customer at
  all). Refused forms change nothing in the database.
- Cost Explorer (GetCostAndUsage, GetCostAndUsageWithResources, GetCostForecast,
  GetUsageForecast, GetDimensionValues, GetTags, GetCostCategories, ListCostAllocationTags, ListCostCategoryDefinitions,
  GetAnomalies, GetAnomalyMonitors, GetAnomalySubscriptions) x
  callers: the MSP sees its payer's lines, a customer's account sees its
  customer's accounts only, anyone else is refused; nobody sees another
  organization's costs.
- The management account's writes aimed at another organization's account,
  OU, policy, root and handshake: AWS's not-found errors, nothing changes;
  the same writes on its own organization succeed.
The API matrix for non-management callers is tests/api/test_attack.py."""

import datetime
import json
import re
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.parse
from collections import defaultdict

import pytest

from conftest import BIN, PG, Server, _pg_connect, drop_db, new_db, sql
from test_attack import SCP, Browser, crawl, forms_of, snapshot as org_snapshot, svc_call
from test_ce import Portal
from test_ce_tags import world as tagged  # noqa: F401 (a fixture: a bill with tags)
from test_portal_costs import options
from test_protocol import call

ROLES = ("anon", "msp", "member", "standalone", "other",
         "admin", "billing", "readonly", "custA", "operator")
PORTAL_ROLES = ("admin", "billing", "readonly", "custA", "operator")

# What each role gets for each kind of page. ok = 200; signin / portal = a
# 303 to /signin or to /portal (a portal user's session reaches /portal only);
# a number = that status.
GET_EXPECT = {
    #                  anon      msp    member standalone other  admin     billing   readonly  custA     operator
    # /: where each one starts.
    "home":          ("signin", "redirect /organization", "redirect /organization",
                      "redirect /organization", "redirect /organization",
                      "portal", "portal", "portal", "portal", "portal"),
    # /signin: the form; anyone signed in (a portal user too) is sent on.
    "signin":        ("ok",) + ("redirect /organization",) * 9,
    # /intake and a customer's /plan/<token>: public.
    "public":        ("ok",     "ok",  "ok",  "ok",      "ok",  "portal", "portal", "portal", "portal", "portal"),
    # /organization, /settings: every account root, about itself.
    "account":       ("signin", "ok",  "ok",  "ok",      "ok",  "portal", "portal", "portal", "portal", "portal"),
    # The MSP's open invitation to the standalone account: its two parties only.
    "accept_party":  ("signin", "ok",  "404", "ok",      "404", "portal", "portal", "portal", "portal", "portal"),
    # A handshake inside another organization: nobody here is a party.
    "accept_other":  ("signin", "404", "404", "404",     "404", "portal", "portal", "portal", "portal", "portal"),
    # /onboarding, /customers, /audit, /invoices, /pricing, /imports: the MSP's account only.
    "msp_console":   ("signin", "ok",  "403", "403",     "403", "portal", "portal", "portal", "portal", "portal"),
    # /portal/*: the MSP and its portal users; a customer user's scope is its
    # customer whatever ?customer= says (bodies are checked for B below).
    "portal":        ("signin", "ok",  "403", "403",     "403", "ok",     "ok",     "ok",     "ok", "ok"),
    # A's issued or void document in the portal (and its PDF / CSV), A's budget.
    "portal_doc_A":  ("signin", "ok",  "403", "403",     "403", "ok",     "ok",     "ok",     "ok", "ok"),
    # Any other customer's document or budget, or any draft: not there for a customer user.
    "portal_doc_x":  ("signin", "ok",  "403", "403",     "403", "ok",     "ok",     "ok",     "404", "ok"),
}
# /favicon.ico, /logo, /brand.css: the brand on every page, for everyone.
GET_EXPECT["asset"] = ("ok",) * len(ROLES)

# What each role gets when it posts a form with its own valid CSRF token.
# allowed = its right (not posted here: it would change the demo, except
# where noted); own = its right for its own customer (posted by
# test_customer_user_writes_stay_in_its_customer); refused = the domain
# refuses (400, the page again) and nothing changed.
POST_EXPECT = {
    #                  anon      msp       member     standalone other      admin      billing    readonly custA     operator
    # /organization/remove, /delete, /cancel aimed at the MSP's organization.
    "org_msp":       ("signin", "allowed", "refused", "refused", "refused", "portal",  "portal",  "portal", "portal", "portal"),
    # /organization/remove, /cancel aimed at a third organization's member
    # and handshake: nobody here may.
    "org_foreign":   ("signin", "refused", "refused", "refused", "refused", "portal",  "portal",  "portal", "portal", "portal"),
    # /organization/invite: the management account of any organization.
    "org_invite":    ("signin", "allowed", "refused", "refused", "allowed", "portal",  "portal",  "portal", "portal", "portal"),
    # /settings/billing, /keys/create, /password: the signed-in account's own.
    "settings_own":  ("signin", "allowed", "allowed", "allowed", "allowed", "portal",  "portal",  "portal", "portal", "portal"),
    # /settings/keys/delete naming the MSP's access key.
    "settings_msp":  ("signin", "allowed", "refused", "refused", "refused", "portal",  "portal",  "portal", "portal", "portal"),
    # /onboarding/*, /customers/*, /invoices/*, /pricing/*, /imports/*.
    "msp_form":      ("signin", "allowed", "403",     "403",     "403",     "portal",  "portal",  "portal", "portal", "portal"),
    # /portal/invoices/{issue,void,recompute}.
    "portal_inv":    ("signin", "allowed", "403",     "403",     "403",     "allowed", "allowed", "403",    "403", "403"),
    # /portal/budgets/create?customer=B, and B's budget saved or deleted.
    "portal_budget": ("signin", "allowed", "403",     "403",     "403",     "allowed", "allowed", "403",    "own", "403"),
    # /portal/anomalies/<B's anomaly>/{acknowledge,dismiss}?customer=B.
    "portal_anom":   ("signin", "allowed", "403",     "403",     "403",     "allowed", "allowed", "403",    "own", "403"),
    # /portal/views/create, /portal/views/<id>/delete: the person's own saved
    # views (read-only roles too); another's id is a 404 (test_portal_costs.py).
    "portal_view":   ("signin", "allowed", "403",     "403",     "403",     "allowed", "allowed", "allowed", "allowed", "allowed"),
    # /intake: the public intake form.
    "public":        ("allowed", "allowed", "allowed", "allowed", "allowed", "portal", "portal",  "portal", "portal", "portal"),
}

# Every route of the console's table (`payerlink routes --json`) and the
# GET_EXPECT / POST_EXPECT classes of its pages or forms, or why the matrix
# leaves it out. A route missing here fails test_every_route_has_an_expectation:
# a new page or form says what each role gets before it ships.
ROUTE_EXPECT = {
    ("GET", "/"): {"home"},
    ("GET", "/signin"): {"signin"},
    ("POST", "/signin"): "it would sign the role's browser in anew: "
                         "e2e security.test.mjs and the fixture's sign-ins",
    ("GET", "/intake"): {"public"},
    ("POST", "/intake"): {"public"},
    ("GET", "/plan/*"): {"public"},
    ("POST", "/plan/*"): {"public"},
    ("POST", "/signout"): "it would end the role's session: e2e security.test.mjs",
    ("GET", "/portal"): {"portal"},
    ("GET", "/portal/*"): {"portal", "portal_doc_A", "portal_doc_x"},
    ("POST", "/portal/*"): {"portal_inv", "portal_budget", "portal_anom", "portal_view"},
    ("GET", "/organization"): {"account"},
    ("GET", "/organization/accept"): {"accept_party", "accept_other"},
    ("POST", "/organization/*"): {"org_msp", "org_foreign", "org_invite"},
    ("GET", "/settings"): {"account"},
    ("POST", "/settings/*"): {"settings_own", "settings_msp"},
    ("GET", "/onboarding"): {"msp_console"},
    ("GET", "/onboarding/*"): {"msp_console"},
    ("POST", "/onboarding/*"): {"msp_form"},
    ("GET", "/customers"): {"msp_console"},
    ("POST", "/customers/*"): {"msp_form"},
    ("GET", "/audit"): {"msp_console"},
    ("GET", "/imports"): {"msp_console"},
    ("GET", "/imports/*"): {"msp_console"},
    ("GET", "/invoices"): {"msp_console"},
    ("GET", "/invoices/*"): {"msp_console"},
    ("POST", "/invoices/*"): {"msp_form"},
    ("GET", "/pricing"): {"msp_console"},
    ("POST", "/pricing/*"): {"msp_form"},
    ("GET", "/branding"): {"msp_console"},  # the brand: the MSP's account only
    ("POST", "/branding/*"): {"msp_form"},
    ("GET", "/favicon.ico"): {"asset"},
    ("GET", "/logo"): {"asset"},
    ("GET", "/brand.css"): {"asset"},
}

PORTAL_PAGES = ["/portal", "/portal/costs", "/portal/costs.csv", "/portal/budgets",
                "/portal/anomalies", "/portal/invoices"]
# Tables a web form could change; sessions (touched by every request) and
# the CUR rollups (no form writes them: counted only) are left out.
SKIP_TABLES = {"web_sessions", "portal_sessions", "web_signin_failures", "signin_limits",
               "billing_rollups"}


def snapshot_all(db):
    """Every table's rows (sorted), over one connection (either backend)."""
    if PG:
        c = _pg_connect(db)
        q = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    else:
        c = sqlite3.connect(db)
        q = "SELECT name FROM sqlite_master WHERE type = 'table'"
    try:
        cur = c.cursor()
        cur.execute(q)
        out = {}
        for (t,) in sorted(cur.fetchall()):
            cur.execute("SELECT COUNT(*) FROM %s" % t if t in SKIP_TABLES else
                        "SELECT * FROM %s" % t)
            out[t] = sorted(repr(r) for r in cur.fetchall())
        return out
    finally:
        c.close()


def diff(before, after):
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


def outcome(st, h):
    if st == 303:
        loc = h.get("location", "")
        return {"/signin": "signin", "/portal": "portal"}.get(loc, "redirect " + loc)
    return "ok" if st == 200 else str(st)


class World:
    pass


def route_table():
    """The console's routes, as the server dispatches them."""
    p = subprocess.run([BIN, "routes", "--json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["web"]


def route_of(w, method, url):
    """(method, path) of the row that serves url, matched as web.c does
    (a '*' at the end takes the rest), or None."""
    path = url.split("?")[0].split("#")[0]
    for r in w.routes:
        pat = r["path"]
        if r["method"] == method and (path == pat or pat.endswith("*")
                                      and path.startswith(pat[:-1])):
            return (r["method"], pat)
    return None


def route_classes(w, method, url):
    rt = route_of(w, method, url)
    assert rt is not None, "%s %s is served by no route of the table" % (method, url)
    want = ROUTE_EXPECT.get(rt)
    assert isinstance(want, set), "%s %s: route %s is not in the matrix: %s" % (method, url, rt, want)
    return rt, want


@pytest.fixture(scope="module")
def w():
    """The demo in a fresh database, portal users for every role, a
    strict server over it, and a signed-in browser per role."""
    d = tempfile.mkdtemp(prefix="payerlink-authz-")
    db = new_db(d)
    p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    x = World()
    x.db, x.dir = db, d
    x.routes = route_table()
    x.acct = {}
    for m in re.finditer(r"^\s+(\S+@\S+)\s+(\d{12})\s.*key (\S+) secret (\S+)", p.stdout, re.M):
        x.acct[m.group(1)] = {"AccountId": m.group(2), "AccessKeyId": m.group(3),
                              "SecretAccessKey": m.group(4)}
    x.plan = re.search(r"plan http://[^/]+(/plan/\S+)", p.stdout).group(1)
    x.s = Server(db=db)
    try:
        _setup(x)
        yield x
    finally:
        code = x.s.stop()
        drop_db(db)
        shutil.rmtree(d, ignore_errors=True)
        assert code == 0, "server did not stop cleanly"


def _setup(x):
    s, db = x.s, x.db
    pw = "portal-demo-1"
    for role in ("admin", "read-only", "operator"):
        s.cli("user", "create", "--role", role, "--email", "%s@authz.example" % role,
              "--password", pw, "--json")
    cust = {name: cid for cid, name in sql(db, "SELECT id, name FROM customers")}
    x.A, x.B = cust["Umbrella Corp"], cust["Hooli"]
    x.accounts_of = {}
    for a, c in sql(db, "SELECT account_id, customer_id FROM customer_accounts"):
        x.accounts_of.setdefault(c, set()).add(a)
    x.inv = {}          # key (number or id) -> (customer, state)
    for iid, c, num, state in sql(db, "SELECT id, customer_id, number, state FROM invoices"):
        x.inv[iid] = (c, state)
        if num:
            x.inv[num] = (c, state)
    x.budgets = dict(sql(db, "SELECT id, customer_id FROM budgets WHERE customer_id IN (?, ?)",
                         (x.A, x.B)))
    assert sorted(x.budgets.values()) == sorted([x.A, x.B]), x.budgets
    x.msp_id = sql(db, "SELECT account_id FROM msp")[0][0]
    x.msp_org = sql(db, "SELECT id FROM organizations WHERE management_id = ? "
                        "AND deleted_at IS NULL", (x.msp_id,))[0][0]
    x.who = {"msp": "msp@payerlink.example", "member": "prod@umbrella.example",
             "standalone": "case1@customer.example", "other": "oldpayer@other.example"}
    assert x.acct["prod@umbrella.example"]["AccountId"] in x.accounts_of[x.A]
    assert len(x.acct) == 11, x.acct
    # Handshakes: the MSP's open invitation to the standalone account, and
    # one inside another organization (case 3's, to a new account).
    case1 = x.acct["case1@customer.example"]["AccountId"]
    x.hs_party = sql(db, "SELECT h.id FROM handshakes h JOIN organizations o ON o.id = h.org_id "
                         "WHERE o.management_id = ? AND h.target_id = ? AND h.state = 'OPEN'",
                     (x.msp_id, case1))[0][0]
    invitee = s.cli("account", "create", "--email", "invitee@authz.example")
    st, _, b = call(s, x.acct["case3@customer.example"], "InviteAccountToOrganization",
                    {"Target": {"Id": invitee["AccountId"], "Type": "ACCOUNT"}})
    assert st == 200, b
    x.hs_other = b["Handshake"]["Id"]
    # B's distinctive strings; for customer A's user, every other customer's.
    x.strings = {}
    for cid, name in sql(db, "SELECT id, name FROM customers"):
        ss = {name, cid} | x.accounts_of.get(cid, set())
        for iid, num in sql(db, "SELECT id, number FROM invoices WHERE customer_id = ?", (cid,)):
            ss.add(iid)
            if num:
                ss.add(num)
        x.strings[cid] = ss
    # Browsers.
    x.b = {"anon": Browser(s)}
    for role, email in x.who.items():
        x.b[role] = Browser(s)
        st, h, _ = x.b[role].sign_in(email, "payerlink-demo")
        assert st == 303, (role, st)
    for role, email in (("admin", "admin@authz.example"), ("billing", "billing@msp.example"),
                        ("readonly", "read-only@authz.example"),
                        ("operator", "operator@authz.example"),
                        ("custA", "portal@umbrella-corp.example")):
        x.b[role] = Browser(s)
        st, h, _ = x.b[role].sign_in(email, pw)
        assert st == 303 and h.get("location") == "/portal", (role, st, h)
    cu = sql(db, "SELECT customer_id FROM portal_users WHERE email = ?",
             ("portal@umbrella-corp.example",))[0][0]
    assert cu == x.A
    today = datetime.datetime.utcnow().date()
    x.last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")


def shape(url):
    """Crawled URLs are kept one per path and set of query keys (one of
    the 30 /audit?object=... is enough); documents keep their path."""
    path, _, q = url.partition("?")
    return path, tuple(sorted(k for k, _ in urllib.parse.parse_qsl(q, keep_blank_values=True)))


def crawl_all(b, start, limit=1000):
    """Every same-site URL reachable from start (HTML and downloads), one
    per shape; the HTML pages' text for their forms."""
    return crawl(b, start, limit, key=shape, downloads=True)


def forms_in(text):
    return [(a, {k: v for k, v in f.items() if k != "csrf"}) for a, f in forms_of(text)]


def template(action):
    """/invoices/PL-2026-000001/void -> /invoices/{}/void."""
    path = action.split("?")[0]
    return re.sub(r"/(inv-[a-z0-9]+|bud-[a-z0-9]+|vw-[a-z0-9]+|PL-[0-9-]+|onb-[a-z0-9]+|[0-9a-f]{32})(?=/|$)",
                  "/{}", path)


def pages_of(w):
    """The GET list: crawled as the MSP and the portal admin, plus B's
    concrete resources and other organizations' handshakes."""
    if hasattr(w, "pages"):
        return w.pages
    urls = set(crawl_all(w.b["msp"], ["/organization", "/settings", "/onboarding", "/customers",
                                      "/audit", "/invoices", "/invoices/reconciliation",
                                      "/pricing", "/imports", "/intake", "/branding",
                                      "/favicon.ico", "/logo", "/brand.css"] + PORTAL_PAGES))
    urls |= set(crawl_all(w.b["admin"], PORTAL_PAGES))
    for p in PORTAL_PAGES:
        urls.add(p + "?customer=" + w.B)
    bacct = sorted(w.accounts_of[w.B])[0]
    urls.add("/portal/costs?customer=%s&group=LINKED_ACCOUNT&account=%s" % (w.B, bacct))
    urls.add("/portal/costs.csv?customer=%s&group=LINKED_ACCOUNT&granularity=MONTHLY" % w.B)
    for c in (w.A, w.B):
        urls.add("/portal/focus.csv?customer=%s&period=%s" % (c, w.last_month))
    for key, (c, state) in w.inv.items():
        if c != w.B and not (c == w.A and state != "DRAFT"):
            continue
        for suffix in ("", "/pdf", "/csv"):
            urls.add("/portal/invoices/%s%s" % (key, suffix))
            urls.add("/invoices/%s%s" % (key, suffix))
        urls.add("/portal/invoices/%s?customer=%s" % (key, w.B))
    urls.add("/invoices?customer=" + w.B)
    # Each customer's budget: its page and the question before deleting it.
    for bid, c in w.budgets.items():
        for suffix in ("", "/delete"):
            urls.add("/portal/budgets/%s%s" % (bid, suffix))
            urls.add("/portal/budgets/%s%s?customer=%s" % (bid, suffix, c))
    urls.add("/organization/accept?h=" + w.hs_party)
    urls.add("/organization/accept?h=" + w.hs_other)
    urls.add(w.plan)
    urls |= {"/", "/signin"}
    w.pages = sorted(urls)
    return w.pages


def page_class(w, url):
    """The GET_EXPECT class of url: its route's, told apart where the
    route's pages differ (whose handshake, whose document)."""
    rt, classes = route_classes(w, "GET", url)
    path = url.split("?")[0]
    if len(classes) == 1:
        cls = next(iter(classes))
    elif rt == ("GET", "/organization/accept"):
        cls = "accept_party" if w.hs_party in url else "accept_other"
    elif path.startswith("/portal/invoices/"):
        c, state = w.inv[path.split("/")[3]]
        cls = "portal_doc_A" if c == w.A and state != "DRAFT" else "portal_doc_x"
    elif path.startswith("/portal/budgets/"):
        cls = "portal_doc_A" if w.budgets.get(path.split("/")[3]) == w.A else "portal_doc_x"
    else:
        cls = "portal"
    assert cls in classes, (url, rt, cls)
    return cls


def forbidden_for(w, role, url):
    """Strings that must not appear in what `role` receives for url (what
    the URL itself says is an echo, not a leak)."""
    if role in ("msp", "admin", "billing", "readonly", "operator"):
        return set()
    if role == "custA":
        bad = set().union(*(v for c, v in w.strings.items() if c != w.A))
    else:
        bad = set(w.strings[w.B])
    return {s for s in bad if s not in url}


def test_every_route_has_an_expectation():
    """Every route of the console's table says what each role gets (or why
    the matrix leaves it out), and no expectation names a route that is gone."""
    table = {(r["method"], r["path"]) for r in route_table()}
    missing = sorted(table - set(ROUTE_EXPECT))
    assert missing == [], "routes without an expected outcome per role (add them to " \
        "ROUTE_EXPECT): %s" % missing
    gone = sorted(set(ROUTE_EXPECT) - table)
    assert gone == [], "ROUTE_EXPECT names routes that are gone: %s" % gone
    for (method, path), want in ROUTE_EXPECT.items():
        if isinstance(want, set):
            assert want <= set(GET_EXPECT if method == "GET" else POST_EXPECT), (method, path)


def in_matrix(method):
    """The routes the matrix holds to an expectation (a set of classes)."""
    return {rt for rt, want in ROUTE_EXPECT.items() if rt[0] == method and isinstance(want, set)}


def test_every_page_for_every_role(w):
    pages = pages_of(w)
    assert len(pages) >= 60, pages
    # Each route is reached by some page of the list.
    unreached = in_matrix("GET") - {route_of(w, "GET", url) for url in pages}
    assert unreached == set(), "routes no page of the matrix reaches: %s" % sorted(unreached)
    bad, leaks, counts = [], [], {}
    for url in pages:
        cls = page_class(w, url)
        counts[cls] = counts.get(cls, 0) + 1
        want = dict(zip(ROLES, GET_EXPECT[cls]))
        for role in ROLES:
            st, h, body = w.b[role].req("GET", url)
            got = outcome(st, h)
            if got != want[role]:
                bad.append((url, role, "want " + want[role], "got " + got))
            for s in forbidden_for(w, role, url):
                if s in body:
                    leaks.append((url, role, s))
    assert bad == [], "\n".join(map(str, bad))
    assert leaks == [], "\n".join(map(str, leaks))
    # The leak check can see B: the MSP's users do get B's strings.
    for role in ("msp", "admin"):
        st, _, body = w.b[role].req("GET", "/portal/costs?customer=%s&group=LINKED_ACCOUNT" % w.B)
        assert st == 200 and any(a in body for a in w.accounts_of[w.B]), role
        st, _, body = w.b[role].req("GET", "/portal/invoices?customer=" + w.B)
        assert "Hooli" in body, role
    # The sessions lived through the matrix (no refusal signed anybody out).
    for role in ROLES[1:]:
        st, h, _ = w.b[role].req("GET", "/portal" if role in PORTAL_ROLES else "/organization")
        assert st == 200, role
    print("\nGET matrix: %d pages x %d roles = %d requests; classes %s" %
          (len(pages), len(ROLES), len(pages) * len(ROLES), counts))


def test_customer_user_pages_show_only_its_customer(w):
    """Customer A's user asking for B (?customer=B on every portal page, B's
    ids in paths) gets exactly what it gets without asking: its own."""
    b = w.b["custA"]
    for p in PORTAL_PAGES:
        st, _, mine = b.req("GET", p)
        st2, _, asked = b.req("GET", p + ("&" if "?" in p else "?") + "customer=" + w.B)
        assert st == st2 == 200, p
        if p == "/portal/costs":
            # The CSV link repeats the query string the user typed.
            asked = asked.replace("customer=" + w.B, "")
        strip = lambda t: re.sub(r'name="csrf" value="[^"]*"', "", t)
        assert strip(asked) == strip(mine), p
    # A's own data is there (the check above is not vacuous).
    st, _, csv = b.req("GET", "/portal/costs.csv?group=LINKED_ACCOUNT&granularity=MONTHLY")
    assert st == 200 and any(a in csv for a in w.accounts_of[w.A]), csv[:300]


def test_customer_user_sees_only_its_tag_and_category_values(tagged):
    """The cost analysis' tag and cost category pick-lists offer a customer
    user the values of its customer's lines only. Project=apollo is on
    customer A's account alone: B's user is not offered it, and asking for
    it in the URL (with ?customer=A) filters B's lines to nothing, on the
    page an unknown value gives: it tells nothing."""
    w = tagged
    pw = "tags-password-b"
    w.srv.cli("user", "create", "--customer", w.cb, "--email", "tags@b.example",
              "--password", pw, "--json")
    b = Portal(w.srv, "tags@b.example", pw)
    base = "/portal/costs?from=%s&to=%s&group=TAG:Owner" % (w.days[0], w.days[-1])
    st, page = b.get(base)
    assert st == 200
    mine = [l for l in w.ls if l["account"] == w.b1.id]
    tags = {v for v, _ in options(page, "tag") if not v.endswith("=")}
    assert tags == {"%s=%s" % kv for l in mine for kv in l["tags"].items()}
    cats = {v for v, _ in options(page, "category") if not v.endswith("=")}
    assert cats == {"Team=" + l["cc"]["Team"] for l in mine if "Team" in l["cc"]}
    assert "apollo" not in page and "Project" not in page

    def asked(value):
        st, text = b.get("%s&customer=%s&tag=Project%%3D%s" % (base, w.ca, value))
        assert st == 200
        return text.replace("customer=" + w.ca, "").replace(value, "ECHO")
    got = asked("apollo")
    assert 'id="no-cost"' in got
    assert got == asked("Zz-unknown")
    # Not vacuous: A's user is offered it and gets its cost.
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "tags@a.example",
              "--password", pw, "--json")
    a = Portal(w.srv, "tags@a.example", pw)
    st, page = a.get(base + "&tag=Project%3Dapollo")
    assert "Project=apollo" in {v for v, _ in options(page, "tag")}
    assert 'id="no-cost"' not in page


def csrf_of(w, role):
    b = w.b[role]
    page = "/signin" if role == "anon" else "/portal" if role in PORTAL_ROLES else "/organization"
    st, _, text = b.req("GET", page)
    assert st == 200, (role, st)
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


def post_forms(w):
    """Forms found by crawling as the MSP, the portal admin and customer A's
    user (one per kind), then the ones aimed at B's things."""
    pages = {}
    for role, start in (("msp", ["/organization", "/settings", "/onboarding", "/customers",
                                 "/invoices", "/pricing", "/intake"]),
                        ("admin", PORTAL_PAGES), ("custA", PORTAL_PAGES)):
        pages.update(crawl_all(w.b[role], start, limit=80))
    forms = {}
    for text in pages.values():
        for action, fields in forms_in(text):
            forms.setdefault(template(action), (action, fields))
    b_draft = [k for k, (c, st) in w.inv.items() if c == w.B and st == "DRAFT" and k.startswith("inv-")][0]
    b_issued = [k for k, (c, st) in w.inv.items() if c == w.B and st == "ISSUED" and k.startswith("PL-")][0]
    # Anomalies as the MSP's users see them: the payer's (the demo's spike
    # on A's account is always there) and B's (the demo's usage is drawn
    # from the random account ids: B may have none).
    ids = lambda q: re.findall(r'action="/portal/anomalies/([0-9a-f]{32})/acknowledge',
                               w.b["admin"].req("GET", "/portal/anomalies" + q)[2])
    msp_anom, b_anom = ids(""), ids("?customer=" + w.B)
    assert msp_anom, "the demo's spike is not an open anomaly"
    w.foreign_anom = [(a, "") for a in msp_anom] + [(a, w.B) for a in b_anom]
    msp_key = sql(w.db, "SELECT id FROM access_keys WHERE account_id = ?", (w.msp_id,))[0][0]
    b_budget = [b for b, c in w.budgets.items() if c == w.B][0]
    budget = {"name": "authz budget", "amount": "5", "account": "", "actual": "100",
              "forecast": "100", "webhook": ""}
    explicit = [
        ("/portal/invoices/%s/issue" % b_draft, {}),
        ("/portal/invoices/%s/void" % b_issued, {"reason": "authz"}),
        ("/portal/invoices/recompute", {"period": w.last_month, "customer": w.B}),
        ("/portal/budgets/create?customer=" + w.B, budget),
        ("/portal/budgets/%s?customer=%s" % (b_budget, w.B), dict(budget, name="authz edit")),
        ("/portal/budgets/%s/delete?customer=%s" % (b_budget, w.B), {}),
        ("/portal/anomalies/%s/acknowledge" % msp_anom[0], {}),
        ("/portal/anomalies/%s/dismiss" % msp_anom[0], {}),
        ("/invoices/%s/issue" % b_draft, {}),
        ("/invoices/%s/void" % b_issued, {"reason": "authz"}),
        ("/invoices/recompute", {"period": w.last_month, "customer": w.B}),
        ("/settings/keys/delete", {"key_id": msp_key}),
        ("/organization/remove", {"action": "remove",
                                  "account": sorted(w.accounts_of[w.B])[0]}),
        ("/organization/delete", {"confirm_id": w.msp_org}),
        ("/organization/cancel", {"handshake_id": w.hs_party}),
    ]
    for action, fields in explicit:
        forms[template(action)] = (action, fields)
    # A third organization's (case 3's) member and invitation.
    case3_member = sql(w.db, "SELECT m.account_id FROM memberships m JOIN organizations o "
                             "ON o.id = m.org_id WHERE o.management_id = ? AND m.left_at IS NULL "
                             "AND m.account_id <> o.management_id",
                       (w.acct["case3@customer.example"]["AccountId"],))[0][0]
    forms["foreign remove"] = ("/organization/remove#foreign",
                               {"action": "remove", "account": case3_member})
    forms["foreign cancel"] = ("/organization/cancel#foreign", {"handshake_id": w.hs_other})
    # The customer's plan: proposing a time (the public may; a portal user
    # is sent to the portal).
    forms["plan"] = (w.plan + "/propose", {"when": "2031-01-01T10:00", "note": "authz"})
    return sorted(v for v in forms.values()
                  if isinstance(ROUTE_EXPECT.get(route_of(w, "POST", v[0])), set))


def form_class(w, action):
    """The POST_EXPECT class of a form: its route's, told apart where the
    route's forms differ (the organization's, the settings', the portal's)."""
    rt, classes = route_classes(w, "POST", action)
    path = action.split("?")[0].split("#")[0]
    if len(classes) == 1:
        cls = next(iter(classes))
    elif action.endswith("#foreign"):
        cls = "org_foreign"
    elif path == "/organization/invite":
        cls = "org_invite"
    elif rt == ("POST", "/organization/*"):
        cls = "org_msp"
    elif path == "/settings/keys/delete":
        cls = "settings_msp"
    elif rt == ("POST", "/settings/*"):
        cls = "settings_own"
    elif path.startswith("/portal/invoices/"):
        cls = "portal_inv"
    elif path.startswith("/portal/budgets/"):
        cls = "portal_budget"
    elif path.startswith("/portal/anomalies/"):
        cls = "portal_anom"
    elif path.startswith("/portal/views/"):
        cls = "portal_view"
    else:
        raise AssertionError("no expectation for form " + action)
    assert cls in classes, (action, rt, cls)
    return cls


def test_every_form_for_every_role(w):
    """Each role posts each form with its own valid token: refused ones are
    refused as the table says and change nothing; customer A's user may act
    for A only."""
    forms = post_forms(w)
    assert len(forms) >= 20, forms
    unreached = in_matrix("POST") - {route_of(w, "POST", a) for a, _ in forms}
    assert unreached == set(), "routes no form of the matrix posts to: %s" % sorted(unreached)
    tokens = {r: csrf_of(w, r) for r in ROLES}
    bad, posted, counts = [], 0, {}
    for action, fields in forms:
        cls = form_class(w, action)
        counts[cls] = counts.get(cls, 0) + 1
        want = dict(zip(ROLES, POST_EXPECT[cls]))
        for role in ROLES:
            if want[role] in ("allowed", "own"):
                continue
            before = snapshot_all(w.db)
            st, h, body = w.b[role].req("POST", action.split("#")[0],
                                        dict(fields, csrf=tokens[role]))
            posted += 1
            got = outcome(st, h)
            if want[role] == "refused" and st == 400:
                got = "refused"
                # A refusal says why, even where the form's section is not drawn.
                if 'role="alert"' not in body:
                    bad.append((action, role, "400 without a message"))
            if got != want[role]:
                bad.append((action, role, "want " + want[role], "got " + got))
            changed = diff(before, snapshot_all(w.db))
            if changed:
                bad.append((action, role, "changed", changed))
    assert bad == [], "\n".join(map(str, bad))
    print("\nPOST matrix: %d forms x %d roles, %d refused posts checked; classes %s" %
          (len(forms), len(ROLES), posted, counts))


def test_customer_user_writes_stay_in_its_customer(w):
    """The writes a customer user may do (budgets, anomaly status) land on
    its own customer even when the form names B."""
    if not hasattr(w, "foreign_anom"):
        post_forms(w)
    tok = csrf_of(w, "custA")
    b_budgets = sql(w.db, "SELECT * FROM budgets WHERE customer_id <> ? ORDER BY id", (w.A,))
    n_a = sql(w.db, "SELECT COUNT(*) FROM budgets WHERE customer_id = ?", (w.A,))[0][0]
    st, h, body = w.b["custA"].req("POST", "/portal/budgets/create?customer=" + w.B, {
        "csrf": tok, "name": "authz A budget", "amount": "7", "account": "", "actual": "100",
        "forecast": "100", "webhook": ""})
    assert st == 303 and h["location"] == "/portal/budgets", (st, h, body[:500])
    assert sql(w.db, "SELECT customer_id FROM budgets WHERE name = 'authz A budget'") == [(w.A,)]
    assert sql(w.db, "SELECT COUNT(*) FROM budgets WHERE customer_id = ?", (w.A,))[0][0] == n_a + 1
    assert sql(w.db, "SELECT * FROM budgets WHERE customer_id <> ? ORDER BY id", (w.A,)) == b_budgets
    # B's budget: A's user can neither change nor delete it, whatever the
    # query says (no such budget for it).
    b_budget = [b for b, c in w.budgets.items() if c == w.B][0]
    before = sql(w.db, "SELECT * FROM budgets ORDER BY id")
    for path in ("/portal/budgets/" + b_budget, "/portal/budgets/%s/delete" % b_budget):
        for ask in ("", "?customer=" + w.B):
            st, _, _ = w.b["custA"].req("POST", path + ask, {
                "csrf": tok, "name": "taken over", "amount": "1", "account": "", "actual": "1",
                "forecast": "1", "webhook": "", "email": ""})
            assert st == 404, (path, ask, st)
    assert sql(w.db, "SELECT * FROM budgets ORDER BY id") == before
    # The payer's and B's anomalies, as the MSP's users see them: A's user
    # cannot mark them (the ids are a plain hash of scope, account, service
    # and day: it could compute them), not even from its own scope.
    marks = sql(w.db, "SELECT * FROM anomaly_status ORDER BY 1, 2")
    for aid, q in w.foreign_anom:
        for act in ("acknowledge", "dismiss"):
            for ask in ("", "?customer=" + w.B):
                st, h, body = w.b["custA"].req("POST", "/portal/anomalies/%s/%s%s" % (
                    aid, act, ask), {"csrf": tok})
                assert st == 404, (aid, act, ask, st, h)
    assert sql(w.db, "SELECT * FROM anomaly_status ORDER BY 1, 2") == marks
    for aid, q in w.foreign_anom:
        st, _, text = w.b["admin"].req("GET", "/portal/anomalies" + (q and "?customer=" + q))
        assert "/portal/anomalies/%s/acknowledge" % aid in text
    # Its own anomaly (the demo's spike is on A's account) it may mark.
    mine = re.findall(r'action="/portal/anomalies/([0-9a-f]{32})/acknowledge',
                      w.b["custA"].req("GET", "/portal/anomalies")[2])
    assert mine, "A's user sees no open anomaly of A"
    # Only the two verbs the page offers mark it.
    st, _, _ = w.b["custA"].req("POST", "/portal/anomalies/%s/approve" % mine[0], {"csrf": tok})
    assert st == 404 and sql(w.db, "SELECT * FROM anomaly_status ORDER BY 1, 2") == marks
    st, h, _ = w.b["custA"].req("POST", "/portal/anomalies/%s/acknowledge?customer=%s" % (
        mine[0], w.B), {"csrf": tok})
    assert st == 303, st
    assert sql(w.db, "SELECT customer_id, status FROM anomaly_status WHERE anomaly_id = ?",
               (mine[0],)) == [(w.A, "ACKNOWLEDGED")]
    # Open again, for the tests after this one.
    sql(w.db, "DELETE FROM anomaly_status WHERE anomaly_id = ?", (mine[0],))


def test_portal_roles_are_offered_only_their_forms(w):
    """What each portal role is offered: admin and billing the same forms
    (issue, void, recompute, budgets, anomalies), read-only and the operator
    only their own saved views, customer A's user budgets and anomalies of A
    only (and its saved views)."""
    offered = {}
    for role in PORTAL_ROLES:
        pages = crawl_all(w.b[role], PORTAL_PAGES + [p + "?customer=" + w.A for p in PORTAL_PAGES],
                          limit=80)
        offered[role] = {template(a) for t in pages.values() for a, _ in forms_in(t)} - {"/signout"}
    assert offered["admin"] == offered["billing"]
    assert {"/portal/invoices/{}/issue", "/portal/invoices/{}/void", "/portal/invoices/recompute",
            "/portal/budgets/create", "/portal/budgets/{}", "/portal/budgets/{}/delete",
            "/portal/anomalies/{}/acknowledge"} <= offered["admin"], offered
    assert "/portal/views/create" in offered["admin"], offered
    assert offered["readonly"] == {"/portal/views/create"}, offered["readonly"]
    # The onboarding operator changes the desk and the customers, not billing.
    assert offered["operator"] == {"/portal/views/create"}, offered["operator"]
    assert offered["custA"] == {"/portal/budgets/create", "/portal/budgets/{}",
                                "/portal/budgets/{}/delete", "/portal/anomalies/{}/acknowledge",
                                "/portal/anomalies/{}/dismiss", "/portal/views/create"}, offered["custA"]


# -- Cost Explorer ---------------------------------------------------------

# Who sees what through the Cost Explorer API (src/ce/query.c
# ce_scope_account): the MSP's payer account every line of its own CUR; an
# account of a customer its customer's accounts (at the customer's prices);
# anyone else AccessDeniedException.
CE_EXPECT = {
    "msp": "payer",
    "memberA": "customer A",          # Umbrella's account in the MSP's organization
    "memberB": "customer B",          # Hooli's
    "standalone": "customer Acme",    # case 1, Acme's (standalone, being onboarded):
                                      # none of its usage is in the MSP's CUR, so
                                      # nothing to see and no forecast
    "other": "AccessDeniedException",  # manages another organization
    "loose": "AccessDeniedException",  # in the MSP's organization, no customer's
    "stray": "AccessDeniedException",  # standalone, nobody's
}


def test_cost_explorer_callers(w):
    s, db = w.s, w.db
    cust = {name: cid for cid, name in sql(db, "SELECT id, name FROM customers")}
    callers = {"msp": w.acct["msp@payerlink.example"], "memberA": w.acct["prod@umbrella.example"],
               "memberB": w.acct["main@hooli.example"],
               "standalone": w.acct["case1@customer.example"],
               "other": w.acct["oldpayer@other.example"]}
    callers["stray"] = s.cli("account", "create", "--email", "stray@authz.example")
    callers["loose"] = s.cli("account", "create", "--email", "loose@authz.example")
    st, _, h = call(s, callers["msp"], "InviteAccountToOrganization",
                    {"Target": {"Id": callers["loose"]["AccountId"], "Type": "ACCOUNT"}})
    assert st == 200, h
    assert call(s, callers["loose"], "AcceptHandshake", {"HandshakeId": h["Handshake"]["Id"]})[0] == 200
    first, last = sql(db, "SELECT MIN(day), MAX(day) FROM billing_rollups")[0]
    period = {"Start": first, "End": (datetime.date.fromisoformat(last) +
                                      datetime.timedelta(days=1)).isoformat()}
    today = datetime.datetime.utcnow().date()
    future = {"Start": today.isoformat(), "End": (today + datetime.timedelta(days=10)).isoformat()}

    def whole_month(day):
        d = datetime.date.fromisoformat(day).replace(day=1)
        return {"Start": d.isoformat(),
                "End": (d + datetime.timedelta(days=32)).replace(day=1).isoformat()}
    months = {"BaselineTimePeriod": whole_month(first), "ComparisonTimePeriod": whole_month(last)}
    payer = {r[0] for r in sql(db, "SELECT DISTINCT account_id FROM billing_rollups WHERE payer_id = ?",
                               (w.msp_id,))}
    others = {r[0] for r in sql(db, "SELECT DISTINCT account_id FROM billing_rollups WHERE payer_id <> ?",
                                (w.msp_id,))} - payer
    assert others, "the demo ingests other payers' files: the test needs them"
    assert not payer & w.accounts_of[cust["Acme Standalone"]]
    assert payer & w.accounts_of[cust["Umbrella Corp"]] and payer & w.accounts_of[cust["Hooli"]]
    allowed = {"payer": payer, "customer A": w.accounts_of[cust["Umbrella Corp"]],
               "customer B": w.accounts_of[cust["Hooli"]],
               "customer Acme": w.accounts_of[cust["Acme Standalone"]]}
    # Hourly and resource-level data (the demo turns it on): the last 14
    # days, and the accounts with lines in them.
    recent = {"Start": (today - datetime.timedelta(days=14)).isoformat(),
              "End": today.isoformat()}
    payer_hourly = {r[0] for r in sql(db, "SELECT DISTINCT account_id FROM billing_hourly "
                                          "WHERE payer_id = ? AND day >= ? AND day < ?",
                                      (w.msp_id, recent["Start"], recent["End"]))}
    assert payer_hourly, "the demo keeps hourly data of the last 14 days: the test needs it"
    ops = {
        "GetCostAndUsageWithResources": {
            "TimePeriod": recent, "Granularity": "DAILY", "Metrics": ["UnblendedCost"],
            "Filter": {"Not": {"Dimensions": {"Key": "RESOURCE_ID", "Values": ["none"]}}},
            "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]},
        "GetCostAndUsage": {"TimePeriod": period, "Granularity": "MONTHLY",
                            "Metrics": ["UnblendedCost"],
                            "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]},
        "GetDimensionValues": {"TimePeriod": period, "Dimension": "LINKED_ACCOUNT"},
        "GetCostForecast": {"TimePeriod": future, "Granularity": "MONTHLY",
                            "Metric": "UNBLENDED_COST"},
        "GetUsageForecast": {"TimePeriod": future, "Granularity": "MONTHLY",
                             "Metric": "USAGE_QUANTITY",
                             "Filter": {"Dimensions": {"Key": "USAGE_TYPE",
                                                       "Values": ["BoxUsage:m5.large"]}}},
        "GetReservationUtilization": {"TimePeriod": period, "Granularity": "MONTHLY"},
        "GetReservationCoverage": {"TimePeriod": period,
                                   "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]},
        "GetSavingsPlansUtilization": {"TimePeriod": period},
        "GetSavingsPlansUtilizationDetails": {"TimePeriod": period, "MaxResults": 100},
        "GetSavingsPlansCoverage": {"TimePeriod": period, "Granularity": "MONTHLY"},
        "GetCostAndUsageComparisons": dict(months, MetricForComparison="UnblendedCost",
                                           GroupBy=[{"Type": "DIMENSION",
                                                     "Key": "LINKED_ACCOUNT"}]),
        "GetCostComparisonDrivers": dict(months, MetricForComparison="UnblendedCost"),
        "GetAnomalies": {"DateInterval": {
            "StartDate": (today - datetime.timedelta(days=89)).isoformat(),
            "EndDate": today.isoformat()}},
        "GetAnomalyMonitors": {},
        "GetAnomalySubscriptions": {},
        "GetTags": {"TimePeriod": period, "TagKey": "Owner"},
        "GetCostCategories": {"TimePeriod": period, "CostCategoryName": "Team"},
        "ListCostAllocationTags": {},
        "ListCostCategoryDefinitions": {},
    }
    # The tag and cost category values of each account's lines in the
    # payer's bills (the demo tags by account and service: attrs,
    # src/billing/attrs.h).
    attr_of = defaultdict(lambda: defaultdict(set))
    for acct, attrs in sql(db, "SELECT DISTINCT account_id, attrs FROM billing_rollups "
                               "WHERE payer_id = ?", (w.msp_id,)):
        for ent in attrs.split("\x1e")[1:]:
            k, v = ent.split("\x1f")
            attr_of[acct][k].add(v)

    def attrs_seen(accounts, key):
        # .get: a lookup must not add the key to the account's keys.
        return set().union(*(attr_of[a].get(key, set()) for a in accounts))
    bad = []
    for who, want in CE_EXPECT.items():
        for op, body in ops.items():
            st, _, b = svc_call(s, callers[who], "CE", op, body)
            if want.endswith("Exception"):
                if not (st == 400 and b.get("__type") == want):
                    bad.append((who, op, st, b))
                continue
            if want == "customer Acme" and op in ("GetCostForecast", "GetUsageForecast"):
                if not (st == 400 and b.get("__type") == "DataUnavailableException"):
                    bad.append((who, op, st, b))
                continue
            if st != 200:
                bad.append((who, op, st, b))
                continue
            if op in ("GetReservationCoverage", "GetCostAndUsageComparisons"):
                # Accounts with instance hours, or with cost in either month.
                seen = {g["Attributes"]["LINKED_ACCOUNT"] for x in b["CoveragesByTime"]
                        for g in x["Groups"]} if op == "GetReservationCoverage" else \
                    {x["CostAndUsageSelector"]["Dimensions"]["Values"][0]
                     for x in b["CostAndUsageComparisons"]}
                if not seen <= allowed[want] or seen & others or \
                        (want == "payer" and not seen):
                    bad.append((who, op, "sees", sorted(seen - allowed[want])))
                continue
            if op == "GetCostAndUsageWithResources":
                seen = {g["Keys"][0] for r in b["ResultsByTime"] for g in r["Groups"]}
                mine = payer_hourly if want == "payer" else allowed[want] & payer_hourly
                if seen != mine or seen & others:
                    bad.append((who, op, "sees", sorted(seen), "want", sorted(mine)))
                continue
            if op == "GetCostAndUsage":
                seen = {g["Keys"][0] for r in b["ResultsByTime"] for g in r["Groups"]}
            elif op == "GetDimensionValues":
                seen = {v["Value"] for v in b["DimensionValues"]}
            elif op in ("GetTags", "GetCostCategories", "ListCostAllocationTags",
                        "ListCostCategoryDefinitions"):
                # Only values of lines the caller may see; the payer all
                # of its bills', a customer some (those of its accounts).
                seen = set(b.get("Tags") or b.get("CostCategoryValues") or
                           [t["TagKey"] for t in b.get("CostAllocationTags", [])] or
                           [c["Name"] for c in b.get("CostCategoryReferences", [])])
                key = {"GetTags": "tOwner", "GetCostCategories": "cTeam"}.get(op)
                mine = payer if want == "payer" else allowed[want] & payer
                if key is None:
                    may = {k[1:] for a in mine for k in attr_of[a]
                           if k[0] == ("t" if op == "ListCostAllocationTags" else "c")}
                else:
                    may = attrs_seen(mine, key)
                # A customer whose lines carry none (random demo seeds)
                # sees none.
                if not seen <= may or (want == "payer" and seen != may) or \
                        (want in ("customer A", "customer B") and bool(may) != bool(seen)):
                    bad.append((who, op, "sees", sorted(seen), "may", sorted(may)))
                continue
            elif op == "GetSavingsPlansUtilizationDetails":
                # Only the plans of the caller's accounts' lines, each
                # with its owner's account.
                seen = {d["SavingsPlanArn"] for d in b["SavingsPlansUtilizationDetails"]}
                mine = payer if want == "payer" else allowed[want] & payer
                may = attrs_seen(mine, "as")
                owners = {d["Attributes"]["AccountId"] for d in b["SavingsPlansUtilizationDetails"]}
                if not seen <= may or (want == "payer" and not seen) or \
                        not owners <= allowed[want]:
                    bad.append((who, op, "sees", sorted(seen - may), sorted(owners)))
                continue
            elif op == "GetAnomalies":
                # Anomalies name only accounts of the caller's view.
                seen = {rc["LinkedAccount"] for x in b["Anomalies"] for rc in x["RootCauses"]}
                if not seen <= allowed[want] or seen & others:
                    bad.append((who, op, "sees", sorted(seen - allowed[want])))
                continue
            else:
                continue
            if want == "payer" and seen != payer:
                bad.append((who, op, "want the payer's accounts", sorted(payer), sorted(seen)))
            if not seen <= allowed[want] or seen & others:
                bad.append((who, op, "sees", sorted(seen - allowed[want])))
            if want != "payer" and seen != allowed[want] & payer:
                bad.append((who, op, "want its customer's accounts in the payer's CUR",
                            sorted(allowed[want] & payer), sorted(seen)))
        # Asking for another customer's account by filter yields nothing.
        if want in ("customer A", "customer B"):
            theirs = sorted(allowed["customer B" if want == "customer A" else "customer A"])
            st, _, b = svc_call(s, callers[who], "CE", "GetCostAndUsage", {
                "TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                "Filter": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": theirs}}})
            tot = [float(r["Total"]["UnblendedCost"]["Amount"]) for r in b["ResultsByTime"]] \
                if st == 200 else None
            if tot is None or any(tot):
                bad.append((who, "filter on the other customer's accounts", st, b))
    assert bad == [], "\n".join(map(str, bad))


# -- The management account against another organization ----------------------

def test_management_writes_on_another_organization(w):
    """The MSP's management account aims every write (and the reads) at the
    other organization's account, OU, policy, root and handshake: AWS's
    not-found errors, nothing changes. The same writes on its own
    organization succeed."""
    s = w.s
    msp, other = w.acct["msp@payerlink.example"], w.acct["oldpayer@other.example"]
    theirs = w.acct["case2@customer.example"]["AccountId"]       # the other org's member
    mine = w.acct["prod@umbrella.example"]["AccountId"]
    oroot = call(s, other, "ListRoots")[2]["Roots"][0]["Id"]
    root = call(s, msp, "ListRoots")[2]["Roots"][0]["Id"]
    st, _, b = call(s, other, "CreateOrganizationalUnit", {"ParentId": oroot, "Name": "theirs"})
    assert st == 200, b
    ou = b["OrganizationalUnit"]["Id"]
    st, _, b = call(s, other, "CreatePolicy", {"Content": SCP, "Description": "d", "Name": "theirs",
                                               "Type": "SERVICE_CONTROL_POLICY"})
    assert st == 200, b
    pol = b["Policy"]["PolicySummary"]["Id"]
    hs = w.hs_other       # case 3's organization's invitation
    # op, body, AWS's answer to a management account reaching outside.
    table = [
        ("DescribeAccount", {"AccountId": theirs}, "AccountNotFoundException"),
        ("RemoveAccountFromOrganization", {"AccountId": theirs}, "AccountNotFoundException"),
        ("CloseAccount", {"AccountId": theirs}, "AccountNotFoundException"),
        ("MoveAccount", {"AccountId": theirs, "SourceParentId": root, "DestinationParentId": root},
         "AccountNotFoundException"),
        ("MoveAccount", {"AccountId": theirs, "SourceParentId": oroot, "DestinationParentId": ou},
         "SourceParentNotFoundException"),
        ("MoveAccount", {"AccountId": mine, "SourceParentId": root, "DestinationParentId": ou},
         "DestinationParentNotFoundException"),
        ("ListParents", {"ChildId": theirs}, "ChildNotFoundException"),
        ("TagResource", {"ResourceId": theirs, "Tags": [{"Key": "k", "Value": "v"}]},
         "TargetNotFoundException"),
        ("UntagResource", {"ResourceId": theirs, "TagKeys": ["k"]}, "TargetNotFoundException"),
        ("ListTagsForResource", {"ResourceId": theirs}, "TargetNotFoundException"),
        ("TagResource", {"ResourceId": ou, "Tags": [{"Key": "k", "Value": "v"}]},
         "TargetNotFoundException"),
        ("TagResource", {"ResourceId": pol, "Tags": [{"Key": "k", "Value": "v"}]},
         "TargetNotFoundException"),
        ("RegisterDelegatedAdministrator", {"AccountId": theirs,
                                            "ServicePrincipal": "ssm.amazonaws.com"},
         "AccountNotFoundException"),
        ("DeregisterDelegatedAdministrator", {"AccountId": theirs,
                                              "ServicePrincipal": "ssm.amazonaws.com"},
         "AccountNotFoundException"),
        ("ListDelegatedServicesForAccount", {"AccountId": theirs}, "AccountNotFoundException"),
        ("DescribeOrganizationalUnit", {"OrganizationalUnitId": ou},
         "OrganizationalUnitNotFoundException"),
        ("UpdateOrganizationalUnit", {"OrganizationalUnitId": ou, "Name": "mine"},
         "OrganizationalUnitNotFoundException"),
        ("DeleteOrganizationalUnit", {"OrganizationalUnitId": ou},
         "OrganizationalUnitNotFoundException"),
        ("CreateOrganizationalUnit", {"ParentId": oroot, "Name": "evil"}, "ParentNotFoundException"),
        ("CreateOrganizationalUnit", {"ParentId": ou, "Name": "evil"}, "ParentNotFoundException"),
        ("ListChildren", {"ParentId": oroot, "ChildType": "ACCOUNT"}, "ParentNotFoundException"),
        ("ListAccountsForParent", {"ParentId": oroot}, "ParentNotFoundException"),
        ("ListOrganizationalUnitsForParent", {"ParentId": oroot}, "ParentNotFoundException"),
        ("EnablePolicyType", {"RootId": oroot, "PolicyType": "TAG_POLICY"}, "RootNotFoundException"),
        ("DisablePolicyType", {"RootId": oroot, "PolicyType": "SERVICE_CONTROL_POLICY"},
         "RootNotFoundException"),
        ("DescribePolicy", {"PolicyId": pol}, "PolicyNotFoundException"),
        ("UpdatePolicy", {"PolicyId": pol, "Name": "mine"}, "PolicyNotFoundException"),
        ("DeletePolicy", {"PolicyId": pol}, "PolicyNotFoundException"),
        ("ListTargetsForPolicy", {"PolicyId": pol}, "PolicyNotFoundException"),
        ("AttachPolicy", {"PolicyId": pol, "TargetId": mine}, "PolicyNotFoundException"),
        ("DetachPolicy", {"PolicyId": pol, "TargetId": theirs}, "PolicyNotFoundException"),
        ("AttachPolicy", {"PolicyId": "p-FullAWSAccess", "TargetId": theirs},
         "TargetNotFoundException"),
        ("ListPoliciesForTarget", {"TargetId": theirs, "Filter": "SERVICE_CONTROL_POLICY"},
         "TargetNotFoundException"),
        ("DescribeHandshake", {"HandshakeId": hs}, "HandshakeNotFoundException"),
        ("CancelHandshake", {"HandshakeId": hs}, "HandshakeNotFoundException"),
        ("AcceptHandshake", {"HandshakeId": hs}, "HandshakeNotFoundException"),
        ("DeclineHandshake", {"HandshakeId": hs}, "HandshakeNotFoundException"),
    ]
    before = org_snapshot(w.db)
    bad = []
    for op, body, want in table:
        st, _, b = call(s, msp, op, body)
        if not (st == 400 and b.get("__type") == want):
            bad.append((op, body, "want " + want, st, b))
    assert org_snapshot(w.db) == before, "the other organization changed"
    assert bad == [], "\n".join(map(str, bad))
    # Its own organization: the same kinds of writes succeed.
    st, _, b = call(s, msp, "CreateOrganizationalUnit", {"ParentId": root, "Name": "mine"})
    assert st == 200, b
    myou = b["OrganizationalUnit"]["Id"]
    for op, body in (("TagResource", {"ResourceId": myou, "Tags": [{"Key": "k", "Value": "v"}]}),
                     ("UntagResource", {"ResourceId": myou, "TagKeys": ["k"]}),
                     ("UpdateOrganizationalUnit", {"OrganizationalUnitId": myou, "Name": "mine2"}),
                     ("DescribeAccount", {"AccountId": mine}),
                     ("ListParents", {"ChildId": mine}),
                     ("DeleteOrganizationalUnit", {"OrganizationalUnitId": myou})):
        st, _, b = call(s, msp, op, body)
        assert st == 200, (op, b)
    print("\nmanagement account vs another organization: %d calls refused, none changed anything"
          % len(table))


def test_msp_portal_roles_may_write(w):
    """admin and billing may do what the MSP's account does in the portal
    (the same rights: portal_user_can_write is "not read-only"): each
    creates a budget for B, marks one of the payer's anomalies, recomputes
    a period's drafts and issues a draft. Run last: it changes the demo."""
    drafts = sorted(k for k, (c, st) in w.inv.items() if st == "DRAFT" and k.startswith("inv-")
                    and c in (w.A, w.B))
    ids = re.findall(r'action="/portal/anomalies/([0-9a-f]{32})/acknowledge',
                     w.b["admin"].req("GET", "/portal/anomalies")[2])
    assert len(drafts) >= 2 and len(ids) >= 1, (drafts, ids)
    for i, role in enumerate(("admin", "billing")):
        tok = csrf_of(w, role)
        b = w.b[role]
        st, h, body = b.req("POST", "/portal/budgets/create?customer=" + w.B, {
            "csrf": tok, "name": "by " + role, "amount": "9", "account": "", "actual": "100",
            "forecast": "100", "webhook": ""})
        assert st == 303, (role, st, body[:400])
        assert sql(w.db, "SELECT customer_id FROM budgets WHERE name = ?", ("by " + role,)) == [(w.B,)]
        act = ("acknowledge", "dismiss")[i]
        st, h, _ = b.req("POST", "/portal/anomalies/%s/%s" % (ids[0], act), {"csrf": tok})
        assert st == 303, (role, st)
        assert sql(w.db, "SELECT customer_id, status, by_user FROM anomaly_status "
                         "WHERE anomaly_id = ?", (ids[0],)) == [
            ("msp", ("ACKNOWLEDGED", "DISMISSED")[i],
             "%s@authz.example" % role if role == "admin" else "billing@msp.example")]
        st, h, body = b.req("POST", "/portal/invoices/recompute", {"csrf": tok,
                                                                   "period": w.last_month})
        assert st == 303, (role, st, body[:400])
        st, h, body = b.req("POST", "/portal/invoices/%s/issue" % drafts[i], {"csrf": tok})
        assert st == 303, (role, drafts[i], st, body[:600])
        assert sql(w.db, "SELECT state FROM invoices WHERE id = ?", (drafts[i],)) == [("ISSUED",)]
