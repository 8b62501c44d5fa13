# SPDX-License-Identifier: MIT
"""Imports that overlap (issue 17, point 3): a big delivery still writing its
rollup batches while other imports start and commit, on one server, through
the watched directory, from a CLI in another PID namespace, on two servers
over one PostgreSQL database, and the same delivery sent twice at once.
Every import ends complete and current (or replaced by a later-finishing
one, which says so), or failed with nothing of it left.

Deterministic through the test-only hooks of billing/ingest.c, honoured only
by `serve --emulator` and the CLI: PAYERLINK_TEST_INGEST_BATCH makes the
rollup batches small and PAYERLINK_TEST_INGEST_PAUSE holds an import after a
committed batch while a file exists (docs/reliability.md). No timing
assertions: the tests wait for the hooks' events."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import BIN, PG, client, drop_db, new_db, sql

# The payer of the deliveries: the MSP's own account once make_msp() has
# named it (another payer's bill would be refused: billing/paid.h).
PAYER = ["999999999999"]
BATCH = 1000            # rollup rows per transaction under the hook
BIG = 5000              # distinct rollup rows of the big delivery: 5 batches


def cur(period, rows, salt=0, payer=None):
    """A CUR 2.0 delivery of the MSP's payer whose every row is its own
    rollup row."""
    payer = payer or PAYER[0]
    out = ["bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
           "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
           "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
           "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount"]
    for k in range(rows):
        out.append("%s,%s-01T00:00:00Z,%012d,Usage,%s-%02dT%02d:00:00Z,AmazonEC2,"
                   "BoxUsage:k%d.s%d,RunInstances,us-east-1,OnDemand,USD,0.01,1"
                   % (payer, period, 100000000000 + k % 7, period, k % 28 + 1,
                      k % 24, k, salt))
    return ("\n".join(out) + "\n").encode()


class Srv:
    """payerlink serve --emulator over db, with the test hooks' environment,
    optionally started under a wrapper (unshare: another PID namespace)."""

    def __init__(self, db, gate, *flags, wrap=(), lease_ms=None, batch=BATCH):
        self.dir = tempfile.mkdtemp(prefix="payerlink-overlap-")
        self.db = db
        self.wrap, self.killed = wrap, False
        env = dict(os.environ, PAYERLINK_TEST_INGEST_PAUSE=gate)
        if batch:
            env["PAYERLINK_TEST_INGEST_BATCH"] = str(batch)
        if lease_ms:
            env["PAYERLINK_TEST_LEASE_MS"] = str(lease_ms)
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [*wrap, BIN, "serve", "--emulator", "--db", db, "--listen", "127.0.0.1:0",
             *flags], stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError("server did not start: %r %s" % (line, self.log.read()))
        self.url = "http://127.0.0.1:%s" % m.group(1)

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; its exit status (a sanitizer's report fails
        a clean stop: the log's end is printed then)."""
        if self.proc.poll() is None:
            self.killed = sig == signal.SIGKILL
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        if not self.log.closed:
            if code != 0 and not self.killed and not self.wrap:
                self.log.seek(0)
                print("\n--- payerlink serve exited %s; its log ends:\n%s"
                      % (code, self.log.read()[-6000:]))
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code


