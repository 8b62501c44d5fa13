#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/soak.sh's driver: a mixed workload against a running server.

  soak.py URL DB BIN PID [--duration SECONDS] [--rate N] [--step-seconds S]

80 % reads (DescribeOrganization, ListAccounts, console/portal pages, Cost
Explorer GetCostAndUsage), 20 % writes (invitations, accepts, declines,
leaves, small CUR uploads to POST /api/v1/imports). Open loop: requests are
scheduled at the target rate and latency is measured from the scheduled
time, so a stalled server shows up as latency, not as a lower rate.
Without --rate it steps the rate up (STEP seconds each) and soaks at the
highest step that kept p99 < 50 ms with no errors."""

import argparse
import hashlib
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials

ORG = "AWSOrganizationsV20161128."
CE = "AWSInsightsIndexService."
# Answers that are the domain saying no (a race between two workers on the
# same account), not failures of the server.
REFUSALS = {"DuplicateHandshakeException", "HandshakeConstraintViolationException",
            "InvalidHandshakeTransitionException", "HandshakeAlreadyInStateException",
            "HandshakeNotFoundException", "AWSOrganizationsNotInUseException",
            "AccountNotFoundException"}
PW = "soak soak soak soak"
# --only KIND: one slice of the mix (to find which request holds memory).
ONLY_RANGES = {"describe": (0, .2), "list": (.2, .4), "page": (.4, .6), "ce": (.6, .8),
               "invite": (.8, .86), "answer": (.86, .94), "leave": (.94, .98),
               "import": (.98, 1)}
ONLY = os.environ.get("SOAK_ONLY", "")


def cli(bin_, db, *args):
    p = subprocess.run([bin_, *args, "--db", db], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("payerlink %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout) if p.stdout.strip() else None


def signed(url, acct, method, path, data, headers, service):
    req = botocore.awsrequest.AWSRequest(method=method, url=url + path, data=data,
                                         headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(acct[0], acct[1]), service,
                            "us-east-1").add_auth(req)
    return dict(req.headers.items())


def small_cur(payer, accounts, period, salt):
    out = ["bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,"
           "line_item_line_item_type,line_item_usage_start_date,line_item_product_code,"
           "line_item_usage_type,line_item_operation,product_region_code,pricing_term,"
           "line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,"
           "line_item_line_item_description"]
    for k in range(30):
        out.append("%s,%s-01T00:00:00Z,%s,Usage,%s-%02dT%02d:00:00Z,AmazonEC2,BoxUsage:t3.small,"
                   "RunInstances,us-east-1,OnDemand,USD,0.%04d,1,soak %d" % (
                       payer, period, accounts[k % len(accounts)], period, k % 28 + 1, k % 24,
                       (salt * 7 + k) % 10000, salt))
    return ("\n".join(out) + "\n").encode()


def setup(url, db, bin_, pool):
    m = cli(bin_, db, "account", "create", "--email", "msp@soak.example", "--name", "Soak MSP",
            "--password", PW)
    key = (m["AccessKeyId"], m["SecretAccessKey"])
    members = []
    for i in range(pool):
        a = cli(bin_, db, "account", "create", "--email", "p%d@soak.example" % i)
        cli(bin_, db, "account", "set-billing-info", a["AccountId"], "--payment-method", "Visa",
            "--phone", "+1 206 555 0100")
        members.append((a["AccountId"], a["AccessKeyId"], a["SecretAccessKey"]))
    w = Worker(url, {"msp": key, "msp_id": m["AccountId"], "members": members}, 0)
    w.org("CreateOrganization", {"FeatureSet": "ALL"})
    cli(bin_, db, "msp", "set", m["AccountId"], "--name", "Soak MSP", "--json")
    cust = cli(bin_, db, "customer", "create", "--name", "Soak Customer", "--contact",
               "c@soak.example", "--json")["CustomerId"]
    # A quarter of the pool joins for good and belongs to the customer.
    fixed = []
    for acct in members[:pool // 4]:
        st, b = w.org("InviteAccountToOrganization", {"Target": {"Id": acct[0], "Type": "ACCOUNT"}})
        if st != 200:
            w.clock()
            st, b = w.org("InviteAccountToOrganization",
                          {"Target": {"Id": acct[0], "Type": "ACCOUNT"}})
        w.org("AcceptHandshake", {"HandshakeId": b["Handshake"]["Id"]}, who=acct[1:])
        cli(bin_, db, "customer", "add-account", cust, acct[0], "--json")
        fixed.append(acct[0])
    period = time.strftime("%Y-%m")
    w.upload(small_cur(m["AccountId"], fixed, period, 1), "seed.csv")
    # A console session for the page reads.
    c = http.client.HTTPConnection(*urllib.parse.urlsplit(url).netloc.split(":"))
    c.request("GET", "/signin")
    r = c.getresponse()
    pre = [h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.read().decode()).group(1)
    c.request("POST", "/signin", body=urllib.parse.urlencode(
        {"csrf": csrf, "email": "msp@soak.example", "password": PW}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(pre)})
    r = c.getresponse()
    r.read()
    sess = [h.split(";")[0] for k, h in r.getheaders()
            if k.lower() == "set-cookie" and h.startswith("pl_session=")]
    return {"msp": key, "msp_id": m["AccountId"], "members": members[pool // 4:],
            "fixed": fixed, "cookie": "; ".join(sess), "period": period}


class Worker:
    def __init__(self, url, world, seed):
        self.url, self.w = url, world
        self.rng = random.Random(seed)
        self.conn = None
        self.hostport = urllib.parse.urlsplit(url).netloc
        self.presigned = {}
        self.salt = seed * 100000

    def send(self, method, path, data, headers):
        for attempt in (0, 1):
            if self.conn is None:
                h, p = self.hostport.split(":")
                self.conn = http.client.HTTPConnection(h, int(p), timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise OSError("unreachable")

    def org(self, op, body=None, who=None, target=ORG, service="organizations"):
        data = json.dumps(body or {}).encode()
        h = signed(self.url, who or self.w["msp"], "POST", "/", data,
                   {"X-Amz-Target": target + op,
                    "Content-Type": "application/x-amz-json-1.1"}, service)
        st, b = self.send("POST", "/", data, h)
        return st, json.loads(b) if b else {}

    def replay(self, name, op, body, target=ORG, service="organizations"):
        """Reads are signed once a minute and replayed (inside SigV4's window)."""
        now = time.time()
        p = self.presigned.get(name)
        if p is None or now - p[0] > 60:
            data = json.dumps(body).encode()
            h = signed(self.url, self.w["msp"], "POST", "/", data,
                       {"X-Amz-Target": target + op,
                        "Content-Type": "application/x-amz-json-1.1"}, service)
            p = self.presigned[name] = (now, data, h)
        st, b = self.send("POST", "/", p[1], p[2])
        return st, b

    def upload(self, data, name):
        h = signed(self.url, self.w["msp"], "POST", "/api/v1/imports?name=" + name, data,
                   {"Content-Type": "text/csv",
                    "X-Amz-Content-SHA256": hashlib.sha256(data).hexdigest()}, "payerlink")
        st, b = self.send("POST", "/api/v1/imports?name=" + name, data, h)
        return st, json.loads(b) if b else {}

    def clock(self):
        st, _ = self.send("POST", "/api/v1/test/clock", b'{"advance_seconds": 86400}',
                          {"Content-Type": "application/json"})
        return st

    def page(self, path):
        return self.send("GET", path, None, {"Cookie": self.w["cookie"]})

    # One request of the mix: returns (kind, status, error type or None).
    def one(self):
        x = self.rng.random()
        if ONLY:
            lo, hi = ONLY_RANGES[ONLY]
            x = lo + x * (hi - lo)
        if x < 0.20:
            st, b = self.replay("desc", "DescribeOrganization", {})
            return "DescribeOrganization", st, b
        if x < 0.40:
            st, b = self.replay("list", "ListAccounts", {"MaxResults": 20})
            return "ListAccounts", st, b
        if x < 0.60:
            p = self.rng.choice(["/organization", "/customers", "/onboarding"])
            st, b = self.page(p)
            return "page", st, b""
        if x < 0.80:
            today = time.strftime("%Y-%m-%d")
            st, b = self.replay("ce", "GetCostAndUsage", {
                "TimePeriod": {"Start": self.w["period"] + "-01", "End": today},
                "Granularity": "DAILY", "Metrics": ["UnblendedCost"],
                "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]},
                target=CE, service="ce")
            return "GetCostAndUsage", st, b
        acct = self.rng.choice(self.w["members"])
        if x < 0.86:
            st, b = self.org("InviteAccountToOrganization",
                             {"Target": {"Id": acct[0], "Type": "ACCOUNT"}})
            if b.get("Reason") == "HANDSHAKE_RATE_LIMIT_EXCEEDED":
                return "InviteAccountToOrganization", self.clock(), b""
            return "InviteAccountToOrganization", st, b
        if x < 0.94:
            st, b = self.org("ListHandshakesForAccount", {}, who=acct[1:])
            hs = [h for h in b.get("Handshakes", []) if h["State"] == "OPEN"]
            if st != 200 or not hs:
                return "ListHandshakesForAccount", st, b
            op = "AcceptHandshake" if self.rng.random() < 0.6 else "DeclineHandshake"
            st, b = self.org(op, {"HandshakeId": hs[0]["Id"]}, who=acct[1:])
            return op, st, b
        if x < 0.98:
            st, b = self.org("LeaveOrganization", {}, who=acct[1:])
            return "LeaveOrganization", st, b
        self.salt += 1
        st, b = self.upload(small_cur(self.w["msp_id"], self.w["fixed"], self.w["period"],
                                      self.salt), "soak%d.csv" % self.salt)
        return "import", st, b


def proc_main(url, world, rate, seconds, seed, threads, q):
    """One client process: `threads` threads sharing `rate` req/s."""
    lat, errs, refusals, counts = [], [], [0], {}
    lock = threading.Lock()
    t0 = time.time() + 0.2
    per = rate / threads

    def th(i):
        w = Worker(url, world, seed * 100 + i)
        n = 0
        mine = []
        while True:
            at = t0 + (n + w.rng.random() * 0.0) / per + i / rate
            if at > t0 + seconds:
                break
            d = at - time.time()
            if d > 0:
                time.sleep(d)
            try:
                kind, st, b = w.one()
            except Exception as e:  # transport: counts as an error
                kind, st, b = "transport", 0, str(e)
            mine.append((time.time() - at, kind))
            with lock:
                counts[kind] = counts.get(kind, 0) + 1
                if st >= 500 or st == 0:
                    errs.append((kind, st, str(b)[:200]))
                elif st >= 400:
                    t = b.get("__type") if isinstance(b, dict) else None
                    if t in REFUSALS:
                        refusals[0] += 1
                    else:
                        errs.append((kind, st, str(b)[:200]))
            n += 1
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=th, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put((lat, errs, refusals[0], counts))


def proc_stats(pid):
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def memory_line(pid, log):
    """The server's own account of its memory: SIGUSR1 logs one line."""
    def lines():
        with open(log) as f:
            return [x.split("memory: ", 1)[1].strip() for x in f if "memory: " in x]
    before = len(lines())
    os.kill(pid, signal.SIGUSR1)
    for _ in range(50):
        time.sleep(0.1)
        now = lines()
        if len(now) > before:
            return now[-1]
    return "(no answer to SIGUSR1)"


def run(url, world, rate, seconds, procs=2, threads=24):
    q = mp.Queue()
    ps = [mp.Process(target=proc_main, args=(url, world, rate / procs, seconds, k + 1,
                                             threads, q)) for k in range(procs)]
    t = time.time()
    for p in ps:
        p.start()
    res = [q.get() for _ in ps]
    for p in ps:
        p.join()
    took = time.time() - t
    bykind = {}
    for r in res:
        for x, k in r[0]:
            bykind.setdefault(k, []).append(x)
    lat = sorted(x for r in res for x, _ in r[0])
    kp99 = {k: sorted(v)[int(0.99 * (len(v) - 1))] * 1000 for k, v in bykind.items()}
    errs = [e for r in res for e in r[1]]
    counts = {}
    for r in res:
        for k, v in r[3].items():
            counts[k] = counts.get(k, 0) + v
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else 0
    return {"rate": rate, "done": len(lat), "rps": len(lat) / seconds, "p50": pct(0.5),
            "p90": pct(0.9), "p99": pct(0.99), "p999": pct(0.999), "max": pct(1.0),
            "errors": errs, "refusals": sum(r[2] for r in res), "counts": counts,
            "wall": took, "kp99": kp99}


def show(label, r):
    print("%-8s target %5d/s  done %6d (%.0f/s)  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  "
          "max %.1f ms  errors %d  refusals %d" % (
              label, r["rate"], r["done"], r["rps"], r["p50"], r["p90"], r["p99"], r["p999"],
              r["max"], len(r["errors"]), r["refusals"]), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("db")
    ap.add_argument("bin")
    ap.add_argument("pid", type=int)
    ap.add_argument("--duration", type=int, default=600)
    ap.add_argument("--rate", type=int, default=0)
    ap.add_argument("--step-seconds", type=int, default=10)
    ap.add_argument("--pool", type=int, default=120)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--only", choices=sorted(ONLY_RANGES), default="")
    a = ap.parse_args()
    if a.only:
        os.environ["SOAK_ONLY"] = a.only	# the client processes read it
        global ONLY
        ONLY = a.only
    world = setup(a.url, a.db, a.bin, a.pool)
    rate = a.rate
    if not rate:
        best = 0
        run(a.url, world, 50, 3)	# warm-up: caches, connections
        for r in (100, 200, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3000, 3500, 4000,
                  5000, 6000):
            # A step that misses gets one more try: the machine is shared.
            for attempt in (1, 2):
                res = run(a.url, world, r, a.step_seconds)
                show("step", res)
                ok = res["p99"] < 50 and not res["errors"] and res["rps"] >= 0.95 * r
                if ok:
                    break
            if not ok:
                break
            best = r
        rate = max(best, 100)
        print("highest rate with p99 < 50 ms and no errors: %d req/s" % rate)
    # Warm-up at the soak's rate, its errors counted: RSS "at start" is
    # taken after it, once every worker has its connection, page cache and
    # malloc arena (from a cold start they fill in the first minute).
    warm_errors = []
    if a.warmup > 0:
        w = run(a.url, world, rate, a.warmup)
        show("warm-up", w)
        warm_errors = w["errors"]
    rss0, fd0 = proc_stats(a.pid)
    log = os.path.join(os.path.dirname(a.db), "server.log")
    mem0 = memory_line(a.pid, log)
    # RSS every 10 s of the soak. One sample is noisy (the server gives
    # free pages back once a minute), so start and end are the means of
    # the first and last minute, and the trend is a least-squares slope.
    samples, stop = [], threading.Event()

    def sample():
        while not stop.wait(10):
            samples.append(proc_stats(a.pid)[0])
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    res = run(a.url, world, rate, a.duration)
    stop.set()
    sampler.join()
    rss1, fd1 = proc_stats(a.pid)
    mem1 = memory_line(a.pid, log)
    print("soak: %d s at %d req/s target (80 %% reads, 20 %% writes)" % (a.duration, rate))
    show("soak", res)
    print("mix:", " ".join("%s=%d" % kv for kv in sorted(res["counts"].items())))
    print("p99 by request (ms):", " ".join("%s=%.1f" % kv for kv in sorted(res["kp99"].items())))
    print("server RSS: %.1f MiB at start, %.1f MiB at end; open fds: %d at start, %d at end" % (
        rss0 / 1024, rss1 / 1024, fd0, fd1))
    if len(samples) >= 12:
        mib = [x / 1024 for x in samples]
        n = len(mib)
        xs = [10 * (i + 1) / 60 for i in range(n)]	# minutes
        mx, my = sum(xs) / n, sum(mib) / n
        slope = (sum((x - mx) * (y - my) for x, y in zip(xs, mib)) /
                 sum((x - mx) ** 2 for x in xs))
        print("server RSS, mean of the first minute %.1f MiB, of the last minute %.1f MiB; "
              "trend %+.2f MiB/min (least squares over %d samples, every 10 s)" % (
                  sum(mib[:6]) / 6, sum(mib[-6:]) / 6, slope, n))
        print("server RSS every 30 s (MiB):", " ".join("%.1f" % x for x in mib[2::3]))
    print("server memory at start:", mem0)
    print("server memory at end:  ", mem1)
    sizes = " ".join("%s %.1f MiB" % (suf or "db", os.path.getsize(a.db + suf) / 1048576)
                     for suf in ("", "-wal", "-shm") if os.path.exists(a.db + suf))
    anon = 0
    with open("/proc/%d/smaps_rollup" % a.pid) as f:
        for line in f:
            if line.startswith("Anonymous:"):
                anon = int(line.split()[1])
    print("database files: %s; server anonymous memory %.1f MiB" % (sizes, anon / 1024))
    imports = subprocess.run(["sqlite3", a.db, "SELECT status, COUNT(*) FROM billing_imports "
                              "GROUP BY status"], capture_output=True, text=True).stdout.split()
    print("imports:", " ".join(imports))
    errors = warm_errors + res["errors"]
    for e in errors[:10]:
        print("error:", e)
    print("errors: %d" % len(errors))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
