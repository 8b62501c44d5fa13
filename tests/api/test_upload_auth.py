# SPDX-License-Identifier: MIT
"""POST /api/v1/imports is authenticated before its body is read (issue 24).
Before, any existing access key id in the Authorization header got the whole
body read and parsed, whatever its signature, date or account: four parallel
223 MB uploads with an all-zero signature took the server to 953 MB.

Now the headers are checked first (signature over them and over the
declared x-amz-content-sha256, key owner = the MSP): every refusal here is
answered while the client has sent no byte of its body. The body declared
as its SHA-256 is checked at its end and committed only if it matches;
STREAMING-AWS4-HMAC-SHA256-PAYLOAD (aws-chunked, as AWS's SDKs stream
uploads) is checked chunk by chunk. A server without --emulator."""

import datetime
import gzip
import hashlib
import hmac
import http.client
import json
import socket
import threading

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

from conftest import Server, client, sql

PATH = "/api/v1/imports"


@pytest.fixture(scope="module")
def up():
    """A strict server, its MSP and another account."""
    s = Server()
    msp = s.cli("account", "create", "--email", "msp@upload.example", "--name", "Upload MSP")
    other = s.cli("account", "create", "--email", "other@upload.example", "--name", "Other")
    client(s, msp).create_organization()
    s.cli("msp", "set", msp["AccountId"], "--name", "Upload MSP", "--json")
    yield s, msp, other
    assert s.stop() == 0


def sign(server, acct, path, payload_hash, extra=None, secret=None, when=None,
         unsigned=()):
    """Headers of an upload signed as botocore signs it, with
    X-Amz-Content-SHA256 standing for the body; `unsigned` headers are
    added after signing."""
    headers = {"Content-Type": "text/csv", "X-Amz-Content-SHA256": payload_hash}
    headers.update(extra or {})
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.url + path, data=b"",
                                         headers=headers)
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(
        acct["AccessKeyId"], secret or acct["SecretAccessKey"]), "payerlink", "us-east-1")
    if when is not None:
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return when
        old = botocore.auth.datetime.datetime
        botocore.auth.datetime.datetime = Frozen
        try:
            signer.add_auth(req)
        finally:
            botocore.auth.datetime.datetime = old
    else:
        signer.add_auth(req)
    out = dict(req.headers.items())
    for k in unsigned:
        out[k] = "x"
    return out


