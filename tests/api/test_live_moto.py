# SPDX-License-Identifier: MIT
"""Live mode against moto's server (moto_server from the machine's Python;
skipped, saying so, when it is missing): cost deliveries imported from S3
(`ingest s3://`, `serve --import-s3`), and `msp connect` / `msp sync` with
credentials from an assumed role (STS AssumeRole) reading moto's
Organizations. Moto has no handshakes: a small front answers
ListHandshakesForOrganization with an empty page, as AWS does for an
organization that sent none, and passes everything else to moto."""

import datetime
import gzip
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.request

import boto3
import pytest

from conftest import BIN, drop_db, new_db

PAYER = "123456789012"


def boto(moto, service):
    return boto3.client(service, endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id="AKIDSETUP", aws_secret_access_key="setup")


def env_for(moto, **more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_EC2_METADATA_DISABLED="true", AWS_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="AKIDTESTCLIENT", AWS_SECRET_ACCESS_KEY="testsecret",
               AWS_ENDPOINT_URL=moto)
    env.update(more)
    return env


def run(db, env, *args):
    return subprocess.run([BIN, *args, "--db", db], capture_output=True, text=True,
                          env=env, timeout=120)


def ok(p):
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


@pytest.fixture
def db(tmp_path):
    d = new_db(str(tmp_path))
    yield d
    drop_db(d)


def small_cur(period, salt, rows=20):
    """A small legacy CUR file (CSV) of PAYER's period, different per salt."""
    out = ["bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
           "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
           "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
           "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
           "line_item_line_item_description"]
    for k in range(rows):
        out.append("%s,%s-01T00:00:00Z,%012d,Usage,%s-%02dT%02d:00:00Z,AmazonEC2,"
                   "BoxUsage:t3.small,RunInstances,us-east-1,OnDemand,USD,0.%04d,1,"
                   "\"salt %d\"" % (PAYER, period, 100000000000 + k % 5, period,
                                    k % 28 + 1, k % 24, salt % 10000, salt))
    return ("\n".join(out) + "\n").encode()


def deliver_cur(s3, bucket, assembly, salt):
    """A legacy CUR delivery of 2026-11 as AWS writes it: the data under the
    assembly's folder, the manifest in it and (the latest) above it."""
    base = "cur/acme/20261101-20261201/"
    key = base + assembly + "/acme-00001.csv.gz"
    s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(small_cur("2026-11", salt)))
    manifest = json.dumps({"assemblyId": assembly, "bucket": bucket,
                           "reportKeys": [key],
                           "billingPeriod": {"start": "20261101T000000.000Z",
                                             "end": "20261201T000000.000Z"}})
    s3.put_object(Bucket=bucket, Key=base + assembly + "/acme-Manifest.json", Body=manifest)
    s3.put_object(Bucket=bucket, Key=base + "acme-Manifest.json", Body=manifest)
    return key


def by_kind(out):
    return {d["Kind"]: d for d in out["Deliveries"]}


