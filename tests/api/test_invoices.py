# SPDX-License-Identifier: MIT
"""Rebilling (issue 7): golden invoices for small hand-written CUR 2.0 files,
with every number checked by hand in the comments: each rule scope and the
precedence between them, overlapping rules refused, each commitment policy,
partner-only discounts, fees and credits, KRW and USD rounding (half-even,
once), a mid-month join, a restatement after issue (credit note; the issued
invoice's JSON and PDF unchanged to the byte), gapless numbering, PDFs
rendered to PNG, and the reconciliation identity on the shared samples.
Run with PAYERLINK_BIN=... /usr/bin/python3 -m pytest tests/api/test_invoices.py"""

import csv
import datetime
import glob
import json
import os
import re
import subprocess
from decimal import Decimal

import pytest

from conftest import SAMPLES, client, new_db, drop_db, sql, focus_aws

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink"))
ART = os.path.join(ROOT, "tests", "artifacts")
FOCUS = os.path.join(SAMPLES, "focus-sample-data-1.0", "focus_sample.csv")
LEGACY = os.path.join(SAMPLES, "focus-converters-aws-cur",
                      "sample-anonymous-aws-export-dataset.csv")

COLS = ["bill_payer_account_id", "bill_billing_period_start_date",
        "line_item_usage_account_id", "line_item_line_item_type",
        "line_item_usage_start_date", "line_item_product_code",
        "line_item_usage_type", "line_item_operation", "product_region_code",
        "pricing_term", "line_item_currency_code", "line_item_unblended_cost",
        "line_item_net_unblended_cost", "pricing_public_on_demand_cost",
        "line_item_usage_amount", "savings_plan_savings_plan_effective_cost",
        "reservation_effective_cost", "savings_plan_total_commitment_to_date",
        "savings_plan_used_commitment",
        "reservation_unused_amortized_upfront_fee_for_billing_period",
        "reservation_unused_recurring_fee", "reservation_reservation_a_r_n"]


class Cur:
    """A small CUR 2.0 delivery for one payer and month."""

    def __init__(self, payer, period):
        self.payer, self.period, self.rows = payer, period, []

    def add(self, acct, cost, product="AmazonEC2", usage="BoxUsage:m5.large",
            type="Usage", day=3, hour=0, public="", sp_eff="", ri_eff="",
            sp_total="", sp_used="", ri_amort="", ri_fee="", term="OnDemand"):
        start = "%s-%02dT%02d:00:00Z" % (self.period, day, hour)
        self.rows.append([self.payer, self.period + "-01T00:00:00Z", acct, type,
                          start, product, usage, "RunInstances", "us-east-1", term,
                          "USD", str(cost), str(cost), str(public if public != "" else ""),
                          "1", str(sp_eff), str(ri_eff), str(sp_total), str(sp_used),
                          str(ri_amort), str(ri_fee), ""])
        return self

    def write(self, path):
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(COLS)
            w.writerows(self.rows)
        return path


def next_period(iso_now):
    d = datetime.datetime.strptime(iso_now[:10], "%Y-%m-%d")
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return "%04d-%02d" % (y, m)


MSP_PASSWORD = "msp-console-pw1"


