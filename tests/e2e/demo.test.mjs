// SPDX-License-Identifier: MIT
// The demo as a newcomer meets it (issue 23): `make run`'s script on a
// free port, then every MSP, customer and portal page in Chromium at 1366
// and 390 px, with the checks a person would make: one money format, no
// sideways scroll, readable contrast, the README's tour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, BIN, launch, lowContrast, newPage, overlappingLabels, serve, shot, signIn } from './lib.mjs';

const DEMO_PW = 'payerlink-demo';
const PORTAL_PW = 'portal-demo-1';
let browser, srv;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// tools/run.sh, as `make run LISTEN=127.0.0.1:PORT` calls it.
async function makeRun() {
  const dir = mkdtempSync(path.join(tmpdir(), 'payerlink-demo-'));
  const port = await freePort();
  const db = path.join(dir, 'demo.db');
  const srv = await serve('sh', [path.join(ROOT, 'tools/run.sh'), BIN, db, `127.0.0.1:${port}`],
    dir, { cwd: dir, timeout: 120000 });
  return Object.assign(srv, { url: `http://127.0.0.1:${port}`, port, db });
}

before(async () => {
  srv = await makeRun();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A new page at 1366 px signed in as email.
async function signInAs(email, password, landing) {
  return signIn(await newPage(browser, 1366, 900), srv, email, password, landing);
}

// Every amount a person reads: a number followed by a currency code.
function amounts(text) {
  return [...text.matchAll(/(-?[\d,]+(?:\.\d+)?)\s?(USD|KRW|EUR)\b/g)]
    .map((m) => [m[1], m[2], text.slice(Math.max(0, m.index - 40), m.index + 20)]);
}

function assertMoney(text, where) {
  const long = text.match(/.{0,30}\b\d[\d,]*\.\d{3,}\b.{0,10}/);
  assert.equal(long, null, `${where}: a number with more decimals than money has`);
  const found = amounts(text);
  for (const [num, cur, ctx] of found) {
    const dec = num.includes('.') ? num.split('.')[1].length : 0;
    const want = cur === 'KRW' ? 0 : 2;
    assert.equal(dec, want, `${where}: "${num} ${cur}" has ${dec} decimals, ${cur} has ${want}: ${ctx}`);
    const int = num.replace(/^-/, '').split('.')[0];
    assert.match(int, /^\d{1,3}(,\d{3})*$/, `${where}: "${num} ${cur}" lacks thousands separators`);
  }
  return found.length;
}

test('make run LISTEN=127.0.0.1:PORT prints plan links on that port, and they open', async () => {
  const links = [...srv.out().matchAll(/plan (http:\/\/\S+)/g)].map((m) => m[1]);
  assert.equal(links.length, 3, srv.out());
  for (const l of links) {
    assert.ok(l.startsWith(srv.url + '/plan/'), `${l} is not on ${srv.url}`);
    assert.equal((await fetch(l)).status, 200);
  }
});

test('money: one format on the MSP console, the portal and the Imports page', async () => {
  const msp = await signInAs('msp@payerlink.example', DEMO_PW, /\/organization/);
  let n = 0;
  // (/pricing: descriptions are the MSP's own words, rates are not money.)
  for (const p of ['/imports', '/invoices', '/customers']) {
    await msp.goto(srv.url + p);
    n += assertMoney(await msp.locator('main').innerText(), p);
  }
  // The import detail: what the Imports page showed with 9 decimals.
  await msp.goto(srv.url + '/imports');
  const first = msp.locator('main table a[href^="/imports/"]').first();
  await first.click();
  n += assertMoney(await msp.locator('main').innerText(), 'import detail');
  await shot(msp, 'demo-import-detail');
  // Hooli's KRW invoice: whole won with separators.
  await msp.goto(srv.url + '/invoices');
  const text = await msp.locator('main').innerText();
  assert.match(text, /\d{1,3},\d{3},\d{3}\s+KRW/, 'Hooli\'s KRW total as 1,234,567 KRW');
  const portal = await signInAs('portal@umbrella-corp.example', PORTAL_PW, /\/portal$/);
  for (const p of ['/portal', '/portal/costs', '/portal/budgets', '/portal/anomalies']) {
    await portal.goto(srv.url + p);
    n += assertMoney(await portal.locator('main').innerText(), p);
  }
  // Chart axes: short labels ("$1.25K"), not "1,250.00 USD".
  await portal.goto(srv.url + '/portal/costs');
  const axis = await portal.locator('svg text.axis').allTextContents();
  assert.ok(axis.some((t) => /^\$\d+(\.\d+)?[KM]?$/.test(t)), axis.join('|'));
  assert.ok(!axis.some((t) => /USD/.test(t)), axis.join('|'));
  // CSV keeps exact decimals, and its header says so.
  const csv = await portal.evaluate(async (u) => (await fetch(u)).text(), srv.url + '/portal/costs.csv');
  assert.match(csv.split('\n')[0], /cost_exact_decimal/);
  assert.ok(n > 20, `only ${n} amounts seen`);
});

test('a refused onboarding request makes no new customer (defect 9)', async () => {
  const page = await signInAs('msp@payerlink.example', DEMO_PW, /\/organization/);
  const umbrellaProd = srv.out().match(/prod@umbrella\.example\s+(\d{12})/)[1];
  for (const [name, acct, email, why] of [
    ['Rejected Short Id', '123', 'owner@rejected.example', /12 digits/],
    ['Rejected Member', umbrellaProd, 'prod@umbrella.example', /belongs to customer Umbrella Corp/]]) {
    await page.goto(srv.url + '/onboarding');
    const f = page.locator('#new');
    await f.getByLabel('New customer name').fill(name);
    await f.getByLabel('AWS account ID').fill(acct);
    await f.getByLabel('Root user e-mail').fill(email);
    await f.getByRole('button', { name: 'File request and invite' }).click();
    assert.match(await page.locator('main').innerText(), why);
    await page.goto(srv.url + '/customers');
    assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(name));
  }
  await page.context().close();
});

test('anomalies: the README\'s one spike, newest first, acknowledged with a confirmation (defect 11)', async () => {
  const page = await signInAs('portal@umbrella-corp.example', PORTAL_PW, /\/portal$/);
  await page.goto(srv.url + '/portal/anomalies');
  const rows = page.locator('#anomalies tbody tr');
  // README: "an anomaly (Umbrella's EC2 spike three days ago)".
  assert.equal(await rows.count(), 1, await page.locator('#anomalies').innerText());
  const row = await rows.first().innerText();
  assert.match(row, /Umbrella Prod\s+\d{12}/, 'the account by name, with its id');
  assert.match(row, /Amazon Elastic Compute Cloud - Compute/, 'the service as Cost Explorer names it');
  const day = row.match(/\d{4}-\d{2}-\d{2}/)[0];
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((Date.parse(today) - Date.parse(day)) / 86400000, 3, `spike on ${day}, today ${today}`);
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.waitForURL(/\/portal\/anomalies/);
  assert.match(await page.locator('.flash.ok').textContent(), /Anomaly acknowledged/);
  assert.match(await rows.first().innerText(), /ACKNOWLEDGED/);
  await shot(page, 'demo-anomalies');
  // The MSP's view of every customer: newest first.
  const msp = await signInAs('msp@payerlink.example', DEMO_PW, /\/organization/);
  await msp.goto(srv.url + '/portal/anomalies');
  const days = (await msp.locator('#anomalies tbody tr td:first-child').allTextContents())
    .filter((d) => /^\d{4}-/.test(d));
  assert.deepEqual(days, [...days].sort().reverse());
  await page.context().close();
  await msp.context().close();
});

test('accounts by name beside their ids: overview, cost analysis, invoices (issue 23, 3)', async () => {
  const page = await signInAs('portal@umbrella-corp.example', PORTAL_PW, /\/portal$/);
  assert.match(await page.locator('main').innerText(), /Umbrella Prod\s*\d{12}/);
  await page.goto(srv.url + '/portal/costs?group=LINKED_ACCOUNT');
  assert.match(await page.locator('#costs').innerText(), /Umbrella Dev \(\d{12}\)/);
  assert.match(await page.locator('svg rect title').first().textContent(), /Umbrella (Prod|Dev) \(\d{12}\)/);
  await page.goto(srv.url + '/portal/invoices');
  await page.locator('main table a').first().click();
  assert.match(await page.locator('#lines').innerText(), /Umbrella (Prod|Dev)\s*\d{12}/);
  await page.context().close();
});

async function checkPage(page, name, where) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth,
      document.documentElement.clientWidth]);
    where.push(...(sw > cw ? [`${name} scrolls sideways at ${width} px (${sw} > ${cw})`] : []));
    where.push(...(await page.evaluate(lowContrast)).map((b) => `${name} @${width}: ${b}`));
    where.push(...(await page.evaluate(overlappingLabels)).map((b) => `${name} @${width}: chart labels overlap: ${b}`));
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot(page, `walk-${name}`);
}

