# SPDX-License-Identifier: MIT
"""make test in any clone, on a plain Debian 12 (issue 24): in a clone with
no ../shared beside it two unit tests failed with "opendir(root) failed"
and API tests on missing sample files; on a plain Debian 12 root the
browser tests stopped at "node: not found"."""

import os
import re
import shutil
import subprocess

from conftest import DATA, ROOT


def test_the_data_the_tests_read_is_in_the_repository():
    """Every sample and the SigV4 suite are in tests/data, each with where
    it comes from and its licence, and no test reads a path outside the
    clone."""
    base = os.path.join(ROOT, "tests", "data")
    for d, files in (("sigv4-test-suite", ["SOURCE.md", "LICENSE", "NOTICE"]),
                     ("samples/focus-sample-data-1.0", ["SOURCE.md", "LICENSE", "focus_sample.csv"]),
                     ("samples/focus-converters-aws-cur",
                      ["SOURCE.md", "LICENSE", "sample-anonymous-aws-export-dataset.csv"])):
        for f in files:
            assert os.path.isfile(os.path.join(base, d, f)), (d, f)
    cases = [c for c in os.listdir(os.path.join(base, "sigv4-test-suite"))
             if os.path.isdir(os.path.join(base, "sigv4-test-suite", c))]
    assert len(cases) >= 38
    if "PAYERLINK_TEST_DATA" not in os.environ:
        assert os.path.realpath(DATA) == os.path.realpath(base)
    for sub in ("tests/api", "tests/unit", "tests/e2e", "tools", "bench"):
        for dirpath, dirs, names in os.walk(os.path.join(ROOT, sub)):
            dirs[:] = [x for x in dirs if x not in ("node_modules", "__pycache__")]
            for n in names:
                if n == os.path.basename(__file__) or not re.search(r"\.(py|c|h|sh|mjs)$", n):
                    continue
                text = open(os.path.join(dirpath, n), errors="replace").read()
                assert "shared/data" not in text and "/work/" not in text, (dirpath, n)


def test_test_deps_installs_node_from_debian_where_there_is_none(tmp_path):
    """tools/deps.sh test adds Debian's nodejs and npm when no node (npm)
    is on the PATH, and leaves a node already there alone. Run as on a
    plain Debian 12 root: a PATH without node, dpkg knowing no package,
    DEPS_DRY_RUN=1 to only list what it would install."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "grep", "id"):
        os.symlink(shutil.which(tool), bare / tool)
    (bare / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (bare / "dpkg-query").chmod(0o755)
    env = {"PATH": str(bare), "DEPS_DRY_RUN": "1"}

    def missing():
        out = subprocess.run(["/bin/sh", os.path.join(ROOT, "tools", "deps.sh"), "test"],
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        assert "missing Debian packages:" in out.stdout, out.stdout
        return out.stdout.split("packages:", 1)[1].split()

    got = missing()
    assert "nodejs" in got and "npm" in got and "chromium" in got, got
    for tool in ("node", "npm"):
        (bare / tool).write_text("#!/bin/sh\nexit 0\n")
        (bare / tool).chmod(0o755)
    got = missing()
    assert "nodejs" not in got and "npm" not in got and "chromium" in got, got


def test_ci_builds_with_warnings_as_errors():
    text = open(os.path.join(ROOT, ".ci", "run")).read()
    assert re.search(r"^CI=1 make test$", text, re.M), text
    mk = open(os.path.join(ROOT, "Makefile")).read()
    assert re.search(r"ifdef CI\s+WARN\s*\+=\s*-Werror", mk)
