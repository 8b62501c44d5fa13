# SPDX-License-Identifier: MIT
"""The billing portal's cost analysis and overview as a person reads them
(issue 23): the groups x periods table with its row and column totals and
its pages, the pick-lists (filled from GetDimensionValues' source), saved
views, the overview's trend with the forecast's range, and what a customer
without cost data sees. Every number is checked against sums computed here
from the CUR file the test writes."""

import datetime
import html
import json
import re
import subprocess
import urllib.parse
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import BIN, Server, drop_db, new_db, sql
from test_ce import DAY, EC2_COMPUTE, Portal, World, ce_service, client, today
from test_ce_tags import world as tagged  # noqa: F401 (a fixture: a bill with tags)

PW = "portal-password-1"
USAGE_TYPES = ["Custom-%02d" % i for i in range(25)]   # 25 groups: two pages of 20


def money(text):
    """ "1,234.50" -> Decimal("1234.50")."""
    return Decimal(text.replace(",", "").split()[0])


def table(page):
    """The cost table: its period headers, {row name: [cells..., total]}
    in order, and the Total row."""
    t = re.search(r'<table id="costs">(.*?)</table>', page, re.S).group(1)
    head = re.findall(r'<th scope="col" class="num">([^<]*)</th>', t)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", t, re.S).group(1)):
        name = html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<th scope="row">(.*?)</th>', tr).group(1)))
        rows.append((name, [money(x) for x in re.findall(r'<td class="num[^"]*">([^<]*)</td>', tr)]))
    foot = re.search(r"<tfoot>(.*?)</tfoot>", t, re.S).group(1)
    total = [money(x) for x in re.findall(r'<td class="num"[^>]*>([^<]*)</td>', foot)]
    return head, rows, total