class Env:
    """An MSP with an organization, customers owning member accounts."""

    def __init__(self, srv, new_account, tmp):
        self.srv, self.new_account, self.tmp = srv, new_account, tmp
        self.msp = new_account(name="Acme Cloud Partners", password=MSP_PASSWORD)
        self.mc = client(srv, self.msp)
        self.mc.create_organization()
        srv.cli("msp", "set", self.msp.id, "--name", "Acme Cloud Partners",
                "--address", "1 Harbour Street\nSuite 400\nSeattle, WA 98101", "--json")
        self.now = srv.advance(0)
        self.period = next_period(self.now)
        self.n = 0

    def customer(self, name, currency=None, tax=None):
        self.n += 1
        args = ["customer", "create", "--name", name, "--contact",
                "billing%d@customer.example" % self.n, "--json"]
        if currency:
            args += ["--currency", currency]
        if tax is not None:
            args += ["--tax-rate", str(tax)]
        return self.srv.cli(*args)["CustomerId"]

    def member(self, cust=None):
        a = self.new_account()
        h = self.mc.invite_account_to_organization(Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(self.srv, a).accept_handshake(HandshakeId=h["Id"])
        if cust:
            self.srv.cli("customer", "add-account", cust, a.id, "--json")
        return a.id

    def cur(self):
        return Cur(self.msp.id, self.period)

    def ingest(self, cur):
        self.n += 1
        path = cur.write(os.path.join(self.tmp, "cur%d.csv" % self.n))
        return self.srv.cli("ingest", path, "--json")

    def show(self, cust, *extra):
        return self.srv.cli("invoice", "show", "--customer", cust, "--period", self.period,
                            "--json", *extra)


@pytest.fixture
def env(srv, new_account, tmp_path):
    return Env(srv, new_account, str(tmp_path))


def lines(inv):
    return {(l["AccountId"], l["Service"]): l["BilledCost"] for l in inv["Lines"]}


def adjustments(inv):
    return {a["Description"]: a["Amount"] for a in inv["Adjustments"]}


# ---- pricing rules -------------------------------------------------------

def test_rule_scopes_and_precedence(env):
    srv = env.srv
    a = env.customer("Alpha Corp", tax=10)
    b = env.customer("Beta Corp")
    a1, a2, b1 = env.member(a), env.member(a), env.member(b)
    P = env.period
    rule = lambda *args: srv.cli("pricing", "add", "--from", P, *args, "--json")
    g = rule("--percent", "10")                                  # global +10 %
    assert g["Scope"] == "global" and g["RuleId"].startswith("pr-")
    assert rule("--customer", a, "--percent", "-5")["Scope"] == "customer"
    assert rule("--customer", a, "--account", a2, "--percent", "20")["Scope"] == "account"
    assert rule("--customer", a, "--service", "AmazonS3", "--percent", "-50")["Scope"] == "service"
    assert rule("--customer", a, "--usage-type", "BoxUsage:t3.micro",
                "--percent", "100")["Scope"] == "usage-type"
    env.ingest(env.cur()
               .add(a1, "100.00")
               .add(a1, "50.00", product="AmazonS3", usage="TimedStorage-ByteHrs")
               .add(a2, "200.00")
               .add(a2, "10.00", usage="BoxUsage:t3.micro")
               .add(a2, "0", product="AWSLambda", usage="Request")   # free tier
               .add(b1, "100.00"))
    inv = env.show(a)
    assert inv["State"] == "DRAFT" and inv["Number"] is None and inv["Currency"] == "USD"
    assert inv["PeriodStart"] == P + "-01"
    # a1 EC2: customer -5 % -> 95.00; a1 S3: service -50 % -> 25.00;
    # a2 EC2: m5.large account +20 % -> 240, t3.micro usage type +100 % -> 20.
    assert lines(inv) == {(a1, "AmazonEC2"): "95.00", (a1, "AmazonS3"): "25.00",
                          (a2, "AmazonEC2"): "260.00"}
    aws = {(l["AccountId"], l["Service"]): l["AwsCost"] for l in inv["Lines"]}
    assert aws[(a2, "AmazonEC2")] == "210.00"
    assert (inv["Subtotal"], inv["Tax"], inv["Total"]) == ("380.00", "38.00", "418.00")
    # Beta has only the global rule: 100 + 10 %.
    assert env.show(b)["Subtotal"] == "110.00"
    # The portal's view has no AWS cost.
    cv = env.show(a, "--customer-view")
    assert "AwsCost" not in cv and "AwsCost" not in cv["Lines"][0]


def test_overlapping_rules_refused_and_validity(env):
    srv = env.srv
    a = env.customer("Gamma Corp")
    a1 = env.member(a)
    P = env.period
    y, m = int(P[:4]), int(P[5:])
    Q = "%04d-%02d" % ((y + 1, 1) if m == 12 else (y, m + 1))
    first = srv.cli("pricing", "add", "--customer", a, "--percent", "-5", "--from", P,
                    "--to", P, "--json")
    srv.cli("pricing", "add", "--customer", a, "--percent", "7", "--from", Q, "--json")
    p = srv.cli("pricing", "add", "--customer", a, "--percent", "3", "--from", P,
                "--json", check=False)
    assert p.returncode == 1
    assert first["RuleId"] in p.stderr and "overlap" in p.stderr
    # Same level, other scope (service): allowed.
    srv.cli("pricing", "add", "--customer", a, "--service", "AmazonS3", "--percent", "1",
            "--from", P, "--json")
    assert len(srv.cli("pricing", "list", "--customer", a, "--json")["Rules"]) == 3
    env.ingest(env.cur().add(a1, "200.00"))
    assert env.show(a)["Subtotal"] == "190.00"          # -5 % valid in P, +7 % from Q
    bad = srv.cli("pricing", "add", "--percent", "ten", check=False)
    assert bad.returncode == 2 and "percent" in bad.stderr
    srv.cli("pricing", "delete", first["RuleId"], "--json")
    assert env.show(a)["Subtotal"] == "200.00"


# ---- commitments and partner discounts ------------------------------------

def commitment_usage(env, acct):
    # AWS: 100 + 0 + 30 - 30 + 45 + 20 = 165.00
    return (env.cur()
            .add(acct, "100.00", public="100.00")
            .add(acct, "0", type="DiscountedUsage", public="60.00", ri_eff="40.00",
                 term="Reserved")
            .add(acct, "30.00", type="SavingsPlanCoveredUsage", public="30.00",
                 sp_eff="18.00", usage="BoxUsage:c5.large")
            .add(acct, "-30.00", type="SavingsPlanNegation", usage="BoxUsage:c5.large")
            .add(acct, "45.00", type="RIFee", usage="HeavyUsage:m5.large",
                 ri_amort="2.00", ri_fee="3.00")
            .add(acct, "20.00", type="SavingsPlanRecurringFee",
                 product="ComputeSavingsPlans", usage="ComputeSP:1yrNoUpfront",
                 sp_total="20.00", sp_used="18.00"))


def test_commitment_policies(env):
    srv = env.srv
    c = env.customer("Delta Corp")
    c1 = env.member(c)
    env.ingest(commitment_usage(env, c1))
    # pass-through (default): EC2 100 + RI 40 + SP 18 + negation 0 + unused
    # RI fee 5 = 163; unused SP commitment 20 - 18 = 2.
    inv = env.show(c)
    assert lines(inv) == {(c1, "AmazonEC2"): "163.00", (c1, "ComputeSavingsPlans"): "2.00"}
    assert inv["AwsCost"] == "165.00" and inv["Subtotal"] == "165.00"
    # keep: covered usage at public on-demand (60, 30), fees stay with the MSP.
    out = srv.cli("customer", "update", c, "--commitment", "keep", "--json")
    assert out["Commitment"] == "keep"
    inv = env.show(c)
    assert lines(inv) == {(c1, "AmazonEC2"): "190.00", (c1, "ComputeSavingsPlans"): "0.00"}
    assert inv["Subtotal"] == "190.00"
    # share:50: half the saving goes to the customer: RI 60 - 10 = 50, SP
    # 30 - 6 = 24, so EC2 100 + 50 + 24 = 174.
    srv.cli("customer", "update", c, "--commitment", "share:50", "--json")
    assert env.show(c)["Subtotal"] == "174.00"
    bad = srv.cli("customer", "update", c, "--commitment", "share:150", check=False)
    assert bad.returncode == 2


def test_partner_discounts_hidden_unless_passed_on(env):
    srv = env.srv
    d = env.customer("Epsilon Corp")
    d1 = env.member(d)
    env.ingest(env.cur()
               .add(d1, "100.00")
               .add(d1, "-3.00", type="EdpDiscount")
               .add(d1, "-2.00", type="SppDiscount")
               .add(d1, "-10.00", type="Credit")
               .add(d1, "8.00", type="Tax"))
    inv = env.show(d)
    # EDP, SPP, credits and AWS's tax never reach the customer.
    assert lines(inv) == {(d1, "AmazonEC2"): "100.00"}
    assert inv["AwsCost"] == "93.00"
    srv.cli("pricing", "add", "--customer", d, "--percent", "0", "--from", env.period,
            "--passes", "edpdiscount", "--json")
    assert env.show(d)["Subtotal"] == "97.00"


# ---- fees, credits, currency and rounding ---------------------------------

def test_krw_fees_credits_and_rounding(env):
    srv = env.srv
    P = env.period
    e = env.customer("Hanbit Co", currency="KRW", tax=10)
    e1 = env.member(e)
    env.ingest(env.cur().add(e1, "123.456789"))
    p = srv.cli("invoice", "show", "--customer", e, "--period", P, "--json", check=False)
    assert p.returncode == 1 and "fx set %s USD KRW" % P in p.stderr
    assert srv.cli("fx", "set", P, "USD", "KRW", "1387.25", "--json")["Rate"] == "1387.25"
    srv.cli("pricing", "item-add", "--customer", e, "--amount", "50000",
            "--description", "Managed service fee", "--from", P, "--json")
    srv.cli("pricing", "item-add", "--customer", e, "--percent", "3", "--minimum", "100000",
            "--description", "Support", "--from", P, "--json")
    srv.cli("pricing", "item-add", "--customer", e, "--amount", "-10", "--currency", "USD",
            "--description", "Onboarding credit", "--from", P, "--once", "--json")
    inv = env.show(e)
    # EC2: 123.456789 x 1387.25 = 171265.43054025 KRW; support 3 % = 5137.96
    # < minimum 100000; credit -10 USD = -13872.5 KRW. Subtotal exact
    # 307392.93054025 -> 307393 (once); tax 10 % = 30739.3 -> 30739.
    assert inv["Currency"] == "KRW"
    assert (inv["Subtotal"], inv["Tax"], inv["Total"]) == ("307393", "30739", "338132")
    # Shown amounts add up: the credit's .5 remainder beats EC2's .43.
    assert lines(inv) == {(e1, "AmazonEC2"): "171265"}
    assert adjustments(inv) == {"Managed service fee": "50000", "Support": "100000",
                                "Onboarding credit": "-13872"}
    kinds = {a["Description"]: a["Kind"] for a in inv["Adjustments"]}
    assert kinds["Onboarding credit"] == "CREDIT" and kinds["Support"] == "FEE"
    assert inv["ExchangeRate"]["Rate"] == "1387.25"
    assert inv["Lines"][0]["AwsCost"] == "123.456789"
    csvtext = subprocess.run([BIN, "invoice", "show", "--customer", e, "--period", P, "--csv",
                              "--db", srv.db], capture_output=True, text=True).stdout
    rows = list(csv.reader(csvtext.splitlines()))
    assert rows[0][:7] == ["Number", "Period", "Currency", "Row", "AccountId", "Item", "Amount"]
    assert rows[-1][3:7] == ["TOTAL", "", "", "338132"]
    # Items as AWS names the product (its Bills page); the CUR's product
    # code in ServiceCode, last.
    assert rows[0][-1] == "ServiceCode"
    line = [r for r in rows if r[3] == "LINE"]
    assert [(r[4], r[5], r[6], r[-1]) for r in line] == [
        (e1, "Amazon Elastic Compute Cloud", "171265", "AmazonEC2")]
    assert [l["ServiceName"] for l in inv["Lines"]] == ["Amazon Elastic Compute Cloud"]


def test_usd_half_even_rounding(env):
    f1c = env.customer("Zeta One")
    f2c = env.customer("Zeta Two", tax="8.875")
    f1, f2 = env.member(f1c), env.member(f2c)
    env.ingest(env.cur().add(f1, "10.005").add(f2, "10.015"))
    # 1000.5 cents -> 1000 (even); 1001.5 cents -> 1002 (even).
    assert env.show(f1c)["Subtotal"] == "10.00"
    inv = env.show(f2c)
    # Tax 10.02 x 8.875 % = 0.889275 -> 0.89.
    assert (inv["Subtotal"], inv["Tax"], inv["Total"]) == ("10.02", "0.89", "10.91")


# ---- membership -----------------------------------------------------------

def test_mid_month_join_covers_part_of_the_month(env):
    srv = env.srv
    P = env.period
    g = env.customer("Eta Corp")
    now = datetime.datetime.strptime(env.now[:19], "%Y-%m-%dT%H:%M:%S")
    target = datetime.datetime.strptime(P + "-15 10:30:00", "%Y-%m-%d %H:%M:%S")
    srv.advance(int((target - now).total_seconds()))
    g1 = env.member(g)                 # joins on the 15th at 10:30
    nobody = env.member()              # a member no customer owns
    env.ingest(env.cur()
               .add(g1, "10.00", day=10)            # the old payer's
               .add(g1, "10.00", day=15, hour=10)   # the join's hour: ours
               .add(g1, "10.00", day=20)
               .add(nobody, "7.00", day=20))
    inv = env.show(g)
    assert inv["PeriodStart"] == P + "-15"
    assert inv["PeriodEnd"][:7] == P and inv["PeriodEnd"] >= P + "-28"
    assert inv["Subtotal"] == "20.00"
    rec = srv.cli("invoice", "reconcile", "--period", P, "--json")
    assert Decimal(rec["OutOfMembership"]) == Decimal("10.00")
    assert Decimal(rec["Unassigned"]) == Decimal("7.00")
    assert Decimal(rec["CustomersAwsCost"]) == Decimal("20.00")
    assert Decimal(rec["AwsTotal"]) == Decimal("37.00")
    assert rec["Difference"] == "0.00" and rec["Balanced"] is True


def test_import_report_and_console_page_show_accounts_without_customer(env):
    from test_attack import Browser
    srv = env.srv
    P = env.period
    now = datetime.datetime.strptime(env.now[:19], "%Y-%m-%dT%H:%M:%S")
    target = datetime.datetime.strptime(P + "-15 10:30:00", "%Y-%m-%d %H:%M:%S")
    srv.advance(int((target - now).total_seconds()))
    g = env.customer("Iota <b>Corp</b>")
    g1 = env.member(g)                 # joins on the 15th at 10:30
    nobody = env.member()              # a member no customer owns
    rep = env.ingest(env.cur()
                     .add(g1, "10.00", day=10)            # the old payer's
                     .add(g1, "2.50", day=20)
                     .add(nobody, "7.00", day=20))
    # The report: each account's customer, and the members no customer owns.
    owner = {a["account_id"]: a["customer_id"] for a in rep["accounts"]}
    assert owner == {g1: g, nobody: None}
    assert rep["accounts_without_customer"]["count"] == 1
    assert Decimal(rep["accounts_without_customer"]["unblended_cost"]) == Decimal("7.00")
    b = Browser(srv)
    assert b.sign_in(env.msp["Email"], MSP_PASSWORD)[0] == 303
    st, _, page = b.req("GET", "/imports")
    assert st == 200 and ('href="/imports/%d"' % rep["import_id"]) in page
    st, _, page = b.req("GET", "/imports/%d" % rep["import_id"])
    assert st == 200 and rep["xxh128"] in page
    rows = {a: cells for a, cells in re.findall(
        r"<tr><td>(\d{12})</td>(.*?)</tr>", page)}
    assert set(rows) == {g1, nobody}
    cell = lambda a: re.findall(r"<td[^>]*>(.*?)</td>", rows[a])
    # customer, lines, cost, out-of-membership lines, out-of-membership cost
    assert cell(g1) == ["Iota &lt;b&gt;Corp&lt;/b&gt;", "2", "12.50 USD", "1", "10.00 USD"]
    assert "no customer" in cell(nobody)[0] and cell(nobody)[1:] == ["1", "7.00 USD", "0", "0.00 USD"]
    assert "1 of 2 usage accounts have no customer" in page
    # Another account's console: not the MSP's page.
    other = env.new_account(password="other-console-pw1")
    o = Browser(srv)
    assert o.sign_in(other["Email"], "other-console-pw1")[0] == 303
    assert o.req("GET", "/imports")[0] == 403
    assert o.req("GET", "/imports/%d" % rep["import_id"])[0] == 403
    assert b.req("GET", "/imports/%d" % (rep["import_id"] + 1000))[0] == 404


# ---- lifecycle ------------------------------------------------------------

def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int([l for l in out.splitlines() if l.startswith("Pages:")][0].split()[1])


def render(path, name):
    """PDF -> PNGs under tests/artifacts/ (gitignored); returns how many."""
    os.makedirs(ART, exist_ok=True)
    for old in glob.glob(os.path.join(ART, name + "-*.png")):
        os.remove(old)
    subprocess.run(["pdftoppm", "-r", "60", "-png", path, os.path.join(ART, name)], check=True)
    return len(glob.glob(os.path.join(ART, name + "-*.png")))


def test_restatement_after_issue_and_gapless_numbers(env, tmp_path):
    srv = env.srv
    P = env.period
    h = env.customer("Theta Corp", tax=10)
    k = env.customer("Iota Corp")
    h1, k1 = env.member(h), env.member(k)
    env.ingest(env.cur().add(h1, "100.00").add(k1, "40.00"))
    draft = env.show(h)
    issued = srv.cli("invoice", "issue", draft["InvoiceId"], "--json")
    year = srv.advance(0)[:4]
    assert issued["State"] == "ISSUED" and issued["Number"] == "PL-%s-000001" % year
    assert issued["IssuedAt"] is not None and issued["Total"] == "110.00"
    num = issued["Number"]
    # Issuing it again is refused and takes no number.
    again = srv.cli("invoice", "issue", num, check=False)
    assert again.returncode == 1 and "only a draft" in again.stderr
    shown = subprocess.run([BIN, "invoice", "show", num, "--json", "--db", srv.db],
                           capture_output=True).stdout
    pdf1 = str(tmp_path / "a.pdf")
    srv.cli("invoice", "pdf", num, "-o", pdf1, "--json")
    before = open(pdf1, "rb").read()
    # A late restatement: EC2 100 -> 90, and S3 5 appears.
    env.ingest(env.cur().add(h1, "90.00").add(h1, "5.00", product="AmazonS3").add(k1, "40.00"))
    batch = srv.cli("invoice", "draft", "--period", P, "--json")
    assert batch["NotesDrafted"] == 1 and batch["IssuedKept"] == 1
    after = subprocess.run([BIN, "invoice", "show", num, "--json", "--db", srv.db],
                           capture_output=True).stdout
    assert after == shown
    # show --customer/--period shows the issued invoice, untouched.
    assert env.show(h)["Number"] == num and env.show(h)["Total"] == "110.00"
    pdf2 = str(tmp_path / "b.pdf")
    srv.cli("invoice", "pdf", num, "-o", pdf2, "--json")
    assert open(pdf2, "rb").read() == before
    notes = [i for i in srv.cli("invoice", "list", "--customer", h, "--json")["Invoices"]
             if i["Kind"] != "INVOICE"]
    assert len(notes) == 1 and notes[0]["Kind"] == "CREDIT_NOTE"
    note = srv.cli("invoice", "show", notes[0]["InvoiceId"], "--json")
    # EC2 -10.00, S3 +5.00: subtotal -5.00, tax -0.50.
    assert note["RefersTo"] == num
    assert lines(note) == {(h1, "AmazonEC2"): "-10.00", (h1, "AmazonS3"): "5.00"}
    assert (note["Subtotal"], note["Tax"], note["Total"]) == ("-5.00", "-0.50", "-5.50")
    n2 = srv.cli("invoice", "issue", note["InvoiceId"], "--json")
    assert n2["Number"] == "PL-%s-000002" % year
    # Nothing left to restate: no new note.
    assert srv.cli("invoice", "draft", "--period", P, "--json")["NotesDrafted"] == 0
    n3 = srv.cli("invoice", "issue", "--customer", k, "--period", P, "--json")
    assert n3["Number"] == "PL-%s-000003" % year and n3["Total"] == "40.00"
    v = srv.cli("invoice", "void", n3["Number"], "--json")
    assert v["State"] == "VOID" and v["Number"] == n3["Number"]
    # A voided month can be invoiced again, with the next number.
    n4 = srv.cli("invoice", "issue", "--customer", k, "--period", P, "--json")
    assert n4["Number"] == "PL-%s-000004" % year
    nums = sorted(i["Number"] for i in srv.cli("invoice", "list", "--json")["Invoices"]
                  if i["Number"])
    assert nums == ["PL-%s-%06d" % (year, i) for i in range(1, 5)]
    assert render(pdf1, "issued-invoice") == pdf_pages(pdf1) == 1
    notepdf = str(tmp_path / "note.pdf")
    srv.cli("invoice", "pdf", n2["Number"], "-o", notepdf, "--json")
    assert render(notepdf, "credit-note") == 1
    assert b"CREDIT NOTE" in subprocess.run(["pdftotext", notepdf, "-"],
                                            capture_output=True).stdout


def test_long_invoice_pdf_pages_and_non_latin_names(env, tmp_path):
    srv = env.srv
    c = env.customer("한빛 Ünïcode Trading")
    a1, a2 = env.member(c), env.member(c)
    cur = env.cur()
    for i in range(40):
        cur.add(a1, "%d.25" % (i + 1), product="Service%02d" % i)
        cur.add(a2, "%d.50" % (i + 1), product="Service%02d" % i)
    env.ingest(cur)
    srv.cli("pricing", "item-add", "--customer", c, "--percent", "3", "--minimum", "10",
            "--description", "Support (3 % of usage)", "--from", env.period, "--json")
    inv = env.show(c)
    assert len(inv["Lines"]) == 80
    out = str(tmp_path / "long.pdf")
    r = srv.cli("invoice", "pdf", "--customer", c, "--period", env.period, "-o", out, "--json")
    assert r["Pages"] == pdf_pages(out) == 3
    assert render(out, "long-invoice") == 3
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True).stdout
    assert "Page 1 of 3" in text and "Page 3 of 3" in text
    assert "?? Ünïcode Trading" in text
    assert "Acme Cloud Partners" in text and "Seattle, WA 98101" in text
    assert inv["Total"].replace(".", "")[:3] in text.replace(",", "").replace(".", "")


