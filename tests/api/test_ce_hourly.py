# SPDX-License-Identifier: MIT
"""Hourly and resource-level data (docs/billing.md): Granularity HOURLY in
GetCostAndUsage, GetCostAndUsageWithResources and GetDimensionValues
RESOURCE_ID, with the real `aws ce` and boto3 client("ce"), compared with
sums computed here from the CUR file the test writes. Off by default (AWS's
ValidationException), the last 14 days only, a customer sees its own
accounts at its prices, and an import that is replaced or fails leaves no
hourly rows behind."""

import json
import os
import subprocess
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import aws, client, error_of, sql
from test_ce import DAY, month_after, today

HDR = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
       "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
       "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
       "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
       "line_item_resource_id\n")
EC2 = "Amazon Elastic Compute Cloud - Compute"
HOURS = (3, 10, 17)


class World:
    """An MSP with hourly data on, customers A (account a1, 10% markup) and B
    (b1), a month whose day 20 is today, and its CUR: two EC2 instances per
    account at three hours of each day, and S3 with no resource id."""

    def __init__(self, srv, new_account, tmp):
        self.srv, self.tmp = srv, tmp
        self.msp = new_account(name="MSP")
        self.mc = client(srv, self.msp)
        self.mc.create_organization(FeatureSet="ALL")
        srv.cli("msp", "set", self.msp.id, "--json")
        self.ca = srv.cli("customer", "create", "--name", "Alpha %d" % id(self),
                          "--contact", "a@example.com", "--json")["CustomerId"]
        self.cb = srv.cli("customer", "create", "--name", "Beta %d" % id(self),
                          "--contact", "b@example.com", "--json")["CustomerId"]
        self.a1, self.b1 = (self.join(new_account, n) for n in ("A one", "B one"))
        srv.cli("customer", "add-account", self.ca, self.a1.id, "--json")
        srv.cli("customer", "add-account", self.cb, self.b1.id, "--json")
        srv.cli("pricing", "add", "--customer", self.ca, "--percent", "10", "--json")
        joined = today(srv)
        self.month = month_after(joined)
        self.today = self.month + 19 * DAY
        srv.advance((self.today - joined).days * 86400)
        assert today(srv) == self.today
        # From the 2nd: days 2 to 4 lie before the 14 days' window.
        self.days = [self.month + i * DAY for i in range(1, 19)]
        self.lines = []

    def join(self, new_account, name):
        a = new_account(name=name)
        h = self.mc.invite_account_to_organization(Target={"Id": a.id, "Type": "ACCOUNT"})["Handshake"]
        client(self.srv, a).accept_handshake(HandshakeId=h["Id"])
        return a

    def write(self, name="cur.csv", bump=0, types=1, rotate=0):
        """types: instance types (each its rollups and its two instances);
        rotate: the lines in another order (the same bill, another file)."""
        rows = []
        for d in self.days:
            for i, acct in enumerate((self.a1.id, self.b1.id)):
                for h in HOURS:
                    for t, r in ((t, r) for t in range(types) for r in range(2)):
                        res = "i-%s%d" % (acct[-6:], r) + ("x%d" % t if t else "")
                        ut = "BoxUsage:m5.%dxlarge" % (2 * t) if t else "BoxUsage:m5.large"
                        c = Decimal("%d.%02d%d" % (1 + i + r + t + bump, d.day, h % 10))
                        rows.append((acct, d, h, "AmazonEC2", ut, "RunInstances",
                                     c, Decimal(1), res))
                    rows.append((acct, d, h, "AmazonS3", "TimedStorage-ByteHrs", "PutObject",
                                 Decimal("0.125"), Decimal(2), ""))
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(HDR)
            for acct, d, h, svc, ut, op, c, usage, res in rows[rotate:] + rows[:rotate]:
                f.write("%s,%sT00:00:00Z,%s,Usage,%sT%02d:00:00Z,%s,%s,%s,us-east-1,OnDemand,"
                        "USD,%s,%s,%s\n" % (self.msp.id, self.month.isoformat(), acct,
                                            d.isoformat(), h, svc, ut, op, c, usage, res))
        self.lines = rows
        return path

    def ingest(self, path):
        return self.srv.cli("ingest", path, "--json")

    def hourly(self, accounts, since, markup=Decimal(0), by=lambda l: None):
        """Sums per (ISO hour, key of `by`) of the lines written, from
        `since` (a date) on."""
        out = defaultdict(Decimal)
        for line in self.lines:
            if line[0] in accounts and line[1] >= since:
                hour = "%sT%02d:00:00Z" % (line[1].isoformat(), line[2])
                out[hour, by(line)] += line[6] + line[6] * markup / 100
        return out


