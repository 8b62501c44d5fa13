# SPDX-License-Identifier: MIT
"""Whose cost it is (issue 17, docs/billing.md): a line reaches a customer's
invoice, the margin and the customer's views only when the MSP paid AWS for
it (its payer is the MSP's payer and the usage hour lies in the account's
membership of the MSP's organization); the MSP's own views show its payer's
whole bill and never another payer's lines; every reader gives the same AWS
total; bad rows are rejected. Each test failed before the rule existed.
Run with PAYERLINK_BIN=... /usr/bin/python3 -m pytest tests/api/test_whose_cost.py"""

import csv
import datetime
import html
import io
import os
import re
import subprocess
from decimal import Decimal, ROUND_HALF_EVEN

import pytest

from conftest import Server, client, drop_db, new_db, sql
from test_attack import Browser
from test_invoices import BIN, MSP_PASSWORD, Cur, Env, next_period

CENT = Decimal("0.01")


@pytest.fixture
def env(srv, new_account, tmp_path):
    return Env(srv, new_account, str(tmp_path))


def other_org(env, name="Other Payer"):
    """Another payer: an account managing its own organization."""
    x = env.new_account(name=name)
    client(env.srv, x).create_organization()
    return x


def join(env, org_owner, acct):
    h = client(env.srv, org_owner).invite_account_to_organization(
        Target={"Id": acct.id, "Type": "ACCOUNT"})["Handshake"]
    client(env.srv, acct).accept_handshake(HandshakeId=h["Id"])


def own(env, cust, acct):
    """The MSP's onboarding request for acct, which makes cust its owner
    before it is linked (as the onboarding desk does); the invitation's id."""
    email = sql(env.srv.db, "SELECT email FROM accounts WHERE id = ?", (acct.id,))[0][0]
    return env.srv.cli("onboard", "request", "--customer", cust, "--account", acct.id,
                       "--email", email, "--json")["HandshakeId"]


def write(env, cur, name):
    return cur.write(os.path.join(env.tmp, name))


def show(env, cust, check=True):
    return env.srv.cli("invoice", "show", "--customer", cust, "--period", env.period,
                       "--json", check=check)


def move_clock_to(env, when):
    """Moves the business clock to `when` ("YYYY-MM-DD HH:MM")."""
    now = datetime.datetime.strptime(env.srv.advance(0)[:19], "%Y-%m-%dT%H:%M:%S")
    target = datetime.datetime.strptime(when, "%Y-%m-%d %H:%M")
    env.srv.advance(int((target - now).total_seconds()))


def test_another_payers_file_is_refused_and_never_billed(env):
    """Customer C owns account A; A is a member of organization X all month;
    X's CUR (payer X, usage account A) does not reach C's invoice."""
    srv = env.srv
    x = other_org(env)
    a = env.new_account(name="A")
    join(env, x, a)
    c = env.customer("Gamma Corp")
    own(env, c, a)
    path = write(env, Cur(x.id, env.period).add(a.id, "100.00", day=3)
                 .add(a.id, "50.00", day=20), "x.csv")
    # Refused by default: the error names the payer and the way to keep it.
    p = srv.cli("ingest", path, "--json", check=False)
    assert p.returncode == 1 and p.stdout == ""
    assert "payer %s is not the MSP's payer %s" % (x.id, env.msp.id) in p.stderr
    assert "--reference" in p.stderr
    assert sql(srv.db, "SELECT COUNT(*) FROM billing_imports")[0][0] == 0
    # As reference: kept, said so, and still never billed.
    rep = srv.cli("ingest", path, "--reference", "--json")
    assert rep["role"] == "reference" and rep["payer_account_id"] == x.id
    p = show(env, c, check=False)
    assert p.returncode == 1 and "nothing to invoice" in p.stderr
    rec = srv.cli("invoice", "reconcile", "--period", env.period, "--json")
    assert rec["Customers"] == [] and Decimal(rec["AwsTotal"]) == 0
    # The MSP's own file cannot pass as reference.
    mine = write(env, env.cur().add(a.id, "1.00"), "mine.csv")
    p = srv.cli("ingest", mine, "--reference", "--json", check=False)
    assert p.returncode == 1 and "the MSP's own payer account" in p.stderr


