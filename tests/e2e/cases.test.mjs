// SPDX-License-Identifier: MIT
// The three onboarding cases, clicked through as the account owner does,
// from sign-in to "You are now a member of <MSP org>", each checked
// through the AWS API afterwards with the customer's own keys. Case 2 both
// ways: directly (AWS's rule since 11 December 2025, the default) and
// leaving first, on a server with the rules before it
// (--no-direct-transfer).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  awsOk, createOrg, invite, join, launch, newAccount, newPage, shot, signIn, startServer,
} from './lib.mjs';

let srv, browser, msp, mspOrg;

before(async () => {
  srv = await startServer();
  browser = await launch();
  msp = await newAccount(srv, { tag: 'msp', name: 'Demo MSP' });
  mspOrg = await createOrg(srv, msp);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Accept the MSP's invitation from the Organization page: the confirmation
// names who pays from now on; the result names the organization.
async function acceptMspInvitation(page, s = srv, m = msp, org = mspOrg) {
  const [srv, msp, mspOrg] = [s, m, org];
  await page.goto(srv.url + '/organization');
  const inv = page.locator(`li.invite:has(code:text("${mspOrg.Id}"))`);
  await inv.getByRole('link', { name: 'Accept' }).click();
  await page.waitForURL(/\/organization\/accept/);
  const payer = page.locator('#payer');
  await assert.doesNotReject(payer.waitFor());
  const text = await payer.textContent();
  assert.match(text, /Demo MSP/);
  assert.ok(text.includes(msp.email), text);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.waitForURL(/\/organization$/);
  const flash = await page.locator('.flash.ok').textContent();
  assert.ok(flash.includes(`You are now a member of ${mspOrg.Id} (management account Demo MSP)`), flash);
  assert.match(await page.locator('#org-state').textContent(), new RegExp(`member of ${mspOrg.Id}`));
}

async function assertMemberOfMsp(acct, s = srv, org = mspOrg, m = msp) {
  const [srv, mspOrg, msp] = [s, org, m];
  const o = (await awsOk(srv, acct, 'describe-organization')).Organization;
  assert.equal(o.Id, mspOrg.Id);
  assert.equal(o.MasterAccountId, msp.id);
}

test('case 1: a standalone account accepts the MSP invitation', async () => {
  const cust = await newAccount(srv, { tag: 'case1', name: 'Case 1 Standalone' });
  await invite(srv, msp, cust.id);
  const page = await newPage(browser);
  await signIn(page, srv, cust);
  assert.match(await page.locator('#org-state').textContent(), /standalone/);
  await acceptMspInvitation(page);
  await shot(page, 'case1-member');
  await assertMemberOfMsp(cust);
  await page.context().close();
});

test('case 2: a member accepts directly, without billing information', async () => {
  const oldPayer = await newAccount(srv, { tag: 'oldpayer', name: 'Other Payer' });
  const oldOrg = await createOrg(srv, oldPayer);
  const cust = await newAccount(srv, { tag: 'case2d', name: 'Case 2 Direct', billing: false });
  await join(srv, oldPayer, cust);
  await invite(srv, msp, cust.id);
  const page = await newPage(browser);
  await signIn(page, srv, cust);
  assert.match(await page.locator('#invitations').textContent(), /Accepting moves it directly/);
  await page.locator('li.invite').getByRole('link', { name: 'Accept' }).click();
  assert.match(await page.locator('#accept').textContent(), new RegExp(`directly from ${oldOrg.Id}`));
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.waitForURL(/\/organization$/);
  assert.ok((await page.locator('.flash.ok').textContent()).includes(`You are now a member of ${mspOrg.Id}`));
  await assertMemberOfMsp(cust);
  await page.context().close();
});

test('case 2 before direct transfer: a member leaves its organization (after adding billing info), then accepts', async () => {
  // The rules before 11 December 2025, on a server that rehearses them.
  const srv = await startServer('--no-direct-transfer');
  const msp = await newAccount(srv, { tag: 'msp', name: 'Demo MSP' });
  const mspOrg = await createOrg(srv, msp);
  const oldPayer = await newAccount(srv, { tag: 'oldpayer', name: 'Other Payer' });
  const oldOrg = await createOrg(srv, oldPayer);
  const cust = await newAccount(srv, { tag: 'case2', name: 'Case 2 Member', billing: false });
  await join(srv, oldPayer, cust);
  await invite(srv, msp, cust.id);

  const page = await newPage(browser);
  await signIn(page, srv, cust);
  assert.match(await page.locator('#org-state').textContent(), new RegExp(`member of ${oldOrg.Id}`));
  // Accept cannot be pressed while still a member: the reason is beside
  // it, with a link to the Leave section (issue 23, defect 10).
  const acceptBtn = page.locator('li.invite').getByRole('button', { name: 'Accept' });
  assert.equal(await acceptBtn.isDisabled(), true);
  assert.match(await page.locator('#accept-why').textContent(), /member of another organization/);
  const h = await page.locator('li.invite').getAttribute('data-handshake');
  // The accept page (an old link) says the same and offers no live button.
  await page.goto(srv.url + '/organization/accept?h=' + h);
  assert.equal(await page.getByRole('button', { name: 'Accept invitation' }).isDisabled(), true);
  assert.match(await page.locator('#accept-why').textContent(), /leave it first/);
  // The organization id in the heading stays whole, at 1366 and 390 px.
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 844 });
    const lines = await page.locator('#accept h1 code').evaluate((el) => el.getClientRects().length);
    assert.equal(lines, 1, `heading's organization id broken over ${lines} lines at ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('link', { name: 'Leave this organization' }).click();
  await page.waitForURL(/\/organization#leave$/);
  // Leaving is refused while the billing information is missing.
  const leave = page.locator('#leave');
  assert.match(await leave.textContent(), /Payment method: missing/);
  await leave.getByRole('button', { name: 'Leave this organization' }).click();
  assert.match(await page.locator('#error-leave').textContent(), /payment method/i);
  // Fix it in Account settings, as the page says.
  await page.locator('#leave').getByRole('link', { name: /Account settings/ }).click();
  await page.getByLabel('Payment method').fill('Mastercard ending 5454');
  await page.getByLabel('Phone number').fill('+44 20 7946 0000');
  await page.getByRole('button', { name: 'Save billing information' }).click();
  assert.match(await page.locator('.flash.ok').textContent(), /Billing information saved/);
  await shot(page, 'settings-billing');
  await page.getByRole('link', { name: 'Organization' }).first().click();
  await page.locator('#leave').getByRole('button', { name: 'Leave this organization' }).click();
  await page.waitForURL(/\/organization$/);
  assert.match(await page.locator('.flash.ok').textContent(), new RegExp(`left ${oldOrg.Id}`));
  assert.match(await page.locator('#org-state').textContent(), /standalone/);
  await acceptMspInvitation(page, srv, msp, mspOrg);
  await shot(page, 'case2-member');
  await assertMemberOfMsp(cust, srv, mspOrg, msp);
  await page.context().close();
  await srv.stop();
});

test('case 3: a management account removes its members, deletes its organization, then accepts', async () => {
  const cust = await newAccount(srv, { tag: 'case3', name: 'Case 3 Own Org' });
  const own = await createOrg(srv, cust);
  const dev = await newAccount(srv, { tag: 'case3dev', name: 'Case 3 Dev' });
  const prod = await newAccount(srv, { tag: 'case3prod', name: 'Case 3 Prod' });
  await join(srv, cust, dev);
  await join(srv, cust, prod);
  await invite(srv, msp, cust.id);

  const page = await newPage(browser);
  await signIn(page, srv, cust);
  assert.match(await page.locator('#org-state').textContent(), new RegExp(`management account of ${own.Id}`));
  assert.match(await page.locator('#invitations').textContent(), /manages its own organization/);
  await shot(page, 'case3-before', { phone: true });

  // Select accounts, Actions, Remove from organization.
  await page.getByLabel('Select Case 3 Dev').check();
  await page.getByLabel('Select Case 3 Prod').check();
  await page.locator('#accounts summary', { hasText: 'Actions' }).click();
  await page.getByRole('button', { name: 'Remove from organization' }).click();
  await page.waitForURL(/\/organization/);
  assert.match(await page.locator('.flash.ok').textContent(), /Removed 2 accounts/);

  // Settings: copy the ID, paste it, Delete organization.
  const del = page.getByRole('button', { name: 'Delete organization' });
  assert.equal(await del.isDisabled(), true);
  const id = (await page.locator('#settings #org-id').textContent()).trim();
  assert.equal(id, own.Id);
  await page.locator('#settings').getByRole('button', { name: 'Copy' }).click();
  await page.getByLabel('Type the organization ID to confirm').fill(id);
  assert.equal(await del.isDisabled(), false);
  await del.click();
  await page.waitForURL(/\/organization$/);
  assert.match(await page.locator('.flash.ok').textContent(), new RegExp(`Deleted organization ${own.Id}`));
  assert.match(await page.locator('#org-state').textContent(), /standalone/);

  await acceptMspInvitation(page);
  await shot(page, 'case3-member');
  await assertMemberOfMsp(cust);
  // The removed members stand alone now.
  for (const m of [dev, prod]) {
    const r = await awsOk(srv, m, 'list-handshakes-for-account');
    assert.ok(Array.isArray(r.Handshakes));
  }
  await page.context().close();
});