def hourly_on(w):
    w.srv.cli("msp", "set", w.msp.id, "--hourly-resource-data", "on", "--json")


def hour_period(start, end):
    return {"Start": start.isoformat() + "T00:00:00Z", "End": end.isoformat() + "T00:00:00Z"}


@pytest.fixture
def world(srv, new_account, tmp_path):
    return World(srv, new_account, str(tmp_path))


# AWS: GetCostAndUsage ValidationException
def test_off_by_default_answers_as_aws(world):
    w = world
    assert w.srv.cli("msp", "show", "--json")["HourlyResourceData"] is False
    w.ingest(w.write())
    n = sql(w.srv.db, "SELECT count(*) FROM billing_hourly")[0][0]
    assert n == 0, "the ingest kept hourly rows without the opt-in"
    c = client(w.srv, w.msp, service="ce")
    with pytest.raises(ClientError) as ei:
        c.get_cost_and_usage(TimePeriod=hour_period(w.today - 2 * DAY, w.today),
                             Granularity="HOURLY", Metrics=["UnblendedCost"])
    assert error_of(ei)[0] == "ValidationException"
    assert "not enabled" in str(ei.value)
    with pytest.raises(ClientError) as ei:
        c.get_cost_and_usage_with_resources(
            TimePeriod=hour_period(w.today - 2 * DAY, w.today), Granularity="DAILY",
            Metrics=["UnblendedCost"], Filter={"Dimensions": {"Key": "SERVICE", "Values": [EC2]}})
    assert error_of(ei)[0] == "ValidationException"
    with pytest.raises(ClientError) as ei:
        c.get_dimension_values(TimePeriod={"Start": (w.today - 2 * DAY).isoformat(),
                                           "End": w.today.isoformat()}, Dimension="RESOURCE_ID")
    assert error_of(ei)[0] == "ValidationException"


# AWS: GetCostAndUsage
def test_hourly_sums_with_the_aws_cli(world):
    w = world
    hourly_on(w)
    assert w.srv.cli("msp", "show", "--json")["HourlyResourceData"] is True
    w.ingest(w.write())
    since = w.today - 14 * DAY
    # Only the window's days are kept: rows of days before it are not.
    old = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE day < ?",
              (since.isoformat(),))[0][0]
    assert old == 0
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%sT00:00:00Z,End=%sT00:00:00Z" % (since.isoformat(),
                                                                w.today.isoformat()),
                       "--granularity", "HOURLY", "--metrics", "UnblendedCost", "UsageQuantity")
    assert rc == 0, err
    want = w.hourly({w.a1.id, w.b1.id}, since)
    got = {(r["TimePeriod"]["Start"], None): Decimal(r["Total"]["UnblendedCost"]["Amount"])
           for r in out["ResultsByTime"] if Decimal(r["Total"]["UnblendedCost"]["Amount"]) != 0}
    assert got == dict(want)
    assert len(out["ResultsByTime"]) == 14 * 24
    first = out["ResultsByTime"][0]["TimePeriod"]
    assert first == {"Start": since.isoformat() + "T00:00:00Z",
                     "End": since.isoformat() + "T01:00:00Z"}
    # Older than 14 days: AWS's error.
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage", "--time-period",
                       "Start=%sT00:00:00Z,End=%sT00:00:00Z" % ((since - DAY).isoformat(),
                                                                w.today.isoformat()),
                       "--granularity", "HOURLY", "--metrics", "UnblendedCost")
    assert rc != 0 and "ValidationException" in err and "14 days" in err


