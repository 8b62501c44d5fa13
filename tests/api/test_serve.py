# SPDX-License-Identifier: MIT
"""payerlink serve as an operator starts it (issue 24): a second server on a
port in use fails at once and says why, instead of sharing the port and
answering every other request; HTTPS with --tls-cert/--tls-key or behind a
proxy (--public-url https://...): cookies are Secure and HSTS is sent."""

import http.client
import os
import re
import signal
import ssl
import subprocess
import urllib.parse

import pytest

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


def tls_pair(d):
    """A self-signed certificate for 127.0.0.1, made now with openssl."""
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=120)
    return cert, key


def start(*flags, db):
    p = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", *flags],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.search(r"(https?)://127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        p.wait()
        raise RuntimeError("server did not start: %r" % line)
    return p, m.group(1), int(m.group(2))


def stop(p):
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=30) == 0


def signin_page(conn):
    conn.request("GET", "/signin")
    r = conn.getresponse()
    r.read()
    return r.status, r.getheader("Set-Cookie") or "", r.getheader("Strict-Transport-Security")


def test_tls_serves_https_with_secure_cookies_and_hsts(tmp_path):
    cert, key = tls_pair(str(tmp_path))
    db = new_db(str(tmp_path))
    p, scheme, port = start("--tls-cert", cert, "--tls-key", key, db=db)
    try:
        assert scheme == "https"
        ctx = ssl.create_default_context(cafile=cert)
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        st, cookie, hsts = signin_page(c)
        c.close()
        assert st == 200
        assert "pl_csrf=" in cookie and "; Secure" in cookie, cookie
        assert hsts == "max-age=31536000"
        # A session cookie too: sign in over HTTPS.
        acct = subprocess.run([BIN, "account", "create", "--email", "tls@serve.example",
                               "--password", "correct horse battery", "--db", db],
                              capture_output=True, text=True, check=True)
        assert acct.returncode == 0
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        c.request("GET", "/signin")
        r = c.getresponse()
        page = r.read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        pre = r.getheader("Set-Cookie").split(";")[0]
        c.request("POST", "/signin", body=urllib.parse.urlencode(
            {"csrf": csrf, "email": "tls@serve.example", "password": "correct horse battery"}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": pre})
        r = c.getresponse()
        r.read()
        assert r.status == 303
        session = [v for k, v in r.getheaders() if k.lower() == "set-cookie" and "pl_session=" in v]
        assert session and "; Secure" in session[0] and "HttpOnly" in session[0], session
        c.close()
        # Plain HTTP on the TLS port gets no page.
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        with pytest.raises((http.client.HTTPException, OSError)):
            c.request("GET", "/signin")
            c.getresponse().read()
        c.close()
    finally:
        stop(p)
        drop_db(db)


def test_public_url_https_behind_a_proxy(tmp_path):
    """TLS ends at a reverse proxy: --public-url https://... makes cookies
    Secure and sends HSTS; a console served over plain HTTP does neither."""
    db = new_db(str(tmp_path))
    p, scheme, port = start("--public-url", "https://billing.example", db=db)
    try:
        assert scheme == "http"
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        st, cookie, hsts = signin_page(c)
        c.close()
        assert st == 200 and "; Secure" in cookie and hsts == "max-age=31536000"
    finally:
        stop(p)
    p, scheme, port = start(db=db)
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        st, cookie, hsts = signin_page(c)
        c.close()
        assert st == 200 and "Secure" not in cookie and hsts is None
    finally:
        stop(p)
        drop_db(db)


def test_tls_flags_are_checked(tmp_path):
    cert, key = tls_pair(str(tmp_path))
    db = new_db(str(tmp_path))
    try:
        for flags, words in ((["--tls-cert", cert], "go together"),
                             (["--tls-cert", cert, "--tls-key", str(tmp_path / "none.pem")],
                              "none.pem"),
                             (["--tls-cert", key, "--tls-key", cert], "tls"),
                             (["--public-url", "billing.example"], "https://")):
            r = subprocess.run([BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", *flags],
                               capture_output=True, text=True, timeout=60)
            assert r.returncode != 0 and words in r.stderr.lower(), (flags, r.stderr)
    finally:
        drop_db(db)
