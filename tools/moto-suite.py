#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs moto's Organizations tests, unmodified, in moto's server mode
against a freshly started `payerlink serve --emulator` (issue 21).

    PAYERLINK_MOTO_DIR=/path/to/moto tools/moto-suite.py [pytest args...]

PAYERLINK_MOTO_DIR is a checkout of moto 5.2.2 (github getmoto/moto, commit
837595545cc4a4bb8fede2cff84b2b2373443981); without it, or without the
Debian packages moto's tests import, the suite is skipped and says why.
Nothing of moto is in this repository.

Each test must pass, except those tests/moto/disagreements.txt names: there
moto and AWS disagree and payerlink does as AWS documents; they must fail
(one that passes makes its entry stale, and that fails the run). The last
line is what tools/test.sh adds up: "P passed, F failed, S skipped", where
skipped counts the documented disagreements and the tests that skip
themselves in server mode.

Env: PAYERLINK_BIN (default build/payerlink), PYTHON (default
/usr/bin/python3, the one that runs moto's tests), EXTRA_PYTHONPATH
(appended to PYTHONPATH), MOTO_SUITE_TIMEOUT (seconds, default 600).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DISAGREEMENTS = os.path.join(ROOT, "tests", "moto", "disagreements.txt")
MODULES = ("boto3", "botocore", "pytest", "werkzeug", "responses", "xmltodict",
           "requests", "jinja2", "dateutil", "cryptography", "yaml")


def disagreements(path=DISAGREEMENTS):
    """The records of the disagreements file: [{field: text}], tests as a
    list. tools/gen-coverage.py reads them too."""
    records, cur, field = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                records.append(cur)
            cur, field = {}, None
            continue
        if line[0] in " \t" and field:
            cur[field] += " " + line.strip()
            continue
        m = re.match(r"(\w+):\s*(.*)", line)
        if not m:
            raise ValueError("%s: cannot read %r" % (path, line))
        field = m.group(1)
        cur[field] = m.group(2).strip()
    if cur:
        records.append(cur)
    for r in records:
        if "tests" in r:
            r["tests"] = r["tests"].split()
    return records


def skip(reason):
    print("moto suite skipped: %s" % reason)
    print("0 passed, 0 failed, 1 skipped")
    return 0


def start_server(binary, workdir):
    db = os.path.join(workdir, "moto.db")
    log = open(os.path.join(workdir, "server.log"), "w+")
    proc = subprocess.Popen([binary, "serve", "--emulator", "--db", db,
                             "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        log.seek(0)
        raise RuntimeError("server did not start: %r %s" % (line, log.read()))
    return proc, log, "http://127.0.0.1:%s" % m.group(1)


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def results(xml):
    """{test name: "passed" | "failed" | "skipped"} from a junit file."""
    out = {}
    root = ET.parse(xml).getroot()
    for tc in root.iter("testcase"):
        tags = {c.tag for c in tc}
        if tags & {"failure", "error"}:
            out[tc.get("name")] = "failed"
        elif "skipped" in tags:
            out[tc.get("name")] = "skipped"
        else:
            out[tc.get("name")] = "passed"
    return out


def main():
    moto = os.environ.get("PAYERLINK_MOTO_DIR", "")
    if not moto:
        return skip("PAYERLINK_MOTO_DIR is not set (a checkout of moto 5.2.2, "
                    "see tools/moto-suite.py)")
    if not os.path.isdir(os.path.join(moto, "tests", "test_organizations")):
        return skip("no moto checkout at %s (tests/test_organizations missing)" % moto)
    py = os.environ.get("PYTHON", "/usr/bin/python3")
    pypath = moto + (":" + os.environ["EXTRA_PYTHONPATH"]
                     if os.environ.get("EXTRA_PYTHONPATH") else "")
    check = subprocess.run([py, "-c", "import " + ", ".join(MODULES)],
                           env=dict(os.environ, PYTHONPATH=pypath),
                           capture_output=True, text=True)
    if check.returncode != 0:
        return skip("%s cannot import moto's test dependencies (%s); install "
                    "python3-boto3 python3-werkzeug python3-responses "
                    "python3-xmltodict python3-flask (Debian packages)"
                    % (py, check.stderr.strip().splitlines()[-1:]))
    expected = {}
    for r in disagreements():
        for t in r.get("tests", ()):
            expected[t] = r
    binary = os.environ.get("PAYERLINK_BIN", os.path.join(ROOT, "build", "payerlink"))
    work = tempfile.mkdtemp(prefix="payerlink-moto-")
    proc, log = None, None
    try:
        proc, log, url = start_server(binary, work)
        xml = os.path.join(work, "junit.xml")
        env = {k: v for k, v in os.environ.items()
               if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                            "AWS_ENDPOINT_URL")}
        env.update(TEST_SERVER_MODE="true", TEST_SERVER_MODE_ENDPOINT=url,
                   AWS_ACCESS_KEY_ID="FOOBARKEY", AWS_SECRET_ACCESS_KEY="FOOBARSECRET",
                   AWS_DEFAULT_REGION="us-east-1", PYTHONPATH=pypath,
                   PYTHONDONTWRITEBYTECODE="1")
        # The tests that only call moto's in-process backend never reach
        # an endpoint: deselected, as the peers' runner does.
        cmd = [py, "-m", "pytest", "-p", "no:cacheprovider", "--color=no", "-q",
               "--tb=line", "--junitxml=" + xml, "-k", "not test__get_resource",
               *sys.argv[1:], "tests/test_organizations"]
        try:
            run = subprocess.run(cmd, cwd=moto, env=env, capture_output=True, text=True,
                                 timeout=int(os.environ.get("MOTO_SUITE_TIMEOUT", "600")))
            tail = run.stdout.strip().splitlines()[-1:]
        except subprocess.TimeoutExpired:
            print("moto suite: timed out")
            print("0 passed, 1 failed, 0 skipped")
            return 1
        if not os.path.exists(xml):
            print(run.stdout[-3000:], run.stderr[-3000:])
            print("0 passed, 1 failed, 0 skipped")
            return 1
        got = results(xml)
    finally:
        code = stop_server(proc) if proc is not None else 0
        if log is not None:
            log.close()
        shutil.rmtree(work, ignore_errors=True)
    passed = [t for t, s in got.items() if s == "passed"]
    skipped = [t for t, s in got.items() if s == "skipped"]
    failed = [t for t, s in got.items() if s == "failed"]
    base = {t: t.split("[")[0] for t in got}
    agreed = [t for t in failed if base[t] in expected or t in expected]
    broken = [t for t in failed if t not in agreed]
    stale = [t for t in passed if base[t] in expected or t in expected]
    missing = sorted(set(expected) - {base[t] for t in got} - set(got))
    for t in broken:
        print("FAILED %s" % t)
    for t in stale:
        print("STALE  %s passes: remove it from tests/moto/disagreements.txt" % t)
    for t in missing:
        print("UNKNOWN %s is in tests/moto/disagreements.txt, not in the suite" % t)
    if code != 0:
        print("!! payerlink serve exited with status %s" % code)
    print("pytest: %s" % " ".join(tail))
    print("moto suite: %d passed, %d documented disagreements (docs/coverage.md), "
          "%d skipped in server mode, %d failed"
          % (len(passed) - len(stale), len(agreed), len(skipped),
             len(broken) + len(stale) + len(missing)))
    nfail = len(broken) + len(stale) + len(missing) + (code != 0)
    print("%d passed, %d failed, %d skipped" % (len(passed) - len(stale), nfail,
                                                len(agreed) + len(skipped)))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