# AWS: GetCostAndUsageWithResources
def test_resources_grouped_and_filtered_with_pages(new_account, tmp_path, monkeypatch):
    from conftest import Server
    monkeypatch.setenv("PAYERLINK_CE_PAGE_SIZE", "7")
    s = Server("--emulator")
    try:
        resources_grouped_and_filtered(
            World(s, lambda **kw: new_account(server=s, **kw), str(tmp_path)))
    finally:
        s.stop()


def resources_grouped_and_filtered(w):
    hourly_on(w)
    w.ingest(w.write())
    since = w.today - 14 * DAY
    c = client(w.srv, w.msp, service="ce")
    pages, token = [], None
    while True:
        kw = {"NextPageToken": token} if token else {}
        r = c.get_cost_and_usage_with_resources(
            TimePeriod=hour_period(since, w.today), Granularity="HOURLY",
            Metrics=["UnblendedCost"],
            Filter={"Dimensions": {"Key": "SERVICE", "Values": [EC2]}},
            GroupBy=[{"Type": "DIMENSION", "Key": "RESOURCE_ID"}], **kw)
        pages.append(r)
        token = r.get("NextPageToken")
        if not token:
            break
    # 14 days x 3 hours x 4 instances, 7 groups a page.
    assert len(pages) == (14 * 3 * 4 + 6) // 7
    got = defaultdict(Decimal)
    for p in pages:
        for t in p["ResultsByTime"]:
            for g in t["Groups"]:
                got[t["TimePeriod"]["Start"], g["Keys"][0]] += Decimal(
                    g["Metrics"]["UnblendedCost"]["Amount"])
    want = w.hourly({w.a1.id, w.b1.id}, since, by=lambda l: l[8])
    want = {k: v for k, v in want.items() if k[1] != ""}
    assert dict(got) == want
    # DAILY, one resource: the sum of its hours.
    res = "i-%s1" % w.b1.id[-6:]
    r = c.get_cost_and_usage_with_resources(
        TimePeriod=hour_period(since, w.today), Granularity="DAILY", Metrics=["UnblendedCost"],
        Filter={"Dimensions": {"Key": "RESOURCE_ID", "Values": [res]}})
    total = sum(Decimal(t["Total"]["UnblendedCost"]["Amount"]) for t in r["ResultsByTime"])
    assert total == sum(v for (h, k), v in w.hourly({w.b1.id}, since, by=lambda l: l[8]).items()
                        if k == res)
    assert r["ResultsByTime"][0]["TimePeriod"]["Start"] == since.isoformat()
    # RESOURCE_ID is not a dimension of GetCostAndUsage.
    with pytest.raises(ClientError) as ei:
        c.get_cost_and_usage(TimePeriod={"Start": since.isoformat(), "End": w.today.isoformat()},
                             Granularity="DAILY", Metrics=["UnblendedCost"],
                             GroupBy=[{"Type": "DIMENSION", "Key": "RESOURCE_ID"}])
    assert error_of(ei)[0] == "ValidationException"
    # With the aws CLI: the resources' call needs a Filter, as AWS's.
    rc, out, err = aws(w.srv, w.msp, "ce", "get-cost-and-usage-with-resources",
                       "--time-period", "Start=%s,End=%s" % (since.isoformat(), w.today.isoformat()),
                       "--granularity", "MONTHLY", "--metrics", "UnblendedCost",
                       "--filter", '{"Dimensions": {"Key": "RESOURCE_ID", "Values": ["%s"]}}' % res)
    assert rc == 0, err
    assert Decimal(out["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == total


# AWS: GetDimensionValues
def test_dimension_values_resource_id(world):
    w = world
    hourly_on(w)
    w.ingest(w.write())
    since = w.today - 14 * DAY
    c = client(w.srv, w.msp, service="ce")
    r = c.get_dimension_values(TimePeriod={"Start": since.isoformat(), "End": w.today.isoformat()},
                               Dimension="RESOURCE_ID")
    want = sorted({l[8] for l in w.lines if l[8]})
    assert [v["Value"] for v in r["DimensionValues"]] == want
    # The customer's keys: its own resources only.
    r = client(w.srv, w.b1, service="ce").get_dimension_values(
        TimePeriod={"Start": since.isoformat(), "End": w.today.isoformat()}, Dimension="RESOURCE_ID")
    assert [v["Value"] for v in r["DimensionValues"]] == sorted(
        {l[8] for l in w.lines if l[8] and l[0] == w.b1.id})


# AWS: GetCostAndUsageWithResources
def test_customer_sees_its_own_at_its_prices(world):
    w = world
    hourly_on(w)
    w.ingest(w.write())
    since = w.today - 14 * DAY
    for acct, markup in ((w.a1, Decimal(10)), (w.b1, Decimal(0))):
        c = client(w.srv, acct, service="ce")
        r = c.get_cost_and_usage(TimePeriod=hour_period(since, w.today), Granularity="HOURLY",
                                 Metrics=["UnblendedCost"],
                                 GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
        got = defaultdict(Decimal)
        for t in r["ResultsByTime"]:
            for g in t["Groups"]:
                got[t["TimePeriod"]["Start"], g["Keys"][0]] += Decimal(
                    g["Metrics"]["UnblendedCost"]["Amount"])
        assert dict(got) == dict(w.hourly({acct.id}, since, markup, by=lambda l: l[0]))
        # The same prices as DAILY (one pricing path).
        d = c.get_cost_and_usage(TimePeriod={"Start": since.isoformat(),
                                             "End": w.today.isoformat()},
                                 Granularity="MONTHLY", Metrics=["UnblendedCost"])
        assert Decimal(d["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"]) == sum(got.values())


def test_replaced_import_leaves_no_hourly_rows(world):
    w = world
    hourly_on(w)
    first = w.ingest(w.write(name="a.csv"))
    n1 = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE import_id = %d"
             % first["import_id"])[0][0]
    assert n1 > 0
    second = w.ingest(w.write(name="b.csv", bump=1))
    assert second["replaced_import_id"] == first["import_id"]
    left = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE import_id = %d"
               % first["import_id"])[0][0]
    assert left == 0
    since = w.today - 14 * DAY
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=hour_period(since, w.today), Granularity="HOURLY",
                             Metrics=["UnblendedCost"])
    got = sum(Decimal(t["Total"]["UnblendedCost"]["Amount"]) for t in r["ResultsByTime"])
    assert got == sum(w.hourly({w.a1.id, w.b1.id}, since).values())
    # An import killed between its batches leaves rows; the next import
    # takes it over and deletes them all.
    gate = os.path.join(w.tmp, "gate")
    open(gate, "w").close()
    env = dict(os.environ, PAYERLINK_TEST_INGEST_PAUSE=gate, PAYERLINK_TEST_INGEST_BATCH="40")
    from conftest import BIN
    proc = subprocess.Popen([BIN, "ingest", w.write(name="c.csv", bump=2), "--json",
                             "--db", w.srv.db], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(gate + ".log") and "paused" in open(gate + ".log").read():
                break
            time.sleep(0.05)
        else:
            pytest.fail("the import did not pause")
        killed = int(open(gate + ".log").read().split()[1])
        written = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE import_id = %d"
                      % killed)[0][0]
        assert written > 0, "the paused import has written no hourly row yet"
    finally:
        proc.kill()
        proc.wait()
        os.unlink(gate)
    third = w.ingest(w.write(name="d.csv", bump=3))
    assert third["replaced_import_id"] == second["import_id"]
    ids = [r[0] for r in sql(w.srv.db, "SELECT DISTINCT import_id FROM billing_hourly")]
    assert ids == [third["import_id"]]
    status = sql(w.srv.db, "SELECT status FROM billing_imports WHERE id = %d" % killed)[0][0]
    assert status == "failed"


