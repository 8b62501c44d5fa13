# SPDX-License-Identifier: MIT
"""Sign-in limits under concurrency (issue 24). "5 wrong passwords lock the
e-mail" used to be read, checked and written outside a transaction: 40
parallel tries got 17 passwords checked, 100 got 21, a portal user with 60
got 18, and nothing limited an address or everyone.

Now each attempt is admitted by the store, in one write transaction,
before its password is checked. A user sees which attempts were checked:
401 "Wrong e-mail address or password" (checked and wrong) against 429
with Retry-After (refused unchecked). Runs on SQLite and, with
PAYERLINK_TEST_PG, on PostgreSQL."""

import concurrent.futures
import http.client
import re
import urllib.parse

import pytest

from conftest import Server

PASSWORD = "correct horse battery"


class Browser:
    """The pre-session CSRF cookie and token of one sign-in form, reused for
    every attempt (a double-submit token may be)."""

    def __init__(self, server):
        self.server = server
        st, h, page = self.req("GET", "/signin")
        assert st == 200
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        self.cookie = "; ".join(c.split(";")[0] for c in h.get("set-cookie", "").split(", pl_"))

    def req(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
        finally:
            c.close()

    def sign_in(self, email, password, forwarded_for=None):
        h = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        if forwarded_for:
            h["X-Forwarded-For"] = forwarded_for
        form = urllib.parse.urlencode({"csrf": self.csrf, "email": email,
                                       "password": password}).encode()
        return self.req("POST", "/signin", form, h)


def parallel(n, attempt):
    """Runs attempt(i) for i in range(n) all at once; their answers."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


def checked(answers):
    """The attempts whose password was checked (and was wrong); every other
    one must be a refusal that says when to come back."""
    for st, h, page in answers:
        assert st in (401, 429), (st, page[:200])
        if st == 429:
            assert int(h["retry-after"]) >= 1
    return sum(1 for st, _, _ in answers if st == 401)


@pytest.fixture(scope="module")
def plain():
    s = Server()
    yield s
    assert s.stop() == 0


def account(server, tag):
    email = "%s@signin.example" % tag
    server.cli("account", "create", "--email", email, "--name", tag, "--password", PASSWORD)
    return email


def test_lockout_holds_under_100_parallel_attempts(plain):
    email = account(plain, "lock100")
    b = Browser(plain)
    answers = parallel(100, lambda i: b.sign_in(email, "wrong %d" % i))
    n = checked(answers)
    assert 1 <= n <= 5, "%d of 100 parallel attempts had their password checked" % n
    assert any("locked for 15 minutes" in p for st, _, p in answers if st == 429)
    # Locked: even the right password is not checked now.
    st, h, page = b.sign_in(email, PASSWORD)
    assert st == 429 and "locked for 15 minutes" in page and int(h["retry-after"]) > 60


def test_portal_user_lockout_holds_under_60_parallel_attempts(plain):
    email = "portal@signin.example"
    plain.cli("user", "create", "--role", "read-only", "--email", email,
              "--password", PASSWORD, "--json")
    b = Browser(plain)
    n = checked(parallel(60, lambda i: b.sign_in(email, "wrong %d" % i)))
    assert 1 <= n <= 5, "%d of 60" % n
    assert b.sign_in(email, PASSWORD)[0] == 429


def test_per_address_limit(tmp_path):
    """100 parallel attempts from one address on 100 e-mails: at most 20
    checked (--signin-per-address, default 20 a minute). Behind a trusted
    proxy another client address is its own; without it X-Forwarded-For
    names nobody."""
    s = Server("--trusted-proxy", "127.0.0.1")
    try:
        b = Browser(s)
        answers = parallel(100, lambda i: b.sign_in("nobody%d@signin.example" % i, "wrong"))
        n = checked(answers)
        assert 1 <= n <= 20, "%d of 100" % n
        assert any("from your address" in p for st, _, p in answers if st == 429)
        # Another client behind the proxy is not held back by this one.
        assert b.sign_in("someone@signin.example", "wrong", forwarded_for="203.0.113.7")[0] == 401
    finally:
        assert s.stop() == 0

    s = Server()
    try:
        b = Browser(s)
        # Without --trusted-proxy, X-Forwarded-For changes nothing.
        n = checked(parallel(60, lambda i: b.sign_in(
            "nobody%d@signin.example" % i, "wrong", forwarded_for="198.51.100.%d" % i)))
        assert 1 <= n <= 20, "%d of 60" % n
    finally:
        assert s.stop() == 0


def test_global_limit():
    """100 parallel attempts, each from its own address (behind the proxy)
    and on its own e-mail: at most --signin-global checked."""
    s = Server("--trusted-proxy", "127.0.0.1", "--signin-global", "10")
    try:
        b = Browser(s)
        answers = parallel(100, lambda i: b.sign_in(
            "nobody%d@signin.example" % i, "wrong", forwarded_for="10.0.%d.%d" % (i // 250, i % 250 + 1)))
        n = checked(answers)
        assert 1 <= n <= 10, "%d of 100" % n
        assert any("right now" in p for st, _, p in answers if st == 429)
    finally:
        assert s.stop() == 0


def test_successful_sign_ins_are_not_limited():
    """The per-address limit counts failures: an office signing in 12 times
    a minute from one address is never refused."""
    s = Server("--signin-per-address", "5")
    try:
        email = account(s, "office")
        b = Browser(s)
        for _ in range(12):
            st, h, _ = b.sign_in(email, PASSWORD)
            assert st == 303, st
    finally:
        assert s.stop() == 0
