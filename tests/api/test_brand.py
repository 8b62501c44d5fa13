# SPDX-License-Identifier: MIT
"""The MSP's brand (issue 23): `payerlink msp brand` and the console's
Branding page set a name, colour, support contact and logo that the
customer-facing pages (sign-in, portal, plan pages) and the favicon show;
a colour white text cannot be read on is refused (or darkened, saying so);
a logo too large or of another type is refused with a clear message.
And invoices a customer can pay: the customer's name, address and tax id,
the MSP's legal name and tax id, issue and due dates, payment terms and
instructions (the MSP's, overridden per customer) on the PDF."""

import datetime
import http.client
import json
import re
import subprocess
import uuid
import zlib

import pytest

from conftest import BIN, Server, drop_db, new_db, sql
from test_attack import Browser


def png(w, h, color=6, depth=8, interlace=0):
    """A w x h PNG: RGBA (colour type 6) is red with its right half
    half-transparent; RGB red; grey a ramp."""
    px = {6: b"\xc8\x1e\x3c\xff", 2: b"\xc8\x1e\x3c", 0: b"\x80"}[color]
    half = {6: b"\xc8\x1e\x3c\x50"}.get(color, px)
    n = depth // 8 if depth >= 8 else 1
    row = b"\x00" + (px * (w // 2) + half * (w - w // 2)) * n
    def chunk(t, d):
        return (len(d).to_bytes(4, "big") + t + d
                + zlib.crc32(t + d).to_bytes(4, "big"))
    ihdr = (w.to_bytes(4, "big") + h.to_bytes(4, "big")
            + bytes([depth, color, 0, 0, interlace]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(row * h)) + chunk(b"IEND", b""))


PNG = png(8, 8, color=2)


def contrast(a, b):
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def lum(c):
        v = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        v = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("brand"))
    db = new_db(d)
    p = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr

    class Demo:
        pass
    x = Demo()
    x.db, x.dir, x.init = db, d, p.stdout
    yield x
    drop_db(db)


def cli(db, *args, ok=True):
    p = subprocess.run([BIN, *args, "--db", db], capture_output=True, text=True)
    if ok:
        assert p.returncode == 0, p.stderr
    return p


def multipart(fields, files):
    """A multipart/form-data body and its Content-Type."""
    bnd = uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (bnd, k, v)).encode()
    for k, (name, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (bnd, k, name, ctype)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % bnd).encode()
    return out, "multipart/form-data; boundary=" + bnd


def post_multipart(b, path, fields, files):
    body, ctype = multipart(fields, files)
    c = http.client.HTTPConnection("127.0.0.1", b.s.port, timeout=30)
    c.request("POST", path, body=body, headers={
        "Content-Type": ctype,
        "Cookie": "; ".join("%s=%s" % kv for kv in b.jar.items())})
    r = c.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
    c.close()
    return out


def get_raw(s, path):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    out = r.status, r.getheader("Content-Type"), r.read()
    c.close()
    return out


def test_msp_brand_cli_refuses_unreadable_colours_and_bad_logos(demo, tmp_path):
    assert "msp brand" in cli(demo.db, "msp", "brand", "--help").stdout
    shown = json.loads(cli(demo.db, "msp", "show", "--json").stdout)
    assert shown["Brand"]["Name"] == "Demo MSP" and shown["Brand"]["Set"]
    assert shown["Brand"]["LogoType"] == "image/svg+xml"
    # Yellow under white text: 1.5:1, refused, naming a shade that passes.
    p = cli(demo.db, "msp", "brand", "--color", "#ffcc00", ok=False)
    assert p.returncode != 0
    assert "4.5:1" in p.stderr and "1.51:1" in p.stderr, p.stderr
    shade = re.search(r"passes is (#[0-9a-f]{6})", p.stderr).group(1)
    assert contrast(shade, "#ffffff") >= 4.5
    # Nothing changed.
    assert json.loads(cli(demo.db, "msp", "show", "--json").stdout)["Brand"]["Color"] == \
        shown["Brand"]["Color"]
    # --adapt-color takes the darker shade and says so.
    r = json.loads(cli(demo.db, "msp", "brand", "--color", "#FFCC00", "--adapt-color",
                       "--json").stdout)
    assert r["Color"] == shade and "adapted to " + shade in r["Adapted"]
    # A colour that passes is taken as it is.
    r = json.loads(cli(demo.db, "msp", "brand", "--color", "#6B2FA3", "--json").stdout)
    assert r["Color"] == "#6b2fa3" and r["Adapted"] is None
    # Logos: too large, not an image, an SVG with a script.
    big = tmp_path / "big.png"
    big.write_bytes(PNG + b"\x00" * (200 * 1024))
    p = cli(demo.db, "msp", "brand", "--logo", str(big), ok=False)
    assert p.returncode != 0 and "too large (at most 100 KiB)" in p.stderr, p.stderr
    jpg = tmp_path / "logo.jpg"
    jpg.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100)
    p = cli(demo.db, "msp", "brand", "--logo", str(jpg), ok=False)
    assert p.returncode != 0 and "only PNG and SVG" in p.stderr, p.stderr
    svg = tmp_path / "x.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
    p = cli(demo.db, "msp", "brand", "--logo", str(svg), ok=False)
    assert p.returncode != 0 and "scripts" in p.stderr, p.stderr
    assert json.loads(cli(demo.db, "msp", "show", "--json").stdout)["Brand"]["LogoType"] == \
        "image/svg+xml"


