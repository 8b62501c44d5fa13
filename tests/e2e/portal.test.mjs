// SPDX-License-Identifier: MIT
// The billing portal, as a customer user and as an MSP user: every page
// (overview, cost analysis with its chart, table and CSV, invoices,
// budgets, anomalies), and that one customer cannot reach another's data
// by URL or by the Cost Explorer API.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { AWS, BIN, cli, createOrg, join, launch, lowContrast, newAccount, newPage,
  overlappingLabels, shot, signIn, startServer } from './lib.mjs';

const run = promisify(execFile);
let srv, browser, msp, a1, a2, b1, ca, cb, days;
const PW = 'portal-password-1';

function iso(d) { return d.toISOString().slice(0, 10); }

// The cost table's grand total: "1,234.50 USD" (each cell says its currency).
async function grandTotal(page) {
  const t = await page.locator('#grand-total').textContent();
  assert.match(t, /^[\d,]+\.\d\d USD$/);
  return Number(t.replace(/,/g, '').split(' ')[0]);
}

before(async () => {
  srv = await startServer();
  browser = await launch();
  msp = await newAccount(srv, { tag: 'msp', name: 'MSP' });
  await createOrg(srv, msp);
  await cli(srv, 'msp', 'set', msp.id, '--json');
  ca = (await cli(srv, 'customer', 'create', '--name', 'Alpha', '--contact', 'a@example.com', '--json')).CustomerId;
  cb = (await cli(srv, 'customer', 'create', '--name', 'Beta', '--contact', 'b@example.com', '--json')).CustomerId;
  a1 = await newAccount(srv, { tag: 'a1', name: 'Alpha one' });
  a2 = await newAccount(srv, { tag: 'a2', name: 'Alpha two' });
  b1 = await newAccount(srv, { tag: 'b1', name: 'Beta one' });
  for (const a of [a1, a2, b1]) await join(srv, msp, a);
  await cli(srv, 'customer', 'add-account', ca, a1.id, '--json');
  await cli(srv, 'customer', 'add-account', ca, a2.id, '--json');
  await cli(srv, 'customer', 'add-account', cb, b1.id, '--json');
  // Move the business clock 40 days on; usage for the 30 days before now.
  const r = await fetch(srv.url + '/api/v1/test/clock', { method: 'POST',
    body: JSON.stringify({ advance_seconds: 40 * 86400 }) });
  const now = new Date((await r.json()).now);
  days = [];
  for (let i = 30; i >= 1; i--) days.push(new Date(now.getTime() - i * 86400000));
  const byMonth = new Map();
  for (const d of days) {
    const m = iso(d).slice(0, 7);
    if (!byMonth.has(m)) byMonth.set(m, []);
    byMonth.get(m).push(d);
  }
  let n = 0;
  for (const [m, ds] of byMonth) {
    let csv = 'bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,' +
      'line_item_line_item_type,line_item_usage_start_date,line_item_product_code,' +
      'line_item_usage_type,line_item_operation,product_region_code,pricing_term,' +
      'line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,resource_tags\n';
    // Each account's EC2 carries its own Team tag (Beta's "green" is Beta's only).
    for (const d of ds) {
      for (const [acct, base, team] of [[a1.id, 3, 'red'], [a2.id, 5, 'blue'], [b1.id, 7, 'green']]) {
        csv += `${msp.id},${m}-01T00:00:00Z,${acct},Usage,${iso(d)}T10:00:00Z,AmazonEC2,BoxUsage:m5.large,RunInstances,us-east-1,OnDemand,USD,${base},1,"{""user:Team"": ""${team}""}"\n`;
        csv += `${msp.id},${m}-01T00:00:00Z,${acct},Usage,${iso(d)}T11:00:00Z,AmazonS3,TimedStorage-ByteHrs,PutObject,eu-west-1,OnDemand,USD,1.5,2,{}\n`;
      }
    }
    const f = path.join(srv.dir, `cur${n++}.csv`);
    writeFileSync(f, csv);
    await run(BIN, ['ingest', f, '--json', '--db', srv.db]);
  }
  await cli(srv, 'user', 'create', '--customer', ca, '--email', 'alice@alpha.example', '--password', PW, '--json');
  await cli(srv, 'user', 'create', '--customer', cb, '--email', 'bob@beta.example', '--password', PW, '--json');
  await cli(srv, 'user', 'create', '--role', 'billing', '--email', 'mia@msp.example', '--password', PW, '--json');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function portalSignIn(email, width = 1280) {
  return signIn(await newPage(browser, width), srv, email, PW, /\/portal$/);
}

test('customer user: overview, cost analysis, CSV, invoices, budgets, anomalies', async () => {
  const page = await portalSignIn('alice@alpha.example');
  await page.getByRole('heading', { name: 'Billing overview' }).waitFor();
  assert.match(await page.locator('#mtd').textContent(), /USD/);
  assert.match(await page.locator('#forecast').textContent(), /USD/);
  assert.match(await page.locator('#lastmonth').textContent(), /USD/);
  const html = await page.content();
  assert.ok(!html.includes(b1.id), 'no other customer on the overview');
  await shot(page, 'portal-overview');

  await page.getByRole('link', { name: 'Cost analysis' }).click();
  await page.getByLabel('Group by').selectOption('LINKED_ACCOUNT');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/group=LINKED_ACCOUNT/);
  await page.getByLabel('From', { exact: true }).fill(iso(days[0]));
  await page.getByLabel('To', { exact: true }).fill(iso(days[29]));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/from=/);
  assert.ok(await page.locator('svg rect').count() > 0);
  assert.match(await page.locator('svg rect title').first().textContent(), /USD/);
  const table = await page.locator('#costs').textContent();
  assert.ok(table.includes(a1.id) && table.includes(a2.id) && !table.includes(b1.id));
  await shot(page, 'portal-costs');
  // The CSV has every group of the table (one page of it here): the same
  // grand total, and the file's.
  const href = await page.locator('#csv').getAttribute('href');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  const lines = csv.trim().split('\r\n');
  let sum = 0;
  for (const l of lines.slice(1)) sum += Number(l.split(',')[2]);
  assert.equal(Math.round(sum * 100), 30 * (3 + 5 + 1.5 + 1.5) * 100);
  const grand = await grandTotal(page);
  assert.equal(Math.round(grand * 100), Math.round(sum * 100));

  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.locator('#no-invoices').waitFor();
  const focus = await page.locator('#focus').getAttribute('href');
  const f = await page.evaluate(async (u) => (await fetch(u)).text(), focus);
  // FOCUS 1.2's columns in the specification's (alphabetical) order.
  assert.match(f.split('\n')[0], /^AvailabilityZone,BilledCost,BillingAccountId,.*,Tags,x_/);

  await page.getByRole('link', { name: 'Budgets' }).click();
  await page.getByLabel('Name').fill('Team budget');
  await page.getByLabel('Monthly amount (USD)').fill('1');
  await page.getByRole('button', { name: 'Create budget' }).click();
  await page.waitForURL(/\/portal\/budgets/);
  const budgets = await page.locator('#budgets').textContent();
  assert.match(budgets, /Team budget/);
  // The form proposed AWS Budgets' defaults: 80 % of actual, 100 % of forecast.
  assert.equal(await page.getByLabel('Alert at actual %').inputValue(), '80');
  assert.equal(await page.getByLabel('Alert at forecast %').inputValue(), '100');
  await shot(page, 'portal-budgets');
  // Edit: rename it, raise it, e-mail its alerts.
  await page.locator('#budgets').getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { name: /Team budget/ }).waitFor();
  await page.getByLabel('Name').fill('Team budget 2');
  await page.getByLabel('Monthly amount (USD)').fill('2500');
  await page.getByLabel(/E-mail alerts to/).fill('ops@alpha.example');
  await page.getByRole('button', { name: 'Save budget' }).click();
  await page.waitForURL(/\/portal\/budgets$/);
  const row = await page.locator('#budgets tbody tr', { hasText: 'Team budget 2' }).textContent();
  assert.match(row, /2,500\.00 USD/);
  assert.match(row, /ops@alpha\.example/);
  // Delete: a question first; Cancel keeps it, Delete budget removes it.
  await page.locator('#budgets').getByRole('link', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Delete budget Team budget 2?' }).waitFor();
  await shot(page, 'portal-budget-delete');
  await page.getByRole('link', { name: 'Cancel' }).click();
  assert.match(await page.locator('#budgets').textContent(), /Team budget 2/);
  await page.locator('#budgets').getByRole('link', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete budget' }).click();
  await page.waitForURL(/\/portal\/budgets$/);
  assert.doesNotMatch(await page.locator('#budgets').textContent(), /Team budget/);
  assert.match(await page.content(), /Budget Team budget 2 deleted\./);

  await page.getByRole('link', { name: 'Anomalies' }).click();
  await page.locator('#anomalies').waitFor();
  await shot(page, 'portal-anomalies');
  await page.context().close();
});

test('one customer cannot reach another by URL or by API', async () => {
  const page = await portalSignIn('alice@alpha.example');
  await page.goto(srv.url + `/portal/costs?customer=${cb}&group=LINKED_ACCOUNT`);
  assert.ok(!(await page.content()).includes(b1.id));
  const f = await page.evaluate(async (u) => (await fetch(u)).text(),
    `/portal/focus.csv?customer=${cb}&period=${iso(days[29]).slice(0, 7)}`);
  assert.ok(f.includes(a1.id) && !f.includes(b1.id));
  // The console's MSP pages are not a portal user's.
  await page.goto(srv.url + '/customers');
  await page.waitForURL(/\/portal$/);
  await page.context().close();
  // The API: customer A's keys see A's accounts only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, { AWS_ACCESS_KEY_ID: a1.key, AWS_SECRET_ACCESS_KEY: a1.secret,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  const { stdout } = await run(AWS, ['--endpoint-url', srv.url, '--output', 'json', 'ce',
    'get-dimension-values', '--time-period', `Start=${iso(days[0])},End=${iso(days[29])}`,
    '--dimension', 'LINKED_ACCOUNT'], { env });
  const vals = JSON.parse(stdout).DimensionValues.map((v) => v.Value).sort();
  assert.deepEqual(vals, [a1.id, a2.id].sort());
});