def cli(db, *args, env=None, wrap=()):
    p = subprocess.run([*wrap, BIN, *args, "--db", db], capture_output=True, text=True,
                       timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


def make_msp(db, srv):
    m = cli(db, "account", "create", "--email", "msp%d@overlap.example" % time.time_ns())
    client(srv, m).create_organization()
    cli(db, "msp", "set", m["AccountId"], "--name", "Overlap MSP", "--json")
    PAYER[0] = m["AccountId"]
    return m


def upload(srv, acct, data, name):
    url = srv.url + "/api/v1/imports?name=" + name
    # The body's SHA-256, signed: the server checks it at the body's end.
    req = AWSRequest(method="POST", url=url, data=data, headers={
        "Content-Type": "text/csv", "X-Amz-Content-SHA256": hashlib.sha256(data).hexdigest()})
    SigV4Auth(Credentials(acct["AccessKeyId"], acct["SecretAccessKey"]),
              "payerlink", "us-east-1").add_auth(req)
    r = urllib.request.Request(url, data=data, method="POST",
                               headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=300) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Background(threading.Thread):
    """Runs fn in a thread; .result after join()."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args, self.result = fn, args, None

    def run(self):
        try:
            self.result = self.fn(*self.args)
        except OSError as e:      # the server was killed under the request
            self.result = (None, {"transport": str(e)})


def events(gate):
    try:
        with open(gate + ".log") as f:
            return [ln.split() for ln in f.read().splitlines() if ln.strip()]
    except FileNotFoundError:
        return []


def wait_for(cond, what, timeout=120):
    """Polls cond() until true; fails saying what did not happen."""
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("gave up waiting: " + what)


def paused(gate, n=1):
    """Waits until n imports are held by the pause hook; their ids."""
    return wait_for(lambda: [int(e[1]) for e in events(gate) if e[0] == "paused"][:n]
                    if len([e for e in events(gate) if e[0] == "paused"]) >= n else None,
                    "%d import(s) paused" % n)


def stored(db, import_id):
    return sql(db, "SELECT COUNT(*) FROM billing_rollups WHERE import_id = ?",
               (import_id,))[0][0]


def current(db, period, payer=None):
    payer = payer or PAYER[0]
    r = sql(db, "SELECT import_id FROM billing_periods WHERE payer_id = ? AND period = ?",
            (payer, period))
    return r[0][0] if r else None


def statuses(db):
    return dict(sql(db, "SELECT id, status FROM billing_imports"))


def check_store(db):
    """No import of the store is left half done: running ones none, failed
    ones without rows, each current one complete (rows == its rollups)."""
    assert sql(db, "SELECT id FROM billing_imports WHERE status = 'running'") == []
    assert sql(db, "SELECT DISTINCT r.import_id FROM billing_rollups r JOIN billing_imports i "
               "ON i.id = r.import_id WHERE i.status IN ('failed', 'replaced')") == []
    assert sql(db, "SELECT p.import_id FROM billing_periods p JOIN billing_imports i "
               "ON i.id = p.import_id WHERE i.status <> 'current'") == []


@pytest.fixture
def world(tmp_path):
    db = new_db(str(tmp_path))
    gate = str(tmp_path / "gate")
    servers = []

    def start(*flags, **kw):
        s = Srv(db, gate, *flags, **kw)
        servers.append(s)
        return s
    yield db, gate, start, tmp_path
    # A server stopped cleanly exits 0 (under the wrapper, unshare's own
    # status says nothing; a killed one is expected to die).
    codes = [(s.stop(), s) for s in servers]
    drop_db(db)
    for code, s in codes:
        assert code == 0 or s.wrap or s.killed, "payerlink serve exited %s" % code


def hold(gate):
    open(gate, "w").close()


def release(gate):
    os.unlink(gate)


def test_small_upload_while_a_big_one_writes(world):
    """The issue's case: a big upload is between its batches when a small one
    (another month) commits on the same server. Both end current and
    complete; nothing of the big one is deleted."""
    db, gate, start, _ = world
    s = start()
    msp = make_msp(db, s)
    hold(gate)
    big = Background(upload, s, msp, cur("2026-09", BIG), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    st, small = upload(s, msp, cur("2026-10", 30), "small.csv")
    assert st == 201 and small["status"] == "imported", small
    # The big one's first batch is still there while it waits.
    kept = stored(db, big_id)
    release(gate)
    big.join()
    st, rep = big.result
    print("\noverlap, one server: big import %d had %d of %d rollups stored while "
          "held; answered %d %s; stored %d" % (big_id, kept, BIG, st, rep.get("status"),
                                               stored(db, big_id)))
    assert kept == BATCH
    assert st == 201 and rep["status"] == "imported", rep
    assert rep["import_id"] == big_id and rep["rollup_rows"] == BIG
    assert stored(db, big_id) == BIG
    assert current(db, "2026-09") == big_id and current(db, "2026-10") == small["import_id"]
    assert stored(db, small["import_id"]) == 30
    check_store(db)


def test_later_finishing_import_of_the_same_month_replaces_the_earlier(world):
    """Two different deliveries of one (payer, month): the big one started
    first, the small one finished first. The later-finishing one (big)
    replaces the small one and says so; the small one answered truthfully
    that it was imported (it was current until then)."""
    db, gate, start, _ = world
    s = start()
    msp = make_msp(db, s)
    hold(gate)
    big = Background(upload, s, msp, cur("2026-09", BIG, salt=1), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    st, small = upload(s, msp, cur("2026-09", 30, salt=2), "small.csv")
    assert st == 201 and small["status"] == "imported", small
    assert current(db, "2026-09") == small["import_id"]
    release(gate)
    big.join()
    st, rep = big.result
    print("\nsame month: small %d current first, then big %d answered %d, replaced %s, "
          "stored %d of %d" % (small["import_id"], big_id, st, rep.get("replaced_import_id"),
                               stored(db, big_id), BIG))
    assert st == 201 and rep["status"] == "imported", rep
    assert rep["replaced_import_id"] == small["import_id"]
    assert current(db, "2026-09") == big_id and stored(db, big_id) == BIG
    assert statuses(db)[small["import_id"]] == "replaced"
    assert stored(db, small["import_id"]) == 0
    check_store(db)


def test_import_dir_while_uploads_commit(world):
    """The watched directory's import is held between batches while three
    uploads of other months commit on the same server."""
    db, gate, start, tmp_path = world
    drop = tmp_path / "drop"
    drop.mkdir()
    s = start("--import-dir", str(drop))
    msp = make_msp(db, s)
    hold(gate)
    (drop / ".big.csv").write_bytes(cur("2026-09", BIG))
    os.rename(drop / ".big.csv", drop / "big.csv")
    big_id = paused(gate)[0]
    small = []
    for i, m in enumerate(("2026-01", "2026-02", "2026-03")):
        st, rep = upload(s, msp, cur(m, 20, salt=i), "s%d.csv" % i)
        assert st == 201, rep
        small.append(rep["import_id"])
    release(gate)
    done = drop / "imported" / "big.csv.json"
    wait_for(done.exists, "the watched directory's report")
    time.sleep(0.2)
    rep = json.loads(done.read_text())
    print("\nwatched directory: import %d stored %d of %d after 3 uploads meanwhile"
          % (big_id, stored(db, big_id), BIG))
    assert rep["status"] == "imported" and rep["import_id"] == big_id
    assert stored(db, big_id) == BIG and current(db, "2026-09") == big_id
    assert all(stored(db, i) == 20 for i in small)
    check_store(db)


def unshare_or_skip():
    r = subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP: unshare --pid is not permitted here: " + r.stderr.strip())
        pytest.skip("unshare --pid not permitted: " + r.stderr.strip())
    # --kill-child: the server dies with its unshare (a kill -9 of it too).
    return ("unshare", "--pid", "--fork", "--kill-child")


def test_cli_in_another_pid_namespace_while_an_upload_writes(world):
    """A CLI ingest in another PID namespace (a container beside the server)
    cannot see the server's pid; it must not take the server's running
    import for an orphan."""
    db, gate, start, tmp_path = world
    wrap = unshare_or_skip()
    s = start()
    msp = make_msp(db, s)
    hold(gate)
    big = Background(upload, s, msp, cur("2026-09", BIG), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    f = tmp_path / "small.csv"
    f.write_bytes(cur("2026-10", 30))
    rep = cli(db, "ingest", str(f), "--json", wrap=wrap)
    assert rep["status"] == "imported"
    release(gate)
    big.join()
    st, out = big.result
    print("\nCLI in another PID namespace: big import %d answered %d, stored %d of %d"
          % (big_id, st, stored(db, big_id), BIG))
    assert st == 201 and out["rollup_rows"] == BIG, out
    assert stored(db, big_id) == BIG and current(db, "2026-09") == big_id
    check_store(db)


@pytest.mark.skipif(not PG, reason="two servers over one database need PostgreSQL: "
                    "set PAYERLINK_TEST_PG (tools/pg-test-cluster.sh start)")
def test_two_servers_in_separate_pid_namespaces(world):
    """The issue's PostgreSQL case: server A writes a big upload, server B
    (another PID namespace) commits small uploads meanwhile."""
    db, gate, start, _ = world
    wrap = unshare_or_skip()
    a = start()
    b = start(wrap=wrap)
    msp = make_msp(db, a)
    hold(gate)
    big = Background(upload, a, msp, cur("2026-09", BIG), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    for i, m in enumerate(("2026-10", "2026-11")):
        st, rep = upload(b, msp, cur(m, 30, salt=i), "s%d.csv" % i)
        assert st == 201, rep
    release(gate)
    big.join()
    st, out = big.result
    print("\ntwo servers (PostgreSQL, separate PID namespaces): big import %d answered "
          "%d, stored %d of %d" % (big_id, st, stored(db, big_id), BIG))
    assert st == 201 and out["rollup_rows"] == BIG, out
    assert stored(db, big_id) == BIG and current(db, "2026-09") == big_id
    check_store(db)


def test_same_delivery_twice_at_once_is_imported_once(world):
    """The same bytes uploaded twice at once (a retry while the first is still
    writing): one import; the other answer says "already imported" with its
    id. On PostgreSQL through two servers."""
    db, gate, start, _ = world
    s1 = start()
    s2 = start() if PG else s1
    msp = make_msp(db, s1)
    data = cur("2026-09", BIG, salt=7)
    hold(gate)
    first = Background(upload, s1, msp, data, "a.csv")
    first.start()
    first_id = paused(gate)[0]
    second = Background(upload, s2, msp, data, "a.csv")
    second.start()
    # The second has parsed and reached its commit: it waits for the first
    # (or, without the fix, started writing its own copy and paused too).
    wait_for(lambda: any(e[0] == "waiting" for e in events(gate)) or
             len([e for e in events(gate) if e[0] == "paused"]) >= 2,
             "the second upload to reach its commit")
    release(gate)
    first.join()
    second.join()
    answers = sorted([first.result, second.result], key=lambda r: r[0])
    print("\nsame delivery twice at once: answers %s; imports with its digest: %s" % (
        [(st, r.get("status"), r.get("import_id")) for st, r in answers],
        sql(db, "SELECT id, status FROM billing_imports ORDER BY id")))
    (st1, r1), (st2, r2) = answers
    assert (st1, r1["status"]) == (200, "already imported"), r1
    assert (st2, r2["status"]) == (201, "imported"), r2
    assert r1["import_id"] == r2["import_id"] == first_id
    assert sql(db, "SELECT COUNT(*) FROM billing_imports")[0][0] == 1
    assert stored(db, first_id) == BIG and current(db, "2026-09") == first_id
    check_store(db)


def test_import_no_longer_running_is_not_made_current(world):
    """An import found failed when it comes to flip (another process judged
    it abandoned and cleaned it up) is not made current: it answers an error,
    the previous version stays current, nothing of it is left."""
    db, gate, start, _ = world
    s = start()
    msp = make_msp(db, s)
    st, v1 = upload(s, msp, cur("2026-09", 40, salt=1), "v1.csv")
    assert st == 201
    hold(gate)
    big = Background(upload, s, msp, cur("2026-09", BIG, salt=2), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    # What a cleaner does to an import it judged abandoned.
    sql(db, "UPDATE billing_imports SET status = 'failed' WHERE id = ?", (big_id,))
    sql(db, "DELETE FROM billing_rollups WHERE import_id = ?", (big_id,))
    release(gate)
    big.join()
    st, rep = big.result
    print("\nimport failed under it: answered %d %s; current %s; its rows %d"
          % (st, rep.get("Error") or rep.get("status"), current(db, "2026-09"),
             stored(db, big_id)))
    assert st >= 400 and "Error" in rep, rep
    assert "no longer running" in rep["Error"]["Message"], rep
    assert current(db, "2026-09") == v1["import_id"] and stored(db, v1["import_id"]) == 40
    assert statuses(db)[big_id] == "failed" and stored(db, big_id) == 0
    check_store(db)


def test_killed_owner_in_another_pid_namespace_is_cleaned_after_its_lease(world):
    """A server in another PID namespace is killed -9 while its import is
    held: a server that cannot see its pid leaves the import alone until its
    lease runs out (PAYERLINK_TEST_LEASE_MS, 2 s here), then the next import
    marks it failed and deletes its rows."""
    db, gate, start, _ = world
    wrap = unshare_or_skip()
    a = start(wrap=wrap, lease_ms=2000)
    b = start(lease_ms=2000)
    msp = make_msp(db, b)
    hold(gate)
    big = Background(upload, a, msp, cur("2026-09", BIG), "big.csv")
    big.start()
    big_id = paused(gate)[0]
    a.stop(signal.SIGKILL)
    big.join()
    release(gate)
    assert statuses(db)[big_id] == "running" and stored(db, big_id) == BATCH
    # Its lease runs out 2 s after the last heartbeat; an import after that
    # cleans it (the first ones may come too early: they leave it alone).
    n = 0

    def cleaned():
        nonlocal n
        n += 1
        st, _ = upload(b, msp, cur("2026-10", 10, salt=n), "s%d.csv" % n)
        assert st == 201
        return statuses(db)[big_id] == "failed"
    wait_for(cleaned, "the killed import to be cleaned once its lease ran out", 60)
    print("\nkilled owner in another PID namespace: import %d failed after %d later "
          "import(s), rows left %d" % (big_id, n, stored(db, big_id)))
    assert stored(db, big_id) == 0
    check_store(db)
