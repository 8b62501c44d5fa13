# SPDX-License-Identifier: MIT
"""Budgets and their alerts as a customer uses them (issue 23): the form's
defaults (80 % of actual, 100 % of forecast), editing and deleting a budget
in the portal (CSRF, a question before deleting, another customer's budget
out of reach) and with the CLI, alerts listed by budget name with where each
went, e-mail alerts through an SMTP server (a local aiosmtpd sink: the
message, a refusal recorded and retried), and "Forecast over" claimed only
from a settled forecast."""

import datetime
import email
import email.policy
import re
import threading
import time
from decimal import Decimal

import pytest

from conftest import Server, free_port, sql
from test_attack import Browser
from test_ce import DAY, World, today

aiosmtpd_controller = pytest.importorskip(
    "aiosmtpd.controller", reason="Debian's python3-aiosmtpd (make test-deps installs it)")

PW = "portal-pass-1"


class Sink:
    """An SMTP server on 127.0.0.1 that keeps what it accepts; `refuse`
    DATA replies are refused with 451 first."""

    def __init__(self):
        self.got, self.refuse, self.tries = [], 0, 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.tries += 1
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 sink says try again later"
            self.got.append((envelope.mail_from, list(envelope.rcpt_tos),
                             envelope.content))
        return "250 OK"


@pytest.fixture(scope="module")
def sink():
    s = Sink()
    c = aiosmtpd_controller.Controller(s, hostname="127.0.0.1", port=free_port())
    c.start()
    s.port = c.port
    yield s
    c.stop()


@pytest.fixture(scope="module")
def mailsrv(sink):
    """An emulator that sends alert e-mails to the sink."""
    s = Server("--emulator", "--smtp", "smtp://127.0.0.1:%d" % sink.port,
               "--smtp-from", "alerts@msp.example")
    yield s
    assert s.stop() == 0


@pytest.fixture
def w(mailsrv, new_account, tmp_path, sink):
    mailsrv.reset()
    sink.got.clear()
    sink.refuse = sink.tries = 0
    x = World(mailsrv, lambda **kw: new_account(server=mailsrv, **kw), str(tmp_path))
    x.srv.advance(70 * 86400)
    return x


def cost_this_month(w, per_line=Decimal(1)):
    """Every account's lines of each day of this month so far."""
    now = today(w.srv)
    days = [now.replace(day=1) + i * DAY for i in range(now.day)]
    w.ingest(w.write(now.replace(day=1), days, lambda d, i, k: per_line, name="now.csv"))
    return now, days


def portal_user(w, customer, name):
    email_ = "%s-%d@portal.example" % (name, id(w))
    w.srv.cli("user", "create", "--customer", customer, "--email", email_, "--password", PW,
              "--json")
    b = Browser(w.srv)
    st, h, _ = b.sign_in(email_, PW)
    assert st == 303 and h["location"] == "/portal", (st, h)
    return b


def csrf(b, page="/portal/budgets"):
    st, _, text = b.req("GET", page)
    assert st == 200, (page, st)
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1), text


def budget_row(w, bid):
    rows = sql(w.srv.db, "SELECT name, amount, actual_pct, forecast_pct, email_to, account_id "
                         "FROM budgets WHERE id = ?", (bid,))
    return rows[0] if rows else None


def test_budget_form_and_cli_default_to_80_percent_of_actual_and_100_of_forecast(w):
    b = portal_user(w, w.ca, "defaults")
    tok, page = csrf(b)
    assert re.search(r'id="bactual" name="actual"[^>]*value="80"', page), page
    assert re.search(r'id="bforecast" name="forecast"[^>]*value="100"', page), page
    # What the form sends as it stands.
    st, h, body = b.req("POST", "/portal/budgets/create", {
        "csrf": tok, "name": "Team", "amount": "250", "account": "", "actual": "80",
        "forecast": "100", "webhook": "", "email": ""})
    assert st == 303, body[:300]
    assert sql(w.srv.db, "SELECT actual_pct, forecast_pct FROM budgets WHERE name = 'Team'") == \
        [(80, 100)]
    # Left empty, and from the CLI without the options: the same defaults.
    st, _, body = b.req("POST", "/portal/budgets/create", {
        "csrf": tok, "name": "Empty", "amount": "9", "actual": "", "forecast": ""})
    assert st == 303, body[:300]
    made = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "cli", "--amount", "5",
                     "--json")
    assert (made["ActualPercent"], made["ForecastPercent"]) == (80, 100)
    assert sql(w.srv.db, "SELECT actual_pct, forecast_pct FROM budgets WHERE name = 'Empty'") == \
        [(80, 100)]


