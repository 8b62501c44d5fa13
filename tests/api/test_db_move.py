# SPDX-License-Identifier: MIT
"""payerlink db export | import: an installation moves SQLite -> PostgreSQL
-> SQLite losslessly (every table compared row by row), and import refuses
a database that is not empty or a truncated file. Without
PAYERLINK_TEST_PG the PostgreSQL leg is skipped and SQLite -> SQLite runs."""

import json
import os
import subprocess

from conftest import BIN, PG, SAMPLES, Server, client, drop_db, new_db, sql

LEGACY = os.path.join(SAMPLES, "focus-converters-aws-cur",
                      "sample-anonymous-aws-export-dataset.csv")


def run(*args, check=True):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def tables(db):
    if PG and "dbname=" in db:
        q = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1")
    else:
        q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    return [r[0] for r in sql(db, q)]


def dump(db):
    """Every table but the migrations record, each as a sorted row list."""
    out = {}
    for t in tables(db):
        if t == "schema_migrations":
            continue
        rows = sql(db, "SELECT * FROM %s" % t)
        out[t] = sorted(rows, key=repr)
    return out


def populate(tmp):
    """A SQLite installation with accounts, an organization, accepted and
    open invitations, tags, a left member, billing rollups and meta."""
    db = os.path.join(tmp, "src.db")
    s = Server("--emulator", db=db)
    try:
        accts = [json.loads(run("account", "create", "--email", "m%d@example.com" % i,
                                "--name", "Acct \"%d\"\ttab\nnewline é" % i, "--db", db).stdout)
                 for i in range(4)]
        mc = client(s, accts[0])
        mc.create_organization()
        for a in accts[1:]:
            h = mc.invite_account_to_organization(
                Target={"Id": a["AccountId"], "Type": "ACCOUNT"}, Notes="hello\n'quoted'",
                Tags=[{"Key": "k", "Value": "v"}])["Handshake"]
            if a is not accts[3]:
                client(s, a).accept_handshake(HandshakeId=h["Id"])
        run("account", "set-billing-info", accts[2]["AccountId"], "--payment-method",
            "card", "--phone", "+1 555 0100", "--db", db)
        client(s, accts[2]).leave_organization()
        s.advance(3600)
    finally:
        assert s.stop() == 0
    if os.path.exists(LEGACY):
        run("ingest", LEGACY, "--db", db)
    return db


def move(src, dst, tmp, name):
    f = os.path.join(tmp, name + ".jsonl")
    run("db", "export", "--db", src, f)
    p = run("db", "import", "--db", dst, f)
    assert "imported" in p.stdout
    return f


def test_move_sqlite_postgresql_sqlite_is_lossless(tmp_path):
    tmp = str(tmp_path)
    src = populate(tmp)
    before = dump(src)
    assert before["memberships"] and before["handshakes"] and before["meta"]
    if PG:
        mid = new_db(tmp)
    else:
        mid = os.path.join(tmp, "mid.db")
    back = os.path.join(tmp, "back.db")
    try:
        move(src, mid, tmp, "one")
        assert dump(mid) == before
        move(mid, back, tmp, "two")
        assert dump(back) == before
        # Ids continue after the imported ones: the moved installation works.
        acct = json.loads(run("account", "create", "--email", "after@example.com",
                              "--db", mid).stdout)
        assert acct["AccountId"]
        st = run("db", "status", "--db", mid).stdout
        assert ("postgresql" if PG else "sqlite") in st and "001_init.sql" in st
    finally:
        drop_db(mid)


def test_import_refuses_non_empty_and_truncated(tmp_path):
    tmp = str(tmp_path)
    src = os.path.join(tmp, "a.db")
    run("account", "create", "--email", "x@example.com", "--db", src)
    f = os.path.join(tmp, "a.jsonl")
    run("db", "export", "--db", src, f)
    p = run("db", "import", "--db", src, f, check=False)
    assert p.returncode != 0 and "not empty" in p.stderr
    lines = open(f).read().split("\n")
    cut = os.path.join(tmp, "cut.jsonl")
    open(cut, "w").write("\n".join(lines[:-2]) + "\n")
    dst = new_db(tmp)
    try:
        p = run("db", "import", "--db", dst, cut, check=False)
        assert p.returncode != 0 and "truncated" in p.stderr
        # All or nothing: nothing was loaded.
        assert sql(dst, "SELECT COUNT(*) FROM accounts")[0][0] == 0
    finally:
        drop_db(dst)