def ingest_batched(w, path, batch, check=True):
    """The CLI's ingest with PAYERLINK_TEST_INGEST_BATCH=batch (0: the
    default, 100,000 rows a transaction)."""
    from conftest import BIN
    env = dict(os.environ)
    if batch:
        env["PAYERLINK_TEST_INGEST_BATCH"] = str(batch)
    p = subprocess.run([BIN, "ingest", path, "--json", "--db", w.srv.db], env=env,
                       capture_output=True, text=True, timeout=120)
    if not check:
        return p
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


ROW_COLS = ("day, account_id, product_code, usage_type, operation, region, line_item_type, "
            "pricing_term, attrs, in_membership, unblended, net_unblended, amortized, "
            "public_on_demand, usage_amount, line_count")


def stored(w, import_id):
    """An import's rollups and hourly rows, without their import id."""
    return (sql(w.srv.db, "SELECT %s FROM billing_rollups WHERE import_id = %d ORDER BY %s"
                % (ROW_COLS, import_id, ROW_COLS)),
            sql(w.srv.db, "SELECT %s, hour, resource_id FROM billing_hourly WHERE import_id = %d "
                "ORDER BY %s, hour, resource_id" % (ROW_COLS, import_id, ROW_COLS)))


def hourly_total(w, since):
    c = client(w.srv, w.msp, service="ce")
    r = c.get_cost_and_usage(TimePeriod=hour_period(since, w.today), Granularity="HOURLY",
                             Metrics=["UnblendedCost"])
    return sum(Decimal(t["Total"]["UnblendedCost"]["Amount"]) for t in r["ResultsByTime"])


