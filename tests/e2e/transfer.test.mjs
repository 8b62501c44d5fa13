// SPDX-License-Identifier: MIT
// Case 3 by billing transfer (issue 20), clicked through: the MSP files the
// request on its desk choosing the billing transfer; the customer's plan
// page explains the two ways in its words; the customer's management
// account accepts the billing transfer on its Organization page and keeps
// its organization; both sides see the transfer (outbound, inbound); the
// MSP ends it at the end of the month.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  awsOk, cli, createOrg, join, launch, newAccount, newPage, shot, signIn, startServer,
} from './lib.mjs';

let srv, browser, msp, mspOrg;

before(async () => {
  srv = await startServer();
  browser = await launch();
  msp = await newAccount(srv, { tag: 'msp', name: 'Demo MSP' });
  mspOrg = await createOrg(srv, msp);
  await cli(srv, 'msp', 'set', msp.id, '--name', 'Demo MSP', '--url', srv.url, '--json');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const steps = async (page) => page.locator('#steps > li').evaluateAll(
  (els) => els.map((e) => [e.dataset.step, e.dataset.status]));

test('case 3 by billing transfer: the customer keeps its organization', async () => {
  const root = await newAccount(srv, { tag: 'initech', name: 'Initech root' });
  const own = await createOrg(srv, root);
  const dev = await newAccount(srv, { tag: 'initechdev', name: 'Initech dev' });
  await join(srv, root, dev);

  // The MSP's desk: a new request, by billing transfer.
  const desk = await newPage(browser);
  await signIn(desk, srv, msp);
  await desk.goto(srv.url + '/onboarding');
  await desk.getByLabel('New customer name').fill('Initech Holdings');
  await desk.getByLabel('AWS account ID').fill(root.id);
  await desk.getByLabel('Root user e-mail').fill(root.email);
  await desk.getByLabel(/Billing transfer \(case 3/).check();
  await desk.getByRole('button', { name: 'File request and invite' }).click();
  const planUrl = (await desk.locator('#plan-url').textContent()).trim();
  assert.match(planUrl, /\/plan\//);
  await desk.locator('#result a[href^="/onboarding/onb-"]').click();
  await desk.waitForURL(/\/onboarding\/onb-/);
  assert.equal((await desk.locator('#route').textContent()).trim(), 'billing-transfer');
  assert.match(await desk.locator('#transfer').textContent(), /rt-[0-9a-z]+ REQUESTED, from \d{4}-\d\d-01 00:00 UTC/);
  assert.match(await desk.locator('#gap-value').textContent(), /None: a billing transfer/);
  const oid = desk.url().split('/').pop();

  // The customer's plan: keep the organization, one acceptance; the two
  // ways side by side.
  const plan = await newPage(browser);
  await plan.goto(planUrl);
  assert.match(await plan.locator('#case-text').textContent(), /You keep that organization/);
  assert.deepEqual(await steps(plan), [['ACCEPT_TRANSFER', 'NEXT'], ['TRANSFER_STARTS', 'PENDING']]);
  const ways = plan.locator('#two-ways');
  assert.match(await ways.locator('[data-route=billing-transfer]').textContent(), /recommended/);
  assert.match(await ways.locator('[data-route=billing-transfer]').textContent(), /this plan/);
  assert.match(await ways.locator('[data-route=billing-transfer]').textContent(), /nobody is removed/);
  assert.match(await ways.locator('[data-route=invite]').textContent(), /remove every member account/);
  assert.match(await plan.locator('#plan-steps').textContent(),
    /Organization→?Invitations: the billing transfer→?Accept→?Accept billing transfer/);
  assert.equal(await plan.locator('#propose').count(), 0);
  await shot(plan, 'plan-case3-transfer');

  // The customer's management account accepts on its Organization page.
  const cust = await newPage(browser);
  await signIn(cust, srv, root);
  const inv = cust.locator('li.invite[data-action=TRANSFER_RESPONSIBILITY]');
  assert.match(await inv.textContent(), /Demo MSP offers to pay this organization's AWS bill from/);
  assert.doesNotMatch(await cust.locator('#invitations').textContent(), /remove every member account/);
  await inv.getByRole('link', { name: 'Accept' }).click();
  await cust.waitForURL(/\/organization\/accept/);
  assert.match(await cust.locator('#payer').textContent(), new RegExp(`pay the AWS bill of your organization ${own.Id}`));
  assert.match(await cust.locator('#keeps').textContent(), /Your organization stays as it is/);
  await shot(cust, 'transfer-accept');
  await cust.getByRole('button', { name: 'Accept billing transfer' }).click();
  await cust.waitForURL(/\/organization$/);
  assert.match(await cust.locator('.flash.ok').textContent(), /Accepted billing transfer rt-[0-9a-z]+: Demo MSP pays/);
  // Still the management account of its organization, with its member.
  assert.match(await cust.locator('#org-state').textContent(), new RegExp(`management account of ${own.Id}`));
  assert.ok((await cust.locator('#accounts').textContent()).includes(dev.id));
  const out = cust.locator('#transfers-outbound tr[data-transfer]');
  assert.equal(await out.count(), 1);
  assert.match(await out.textContent(), /ACCEPTED/);
  assert.ok((await out.textContent()).includes(msp.email));
  await shot(cust, 'transfer-outbound');
  const o = (await awsOk(srv, root, 'describe-organization')).Organization;
  assert.equal(o.Id, own.Id);

  // The plan and the desk follow.
  await plan.reload();
  assert.deepEqual(await steps(plan), [['ACCEPT_TRANSFER', 'DONE'], ['TRANSFER_STARTS', 'PENDING']]);
  assert.match(await plan.locator('#linked').textContent(), /Demo MSP pays your organization's AWS bill from/);
  await desk.goto(`${srv.url}/onboarding/${oid}`);
  assert.match(await desk.locator('#state').textContent(), /LINKED/);
  assert.match(await desk.locator('#transfer').textContent(), /ACCEPTED/);

  // The MSP sees it inbound and ends it: it runs to the end of a month.
  await desk.goto(srv.url + '/organization');
  const inbound = desk.locator('#transfers-inbound tr[data-transfer]');
  assert.equal(await inbound.count(), 1);
  assert.ok((await inbound.textContent()).includes(root.id));
  await shot(desk, 'transfer-inbound');
  await inbound.getByRole('button', { name: 'End transfer' }).click();
  await desk.waitForURL(/\/organization/);
  assert.match(await desk.locator('.flash.ok').textContent(), /Ended billing transfer rt-[0-9a-z]+: it runs until the end of \d{4}-\d\d-\d\d \(UTC\)/);
  assert.match(await desk.locator('#transfers-inbound').textContent(), /WITHDRAWN/);
  for (const p of [desk, plan, cust]) await p.context().close();
});
