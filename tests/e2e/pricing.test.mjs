// SPDX-License-Identifier: MIT
// Pricing in the browser: the MSP adds a -10 % customer rule on /pricing,
// recomputes the month's drafts on /invoices and the draft's total drops by
// 10 %; a second rule of the same scope in an overlapping period shows the
// domain's error next to the form (409) and changes nothing; a line item,
// an exchange rate and a commitment policy set through the page show up;
// a session that is not the MSP's gets 403 on the page and on its forms.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cli, createOrg, join, launch, newAccount, newPage, shot, signIn,
  startServer } from './lib.mjs';

let srv, browser, msp, a1, ca, P;

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
  await cli(srv, 'msp', 'set', msp.id, '--name', 'Acme Cloud Partners', '--json');
  ca = (await cli(srv, 'customer', 'create', '--name', 'Alpha Corp', '--contact',
    'ap@alpha.example', '--json')).CustomerId;
  a1 = await newAccount(srv, { tag: 'a1', name: 'Alpha one' });
  await join(srv, msp, a1);
  await cli(srv, 'customer', 'add-account', ca, a1.id, '--json');
  const r = await fetch(srv.url + '/api/v1/test/clock', { method: 'POST',
    body: JSON.stringify({ advance_seconds: 0 }) });
  P = nextPeriod((await r.json()).now);
  const csv = COLS + `${msp.id},${P}-01T00:00:00Z,${a1.id},Usage,${P}-03T10:00:00Z,` +
    'AmazonEC2,Use,Run,us-east-1,OnDemand,USD,250,1\n';
  const f = path.join(srv.dir, 'cur.csv');
  writeFileSync(f, csv);
  await cli(srv, 'ingest', f, '--json');
  await cli(srv, 'invoice', 'draft', '--period', P, '--json');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function draftTotal() {
  const list = (await cli(srv, 'invoice', 'list', '--customer', ca, '--period', P, '--json')).Invoices;
  assert.equal(list.length, 1);
  assert.equal(list[0].State, 'DRAFT');
  return list[0].Total;
}

test('the MSP adds a -10 % customer rule and the recomputed draft drops by 10 %', async () => {
  assert.equal(await draftTotal(), '250.00');
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pricing' }).click();
  await page.waitForURL(/\/pricing$/);
  await page.locator('#no-rules').waitFor();
  await page.locator('#rule-customer').selectOption(ca);
  await page.locator('#percent').fill('-10');
  await page.locator('#from').fill(P);
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.waitForURL(/\/pricing$/);
  assert.match(await page.locator('.flash.ok').textContent(), /Added pricing rule pr-\w+ \(customer scope, -10 %/);
  const row = await page.locator('#rule-list tbody tr').textContent();
  assert.match(row, /customer.*Alpha Corp.*-10 %/);
  assert.ok(row.includes(P) && row.includes('open'));
  await shot(page, 'pricing-rules');
  // Not applied until the drafts are recomputed.
  assert.equal(await draftTotal(), '250.00');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.waitForURL(/\/invoices$/);
  await page.locator('#rperiod').fill(P);
  await page.getByRole('button', { name: 'Recompute drafts' }).click();
  await page.waitForURL(/\/invoices\?period=/);
  assert.match(await page.locator('.flash.ok').textContent(), /recomputed: 0 new, 1 changed/);
  const rows = await page.locator('#invoices tbody').textContent();
  assert.ok(rows.includes('Alpha Corp') && rows.includes('225.00'), rows);
  assert.equal(await draftTotal(), '225.00');
  await page.context().close();
});

test('an overlapping rule shows the error next to the form', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.goto(srv.url + '/pricing');
  await page.locator('#rule-customer').selectOption(ca);
  await page.locator('#percent').fill('5');
  await page.locator('#from').fill(P);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/pricing/rules/add')),
    page.getByRole('button', { name: 'Add rule' }).click(),
  ]);
  assert.equal(resp.status(), 409);
  const err = page.locator('#error-add-rule');
  assert.match(await err.textContent(), /pricing rule pr-\w+ .*already prices this scope in an overlapping period/);
  // Right above the form, which keeps what was typed.
  assert.equal(await page.locator('#error-add-rule + form#add-rule').count(), 1);
  assert.equal(await page.locator('#percent').inputValue(), '5');
  assert.equal(await page.locator('#rule-list tbody tr').count(), 1);
  await shot(page, 'pricing-overlap');
  await page.context().close();
});

test('line items, exchange rates and commitment policies from the page', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.goto(srv.url + '/pricing');
  await page.locator('#item-customer').selectOption(ca);
  await page.locator('#description').fill('Managed service');
  await page.locator('#amount').fill('40');
  await page.locator('#item_from').fill(P);
  await page.getByRole('button', { name: 'Add line item' }).click();
  await page.waitForURL(/\/pricing\?customer=/);
  assert.match(await page.locator('#item-list tbody').textContent(), /Managed service.*40\.00.*monthly/);
  // 225 + 40 once the draft is recomputed.
  await cli(srv, 'invoice', 'draft', '--period', P, '--json');
  assert.equal(await draftTotal(), '265.00');
  await page.locator('#fx_period').fill(P);
  await page.locator('#quote').fill('KRW');
  await page.locator('#rate').fill('1387.25');
  await page.getByRole('button', { name: 'Set rate' }).click();
  await page.waitForURL(/\/pricing\?period=/);
  assert.match(await page.locator('#fx-list tbody').textContent(), /USD.*KRW.*1387\.25/);
  const rates = (await cli(srv, 'fx', 'list', '--period', P, '--json'));
  assert.match(JSON.stringify(rates), /1387\.25/);
  const com = page.locator(`#commitment-list tr[data-customer="${ca}"]`);
  assert.equal((await com.locator('.policy').textContent()).trim(), 'pass-through');
  await com.getByRole('combobox').selectOption('share');
  await com.getByRole('textbox').fill('30');
  await com.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/pricing/);
  assert.equal((await page.locator(`#commitment-list tr[data-customer="${ca}"] .policy`)
    .textContent()).trim(), 'share:30');
  // Delete the line item (the confirm dialog is accepted).
  await page.goto(srv.url + `/pricing?customer=${ca}`);
  await page.locator('#item-list').getByRole('button', { name: 'Delete' }).click();
  await page.waitForURL(/\/pricing$/);
  await page.locator('#no-items').waitFor();
  await shot(page, 'pricing-all');
  await page.context().close();
});

test('a session that is not the MSP gets 403', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, a1);
  const nav = await page.getByRole('navigation', { name: 'Main' }).textContent();
  assert.ok(!nav.includes('Pricing'));
  const res = await page.goto(srv.url + '/pricing');
  assert.equal(res.status(), 403);
  await page.goto(srv.url + '/organization');
  const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
  const st = await page.evaluate(async ([c, id]) => {
    const out = [];
    for (const [p, body] of [
      ['/pricing/rules/add', `csrf=${c}&customer=${id}&percent=-50`],
      ['/pricing/fx/set', `csrf=${c}&fx_period=2030-01&base=USD&quote=KRW&rate=1`],
      ['/pricing/commitment', `csrf=${c}&customer=${id}&policy=keep`]]) {
      const r = await fetch(p, { method: 'POST', body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      out.push(r.status);
    }
    return out;
  }, [csrf, ca]);
  assert.deepEqual(st, [403, 403, 403]);
  const rules = (await cli(srv, 'pricing', 'list', '--json')).Rules;
  assert.equal(rules.length, 1);
  await page.context().close();
});