test('every page at 1366 and 390 px: no sideways scroll, contrast at least 4.5:1 (defects 13, 14)', async () => {
  const problems = [];
  const anon = await newPage(browser, 1366, 900);
  await anon.goto(srv.url + '/signin');
  await checkPage(anon, 'signin', problems);
  const plan = srv.out().match(/plan (http:\/\/\S+)/)[1];
  await anon.goto(plan);
  await checkPage(anon, 'plan', problems);
  await anon.goto(srv.url + '/intake');
  await checkPage(anon, 'intake', problems);
  const msp = await signInAs('msp@payerlink.example', DEMO_PW, /\/organization/);
  for (const p of ['/organization', '/onboarding', '/customers', '/audit', '/imports', '/invoices',
    '/pricing', '/settings', '/portal', '/portal/costs', '/portal/invoices', '/portal/budgets',
    '/portal/anomalies']) {
    await msp.goto(srv.url + p);
    await checkPage(msp, 'msp' + p.replaceAll('/', '-'), problems);
  }
  await msp.goto(srv.url + '/onboarding');
  await msp.locator('main table a[href^="/onboarding/"]').first().click();
  await checkPage(msp, 'msp-onboarding-detail', problems);
  await msp.goto(srv.url + '/imports');
  await msp.locator('main table a[href^="/imports/"]').first().click();
  await checkPage(msp, 'msp-import-detail', problems);
  await msp.goto(srv.url + '/invoices');
  await msp.locator('main table a[href^="/invoices/"]').first().click();
  await checkPage(msp, 'msp-invoice', problems);
  for (const who of ['case1', 'case2', 'case3']) {
    const p = await signInAs(`${who}@customer.example`, DEMO_PW, /\/organization/);
    await checkPage(p, who + '-organization', problems);
    await p.context().close();
  }
  const portal = await signInAs('portal@hooli.example', PORTAL_PW, /\/portal$/);
  for (const p of ['/portal', '/portal/costs', '/portal/invoices', '/portal/budgets', '/portal/anomalies']) {
    await portal.goto(srv.url + p);
    await checkPage(portal, 'hooli' + p.replaceAll('/', '-'), problems);
  }
  await anon.context().close();
  await msp.context().close();
  await portal.context().close();
  assert.deepEqual(problems, []);
});