def test_customer_pages_show_the_brand(demo):
    cli(demo.db, "msp", "brand", "--name", "Blue Harbor Cloud", "--support-email",
        "help@blueharbor.example", "--support-url", "https://blueharbor.example/help")
    plan = re.search(r"plan (http://\S+/plan/\S+)", demo.init).group(1)
    s = Server(db=demo.db)
    try:
        b = Browser(s)
        st, _, page = b.req("GET", "/signin")
        assert st == 200 and "Blue Harbor Cloud" in page
        assert "payerlink console" not in page and "compatible console" not in page
        st, _, page = b.req("GET", "/plan/" + plan.rsplit("/", 1)[1])
        assert st == 200 and "Blue Harbor Cloud" in page
        st, _, _ = b.sign_in("portal@umbrella-corp.example", "portal-demo-1")
        st, _, page = b.req("GET", "/portal")
        assert st == 200 and "Blue Harbor Cloud" in page
        assert "help@blueharbor.example" in page and "https://blueharbor.example/help" in page
        assert "payerlink console" not in page and "compatible console" not in page
        st, _, css = b.req("GET", "/brand.css")
        assert st == 200 and "--accent: #6b2fa3" in css
        st, ctype, data = get_raw(s, "/favicon.ico")
        assert st == 200 and ctype == "image/svg+xml" and b"<svg" in data
        st, ctype, data = get_raw(s, "/logo")
        assert st == 200 and ctype == "image/svg+xml"
    finally:
        assert s.stop() == 0


def test_branding_page_uploads_a_logo_and_refuses_bad_ones(demo):
    s = Server(db=demo.db)
    try:
        b = Browser(s)
        b.sign_in("msp@payerlink.example", "payerlink-demo")
        st, _, page = b.req("GET", "/branding")
        assert st == 200 and 'enctype="multipart/form-data"' in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        base = {"csrf": csrf, "name": "Blue Harbor Cloud", "color": "#1f5f8b",
                "support_email": "help@blueharbor.example", "support_url": ""}
        # Without its token: refused, nothing done.
        st, _, page = post_multipart(b, "/branding/save", dict(base, csrf="x"),
                                     {"logo": ("l.png", PNG, "image/png")})
        assert st == 403
        st, _, page = post_multipart(b, "/branding/save", base,
                                     {"logo": ("big.png", PNG + b"\x00" * (150 * 1024),
                                               "image/png")})
        assert st == 400 and "too large (at most 100 KiB)" in page
        st, _, page = post_multipart(b, "/branding/save", base,
                                     {"logo": ("l.gif", b"GIF89a" + b"\x00" * 50, "image/gif")})
        assert st == 400 and "only PNG and SVG" in page
        st, _, page = post_multipart(b, "/branding/save", dict(base, color="#aaddff"),
                                     {})
        assert st == 400 and "below the 4.5:1" in page
        # The PDF's logo is checked when it is sent, and nothing is saved.
        st, _, page = post_multipart(b, "/branding/save", base,
                                     {"logo": ("l.png", PNG, "image/png"),
                                      "pdf_logo": ("p.png", png(20, 20, interlace=1),
                                                   "image/png")})
        assert st == 400 and "pdf logo: an interlaced PNG" in page, page
        st, ctype, _ = get_raw(s, "/favicon.ico")
        assert ctype == "image/svg+xml"
        # A good one: saved, served as PNG, the favicon too; and the
        # PDF's own logo, sent with it in the same form.
        st, h, _ = post_multipart(b, "/branding/save", base,
                                  {"logo": ("l.png", PNG, "image/png"),
                                   "pdf_logo": ("p.png", png(30, 10), "image/png")})
        assert st == 303 and h["location"] == "/branding"
        assert json.loads(cli(demo.db, "msp", "show", "--json").stdout)[
            "Brand"]["PdfLogo"] == "pdf-logo"
        st, _, page = b.req("GET", "/branding")
        assert "Now: this PNG." in page and "Remove the PDF logo" in page
        st, ctype, data = get_raw(s, "/logo")
        assert st == 200 and ctype == "image/png" and data == PNG
        st, ctype, data = get_raw(s, "/favicon.ico")
        assert st == 200 and ctype == "image/png"
        st, _, css = b.req("GET", "/brand.css")
        assert "#1f5f8b" in css
        # Removed: the built-in icon.
        st, _, page = b.req("GET", "/branding")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        st, _, _ = post_multipart(b, "/branding/save", dict(base, csrf=csrf, no_logo="1"), {})
        assert st == 303
        st, ctype, _ = get_raw(s, "/favicon.ico")
        assert st == 200 and ctype == "image/x-icon"
        assert get_raw(s, "/logo")[0] == 404
    finally:
        assert s.stop() == 0