def test_same_rows_whatever_the_batch(world):
    """The store writes an import's rows in batches (a transaction each) of
    multi-row INSERTs of 128 rows (SQLite) or COPY (PostgreSQL), rollups then
    hourly rows: one row a batch, a multi-row INSERT less one, exactly one,
    one more, and the default all store the same rows, and Cost Explorer
    answers the same hours."""
    w = world
    hourly_on(w)
    since = w.today - 14 * DAY
    first = None
    for j, batch in enumerate((0, 1, 127, 128, 129, 300)):
        rep = ingest_batched(w, w.write(name="b%d.csv" % batch, types=3, rotate=j * 37), batch)
        rows = stored(w, rep["import_id"])
        if first is None:
            first = rows
            # More than a multi-row INSERT of each kind in one batch.
            assert len(rows[0]) > 128 and len(rows[1]) > 2 * 128, [len(x) for x in rows]
            want = sum(w.hourly({w.a1.id, w.b1.id}, since).values())
        else:
            assert rep["replaced_import_id"] == prev, rep
            assert rows == first, "batch %d stored other rows" % batch
        assert rep["rollup_rows"] == len(rows[0])
        assert hourly_total(w, since) == want, "batch %d" % batch
        prev = rep["import_id"]


POISON_SQLITE = ("CREATE TRIGGER poison BEFORE INSERT ON billing_hourly WHEN NEW.resource_id "
                 "= '{res}' AND NEW.day = '{day}' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END")
POISON_PG = ("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             "IF NEW.resource_id = '{res}' AND NEW.day = '{day}' THEN "
             "RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$; "
             "CREATE TRIGGER poison BEFORE INSERT ON billing_hourly FOR EACH ROW "
             "EXECUTE FUNCTION poison()")


