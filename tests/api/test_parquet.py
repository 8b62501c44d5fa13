# SPDX-License-Identifier: MIT
"""payerlink ingest of Parquet (docs/billing.md, "Parquet"): every file
written by an independent writer (DuckDB, arrow-rs through parquet-wasm;
tests/parquet/README.md) gives the report and the rollups of the CSV it was
made from, through the CLI, a pipe, a manifest, an upload and the watched
directory; bad files are refused with a message naming what failed, and
nothing is imported. Run with PAYERLINK_BIN=... /usr/bin/python3 -m pytest."""

import json
import os
import shutil
import struct
import subprocess
import time

import pytest

from conftest import SAMPLES, Server, new_db, drop_db, sql
from test_ingest import _msp, ingest, totals, upload

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PQ = os.path.join(ROOT, "tests", "parquet")
FOCUS = os.path.join(SAMPLES, "focus-sample-data-1.0", "focus_sample.csv")

FIXTURES = [
    ("cur2-duckdb-snappy.parquet", "cur2.csv"),
    ("cur2-duckdb-zstd-v2.parquet", "cur2.csv"),
    ("cur2-duckdb-gzip-nodict.parquet", "cur2.csv"),
    ("cur2-arrowrs-delta-v2.parquet", "cur2.csv"),
    ("focus12-duckdb.parquet", "focus12.csv"),
]
SAME = ("status", "payer_account_id", "billing_period", "currency", "format", "rows",
        "rollup_rows", "rejected_rows", "unknown_columns", "unknown_columns_total",
        "unblended_cost", "out_of_membership", "accounts_without_customer", "accounts")


@pytest.fixture
def db(tmp_path):
    d = new_db(str(tmp_path))
    yield d
    drop_db(d)


def rollups(db):
    return sorted(sql(db, "SELECT period, day, payer_id, account_id, product_code, usage_type, "
                          "operation, region, line_item_type, pricing_term, in_membership, "
                          "unblended, net_unblended, amortized, public_on_demand, usage_amount, "
                          "line_count, attrs FROM billing_rollups"))


_refs = {}


def fresh(tmp_path, name):
    d = tmp_path / name
    d.mkdir(exist_ok=True)
    return new_db(str(d))


def reference(tmp_path, csv):
    """The CSV's report and rollups (once per CSV)."""
    if csv not in _refs:
        d = fresh(tmp_path, "ref-" + os.path.basename(csv))
        try:
            rep = ingest(d, csv)
            _refs[csv] = (rep, rollups(d))
        finally:
            drop_db(d)
    return _refs[csv]


def with_cost_category(row, name, value):
    """row (rollups()) with one more cost category in its attrs
    (src/billing/attrs.h: 7 dims, then kind+key US value entries)."""
    attrs = row[-1]
    parts = attrs.split("\x1e") if attrs else ["\x1f" * 6]
    ents = sorted(parts[1:] + ["c" + name + "\x1f" + value])
    return row[:-1] + ("\x1e".join([parts[0]] + ents),)


def same_as_csv(tmp_path, path, csv, *args):
    ref, ref_rollups = reference(tmp_path, csv)
    db = fresh(tmp_path, "pq-" + os.path.basename(path))
    # The AWS-typed twins add cost_category MAP {'team': 'a'} to every row
    # (make-fixtures.mjs), which the CSV has not: read as a cost category.
    with open(path, "rb") as f:
        if b"cost_category" in f.read():
            ref_rollups = sorted(with_cost_category(r, "team", "a") for r in ref_rollups)
    try:
        rep = ingest(db, path, *args)
        for k in SAME:
            assert rep[k] == ref[k], (os.path.basename(path), k, rep[k], ref[k])
        assert rollups(db) == ref_rollups, os.path.basename(path)
        assert rep["files"][0]["xxh128"] != ref["files"][0]["xxh128"]
        return rep
    finally:
        drop_db(db)


@pytest.mark.parametrize("pq,csv", FIXTURES)
def test_parquet_fixture_matches_its_csv(tmp_path, pq, csv):
    rep = same_as_csv(tmp_path, os.path.join(PQ, pq), os.path.join(PQ, csv))
    assert rep["files"][0]["bytes"] == os.path.getsize(os.path.join(PQ, pq))


