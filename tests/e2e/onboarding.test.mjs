// SPDX-License-Identifier: MIT
// The onboarding desk in the browser (issue 5): the MSP's list with filters
// and counts for the three cases, the customer's plan page for each case,
// the plan updating live as the customer clicks through the console, the
// gap on the MSP's page once linked, follow-up (new link, resend, cancel),
// customers and audit pages, the public intake form, and access: a plan
// token shows one onboarding only; a non-MSP gets 403.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Client, awsOk, cli, createOrg, join, launch, newAccount, newPage, shot, signIn, startServer,
} from './lib.mjs';

let srv, browser, msp, mspOrg;
const cs = {};	// case number -> { cust, customer, req, prevOrg, member }

before(async () => {
  srv = await startServer();
  browser = await launch();
  msp = await newAccount(srv, { tag: 'msp', name: 'Demo MSP' });
  mspOrg = await createOrg(srv, msp);
  await cli(srv, 'msp', 'set', msp.id, '--name', 'Demo MSP', '--url', srv.url, '--json');

  // Case 1: standalone. Case 2: member of another organization, no
  // billing information yet. Case 3: manages its own organization.
  const c1 = await newAccount(srv, { tag: 'case1', name: 'Acme root' });
  const oldPayer = await newAccount(srv, { tag: 'oldpayer', name: 'Other Payer' });
  const oldOrg = await createOrg(srv, oldPayer);
  const c2 = await newAccount(srv, { tag: 'case2', name: 'Globex root', billing: false });
  await join(srv, oldPayer, c2);
  const c3 = await newAccount(srv, { tag: 'case3', name: 'Initech root' });
  const org3 = await createOrg(srv, c3);
  const m3 = await newAccount(srv, { tag: 'case3m', name: 'Initech member' });
  await join(srv, c3, m3);

  const names = { 1: 'Acme Standalone', 2: 'Globex Member', 3: 'Initech Holdings' };
  const accts = { 1: c1, 2: c2, 3: c3 };
  for (const n of [1, 2, 3]) {
    const customer = await cli(srv, 'customer', 'create', '--name', names[n], '--contact',
      `billing${n}@customer.example`, '--json');
    const req = await cli(srv, 'onboard', 'request', '--customer', customer.CustomerId,
      '--account', accts[n].id, '--email', accts[n].email, '--json');
    assert.equal(req.Case, n);
    cs[n] = { cust: accts[n], customer, req };
  }
  cs[2].prevOrg = oldOrg;
  cs[3].prevOrg = org3;
  cs[3].member = m3;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const steps = async (page) => page.locator('#steps > li').evaluateAll(
  (els) => els.map((e) => [e.dataset.step, e.dataset.status]));

test('the MSP lists the three cases with counts and filters', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.getByRole('link', { name: 'Onboarding' }).click();
  await page.waitForURL(/\/onboarding$/);
  const counts = page.locator('#counts');
  assert.match(await counts.textContent(), /All 3/);
  assert.match(await counts.locator('[data-state=INVITED]').textContent(), /INVITED 3/);
  assert.match(await counts.locator('[data-state=LINKED]').textContent(), /LINKED 0/);
  for (const n of [1, 2, 3]) {
    const row = page.locator(`tr[data-onboarding="${cs[n].req.OnboardingId}"]`);
    const text = await row.textContent();
    assert.ok(text.includes(cs[n].customer.Name), text);
    assert.ok(text.includes(cs[n].cust.id), text);
    assert.ok(text.includes(cs[n].cust.email), text);
    assert.equal((await row.locator('td').nth(3).textContent()).trim(), String(n));
    assert.match(text, /INVITED/);
  }
  await shot(page, 'onboarding-list');

  // Filter by customer: one row, counts for that customer.
  await page.getByLabel('Customer', { exact: true }).first().selectOption({ label: 'Globex Member' });
  await page.getByRole('button', { name: 'Filter' }).click();
  assert.equal(await page.locator('#onboardings tbody tr').count(), 1);
  assert.match(await page.locator('#onboardings').textContent(), /Globex Member/);
  assert.match(await counts.textContent(), /All 1/);
  // Filter by state.
  await page.goto(srv.url + '/onboarding?state=LINKED');
  assert.ok(await page.locator('#none').isVisible());
  await page.locator('#counts [data-state=INVITED]').click();
  assert.equal(await page.locator('#onboardings tbody tr').count(), 3);
  // Expiring within 3 days: invitations run 15 days, none yet.
  await page.getByLabel('Expiring within 3 days').check();
  await page.getByRole('button', { name: 'Filter' }).click();
  assert.match(page.url(), /expiring=1/);
  assert.ok(await page.locator('#none').isVisible());

  // The detail page of case 3.
  await page.goto(srv.url + '/onboarding');
  await page.getByRole('link', { name: cs[3].req.OnboardingId }).click();
  assert.match(await page.locator('#case').textContent(), /^3: management account/);
  assert.ok((await page.locator('#case').textContent()).includes(cs[3].prevOrg.Id));
  assert.equal(await page.locator('#handshake').textContent(), cs[3].req.HandshakeId);
  assert.deepEqual(await steps(page), [['REMOVE_MEMBERS', 'NEXT'],
    ['DELETE_ORGANIZATION', 'PENDING'], ['ACCEPT_INVITATION', 'PENDING']]);
  assert.equal(await page.locator('#timeline tr[data-event=REQUESTED]').count(), 1);
  assert.equal(await page.locator('#timeline tr[data-event=INVITED]').count(), 1);
  await page.context().close();
});

test('the customer plan page shows the right steps for each case', async () => {
  const page = await newPage(browser);
  // Case 1: one step.
  await page.goto(cs[1].req.PlanUrl);
  assert.match(await page.locator('#case-text').textContent(), /is standalone/);
  assert.deepEqual(await steps(page), [['ACCEPT_INVITATION', 'NEXT']]);
  assert.match(await page.locator('#plan-steps').textContent(),
    /Sign in→?Organization→?Invitations→?Accept→?Accept invitation/);
  assert.match(await page.locator('#plan-steps').textContent(), /Demo MSP \(account \d{12}\) pays AWS/);
  assert.equal(await page.locator('#propose').count(), 0);
  assert.equal(await page.locator('a[href="/"]', { hasText: 'Sign in' }).count(), 1);
  await shot(page, 'plan-case1');

  // Case 2: accepting is enough, leaving first optional (and then it
  // needs billing information); propose a time.
  await page.goto(cs[2].req.PlanUrl);
  assert.match(await page.locator('#case-text').textContent(), /member of another organization/);
  assert.match(await page.locator('#case-text').textContent(), /leaving first is optional/);
  assert.deepEqual(await steps(page), [['LEAVE_ORGANIZATION', 'OPTIONAL'], ['ACCEPT_INVITATION', 'NEXT']]);
  assert.match(await page.locator('[data-step=LEAVE_ORGANIZATION] .path').textContent(), /Leave this organization/);
  const missing = await page.locator('#prereqs li').evaluateAll((els) => els.map((e) => e.dataset.prereq));
  assert.deepEqual(missing.sort(), ['CONTACT_PHONE', 'PAYMENT_METHOD']);
  assert.match(await page.locator('#propose').textContent(), /Demo MSP will contact you/);
  const d = new Date(Date.now() + 2 * 86400000);
  const when = d.toISOString().slice(0, 11) + '14:30';
  await page.getByLabel('A time for the move (UTC)').fill(when);
  await page.getByLabel('Note (optional)').fill('After the Tuesday release');
  await page.getByRole('button', { name: 'Propose this time' }).click();
  await page.waitForURL(/proposed=1/);
  assert.match(await page.locator('.flash.ok').textContent(), /proposed time is recorded/);
  assert.match(await page.locator('#proposed').textContent(), new RegExp(`${when.slice(0, 10)} 14:30 UTC`));
  assert.match(await page.locator('#proposed').textContent(), /After the Tuesday release/);
  await shot(page, 'plan-case2');

  // Case 3: remove members, delete the organization, accept.
  await page.goto(cs[3].req.PlanUrl);
  assert.match(await page.locator('#case-text').textContent(), /management account of its own organization/);
  assert.deepEqual(await steps(page), [['REMOVE_MEMBERS', 'NEXT'],
    ['DELETE_ORGANIZATION', 'PENDING'], ['ACCEPT_INVITATION', 'PENDING']]);
  const text = await page.locator('#plan-steps').textContent();
  assert.match(text, /Actions→?Remove from organization/);
  assert.match(text, /Settings→?Copy the Organization ID→?Delete organization: paste the ID/);
  assert.ok((await page.locator('[data-prereq=MEMBER_TO_REMOVE]').textContent()).includes(cs[3].member.id));
  assert.ok(await page.locator('#propose form').isVisible());
  await shot(page, 'plan-case3');
  await page.context().close();

  // The MSP sees the views and the proposed time.
  const msp2 = await newPage(browser);
  await signIn(msp2, srv, msp);
  await msp2.goto(`${srv.url}/onboarding/${cs[2].req.OnboardingId}`);
  assert.match(await msp2.locator('#proposed').textContent(), /After the Tuesday release/);
  assert.equal(await msp2.locator('#timeline tr[data-event=VIEWED]').count(), 1);
  assert.equal(await msp2.locator('#timeline tr[data-event=TIME_PROPOSED]').count(), 1);
  await msp2.context().close();
});

test('the plan follows the customer through the console, then the MSP sees the gap', async () => {
  const plan = await newPage(browser);
  const cust = await newPage(browser);
  const { cust: c2, req } = cs[2];
  await signIn(cust, srv, c2);
  // Billing information first (the prerequisites), then leave.
  await cust.goto(srv.url + '/settings');
  await cust.getByLabel('Payment method').fill('Visa ending 4242');
  await cust.getByLabel('Phone number').fill('+1 206 555 0100');
  await cust.getByRole('button', { name: 'Save billing information' }).click();
  await plan.goto(req.PlanUrl);
  assert.equal(await plan.locator('#prereqs li').count(), 0);
  assert.deepEqual(await steps(plan), [['LEAVE_ORGANIZATION', 'OPTIONAL'], ['ACCEPT_INVITATION', 'NEXT']]);

  await cust.goto(srv.url + '/organization');
  await cust.locator('#leave').getByRole('button', { name: 'Leave this organization' }).click();
  await cust.waitForURL(/\/organization$/);
  assert.match(await cust.locator('.flash.ok').textContent(), /is standalone now/);
  await plan.reload();
  assert.deepEqual(await steps(plan), [['LEAVE_ORGANIZATION', 'DONE'], ['ACCEPT_INVITATION', 'NEXT']]);
  assert.match(await plan.locator('[data-step=LEAVE_ORGANIZATION] .step-status').textContent(), /^Done \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  assert.match(await plan.locator('.state').first().textContent(), /IN_PROGRESS/);
  // Left, not yet accepted: the account pays AWS itself now.
  assert.match(await plan.locator('#case-text').textContent(), /has left its organization and pays AWS itself now/);

  // Accept in the console.
  await cust.goto(srv.url + '/organization');
  await cust.locator(`li.invite[data-handshake="${req.HandshakeId}"]`).getByRole('link', { name: 'Accept' }).click();
  await cust.getByRole('button', { name: 'Accept invitation' }).click();
  await cust.waitForURL(/\/organization$/);
  assert.match(await cust.locator('.flash.ok').textContent(), new RegExp(`member of ${mspOrg.Id}`));
  await plan.reload();
  assert.deepEqual(await steps(plan), [['LEAVE_ORGANIZATION', 'DONE'], ['ACCEPT_INVITATION', 'DONE']]);
  assert.match(await plan.locator('#linked').textContent(), /Demo MSP pays AWS for this account since/);
  // Who pays now, not who paid before the move (issue 23).
  const after = await plan.locator('#case-text').textContent();
  assert.match(after, /Demo MSP pays AWS for it now/);
  assert.doesNotMatch(after, /today/);
  assert.equal(await plan.locator('#propose').count(), 0);
  await shot(plan, 'plan-case2-linked');

  // The MSP: LINKED, gap measured (seconds here), not flagged.
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.goto(`${srv.url}/onboarding/${req.OnboardingId}`);
  assert.match(await page.locator('#state').textContent(), /LINKED/);
  assert.match(await page.locator('#gap-value').textContent(), /^0 min/);
  assert.equal(await page.locator('#gap-value .gap.flagged').count(), 0);
  for (const ev of ['LEFT_ORGANIZATION', 'ACCEPTED', 'JOINED'])
    assert.equal(await page.locator(`#timeline tr[data-event=${ev}]`).count(), 1, ev);
  // With a threshold of 0 minutes, any gap is over it: flagged red.
  await cli(srv, 'msp', 'set', msp.id, '--gap-threshold', '0', '--json');
  await page.reload();
  assert.ok(await page.locator('#gap-value .gap.flagged').isVisible());
  assert.equal(await page.locator('#gap-value .gap.flagged').evaluate(
    (e) => getComputedStyle(e).color), 'rgb(217, 21, 21)');
  await shot(page, 'onboarding-detail-linked');
  await cli(srv, 'msp', 'set', msp.id, '--gap-threshold', '15', '--json');
  await page.goto(srv.url + '/onboarding');
  assert.match(await page.locator('#counts [data-state=LINKED]').textContent(), /LINKED 1/);
  assert.match(await page.locator(`tr[data-onboarding="${req.OnboardingId}"]`).textContent(), /LINKED.*0 min/);
  for (const p of [plan, cust, page]) await p.context().close();
});

test('a plan token shows its own onboarding and nothing else', async () => {
  const c = new Client(srv);
  const one = await c.get(new URL(cs[1].req.PlanUrl).pathname);
  assert.equal(one.status, 200);
  assert.ok(one.text.includes(cs[1].cust.id));
  for (const n of [2, 3]) {
    for (const secret of [cs[n].cust.id, cs[n].cust.email, cs[n].customer.Name,
      cs[n].req.OnboardingId, cs[n].req.HandshakeId, cs[n].customer.CustomerId])
      assert.ok(!one.text.includes(secret), `plan 1 shows ${secret}`);
  }
  // Neither the customer id nor the notes or who asked.
  assert.ok(!one.text.includes(cs[1].customer.CustomerId));
  const token = new URL(cs[1].req.PlanUrl).pathname.slice(6);
  const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  for (const p of [`/plan/${wrong}`, '/plan/x', '/plan/', `/plan/${token}x`]) {
    const r = await c.get(p);
    assert.equal(r.status, 404, p);
    // (The MSP's brand name is on every public page, the sign-in page too:
    // it tells nothing of an onboarding.)
    assert.ok(!r.text.includes(cs[1].cust.id) && !/onb-|cus-/.test(r.text), p);
  }
  // Posting to a wrong token is a 404 too; a token's form without its
  // CSRF token is refused.
  const good = await c.get(`/plan/${cs[3].req.PlanUrl.split('/plan/')[1]}`);
  const csrf = Client.csrf(good.text);
  assert.ok(csrf);
  assert.equal((await c.post(`/plan/${wrong}/propose`, { csrf, when: '2030-01-01T10:00' })).status, 404);
  assert.equal((await c.post(`${new URL(cs[3].req.PlanUrl).pathname}/propose`,
    { when: '2030-01-01T10:00' })).status, 403);

  const page = await newPage(browser);
  await page.goto(`${srv.url}/plan/${wrong}`);
  assert.match(await page.locator('h1').textContent(), /Not found/);
  await page.context().close();
});

test('a signed-in account that is not the MSP gets 403', async () => {
  const other = await newAccount(srv, { tag: 'other' });
  const page = await newPage(browser);
  await signIn(page, srv, other);
  assert.equal(await page.getByRole('link', { name: 'Onboarding' }).count(), 0);
  for (const p of ['/onboarding', `/onboarding/${cs[1].req.OnboardingId}`, '/customers', '/audit']) {
    const r = await page.goto(srv.url + p);
    assert.equal(r.status(), 403, p);
    assert.ok(!(await page.content()).includes(cs[1].cust.email), p);
  }
  await shot(page, 'onboarding-403', { phone: false });
  // And its posts are refused as well.
  const c = new Client(srv);
  await c.signIn(other);
  const s = await c.get('/organization');
  const r = await c.post(`/onboarding/${cs[1].req.OnboardingId}/cancel`, { csrf: Client.csrf(s.text) });
  assert.equal(r.status, 403);
  await page.context().close();
});

test('the MSP files a request in the browser, makes a new link, resends and cancels', async () => {
  const fresh = await newAccount(srv, { tag: 'fresh', name: 'Hooli root' });
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.goto(srv.url + '/onboarding');
  const form = page.locator('#new');
  // An e-mail that does not belong to the account: refused next to the form.
  await form.getByLabel('New customer name').fill('Hooli');
  await form.getByLabel('AWS account ID').fill(fresh.id);
  await form.getByLabel('Root user e-mail').fill('someone-else@example.com');
  await form.getByRole('button', { name: 'File request and invite' }).click();
  assert.ok(await page.locator('#error-new').isVisible());
  assert.equal(await form.getByLabel('AWS account ID').inputValue(), fresh.id);
  await form.getByLabel('Root user e-mail').fill(fresh.email);
  await form.getByRole('button', { name: 'File request and invite' }).click();
  assert.match(await page.locator('#result-case').textContent(), /Case 1: standalone/);
  const url1 = await page.locator('#plan-url').textContent();
  assert.ok(url1.startsWith(srv.url + '/plan/'), url1);
  await shot(page, 'onboarding-new-request');
  const id = (await page.locator('#result h2 a').textContent()).trim();

  // The account declines: the MSP re-sends.
  const hs = (await awsOk(srv, fresh, 'list-handshakes-for-account')).Handshakes;
  await awsOk(srv, fresh, 'decline-handshake', '--handshake-id', hs[0].Id);
  await page.goto(`${srv.url}/onboarding/${id}`);
  assert.match(await page.locator('#state').textContent(), /DECLINED/);
  await page.getByRole('button', { name: 'Resend' }).click();
  await page.waitForURL(new RegExp(`/onboarding/${id}$`));
  assert.match(await page.locator('.flash.ok').textContent(), /Sent a new invitation h-/);
  assert.match(await page.locator('#state').textContent(), /INVITED/);

  // A new link: shown once; the old one stops working.
  await page.getByRole('button', { name: 'New link' }).click();
  const url2 = await page.locator('#plan-url').textContent();
  assert.notEqual(url2, url1);
  assert.equal((await fetch(url1)).status, 404);
  assert.equal((await fetch(url2)).status, 200);
  await page.goto(`${srv.url}/onboarding/${id}`);
  assert.equal(await page.locator('#plan-url').count(), 0);

  // Cancel (confirmed): the invitation is cancelled too; the plan says so.
  await page.getByRole('button', { name: 'Cancel onboarding' }).click();
  await page.waitForURL(new RegExp(`/onboarding/${id}$`));
  assert.match(await page.locator('#state').textContent(), /CANCELED/);
  assert.equal(await page.getByRole('button', { name: 'Cancel onboarding' }).count(), 0);
  const p2 = await newPage(browser);
  await p2.goto(url2);
  assert.match(await p2.locator('#plan-page').textContent(), /cancelled/);
  assert.deepEqual(await steps(p2), [['ACCEPT_INVITATION', 'BLOCKED']]);
  await p2.context().close();

  // The audit log has it all, filtered by the onboarding's id.
  await page.getByRole('link', { name: 'Audit' }).click();
  assert.match(await page.locator('#entries').textContent(), /onboarding\.request/);
  await page.getByLabel('Object ID').fill(id);
  await page.getByRole('button', { name: 'Filter' }).click();
  const actions = (await page.locator('#entries tbody tr td:nth-child(3)').allTextContents())
    .filter((a) => a !== 'onboarding.viewed');
  assert.deepEqual(actions, ['onboarding.cancel', 'onboarding.link', 'onboarding.resend',
    'onboarding.request']);
  await shot(page, 'audit');
  await page.context().close();
});

test('customers: list and create, with errors next to the form', async () => {
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  await page.getByRole('link', { name: 'Customers' }).click();
  for (const n of [1, 2, 3])
    assert.match(await page.locator('#customers').textContent(), new RegExp(cs[n].customer.Name));
  const f = page.locator('#create');
  await f.getByLabel('Name').fill('Umbrella Corp');
  await f.getByLabel('Billing contact e-mail').fill('ap@umbrella.example');
  await f.getByLabel('Currency (ISO 4217)').fill('EUR');
  await f.getByLabel('Tax rate (percent)').fill('19');
  await f.getByRole('button', { name: 'Create customer' }).click();
  await page.waitForURL(/\/customers$/);
  assert.match(await page.locator('.flash.ok').textContent(), /Created customer Umbrella Corp/);
  const row = page.locator('#customers tr', { hasText: 'Umbrella Corp' });
  assert.match(await row.textContent(), /EUR.*19%/);
  // The same name again, and a bad currency: refused, with what was typed.
  await f.getByLabel('Name').fill('umbrella corp');
  await f.getByLabel('Billing contact e-mail').fill('ap2@umbrella.example');
  await f.getByRole('button', { name: 'Create customer' }).click();
  assert.match(await page.locator('#error-create').textContent(), /already exists/);
  await f.getByLabel('Name').fill('Wayne Enterprises');
  await f.getByLabel('Billing contact e-mail').fill('ap@wayne.example');
  await f.getByLabel('Currency (ISO 4217)').fill('E1R');
  await f.getByRole('button', { name: 'Create customer' }).click();
  assert.match(await page.locator('#error-create').textContent(), /currency/);
  assert.equal(await f.getByLabel('Name').inputValue(), 'Wayne Enterprises');
  await shot(page, 'customers');
  await page.context().close();
});

test('the public intake form files a request and shows the plan link', async () => {
  const acct = await newAccount(srv, { tag: 'intake', name: 'Stark root' });
  const page = await newPage(browser, 390, 844);
  await page.goto(srv.url + '/intake');
  assert.match(await page.locator('h1').textContent(), /Move your AWS account to Demo MSP/);
  await page.getByLabel('Company name').fill('Stark Industries');
  await page.getByLabel('AWS account ID (12 digits)').fill('12345');
  await page.getByLabel("The account's root user e-mail").fill(acct.email);
  await page.getByRole('button', { name: 'Send request' }).click();
  assert.match(await page.locator('#error-intake').textContent(), /12 digits/);
  await page.getByLabel('AWS account ID (12 digits)').fill(acct.id);
  await page.getByLabel('Billing contact e-mail (optional)').fill('ap@stark.example');
  await page.getByRole('button', { name: 'Send request' }).click();
  const url = await page.locator('#plan-url').textContent();
  await shot(page, 'intake-done', { phone: false });
  await page.locator('#plan-url').click();
  await page.waitForURL(url);
  assert.deepEqual(await steps(page), [['ACCEPT_INVITATION', 'NEXT']]);
  await page.context().close();
  // The MSP sees it under the new customer.
  const custs = (await cli(srv, 'customer', 'list', '--json')).Customers;
  const stark = custs.find((x) => x.Name === 'Stark Industries');
  assert.equal(stark.ContactEmail, 'ap@stark.example');
  const list = await cli(srv, 'onboard', 'list', '--customer', stark.CustomerId, '--json');
  assert.equal(list.Total, 1);

  // Without the form's token: refused. Too many from one e-mail: limited.
  const c = new Client(srv);
  const form = { customer: 'Loop Inc', account_id: '999999999999', email: 'loop@example.com' };
  assert.equal((await c.post('/intake', form)).status, 403);
  const g = await c.get('/intake');
  const csrf = Client.csrf(g.text);
  let last;
  for (let i = 0; i < 6; i++) last = await c.post('/intake', { ...form, csrf });
  assert.equal(last.status, 429);
  assert.match(last.text, /Too many requests/);
});