def test_ingest_s3_imports_each_delivery_once_and_again_after_a_change(moto, db):
    s3 = boto(moto, "s3")
    s3.create_bucket(Bucket="cur-once")
    deliver_cur(s3, "cur-once", "11111111-1111-1111-1111-111111111111", 1)
    # A data file no manifest lists (an older delivery's): left alone.
    s3.put_object(Bucket="cur-once", Key="cur/acme/stray.csv", Body=small_cur("2026-11", 9))
    # Plain CSVs under a prefix without manifests: one delivery per folder.
    s3.put_object(Bucket="cur-once", Key="plain/2026-10/a.csv", Body=small_cur("2026-10", 7))
    s3.put_object(Bucket="cur-once", Key="plain/2026-10/b.csv.gz",
                  Body=gzip.compress(small_cur("2026-10", 8)))
    env = env_for(moto)

    out = ok(run(db, env, "ingest", "s3://cur-once/cur", "--json"))
    assert out["Imported"] == 1 and out["Failed"] == 0
    (d,) = out["Deliveries"]
    assert d["Kind"] == "manifest" and d["Files"] == 1
    assert d["Source"] == "s3://cur-once/cur/acme/20261101-20261201/acme-Manifest.json"
    assert d["Period"] == "2026-11"
    first = d["Report"]
    assert first["billing_period"] == "2026-11" and first["rows"] == 20
    assert first["payer_account_id"] == PAYER

    plain = ok(run(db, env, "ingest", "s3://cur-once/plain/", "--json"))
    (p,) = plain["Deliveries"]
    assert p["Kind"] == "objects" and p["Source"] == "s3://cur-once/plain/2026-10/"
    assert p["Files"] == 2 and p["Report"]["rows"] == 40
    assert p["Report"]["billing_period"] == "2026-10"

    again = ok(run(db, env, "ingest", "s3://cur-once/", "--json"))
    assert again["Imported"] == 0 and again["AlreadyImported"] == 1
    assert all("Report" not in x for x in again["Deliveries"])
    again = ok(run(db, env, "ingest", "s3://cur-once/plain", "--json"))
    assert again["Imported"] == 0 and again["AlreadyImported"] == 1

    # AWS re-delivers the month (a new assembly, the manifest above it
    # rewritten): only that delivery is read again, as a new version.
    time.sleep(1.1)
    deliver_cur(s3, "cur-once", "22222222-2222-2222-2222-222222222222", 2)
    third = ok(run(db, env, "ingest", "s3://cur-once/cur", "--json"))
    assert third["Imported"] == 1 and third["AlreadyImported"] == 0
    rep = by_kind(third)["manifest"]["Report"]
    assert rep["status"] == "imported"
    assert rep["replaced_import_id"] == first["import_id"]


def test_ingest_s3_reports_a_missing_file_and_a_missing_bucket(moto, db):
    s3 = boto(moto, "s3")
    s3.create_bucket(Bucket="cur-broken")
    s3.put_object(Bucket="cur-broken", Key="x/r-Manifest.json", Body=json.dumps(
        {"reportKeys": ["x/gone.csv.gz"], "billingPeriod": {"start": "20261101T000000.000Z"}}))
    p = run(db, env_for(moto), "ingest", "s3://cur-broken/x", "--json")
    assert p.returncode == 1
    out = json.loads(p.stdout)
    assert out["Failed"] == 1 and "x/gone.csv.gz" in out["Deliveries"][0]["Error"]
    p = run(db, env_for(moto), "ingest", "s3://no-such-bucket-here/x", "--json")
    assert p.returncode == 1 and "NoSuchBucket" in p.stderr