def test_a_file_imported_before_the_msp_was_named_is_not_billed(srv, new_account, tmp_path):
    """Imports made before `msp set` are whatever payer's they are: only the
    MSP's payer's are ever billed once it is named."""
    env = Env.__new__(Env)
    env.srv, env.new_account, env.tmp, env.n = srv, new_account, str(tmp_path), 0
    env.msp = new_account(name="Late MSP")
    env.mc = client(srv, env.msp)
    env.mc.create_organization()
    env.now = srv.advance(0)
    env.period = next_period(env.now)
    x = other_org(env)
    a = new_account(name="A")
    join(env, x, a)
    rep = srv.cli("ingest", write(env, Cur(x.id, env.period).add(a.id, "100.00"), "x.csv"),
                  "--json")
    assert rep["role"] == "billing"
    srv.cli("msp", "set", env.msp.id, "--name", "Late MSP", "--json")
    c = env.customer("Delta Corp")
    own(env, c, a)
    assert show(env, c, check=False).returncode == 1
    srv.cli("invoice", "draft", "--period", env.period, "--json")
    assert sql(srv.db, "SELECT COUNT(*) FROM invoices")[0][0] == 0


def test_mid_month_move_bills_only_the_msps_hours(env):
    """A leaves X on the 15th at 10:20 and joins the MSP an hour later: X's
    rows (before the move) stay X's; the invoice has the MSP's rows only."""
    srv = env.srv
    P = env.period
    x = other_org(env)
    a = env.new_account(name="Mover")
    join(env, x, a)
    c = env.customer("Epsilon Corp")
    move_clock_to(env, P + "-15 10:00")
    hs = own(env, c, a)
    move_clock_to(env, P + "-15 10:20")
    srv.cli("account", "set-billing-info", a.id, "--payment-method", "Visa", "--phone",
            "+1 555 0100")
    client(srv, a).leave_organization()
    move_clock_to(env, P + "-15 11:20")
    client(srv, a).accept_handshake(HandshakeId=hs)
    theirs = Cur(x.id, P).add(a.id, "40.00", day=3).add(a.id, "4.00", day=15, hour=10)
    srv.cli("ingest", write(env, theirs, "x.csv"), "--reference", "--json")
    ours = (env.cur().add(a.id, "7.00", day=15, hour=11)     # the join's hour: ours
            .add(a.id, "3.00", day=20)
            .add(a.id, "99.00", day=3))                      # not ours: out of membership
    rep = env.ingest(ours)
    assert Decimal(rep["out_of_membership"]["unblended_cost"]) == Decimal("99.00")
    inv = show(env, c)
    assert {(l["AccountId"], l["AwsCost"]) for l in inv["Lines"]} == {(a.id, "10.00")}
    assert inv["PeriodStart"] == P + "-15" and inv["Sources"] == str(rep["import_id"])
    rec = srv.cli("invoice", "reconcile", "--period", P, "--json")
    assert Decimal(rec["AwsTotal"]) == Decimal("109.00")
    assert Decimal(rec["CustomersAwsCost"]) == Decimal("10.00")
    assert Decimal(rec["OutOfMembership"]) == Decimal("99.00") and rec["Balanced"]


# ---- one number ------------------------------------------------------------

def ce_total(srv, acct, start, end):
    r = client(srv, acct, "ce").get_cost_and_usage(
        TimePeriod={"Start": start, "End": end}, Granularity="MONTHLY",
        Metrics=["UnblendedCost"])
    return sum(Decimal(t["Total"]["UnblendedCost"]["Amount"]) for t in r["ResultsByTime"])


def money_of(text):
    """"85,202.92 USD" -> Decimal("85202.92")."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def page_total(b, period):
    st, _, page = b.req("GET", "/invoices/reconciliation?period=" + period)
    assert st == 200
    return money_of(re.search(r'id="aws-total">([^<]*)<', page).group(1))


def portal_total(b, start, end):
    st, _, body = b.req("GET", "/portal/costs.csv?from=%s&to=%s&granularity=MONTHLY&group=NONE"
                        % (start, end))
    assert st == 200, body
    return sum(Decimal(r["cost_exact_decimal"]) for r in csv.DictReader(io.StringIO(body)))


def month_end(period):
    y, m = int(period[:4]), int(period[5:])
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    return (nxt - datetime.timedelta(days=1)).isoformat(), nxt.isoformat()


def one_number(srv, b, acct, period):
    """The payer's AWS total for period from the four readers, to the cent."""
    last, nxt = month_end(period)
    rec = srv.cli("invoice", "reconcile", "--period", period, "--json")
    assert rec["Balanced"], rec
    got = {
        "reconcile": Decimal(rec["AwsTotal"]),
        "reconciliation page": page_total(b, period),
        "portal": portal_total(b, period + "-01", last),
        "cost explorer": ce_total(srv, acct, period + "-01", nxt),
    }
    cents = {k: v.quantize(CENT, rounding=ROUND_HALF_EVEN) for k, v in got.items()}
    assert len(set(cents.values())) == 1, got
    return got["reconcile"]