def select_options(page, name):
    """(value, text) of the options of <select name=name>."""
    sel = re.search(r'<select id="[^"]*" name="%s">(.*?)</select>' % name, page, re.S).group(1)
    return [(html.unescape(v), html.unescape(t)) for v, t in
            re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', sel)]


def options(page, name):
    """(value, text) of the checkboxes of the filter name's pick-list."""
    pick = re.search(r'<details class="pick" id="pick-%s">(.*?)</details>' % name, page,
                     re.S).group(1)
    return [(html.unescape(v), html.unescape(t).strip()) for v, t in re.findall(
        r'<input type="checkbox" name="%s" value="([^"]*)"[^>]*> ([^<]*)</label>' % name, pick)]


def chosen(page, name):
    """The pick-list's summary ("All", a value, "2 chosen") and the values
    ticked."""
    pick = re.search(r'<details class="pick" id="pick-%s">(.*?)</details>' % name, page,
                     re.S).group(1)
    summary = html.unescape(re.search(r'<span class="chosen">([^<]*)</span>', pick).group(1))
    return summary, [html.unescape(v) for v in re.findall(
        r'<input type="checkbox" name="%s" value="([^"]*)" checked>' % name, pick)]


@pytest.fixture
def lastmonth(srv, new_account, tmp_path):
    """Customers A (accounts a1, a2) and B (b1) joined 70 days ago; the
    payer's CUR of last month's first 10 days: three services per account
    and, on a1, 25 usage types of 1 + i/100 a day."""
    w = World(srv, new_account, str(tmp_path), days_on=70)
    now = today(srv)
    w.month = (now.replace(day=1) - DAY).replace(day=1)
    w.days = [w.month + i * DAY for i in range(10)]
    extra = [(w.a1.id, "Usage", d, "AmazonEC2", ut, "RunInstances", "us-east-1",
              Decimal(1) + Decimal(i) / 100, Decimal(1))
             for d in w.days for i, ut in enumerate(USAGE_TYPES)]
    w.ingest(w.write(w.month, w.days, lambda d, i, k: Decimal("%d.%02d" % (1 + i + k, d.day)),
                     extra=extra))
    srv.cli("user", "create", "--customer", w.ca, "--email", "ann@a.example", "--password", PW,
            "--json")
    srv.cli("user", "create", "--customer", w.cb, "--email", "ben@b.example", "--password", PW,
            "--json")
    w.ann = Portal(srv, "ann@a.example", PW)
    w.new_account = new_account
    return w


def sums(w, accounts, by):
    out = defaultdict(Decimal)
    for l in w.lines:
        if l[0] in accounts and l[1] != "Tax":
            out[by(l)] += l[7]
    return out


def test_cost_table_has_totals_and_pages(lastmonth):
    """Grouped by usage type (29 groups of A): 20 rows on page 1, 9 on page
    2; each row's total is its cells' sum and each period's total (the
    Total row) is every group's, as the CUR file says."""
    w = lastmonth
    q = "from=%s&to=%s&granularity=DAILY&group=USAGE_TYPE" % (w.days[0], w.days[-1])
    st, p1 = w.ann.get("/portal/costs?" + q)
    assert st == 200, p1[:300]
    head, rows1, total = table(p1)
    assert head == [d.isoformat() for d in w.days] + ["Total"]
    want_ut = sums(w, {w.a1.id, w.a2.id}, lambda l: l[4])
    want_day = sums(w, {w.a1.id, w.a2.id}, lambda l: l[2])
    assert len(want_ut) == 3 + len(USAGE_TYPES)
    assert len(rows1) == 20
    assert re.search(r"Rows 1–20 of %d" % len(want_ut), p1)
    # Largest first; each row's total is the sum of its periods.
    tots = [r[1][-1] for r in rows1]
    assert tots == sorted(tots, reverse=True)
    for name, cells in rows1:
        assert sum(cells[:-1]) == cells[-1] == want_ut[name], name
    assert total == [want_day[d] for d in w.days] + [sum(want_day.values())]
    # Page 2: the rest, same totals row; the chart still shows the top 8 + Others.
    nxt = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', p1).group(1))
    st, p2 = w.ann.get(nxt)
    assert st == 200 and "page=2" in nxt
    _, rows2, total2 = table(p2)
    assert len(rows2) == len(want_ut) - 20 and total2 == total
    assert {r[0] for r in rows1 + rows2} == set(want_ut)
    legend = lambda p: re.findall(r'<span><i class="s\d"></i>([^<]*)</span>', p)
    assert legend(p2) == legend(p1) and len(legend(p1)) == 9 and legend(p1)[-1] == "Others"
    assert not re.search(r'rel="next"', p2) and re.search(r'rel="prev"', p2)
    # The CSV has every group, not one page: its sum is the grand total.
    st, csv = w.ann.get("/portal/costs.csv?" + q)
    got = sum(Decimal(l.split(",")[2]) for l in csv.strip().split("\r\n")[1:])
    assert got == total[-1]


def test_filters_are_pick_lists_of_the_dimension_values(lastmonth):
    """Service, account, region and usage type are <select>s of what
    GetDimensionValues gives the customer for the range; accounts read by
    name with their id. Picking one filters the table."""
    w = lastmonth
    q = "from=%s&to=%s&group=LINKED_ACCOUNT" % (w.days[0], w.days[-1])
    st, page = w.ann.get("/portal/costs?" + q)
    assert st == 200
    ce = client(w.srv, w.a1, service="ce")
    period = {"Start": w.days[0].isoformat(), "End": (w.days[-1] + DAY).isoformat()}
    for dim, name in (("SERVICE", "service"), ("LINKED_ACCOUNT", "account"),
                      ("REGION", "region"), ("USAGE_TYPE", "usage_type")):
        api = sorted(v["Value"] for v in ce.get_dimension_values(
            TimePeriod=period, Dimension=dim)["DimensionValues"] if v["Value"])
        opts = options(page, name)
        assert chosen(page, name) == ("All", [])
        assert sorted(v for v, _ in opts) == api, dim
    assert dict(options(page, "account"))[w.a2.id] == "A two (%s)" % w.a2.id
    assert EC2_COMPUTE in dict(options(page, "service"))
    assert w.b1.id not in page
    # No free-text filter is left.
    assert not re.search(r'<input name="(service|account|region)"', page)
    st, page = w.ann.get("/portal/costs?%s&account=%s" % (q, w.a2.id))
    _, rows, total = table(page)
    assert [r[0] for r in rows] == ["A two (%s)" % w.a2.id]
    assert total[-1] == sum(sums(w, {w.a2.id}, lambda l: 0).values())
    assert chosen(page, "account") == ("A two (%s)" % w.a2.id, [w.a2.id])


def test_filters_take_several_values_each(lastmonth):
    """Several values of one filter (service=A&service=B) match any of
    them, as Cost Explorer's Values list: the table is the two services'
    cost, the pick-list ticks both and says "2 chosen", and its links (the
    CSV, a saved view) keep both. Two filters still both apply."""
    w = lastmonth
    svcs = sorted({ce_service(l) for l in w.lines if l[0] in (w.a1.id, w.a2.id)
                   and l[1] != "Tax"})
    two = svcs[:2]
    q = "from=%s&to=%s&group=SERVICE&" % (w.days[0], w.days[-1]) + "&".join(
        "service=" + v.replace(" ", "+") for v in two)
    st, page = w.ann.get("/portal/costs?" + q)
    assert st == 200, page[:300]
    _, rows, total = table(page)
    assert sorted(r[0] for r in rows) == two
    want = sums(w, {w.a1.id, w.a2.id}, ce_service)
    assert total[-1] == want[two[0]] + want[two[1]]
    assert chosen(page, "service") == ("2 chosen", two)
    saved = html.unescape(re.search(r'name="query" value="([^"]+)"', page).group(1))
    csv_q = html.unescape(re.search(r'id="csv" href="/portal/costs.csv\?([^"]+)"', page).group(1))
    for link in (saved, csv_q):
        assert [kv[8:] for kv in link.split("&") if kv.startswith("service=")] == \
            [urllib.parse.quote(v, safe="") for v in two], link
    # And with an account filter too: both filters apply.
    st, page = w.ann.get("/portal/costs?%s&account=%s" % (q, w.a2.id))
    _, rows, total = table(page)
    a2 = sums(w, {w.a2.id}, ce_service)
    assert total[-1] == sum(a2[s] for s in two)
    # The values of one filter are capped (and say so).
    many = "&".join("usage_type=u%d" % i for i in range(21))
    st, page = w.ann.get("/portal/costs?" + many)
    assert st == 400 and "usage_type: at most 20 values" in page


def test_saved_view_round_trip(lastmonth):
    """Ann saves the page's range, grouping and filter as a view, reopens
    it from the list and deletes it; Ben never sees it and cannot delete it."""
    w = lastmonth
    q = "from=%s&to=%s&granularity=MONTHLY&group=REGION&service=%s" % (
        w.days[0], w.days[-1], EC2_COMPUTE.replace(" ", "+"))
    st, page = w.ann.get("/portal/costs?" + q)
    assert st == 200
    saved = html.unescape(re.search(r'name="query" value="([^"]+)"', page).group(1))
    st, after = w.ann.post("/portal/views/create", {"csrf": w.ann.csrf(page), "name": "EC2 by region",
                                                     "query": saved})
    assert st == 200 and "View EC2 by region saved." in after
    link = re.search(r'<li><a href="(/portal/costs\?[^"]+)">EC2 by region</a>', after)
    assert link, after[-2000:]
    st, reopened = w.ann.get(html.unescape(link.group(1)))
    assert re.search(r'<option value="REGION" selected>', reopened)
    assert re.search(r'<option value="MONTHLY" selected>', reopened)
    assert chosen(reopened, "service") == (EC2_COMPUTE, [EC2_COMPUTE])
    assert 'value="%s"' % w.days[0] in reopened and 'value="%s"' % w.days[-1] in reopened
    ec2 = sums(w, {w.a1.id, w.a2.id}, lambda l: ce_service(l) == EC2_COMPUTE)[True]
    assert table(reopened)[2][-1] == ec2
    # The same name again: refused, saying why.
    st, dup = w.ann.post("/portal/views/create", {"csrf": w.ann.csrf(page), "name": "EC2 by region",
                                                   "query": saved})
    assert st == 400 and "already" in dup
    vid = re.search(r'action="/portal/views/(vw-[a-z0-9]+)/delete"', reopened).group(1)
    ben = Portal(w.srv, "ben@b.example", PW)
    st, bpage = ben.get("/portal/costs")
    assert "EC2 by region" not in bpage
    st, _ = ben.post("/portal/views/%s/delete" % vid, {"csrf": ben.csrf(bpage)})
    assert st == 404
    assert "EC2 by region" in w.ann.get("/portal/costs")[1]
    st, gone = w.ann.post("/portal/views/%s/delete" % vid, {"csrf": w.ann.csrf(reopened)})
    assert st == 200 and "View deleted." in gone and "EC2 by region</a>" not in gone


def month_back(d, n):
    """The first of the month n months before d's."""
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return datetime.date(y, m + 1, 1)


def test_saved_view_keeps_a_relative_period(lastmonth):
    """A view of "Last 3 months" keeps the period, not its dates: opened
    weeks later it covers the three months up to that day. Changing the
    form's dates makes the range those dates; resubmitting it unchanged
    keeps the period."""
    w = lastmonth
    now = today(w.srv)
    q = "period=LAST_3_MONTHS&granularity=MONTHLY&group=LINKED_ACCOUNT"
    st, page = w.ann.get("/portal/costs?" + q)
    assert st == 200, page[:300]
    assert re.search(r'<option value="LAST_3_MONTHS" selected>Last 3 months</option>', page)
    assert 'name="from" value="%s"' % month_back(now, 2) in page
    assert 'name="to" value="%s"' % now in page
    head, rows, total = table(page)
    assert head == [month_back(now, k).strftime("%Y-%m") for k in (2, 1, 0)] + ["Total"]
    assert total[-1] == sum(sums(w, {w.a1.id, w.a2.id}, lambda l: 0).values())
    saved = html.unescape(re.search(r'name="query" value="([^"]+)"', page).group(1))
    assert "period=LAST_3_MONTHS" in saved and "from=" not in saved
    st, after = w.ann.post("/portal/views/create", {"csrf": w.ann.csrf(page),
                                                     "name": "Quarter", "query": saved})
    assert st == 200 and "View Quarter saved." in after
    link = re.search(r'<li><a href="(/portal/costs\?[^"]+)">Quarter</a> '
                     r'<span class="muted">Last 3 months</span>', after)
    assert link, after[-2000:]
    # Last month, whole: one period, the fixture's month.
    st, lm = w.ann.get("/portal/costs?period=LAST_MONTH&granularity=MONTHLY")
    assert table(lm)[0] == [w.month.strftime("%Y-%m"), "Total"]
    # The form sent back as it was drawn keeps the period; new dates win.
    form = {"period": "LAST_3_MONTHS", "dates": "%s,%s" % (month_back(now, 2), now),
            "from": month_back(now, 2), "to": now, "group": "SERVICE"}
    qs = "&".join("%s=%s" % kv for kv in form.items())
    st, same = w.ann.get("/portal/costs?" + qs)
    assert "period=LAST_3_MONTHS" in html.unescape(
        re.search(r'name="query" value="([^"]+)"', same).group(1))
    st, custom = w.ann.get("/portal/costs?" + qs.replace("from=%s" % month_back(now, 2),
                                                          "from=%s" % w.days[0]))
    kept = html.unescape(re.search(r'name="query" value="([^"]+)"', custom).group(1))
    assert "from=%s" % w.days[0] in kept and "period=" not in kept
    assert re.search(r'<option value="CUSTOM" selected>', custom)
    # Forty days on, the same link is the three months up to the new day.
    w.srv.advance(40 * 86400)
    later = today(w.srv)
    st, reopened = w.ann.get(html.unescape(link.group(1)))
    assert st == 200
    assert 'name="from" value="%s"' % month_back(later, 2) in reopened
    assert 'name="to" value="%s"' % later in reopened
    assert table(reopened)[0][-2] == later.strftime("%Y-%m")
    st, bad = w.ann.get("/portal/costs?period=LAST_YEAR")
    assert st == 400 and "period: " in bad


def test_overview_trend_shows_the_forecast_range(lastmonth):
    """The overview charts the months with cost and this month, and says
    the month-end forecast's 80 % range, which holds the forecast."""
    w = lastmonth
    st, page = w.ann.get("/portal")
    assert st == 200
    trend = re.search(r'<section class="card" id="trend">(.*?)</section>', page, re.S).group(1)
    assert "<svg" in trend and w.month.strftime("%Y-%m") in trend
    now = today(w.srv)
    if (now + DAY).month != now.month:
        pytest.skip("today is the month's last day: nothing left to forecast")
    fc = money(re.search(r'id="forecast">Forecast for the month end<strong>([^<]*)<', page).group(1))
    m = re.search(r'80 % likely between ([\d,.]+) USD and ([\d,.]+) USD', page)
    assert m, page
    lo, hi = money(m.group(1)), money(m.group(2))
    assert lo <= fc <= hi and lo < hi
    assert 'class="range"' in trend and "80 % range of the month end" in trend


def test_a_customer_without_cost_data_is_told_why(lastmonth):
    """A new customer with an account but no import: each page says there
    is no cost data yet and why, with no empty chart, and Invoices offers no
    FOCUS file; A, whose last month has data, is offered it."""
    w = lastmonth
    srv = w.srv
    cc = srv.cli("customer", "create", "--name", "Gamma", "--contact", "g@example.com",
                 "--json")["CustomerId"]
    srv.cli("customer", "add-account", cc, w.join(w.new_account, "G one").id, "--json")
    srv.cli("user", "create", "--customer", cc, "--email", "gil@g.example", "--password", PW,
            "--json")
    gil = Portal(srv, "gil@g.example", PW)
    for path in ("/portal", "/portal/costs"):
        st, page = gil.get(path)
        assert st == 200
        note = re.search(r'id="no-data">(.*?)</p>', page, re.S)
        assert note and "no cost data for your accounts yet" in note.group(1) and \
            "has been imported" in note.group(1), path
        assert "<svg" not in page and 'id="costs"' not in page, path
    st, inv = gil.get("/portal/invoices")
    assert 'id="focus"' not in inv and 'id="no-focus"' in inv
    # Its FOCUS file of last month, asked for all the same: a 404 page that
    # says why, as for the other downloads with nothing there; not a CSV of
    # a header alone.
    period = w.month.strftime("%Y-%m")
    st, page = gil.get("/portal/focus.csv?period=" + period)
    assert st == 404 and "<html" in page
    assert "There is no cost data for %s, so there is no FOCUS file of it." % period in page
    st, csv = w.ann.get("/portal/focus.csv?period=" + period)
    assert st == 200 and len(csv.splitlines()) > 1
    st, inv = w.ann.get("/portal/invoices")
    assert 'id="focus"' in inv and "period=%s" % w.month.strftime("%Y-%m") in inv
    # A customer with data but none in the range: a sentence, not an empty chart.
    st, page = w.ann.get("/portal/costs?from=%s&to=%s" % (w.days[-1] + 3 * DAY, w.days[-1] + 5 * DAY))
    assert 'id="no-cost"' in page and "<svg" not in page


def test_tag_and_category_filters_take_several_values(tagged):
    """Tags and cost categories are pick-lists like the dimensions (one
    code path): each key's values of the customer's lines as "Key=Value"
    and "Key=" (the lines without it), several at once. Values of one key
    match any of them, two keys both (Cost Explorer's Tags filter has one
    Key and its Values); the links keep every value; at most 20."""
    w = tagged
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "multi@a.example",
              "--password", PW, "--json")
    p = Portal(w.srv, "multi@a.example", PW)
    mine = [l for l in w.ls if l["account"] in (w.a1.id, w.a2.id)]
    base = "from=%s&to=%s&granularity=MONTHLY" % (w.days[0], w.days[-1])
    st, page = p.get("/portal/costs?" + base)
    assert st == 200, page[:300]
    keys = sorted({k for l in mine for k in l["tags"]})
    want = sorted(["%s=%s" % (k, v) for k in keys
                   for v in {l["tags"][k] for l in mine if k in l["tags"]}] +
                  ["%s=" % k for k in keys])
    assert sorted(v for v, _ in options(page, "tag")) == want
    assert dict(options(page, "tag"))["Owner=alice"] == "Owner: alice"
    assert dict(options(page, "tag"))["Owner="] == "No Owner"
    assert sorted(v for v, _ in options(page, "category")) == ["Team=", "Team=Data",
                                                               "Team=Platform"]
    assert chosen(page, "tag") == ("All", [])
    # No free-text filter is left.
    assert 'placeholder="Key=Value"' not in page

    def csv_total(q):
        st, text = p.get("/portal/costs.csv?" + base + "&group=NONE&" + q)
        assert st == 200, text
        return sum(Decimal(r.split(",")[2]) for r in text.strip().split("\r\n")[1:])

    def cost(pred):
        return sum(l["cost"] for l in mine if pred(l))
    # One key, two values and its untagged lines: any of them.
    q = "tag=Owner%3Dalice&tag=Owner%3Dbob&tag=Owner%3D"
    assert csv_total(q) == cost(lambda l: l["tags"].get("Owner", "") in ("alice", "bob", ""))
    st, page = p.get("/portal/costs?" + base + "&group=TAG:Owner&" + q)
    assert chosen(page, "tag") == ("3 chosen", ["Owner=alice", "Owner=bob", "Owner="])
    _, rows, _ = table(page)
    assert sorted(r[0] for r in rows) == ["No Owner", "alice", "bob"]
    saved = html.unescape(re.search(r'name="query" value="([^"]+)"', page).group(1))
    csv_q = html.unescape(re.search(r'id="csv" href="/portal/costs.csv\?([^"]+)"', page).group(1))
    for link in (saved, csv_q):
        assert [kv for kv in link.split("&") if kv.startswith("tag=")] == \
            ["tag=Owner%3Dalice", "tag=Owner%3Dbob", "tag=Owner%3D"], link
    # Two keys: both; with a cost category and a dimension: all of them.
    assert csv_total("tag=Owner%3Dalice&tag=Environment%3Dprod&tag=Owner%3Dbob") == cost(
        lambda l: l["tags"].get("Owner") in ("alice", "bob") and
        l["tags"].get("Environment") == "prod")
    assert csv_total("category=Team%3DData&category=Team%3D&tag=Owner%3Dalice&account="
                     + w.a2.id) == cost(
        lambda l: l["cc"].get("Team", "") in ("Data", "") and l["tags"].get("Owner") == "alice"
        and l["account"] == w.a2.id)
    st, page = p.get("/portal/costs?" + base + "&category=Team%3DData&category=Team%3D")
    assert chosen(page, "category") == ("2 chosen", ["Team=Data", "Team="])
    # At most 20 values, and each says its key.
    st, page = p.get("/portal/costs?" + base + "&" + "&".join(
        "tag=Owner%%3Du%d" % i for i in range(21)))
    assert st == 400 and "tag: at most 20 values" in page
    st, page = p.get("/portal/costs?" + base + "&tag=Owner%3Dalice&tag=nonsense")
    assert st == 400 and "tag: Key=Value" in page