def test_budget_is_edited_and_deleted_in_the_portal(w):
    a = portal_user(w, w.ca, "editor")
    other = portal_user(w, w.cb, "other")
    bid = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "Dev", "--amount", "100",
                    "--json")["BudgetId"]
    tok, page = csrf(a)
    # The list offers Edit and Delete for the budget.
    assert 'href="/portal/budgets/%s"' % bid in page
    assert 'href="/portal/budgets/%s/delete"' % bid in page
    st, _, edit = a.req("GET", "/portal/budgets/" + bid)
    assert st == 200 and 'value="Dev"' in edit and 'value="100"' in edit, edit[:2000]
    form = {"csrf": tok, "name": "Dev team", "amount": "150.5", "account": "", "actual": "90",
            "forecast": "0", "webhook": "", "email": "ops@umbrella.example, cfo@umbrella.example"}
    # No token: refused, nothing changed.
    st, _, _ = a.req("POST", "/portal/budgets/" + bid, dict(form, csrf="x"))
    assert st == 403 and budget_row(w, bid)[0] == "Dev"
    # Another customer's user: no such budget for it, nothing changed.
    otok, _ = csrf(other)
    for path in ("/portal/budgets/" + bid, "/portal/budgets/%s/delete" % bid):
        st, _, _ = other.req("POST", path, dict(form, csrf=otok))
        assert st == 404, path
        assert other.req("GET", path)[0] == 404, path
    assert budget_row(w, bid)[0] == "Dev"
    # A refusal keeps what was typed and says why.
    st, _, body = a.req("POST", "/portal/budgets/" + bid, dict(form, amount="-1"))
    assert st == 400 and 'role="alert"' in body and 'value="Dev team"' in body
    st, h, _ = a.req("POST", "/portal/budgets/" + bid, form)
    assert st == 303 and h["location"] == "/portal/budgets"
    assert budget_row(w, bid) == ("Dev team", 150500000000, 90, 0,
                                  "ops@umbrella.example, cfo@umbrella.example", "")
    # Delete: a question first, then the budget is gone.
    st, _, ask = a.req("GET", "/portal/budgets/%s/delete" % bid)
    assert st == 200 and "Delete budget Dev team?" in ask
    assert 'action="/portal/budgets/%s/delete"' % bid in ask and 'name="csrf"' in ask
    assert budget_row(w, bid) is not None
    st, h, _ = a.req("POST", "/portal/budgets/%s/delete" % bid, {"csrf": tok})
    assert st == 303 and budget_row(w, bid) is None
    _, _, page = a.req("GET", "/portal/budgets")
    assert "Budget Dev team deleted." in page and bid not in page
    assert a.req("GET", "/portal/budgets/" + bid)[0] == 404


def test_budget_cli_update_changes_what_it_is_given_and_delete_checks_the_customer(w):
    bid = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "Ops", "--amount", "10",
                    "--email", "a@x.example", "--json")["BudgetId"]
    up = w.srv.cli("budget", "update", bid, "--amount", "12.5", "--forecast", "0", "--json")
    assert (up["Name"], up["Amount"], up["ActualPercent"], up["ForecastPercent"], up["Email"]) == \
        ("Ops", "12.5", 80, 0, "a@x.example")
    bad = w.srv.cli("budget", "update", bid, "--email", "not an address", check=False)
    assert bad.returncode != 0 and "e-mail" in bad.stderr
    assert budget_row(w, bid)[4] == "a@x.example"
    # Another customer's budget is not there for it.
    p = w.srv.cli("budget", "delete", bid, "--customer", w.cb, check=False)
    assert p.returncode != 0 and "does not exist" in p.stderr and budget_row(w, bid)
    assert w.srv.cli("budget", "delete", bid, "--customer", w.ca, "--json") == {"Deleted": bid}
    assert budget_row(w, bid) is None