# ---- reconciliation on the shared samples --------------------------------

def run(db, *args):
    p = subprocess.run([BIN, *args, "--json", "--db", db], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_reconciliation_identity_on_shared_samples(tmp_path):
    """Both shared samples: the legacy CUR one is the MSP's bill (Nov 2023,
    its account a member from the 7th and owned by a customer); the FOCUS
    one (Sept 2024) is another payer's, kept as reference: never in the
    MSP's total."""
    db = new_db(str(tmp_path))
    try:
        acct = "123412340534"
        subprocess.run([BIN, "db", "migrate", "--db", db], check=True, capture_output=True)
        sql(db, "INSERT INTO accounts (id, email, name, created_at) VALUES (?, ?, ?, 0)",
            (acct, "sample@sample.example", "sample"))
        sql(db, "INSERT INTO organizations (id, root_id, management_id, feature_set, "
                "created_at) VALUES ('o-sample0001', 'r-smp1', ?, 'ALL', 0)", (acct,))
        sql(db, "INSERT INTO memberships (account_id, org_id, payer_id, joined_at, "
                "joined_method, parent_id) VALUES (?, 'o-sample0001', ?, ?, 'INVITED', "
                "'r-smp1')", (acct, acct, 1699315200000))     # 2023-11-07T00:00Z
        sql(db, "INSERT INTO customers (id, name, contact_email, currency, tax_rate, "
                "created_at, updated_at) VALUES ('cus-sample0001', 'Sample One', "
                "'b@x.example', 'USD', 0, 0, 0)")
        sql(db, "INSERT INTO customer_accounts (account_id, customer_id, since) "
                "VALUES (?, 'cus-sample0001', 0)", (acct,))
        run(db, "msp", "set", acct, "--name", "Sample MSP")
        focus = run(db, "ingest", focus_aws(tmp_path), "--reference")
        legacy = run(db, "ingest", LEGACY)
        assert (focus["role"], legacy["role"]) == ("reference", "billing")
        run(db, "pricing", "add", "--percent", "15", "--from", "2023-01")
        for total, period in ((Decimal(0), "2024-09"),
                              (Decimal(legacy["unblended_cost"]), "2023-11")):
            rec = run(db, "invoice", "reconcile", "--period", period)
            assert rec["PayerAccountId"] == acct
            assert Decimal(rec["AwsTotal"]) == total
            parts = (Decimal(rec["CustomersAwsCost"]) + Decimal(rec["Unassigned"]) +
                     Decimal(rec["OutOfMembership"]))
            assert parts == total and Decimal(rec["Difference"]) == 0 and rec["Balanced"]
            assert sum(Decimal(c["AwsCost"]) for c in rec["Customers"]) == \
                Decimal(rec["CustomersAwsCost"])
            for c in rec["Customers"]:
                assert Decimal(c["Margin"]) == Decimal(c["BilledCost"]) - Decimal(c["AwsCost"])
        # FOCUS: another payer's file, not a line of it in the MSP's bill.
        rec = run(db, "invoice", "reconcile", "--period", "2024-09")
        assert rec["Sources"] == 0 and rec["Customers"] == [] and \
            Decimal(rec["AwsTotal"]) == 0 and focus["rollup_rows"] > 0
        # Legacy CUR: split at the join; the customer's part marked up 15 %
        # on everything but AWS's tax (the MSP's own tax replaces it).
        rec = run(db, "invoice", "reconcile", "--period", "2023-11")
        mine = rec["Customers"][0]
        assert Decimal(mine["AwsCost"]) > 0 and Decimal(rec["OutOfMembership"]) > 0
        assert Decimal(legacy["out_of_membership"]["unblended_cost"]) == \
            Decimal(rec["OutOfMembership"])
        inv = run(db, "invoice", "show", "--customer", "cus-sample0001", "--period", "2023-11")
        assert Decimal(inv["AwsCost"]) == Decimal(mine["AwsCost"])
        assert inv["PeriodStart"] == "2023-11-07" and inv["PeriodEnd"] == "2023-11-30"
        assert Decimal(inv["Subtotal"]) == Decimal(mine["BilledCost"]).quantize(Decimal("0.01"))
    finally:
        drop_db(db)


# ---- REST -----------------------------------------------------------------

def rest(srv, acct, method, path, body=None):
    """A SigV4-signed (service payerlink) call: (status, content type, bytes)."""
    import urllib.error
    import urllib.request
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    req = AWSRequest(method=method, url=srv.url + path, data=data or b"", headers=headers)
    SigV4Auth(Credentials(acct["AccessKeyId"], acct["SecretAccessKey"]), "payerlink",
              "us-east-1").add_auth(req)
    r = urllib.request.Request(srv.url + path, data=data, method=method,
                               headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def test_rest_rules_invoices_and_reconciliation(env, new_account):
    srv, P = env.srv, env.period
    c = env.customer("Kappa Corp")
    c1 = env.member(c)
    st, _, body = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                       {"CustomerId": c, "Percent": "-20", "From": P})
    assert st == 201 and json.loads(body)["Scope"] == "customer"
    st, _, body = rest(srv, env.msp, "POST", "/api/v1/pricing-rules",
                       {"CustomerId": c, "Percent": "5", "From": P})
    assert st == 409 and "overlap" in json.loads(body)["Error"]["Message"]
    st, _, body = rest(srv, env.msp, "GET", "/api/v1/pricing-rules?customer=" + c)
    assert st == 200 and len(json.loads(body)["Rules"]) == 1
    env.ingest(env.cur().add(c1, "50.00"))
    draft = env.show(c)
    st, _, body = rest(srv, env.msp, "POST", "/api/v1/invoices/%s/issue" % draft["InvoiceId"])
    inv = json.loads(body)
    assert st == 200 and inv["State"] == "ISSUED" and inv["Total"] == "40.00"
    st, _, body = rest(srv, env.msp, "GET", "/api/v1/invoices?period=" + P)
    assert st == 200 and [i["Number"] for i in json.loads(body)["Invoices"]] == [inv["Number"]]
    st, ctype, body = rest(srv, env.msp, "GET", "/api/v1/invoices/%s?format=pdf" % inv["Number"])
    assert st == 200 and ctype == "application/pdf" and body.startswith(b"%PDF-")
    st, ctype, body = rest(srv, env.msp, "GET", "/api/v1/invoices/%s?format=csv" % inv["Number"])
    assert st == 200 and ctype.startswith("text/csv") and b"TOTAL" in body
    st, _, body = rest(srv, env.msp, "GET", "/api/v1/reconciliation?period=" + P)
    rec = json.loads(body)
    assert st == 200 and rec["Balanced"] and rec["Margin"] == "-10.00"
    other = new_account()
    st, _, body = rest(srv, other, "GET", "/api/v1/invoices/" + inv["Number"])
    assert st == 403
    st, _, body = rest(srv, env.msp, "POST", "/api/v1/invoices/%s/void" % inv["Number"])
    assert st == 200 and json.loads(body)["State"] == "VOID"
