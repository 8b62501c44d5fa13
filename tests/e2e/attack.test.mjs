// SPDX-License-Identifier: MIT
// Attack from the browser (issue 11): script through every stored text
// field (account names, invitation notes, customer names, CUR descriptions
// and product codes) is shown as text on every page and never runs; a
// session cookie planted before sign-in is not the one after it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  BIN, Client, awsOk, cli, createOrg, invite, join, launch, newAccount, newPage, signIn, startServer,
} from './lib.mjs';

const run = promisify(execFile);
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Same-origin pages reachable from the start pages, GET only.
async function crawl(page, starts, limit = 40) {
  const seen = new Set();
  const todo = [...starts];
  const out = [];
  while (todo.length && seen.size < limit) {
    const p = todo.shift();
    if (seen.has(p) || p.startsWith('/signout') || p.startsWith('/static/') ||
        /\.(csv|pdf|svg|json)(\?|$)/.test(p)) continue;
    seen.add(p);
    let r;
    try { r = await page.goto(srv.url + p); } catch { continue; } // a download
    if (!r || r.status() !== 200 || !(r.headers()['content-type'] || '').startsWith('text/html')) continue;
    out.push({ path: p, text: await page.locator('body').innerText() });
    const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
    for (const h of hrefs) if (!seen.has(h.split('#')[0])) todo.push(h.split('#')[0]);
  }
  return out;
}

test('script in every stored text field is shown as text and never runs', async () => {
  const msp = await newAccount(srv, { tag: 'xmsp', name: XSS[0] });
  await createOrg(srv, msp);
  await run(BIN, ['msp', 'set', msp.id, '--name', XSS[1], '--json', '--db', srv.db]);
  const member = await newAccount(srv, { tag: 'xmem', name: XSS[1] });
  await join(srv, msp, member);
  const target = await newAccount(srv, { tag: 'xtgt', name: XSS[0] });
  await awsOk(srv, msp, 'invite-account-to-organization', '--target',
    `Id=${target.id},Type=ACCOUNT`, '--notes', XSS[1]);
  const cust = await cli(srv, 'customer', 'create', '--name', XSS[0], '--contact',
    'xss@example.com', '--json');
  const cid = cust?.Id || cust?.CustomerId || cust?.id;
  if (cid) await run(BIN, ['customer', 'add-account', cid, member.id, '--db', srv.db]).catch(() => {});
  // A CUR delivery whose description and product code carry script.
  const cur = path.join(srv.dir, 'xss.csv');
  const hdr = 'bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,' +
    'line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_usage_type,' +
    'line_item_operation,product_region_code,pricing_term,line_item_currency_code,' +
    'line_item_unblended_cost,line_item_usage_amount,line_item_line_item_description\n';
  const q = (s) => '"' + s.replace(/"/g, '""') + '"';
  let rows = '';
  for (let d = 1; d <= 5; d++)
    rows += `${msp.id},2026-10-01T00:00:00Z,${member.id},Usage,2026-10-0${d}T00:00:00Z,${q(XSS[0])},` +
      `${q(XSS[1])},RunInstances,us-east-1,OnDemand,USD,1.5,1,${q(XSS[0])}\n`;
  writeFileSync(cur, hdr + rows);
  await run(BIN, ['ingest', cur, '--db', srv.db]);

  let dialogs = 0;
  const visited = [];
  for (const who of [msp, member, target]) {
    const page = await newPage(browser);
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
    await signIn(page, srv, who);
    const pages = await crawl(page, ['/organization', '/settings', '/onboarding', '/customers',
      '/audit', '/portal', '/msp', '/intake', '/portal/costs']);
    for (const p of pages) {
      visited.push(p);
      // The raw HTML never contains the payload unescaped.
      const html = await (await fetch(srv.url + p.path, {
        headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      })).text();
      for (const x of XSS) assert.ok(!html.includes(x), `${p.path} has ${x} unescaped`);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
    }
    await page.context().close();
  }
  assert.equal(dialogs, 0, 'a dialog fired');
  const shown = visited.filter((p) => XSS.some((x) => p.text.includes(x)));
  assert.ok(shown.length >= 2, 'the payload is shown as text somewhere: ' +
    visited.map((p) => p.path).join(' '));
  console.log(`XSS: ${visited.length} page loads, payload shown as text on ${shown.length}, 0 dialogs`);
});

test('a session cookie planted before sign-in is not the one after', async () => {
  const acct = await newAccount(srv, { tag: 'fix' });
  const page = await newPage(browser);
  const planted = 'C'.repeat(43);
  await page.context().addCookies([{ name: 'pl_session', value: planted, url: srv.url }]);
  await signIn(page, srv, acct);
  const cookies = await page.context().cookies();
  const s = cookies.find((c) => c.name === 'pl_session');
  assert.ok(s && s.value !== planted && s.value.length === 43);
  assert.ok(s.httpOnly);
  // The planted value does not open a session.
  const c = new Client(srv);
  c.jar.set('pl_session', planted);
  assert.equal((await c.get('/organization')).location, '/signin');
  await page.context().close();
});
