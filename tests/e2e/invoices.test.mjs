// SPDX-License-Identifier: MIT
// Invoices in the browser: the MSP issues a draft in the console (it gets
// a number), voids one with a reason and reads the reconciliation; the
// customer's portal user sees its issued invoices only (never a draft),
// with no AWS cost anywhere in the page source, downloads the PDF and CSV,
// and gets the same 404 for another customer's number as for an unknown
// one; a read-only MSP user sees the AWS cost but cannot issue (403).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, cli, createOrg, join, launch, newAccount, newPage, shot,
  signIn, startServer } from './lib.mjs';

const PW = 'portal-password-1';
let srv, browser, msp, a1, b1, g1, ca, cb, cg, P, betaNumber, gammaDraft;
let alphaNumber;

const COLS = 'bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,' +
  'line_item_line_item_type,line_item_usage_start_date,line_item_product_code,' +
  'line_item_usage_type,line_item_operation,product_region_code,pricing_term,' +
  'line_item_currency_code,line_item_unblended_cost,line_item_usage_amount\n';

function nextPeriod(iso) {
  let y = Number(iso.slice(0, 4)), m = Number(iso.slice(5, 7)) + 1;
  if (m === 13) { y += 1; m = 1; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

before(async () => {
  srv = await startServer();
  browser = await launch();
  msp = await newAccount(srv, { tag: 'msp', name: 'Acme Cloud Partners' });
  await createOrg(srv, msp);
  await cli(srv, 'msp', 'set', msp.id, '--name', 'Acme Cloud Partners', '--address',
    '1 Harbour Street\nSeattle, WA 98101', '--json');
  ca = (await cli(srv, 'customer', 'create', '--name', 'Alpha Corp', '--contact', 'ap@alpha.example', '--tax-rate', '10', '--json')).CustomerId;
  cb = (await cli(srv, 'customer', 'create', '--name', 'Beta Corp', '--contact', 'ap@beta.example', '--json')).CustomerId;
  cg = (await cli(srv, 'customer', 'create', '--name', 'Gamma Corp', '--contact', 'ap@gamma.example', '--json')).CustomerId;
  a1 = await newAccount(srv, { tag: 'a1', name: 'Alpha one' });
  b1 = await newAccount(srv, { tag: 'b1', name: 'Beta one' });
  g1 = await newAccount(srv, { tag: 'g1', name: 'Gamma one' });
  for (const a of [a1, b1, g1]) await join(srv, msp, a);
  await cli(srv, 'customer', 'add-account', ca, a1.id, '--json');
  await cli(srv, 'customer', 'add-account', cb, b1.id, '--json');
  await cli(srv, 'customer', 'add-account', cg, g1.id, '--json');
  const r = await fetch(srv.url + '/api/v1/test/clock', { method: 'POST',
    body: JSON.stringify({ advance_seconds: 0 }) });
  P = nextPeriod((await r.json()).now);
  // AWS: Alpha 100 EC2 + 20 S3, Beta 50 EC2, Gamma 40 EC2; billed +10 %.
  let csv = COLS;
  for (const [acct, prod, cost] of [[a1.id, 'AmazonEC2', '100'], [a1.id, 'AmazonS3', '20'],
    [b1.id, 'AmazonEC2', '50'], [g1.id, 'AmazonEC2', '40']])
    csv += `${msp.id},${P}-01T00:00:00Z,${acct},Usage,${P}-03T10:00:00Z,${prod},Use,Run,us-east-1,OnDemand,USD,${cost},1\n`;
  const f = path.join(srv.dir, 'cur.csv');
  writeFileSync(f, csv);
  await cli(srv, 'ingest', f, '--json');
  await cli(srv, 'pricing', 'add', '--from', P, '--percent', '10', '--json');
  await cli(srv, 'invoice', 'draft', '--period', P, '--json');
  betaNumber = (await cli(srv, 'invoice', 'issue', '--customer', cb, '--period', P, '--json')).Number;
  const list = (await cli(srv, 'invoice', 'list', '--period', P, '--json')).Invoices;
  gammaDraft = list.find((i) => i.CustomerId === cg).InvoiceId;
  await cli(srv, 'user', 'create', '--customer', ca, '--email', 'alice@alpha.example', '--password', PW, '--json');
  await cli(srv, 'user', 'create', '--customer', cb, '--email', 'bob@beta.example', '--password', PW, '--json');
  await cli(srv, 'user', 'create', '--role', 'read-only', '--email', 'rita@msp.example', '--password', PW, '--json');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function portalSignIn(email, width = 1280) {
  return signIn(await newPage(browser, width), srv, email, PW, /\/portal$/);
}

test('a customer never sees a draft', async () => {
  const page = await portalSignIn('alice@alpha.example');
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.locator('#no-invoices').waitFor();
  const list = (await cli(srv, 'invoice', 'list', '--customer', ca, '--json')).Invoices;
  assert.equal(list[0].State, 'DRAFT');
  const res = await page.goto(srv.url + `/portal/invoices/${list[0].InvoiceId}`);
  assert.equal(res.status(), 404);
  await page.context().close();
});

test('the MSP issues a draft in the console and it gets a number', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.waitForURL(/\/invoices$/);
  await page.getByLabel('Period', { exact: true }).fill(P);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/period=/);
  assert.match(await page.locator('#counts').textContent(), /All: 3.*Draft: 2.*Issued: 1.*Void: 0/);
  const rows = await page.locator('#invoices tbody').textContent();
  assert.ok(rows.includes('Alpha Corp') && rows.includes('Beta Corp') && rows.includes(betaNumber));
  await shot(page, 'invoices-msp-list');
  // Filter by customer and state.
  await page.getByLabel('Customer', { exact: true }).selectOption(ca);
  await page.getByLabel('State').selectOption('DRAFT');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/state=DRAFT/);
  assert.equal(await page.locator('#invoices tbody tr').count(), 1);
  await page.locator('#invoices tbody a').first().click();
  await page.waitForURL(/\/invoices\/inv-/);
  const lines = await page.locator('#lines').textContent();
  assert.match(lines, /AWS cost \(USD\)/);
  assert.match(lines, /100\.00/);
  assert.match(lines, /110\.00/);
  assert.match(await page.locator('#margin').textContent(), /12\.00/);
  assert.match(await page.locator('#total').textContent(), /145\.20 USD/);
  await shot(page, 'invoice-msp-draft');
  await page.getByRole('button', { name: 'Issue' }).click();
  await page.waitForURL(/\/invoices\/PL-\d{4}-\d{6}$/);
  alphaNumber = page.url().split('/').pop();
  assert.match(await page.locator('h1').textContent(), new RegExp(`Invoice ${alphaNumber}.*Issued`));
  assert.match(await page.locator('.flash.ok').textContent(), /issued/);
  assert.equal(await page.getByRole('button', { name: 'Issue' }).count(), 0);
  await shot(page, 'invoice-msp-issued');
  // Reconciliation: AWS total = customers + unassigned + out of membership.
  await page.goto(srv.url + `/invoices/reconciliation?period=${P}`);
  assert.match(await page.locator('#aws-total').textContent(), /210\.00/);
  assert.match(await page.locator('#balanced').textContent(), /^Balanced/);
  assert.match(await page.locator('#margin-total').textContent(), /21\.00/);
  await shot(page, 'invoices-reconciliation');
  await page.context().close();
});

test('the customer sees the issued invoice, HTML, PDF and CSV, with no AWS cost', async () => {
  assert.ok(alphaNumber, 'issued by the previous test');
  const page = await portalSignIn('alice@alpha.example');
  await page.getByRole('link', { name: 'Invoices' }).click();
  const rows = await page.locator('#invoices tbody').textContent();
  assert.ok(rows.includes(alphaNumber));
  assert.equal(await page.locator('#invoices tbody tr').count(), 1);
  let html = await page.content();
  assert.ok(!/AWS cost/i.test(html) && !html.includes('Beta Corp'));
  await page.getByRole('link', { name: alphaNumber }).click();
  await page.waitForURL(new RegExp(`/portal/invoices/${alphaNumber}$`));
  html = await page.content();
  const src = await page.evaluate(async (u) => (await fetch(u)).text(), page.url());
  for (const s of [html, src]) {
    assert.ok(!/AWS cost|AwsCost|margin/i.test(s), 'no AWS cost or margin for the customer');
    assert.ok(!s.includes('100.00') && !s.includes('20.00'), 'no AWS amounts');
    assert.ok(!/\bPage\b/.test(s));
  }
  assert.match(await page.locator('#bill-from').textContent(), /Acme Cloud Partners.*Harbour Street/);
  assert.match(await page.locator('#bill-to').textContent(), /Alpha Corp/);
  assert.match(await page.locator('#lines').textContent(), /110\.00/);
  assert.match(await page.locator('#totals').textContent(), /Subtotal132\.00.*Tax \(10 %\)13\.20.*145\.20 USD/);
  await shot(page, 'invoice-customer-view');
  const pdf = await page.evaluate(async (u) => {
    const r = await fetch(u);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'),
      head: String.fromCharCode(...b.slice(0, 5)) };
  }, await page.locator('#pdf').getAttribute('href'));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.equal(pdf.head, '%PDF-');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(),
    await page.locator('#csv').getAttribute('href'));
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'Number,Period,Currency,Row,AccountId,Item,Amount,ServiceCode');
  assert.ok(lines.some((l) => l === `${alphaNumber},${P},USD,LINE,${a1.id},Amazon Elastic Compute Cloud,110.00,AmazonEC2`));
  assert.ok(lines.some((l) => l === `${alphaNumber},${P},USD,TOTAL,,,145.20,`));
  assert.ok(!/AwsCost|100\.00/.test(csv));
  // Another customer's number, or an unknown one: the same 404.
  for (const p of [betaNumber, `${betaNumber}/pdf`, `${betaNumber}/csv`, 'PL-2099-999999', gammaDraft]) {
    const res = await page.goto(srv.url + `/portal/invoices/${p}`);
    assert.equal(res.status(), 404, p);
    assert.ok(!(await page.content()).includes('Beta Corp'));
  }
  // ?customer= is ignored for a customer user.
  await page.goto(srv.url + `/portal/invoices?customer=${cb}`);
  assert.ok(!(await page.content()).includes(betaNumber));
  await page.context().close();
});