def pdf_text(db, key, tmp_path):
    out = str(tmp_path / (key + ".pdf"))
    cli(db, "invoice", "pdf", key, "-o", out)
    return subprocess.run(["pdftotext", "-layout", out, "-"], capture_output=True,
                          text=True).stdout


def test_invoice_pdf_is_payable(demo, tmp_path):
    inv = json.loads(cli(demo.db, "invoice", "list", "--json").stdout)["Invoices"]
    umb = next(i for i in inv if i["CustomerName"] == "Umbrella Corp")["CustomerId"]
    draft = sorted(i["Period"] for i in inv if i["CustomerId"] == umb and i["State"] == "DRAFT")[0]
    # Per customer: address, tax id, its own terms and instructions.
    c = json.loads(cli(demo.db, "customer", "update", umb, "--address",
                       "9 Hive Road\nRaccoon City, MO 65201", "--tax-id", "US 55-5555555",
                       "--payment-terms", "Net 45", "--payment-instructions",
                       "Wire to Umbrella's account manager, reference UMB-7", "--json").stdout)
    assert c["Address"].startswith("9 Hive Road") and c["PaymentTerms"] == "Net 45"
    cli(demo.db, "invoice", "draft", "--period", draft, "--customer", umb)
    text = pdf_text(demo.db, json.loads(cli(demo.db, "invoice", "show", "--customer", umb,
                                            "--period", draft, "--json").stdout)["InvoiceId"],
                    tmp_path)
    assert "Net 45 from issue" in text
    issued = json.loads(cli(demo.db, "invoice", "issue", "--customer", umb, "--period", draft,
                            "--json").stdout)
    text = pdf_text(demo.db, issued["Number"], tmp_path)
    day = datetime.date.fromisoformat(issued["IssuedAt"][:10])
    due = (day + datetime.timedelta(days=45)).isoformat()
    assert "Umbrella Corp" in text and "9 Hive Road" in text and "US 55-5555555" in text
    assert re.search(r"Issue date\s+%s" % day.isoformat(), text), text
    assert re.search(r"Due date\s+%s" % due, text), text
    assert "Terms: Net 45. Due date: %s." % due in text
    assert "reference UMB-7" in text
    shown = json.loads(cli(demo.db, "invoice", "show", issued["Number"], "--json").stdout)
    assert shown["DueDate"] == due and shown["PaymentTerms"] == "Net 45"
    assert "US 55-5555555" in shown["BillTo"] and "US 98-7654321" in shown["BillFrom"]
    # The MSP's legal name and tax id; the customer's name, never its id.
    assert "Demo MSP Cloud Services LLC" in text and "Tax ID: US 98-7654321" in text
    assert umb not in text
    # Services by name, not product code.
    assert "Amazon Elastic Compute Cloud" in text and "AmazonEC2" not in text
    # Hooli keeps the demo's own terms; without an override a customer
    # takes the MSP's Net 30 and its bank instructions.
    hooli = next(i for i in inv if i["CustomerName"] == "Hooli" and i["Number"])
    text = pdf_text(demo.db, hooli["Number"], tmp_path)
    assert "Net 15" in text and "Card on file" in text
    cli(demo.db, "customer", "update", umb, "--payment-terms", "default",
        "--payment-instructions", "")
    cli(demo.db, "invoice", "draft", "--period", issued["Period"][:4] + "-12", "--customer", umb)
    dec = json.loads(cli(demo.db, "invoice", "show", "--customer", umb, "--period",
                         issued["Period"][:4] + "-12", "--json").stdout)
    text = pdf_text(demo.db, dec["InvoiceId"], tmp_path)
    assert "Net 30 from issue" in text and "First Demo Bank" in text


