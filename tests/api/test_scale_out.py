# SPDX-License-Identifier: MIT
"""Scale-out: two payerlink servers on different ports over one PostgreSQL
database. Many concurrent clients send invitations and accepts to both;
afterwards every invariant holds in the database (no account in two
organizations at once, no duplicate OPEN handshake for a target, membership
history without overlaps) and each server sees the other's writes at once.
Runs only with PAYERLINK_TEST_PG (tools/test.sh sets it)."""

import json
import random
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, PG, Server, client, drop_db, new_db, sql

pytestmark = pytest.mark.skipif(
    not PG, reason="scale-out needs PostgreSQL: set PAYERLINK_TEST_PG "
    "(tools/pg-test-cluster.sh start) to run it")

MSPS = 4
CUSTOMERS = 12
THREADS = 16


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    db = new_db(str(tmp_path_factory.mktemp("scale")))
    # The rule under test is "one customer joins one MSP": with AWS's
    # direct transfer a member would move on each later acceptance, so
    # both servers keep the rules before it (accepting needs no org).
    a = Server("--no-direct-transfer", db=db)
    b = Server("--no-direct-transfer", db=db)
    yield a, b, db
    assert a.stop() == 0
    assert b.stop() == 0
    drop_db(db)


def account(db, name):
    p = subprocess.run([BIN, "account", "create", "--email", "%s@example.com" % name,
                        "--name", name, "--db", db], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def code(exc):
    return exc.response["Error"]["Code"]


def test_two_servers_one_truth(pair):
    a, b, db = pair
    servers = (a, b)
    msps = [account(db, "msp%d" % i) for i in range(MSPS)]
    custs = [account(db, "cust%d" % i) for i in range(CUSTOMERS)]
    # Clients are made up front (boto3 client creation is not thread-safe).
    mc = {(i, s.port): client(s, m) for i, m in enumerate(msps) for s in servers}
    cc = {(i, s.port): client(s, c) for i, c in enumerate(custs) for s in servers}
    for i in range(MSPS):
        mc[(i, servers[i % 2].port)].create_organization()
    outcomes = {}
    lock = threading.Lock()

    def note(k):
        with lock:
            outcomes[k] = outcomes.get(k, 0) + 1

    # 1. Every MSP invites every customer, twice, through both servers at once.
    def invite(job):
        i, j, s = job
        try:
            mc[(i, s.port)].invite_account_to_organization(
                Target={"Id": custs[j]["AccountId"], "Type": "ACCOUNT"})
            note("invited")
        except ClientError as e:
            note(code(e))

    jobs = [(i, j, s) for i in range(MSPS) for j in range(CUSTOMERS) for s in servers]
    random.shuffle(jobs)
    with ThreadPoolExecutor(THREADS) as ex:
        list(ex.map(invite, jobs))
    assert outcomes.get("invited", 0) == MSPS * CUSTOMERS, outcomes
    assert outcomes.get("DuplicateHandshakeException", 0) == MSPS * CUSTOMERS, outcomes

    # 2. Each customer accepts every open invitation through both servers at once.
    def accept(job):
        j, hid, s = job
        try:
            cc[(j, s.port)].accept_handshake(HandshakeId=hid)
            note("accepted")
        except ClientError as e:
            note(code(e))

    jobs = []
    for j in range(CUSTOMERS):
        hs = cc[(j, a.port)].list_handshakes_for_account()["Handshakes"]
        assert len([h for h in hs if h["State"] == "OPEN"]) == MSPS
        jobs += [(j, h["Id"], s) for h in hs for s in servers]
    random.shuffle(jobs)
    with ThreadPoolExecutor(THREADS) as ex:
        list(ex.map(accept, jobs))
    assert outcomes.get("accepted", 0) == CUSTOMERS, outcomes

    # 3. The invariants, checked in the database.
    assert sql(db, "SELECT account_id FROM memberships WHERE left_at IS NULL "
               "GROUP BY account_id HAVING COUNT(*) > 1") == []
    assert sql(db, "SELECT org_id, lower(target_id) FROM handshakes WHERE state = 'OPEN' "
               "GROUP BY org_id, action, lower(target_id) HAVING COUNT(*) > 1") == []
    assert sql(db, "SELECT x.id, y.id FROM memberships x JOIN memberships y ON "
               "x.account_id = y.account_id AND x.id < y.id AND "
               "x.joined_at < COALESCE(y.left_at, 9223372036854775807) AND "
               "y.joined_at < COALESCE(x.left_at, 9223372036854775807)") == []
    for c in custs:
        acc = sql(db, "SELECT COUNT(*) FROM handshakes WHERE recipient_id = ? AND "
                  "state = 'ACCEPTED'", (c["AccountId"],))[0][0]
        mem = sql(db, "SELECT COUNT(*) FROM memberships WHERE account_id = ? AND "
                  "left_at IS NULL", (c["AccountId"],))[0][0]
        assert acc == 1 and mem == 1

    # 4. Each server sees the other's writes at once.
    for k in range(5):
        w, r = servers[k % 2], servers[1 - k % 2]
        extra = account(db, "late%d" % k)
        i = k % MSPS
        h = mc[(i, w.port)].invite_account_to_organization(
            Target={"Id": extra["AccountId"], "Type": "ACCOUNT"})["Handshake"]
        got = client(r, extra).describe_handshake(HandshakeId=h["Id"])["Handshake"]
        assert got["State"] == "OPEN"
        client(r, extra).accept_handshake(HandshakeId=h["Id"])
        org = client(w, extra).describe_organization()["Organization"]
        assert org["MasterAccountId"] == msps[i]["AccountId"]