def test_one_number_on_a_multi_payer_data_set(env):
    """The MSP's file (owned and unowned members, a mid-month join, hours out
    of membership), another payer's as reference, a third payer's imported
    before it could be refused: every reader gives the MSP's file's total,
    computed here from the file."""
    srv = env.srv
    P = env.period
    c1, c2 = env.customer("Zeta Corp"), env.customer("Theta Corp")
    a1, a2, lone = env.member(c1), env.member(c2), env.member()
    x, y = other_org(env, "X Payer"), other_org(env, "Y Payer")
    xa = env.new_account(name="X member")
    join(env, x, xa)
    own(env, c1, xa)
    ours = env.cur()
    for i, (acct, cost) in enumerate(((a1, "12.345678901"), (a2, "0.5"), (lone, "7.25"),
                                      (xa.id, "3.3"), (a1, "1E-9"), (a2, "1000.004999999"))):
        ours.add(acct, cost, day=1 + i, hour=i)
    rep = env.ingest(ours)
    mine = sum(Decimal(r[11]) for r in ours.rows)
    assert Decimal(rep["unblended_cost"]) == mine
    srv.cli("ingest", write(env, Cur(x.id, P).add(xa.id, "500.00").add(x.id, "60.00"), "x.csv"),
            "--reference", "--json")
    # Y's file went in as a bill before the MSP could refuse it (raw SQL
    # stands for a database made before this rule).
    y_path = write(env, Cur(y.id, P).add(y.id, "900.00"), "y.csv")
    p = srv.cli("ingest", y_path, "--json", check=False)
    assert p.returncode == 1
    sql(srv.db, "UPDATE msp SET account_id = ?", (y.id,))
    srv.cli("ingest", y_path, "--json")
    sql(srv.db, "UPDATE msp SET account_id = ?", (env.msp.id,))
    b = Browser(srv)
    email = sql(srv.db, "SELECT email FROM accounts WHERE id = ?", (env.msp.id,))[0][0]
    assert b.sign_in(email, MSP_PASSWORD)[0] == 303
    assert one_number(srv, b, env.msp, P) == mine
    # The MSP's split: billed + unassigned + out of membership = the total.
    # xa is X's member, not the MSP's: its line in the MSP's file is out of
    # membership (the MSP did not pay for it as a member's).
    rec = srv.cli("invoice", "reconcile", "--period", P, "--json")
    assert Decimal(rec["Unassigned"]) == Decimal("7.25")
    assert Decimal(rec["OutOfMembership"]) == Decimal("3.3")
    assert Decimal(rec["CustomersAwsCost"]) == mine - Decimal("7.25") - Decimal("3.3")


def test_demo_tells_the_truth(tmp_path):
    """The demo: customers are invoiced only for months they were linked;
    the three onboarding cases have no invoice and see their earlier payer's
    bill as history; every reader gives one AWS total for each month."""
    d = str(tmp_path)
    db = new_db(d)
    try:
        p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        keys = {m.group(1): {"AccountId": m.group(2), "AccessKeyId": m.group(3),
                             "SecretAccessKey": m.group(4)}
                for m in re.finditer(r"^\s+(\S+@\S+)\s+(\d{12})\s.*key (\S+) secret (\S+)",
                                     p.stdout, re.M)}
        billed = {n for (n,) in sql(db, "SELECT DISTINCT c.name FROM invoices i JOIN "
                                        "customers c ON c.id = i.customer_id")}
        assert billed == {"Umbrella Corp", "Hooli"}
        # Every invoice line is a line of the MSP's own bills.
        msp = keys["msp@payerlink.example"]["AccountId"]
        assert sql(db, "SELECT DISTINCT i.payer_id FROM billing_periods p JOIN billing_imports i "
                       "ON i.id = p.import_id WHERE i.role = 'billing'") == [(msp,)]
        s = Server(db=db)
        try:
            b = Browser(s)
            assert b.sign_in("msp@payerlink.example", "payerlink-demo")[0] == 303
            periods = sorted({r[0] for r in sql(db, "SELECT period FROM billing_periods")})
            assert len(periods) == 3
            for period in periods:
                assert one_number(s, b, keys["msp@payerlink.example"], period) > 0
            # Globex (case 2) sees its old payer's bill as history, unbilled.
            g = Browser(s)
            assert g.sign_in("portal@globex-member.example", "portal-demo-1")[0] == 303
            st, _, page = g.req("GET", "/portal")
            assert st == 200 and 'id="history"' in page and "Before Demo MSP" in page
            old = keys["oldpayer@other.example"]["AccountId"]
            hist = page[page.index('id="history"'):]
            hist = hist[:hist.index("</section>")]
            # Another organization's management account: its id only.
            assert old in hist and "Other Payer" not in hist
            # Hooli's analytics account joined mid-month: that month's
            # invoice starts on the join day, and Hooli sees the first
            # part of the month as history.
            h = Browser(s)
            assert h.sign_in("portal@hooli.example", "portal-demo-1")[0] == 303
            st, _, page = h.req("GET", "/portal")
            assert 'id="history"' in page
            # Its own account paid before: named, with its id.
            (own,) = sql(db, "SELECT DISTINCT i.payer_id FROM billing_imports i JOIN "
                             "customer_accounts ca ON ca.account_id = i.payer_id JOIN "
                             "customers c ON c.id = ca.customer_id WHERE i.role = "
                             "'reference' AND c.name = 'Hooli'")
            (name,) = sql(db, "SELECT name FROM accounts WHERE id = ?", own)[0]
            hist = page[page.index('id="history"'):]
            hist = hist[:hist.index("</section>")]
            assert "%s <small>%s</small>" % (name, own[0]) in hist, hist
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)