def wait_for(cond, timeout=25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_alert_email_reaches_the_recipients_and_is_listed_by_budget_name(w, sink):
    now, days = cost_this_month(w)
    # The mail speaks as the MSP's brand, with its support contact.
    w.srv.cli("msp", "brand", "--name", "Acme Cloud Partners", "--support-email",
              "help@acme-msp.example", "--json")
    bid = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "Tiny Ünïcode budget",
                    "--amount", "0.01", "--actual", "100", "--forecast", "0",
                    "--email", "ops@umbrella.example; cfo@umbrella.example",
                    "--json")["BudgetId"]
    w.srv.cli("budget", "check", "--customer", w.ca, "--json")
    assert wait_for(lambda: sink.got), "no mail reached the sink"
    mail_from, rcpt, raw = sink.got[0]
    assert mail_from == "alerts@msp.example"
    assert sorted(rcpt) == ["cfo@umbrella.example", "ops@umbrella.example"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    period = now.strftime("%Y-%m")
    value = 2 * 3 * len(days)       # A's two accounts, three services, 1 USD a line
    assert msg["Subject"].endswith("Budget Tiny Ünïcode budget: actual %d.00 USD, over 100 %% "
                                   "of 0.01 USD" % value), msg["Subject"]
    assert msg["From"].addresses[0].display_name == "Acme Cloud Partners", msg["From"]
    assert msg["Subject"].startswith("[Acme Cloud Partners] "), msg["Subject"]
    body = msg.get_content()
    assert "Support: help@acme-msp.example" in body, body
    assert "Period:     %s" % period in body
    assert "Actual:     %d.00 USD" % value in body
    assert "Threshold:  100 % of the amount, 0.01 USD" in body
    # The link: the MSP's public URL (msp set gives one), else this server's.
    assert re.search(r"^https?://[^/\s]+/portal/budgets/%s\r?$" % bid, body, re.M), body
    # The history: by name, to whom, delivered.
    alerts = w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")["Alerts"]
    assert [(x["Budget"], x["Kind"], x["Period"]) for x in alerts] == \
        [("Tiny Ünïcode budget", "ACTUAL", period)]
    assert wait_for(lambda: w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")
                    ["Alerts"][0]["Deliveries"][0]["Status"] == "delivered")
    d = w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")["Alerts"][0]["Deliveries"]
    assert [(x["Channel"], x["To"], x["Status"], x["Attempts"]) for x in d] == \
        [("email", "ops@umbrella.example, cfo@umbrella.example", "delivered", 1)]
    b = portal_user(w, w.ca, "reader")
    _, _, page = b.req("GET", "/portal/budgets")
    table = page.split('id="alerts"', 1)[1]
    assert "Tiny Ünïcode budget" in table and "ops@umbrella.example" in table
    assert "<strong>delivered</strong>" in table
    # One alert per budget, month and kind: no second mail.
    time.sleep(1.5)
    assert len(sink.got) == 1


def test_refused_alert_email_is_recorded_and_retried(w, sink):
    cost_this_month(w)
    sink.refuse = 1
    w.srv.cli("budget", "create", "--customer", w.ca, "--name", "Refused", "--amount", "0.01",
              "--actual", "100", "--forecast", "0", "--email", "ops@umbrella.example", "--json")
    w.srv.cli("budget", "check", "--customer", w.ca, "--json")
    assert wait_for(lambda: sink.got), "the retry never came"
    assert sink.tries == 2
    alert = w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")["Alerts"][0]
    att = sql(w.srv.db, "SELECT channel, attempt, code, result FROM alert_attempts WHERE "
                        "alert_id = ? ORDER BY attempt", (alert["AlertId"],))
    assert [(a[0], a[1], a[2]) for a in att] == [("email", 1, 451), ("email", 2, 250)], att
    assert att[0][3].startswith("SMTP 451"), att
    d = alert["Deliveries"][0]
    assert (d["Status"], d["Attempts"]) == ("delivered", 2)


def test_email_alerts_without_an_smtp_server_fail_saying_so(srv, new_account, tmp_path):
    x = World(srv, new_account, str(tmp_path))
    x.srv.advance(70 * 86400)
    cost_this_month(x)
    x.srv.cli("budget", "create", "--customer", x.ca, "--name", "Nowhere", "--amount", "0.01",
              "--actual", "100", "--forecast", "0", "--email", "ops@umbrella.example", "--json")
    x.srv.cli("budget", "check", "--customer", x.ca, "--json")
    assert wait_for(lambda: x.srv.cli("budget", "alerts", "--customer", x.ca, "--json")
                    ["Alerts"][0]["Deliveries"][0]["Attempts"] >= 1)
    d = x.srv.cli("budget", "alerts", "--customer", x.ca, "--json")["Alerts"][0]["Deliveries"][0]
    assert "no SMTP server" in d["LastResult"] and d["Status"] in ("pending", "failed")


def test_serve_keeps_the_smtp_password_off_the_command_line(tmp_path):
    from conftest import BIN
    import subprocess
    p = subprocess.run([BIN, "serve", "--smtp", "smtp://127.0.0.1:1", "--smtp-from", "a@b.example",
                        "--smtp-user", "u", "--db", str(tmp_path / "x.db"), "--listen",
                        "127.0.0.1:0"], capture_output=True, text=True, timeout=20,
                       env={"PATH": "/usr/bin:/bin"})
    assert p.returncode != 0 and "PAYERLINK_SMTP_PASSWORD" in p.stderr
    p = subprocess.run([BIN, "serve", "--smtp-password", "x"], capture_output=True, text=True)
    assert p.returncode == 2
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True).stdout
    assert "--smtp URL" in out and "--smtp-password-file" in out


