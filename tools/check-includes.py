#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The house's structural rules, checked in one pass over src/ (STYLE.md,
docs/architecture.md). Prints each breach and ends with "N passed, N failed"
(one count per file).

- Includes point down the stack only:
    core <- store, awsclient <- org <- onboard <- billing <- ce <- portal <-
    aws, rest, web <- http <- cli, main
  awsclient, live mode's way to the real AWS, stands beside the store: it
  needs core only; it speaks JSON, so the domain never includes it and
  reaches AWS through its ports, which the wiring layer implements with it.
- One door per domain: outside src/store/ a file includes store/store.h
  (the handle, transactions, the audit log) and at most its own domain's
  store header (org, onboard, billing, portal, web), and calls only the
  store functions those declare; other domains' data comes through their
  domain headers (org/account.h, onboard/onboard.h, billing/*.h, ...).
- The onboarding desk reaches organizations through the organization port
  only (org/port.h; of org/ it includes the port and the accounts), so a
  live port can take the emulated one's place.
- AWS error names through AWSERR(Name) (core/err.h), which compiles only
  for a name core/errors.def lists: no name as a bare string literal
  (awsclient/ excepted: it reads the names other services send).
- SQL only in store/, HTML only in web/, no protocol or database library
  in the domain, no banned string functions, no raw malloc/free outside
  core/xmalloc.c.
"""
import os
import re
import sys

RANK = {"core": 0, "store": 1, "awsclient": 1, "org": 2, "onboard": 3,
        "billing": 4, "ce": 5, "portal": 6, "aws": 7, "rest": 7, "web": 7,
        "http": 8, "cli": 9}
DOORS = ("org", "onboard", "billing", "portal", "web")
DOMAIN = ("org", "onboard", "billing", "ce", "portal")

INCLUDE = re.compile(r'^#include "([a-z]+)/([^"]+)"', re.M)
STORE_CALL = re.compile(r'\b(store_[a-z0-9_]+)\(')
LIBS = re.compile(r'#include <(jansson|microhttpd|sqlite3|libpq-fe)\.h>')
SQL = re.compile(r'"(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ')
HTML = re.compile(r'"<(html|div|form|table|p|h1)[ >]')
BANNED = re.compile(r'\b(sprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets)\(')
RAW_ALLOC = re.compile(r'(^|[^a-z_])(malloc|calloc|realloc|free)\(', re.M)
AROUND_PORT = re.compile(r'\bstore_(handshake|membership|org)_[a-z_]+\(|'
                         r'\bstruct (handshake|membership|organization|member)\b')


def error_names():
    with open("src/core/errors.def") as f:
        return re.findall(r'^\s*(?:REST_)?ERR\((\w+),', f.read(), re.M)


def declared(path):
    with open(path) as f:
        return set(STORE_CALL.findall(f.read()))


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    core = declared("src/store/store.h") | declared("src/store/row.h")
    door = {d: core | declared("src/store/%s.h" % d) for d in DOORS}
    files = sorted(os.path.join("src", d, f)
                   for d in os.listdir("src") if os.path.isdir("src/" + d)
                   for f in os.listdir("src/" + d) if f.endswith((".c", ".h")))
    name_literal = re.compile(r'"(%s)"' % "|".join(error_names()))
    passed = failed = 0
    for path in files:
        layer = path.split("/")[1]
        rank = RANK.get(layer, 10)
        with open(path, errors="replace") as f:
            text = f.read()
        bad = []
        incs = INCLUDE.findall(text)
        for d, h in incs:
            if d != layer and RANK.get(d, 10) >= rank:
                bad.append("includes %s/ (layer %s is not below %s)"
                           % (d, d, layer))
        if layer in DOMAIN:
            if LIBS.search(text):
                bad.append("a domain file includes a protocol or database "
                           "library")
            if any(d == "awsclient" for d, _ in incs):
                bad.append("the domain reaches AWS through its ports, not "
                           "awsclient/")
        if layer != "store":
            own = "%s.h" % layer if layer in DOORS else None
            for d, h in incs:
                if d == "store" and h not in ("store.h", own):
                    bad.append("includes store/%s (a domain's store door is "
                               "its own)" % h)
            allowed = door.get(layer, core)
            for fn in sorted(set(STORE_CALL.findall(text)) - allowed):
                bad.append("calls %s (another domain's table: call that "
                           "domain)" % fn)
        if layer == "onboard":
            for d, h in incs:
                if d == "org" and h not in ("port.h", "account.h"):
                    bad.append("includes org/%s (the desk reaches "
                               "organizations through org/port.h only)" % h)
            m = AROUND_PORT.search(text)
            if m:
                bad.append("reads the organization around its port: "
                           + m.group(0))
        if layer != "awsclient":
            code = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
            m = name_literal.search(code)
            if m:
                bad.append("error name as a string: %s (write AWSERR(%s))"
                           % (m.group(0), m.group(1)))
        if layer != "store" and SQL.search(text):
            bad.append("SQL outside src/store/")
        if layer != "web" and HTML.search(text):
            bad.append("HTML outside src/web/")
        for line in text.splitlines():
            m = BANNED.search(line)
            if m and "/*" not in line:
                bad.append("banned function: " + m.group(0))
                break
        if path != "src/core/xmalloc.c" and RAW_ALLOC.search(text):
            bad.append("raw malloc/free outside src/core/xmalloc.c")
        for b in bad:
            print("%s: %s" % (path, b))
        if bad:
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