@pytest.mark.parametrize("batch", [0, 300], ids=["one-batch", "batch-300"])
def test_failure_mid_batch_imports_nothing(world, batch):
    """An hourly row that fails in the middle of a multi-row INSERT (or a
    COPY), after other batches are committed (batch-300): the import fails,
    none of its rollups or hourly rows stay, and the current version still
    answers as before."""
    from conftest import PG
    w = world
    hourly_on(w)
    since = w.today - 14 * DAY
    v1 = ingest_batched(w, w.write(name="v1.csv", types=3), 0)
    before = stored(w, v1["import_id"])
    want = hourly_total(w, since)
    # Sorted by account then day: the later account's 10th day lies in the
    # middle of its hourly rows, after the first batches.
    acct = max(w.a1.id, w.b1.id)
    day = (w.month + 9 * DAY).isoformat()
    sql(w.srv.db, (POISON_PG if PG else POISON_SQLITE).format(res="i-%s1x1" % acct[-6:], day=day))
    try:
        p = ingest_batched(w, w.write(name="v2.csv", types=3, bump=1), batch, check=False)
    finally:
        sql(w.srv.db, "DROP TRIGGER poison" + (" ON billing_hourly" if PG else ""))
        if PG:
            sql(w.srv.db, "DROP FUNCTION poison()")
    assert p.returncode != 0 and "poisoned row" in p.stderr, (p.returncode, p.stderr)
    imps = sql(w.srv.db, "SELECT id, status FROM billing_imports ORDER BY id")
    assert [s for _, s in imps] == ["current", "failed"], imps
    failed = imps[1][0]
    for t in ("billing_rollups", "billing_hourly"):
        n = sql(w.srv.db, "SELECT count(*) FROM %s WHERE import_id = %d" % (t, failed))[0][0]
        assert n == 0, "%d rows of the failed import in %s" % (n, t)
    assert stored(w, v1["import_id"]) == before
    assert hourly_total(w, since) == want


def test_portal_offers_hourly_for_the_last_14_days(world):
    """The customer portal's cost analysis: Hourly granularity where the MSP
    keeps hourly data, a column per hour at the customer's prices."""
    from test_portal_costs import select_options as options, table
    from test_ce import Portal
    w = world
    pw = "portal-password-1"
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "ann@a.example", "--password", pw,
              "--json")
    ann = Portal(w.srv, "ann@a.example", pw)
    w.ingest(w.write(name="off.csv", bump=1))
    st, page = ann.get("/portal/costs")
    assert st == 200
    assert "HOURLY" not in [v for v, _ in options(page, "granularity")]
    hourly_on(w)
    w.ingest(w.write())
    since = w.today - 14 * DAY
    st, page = ann.get("/portal/costs")
    assert ("HOURLY", "Hourly (last 14 days)") in options(page, "granularity")
    st, page = ann.get("/portal/costs?from=%s&to=%s&granularity=HOURLY&group=NONE"
                       % (since.isoformat(), (w.today - DAY).isoformat()))
    assert st == 200, page
    head, rows, total = table(page)
    assert head[0] == "%s 00:00" % since.isoformat() and len(head) == 14 * 24 + 1
    want = w.hourly({w.a1.id}, since, Decimal(10))
    for i, h in enumerate(head[:-1]):
        iso = "%sT%s:00Z" % (h[:10], h[11:])
        assert abs(total[i] - want.get((iso, None), Decimal(0))) <= Decimal("0.005"), h
    st, page = ann.get("/portal/costs?from=%s&to=%s&granularity=HOURLY"
                       % ((since - DAY).isoformat(), (w.today - DAY).isoformat()))
    assert st == 400 and "14 days" in page