def test_amounts_say_their_currency(tmp_path):
    """A customer invoiced in KRW (the demo's Hooli) or EUR (its Umbrella,
    moved to EUR and its older draft issued): every amount of the portal's
    cost tables says its currency in its cell (the cost engine's USD, by
    money_text, the one formatter), and the invoice's totals say the
    invoice's currency, never a bare number."""
    db = new_db(str(tmp_path))
    try:
        p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr

        def cli(*args):
            r = subprocess.run([BIN, *args, "--db", db], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            return r.stdout
        umb = sql(db, "SELECT id FROM customers WHERE name = 'Umbrella Corp'")[0][0]
        cli("customer", "update", umb, "--currency", "EUR")
        draft = sorted((i["Period"], i["InvoiceId"]) for i in json.loads(cli(
            "invoice", "list", "--json"))["Invoices"] if i["CustomerId"] == umb and
            i["State"] == "DRAFT")[0][1]
        assert json.loads(cli("invoice", "issue", draft, "--json"))["Currency"] == "EUR"
        s = Server(db=db)
        try:
            for email, cur in (("portal@hooli.example", "KRW"),
                               ("portal@umbrella-corp.example", "EUR")):
                u = Portal(s, email, "portal-demo-1")
                cells = []
                for path in ("/portal", "/portal/budgets", "/portal/costs?period=LAST_3_MONTHS"
                             "&granularity=MONTHLY&group=LINKED_ACCOUNT"):
                    st, page = u.get(path)
                    assert st == 200, (path, page[:300])
                    got = re.findall(r'<td class="num[^"]*"[^>]*>(?:<strong>)?([^<]*)<', page)
                    assert got, (email, path)
                    cells += got
                assert all(re.fullmatch(r"-?[\d,]+\.\d\d USD", c) for c in cells), cells
                st, page = u.get("/portal/invoices")
                nums = re.findall(r'href="/portal/invoices/(PL-[\d-]+)"', page)
                assert nums, page[:300]
                seen = set()
                for num in nums:
                    st, page = u.get("/portal/invoices/" + num)
                    totals = re.search(r'<table id="totals">(.*?)</table>', page, re.S).group(1)
                    amounts = re.findall(r'<td class="num"[^>]*>(?:<strong>)?([^<]*)<', totals)
                    assert len(amounts) == 3, totals
                    seen |= {a.split()[-1] for a in amounts}
                    digits = r"[\d,]+" if amounts[0].endswith("KRW") else r"[\d,]+\.\d\d"
                    assert all(re.fullmatch(r"-?%s [A-Z]{3}" % digits, a) for a in amounts), \
                        amounts
                assert cur in seen, (email, seen)
        finally:
            assert s.stop() == 0
    finally:
        drop_db(db)
