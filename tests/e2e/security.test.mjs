// SPDX-License-Identifier: MIT
// What must not work: a form post without (or with a wrong) CSRF token,
// one user reaching another's account by editing URLs or form fields, and
// guessing passwords past the lockout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Client, awsOk, aws, createOrg, invite, join, launch, newAccount, newPage, setCookies, shot, signIn,
  startServer,
} from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a form post without the CSRF token, or with a wrong one, is refused', async () => {
  const acct = await newAccount(srv, { tag: 'csrf' });
  const c = new Client(srv);
  const r = await c.signIn(acct);
  assert.equal(r.status, 303);
  assert.equal(r.location, '/organization');
  const cookie = [...c.jar.keys()];
  assert.ok(cookie.includes('pl_session'));

  const none = await c.post('/organization/create', {});
  assert.equal(none.status, 403);
  assert.match(none.text, /nothing was done/);
  const wrong = await c.post('/organization/create', { csrf: 'A'.repeat(43) });
  assert.equal(wrong.status, 403);
  const cross = await c.req('POST', '/settings/billing', { payment_method: 'x' });
  assert.equal(cross.status, 403);
  assert.equal((await aws(srv, acct, 'describe-organization')).code !== 0, true,
    'no organization was created');
  // The sign-in form has its own token too.
  const fresh = new Client(srv);
  const s = await fresh.post('/signin', { email: acct.email, password: 'x' });
  assert.equal(s.status, 403);
  // With the page's token the same post works.
  const page = await c.get('/organization');
  const ok = await c.post('/organization/create', { csrf: Client.csrf(page.text) });
  assert.equal(ok.status, 303);
  assert.ok((await awsOk(srv, acct, 'describe-organization')).Organization.Id);
});

test('the session cookie is HttpOnly, SameSite=Lax, rotated at sign-in, ended at sign-out', async () => {
  const acct = await newAccount(srv, { tag: 'cookie' });
  const res = await fetch(srv.url + '/signin');
  const pre = setCookies(res.headers).find((x) => x.startsWith('pl_csrf='));
  const csrf = (await res.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const form = new URLSearchParams({ csrf, email: acct.email, password: 'correct horse battery' });
  const a = await fetch(srv.url + '/signin', { method: 'POST', body: form, redirect: 'manual',
    headers: { cookie: pre.split(';')[0] + '; pl_session=' + 'B'.repeat(43) } });
  const set = setCookies(a.headers).find((x) => x.startsWith('pl_session='));
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Lax/);
  assert.match(set, /Path=\//);
  const token = set.split(';')[0].split('=')[1];
  assert.notEqual(token, 'B'.repeat(43));
  assert.equal(token.length, 43);
  const c = new Client(srv);
  c.jar.set('pl_session', token);
  const org = await c.get('/organization');
  assert.equal(org.status, 200);
  const out = await c.post('/signout', { csrf: Client.csrf(org.text) });
  assert.equal(out.status, 303);
  c.jar.set('pl_session', token);
  assert.equal((await c.get('/organization')).location, '/signin');
});

test('one user cannot see or act on another account by editing URLs or form fields', async () => {
  const msp = await newAccount(srv, { tag: 'msp', name: 'Iso MSP' });
  await createOrg(srv, msp);
  const alice = await newAccount(srv, { tag: 'alice', name: 'Alice' });
  const bob = await newAccount(srv, { tag: 'bob', name: 'Bob' });
  const bobInv = await invite(srv, msp, bob.id);
  const aliceOrg = await createOrg(srv, alice);
  const other = await newAccount(srv, { tag: 'other' });
  const otherOwner = await newAccount(srv, { tag: 'otherowner' });
  await createOrg(srv, otherOwner);
  await join(srv, otherOwner, other);

  const page = await newPage(browser);
  await signIn(page, srv, alice);
  // Bob's invitation is not Alice's to see or accept.
  await page.goto(`${srv.url}/organization/accept?h=${bobInv.Id}`);
  assert.doesNotMatch(await page.content(), /Iso MSP/);
  assert.match(await page.locator('main').textContent(), /no such invitation/i);
  // The account id in a URL changes nothing: pages show the session's account.
  await page.goto(`${srv.url}/settings?account=${bob.id}`);
  assert.ok((await page.locator('main').textContent()).includes(alice.id));
  assert.ok(!(await page.content()).includes(bob.id));
  await shot(page, 'isolation-settings', { phone: false });

  const c = new Client(srv);
  await c.signIn(alice);
  const csrf = Client.csrf((await c.get('/organization')).text);
  // Accept Bob's invitation by posting its id.
  const acc = await c.post('/organization/accept', { csrf, handshake_id: bobInv.Id });
  assert.equal(acc.status, 404);
  assert.match(acc.text, /no such invitation/i);
  // Delete Bob's access key.
  const del = await c.post('/settings/keys/delete', { csrf, key_id: bob.key });
  assert.match(del.text, /no such access key/);
  assert.ok((await awsOk(srv, bob, 'list-handshakes-for-account')).Handshakes.length >= 1,
    "Bob's key still works");
  // Remove an account of another organization from Alice's.
  const rm = await c.post('/organization/remove', { csrf, action: 'remove', account: other.id });
  assert.match(rm.text, new RegExp(`Account ${other.id} was not removed`));
  assert.equal((await awsOk(srv, other, 'describe-organization')).Organization.MasterAccountId,
    otherOwner.id);
  // Delete another organization by typing its id.
  const d = await c.post('/organization/delete', { csrf, confirm_id: 'o-zzzzzzzzzz' });
  assert.match(d.text, /does not match/);
  assert.equal((await awsOk(srv, alice, 'describe-organization')).Organization.Id, aliceOrg.Id);
  // Bob still has his invitation, open.
  const hs = (await awsOk(srv, bob, 'describe-handshake', '--handshake-id', bobInv.Id)).Handshake;
  assert.equal(hs.State, 'OPEN');
  await page.context().close();
});

test('five wrong passwords lock the e-mail for 15 minutes, and the page says so', async () => {
  const acct = await newAccount(srv, { tag: 'lock' });
  const page = await newPage(browser);
  for (let i = 0; i < 5; i++) {
    await page.goto(srv.url + '/signin');
    await page.getByLabel('E-mail address').fill(acct.email);
    await page.getByLabel('Password').fill('wrong password ' + i);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#error-signin').waitFor();
  }
  assert.match(await page.locator('#error-signin').textContent(), /locked for 15 minutes/);
  // Even the right password is refused now.
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await page.locator('#error-signin').textContent(), /locked for 15 minutes/);
  assert.ok(page.url().endsWith('/signin'));
  await shot(page, 'signin-locked');
  await page.context().close();
});