def test_another_payers_file_keeps_no_hourly_rows(world, new_account):
    """The customer's old payer's bill of the same days, imported as history
    (--reference): Cost Explorer never reads another payer's bill, so it
    adds no hourly row and no hour's cost, for the MSP or the customer."""
    w = world
    hourly_on(w)
    w.ingest(w.write())
    since = w.today - 14 * DAY
    msp_total = hourly_total(w, since)
    a_total = sum(w.hourly({w.a1.id}, since, Decimal(10)).values())
    rows = sql(w.srv.db, "SELECT count(*) FROM billing_hourly")[0][0]
    old = new_account(name="Old payer")
    path = w.write(name="old.csv", bump=5)
    with open(path) as f:
        head, *lines = f.read().splitlines(True)
    with open(path, "w") as f:
        f.write(head)
        for line in lines:
            payer, period, acct, rest = line.split(",", 3)
            if acct == w.a1.id:
                f.write(",".join((old.id, period, acct, rest)))
    rep = w.srv.cli("ingest", path, "--reference", "--json")
    assert rep["role"] == "reference" and rep["rollup_rows"] > 0, rep
    n = sql(w.srv.db, "SELECT count(*) FROM billing_hourly WHERE import_id = %d"
            % rep["import_id"])[0][0]
    assert n == 0, "another payer's bill kept %d hourly rows" % n
    assert sql(w.srv.db, "SELECT count(*) FROM billing_hourly")[0][0] == rows
    assert hourly_total(w, since) == msp_total
    pw = "portal-password-1"
    w.srv.cli("user", "create", "--customer", w.ca, "--email", "ann@a.example", "--password", pw,
              "--json")
    from test_ce import Portal
    ann = Portal(w.srv, "ann@a.example", pw)
    st, page = ann.get("/portal/costs?from=%s&to=%s&granularity=HOURLY&group=NONE"
                       % (since.isoformat(), (w.today - DAY).isoformat()))
    assert st == 200, page
    from test_portal_costs import table
    got = sum(table(page)[2][:-1])
    # The last 14 days of the MSP's bill only, at A's prices (10 %), rounded per hour.
    assert abs(got - a_total) <= Decimal("0.005") * 14 * len(HOURS), (got, a_total)


def test_two_deliveries_at_once(world):
    """Two versions of the month ingested at the same moment: one ends
    current, the other replaced, and the hourly rows and answers are the
    current version's only."""
    from conftest import BIN
    w = world
    hourly_on(w)
    since = w.today - 14 * DAY
    versions = {}
    for bump in (1, 2):
        path = w.write(name="v%d.csv" % bump, bump=bump)
        versions[path] = sum(w.hourly({w.a1.id, w.b1.id}, since).values())
    procs = [subprocess.Popen([BIN, "ingest", p, "--json", "--db", w.srv.db],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in versions]
    reps = {}
    for p, proc in zip(versions, procs):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reps[p] = json.loads(out)
    current = sql(w.srv.db, "SELECT id FROM billing_imports WHERE status = 'current'")
    assert len(current) == 1, current
    cur = current[0][0]
    (path,) = [p for p, r in reps.items() if r["import_id"] == cur]
    ids = [r[0] for r in sql(w.srv.db, "SELECT DISTINCT import_id FROM billing_hourly")]
    assert ids == [cur], "hourly rows of %s beside the current import %d" % (ids, cur)
    assert hourly_total(w, since) == versions[path]


def test_parquet_keeps_the_same_hourly_rows(world):
    """The same bill written by DuckDB as Parquet keeps the same hourly and
    resource-level rows as its CSV, and answers the same hours."""
    from test_parquet import duckdb_parquet
    w = world
    hourly_on(w)
    since = w.today - 14 * DAY
    path = w.write(types=2)
    pq = duckdb_parquet(path, os.path.join(w.tmp, "cur.parquet"))
    from_csv = w.ingest(path)
    rows, total = stored(w, from_csv["import_id"]), hourly_total(w, since)
    assert len(rows[1]) > 0 and total == sum(w.hourly({w.a1.id, w.b1.id}, since).values())
    from_pq = w.ingest(pq)
    assert from_pq["format"] == "CUR 2.0" and from_pq["replaced_import_id"] == from_csv["import_id"]
    assert stored(w, from_pq["import_id"]) == rows
    assert hourly_total(w, since) == total