def head_only(server, headers, length, path=PATH):
    """Sends the request line and headers announcing `length` bytes of body,
    and not one byte of it; returns (status, headers, JSON body) of the
    answer. A server that waited for the body would time the client out."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    try:
        lines = ["POST %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % server.port]
        lines += ["%s: %s" % (k, v) for k, v in headers.items() if k.lower() != "host"]
        lines.append("Content-Length: %d" % length)
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(body)
    finally:
        s.close()


def post(server, headers, data, path=PATH):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        c.request("POST", path, body=data, headers=headers)
        r = c.getresponse()
        return r.status, json.loads(r.read())
    finally:
        c.close()


def imports(server):
    return sql(server.db, "SELECT COUNT(*) FROM billing_imports")[0][0]


BIG = 223 * 1000 * 1000


def test_refused_uploads_are_answered_before_their_body(up):
    """Each refusal comes with no body byte sent: unsigned, all-zero
    signature with the MSP's key id, wrong secret, expired, another
    account's valid signature, no or an unsigned x-amz-content-sha256,
    larger than --max-upload."""
    s, msp, other = up
    body = hashlib.sha256(b"x").hexdigest()
    before = imports(s)
    st, _, b = head_only(s, {"Content-Type": "text/csv"}, BIG)
    assert st == 403 and b["Error"]["Code"] == "MissingAuthenticationToken", b

    h = sign(s, msp, PATH, body)
    sig = h["Authorization"].rsplit("Signature=", 1)[1]
    h["Authorization"] = h["Authorization"].replace(sig, "0" * 64)
    st, _, b = head_only(s, h, BIG)
    assert st == 400 and b["Error"]["Code"] == "InvalidSignatureException", b

    st, _, b = head_only(s, sign(s, msp, PATH, body, secret="y" * 40), BIG)
    assert st == 400 and b["Error"]["Code"] == "InvalidSignatureException", b

    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    st, _, b = head_only(s, sign(s, msp, PATH, body, when=old), BIG)
    assert st == 400 and "Signature expired" in b["Error"]["Message"], b

    st, _, b = head_only(s, sign(s, other, PATH, body), BIG)
    assert st == 403 and b["Error"]["Code"] == "AccessDenied", b

    h = sign(s, msp, PATH, body)
    del h["X-Amz-Content-SHA256"]
    st, _, b = head_only(s, h, BIG)
    assert st == 400 and b["Error"]["Code"] == "InvalidRequest", b
    assert "x-amz-content-sha256" in b["Error"]["Message"]

    st, _, b = head_only(s, sign(s, msp, PATH, "SOMETHING-ELSE"), BIG)
    assert st == 400 and b["Error"]["Code"] == "InvalidRequest", b

    h = sign(s, msp, PATH, "UNSIGNED-PAYLOAD", unsigned=())
    h["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    # Signed with the header, then sent with a second, unsigned x-amz-* one.
    h["X-Amz-Meta-Other"] = "added later"
    st, _, b = head_only(s, h, BIG)
    assert st == 400 and b["Error"]["Code"] == "IncompleteSignatureException", b

    st, _, b = head_only(s, sign(s, msp, PATH, "UNSIGNED-PAYLOAD"), 5 << 30)
    assert st == 413 and b["Error"]["Code"] == "RequestEntityTooLarge", b
    assert imports(s) == before


def unique_rows(n, payer="111122223333", salt=""):
    """A CUR 2.0 body of n rows of payer, each its own rollup group (the
    most memory a parse can take per byte)."""
    head = ("bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
            "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
            "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
            "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
            "line_item_line_item_description\n")
    rows = ["%s,2026-09-01T00:00:00Z,%012d,Usage,2026-09-%02dT%02d:00:00Z,"
            "AmazonEC2,BoxUsage:u%d,RunInstances,us-east-1,OnDemand,USD,0.01,1,d%s\n"
            % (payer, k % 3000, k % 28 + 1, k % 24, k, salt) for k in range(n)]
    return (head + "".join(rows)).encode()


def test_forged_uploads_in_parallel_keep_memory_flat(up):
    """The finding: parallel uploads with an all-zero signature and the
    MSP's key id. Before, each was parsed whole (four bodies of 73 MB took
    the server to 375 MB); now each is refused at its headers, and whatever
    the clients push after, the server's peak resident memory stays low."""
    s, msp, _ = up
    h = sign(s, msp, PATH, "UNSIGNED-PAYLOAD")
    sig = h["Authorization"].rsplit("Signature=", 1)[1]
    h["Authorization"] = h["Authorization"].replace(sig, "0" * 64)
    body = unique_rows(500000)
    answers = []

    def push():
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=60)
        lines = ["POST %s HTTP/1.1" % PATH, "Host: 127.0.0.1:%d" % s.port]
        lines += ["%s: %s" % kv for kv in h.items()]
        lines.append("Content-Length: %d" % len(body))
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            sock.sendall(body)
        except OSError:
            pass        # the server answered and closed: expected
        try:
            answers.append(sock.recv(12))
        except OSError:
            answers.append(b"reset")
        sock.close()

    ts = [threading.Thread(target=push) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    peak = int(open("/proc/%d/status" % s.proc.pid).read().split("VmHWM:")[1].split()[0])
    assert peak < 100 * 1024, "server peak RSS %d kB" % peak
    assert len(answers) == 4


def test_declared_sha256_is_checked_before_commit(up):
    """A body that is not the one signed is refused at its end and not
    committed: the right body afterwards is a new import, not "already
    imported"."""
    s, msp, _ = up
    data = gzip.compress(unique_rows(2000, msp["AccountId"], "sha"))
    wrong = hashlib.sha256(data + b"x").hexdigest()
    st, b = post(s, sign(s, msp, PATH + "?name=f.csv.gz", wrong), data,
                 PATH + "?name=f.csv.gz")
    assert st == 400 and b["Error"]["Code"] == "XAmzContentSHA256Mismatch", b
    st, b = post(s, sign(s, msp, PATH + "?name=f.csv.gz", hashlib.sha256(data).hexdigest()),
                 data, PATH + "?name=f.csv.gz")
    assert st == 201 and b["status"] == "imported", b
    # UNSIGNED-PAYLOAD (curl -T streams it): the same delivery, recognised.
    st, b = post(s, sign(s, msp, PATH + "?name=f.csv.gz", "UNSIGNED-PAYLOAD"), data,
                 PATH + "?name=f.csv.gz")
    assert st == 200 and b["status"] == "already imported", b


def chunked(key, secret, amz_date, seed, data, size=65536, tamper=None):
    """The aws-chunked body of data, each chunk signed (AWS's S3 spec)."""
    scope_date = amz_date[:8]
    k = ("AWS4" + secret).encode()
    for part in (scope_date, "us-east-1", "payerlink", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    scope = "%s/us-east-1/payerlink/aws4_request" % scope_date
    out, prev = [], seed
    pieces = [data[i:i + size] for i in range(0, len(data), size)] + [b""]
    for n, piece in enumerate(pieces):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev,
                         hashlib.sha256(b"").hexdigest(), hashlib.sha256(piece).hexdigest()])
        prev = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        if tamper == n:
            piece = piece[:-1] + b"?"
        out.append(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(piece), prev.encode(), piece))
    return b"".join(out)


