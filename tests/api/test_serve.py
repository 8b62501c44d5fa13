# SPDX-License-Identifier: MIT
"""payerlink serve as an operator starts it (issue 24): a second server on a
port in use fails at once and says why, instead of sharing the port and
answering every other request; HTTPS with --tls-cert/--tls-key or behind a
proxy (--public-url https://...): cookies are Secure and HSTS is sent."""

import http.client
import os
import subprocess

from conftest import BIN, Server, drop_db, new_db


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    out = r.status, r.read()
    c.close()
    return out


def test_second_serve_on_a_busy_port_fails_at_once(tmp_path):
    first = Server()
    db = new_db(str(tmp_path))
    try:
        # A page only the first server's database has: the second server
        # would answer 404 for it.
        st, _ = get(first.port, "/signin")
        assert st == 200
        p = subprocess.run([BIN, "serve", "--db", db, "--listen",
                            "127.0.0.1:%d" % first.port],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0
        assert "127.0.0.1:%d" % first.port in p.stderr
        assert "in use" in p.stderr, p.stderr
        assert "listening" not in p.stdout
        # Every request still reaches the first server.
        assert [get(first.port, "/signin")[0] for _ in range(20)] == [200] * 20
    finally:
        drop_db(db)
        assert first.stop() == 0


def test_reuse_port_only_when_asked(tmp_path):
    """--reuse-port on the running server is not enough: the second must
    ask too (SO_REUSEPORT is opt-in on both sides)."""
    first = Server("--reuse-port")
    db = new_db(str(tmp_path))
    try:
        p = subprocess.run([BIN, "serve", "--db", db, "--listen",
                            "127.0.0.1:%d" % first.port],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0 and "in use" in p.stderr
        second = subprocess.Popen([BIN, "serve", "--db", db, "--listen",
                                   "127.0.0.1:%d" % first.port, "--reuse-port"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        try:
            assert "listening on" in second.stdout.readline()
        finally:
            second.terminate()
            assert second.wait(timeout=30) == 0
    finally:
        drop_db(db)
        assert first.stop() == 0
