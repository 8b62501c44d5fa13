#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/api.sh's helper. Two commands:

  api_setup.py populate URL KEY SECRET N    an organization with N member accounts
                                            (payerlink: accounts made by the CLI,
                                            invited and accepted; moto: CreateAccount)
  api_setup.py wrk URL KEY SECRET OP BODY   writes a wrk Lua script to stdout that
                                            sends OP with BODY, signed now with SigV4
  api_setup.py wrk-walk URL KEY SECRET N    the same, cycling through the first N
                                            pages of ListAccounts

The signature is computed once: wrk replays the same signed request, and the
server verifies it on every request (the date stays inside the 15-minute window
for the length of one run)."""

import json
import os
import subprocess
import sys

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials

TARGET = "AWSOrganizationsV20161128."


def client(url, key, secret):
    return boto3.client("organizations", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)


def populate(url, key, secret, n, payerlink_bin=None, db=None):
    c = client(url, key, secret)
    try:
        c.create_organization(FeatureSet="ALL")
    except c.exceptions.AlreadyInOrganizationException:
        pass
    if payerlink_bin is None:  # moto
        for i in range(n):
            c.create_account(Email="bench%d@example.com" % i, AccountName="bench %d" % i)
        return
    for i in range(n):
        if i and i % 20 == 0:
            # Invitations are limited to 20 a day: move the emulator's clock.
            subprocess.run(["curl", "-s", "-X", "POST", url + "/api/v1/test/clock",
                            "-d", '{"advance_seconds": 86401}'], check=True,
                           stdout=subprocess.DEVNULL)
        a = json.loads(subprocess.run(
            [payerlink_bin, "account", "create", "--email", "bench%d@example.com" % i,
             "--name", "bench %d" % i, "--db", db],
            check=True, capture_output=True, text=True).stdout)
        hs = c.invite_account_to_organization(
            Target={"Id": a["AccountId"], "Type": "ACCOUNT"})["Handshake"]
        client(url, a["AccessKeyId"], a["SecretAccessKey"]).accept_handshake(
            HandshakeId=hs["Id"])


def wrk_script(url, key, secret, op, body):
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=url + "/", data=body.encode(),
        headers={"X-Amz-Target": TARGET + op, "Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret),
                            "organizations", "us-east-1").add_auth(req)
    lines = ['wrk.method = "POST"', "wrk.body = %s" % json.dumps(body)]
    for k, v in req.headers.items():
        lines.append('wrk.headers["%s"] = %s' % (k, json.dumps(v)))
    lines.append("")
    lines.append("function response(status, headers, body)")
    lines.append('  if status ~= 200 then io.stderr:write("HTTP " .. status .. " " .. body .. "\\n") end')
    lines.append("end")
    print("\n".join(lines))


def wrk_walk(url, key, secret, pages):
    """A wrk script that walks the first `pages` pages of ListAccounts (20 per
    page, AWS's cap) in turn: N requests read N*20 accounts, the way a client
    asking for 100 accounts reads them. Each page is signed once."""
    c = client(url, key, secret)
    bodies, token = [], None
    for _ in range(int(pages)):
        body = {"MaxResults": 20}
        if token:
            body["NextToken"] = token
        bodies.append(json.dumps(body))
        token = c.list_accounts(**body).get("NextToken")
        if not token:
            break
    lines = ["local reqs = {}"]
    for i, body in enumerate(bodies):
        req = botocore.awsrequest.AWSRequest(
            method="POST", url=url + "/", data=body.encode(),
            headers={"X-Amz-Target": TARGET + "ListAccounts",
                     "Content-Type": "application/x-amz-json-1.1"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret),
                                "organizations", "us-east-1").add_auth(req)
        # wrk.format adds no Host header of its own; it is a signed one.
        hdrs = ", ".join(['["Host"] = %s' % json.dumps(url.split("://", 1)[1])] +
                         ['["%s"] = %s' % (k, json.dumps(v)) for k, v in req.headers.items()])
        lines.append("reqs[%d] = wrk.format(\"POST\", \"/\", {%s}, %s)" % (i + 1, hdrs, json.dumps(body)))
    lines += ["local i = 0",
              "function request() i = i %% %d + 1 return reqs[i] end" % len(bodies),
              "function response(status, headers, body)",
              '  if status ~= 200 then io.stderr:write("HTTP " .. status .. " " .. body .. "\\n") end',
              "end"]
    print("\n".join(lines))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "populate":
        populate(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]),
                 os.environ.get("PAYERLINK_BIN"), os.environ.get("PAYERLINK_DB"))
    elif cmd == "wrk":
        wrk_script(*sys.argv[2:7])
    elif cmd == "wrk-walk":
        wrk_walk(*sys.argv[2:6])
    else:
        sys.exit("usage: api_setup.py populate|wrk ...")