test('the README\'s tour is the demo: customers, currencies, who is invoiced (defect 15)', async () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `(case\d@customer\.example)` \| ([^(|]+) \((\w{3}), (\d+) %\) \|/gm)];
  assert.equal(rows.length, 3, 'the tour\'s table names each case\'s customer');
  const billed = readme.match(/billed two customers for months, (\w[\w ]*) \((\w{3})\) and (\w+) \((\w{3}), (\d+) % tax/);
  assert.ok(billed, 'the tour says who is billed');
  const page = await signInAs('msp@payerlink.example', DEMO_PW, /\/organization/);
  await page.goto(srv.url + '/customers');
  const customers = (await page.locator('#customers tbody tr').allInnerTexts()).map((t) => t.split('\t'));
  const byName = Object.fromEntries(customers.map((c) => [c[0].trim(), c]));
  assert.equal(customers.length, 5, customers.join('\n'));
  for (const [, email, name, cur, tax] of rows) {
    const c = byName[name.trim()];
    assert.ok(c, `${name} is a customer`);
    assert.equal(c[2].trim(), email);
    assert.equal(c[3].trim(), cur);
    assert.equal(c[4].trim(), `${tax}%`);
  }
  assert.equal(byName[billed[1]][3].trim(), billed[2]);
  assert.equal(byName[billed[3]][3].trim(), billed[4]);
  assert.equal(byName[billed[3]][4].trim(), `${billed[5]}%`);
  // "the only customers invoiced so far"
  await page.goto(srv.url + '/invoices');
  const invoiced = new Set((await page.locator('main table tbody tr').allInnerTexts())
    .map((t) => t.split('\t').find((f) => byName[f.trim()])?.trim()).filter(Boolean));
  assert.deepEqual([...invoiced].sort(), [billed[1], billed[3]].sort());
  await page.context().close();
});