@pytest.mark.parametrize("threads", ["1", "2"])
def test_parquet_threads_pipe_and_manifest(tmp_path, threads):
    pq = os.path.join(PQ, "cur2-duckdb-snappy.parquet")
    csv = os.path.join(PQ, "cur2.csv")
    same_as_csv(tmp_path, pq, csv, "--threads", threads)
    # Through a pipe: spooled to a temporary file (the footer is last).
    with open(pq, "rb") as f:
        db = fresh(tmp_path, "pipe")
        try:
            p = subprocess.run([os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink")),
                                "ingest", "/dev/stdin", "--threads", threads, "--json", "--db", db],
                               stdin=f, capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
            rep = json.loads(p.stdout)
            assert rep["unblended_cost"] == reference(tmp_path, csv)[0]["unblended_cost"]
            assert rollups(db) == reference(tmp_path, csv)[1]
        finally:
            drop_db(db)
    # A CUR 2.0 manifest that lists Parquet files.
    d = tmp_path / "export" / "data"
    d.mkdir(parents=True)
    shutil.copy(pq, d / "part-0.snappy.parquet")
    m = d / "manifest.json"
    m.write_text(json.dumps({"dataFiles": ["s3://b/export/data/part-0.snappy.parquet"],
                             "billingPeriod": {"start": "20261001T000000.000Z"}}))
    same_as_csv(tmp_path, str(m), csv, "--threads", threads)


def test_parquet_upload_and_import_dir(srv, new_account, tmp_path):
    pq = os.path.join(PQ, "cur2-duckdb-zstd-v2.parquet")
    ref, _ = reference(tmp_path, os.path.join(PQ, "cur2.csv"))
    msp = _msp(srv, new_account)
    # The fixtures are another payer's (999999999999): kept as reference.
    st, rep = upload(srv, msp, open(pq, "rb").read(), "?name=cur.parquet&reference=true")
    assert st == 201, rep
    for k in SAME:
        if k not in ("accounts", "accounts_without_customer", "out_of_membership"):
            assert rep[k] == ref[k], k
    st, err = upload(srv, msp, open(pq, "rb").read()[:-100],
                     "?name=cut.parquet&reference=true")
    assert st == 400 and "truncated Parquet file" in err["Error"]["Message"]
    d = tmp_path / "drop"
    d.mkdir()
    s = Server("--import-dir", str(d))
    try:
        shutil.copy(pq, d / "cur.parquet")
        done = d / "imported" / "cur.parquet.json"
        for _ in range(200):
            if done.exists():
                break
            time.sleep(0.1)
        time.sleep(0.2)
        rep = json.loads(done.read_text())
        assert rep["status"] == "imported" and rep["unblended_cost"] == ref["unblended_cost"]
    finally:
        s.stop()


# Bad files: the thrift compact protocol read here, with each field's
# position, so that one field of a real file can be made to lie.

def varint(b, pos):
    v = s = 0
    while True:
        c = b[pos]
        pos += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, pos


def value(b, pos, t):
    if t in (1, 2):
        return t == 1, pos
    if t == 3:
        return b[pos], pos + 1
    if t in (4, 5, 6):
        v, pos = varint(b, pos)
        return (v >> 1) ^ -(v & 1), pos
    if t == 7:
        return b[pos:pos + 8], pos + 8
    if t == 8:
        n, pos = varint(b, pos)
        return bytes(b[pos:pos + n]), pos + n
    if t in (9, 10):
        h = b[pos]
        pos += 1
        n, et = h >> 4, h & 15
        if n == 15:
            n, pos = varint(b, pos)
        out = []
        for _ in range(n):
            if et in (1, 2):
                v, pos = b[pos] == 1, pos + 1
            else:
                v, pos = value(b, pos, et)
            out.append(v)
        return out, pos
    if t == 12:
        return struct_at(b, pos)
    raise ValueError("thrift type %d" % t)


def struct_at(b, pos):
    """{field id: (type, value, start, end)} and the end of the struct."""
    fields, last = {}, 0
    while True:
        h = b[pos]
        pos += 1
        if h == 0:
            return fields, pos
        t, d = h & 15, h >> 4
        if d:
            fid = last + d
        else:
            v, pos = varint(b, pos)
            fid = (v >> 1) ^ -(v & 1)
        last = fid
        start = pos
        v, pos = value(b, pos, t)
        fields[fid] = (t, v, start, pos)


def put_varint(b, start, end, v, zigzag=True):
    """v in exactly the bytes [start, end) (padding with 0x80 if need be)."""
    if zigzag:
        v = (v << 1) ^ (v >> 63)
    n = end - start
    for i in range(n):
        c = v & 0x7F
        v >>= 7
        b[start + i] = c | (0x80 if i < n - 1 else 0)
    assert v == 0


def column_chunk(b, name):
    """The footer's offset and ColumnMetaData of column name in row group 0."""
    flen = struct.unpack("<I", b[-8:-4])[0]
    off = len(b) - 8 - flen
    fm, _ = struct_at(b, off)
    for cc in fm[4][1][0][1][1]:
        md = cc[3][1]
        if md[3][1] == [name.encode()]:
            return md
    raise KeyError(name)


def broken(src, how):
    b = bytearray(open(src, "rb").read())
    md = column_chunk(b, "line_item_unblended_cost")
    page = md[9][1]
    ph, data = struct_at(b, page)
    if how == "codec":
        put_varint(b, md[4][2], md[4][3], 9)
    elif how == "lz4":
        put_varint(b, md[4][2], md[4][3], 5)
    elif how == "encoding":
        put_varint(b, ph[5][1][2][2], ph[5][1][2][3], 1)
    elif how == "page size":
        put_varint(b, ph[3][2], ph[3][3], ph[3][1] + 9)
    elif how == "plain size":
        put_varint(b, ph[2][2], ph[2][3], ph[2][1] - 1)
    elif how == "chunk past end":
        put_varint(b, ph[3][2], ph[3][3], (1 << (7 * (ph[3][3] - ph[3][2]) - 1)) - 1)
    elif how == "tail magic":
        b[-4:] = b"PAR0"
    elif how == "cut":
        b = b[:-3]
    elif how == "footer length":
        b[-8:-4] = struct.pack("<I", len(b))
    elif how == "footer":
        flen = struct.unpack("<I", b[-8:-4])[0]
        b[len(b) - 8 - flen] = 0x0F    # a field of an unknown type
    return bytes(b)


@pytest.mark.parametrize("how,needle", [
    ("codec", "unknown codec 9"),
    ("lz4", "codec LZ4 is not supported"),
    ("encoding", "encoding GROUP_VAR_INT is not supported for DOUBLE"),
    ("page size", "column line_item_unblended_cost"),
    ("plain size", "does not decompress to the"),
    ("chunk past end", "runs past its column chunk's end"),
    ("tail magic", "no PAR1 magic at its end"),
    ("cut", "truncated Parquet file"),
    ("footer length", "truncated Parquet file: a footer of"),
    ("footer", "footer: unknown thrift type 15"),
])
def test_parquet_bad_files_change_nothing(db, tmp_path, how, needle):
    good = os.path.join(PQ, "cur2-duckdb-snappy.parquet")
    ingest(db, os.path.join(PQ, "focus12-duckdb.parquet"))
    before = totals(db)
    path = str(tmp_path / ("bad-%s.parquet" % how.replace(" ", "-")))
    open(path, "wb").write(broken(good, how))
    p = ingest(db, path, check=False)
    assert p.returncode == 1, p.stderr
    assert needle in p.stderr, p.stderr
    assert os.path.basename(path) in p.stderr
    assert totals(db) == before


# The whole matrix, written at test time by the npm writers.

def npm_writers():
    """The npm Parquet writers in tests/parquet/node_modules, installed once;
    the test is skipped, with why, where npm cannot install them."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm not found: the DuckDB and arrow-rs Parquet writers come from npm")
    if not os.path.isdir(os.path.join(PQ, "node_modules", "@duckdb", "node-api")):
        p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PQ,
                           capture_output=True, text=True)
        if p.returncode != 0:
            p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save"],
                               cwd=PQ, capture_output=True, text=True)
        if p.returncode != 0:
            pytest.skip("npm install of the Parquet writers failed: " + p.stderr[-300:])


def duckdb_parquet(csv, out):
    """A CUR 2.0 CSV as DuckDB writes it in Parquet (snappy), account ids
    kept as strings, times and costs typed as DuckDB reads them."""
    npm_writers()
    js = ("import { DuckDBInstance } from '@duckdb/node-api';"
          "const [csv, out] = process.argv.slice(1);"
          "const c = await (await DuckDBInstance.create(':memory:')).connect();"
          "await c.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, types = "
          "{'bill_payer_account_id': 'VARCHAR', 'line_item_usage_account_id': 'VARCHAR'})) "
          "TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);")
    p = subprocess.run(["node", "--input-type=module", "-e", js, csv, out], cwd=PQ,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    npm_writers()
    out = tmp_path_factory.mktemp("matrix")
    env = dict(os.environ)
    if os.path.exists(FOCUS):
        env["FOCUS_CSV"] = FOCUS
    p = subprocess.run(["node", "make-fixtures.mjs", str(out), "all"], cwd=PQ, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out, p.stdout.split()


def test_parquet_writer_matrix_matches_csv(matrix, tmp_path):
    out, names = matrix
    assert len(names) >= 24, names
    for n in names:
        path = str(out / (n + ".parquet"))
        if n == "cur2-arrowrs-lz4raw":
            db = fresh(tmp_path, "lz4")
            try:
                p = ingest(db, path, check=False)
                assert p.returncode == 1 and "codec LZ4_RAW is not supported" in p.stderr
            finally:
                drop_db(db)
        elif n.startswith("focus10"):
            same_as_csv(tmp_path, path, FOCUS)
        else:
            csv = "focus12.csv" if n.startswith("focus12") else "cur2.csv"
            same_as_csv(tmp_path, path, os.path.join(PQ, csv))


def test_demo_writes_its_cur_as_parquet(tmp_path):
    """init --demo --format parquet: the demo's months are written by
    payerlink's own Parquet writer and ingested like any delivery."""
    binary = os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink"))
    db = fresh(tmp_path, "demo")
    try:
        p = subprocess.run([binary, "init", "--db", db, "--demo", "--format", "parquet"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr + p.stdout
        assert "rows ingested (imported)" in p.stdout
        imports = sql(db, "SELECT file_name, format, rows FROM billing_imports "
                          "WHERE status = 'current'")
        assert imports and all(f == "demo-cur.parquet" and fmt == "CUR 2.0" and n > 0
                               for f, fmt, n in imports), imports
        assert sql(db, "SELECT COUNT(*) FROM billing_rollups")[0][0] > 0
    finally:
        drop_db(db)
    p = subprocess.run([binary, "init", "--db", str(tmp_path / "x.db"), "--demo", "--format", "xml"],
                       capture_output=True, text=True)
    assert p.returncode == 2
