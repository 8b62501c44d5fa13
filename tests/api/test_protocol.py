# SPDX-License-Identifier: MIT
"""The AWS JSON 1.1 protocol and SigV4 as a client meets them: headers,
error bodies, bad input and authentication failures (issue 2 §3, §4 and
"Bad input"). Requests are signed with botocore's own SigV4 signer."""

import datetime
import http.client
import json

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

TARGET = "AWSOrganizationsV20161128."


def signed(server, acct, op, body, service="organizations", region="us-east-1",
           secret=None, when=None, target=None):
    """Headers and body of a request signed as the real SDKs sign it."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=server.url + "/", data=data,
        headers={"X-Amz-Target": target or TARGET + op,
                 "Content-Type": "application/x-amz-json-1.1"})
    creds = botocore.credentials.Credentials(acct["AccessKeyId"],
                                             secret or acct["SecretAccessKey"])
    signer = botocore.auth.SigV4Auth(creds, service, region)
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
    return dict(req.headers.items()), data


def call(server, acct, op, body=None, **kw):
    headers, data = signed(server, acct, op, {} if body is None else body, **kw)
    status, rh, rb = server.post("/", data, headers)
    return status, {k.lower(): v for k, v in rh.items()}, json.loads(rb) if rb else None


@pytest.fixture(scope="module")
def acct(strict):
    return strict.cli("account", "create", "--email", "protocol@example.com")


def test_success_has_request_id_and_content_type(strict, acct):
    status, h, body = call(strict, acct, "CreateOrganization", {})
    assert status == 200, body
    assert len(h["x-amzn-requestid"]) == 36
    assert h["content-type"] == "application/x-amz-json-1.1"
    assert body["Organization"]["MasterAccountId"] == acct["AccountId"]


# AWS: UnknownOperationException
def test_unknown_operation(strict, acct):
    status, h, body = call(strict, acct, "MakeCoffee")
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert h["x-amzn-errortype"] == "UnknownOperationException"
    assert len(h["x-amzn-requestid"]) == 36


def test_missing_target(strict, acct):
    headers, data = signed(strict, acct, "DescribeOrganization", {})
    del headers["X-Amz-Target"]
    status, h, body = strict.post("/", data, headers)
    assert status == 400 and json.loads(body)["__type"] == "UnknownOperationException"


# AWS: SerializationException
@pytest.mark.parametrize("raw", [b"{", b"[]", b'{"a":1,"a":2}', b'{"Notes":"\xff\xfe"}',
                                 b"[" * 10000 + b"]" * 10000,
                                 b'{"MaxResults": 1' + b"0" * 40 + b"}"])
def test_malformed_bodies(strict, acct, raw):
    status, h, body = call(strict, acct, "ListAccounts", raw)
    assert status == 400, body
    assert body["__type"] == "SerializationException"


def test_unknown_members_are_ignored(strict, acct):
    status, _, body = call(strict, acct, "DescribeOrganization", {"NoSuchMember": [1, 2]})
    assert status == 200, body


# AWS: InvalidInputException (wrong type, missing required member)
def test_wrong_types_and_missing_members(strict, acct):
    status, _, body = call(strict, acct, "ListAccounts", {"MaxResults": "five"})
    assert status == 400 and body["__type"] == "InvalidInputException"
    status, _, body = call(strict, acct, "DescribeAccount", {})
    assert status == 400 and body["__type"] == "InvalidInputException"
    assert body["Reason"] == "INPUT_REQUIRED"


# AWS: RequestEntityTooLargeException (body over 1 MiB; the connection stays usable)
def test_body_over_limit_keeps_connection_sane(strict, acct):
    big = {"Notes": "x" * (1024 * 1024 + 10)}
    headers, data = signed(strict, acct, "DescribeOrganization", big)
    conn = http.client.HTTPConnection("127.0.0.1", strict.port, timeout=30)
    conn.request("POST", "/", data, headers)
    r = conn.getresponse()
    body = json.loads(r.read())
    assert r.status == 413 and body["__type"] == "RequestEntityTooLargeException"
    headers, data = signed(strict, acct, "DescribeOrganization", {})
    conn.request("POST", "/", data, headers)
    r = conn.getresponse()
    assert r.status == 200, r.read()
    r.read()
    conn.close()


# AWS: MissingAuthenticationTokenException
def test_unsigned_request(strict):
    status, h, body = strict.post("/", {}, {"X-Amz-Target": TARGET + "DescribeOrganization",
                                            "Content-Type": "application/x-amz-json-1.1"})
    assert status == 403
    assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"


# AWS: IncompleteSignatureException
def test_incomplete_signature(strict, acct):
    headers, data = signed(strict, acct, "DescribeOrganization", {})
    auth = headers["Authorization"]
    cred = auth.split("Credential=")[1].split(",")[0]
    broken = [
        # No SignedHeaders.
        ", ".join(p for p in auth.split(", ") if not p.startswith("SignedHeaders=")),
        # A credential scope with a part missing.
        auth.replace(cred, cred.rsplit("/", 1)[0]),
    ]
    for bad in broken:
        status, _, body = strict.post("/", data, dict(headers, Authorization=bad))
        assert status == 400, (bad, status, body)
        assert json.loads(body)["__type"] == "IncompleteSignatureException", (bad, body)


# AWS: UnrecognizedClientException
def test_unknown_access_key(strict):
    fake = {"AccessKeyId": "AKPLNOSUCHKEY0000000", "SecretAccessKey": "x"}
    status, _, body = call(strict, fake, "DescribeOrganization")
    assert status == 400 and body["__type"] == "UnrecognizedClientException"
    assert body["Message"] == "The security token included in the request is invalid."


# AWS: InvalidSignatureException (wrong secret)
def test_wrong_secret(strict, acct):
    status, _, body = call(strict, acct, "DescribeOrganization", secret="wrong")
    assert status == 400 and body["__type"] == "InvalidSignatureException"
    assert body["Message"].startswith("The request signature we calculated does not match")


# AWS: InvalidSignatureException (signed for another service)
def test_signature_for_another_service(strict, acct):
    status, _, body = call(strict, acct, "DescribeOrganization", service="s3")
    assert status == 400 and body["__type"] == "InvalidSignatureException"
    assert "organizations" in body["Message"]


# AWS: InvalidSignatureException (replayed with an expired date)
def test_replayed_expired_request(strict, acct):
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    status, _, body = call(strict, acct, "DescribeOrganization", when=old)
    assert status == 400 and body["__type"] == "InvalidSignatureException"
    assert body["Message"].startswith("Signature expired")
    fresh = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
    assert call(strict, acct, "DescribeOrganization", when=fresh)[0] == 200


def test_tampered_body_is_refused(strict, acct):
    headers, data = signed(strict, acct, "ListAccounts", {"MaxResults": 5})
    status, _, body = strict.post("/", data.replace(b"5", b"6"), headers)
    assert status == 400 and json.loads(body)["__type"] == "InvalidSignatureException"


def test_bad_requests_change_nothing(strict):
    a = strict.cli("account", "create", "--email", "unchanged@example.com")
    for raw in (b"{", b'{"FeatureSet": "NOPE"}', b'{"FeatureSet": 5}'):
        assert call(strict, a, "CreateOrganization", raw)[0] == 400
    status, _, body = call(strict, a, "DescribeOrganization")
    assert status == 400 and body["__type"] == "AWSOrganizationsNotInUseException"


def test_too_many_headers(strict, acct):
    headers, data = signed(strict, acct, "DescribeOrganization", {})
    for i in range(150):
        headers["X-Extra-%d" % i] = "v"
    status, _, _ = strict.post("/", data, headers)
    assert status == 431
    # The server is still there for everyone else.
    assert call(strict, acct, "DescribeOrganization")[0] == 200


def test_sigterm_finishes_and_exits_cleanly(new_account):
    from conftest import Server
    s = Server()
    a = s.cli("account", "create", "--email", "stop@example.com")
    assert call(s, a, "CreateOrganization", {})[0] == 200
    assert s.stop() == 0
