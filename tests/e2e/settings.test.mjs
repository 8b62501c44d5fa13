// SPDX-License-Identifier: MIT
// Account settings: a new access key's secret is shown once and works with
// the aws CLI; deleting it stops it; the password changes only with the
// current one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, aws, launch, newAccount, newPage, shot, signIn, startServer } from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('access keys: create shows the secret once, the key works, delete removes it', async () => {
  const acct = await newAccount(srv, { tag: 'keys', name: 'Key Owner' });
  const page = await newPage(browser);
  await signIn(page, srv, acct);
  await page.getByRole('link', { name: 'Account settings' }).click();
  await page.getByRole('button', { name: 'Create access key' }).click();
  const id = (await page.locator('#new-key-id').textContent()).trim();
  const secret = (await page.locator('#new-key-secret').textContent()).trim();
  assert.match(id, /^AKPL/);
  assert.equal(secret.length, 40);
  await shot(page, 'settings-new-key');
  const key = { key: id, secret };
  assert.equal((await aws(srv, key, 'list-handshakes-for-account')).code, 0);
  // Shown once: the next visit has the key id but not its secret.
  await page.goto(srv.url + '/settings');
  assert.ok((await page.content()).includes(id));
  assert.ok(!(await page.content()).includes(secret));
  await page.getByRole('button', { name: `Delete ${id}` }).click();
  await page.waitForURL(/\/settings/);
  assert.match(await page.locator('.flash.ok').textContent(), new RegExp(`${id} deleted`));
  // (The emulator accepts unknown keys, as moto does, so the API cannot
  // show the deletion; the account's key list does.)
  assert.ok(!(await page.locator('#keys table').textContent()).includes(id));
  await page.context().close();
});

test('password change needs the current password', async () => {
  const acct = await newAccount(srv, { tag: 'pw' });
  const page = await newPage(browser);
  await signIn(page, srv, acct);
  await page.goto(srv.url + '/settings');
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password (8 to 128 characters)').fill('a brand new secret');
  await page.getByLabel('New password again').fill('a brand new secret');
  await page.getByRole('button', { name: 'Change password' }).click();
  assert.match(await page.locator('#error-password').textContent(), /current password is wrong/);
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password (8 to 128 characters)').fill('a brand new secret');
  await page.getByLabel('New password again').fill('a brand new secret');
  await page.getByRole('button', { name: 'Change password' }).click();
  assert.match(await page.locator('.flash.ok').textContent(), /Password changed/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  await signIn(page, srv, acct, 'a brand new secret');
  await page.context().close();
});