def test_invoice_pages_name_drafts_and_show_how_to_pay(demo):
    inv = json.loads(cli(demo.db, "invoice", "list", "--json").stdout)["Invoices"]
    drafts = [i for i in inv if i["State"] == "DRAFT" and i["Kind"] == "INVOICE"]
    issued = next(i for i in inv if i["CustomerName"] == "Hooli" and i["Number"])
    s = Server(db=demo.db)
    try:
        b = Browser(s)
        b.sign_in("msp@payerlink.example", "payerlink-demo")
        st, _, page = b.req("GET", "/invoices")
        assert st == 200 and drafts
        # Each draft's link says whose and which month, never just "Draft".
        links = re.findall(r'<a href="/invoices/inv-[a-z0-9]+">([^<]*)</a>', page)
        assert links and "Draft" not in links
        for d in drafts:
            assert "Draft: %s, %s" % (d["CustomerName"], d["Period"]) in links
        st, _, page = b.req("GET", "/invoices/" + issued["Number"])
        day = datetime.date.fromisoformat(issued["IssuedAt"][:10])
        due = (day + datetime.timedelta(days=15)).isoformat()
        assert "<dt>Due date</dt><dd>%s</dd>" % due in page
        assert "<dt>Payment terms</dt><dd>Net 15</dd>" in page
        assert "Card on file" in page
    finally:
        assert s.stop() == 0


def test_customer_page_edits_billing_details(demo):
    cus = json.loads(cli(demo.db, "customer", "list", "--json").stdout)["Customers"]
    acme = next(c for c in cus if c["Name"] == "Acme Standalone")
    s = Server(db=demo.db)
    try:
        b = Browser(s)
        b.sign_in("msp@payerlink.example", "payerlink-demo")
        st, _, page = b.req("GET", "/customers")
        assert "/customers?edit=%s#billing" % acme["CustomerId"] in page
        st, _, page = b.req("GET", "/customers?edit=" + acme["CustomerId"])
        assert st == 200 and "Billing details of Acme Standalone" in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"csrf": csrf, "customer_id": acme["CustomerId"], "address": "5 Road\r\nTown",
                "tax_id": "DE123456789", "payment_terms": "400", "payment_instructions": ""}
        st, _, page = b.req("POST", "/customers/billing", form)
        assert st == 400 and "payment terms: expected days from 0 to 365" in page
        st, h, _ = b.req("POST", "/customers/billing", dict(form, payment_terms="20"))
        assert st == 303
    finally:
        assert s.stop() == 0
    got = json.loads(cli(demo.db, "customer", "show", acme["CustomerId"], "--json").stdout)
    assert got["Address"] == "5 Road\nTown" and got["TaxId"] == "DE123456789"
    assert got["PaymentTerms"] == "Net 20" and got["PaymentInstructions"] == ""


def test_rest_customer_billing_details(demo):
    from test_pricing_api import rest
    m = re.search(r"^\s+msp@payerlink\.example\s+(\d{12})\s.*key (\S+) secret (\S+)",
                  demo.init, re.M)
    msp = {"AccessKeyId": m.group(2), "SecretAccessKey": m.group(3)}
    cus = json.loads(cli(demo.db, "customer", "list", "--json").stdout)["Customers"]
    glob = next(c for c in cus if c["Name"] == "Globex Member")["CustomerId"]
    s = Server(db=demo.db)
    try:
        st, r = rest(s, msp, "PATCH", "/api/v1/customers/" + glob,
                     {"Address": "1 Globex Plaza\nParis", "TaxId": "FR 12345678901",
                      "PaymentTerms": "Net 10", "PaymentInstructions": "SEPA, ref GLX"})
        assert st == 200, r
        assert (r["Address"], r["TaxId"], r["PaymentTerms"], r["PaymentInstructions"]) == \
            ("1 Globex Plaza\nParis", "FR 12345678901", "Net 10", "SEPA, ref GLX")
        st, r = rest(s, msp, "PATCH", "/api/v1/customers/" + glob, {"PaymentTerms": "soon"})
        assert st == 400 and "payment terms" in json.dumps(r)
        st, r = rest(s, msp, "GET", "/api/v1/customers/" + glob)
        assert r["PaymentTerms"] == "Net 10"
    finally:
        assert s.stop() == 0


