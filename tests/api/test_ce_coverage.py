# SPDX-License-Identifier: MIT
"""Cost Explorer's operations: docs/coverage.md lists the 47 of the newest
model (the list in tools/gen-coverage.py, checked here against the newest
boto3 found on PATH); every one payerlink does not implement answers as
AWS answers an operation it does not know: HTTP 400
UnknownOperationException."""

import importlib.util
import json
import os
import shutil
import subprocess

import pytest

from test_protocol import call

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gen():
    spec = importlib.util.spec_from_file_location("gencov", os.path.join(ROOT, "tools", "gen-coverage.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def implemented():
    return {o[1] for o in gen().defs("src/aws/ops.def", "OP") if o[0] == "CE"}


def peer_model():
    """The CE operation names of the first python3 on PATH's botocore, and
    its version; None when that python has no botocore."""
    py = shutil.which("python3")
    if py is None:
        return None
    p = subprocess.run([py, "-c", "import botocore, botocore.session, json; "
                        "m = botocore.session.get_session().get_service_model('ce'); "
                        "print(json.dumps([botocore.__version__, m.operation_names]))"],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)


def test_the_list_is_the_newest_models():
    peer = peer_model()
    if peer is None:
        pytest.skip("no botocore in the first python3 on PATH to compare the list with")
    version, ops = peer
    if tuple(int(x) for x in version.split(".")[:2]) < (1, 43):
        pytest.skip("the first python3 on PATH has botocore %s, older than the 1.43 "
                    "the list was taken from" % version)
    assert sorted(gen().CE_MODEL) == sorted(ops)


def test_coverage_lists_every_operation_with_its_state():
    text = open(os.path.join(ROOT, "docs", "coverage.md")).read()
    section = text.split("## Cost Explorer operations", 1)[1].split("\n## ", 1)[0]
    rows = {l.split("|")[1].strip(): l.split("|")[2].strip()
            for l in section.splitlines() if l.startswith("| ") and not l.startswith("| Operation")}
    assert set(rows) == set(gen().CE_MODEL) and len(rows) == 47
    impl = implemented()
    for op, state in rows.items():
        assert (state == "yes") == (op in impl), op
        assert state == "yes" or len(state) > len("no: "), op


# AWS: UnknownOperationException
def test_unimplemented_operations_answer_as_aws_does(srv, new_account):
    a = new_account(name="Asker")
    impl = implemented()
    missing = [op for op in gen().CE_MODEL if op not in impl]
    assert missing, "every operation is implemented: drop this test"
    for op in missing:
        status, h, body = call(srv, a, op, {}, service="ce", target="AWSInsightsIndexService." + op)
        assert status == 400, (op, body)
        assert body["__type"] == "UnknownOperationException", (op, body)
        assert h["x-amzn-errortype"] == "UnknownOperationException"