test('MSP user sees every customer and can pick one', async () => {
  const page = await portalSignIn('mia@msp.example');
  await page.getByRole('link', { name: 'Cost analysis' }).click();
  await page.getByLabel('Group by').selectOption('LINKED_ACCOUNT');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/group=LINKED_ACCOUNT/);
  let table = await page.locator('#costs').textContent();
  assert.ok(table.includes(a1.id) && table.includes(b1.id));
  await page.getByLabel('Customer').selectOption(cb);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/customer=/);
  await page.goto(srv.url + `/portal/costs?customer=${cb}&group=LINKED_ACCOUNT`);
  table = await page.locator('#costs').textContent();
  assert.ok(table.includes(b1.id) && !table.includes(a1.id));
  for (const p of ['', '/invoices', '/budgets', '/anomalies'])
    assert.equal((await page.goto(srv.url + '/portal' + p + `?customer=${cb}`)).status(), 200);
  await shot(page, 'portal-msp');
  await page.context().close();
});

test('cost analysis: pick-lists, a saved view, and every portal page at 1366 and 390 px (issue 23)', async () => {
  const page = await portalSignIn('alice@alpha.example');
  await page.getByRole('link', { name: 'Cost analysis' }).click();
  await page.getByLabel('From', { exact: true }).fill(iso(days[0]));
  await page.getByLabel('To', { exact: true }).fill(iso(days[29]));
  await page.getByLabel('Group by').selectOption('SERVICE');
  // Accounts are picked by name (with the id), not typed.
  await page.locator('#pick-account summary').click();
  await page.getByRole('checkbox', { name: `Alpha two (${a2.id})` }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`account=${a2.id}`));
  const grand = await grandTotal(page);
  assert.equal(Math.round(grand * 100), 30 * (5 + 1.5) * 100);
  // Saved under a name, reopened from the list, deleted.
  await page.getByLabel('View name').fill('Alpha two by service');
  await page.getByRole('button', { name: 'Save this view' }).click();
  await page.locator('.flash').filter({ hasText: 'View Alpha two by service saved.' }).waitFor();
  await page.goto(srv.url + '/portal/costs');
  assert.ok(!page.url().includes('account='));
  await page.getByRole('link', { name: 'Alpha two by service' }).click();
  await page.waitForURL(new RegExp(`account=${a2.id}`));
  assert.equal(await page.locator('#pick-account .chosen').textContent(), `Alpha two (${a2.id})`);
  assert.ok(await page.getByRole('checkbox', { name: `Alpha two (${a2.id})`, includeHidden: true }).isChecked());
  await shot(page, 'portal-saved-view');
  await page.locator('#views').getByRole('button', { name: 'Delete' }).click();
  await page.locator('.flash').filter({ hasText: 'View deleted.' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Alpha two by service' }).count(), 0);
  // Several values of one filter, as Cost Explorer's multi-select: both
  // accounts ticked, the table is both, the URL and the list keep both;
  // the open pick-list fits a phone.
  await page.goto(srv.url + `/portal/costs?from=${iso(days[0])}&to=${iso(days[29])}&account=${a2.id}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#pick-account summary').click();
  await page.getByRole('checkbox', { name: `Alpha one (${a1.id})` }).check();
  assert.ok(await page.getByRole('checkbox', { name: `Alpha two (${a2.id})` }).isChecked());
  const [psw, piw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(psw <= piw, `the open pick-list scrolls sideways (${psw} > ${piw})`);
  await shot(page, 'portal-costs-pick', { phone: false });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL((u) => u.searchParams.getAll('account').length === 2);
  assert.deepEqual(new URL(page.url()).searchParams.getAll('account').sort(), [a1.id, a2.id].sort());
  assert.equal(await page.locator('#pick-account .chosen').textContent(), '2 chosen');
  const both = await grandTotal(page);
  assert.equal(Math.round(both * 100), 30 * (3 + 1.5 + 5 + 1.5) * 100);
  await page.setViewportSize({ width: 1280, height: 900 });
  // Tags the same way: each value of the customer's lines ("Team: red",
  // the untagged "No Team"), never another customer's; two ticked, both.
  await page.goto(srv.url + `/portal/costs?from=${iso(days[0])}&to=${iso(days[29])}&group=TAG:Team`);
  await page.locator('#pick-tag summary').click();
  const teams = await page.locator('#pick-tag input[type=checkbox]').evaluateAll((l) => l.map((x) => x.value));
  assert.deepEqual(teams.sort(), ['Team=', 'Team=blue', 'Team=red']);
  await page.getByRole('checkbox', { name: 'Team: red' }).check();
  await page.getByRole('checkbox', { name: 'Team: blue' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL((u) => u.searchParams.getAll('tag').length === 2);
  assert.deepEqual(new URL(page.url()).searchParams.getAll('tag').sort(), ['Team=blue', 'Team=red']);
  assert.equal(await page.locator('#pick-tag .chosen').textContent(), '2 chosen');
  const tagged = await grandTotal(page);
  assert.equal(Math.round(tagged * 100), 30 * (3 + 5) * 100);
  assert.deepEqual((await page.locator('#costs tbody th').allTextContents()).sort(), ['blue', 'red']);
  await shot(page, 'portal-costs-tags');
  // Every portal page, a phone's width and a laptop's: no sideways
  // scroll, chart labels apart, readable contrast.
  const problems = [];
  for (const p of ['/portal', '/portal/costs', `/portal/costs?group=LINKED_ACCOUNT&granularity=MONTHLY`,
    `/portal/costs?period=LAST_3_MONTHS&account=${a1.id}&account=${a2.id}`,
    '/portal/costs?group=TAG:Team&tag=Team%3Dred&tag=Team%3D',
    '/portal/invoices', '/portal/budgets', '/portal/anomalies']) {
    await page.goto(srv.url + p);
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      if (sw > iw) problems.push(`${p} @${width}: scrolls sideways (${sw} > ${iw})`);
      problems.push(...(await page.evaluate(overlappingLabels)).map((b) => `${p} @${width}: labels overlap: ${b}`));
      problems.push(...(await page.evaluate(lowContrast)).map((b) => `${p} @${width}: ${b}`));
    }
  }
  assert.deepEqual(problems, []);
  // The overview's trend: this month with its forecast and range.
  // (On a month's last day nothing is left to forecast: no range then.)
  await page.goto(srv.url + '/portal');
  const now = new Date(days[29].getTime() + 86400000);
  const lastDay = new Date(now.getTime() + 86400000).getUTCMonth() !== now.getUTCMonth();
  assert.equal(await page.locator('#trend svg rect.sf').count(), lastDay ? 0 : 1);
  if (!lastDay)
    assert.match(await page.locator('#forecast-range').textContent(), /80 % likely between [\d,.]+ USD and [\d,.]+ USD/);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'portal-overview-trend', { phone: false });
  await page.context().close();
});

test('cost analysis: Hourly for the last 14 days once the MSP keeps hourly data', async () => {
  // Off: no Hourly granularity offered.
  let page = await portalSignIn('alice@alpha.example');
  await page.goto(srv.url + '/portal/costs');
  assert.equal(await page.locator('select[name=granularity] option[value=HOURLY]').count(), 0);
  await page.context().close();
  // On, and a new delivery of this month (the same file again would be
  // "already imported": hourly rows come with the next delivery).
  await cli(srv, 'msp', 'set', msp.id, '--hourly-resource-data', 'on', '--json');
  const last = days[29];
  const m = iso(last).slice(0, 7);
  let csv = 'bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id,' +
    'line_item_line_item_type,line_item_usage_start_date,line_item_product_code,' +
    'line_item_usage_type,line_item_operation,product_region_code,pricing_term,' +
    'line_item_currency_code,line_item_unblended_cost,line_item_usage_amount,line_item_resource_id\n';
  for (const d of days.filter((x) => iso(x).slice(0, 7) === m)) {
    for (const [acct, base] of [[a1.id, 3], [a2.id, 5], [b1.id, 7]]) {
      csv += `${msp.id},${m}-01T00:00:00Z,${acct},Usage,${iso(d)}T10:00:00Z,AmazonEC2,BoxUsage:m5.large,RunInstances,us-east-1,OnDemand,USD,${base},1,i-${acct}\n`;
      csv += `${msp.id},${m}-01T00:00:00Z,${acct},Usage,${iso(d)}T11:00:00Z,AmazonS3,TimedStorage-ByteHrs,PutObject,eu-west-1,OnDemand,USD,1.5,2,\n`;
    }
  }
  const f = path.join(srv.dir, 'cur-hourly.csv');
  writeFileSync(f, csv);
  await run(BIN, ['ingest', f, '--json', '--db', srv.db]);
  page = await portalSignIn('alice@alpha.example');
  await page.goto(srv.url + '/portal/costs');
  await page.getByLabel('Granularity').selectOption('HOURLY');
  const from = new Date(last.getTime() - 2 * 86400000);
  await page.getByLabel('From', { exact: true }).fill(iso(from));
  await page.getByLabel('To', { exact: true }).fill(iso(last));
  await page.getByLabel('Group by').selectOption('SERVICE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/granularity=HOURLY/);
  const heads = await page.locator('#costs thead th.num').allTextContents();
  assert.equal(heads[0], `${iso(from)} 00:00`);
  assert.equal(heads.length, 3 * 24 + 1);
  // Alpha's two accounts: EC2 3 + 5 at 10:00, S3 1.5 + 1.5 at 11:00, a day.
  const ds = days.filter((x) => x >= from && iso(x).slice(0, 7) === m).length;
  const grand = await grandTotal(page);
  assert.equal(Math.round(grand * 100), ds * (3 + 5 + 1.5 + 1.5) * 100);
  await shot(page, 'portal-costs-hourly');
  await page.context().close();
});