def pdf_images(path):
    """pdfimages -list's rows: (type, width, height, colour)."""
    out = subprocess.run(["pdfimages", "-list", path], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [(r.split()[2], int(r.split()[3]), int(r.split()[4]), r.split()[5]) for r in out]


def render(path):
    """Page 1 at 72 dpi as PPM rows (poppler must read the PDF cleanly)."""
    p = subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", path],
                       capture_output=True)
    assert p.returncode == 0 and p.stderr == b"", p.stderr
    data = p.stdout
    magic, w, h, mx, pix = data.split(maxsplit=4)
    assert magic == b"P6"
    w, h = int(w), int(h)
    return [pix[y * w * 3:(y + 1) * w * 3] for y in range(h)]


def test_invoice_pdf_shows_the_msp_logo(tmp_path):
    db = new_db(str(tmp_path))
    try:
        assert subprocess.run([BIN, "init", "--db", db, "--demo"],
                              capture_output=True).returncode == 0
        # A draft: it shows the brand of the day (an issued invoice keeps
        # its own, test_issued_invoice_pdf_keeps_its_brand).
        key = next(i["InvoiceId"] for i in json.loads(cli(db, "invoice", "list", "--json").stdout)[
            "Invoices"] if i["State"] == "DRAFT" and i["Kind"] == "INVOICE")

        def pdf(name):
            path = str(tmp_path / (name + ".pdf"))
            cli(db, "invoice", "pdf", key, "-o", path)
            return path
        # The demo's logo is an SVG; it brings a PNG of it for PDFs, drawn
        # with its transparency as a soft mask.
        brand = json.loads(cli(db, "msp", "show", "--json").stdout)["Brand"]
        assert brand["LogoType"] == "image/svg+xml" and brand["PdfLogo"] == "pdf-logo"
        demo = pdf("demo")
        assert pdf_images(demo) == [("image", 128, 128, "rgb"), ("smask", 128, 128, "gray")]
        with_logo = render(demo)
        # Without it an SVG brand's PDF shows the name alone, and says so.
        r = json.loads(cli(db, "msp", "brand", "--no-pdf-logo", "--json").stdout)
        assert r["PdfLogo"] is None
        assert "the name alone" in cli(db, "msp", "show").stdout
        bare = pdf("bare")
        assert pdf_images(bare) == []
        without = render(bare)
        # The band (36 pt) differs where the logo is; the page under it not.
        assert with_logo[40:] == without[40:]
        assert with_logo[:36] != without[:36]
        # A wide PNG with alpha: its own size, scaled into the band.
        wide = tmp_path / "wide.png"
        wide.write_bytes(png(120, 40))
        r = json.loads(cli(db, "msp", "brand", "--pdf-logo", str(wide), "--json").stdout)
        assert r["PdfLogo"] == "pdf-logo"
        path = pdf("wide")
        assert pdf_images(path) == [("image", 120, 40, "rgb"), ("smask", 120, 40, "gray")]
        render(path)
        # A PNG page logo serves the PDF too when there is no PDF logo.
        rgb = tmp_path / "rgb.png"
        rgb.write_bytes(png(50, 50, color=2))
        cli(db, "msp", "brand", "--logo", str(rgb), "--no-pdf-logo")
        assert json.loads(cli(db, "msp", "show", "--json").stdout)["Brand"]["PdfLogo"] == "logo"
        path = pdf("rgb")
        assert pdf_images(path) == [("image", 50, 50, "rgb")]
        render(path)
        # Refused when set, with the reason, and nothing changes.
        for name, data, why in [
                ("i.png", png(20, 20, interlace=1), "an interlaced PNG; save it without"),
                ("d.png", png(20, 20, depth=16), "a PNG of 16 bits a channel (RGBA)"),
                ("b.png", png(1025, 2, color=0), "1025x2 pixels; at most 1024x1024"),
                ("t.png", png(20, 20)[:-20], "truncated PNG"),
                ("l.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "PNG logo only")]:
            f = tmp_path / name
            f.write_bytes(data)
            p = cli(db, "msp", "brand", "--pdf-logo", str(f), ok=False)
            assert p.returncode != 0 and "pdf logo: " in p.stderr and why in p.stderr, p.stderr
        assert pdf_images(pdf("after")) == [("image", 50, 50, "rgb")]
    finally:
        drop_db(db)


def test_issued_invoice_pdf_keeps_its_brand(tmp_path):
    """An issued invoice is frozen: its PDF stays the same bytes whatever the
    MSP changes later (logo, name, colour, support contact, legal name,
    address, tax id, terms; the customer's address); a draft shows the
    brand of the day. Each distinct logo is stored once."""
    db = new_db(str(tmp_path))
    try:
        assert subprocess.run([BIN, "init", "--db", db, "--demo"],
                              capture_output=True).returncode == 0
        inv = json.loads(cli(db, "invoice", "list", "--json").stdout)["Invoices"]
        drafts = [i for i in inv if i["State"] == "DRAFT" and i["Kind"] == "INVOICE"]
        assert len(drafts) >= 2
        first = json.loads(cli(db, "invoice", "issue", drafts[0]["InvoiceId"],
                               "--json").stdout)["Number"]
        demo_issued = next(i["Number"] for i in inv if i["Number"])

        def pdf(key, name):
            path = str(tmp_path / (name + ".pdf"))
            cli(db, "invoice", "pdf", key, "-o", path)
            text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                                  text=True, check=True).stdout
            return open(path, "rb").read(), pdf_images(path), text
        before = pdf(first, "before")
        old_demo = pdf(demo_issued, "demo-before")
        assert before[1] == [("image", 128, 128, "rgb"), ("smask", 128, 128, "gray")]
        assert "Demo MSP" in before[2]
        # The demo's issued invoices and this one show one logo: stored once.
        assert sql(db, "SELECT COUNT(*) FROM invoice_logos") == [(1,)]
        wide = tmp_path / "wide.png"
        wide.write_bytes(png(120, 40))
        cli(db, "msp", "brand", "--name", "Renamed Cloud", "--support-email",
            "help@renamed.example", "--color", "#7a1f5c", "--pdf-logo", str(wide))
        msp = json.loads(cli(db, "msp", "show", "--json").stdout)
        cli(db, "msp", "set", msp["AccountId"], "--legal-name", "Renamed Cloud GmbH",
            "--address", "1 New Street\nBerlin", "--tax-id", "DE 123456789",
            "--payment-terms", "7", "--payment-instructions", "Pay the new bank")
        cli(db, "customer", "update", drafts[0]["CustomerId"], "--address", "77 Moved Lane")
        # Issued: the same bytes, so the same logo and words.
        after = pdf(first, "after")
        assert after[1] == before[1] and after[2] == before[2]
        assert after[0] == before[0]
        assert pdf(demo_issued, "demo-after")[0] == old_demo[0]
        for word in ("Renamed", "help@renamed", "DE 123456789", "New Street", "Net 7",
                     "new bank", "Moved Lane"):
            assert word not in after[2], word
        # A draft follows the brand (and the parties) of the day.
        _, images, text = pdf(drafts[1]["InvoiceId"], "draft")
        assert images == [("image", 120, 40, "rgb"), ("smask", 120, 40, "gray")]
        assert "Renamed Cloud" in text and "help@renamed.example" in text
        assert "Renamed Cloud GmbH" in text and "DE 123456789" in text
        assert "Demo MSP" not in text
        # Issued now, it keeps the new brand; the new logo is stored once more.
        second = json.loads(cli(db, "invoice", "issue", drafts[1]["InvoiceId"],
                                "--json").stdout)["Number"]
        assert sql(db, "SELECT COUNT(*) FROM invoice_logos") == [(2,)]
        kept = pdf(second, "second")
        cli(db, "msp", "brand", "--no-pdf-logo")
        assert pdf(second, "second-after")[0] == kept[0]
        assert kept[1] == [("image", 120, 40, "rgb"), ("smask", 120, 40, "gray")]
        assert sql(db, "SELECT COUNT(DISTINCT logo) FROM invoices WHERE state <> 'DRAFT'") \
            == [(2,)]
        assert sql(db, "SELECT COUNT(*) FROM invoices WHERE state = 'DRAFT' "
                   "AND logo IS NOT NULL") == [(0,)]
    finally:
        drop_db(db)
