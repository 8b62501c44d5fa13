# SPDX-License-Identifier: MIT
"""payerlink ingest: golden totals for the shared samples computed here
independently (csv + decimal), re-import, re-delivery, kill -9 during an
import, malformed files. Run with PAYERLINK_BIN=... /usr/bin/python3 -m pytest."""

import csv
import decimal
import gzip
import hashlib
import json
import os
import signal
import subprocess
import time
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import SAMPLES, new_db, drop_db, sql, focus_aws

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink"))
FOCUS = os.path.join(SAMPLES, "focus-sample-data-1.0", "focus_sample.csv")
LEGACY = os.path.join(SAMPLES, "focus-converters-aws-cur", "sample-anonymous-aws-export-dataset.csv")
NANO = Decimal("0.000000001")


def ingest(db, *args, check=True):
    p = subprocess.run([BIN, "ingest", *args, "--json", "--db", db],
                       capture_output=True, text=True)
    if check:
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return p


def aws_id(s):
    """An AWS account id as payerlink keeps it: 12 digits, fewer left-padded
    with zeros; None for anything else (not an AWS account)."""
    return s.zfill(12) if s.isdigit() and len(s) <= 12 else None


def in_period(start, period):
    """Whether a usage start (YYYY-MM-DD...) lies in the billing period."""
    return start[:7] == period


def golden(path, payer_col, period_col, acct_col, cost_col, start_col):
    """Per account (lines, unblended) of the first AWS payer's period: rows
    of another payer or period, with a non-AWS account id, or whose usage
    lies outside the period are rejected."""
    per = defaultdict(lambda: [0, Decimal(0)])
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.DictReader(f)
        payer = period = None
        for r in rows:
            p = aws_id(r[payer_col])
            if p is None:
                continue
            if payer is None:
                payer, period = p, r[period_col][:7]
            if p != payer or r[period_col][:7] != period:
                continue
            acct = aws_id(r[acct_col] if r[acct_col] not in ("", "NULL") else r[payer_col])
            if acct is None or not in_period(r[start_col], period):
                continue
            cost = r[cost_col]
            v = Decimal(cost) if cost not in ("", "NULL") else Decimal(0)
            per[acct][0] += 1
            per[acct][1] += v.quantize(NANO, rounding=decimal.ROUND_HALF_EVEN)
    return payer, period, per


def check_accounts(rep, per):
    got = {a["account_id"]: (a["lines"], Decimal(a["unblended_cost"])) for a in rep["accounts"]}
    assert got == {k: (v[0], v[1]) for k, v in per.items()}


@pytest.fixture
def db(tmp_path):
    d = new_db(str(tmp_path))
    yield d
    drop_db(d)


def test_focus_sample_golden_totals(db, tmp_path):
    """The FinOps sample as published is multi-cloud: no billing account in
    it is an AWS one (a 13-digit id, Azure paths, Oracle's 8-digit one with
    OCI tenancies as sub-accounts), so every row is rejected, each saying
    why. Its AWS rows with a 12-digit payer are an AWS FOCUS file."""
    rep = ingest(db, FOCUS)
    assert rep["format"] == "FOCUS 1.0" and rep["rows"] == 1000
    assert rep["rejected_rows"] == 1000 and rep["rollup_rows"] == 0
    first = rep["rejected"][0]
    assert first["line"] == 2 and first["column_name"] == "BillingAccountId"
    assert "'1234567890123' is not an AWS account id (12 digits)" in first["reason"]

    path = focus_aws(tmp_path)
    payer, period, per = golden(path, "BillingAccountId", "BillingPeriodStart", "SubAccountId",
                                "BilledCost", "ChargePeriodStart")
    rep = ingest(db, path)
    assert rep["payer_account_id"] == payer == "123456789012" and rep["billing_period"] == period
    assert len(per) == 66 and all(len(a) == 12 for a in per)
    check_accounts(rep, per)
    assert rep["rejected_rows"] == 1000 - sum(v[0] for v in per.values())
    assert Decimal(rep["unblended_cost"]) == sum(v[1] for v in per.values()) > 0


