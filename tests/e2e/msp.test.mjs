// SPDX-License-Identifier: MIT
// The MSP operator in the console: invites by account id and by e-mail,
// follows the invitations, cancels one; and the delete button's guard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { awsOk, createOrg, launch, newAccount, newPage, shot, signIn, startServer } from './lib.mjs';

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

test('the MSP invites by id and by e-mail, and cancels an invitation', async () => {
  const byId = await newAccount(srv, { tag: 'byid' });
  const byMail = await newAccount(srv, { tag: 'bymail' });
  const page = await newPage(browser);
  await signIn(page, srv, msp);
  assert.match(await page.locator('#org-state').textContent(), new RegExp(`management account of ${mspOrg.Id}`));

  await page.getByLabel('Account ID or e-mail address').fill(byId.id);
  await page.getByLabel(/Notes/).fill('Welcome to Demo MSP billing');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.match(await page.locator('.flash.ok').textContent(), new RegExp(`sent to ${byId.id}`));

  await page.getByLabel('Account ID or e-mail address').fill(byMail.email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.match(await page.locator('.flash.ok').textContent(), new RegExp(`sent to ${byMail.email}`));

  // A second invitation to the same account is refused, next to the form.
  await page.getByLabel('Account ID or e-mail address').fill(byId.id);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.match(await page.locator('#error-invite').textContent(), /open invitation to this account already exists/);
  // So is nonsense, with what was typed kept.
  await page.getByLabel('Account ID or e-mail address').fill('not an account');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  assert.ok(await page.locator('#error-invite').isVisible());
  assert.equal(await page.getByLabel('Account ID or e-mail address').inputValue(), 'not an account');

  await page.goto(srv.url + '/organization');
  const sent = page.locator('#sent');
  const rowId = sent.locator('tr', { hasText: byId.id });
  const rowMail = sent.locator('tr', { hasText: byMail.email });
  assert.match(await rowId.textContent(), /OPEN/);
  assert.match(await rowId.textContent(), /Welcome to Demo MSP billing/);
  assert.match(await rowMail.textContent(), /OPEN/);
  await rowMail.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForURL(/\/organization/);
  assert.match(await page.locator('.flash.ok').textContent(), /Cancelled the invitation/);
  assert.match(await page.locator('#sent tr', { hasText: byMail.email }).textContent(), /CANCELED/);
  await shot(page, 'msp-invitations');

  // The API sees the same.
  const hs = (await awsOk(srv, msp, 'list-handshakes-for-organization')).Handshakes;
  const state = (t) => hs.find((h) => h.Parties.some((p) => p.Id === t)).State;
  assert.equal(state(byId.id), 'OPEN');
  assert.equal(state(byMail.email), 'CANCELED');
  // The invited account sees its invitation in its own console.
  const p2 = await newPage(browser);
  await signIn(p2, srv, byId);
  assert.match(await p2.locator('#invitations').textContent(), /Demo MSP/);
  await p2.context().close();
  await page.context().close();
});

test('the delete button stays disabled on a wrong ID, and the server checks too', async () => {
  const owner = await newAccount(srv, { tag: 'owner' });
  const org = await createOrg(srv, owner);
  const page = await newPage(browser);
  await signIn(page, srv, owner);
  const input = page.getByLabel('Type the organization ID to confirm');
  const del = page.getByRole('button', { name: 'Delete organization' });
  assert.equal(await del.isDisabled(), true);
  await input.fill('o-wrongwrong');
  assert.equal(await del.isDisabled(), true);
  await input.fill(org.Id.slice(0, -1));
  assert.equal(await del.isDisabled(), true);
  await input.fill(org.Id);
  assert.equal(await del.isDisabled(), false);
  await input.fill(org.Id + 'x');
  assert.equal(await del.isDisabled(), true);
  await shot(page, 'delete-disabled', { phone: false });
  // Forcing the form with a wrong ID (button enabled by hand) is refused.
  await page.evaluate(() => { document.getElementById('delete-org').disabled = false; });
  await del.click();
  assert.match(await page.locator('#error-delete').textContent(), /does not match; nothing was deleted/);
  assert.equal((await awsOk(srv, owner, 'describe-organization')).Organization.Id, org.Id);
  await page.context().close();
});