# ---- row checks ------------------------------------------------------------

def test_bad_rows_are_rejected_with_their_reason(env):
    srv = env.srv
    P = "2026-09"
    a = env.member()
    short = "1234"
    cur = (Cur(env.msp.id, P)
           .add(a, "1.00", day=3)                       # line 2: good
           .add(short, "2.00", day=4)                   # line 3: padded to 12 digits
           .add("12ab", "4.00", day=5))                 # line 4: not an account id
    cur.rows.append(list(cur.rows[0]))                  # line 5: September 31st
    cur.rows[-1][4] = "2026-09-31T00:00:00Z"
    cur.rows.append(list(cur.rows[0]))                  # line 6: February 30th
    cur.rows[-1][4] = "2026-02-30T00:00:00Z"
    cur.rows.append(list(cur.rows[0]))                  # line 7: February in September
    cur.rows[-1][4] = "2026-02-05T10:00:00Z"
    cur.rows.append(list(cur.rows[0]))                  # line 8: the next month
    cur.rows[-1][4] = "2026-10-01T00:00:00Z"
    rep = srv.cli("ingest", write(env, cur, "bad.csv"), "--json")
    why = {r["line"]: (r["column_name"], r["reason"]) for r in rep["rejected"]}
    assert rep["rejected_rows"] == 5 and sorted(why) == [4, 5, 6, 7, 8]
    assert why[4] == ("line_item_usage_account_id",
                      "account '12ab' is not an AWS account id (12 digits)")
    assert why[5][0] == why[6][0] == "line_item_usage_start_date"
    assert "not a date: '2026-09-31" in why[5][1] and "not a date: '2026-02-30" in why[6][1]
    assert "outside the billing period 2026-09" in why[7][1]
    assert "outside the billing period 2026-09" in why[8][1]
    accts = {x["account_id"]: Decimal(x["unblended_cost"]) for x in rep["accounts"]}
    assert accts == {a: 1, "000000001234": 2}
    # The console's import page lists them as the CLI does: file, line,
    # column and why (issue 23: it showed only their count).
    from test_attack import Browser
    b = Browser(srv)
    assert b.sign_in(env.msp["Email"], MSP_PASSWORD)[0] == 303
    st, _, page = b.req("GET", "/imports/%d" % rep["import_id"])
    assert st == 200
    sect = re.search(r'<section class="card" id="rejects".*?</section>', page, re.S).group(0)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(<td.*?)</tr>", sect)]
    assert [int(r[1]) for r in rows] == [4, 5, 6, 7, 8]
    assert rows[0][0].endswith("bad.csv") and rows[0][2] == "3 line_item_usage_account_id"
    assert html.unescape(rows[0][3]) == "account '12ab' is not an AWS account id (12 digits)"
    assert "outside the billing period 2026-09" in rows[4][3]
    # A leap day is a day.
    leap = Cur(env.msp.id, "2028-02").add(a, "5.00", day=29)
    assert srv.cli("ingest", write(env, leap, "leap.csv"), "--json")["rejected_rows"] == 0


def test_a_duplicated_money_column_refuses_the_file(env):
    srv = env.srv
    path = write(env, env.cur().add(env.member(), "1.00"), "dup.csv")
    with open(path) as f:
        lines = f.read().splitlines()
    lines[0] += ",line_item_unblended_cost"
    lines[1] += ",999.00"
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = srv.cli("ingest", path, "--json", check=False)
    assert p.returncode == 1 and p.stdout == ""
    assert "dup.csv:1: column line_item_unblended_cost appears twice (columns 12 and 23)" \
        in p.stderr
    assert sql(srv.db, "SELECT COUNT(*) FROM billing_imports")[0][0] == 0
