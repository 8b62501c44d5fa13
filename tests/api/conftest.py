# SPDX-License-Identifier: MIT
"""Fixtures for API tests: a payerlink server on a free loopback port with a
fresh database, accounts made with the real CLI, and clients made with
Debian's boto3 and /usr/bin/aws. Run with /usr/bin/python3 -m pytest."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
import botocore.config
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink"))
AWS = os.environ.get("PAYERLINK_AWS_CLI", "/usr/bin/aws")
# The public samples the tests read: the repository's copy (tests/data, with
# their licences), or another copy with the same layout.
DATA = os.environ.get("PAYERLINK_TEST_DATA") or os.path.join(ROOT, "tests", "data")
SAMPLES = os.path.join(DATA, "samples")
# A base libpq conninfo (key=value): when set, every server and test gets a
# fresh PostgreSQL database instead of a SQLite file (tools/test.sh sets it
# to a throw-away cluster from tools/pg-test-cluster.sh).
PG = os.environ.get("PAYERLINK_TEST_PG", "")
_dbseq = [0]


def focus_aws(tmp):
    """The FinOps FOCUS sample (multi-cloud: no AWS account in it) with its
    AWS rows' synthetic 13-digit billing account, which no AWS account can
    have, made the 12-digit 123456789012: an AWS payer's FOCUS file. The
    11-digit sub-accounts stay (padded to 12 at import); the other clouds'
    rows stay too, and are rejected."""
    src = os.path.join(SAMPLES, "focus-sample-data-1.0", "focus_sample.csv")
    path = os.path.join(str(tmp), "focus-aws.csv")
    with open(src, newline="", encoding="utf-8") as f, open(path, "w", newline="") as g:
        g.write(f.read().replace('"1234567890123"', '"123456789012"'))
    return path


def _pg_connect(conninfo):
    import psycopg2
    c = psycopg2.connect(conninfo)
    c.autocommit = True
    return c


def new_db(dir):
    """A fresh, empty database: a SQLite path in dir, or (PAYERLINK_TEST_PG)
    the conninfo of a new PostgreSQL database."""
    if not PG:
        return os.path.join(dir, "test.db")
    _dbseq[0] += 1
    name = "plt_%d_%d_%d" % (os.getpid(), _dbseq[0], int(time.time() * 1000) % 100000)
    c = _pg_connect(PG)
    c.cursor().execute("CREATE DATABASE " + name)
    c.close()
    return "%s dbname=%s" % (PG, name)


def drop_db(db):
    if not PG or "dbname=" not in db:
        return
    name = db.rsplit("dbname=", 1)[1]
    try:
        c = _pg_connect(PG)
        c.cursor().execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        c.close()
    except Exception:
        pass


def sql(db, query, params=()):
    """Runs one query on a test database (either backend); '?' placeholders.
    Returns the rows as a list of tuples (or [] for no result)."""
    if PG and "dbname=" in db:
        c = _pg_connect(db)
        try:
            cur = c.cursor()
            cur.execute(query.replace("%", "%%").replace("?", "%s"), tuple(params))
            rows = cur.fetchall() if cur.description else []
            return [tuple(int(v) if type(v).__name__ == "Decimal" and v == int(v) else v
                          for v in r) for r in rows]
        finally:
            c.close()
    import sqlite3
    c = sqlite3.connect(db)
    try:
        rows = c.execute(query, tuple(params)).fetchall()
        c.commit()
        return rows
    finally:
        c.close()


class Server:
    """One running payerlink serve process and its database."""

    def __init__(self, *flags, db=None):
        """db: serve this database (e.g. a second server over the same
        PostgreSQL database) instead of a fresh one; not dropped at stop."""
        self.dir = tempfile.mkdtemp(prefix="payerlink-api-")
        self.own_db = db is None
        self.db = db or new_db(self.dir)
        self.flags = flags
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0", *flags],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError("server did not start: %r %s" % (line, self.log.read()))
        self.port = int(m.group(1))
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        if code != 0:
            # The server's own words (a sanitizer report, say) before its
            # directory goes: the only trace a CI run keeps.
            self.log.seek(0)
            tail = self.log.read()[-6000:]
            print("\n--- payerlink serve exited %s; its log ends:\n%s" % (code, tail))
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.own_db:
            drop_db(self.db)
        return code

    def cli(self, *args, check=True):
        """Runs the payerlink CLI on this server's database; returns the
        parsed JSON stdout (or the CompletedProcess when check is False)."""
        p = subprocess.run([BIN, *args, "--db", self.db], capture_output=True, text=True)
        if not check:
            return p
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else None

    def post(self, path, body=None, headers=None):
        """A raw HTTP POST; returns (status, headers, body bytes)."""
        data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def reset(self):
        status, _, body = self.post("/moto-api/reset")
        assert status == 200, body

    def advance(self, seconds):
        status, _, body = self.post("/api/v1/test/clock", {"advance_seconds": seconds})
        assert status == 200, body
        return json.loads(body)["now"]


class Account(dict):
    """An account made by `payerlink account create`: its id and keys."""

    @property
    def id(self):
        return self["AccountId"]


@pytest.fixture(scope="session")
def emulator():
    s = Server("--emulator")
    yield s
    assert s.stop() == 0, "server did not stop cleanly on SIGTERM"


@pytest.fixture(scope="session")
def delayed_emulator():
    """An emulator that keeps AWS's asynchronous CreateAccount and
    CloseAccount (the default emulator completes them before answering)."""
    s = Server("--emulator", "--create-account-delay", "5",
               "--close-account-delay", "60")
    yield s
    assert s.stop() == 0, "server did not stop cleanly on SIGTERM"


@pytest.fixture
def delayed(delayed_emulator):
    """The delayed emulator, reset to its starting state for this test."""
    delayed_emulator.reset()
    return delayed_emulator


@pytest.fixture(scope="session")
def strict():
    """A server without --emulator: every request must be properly signed."""
    s = Server()
    yield s
    assert s.stop() == 0


@pytest.fixture
def srv(emulator):
    """The emulator, reset to its starting state for this test."""
    emulator.reset()
    return emulator


@pytest.fixture(scope="session")
def legacy_emulator():
    """An emulator with the rules before direct transfer (11 December
    2025): serve --no-direct-transfer."""
    s = Server("--emulator", "--no-direct-transfer")
    yield s
    assert s.stop() == 0


@pytest.fixture
def legacy(legacy_emulator):
    legacy_emulator.reset()
    return legacy_emulator


_seq = [0]


@pytest.fixture
def new_account(srv):
    """Makes an account with the CLI: new_account(name=..., email=...)."""
    def make(name=None, email=None, password=None, server=None):
        server = server or srv
        _seq[0] += 1
        email = email or "acct%d-%d@example.com" % (os.getpid(), _seq[0])
        args = ["account", "create", "--email", email]
        if name:
            args += ["--name", name]
        if password:
            args += ["--password", password]
        return Account(server.cli(*args))
    return make


def client(server, acct, service="organizations", region="us-east-1"):
    """A boto3 client signed with the account's keys (or raw key/secret)."""
    if isinstance(acct, dict):
        key, secret = acct["AccessKeyId"], acct["SecretAccessKey"]
    else:
        key, secret = acct
    return boto3.client(
        service, endpoint_url=server.url, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1}))


def aws(server, acct, *args, region="us-east-1"):
    """Runs /usr/bin/aws against the server; returns (rc, parsed stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=acct["AccessKeyId"],
               AWS_SECRET_ACCESS_KEY=acct["SecretAccessKey"],
               AWS_DEFAULT_REGION=region, AWS_PAGER="",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_MAX_ATTEMPTS="1")
    p = subprocess.run([AWS, "--endpoint-url", server.url, "--output", "json", *args],
                       capture_output=True, text=True, env=env, timeout=120)
    out = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, out, p.stderr


def error_of(exc_info):
    """(Code, Reason) of a botocore ClientError."""
    r = exc_info.value.response
    return r["Error"]["Code"], r.get("Reason")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def moto():
    """A moto_server of its own for the module (live mode's AWS-compatible
    endpoint: Organizations reads, STS, S3), or a skip saying why."""
    exe = shutil.which("moto_server")
    if exe is None:
        pytest.skip("moto_server is not on PATH (moto 5 in the machine's Python)")
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                log.seek(0)
                pytest.fail("moto_server did not start: %s" % log.read()[-2000:])
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
