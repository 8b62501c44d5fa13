# SPDX-License-Identifier: MIT
"""The AWS client (src/awsclient, `payerlink aws`) against AWS-compatible
servers the test starts on 127.0.0.1: moto's server for STS (AssumeRole with
refresh, web identity, GetCallerIdentity), S3 (paged list, head, parallel
ranged get of a multi-MB object) and Organizations through the generic JSON
1.1 call; payerlink's own server, which verifies every SigV4 signature; and
a small scripted HTTP server for what no real server does on demand:
throttling then success, 500s until the client gives up, AccessDenied, an
endpoint that never accepts the connection, and the IMDSv2 and ECS
credential endpoints. Every run has instance metadata disabled unless the
test fakes it on loopback, so nothing leaves the machine."""

import hashlib
import http.server
import json
import os
import re
import socket
import subprocess
import threading
import time
from xml.sax.saxutils import escape as xml_escape

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

from conftest import BIN, free_port

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("PAYERLINK_TEST_PG")),
    reason="the AWS client opens no database: these run in the SQLite pass only")

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
TOKEN = "IQoJb3JpZ2luX2VjSESSIONTOKEN" + "x" * 300
ACCOUNT = "123456789012"


def base_env(tmp, **extra):
    """A clean environment: no AWS_* from outside, empty shared files,
    instance metadata off, no proxy."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and "proxy" not in k.lower()}
    cfg = os.path.join(str(tmp), "config")
    cred = os.path.join(str(tmp), "credentials")
    for p in (cfg, cred):
        if not os.path.exists(p):
            open(p, "w").close()
    env.update(HOME=str(tmp), AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=cred,
               AWS_EC2_METADATA_DISABLED="true")
    env.update(extra)
    return env


def keys_env(tmp, endpoint, **extra):
    return base_env(tmp, AWS_ACCESS_KEY_ID="AKIDTESTCLIENT", AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_ENDPOINT_URL=endpoint, **extra)


def run(env, *args, timeout=120):
    return subprocess.run([BIN, "aws", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def ok_json(p):
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


# ---- moto ----

def boto(moto, service):
    return boto3.client(service, endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id="AKIDSETUP", aws_secret_access_key="setup")


def test_whoami_with_environment_keys(moto, tmp_path):
    out = ok_json(run(keys_env(tmp_path, moto), "whoami", "--json"))
    assert out["Account"] == ACCOUNT
    assert out["Arn"].startswith("arn:aws:")
    assert out["Credentials"]["Source"] == "environment"
    assert out["Credentials"]["AccessKeyId"] == "AKIDTESTCLIENT"


def test_assume_role_profile_and_refresh(moto, tmp_path):
    """role_arn + source_profile: STS AssumeRole with the source's keys; with
    4-second credentials the client refreshes them (half their life before
    expiry), with an hour's it does not."""
    (tmp_path / "credentials").write_text(
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = %s\n" % SECRET)
    (tmp_path / "config").write_text(
        "[profile short]\nrole_arn = arn:aws:iam::%s:role/ops\n"
        "source_profile = base\nrole_session_name = refresh-test\n"
        "duration_seconds = 4\n"
        "[profile long]\nrole_arn = arn:aws:iam::%s:role/ops\n"
        "source_profile = base\n" % (ACCOUNT, ACCOUNT))
    env = base_env(tmp_path, AWS_ENDPOINT_URL=moto)
    p = run(env, "whoami", "--profile", "short", "--json", "--count", "3",
            "--interval", "1.6")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(lines) == 3
    assert all("assumed-role/ops/refresh-test" in l["Arn"] for l in lines)
    assert lines[0]["Credentials"]["Source"] == \
        "assume-role short <- profile base (credentials file)"
    assert lines[0]["Credentials"]["Fetches"] == 1
    # After 3.2 s of 4-second credentials: refreshed, a new key.
    assert lines[2]["Credentials"]["Fetches"] >= 2
    assert lines[2]["Credentials"]["AccessKeyId"] != lines[0]["Credentials"]["AccessKeyId"]
    assert lines[0]["Credentials"]["AccessKeyId"].startswith("ASIA")

    p = run(env, "whoami", "--profile", "long", "--json", "--count", "3")
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    assert [l["Credentials"]["Fetches"] for l in lines] == [1, 1, 1]
    assert len({l["Credentials"]["AccessKeyId"] for l in lines}) == 1


def test_web_identity_from_the_environment(moto, tmp_path):
    token = "eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYTOKEN.signature"
    (tmp_path / "token").write_text(token + "\n")
    env = base_env(tmp_path, AWS_ENDPOINT_URL=moto,
                   AWS_WEB_IDENTITY_TOKEN_FILE=str(tmp_path / "token"),
                   AWS_ROLE_ARN="arn:aws:iam::%s:role/wi-role" % ACCOUNT,
                   AWS_ROLE_SESSION_NAME="wi-session")
    p = run(env, "whoami", "--json", "-v")
    out = ok_json(p)
    assert "assumed-role/wi-role/wi-session" in out["Arn"]
    assert out["Credentials"]["Source"] == "web identity (environment)"
    assert token not in p.stderr and token not in p.stdout


def test_s3_list_head_and_parallel_ranged_get(moto, tmp_path):
    s3 = boto(moto, "s3")
    s3.create_bucket(Bucket="cur-bucket")
    data = os.urandom(6 * 1024 * 1024 + 12345)
    key = "cur/2026-11/payer cur-00001.csv.gz"
    s3.put_object(Bucket="cur-bucket", Key=key, Body=data)
    small = ["cur/2026-11/small+%02d.csv" % i for i in range(17)]
    for k in small:
        s3.put_object(Bucket="cur-bucket", Key=k, Body=k.encode())
    s3.put_object(Bucket="cur-bucket", Key="other/x", Body=b"x")
    env = keys_env(tmp_path, moto)

    # Paged listing: 18 keys, 5 a page.
    out = ok_json(run(env, "ls", "s3://cur-bucket/cur/", "--recursive",
                      "--page-size", "5", "--json", "-v"))
    assert sorted(o["Key"] for o in out["Objects"]) == sorted([key] + small)
    sizes = {o["Key"]: o["Size"] for o in out["Objects"]}
    assert sizes[key] == len(data)
    p = run(env, "ls", "s3://cur-bucket/cur/", "--recursive", "--page-size", "5", "-v")
    assert p.stderr.count("s3:ListBucket") == 4, p.stderr
    # One level, with common prefixes.
    out = ok_json(run(env, "ls", "s3://cur-bucket", "--json"))
    assert out["Prefixes"] == ["cur/", "other/"] and out["Objects"] == []

    head = ok_json(run(env, "head", "s3://cur-bucket/" + key, "--json"))
    assert head["Size"] == len(data)
    assert head["ETag"] == s3.head_object(Bucket="cur-bucket", Key=key)["ETag"]

    # Whole object: 1 MiB parts, 3 at a time, in order into a file.
    dest = tmp_path / "out.bin"
    p = run(env, "get", "s3://cur-bucket/" + key, str(dest), "--part-size", "1",
            "--parallel", "3", "-v")
    assert p.returncode == 0, p.stderr
    assert hashlib.sha256(dest.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert p.stderr.count("s3:GetObject") == 1 + 7, p.stderr   # head + 7 parts
    # To stdout (a pipe), and a byte range.
    p = subprocess.run([BIN, "aws", "get", "s3://cur-bucket/" + key, "-"], env=env,
                       capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stdout == data
    p = subprocess.run([BIN, "aws", "get", "s3://cur-bucket/" + key, "--range",
                        "1048570-1048600"], env=env, capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stdout == data[1048570:1048601]

    # Many threads, credentials that expire every 2 s: the refresh is
    # shared (one thread refreshes, the others wait) and every part lands.
    (tmp_path / "credentials").write_text(
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = %s\n" % SECRET)
    (tmp_path / "config").write_text(
        "[profile brief]\nrole_arn = arn:aws:iam::%s:role/reader\n"
        "source_profile = base\nduration_seconds = 2\n" % ACCOUNT)
    dest2 = tmp_path / "out2.bin"
    p = run(base_env(tmp_path, AWS_ENDPOINT_URL=moto), "get", "s3://cur-bucket/" + key,
            str(dest2), "--profile", "brief", "--part-size", "0.25", "--parallel", "6",
            "-v")
    assert p.returncode == 0, p.stderr
    assert dest2.read_bytes() == data
    fetches = p.stderr.count("credentials from assume-role brief")
    print("credential fetches during the read:", fetches)
    assert fetches >= 1, p.stderr[-2000:]

    p = run(env, "head", "s3://cur-bucket/cur/none")
    assert p.returncode == 1 and "s3:GetObject" in p.stderr and "(NotFound)" in p.stderr
    p = run(env, "ls", "s3://no-such-bucket")
    assert p.returncode == 1 and "(NoSuchBucket)" in p.stderr


def test_organizations_through_the_json_call(moto, tmp_path):
    dead = "http://127.0.0.1:%d" % free_port()
    # AWS_ENDPOINT_URL_ORGANIZATIONS wins over AWS_ENDPOINT_URL (dead here).
    env = keys_env(tmp_path, dead, AWS_ENDPOINT_URL_ORGANIZATIONS=moto)
    p = run(env, "call", "organizations", "DescribeOrganization")
    if p.returncode == 0:   # an organization left by an earlier test
        org = json.loads(p.stdout)["Organization"]
    else:
        assert "(AWSOrganizationsNotInUseException)" in p.stderr, p.stderr
        org = ok_json(run(env, "call", "organizations", "CreateOrganization",
                          '{"FeatureSet": "ALL"}'))["Organization"]
    out = ok_json(run(env, "call", "organizations", "DescribeOrganization"))
    assert out["Organization"]["Id"] == org["Id"]
    assert out["Organization"]["FeatureSet"] == "ALL"
    out = ok_json(run(env, "call", "organizations", "ListAccounts", '{"MaxResults": 5}'))
    assert ACCOUNT in [a["Id"] for a in out["Accounts"]]
    p = run(env, "call", "organizations", "DescribeAccount", '{"AccountId": "111111111111"}')
    assert p.returncode == 1 and "(AccountNotFoundException)" in p.stderr


def test_signed_requests_verify_at_payerlink(strict, tmp_path):
    """payerlink's own server checks every signature (the strict server)."""
    acct = strict.cli("account", "create", "--email",
                      "awsclient-%d@example.com" % os.getpid())
    env = base_env(tmp_path, AWS_ACCESS_KEY_ID=acct["AccessKeyId"],
                   AWS_SECRET_ACCESS_KEY=acct["SecretAccessKey"],
                   AWS_ENDPOINT_URL_ORGANIZATIONS=strict.url)
    out = ok_json(run(env, "call", "organizations", "CreateOrganization",
                      '{"FeatureSet": "ALL"}'))
    assert out["Organization"]["MasterAccountId"] == acct["AccountId"]
    out = ok_json(run(env, "call", "organizations", "ListAccounts"))
    assert [a["Id"] for a in out["Accounts"]] == [acct["AccountId"]]
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    p = run(env, "call", "organizations", "ListAccounts")
    assert p.returncode == 1 and "(InvalidSignatureException)" in p.stderr
    assert "not-the-secret" not in p.stderr


# ---- a scripted endpoint ----

class Scripted:
    """An HTTP server on 127.0.0.1 answering from a script: a function of
    (method, path, headers, body) -> (status, headers, body). Records every
    request with its arrival time."""

    def __init__(self, answer):
        outer = self
        self.requests = []
        self.answer = answer

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = dict(t=time.monotonic(), method=self.command, path=self.path,
                           headers={k.lower(): v for k, v in self.headers.items()},
                           body=body)
                outer.requests.append(req)
                status, hdrs, out = outer.answer(req)
                if isinstance(out, str):
                    out = out.encode()
                self.send_response(status)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_HEAD = handle_one

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted():
    made = []

    def make(answer):
        s = Scripted(answer)
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


JSON = {"Content-Type": "application/x-amz-json-1.1"}
ORG = json.dumps({"Organization": {"Id": "o-abcdefghij", "FeatureSet": "ALL"}})


def retry_delays(stderr):
    return [int(m) for m in re.findall(r"retrying in (\d+) ms", stderr)]


def test_throttled_then_success_retries_with_backoff(scripted, tmp_path):
    def answer(req):
        if len(srv.requests) == 1:
            return 429, JSON, '{"__type":"TooManyRequestsException","message":"Rate exceeded"}'
        return 200, JSON, ORG
    srv = scripted(answer)
    p = run(keys_env(tmp_path, srv.url), "call", "organizations",
            "DescribeOrganization", "-v")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["Organization"]["Id"] == "o-abcdefghij"
    assert len(srv.requests) == 2
    assert srv.requests[0]["headers"]["amz-sdk-request"] == "attempt=1; max=3"
    assert srv.requests[1]["headers"]["amz-sdk-request"] == "attempt=2; max=3"
    # One invocation id for both attempts, as the SDKs send it.
    assert srv.requests[0]["headers"]["amz-sdk-invocation-id"] == \
        srv.requests[1]["headers"]["amz-sdk-invocation-id"]
    # Full jitter after the first attempt: [0, 100) ms.
    delays = retry_delays(p.stderr)
    assert len(delays) == 1 and 0 <= delays[0] < 100, p.stderr
    gap = srv.requests[1]["t"] - srv.requests[0]["t"]
    assert gap >= delays[0] / 1000.0 - 0.01
    assert gap < 2.0


def test_server_errors_give_up_after_max_attempts(scripted, tmp_path):
    srv = scripted(lambda req: (500, JSON,
                                '{"__type":"InternalFailure","message":"it broke"}'))
    t0 = time.monotonic()
    p = run(keys_env(tmp_path, srv.url), "call", "organizations", "ListRoots", "-v")
    assert p.returncode == 1
    assert len(srv.requests) == 3
    assert "organizations:ListRoots: it broke (HTTP 500" in p.stderr
    assert "gave up after 3 attempts" in p.stderr and "(InternalFailure)" in p.stderr
    delays = retry_delays(p.stderr)
    assert len(delays) == 2 and delays[0] < 100 and delays[1] < 200, p.stderr
    assert time.monotonic() - t0 < 20

    # AWS_MAX_ATTEMPTS, then the profile's max_attempts.
    srv.requests.clear()
    p = run(keys_env(tmp_path, srv.url, AWS_MAX_ATTEMPTS="5"), "call",
            "organizations", "ListRoots")
    assert p.returncode == 1 and len(srv.requests) == 5
    assert "gave up after 5 attempts" in p.stderr
    srv.requests.clear()
    (tmp_path / "config").write_text("[default]\nmax_attempts = 1\n")
    p = run(keys_env(tmp_path, srv.url), "call", "organizations", "ListRoots")
    assert p.returncode == 1 and len(srv.requests) == 1
    assert "gave up" not in p.stderr


def test_access_denied_names_the_action_and_is_not_retried(scripted, tmp_path):
    srv = scripted(lambda req: (400, JSON, json.dumps({
        "__type": "AccessDeniedException",
        "Message": "You don't have permissions to access this resource."})))
    p = run(keys_env(tmp_path, srv.url), "call", "organizations", "ListAccounts")
    assert p.returncode == 1
    assert len(srv.requests) == 1
    assert "organizations:ListAccounts refused: You don't have permissions" in p.stderr
    assert p.stderr.rstrip().endswith("(AccessDeniedException)")
    req = srv.requests[0]
    assert req["headers"]["x-amz-target"] == "AWSOrganizationsV20161128.ListAccounts"
    assert req["headers"]["content-type"] == "application/x-amz-json-1.1"


def test_s3_bucket_in_another_region(scripted, tmp_path):
    """S3's 301 with x-amz-bucket-region: asked again, signed for the
    bucket's region, which later calls use from the start."""
    page = ("<ListBucketResult><IsTruncated>%s</IsTruncated>%s<Contents><Key>%s</Key>"
            "<Size>1</Size><ETag>\"e\"</ETag><LastModified>2026-11-01T00:00:00.000Z"
            "</LastModified></Contents></ListBucketResult>")

    def answer(req):
        if "/eu-west-1/s3/" in req["headers"]["authorization"]:
            return 301, {"x-amz-bucket-region": "us-west-2", "Content-Type": "application/xml"}, (
                "<Error><Code>PermanentRedirect</Code><Message>The bucket you are "
                "attempting to access must be addressed using the specified endpoint."
                "</Message></Error>")
        if "continuation-token=" not in req["path"]:
            return 200, {}, page % ("true", "<NextContinuationToken>t2</NextContinuationToken>",
                                    "a.csv")
        return 200, {}, page % ("false", "", "b.csv")
    srv = scripted(answer)
    p = run(keys_env(tmp_path, srv.url, AWS_REGION="eu-west-1"), "ls",
            "s3://far-bucket/", "--recursive", "--json")
    out = ok_json(p)
    assert [o["Key"] for o in out["Objects"]] == ["a.csv", "b.csv"]
    scopes = [re.search(r"/(\w+-\w+-\d)/s3/", r["headers"]["authorization"]).group(1)
              for r in srv.requests]
    assert scopes == ["eu-west-1", "us-west-2", "us-west-2"]
    assert all(r["path"].startswith("/far-bucket?") for r in srv.requests)


def test_signature_matches_botocore(scripted, tmp_path):
    """botocore's own SigV4 signer, given what arrived, computes the same
    signature (X-Amz-Target and the session token signed)."""
    srv = scripted(lambda req: (200, JSON, ORG))
    env = keys_env(tmp_path, srv.url, AWS_SESSION_TOKEN=TOKEN, AWS_REGION="eu-west-1")
    ok_json(run(env, "call", "organizations", "DescribeOrganization",
                '{"Note": "caf\u00e9 & \u4e2d"}'))
    req = srv.requests[0]
    auth = req["headers"]["authorization"]
    m = re.match(r"AWS4-HMAC-SHA256 Credential=AKIDTESTCLIENT/(\d{8})/eu-west-1/"
                 r"organizations/aws4_request, SignedHeaders=([a-z0-9;-]+), "
                 r"Signature=([0-9a-f]{64})$", auth)
    assert m, auth
    signed = m.group(2).split(";")
    assert {"host", "x-amz-date", "x-amz-target", "x-amz-security-token",
            "content-type"} <= set(signed)
    assert "user-agent" not in signed
    assert req["headers"]["x-amz-security-token"] == TOKEN
    aws_req = botocore.awsrequest.AWSRequest(
        method="POST", url=srv.url + "/", data=req["body"],
        headers={h: req["headers"][h] for h in signed})
    aws_req.context["timestamp"] = req["headers"]["x-amz-date"]
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials("AKIDTESTCLIENT", SECRET, TOKEN),
        "organizations", "eu-west-1")
    canonical = signer.canonical_request(aws_req)
    sts = signer.string_to_sign(aws_req, canonical)
    assert signer.signature(sts, aws_req) == m.group(3)


def test_secrets_never_reach_stderr(scripted, tmp_path):
    """A server that echoes the whole request in its error message: the
    secret key, the session token and the signature stay out of every
    message and log line."""
    def answer(req):
        echo = "auth %s token %s body %s secret %s" % (
            req["headers"].get("authorization"), req["headers"].get("x-amz-security-token"),
            req["body"].decode(), SECRET)
        return 403, {"Content-Type": "text/xml"}, (
            "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>%s"
            "</Message></Error></ErrorResponse>" % xml_escape(echo))
    srv = scripted(answer)
    env = keys_env(tmp_path, srv.url, AWS_SESSION_TOKEN=TOKEN)
    for args in (["whoami", "-v"], ["call", "organizations", "ListAccounts", "-v"],
                 ["ls", "s3://bucket/x", "-v"]):
        p = run(env, *args)
        assert p.returncode == 1
        sig = srv.requests[-1]["headers"]["authorization"].rsplit("=", 1)[1]
        for secret in (SECRET, TOKEN[:40], sig):
            assert secret not in p.stderr and secret not in p.stdout, args
        assert "[redac" in p.stderr   # the message may be cut in it
        assert "(SignatureDoesNotMatch)" in p.stderr


def test_unreachable_endpoint_fails_fast(tmp_path):
    # Nothing listens: refused at once, retried, then a clear error.
    dead = "http://127.0.0.1:%d" % free_port()
    t0 = time.monotonic()
    p = run(keys_env(tmp_path, dead), "whoami", timeout=60)
    assert p.returncode == 1
    assert "sts:GetCallerIdentity: POST %s failed" % dead in p.stderr
    assert "gave up after 3 attempts" in p.stderr
    assert time.monotonic() - t0 < 10

    # A listener whose accept queue is full drops the SYN: the connect
    # timeout ends each attempt.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(0)
    port = s.getsockname()[1]
    fill = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fill.append(c)
    try:
        t0 = time.monotonic()
        p = run(keys_env(tmp_path, "http://127.0.0.1:%d" % port), "whoami",
                "--connect-timeout", "0.5", "--max-attempts", "2", timeout=60)
        took = time.monotonic() - t0
        assert p.returncode == 1
        # libcurl words it by the phase the timer ended in: "Timeout was
        # reached", "Connection timed out after", "Connection timeout after".
        assert re.search(r"time(d)? ?out", p.stderr, re.I), p.stderr
        assert "gave up after 2 attempts" in p.stderr
        assert took < 8, took
    finally:
        for c in fill:
            c.close()
        s.close()


STS_OK = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
          "<GetCallerIdentityResult><Arn>arn:aws:sts::%s:assumed-role/%s/i-0abc</Arn>"
          "<UserId>AROAEXAMPLE:i-0abc</UserId><Account>%s</Account>"
          "</GetCallerIdentityResult></GetCallerIdentityResponse>")


def metadata_creds(key):
    return json.dumps({"Code": "Success", "AccessKeyId": key,
                       "SecretAccessKey": SECRET, "Token": TOKEN,
                       "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                   time.gmtime(time.time() + 3600))})


def sts_answer(req, role):
    if req["method"] == "POST" and b"Action=GetCallerIdentity" in req["body"]:
        return 200, {"Content-Type": "text/xml"}, STS_OK % (ACCOUNT, role, ACCOUNT)
    return None


@pytest.mark.parametrize("v2", [True, False], ids=["imdsv2", "imdsv1-fallback"])
def test_instance_metadata_credentials(scripted, tmp_path, v2):
    def answer(req):
        r = sts_answer(req, "ec2-role")
        if r:
            return r
        tok = req["headers"].get("x-aws-ec2-metadata-token")
        if req["method"] == "PUT" and req["path"] == "/latest/api/token":
            if not v2:
                return 404, {}, ""
            assert req["headers"]["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
            return 200, {}, "IMDS-SESSION-TOKEN"
        if v2 and tok != "IMDS-SESSION-TOKEN":
            return 401, {}, ""
        if req["path"] == "/latest/meta-data/iam/security-credentials/":
            return 200, {}, "ec2-role"
        if req["path"] == "/latest/meta-data/iam/security-credentials/ec2-role":
            return 200, {}, metadata_creds("ASIAIMDSKEY")
        return 404, {}, ""
    srv = scripted(answer)
    env = base_env(tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=srv.url,
                   AWS_ENDPOINT_URL_STS=srv.url)
    del env["AWS_EC2_METADATA_DISABLED"]
    p = run(env, "whoami", "--json", "-v")
    out = ok_json(p)
    assert out["Credentials"]["Source"] == "EC2 instance metadata"
    assert out["Credentials"]["AccessKeyId"] == "ASIAIMDSKEY"
    assert out["Credentials"]["Expiration"] > time.time() + 3000
    sts = [r for r in srv.requests if r["method"] == "POST"]
    assert len(sts) == 1
    assert "Credential=ASIAIMDSKEY/" in sts[0]["headers"]["authorization"]
    assert sts[0]["headers"]["x-amz-security-token"] == TOKEN
    assert [r["method"] for r in srv.requests[:3]] == ["PUT", "GET", "GET"]
    assert SECRET not in p.stderr and TOKEN[:40] not in p.stderr


def test_container_credentials(scripted, tmp_path):
    (tmp_path / "ecs-token").write_text("ECS-AUTH-TOKEN-123\n")

    def answer(req):
        r = sts_answer(req, "task-role")
        if r:
            return r
        if req["path"] == "/v1/credentials":
            if req["headers"].get("authorization") != "ECS-AUTH-TOKEN-123":
                return 401, {}, '{"message":"no"}'
            return 200, {"Content-Type": "application/json"}, metadata_creds("ASIAECSKEY")
        return 404, {}, ""
    srv = scripted(answer)
    env = base_env(tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=srv.url + "/v1/credentials",
                   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(tmp_path / "ecs-token"),
                   AWS_ENDPOINT_URL_STS=srv.url)
    p = run(env, "whoami", "--json", "-v")
    out = ok_json(p)
    assert out["Credentials"]["Source"] == "container endpoint"
    assert out["Credentials"]["AccessKeyId"] == "ASIAECSKEY"
    assert "ECS-AUTH-TOKEN-123" not in p.stderr
    # A wrong token: a clear error, no fall-through to another source.
    (tmp_path / "ecs-token").write_text("WRONG")
    p = run(env, "whoami")
    assert p.returncode == 1 and "container endpoint: HTTP 401" in p.stderr


def test_cli_help_and_usage(tmp_path):
    p = subprocess.run([BIN, "aws", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "payerlink aws whoami" in p.stdout
    p = subprocess.run([BIN, "aws", "whoami", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "docs/live.md" in p.stdout
    p = run(base_env(tmp_path), "ls")
    assert p.returncode == 2
    p = run(base_env(tmp_path), "whoami", "--profile", "missing")
    assert p.returncode == 2 and "could not be found" in p.stderr
    p = run(base_env(tmp_path), "whoami")
    assert p.returncode == 1 and "no AWS credentials" in p.stderr