def test_forecast_over_waits_for_a_week_of_the_month(w):
    """Day 3 of a month with a spike on the 2nd: the month to date is over
    the budget already, so the forecast and even its low end are, but
    "Forecast over" is not claimed before day 7; on day 8 it is."""
    now = today(w.srv)
    first = (now.replace(day=1) + 32 * DAY).replace(day=1)
    w.srv.advance(int((datetime.datetime.combine(first + 2 * DAY, datetime.time(12)) -
                       datetime.datetime.combine(now, datetime.time(12))).total_seconds()))
    assert today(w.srv) == first + 2 * DAY
    cost = lambda d, i, k: Decimal(500) if d.day == 2 else Decimal(1)
    days = [first + i * DAY for i in range(3)]
    w.ingest(w.write(first, days, cost, name="spike.csv"))
    # A's 6 lines a day: 6 + 3000 + 6 so far.
    bid = w.srv.cli("budget", "create", "--customer", w.ca, "--name", "Spiky", "--amount",
                    "3000", "--actual", "0", "--forecast", "100", "--json")["BudgetId"]
    row = [r for r in w.srv.cli("budget", "check", "--customer", w.ca, "--json")["Budgets"]
           if r["BudgetId"] == bid][0]
    assert Decimal(row["Actual"]) == 3012, row
    assert Decimal(row["ForecastLow"]) >= 3000, row     # the old rule would claim it
    assert row["ForecastSettled"] is False and row["ForecastOver"] is False, row
    assert Decimal(row["ForecastLow"]) <= Decimal(row["Forecast"]) <= Decimal(row["ForecastHigh"])
    assert w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")["Alerts"] == []
    # Day 8: a week of high days; now the low end is over and it is claimed.
    w.srv.advance(5 * 86400)
    days = [first + i * DAY for i in range(8)]
    w.ingest(w.write(first, days, lambda d, i, k: Decimal(500), name="week.csv"))
    row = [r for r in w.srv.cli("budget", "check", "--customer", w.ca, "--json")["Budgets"]
           if r["BudgetId"] == bid][0]
    assert row["ForecastSettled"] is True and row["ForecastOver"] is True, row
    assert Decimal(row["ForecastLow"]) >= 3000
    kinds = [x["Kind"] for x in w.srv.cli("budget", "alerts", "--customer", w.ca, "--json")
             ["Alerts"]]
    assert kinds == ["FORECASTED"]