def test_serve_imports_from_s3_on_its_own(moto, db):
    s3 = boto(moto, "s3")
    s3.create_bucket(Bucket="cur-watch")
    deliver_cur(s3, "cur-watch", "33333333-3333-3333-3333-333333333333", 3)
    env = env_for(moto)
    proc = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:0",
                             "--import-s3", "s3://cur-watch/cur", "--import-interval", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        proc.stdout.readline()
        deadline = time.time() + 30
        while time.time() < deadline:
            out = ok(run(db, env, "ingest", "s3://cur-watch/cur", "--json"))
            if out["AlreadyImported"] == 1:
                break
            time.sleep(0.5)
        # The server imported it: the CLI finds it done and reads nothing.
        assert out["AlreadyImported"] == 1 and out["Imported"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0


class NoHandshakes(http.server.BaseHTTPRequestHandler):
    """Moto with ListHandshakesForOrganization: an empty page; the rest
    passed through unchanged (the signature covers the Host header)."""
    upstream = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("X-Amz-Target", "").endswith(".ListHandshakesForOrganization"):
            status, data, ctype = 200, b'{"Handshakes": []}', "application/x-amz-json-1.1"
        else:
            hdrs = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
            req = urllib.request.Request(NoHandshakes.upstream + self.path, data=body,
                                         headers=hdrs, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    status, data, ctype = r.status, r.read(), r.headers.get("Content-Type")
            except urllib.error.HTTPError as e:
                status, data, ctype = e.code, e.read(), e.headers.get("Content-Type")
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


def test_connect_and_sync_with_an_assumed_role(moto, db, tmp_path):
    org = boto(moto, "organizations")
    try:
        org.delete_organization()
    except Exception:
        pass
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="customers")["OrganizationalUnit"]
    a1 = org.create_account(AccountName="one", Email="one@example.com")["CreateAccountStatus"]["AccountId"]
    a2 = org.create_account(AccountName="two", Email="two@example.com")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=a1, SourceParentId=root, DestinationParentId=ou["Id"])

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NoHandshakes)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    NoHandshakes.upstream = moto
    cfg = tmp_path / "config"
    cfg.write_text("[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base\n"
                   "[profile msp]\nrole_arn = arn:aws:iam::%s:role/payerlink\n"
                   "source_profile = base\nregion = us-east-1\n" % PAYER)
    env = env_for(moto, AWS_CONFIG_FILE=str(cfg),
                  AWS_ENDPOINT_URL_ORGANIZATIONS="http://127.0.0.1:%d" % httpd.server_address[1])
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    try:
        out = ok(run(db, env, "msp", "connect", "--profile", "msp", "--json"))
        assert out["Mode"] == "live" and out["OrganizationId"] == o["Id"]
        assert out["ManagementAccountId"] == o["MasterAccountId"]
        assert out["Accounts"] == len(org.list_accounts()["Accounts"]) == 3
        # Later commands take the profile saved at connect.
        show = ok(run(db, env, "msp", "show", "--json"))
        assert show["Mode"] == "live" and show["AccountId"] == o["MasterAccountId"]

        org.remove_account_from_organization(AccountId=a2)
        out = ok(run(db, env, "msp", "sync", "--json"))
        assert out["Departed"] == [a2] and out["Joined"] == [] and out["Accounts"] == 2
        hist = ok(run(db, env, "account", "history", a1))
        (m,) = hist["Memberships"]
        joined = [a for a in org.list_accounts()["Accounts"] if a["Id"] == a1][0]["JoinedTimestamp"]
        got = datetime.datetime.fromisoformat(m["JoinedAt"].replace("Z", "+00:00"))
        assert abs((got - joined).total_seconds()) < 1.0
        assert m["LeftAt"] is None
    finally:
        httpd.shutdown()


def test_ingest_s3_reads_parquet_by_ranges_without_a_temporary_file(moto, db, tmp_path):
    """A .parquet object is read where it lies (ranged GETs for the footer,
    the wanted column chunks and the digest), not downloaded to a temporary
    file: with TMPDIR pointing at a plain file no temporary file can be
    made, yet the import is the same as the local file's."""
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "parquet", "cur2-duckdb-snappy.parquet")
    with open(src, "rb") as f:
        body = f.read()
    s3 = boto(moto, "s3")
    s3.create_bucket(Bucket="cur-parquet")
    s3.put_object(Bucket="cur-parquet", Key="export/2026-11/part-0.snappy.parquet", Body=body)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    out = ok(run(db, env_for(moto, TMPDIR=str(blocker)), "ingest", "s3://cur-parquet/export/",
                 "--json"))
    assert out["Imported"] == 1 and out["Failed"] == 0, out
    got = out["Deliveries"][0]["Report"]
    local_db = new_db(str(tmp_path / "local"))
    try:
        os.makedirs(str(tmp_path / "local"), exist_ok=True)
        want = ok(run(local_db, env_for(moto), "ingest", src, "--json"))
    finally:
        drop_db(local_db)
    for k in ("rows", "rejected_rows", "billing_period", "payer_account_id", "format",
              "unblended_cost", "accounts", "xxh128"):
        assert got.get(k) == want.get(k), k
    # The pipe path would have spooled it: a local pipe of the same bytes
    # with that TMPDIR fails saying so (what the S3 ingest no longer does).
    p = subprocess.run([BIN, "ingest", "/dev/stdin", "--json", "--db", str(tmp_path / "pipe.db")],
                       input=body, capture_output=True, env=env_for(moto, TMPDIR=str(blocker)),
                       timeout=120)
    assert p.returncode != 0 and b"temporary file" in p.stderr, p.stderr