def test_legacy_cur_sample_golden_totals(db):
    payer, period, per = golden(LEGACY, "bill/PayerAccountId", "bill/BillingPeriodStartDate",
                                "lineItem/UsageAccountId", "lineItem/UnblendedCost",
                                "lineItem/UsageStartDate")
    rep = ingest(db, LEGACY)
    assert rep["format"] == "CUR" and rep["rows"] == 1281 and rep["rejected_rows"] == 0
    check_accounts(rep, per)
    # No membership in this fresh store: everything is out of membership.
    assert Decimal(rep["out_of_membership"]["unblended_cost"]) == sum(v[1] for v in per.values())


def test_gzip_and_plain_agree(db, tmp_path):
    gz = str(tmp_path / "f.csv.gz")
    plain = focus_aws(tmp_path)
    with open(plain, "rb") as f, gzip.open(gz, "wb") as g:
        g.write(f.read())
    a = ingest(db, plain)
    assert a["accounts"]
    b = ingest(db, gz)
    assert b["files"][0]["gzip"] is True
    assert a["accounts"] == b["accounts"]
    assert b["status"] == "imported" and b["replaced_import_id"] == a["import_id"]


def test_reimport_same_file_changes_nothing(db):
    a = ingest(db, LEGACY)
    # The digest a user can check: xxh128sum's (Debian's xxhash package).
    want = subprocess.run(["xxh128sum", LEGACY], capture_output=True, text=True,
                          check=True).stdout.split()[0]
    assert a["xxh128"] == want and a["files"][0]["xxh128"] == want
    b = ingest(db, LEGACY)
    assert b["status"] == "already imported" and b["import_id"] == a["import_id"]
    p = subprocess.run([BIN, "ingest", LEGACY, "--db", db], capture_output=True, text=True)
    assert p.returncode == 0 and "already imported" in p.stdout


def totals(db):
    return sql(db, "SELECT COUNT(*), SUM(r.unblended) FROM billing_rollups r JOIN billing_periods p "
               "ON p.import_id = r.import_id")[0]


def test_redelivery_replaces_previous_version(db, tmp_path):
    first = ingest(db, LEGACY)
    # A restated delivery: same month, one line's cost changed.
    lines = open(LEGACY, encoding="utf-8").read().split("\n")
    hdr = lines[0].split(",")
    i = hdr.index("lineItem/UnblendedCost")
    rows = list(csv.reader(lines[1:3]))
    rows[1][i] = "100.5"
    new = str(tmp_path / "v2.csv")
    with open(new, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(hdr)
        w.writerows(rows)
    second = ingest(db, new)
    assert second["status"] == "imported" and second["replaced_import_id"] == first["import_id"]
    n, s = totals(db)
    assert Decimal(s) * NANO == Decimal(second["unblended_cost"])
    st = dict(sql(db, "SELECT id, status FROM billing_imports"))
    left = sql(db, "SELECT COUNT(*) FROM billing_rollups WHERE import_id = ?", (first["import_id"],))[0][0]
    assert st[first["import_id"]] == "replaced" and st[second["import_id"]] == "current"
    assert left == 0


def big_file(path, rows=400000):
    hdr = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
           "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
           "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
           "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
           "line_item_line_item_description\n")
    with open(path, "w") as f:
        f.write(hdr)
        for k in range(rows):
            f.write("999999999999,2026-09-01T00:00:00Z,%012d,Usage,2026-09-%02dT%02d:00:00Z,"
                    "AmazonEC2,BoxUsage:t3.%d,RunInstances,us-east-1,OnDemand,USD,0.0%d,1,"
                    "\"desc, with comma\"\n" % (k % 3000, k % 28 + 1, k % 24, k % 50, k % 97))