test('the invoice view at a phone width', async () => {
  const page = await portalSignIn('alice@alpha.example', 390);
  await page.goto(srv.url + `/portal/invoices/${alphaNumber}`);
  await page.locator('#totals').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.ok(!overflow, 'no horizontal scrolling at 390 px');
  await shot(page, 'invoice-customer-phone', { phone: false });
  await page.context().close();
});

test('a read-only MSP user sees every invoice with the AWS cost but cannot issue', async () => {
  const page = await portalSignIn('rita@msp.example');
  await page.goto(srv.url + `/portal/invoices?period=${P}`);
  const rows = await page.locator('#invoices tbody').textContent();
  assert.ok(rows.includes('Alpha Corp') && rows.includes('Gamma Corp'));
  assert.match(await page.locator('#invoices thead').textContent(), /AWS cost/);
  await page.goto(srv.url + `/portal/invoices/${gammaDraft}`);
  assert.match(await page.locator('#lines').textContent(), /AWS cost/);
  assert.equal(await page.getByRole('button', { name: 'Issue' }).count(), 0);
  await shot(page, 'invoice-readonly-msp', { phone: false });
  await page.context().close();
  // By hand, with a valid session and CSRF token: 403, nothing issued.
  const c = new Client(srv);
  await c.signIn({ email: 'rita@msp.example' }, PW);
  const csrf = Client.csrf((await c.get('/portal/invoices')).text);
  assert.ok(csrf);
  const r = await c.post(`/portal/invoices/${gammaDraft}/issue`, { csrf });
  assert.equal(r.status, 403);
  const v = await c.post(`/portal/invoices/${betaNumber}/void`, { csrf, reason: 'x' });
  assert.equal(v.status, 403);
  const g = (await cli(srv, 'invoice', 'list', '--customer', cg, '--json')).Invoices;
  assert.equal(g[0].State, 'DRAFT');
  // The console's /invoices is not a portal user's.
  const m = await c.post(`/invoices/${gammaDraft}/issue`, { csrf });
  assert.notEqual(m.status, 200);
  assert.equal((await cli(srv, 'invoice', 'list', '--customer', cg, '--json')).Invoices[0].State, 'DRAFT');
});

test('the MSP voids an issued invoice with a reason; the customer sees it void', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.goto(srv.url + `/invoices/${betaNumber}`);
  await page.locator('#void summary').click();
  await page.getByLabel('Reason').fill('Billed to the wrong entity');
  await page.getByRole('button', { name: 'Void' }).click();
  await page.waitForURL(new RegExp(`/invoices/${betaNumber}$`));
  assert.match(await page.locator('#doc-state').textContent(), /Void/);
  await page.context().close();
  const bob = await portalSignIn('bob@beta.example');
  await bob.goto(srv.url + '/portal/invoices');
  assert.match(await bob.locator('#invoices tbody').textContent(), new RegExp(`${betaNumber}.*Void`));
  await bob.context().close();
});