def streaming(s, acct, data, path, tamper=None):
    h = sign(s, acct, path, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
             {"Content-Encoding": "aws-chunked",
              "X-Amz-Decoded-Content-Length": str(len(data))})
    seed = h["Authorization"].rsplit("Signature=", 1)[1]
    return h, chunked(acct["AccessKeyId"], acct["SecretAccessKey"], h["X-Amz-Date"], seed,
                      data, tamper=tamper)


def test_streaming_signed_chunks(up):
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD: accepted when every chunk's
    signature chains; one changed byte in one chunk and nothing is
    imported."""
    s, msp, _ = up
    data = unique_rows(3000, msp["AccountId"], "stream")
    path = PATH + "?name=stream.csv"
    h, body = streaming(s, msp, data, path, tamper=3)
    st, b = post(s, h, body, path)
    assert st == 400 and b["Error"]["Code"] == "InvalidSignatureException", b
    assert "chunk signature" in b["Error"]["Message"]
    # Short of its declared length (both signed): refused, not committed.
    h2 = sign(s, msp, path, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
              {"Content-Encoding": "aws-chunked",
               "X-Amz-Decoded-Content-Length": str(len(data))})
    body = chunked(msp["AccessKeyId"], msp["SecretAccessKey"], h2["X-Amz-Date"],
                   h2["Authorization"].rsplit("Signature=", 1)[1], data[:-1000])
    st, b = post(s, h2, body, path)
    assert st == 400 and b["Error"]["Code"] == "IncompleteBody", b
    h, body = streaming(s, msp, data, path)
    st, b = post(s, h, body, path)
    assert st == 201 and b["status"] == "imported" and b["rows"] == 3000, b


def test_upload_slots(up):
    """At most --max-uploads (4) run at once; past that, 503 SlowDown with
    Retry-After, before the body."""
    s, msp, _ = up
    socks = []
    try:
        for _ in range(4):
            h = sign(s, msp, PATH + "?name=slow.csv", "UNSIGNED-PAYLOAD")
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=20)
            lines = ["POST %s?name=slow.csv HTTP/1.1" % PATH, "Host: 127.0.0.1:%d" % s.port]
            lines += ["%s: %s" % kv for kv in h.items()]
            lines += ["Content-Length: 1000", "Expect: 100-continue"]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            assert b"100" in sock.recv(64)
            socks.append(sock)
        st, hd, b = head_only(s, sign(s, msp, PATH, "UNSIGNED-PAYLOAD"), 1000)
        assert st == 503 and b["Error"]["Code"] == "SlowDown", b
        assert hd.get("retry-after") == "5"
    finally:
        for sock in socks:
            sock.close()