def test_kill_9_during_import_keeps_previous_version(db, tmp_path):
    first = ingest(db, LEGACY)
    before = totals(db)
    big = str(tmp_path / "big.csv")
    big_file(big)
    killed = False
    for delay in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8):
        p = subprocess.Popen([BIN, "ingest", big, "--payer", "123412340534", "--period", "2023-11",
                              "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
            killed = True
            assert totals(db) == before
            break
        p.wait()
        # Too fast to be caught: this delay completed; restore and retry.
        ingest(db, LEGACY)
    assert killed
    # The next run cleans the orphan and completes.
    rep = ingest(db, big, "--payer", "123412340534", "--period", "2023-11", check=False)
    out = json.loads(rep.stdout)
    assert out["status"] == "imported"
    running = sql(db, "SELECT COUNT(*) FROM billing_imports WHERE status = 'running'")[0][0]
    assert running == 0
    assert first["import_id"] != out["import_id"]


@pytest.mark.parametrize("name,content,needle", [
    ("too_many.csv", None, "more than"),
    ("long_field.csv", None, "longer than"),
    ("truncated.csv.gz", None, "truncated gzip"),
    ("not_cur.csv", "a,b\n1,2\n", "not a cost and usage file"),
    ("open_quote.csv", None, "unterminated"),
])
def test_malformed_files_change_nothing(db, tmp_path, name, content, needle):
    ingest(db, LEGACY)
    before = totals(db)
    lines = open(LEGACY, encoding="utf-8").read().split("\n")
    path = str(tmp_path / name)
    if name == "too_many.csv":
        content = "\n".join(lines[:5] + [lines[5] + ",extra"] + lines[6:10]) + "\n"
    elif name == "long_field.csv":
        content = "\n".join(lines[:3] + ['"' + "x" * (1 << 20) + '"' + lines[3][lines[3].index(","):]]) + "\n"
    elif name == "open_quote.csv":
        content = "\n".join(lines[:3]) + '\n"' + lines[3] + "\n"
    if name.endswith(".gz"):
        data = gzip.compress(open(LEGACY, "rb").read())
        open(path, "wb").write(data[: len(data) // 2])
    else:
        open(path, "w").write(content)
    p = ingest(db, path, check=False)
    assert p.returncode != 0
    assert needle in p.stderr, p.stderr
    assert name in p.stderr
    assert totals(db) == before


def test_cli_rejects_bad_options(db):
    p = ingest(db, LEGACY, "--period", "2023-13", check=False)
    assert p.returncode == 2


# REST upload (POST /api/v1/imports, streamed) and serve --import-dir.

import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

from conftest import Server, client  # noqa: E402


def _msp(srv, new_account):
    m = new_account(name="Upload MSP")
    client(srv, m).create_organization()
    srv.cli("msp", "set", m.id, "--name", "Upload MSP", "--json")
    return m


def upload(srv, acct, data, query="", secret=None, sign=True):
    url = srv.url + "/api/v1/imports" + query
    # The body's SHA-256, signed: the server checks it at the body's end.
    headers = {"Content-Type": "text/csv",
               "X-Amz-Content-SHA256": hashlib.sha256(data).hexdigest()}
    if sign:
        req = AWSRequest(method="POST", url=url, data=data, headers=headers)
        SigV4Auth(Credentials(acct["AccessKeyId"], secret or acct["SecretAccessKey"]),
                  "payerlink", "us-east-1").add_auth(req)
        headers = dict(req.headers.items())
    r = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(r, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_rest_upload_streams_the_file_into_an_import(srv, new_account, tmp_path):
    msp = _msp(srv, new_account)
    path = focus_aws(tmp_path)
    data = gzip.compress(open(path, "rb").read())
    # Another payer's file: refused, naming the payer and the way out.
    st, err = upload(srv, msp, data, "?name=focus.csv.gz")
    assert st == 400 and "payer 123456789012 is not the MSP's payer" in err["Error"]["Message"]
    assert "--reference" in err["Error"]["Message"]
    st, rep = upload(srv, msp, data, "?name=focus.csv.gz&reference=true")
    assert st == 201, rep
    assert rep["role"] == "reference"
    db = new_db(str(tmp_path))
    try:
        ref = ingest(db, path)
    finally:
        drop_db(db)
    assert rep["status"] == "imported"
    assert rep["files"][0]["name"] == "focus.csv.gz" and rep["files"][0]["gzip"]
    for k in ("rows", "rejected_rows", "unblended_cost", "payer_account_id",
              "billing_period", "rollup_rows", "accounts"):
        assert rep[k] == ref[k], k
    # The same bytes again: already imported, nothing changes.
    st, again = upload(srv, msp, data, "?name=focus.csv.gz&reference=true")
    assert st == 200 and again["status"] == "already imported"
    assert again["import_id"] == rep["import_id"]


def test_rest_upload_needs_the_msps_valid_signature(srv, new_account):
    """Refusals come before the body (tests/api/test_upload_auth.py has
    them all): the client sends its headers only."""
    from test_upload_auth import head_only, sign
    msp = _msp(srv, new_account)
    other = new_account(name="Not the MSP")
    body = open(FOCUS, "rb").read()
    digest = hashlib.sha256(body).hexdigest()
    st, _, err = head_only(srv, {"Content-Type": "text/csv"}, len(body))
    assert st == 403 and err["Error"]["Code"] == "MissingAuthenticationToken"
    # Bad signatures answer 400 on every REST path (docs/api.md).
    st, _, err = head_only(srv, sign(srv, msp, "/api/v1/imports", digest, secret="x" * 40),
                           len(body))
    assert st == 400 and err["Error"]["Code"] == "InvalidSignatureException"
    st, _, err = head_only(srv, sign(srv, other, "/api/v1/imports", digest), len(body))
    assert st == 403 and err["Error"]["Code"] == "AccessDenied"
    # A bad file: the error names the position; nothing imported.
    st, err = upload(srv, msp, b"a,b\n1,2\n")
    assert st == 400 and "not a cost and usage file" in err["Error"]["Message"]


def test_rest_upload_with_curl_aws_sigv4(srv, new_account, tmp_path):
    msp = _msp(srv, new_account)
    p = subprocess.run(
        ["curl", "-s", "-S", "--aws-sigv4", "aws:amz:us-east-1:payerlink",
         "--user", "%s:%s" % (msp["AccessKeyId"], msp["SecretAccessKey"]),
         "-H", "Content-Type: text/csv", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
         "-X", "POST", "-T", LEGACY,
         srv.url + "/api/v1/imports?name=legacy.csv&reference=true"],
        capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert rep["status"] == "imported", rep
    assert rep["format"] == "CUR" and rep["rows"] > 0


def test_import_dir_ingests_and_files_dropped_files(tmp_path):
    d = tmp_path / "drop"
    d.mkdir()
    s = Server("--import-dir", str(d))
    try:
        (d / "focus.csv.gz").write_bytes(gzip.compress(open(focus_aws(tmp_path), "rb").read()))
        (d / "bad.csv").write_text("a,b\n1,2\n")
        (d / "notes.txt").write_text("ignored")
        done = d / "imported" / "focus.csv.gz.json"
        failed = d / "failed" / "bad.csv.json"
        for _ in range(200):
            if done.exists() and failed.exists():
                break
            time.sleep(0.1)
        time.sleep(0.2)
        rep = json.loads(done.read_text())
        assert rep["status"] == "imported" and rep["rows"] > 0
        assert (d / "imported" / "focus.csv.gz").exists()
        assert not (d / "focus.csv.gz").exists()
        assert "not a cost and usage file" in json.loads(failed.read_text())["error"]
        assert (d / "notes.txt").exists()
    finally:
        s.stop()


def test_manifest_split_month_is_one_delivery(db, tmp_path):
    """A CUR manifest's reportKeys, found beside it, are ingested as one
    delivery with the same totals as the unsplit month."""
    with open(LEGACY, newline="", encoding="utf-8-sig") as f:
        lines = f.read().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    half = len(body) // 2
    d = tmp_path / "report"
    d.mkdir()
    for i, part in enumerate((body[:half], body[half:]), 1):
        with gzip.open(d / ("report-%d.csv.gz" % i), "wt", newline="") as g:
            g.write(header + "".join(part))
    (d / "report-Manifest.json").write_text(json.dumps({
        "reportKeys": ["prefix/20231101-20231201/abc/report-1.csv.gz",
                       "prefix/20231101-20231201/abc/report-2.csv.gz"],
        "billingPeriod": {"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"}}))
    whole = ingest(db, LEGACY)
    split = ingest(db, str(d / "report-Manifest.json"))
    assert len(split["files"]) == 2 and split["rows"] == whole["rows"]
    assert split["accounts"] == whole["accounts"]
    assert split["unblended_cost"] == whole["unblended_cost"]
    assert split["replaced_import_id"] == whole["import_id"]


def test_manifest_errors_are_clear(db, tmp_path):
    bad = tmp_path / "x-Manifest.json"
    bad.write_text('{"reportKeys": []}')
    p = ingest(db, str(bad), check=False)
    assert p.returncode == 2 and "reportKeys" in p.stderr
    bad.write_text('{"reportKeys": ["missing.csv"]}')
    p = ingest(db, str(bad), check=False)
    assert p.returncode != 0 and "missing.csv" in p.stderr
