# SPDX-License-Identifier: MIT
"""The newest AWS model as a peer. Debian's python runs the tests with
Debian's boto3 and aws CLI, whose Organizations model is older (55
operations); the operations AWS added since (billing transfer, effective
policy validation: 63 in botocore 1.43) are driven by the boto3 and aws CLI
v1 of another Python that has them, the machine image's. Found by
$PAYERLINK_NEWEST_PYTHON / $PAYERLINK_NEWEST_AWS, else `python3` / `aws` on
PATH when they are not Debian's. Tests that need it skip, saying why, when
there is none.

`Peer` keeps one process of that Python open for a whole test (importing
boto3 takes a second) and speaks JSON lines with it: a call is the
operation's name and its parameters (timestamps as epoch seconds), the
answer the response with timestamps as epoch seconds, or the error's
code, reason, message and HTTP status."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

NEED_OP = "InviteOrganizationToTransferResponsibility"

_PEER = r'''
import datetime, json, sys
import boto3, botocore.config
from botocore.exceptions import ClientError, ParamValidationError

clients = {}

def enc(o):
    if isinstance(o, datetime.datetime):
        return o.timestamp()
    raise TypeError(repr(o))

for line in sys.stdin:
    q = json.loads(line)
    k = (q["url"], q["key"], q["service"])
    if k not in clients:
        clients[k] = boto3.client(
            q["service"], endpoint_url=q["url"], region_name="us-east-1",
            aws_access_key_id=q["key"], aws_secret_access_key=q["secret"],
            config=botocore.config.Config(retries={"max_attempts": 1}))
    try:
        r = clients[k]._make_api_call(q["op"], q["params"])
        r.pop("ResponseMetadata", None)
        out = {"ok": r}
    except ClientError as e:
        out = {"error": {"Code": e.response["Error"]["Code"],
                         "Message": e.response["Error"].get("Message"),
                         "Reason": e.response.get("Reason"),
                         "Status": e.response["ResponseMetadata"]["HTTPStatusCode"]}}
    except ParamValidationError as e:
        out = {"error": {"Code": "ParamValidation", "Message": str(e)}}
    sys.stdout.write(json.dumps(out, default=enc) + "\n")
    sys.stdout.flush()
'''

_found = {}


def _debian(path):
    real = os.path.realpath(path)
    return real.startswith("/usr/bin/") or real.startswith("/bin/")


def python():
    """The newest model's Python, or None (the reason in skip_reason())."""
    if "python" in _found:
        return _found["python"]
    cands = [os.environ.get("PAYERLINK_NEWEST_PYTHON"), shutil.which("python3"),
             shutil.which("python")]
    got, why = None, "no Python besides Debian's on PATH"
    for c in cands:
        if not c or (_debian(c) and not os.environ.get("PAYERLINK_NEWEST_PYTHON")):
            continue
        p = subprocess.run(
            [c, "-c", "import botocore.session as s; m = s.get_session()"
             ".get_service_model('organizations'); import botocore; "
             "print(botocore.__version__, len(m.operation_names), "
             "%r in m.operation_names)" % NEED_OP],
            capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            why = "%s has no boto3/botocore" % c
            continue
        ver, n, has = p.stdout.split()
        if has != "True":
            why = "%s has botocore %s, whose model lacks %s" % (c, ver, NEED_OP)
            continue
        got = (c, ver, int(n))
        break
    _found["python"] = got
    _found["why"] = why
    return got


def aws_cli():
    """The newest model's aws CLI: (path, botocore version), or None."""
    if "aws" in _found:
        return _found["aws"]
    got = None
    for c in (os.environ.get("PAYERLINK_NEWEST_AWS"), shutil.which("aws")):
        if not c or (_debian(c) and not os.environ.get("PAYERLINK_NEWEST_AWS")):
            continue
        p = subprocess.run([c, "--version"], capture_output=True, text=True,
                           timeout=60)
        m = re.search(r"botocore/(\d+)\.(\d+)", p.stdout + p.stderr)
        if m and (int(m.group(1)), int(m.group(2))) >= (1, 40):
            got = (c, "%s.%s" % (m.group(1), m.group(2)))
            break
    _found["aws"] = got
    return got


def require():
    """Skips the test, saying why, without the newest boto3."""
    if python() is None:
        pytest.skip("the newest AWS model is not on this machine: %s "
                    "(set PAYERLINK_NEWEST_PYTHON)" % _found["why"])


def require_cli():
    if aws_cli() is None:
        pytest.skip("no aws CLI with the newest model besides Debian's "
                    "(set PAYERLINK_NEWEST_AWS)")


class PeerError(Exception):
    def __init__(self, err):
        super().__init__("%s %s: %s" % (err.get("Code"), err.get("Reason"),
                                        err.get("Message")))
        self.code = err.get("Code")
        self.reason = err.get("Reason")
        self.message = err.get("Message")
        self.status = err.get("Status")


class Peer:
    """One process of the newest boto3 for the length of a test."""

    def __init__(self):
        require()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        # pyenv's shims must not pick Debian's Python for it.
        env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            [python()[0], "-c", _PEER], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=env)

    def call(self, server, acct, op, service="organizations", **params):
        q = {"url": server.url, "key": acct["AccessKeyId"],
             "secret": acct["SecretAccessKey"], "service": service,
             "op": op, "params": params}
        self.proc.stdin.write(json.dumps(q) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the newest-model peer died")
        r = json.loads(line)
        if "error" in r:
            raise PeerError(r["error"])
        return r["ok"]

    def fails(self, server, acct, op, code, reason=None, **params):
        """Calls op and expects AWS error `code` (and Reason), HTTP 400."""
        with pytest.raises(PeerError) as exc:
            self.call(server, acct, op, **params)
        assert exc.value.code == code, exc.value
        if reason is not None:
            assert exc.value.reason == reason, exc.value
        assert exc.value.status == 400, exc.value
        return exc.value

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)


@pytest.fixture
def peer():
    p = Peer()
    yield p
    p.close()


def cli(server, acct, *args):
    """Runs the newest aws CLI; returns (rc, parsed stdout, stderr)."""
    require_cli()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=acct["AccessKeyId"],
               AWS_SECRET_ACCESS_KEY=acct["SecretAccessKey"],
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_MAX_ATTEMPTS="1")
    env.pop("PYTHONPATH", None)
    p = subprocess.run([aws_cli()[0], "--endpoint-url", server.url, "--output",
                        "json", *args], capture_output=True, text=True, env=env,
                       timeout=120)
    out = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, out, p.stderr


if __name__ == "__main__":
    print(python(), aws_cli(), _found.get("why"), file=sys.stderr)
