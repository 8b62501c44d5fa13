// SPDX-License-Identifier: MIT
// Shared helpers for the browser tests: a payerlink server on a free
// loopback port with a fresh database, accounts made with the real CLI,
// organization state set up with the real aws CLI, and Debian's chromium
// driven by playwright-core.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const BIN = path.resolve(ROOT, process.env.PAYERLINK_BIN || 'build/payerlink');
export const AWS = process.env.PAYERLINK_AWS_CLI || '/usr/bin/aws';
export const CHROMIUM = process.env.PAYERLINK_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(here, 'screenshots');
export const PASSWORD = 'correct horse battery';

// Runs cmd (payerlink serve, or a script that runs it) until it prints
// "listening on URL"; stop() ends it and removes dir. opts: spawn's (cwd)
// and timeout (ms). out() and log() are what it printed so far.
export async function serve(cmd, args, dir, { timeout = 15000, ...opts } = {}) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '', log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ` + log)), timeout);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${log}`)));
  });
  return {
    url, dir,
    out: () => out,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A server of a fresh emulator database; flags: more serve options, e.g.
// '--no-direct-transfer'.
export async function startServer(...flags) {
  const dir = mkdtempSync(path.join(tmpdir(), 'payerlink-e2e-'));
  const db = path.join(dir, 'test.db');
  const srv = await serve(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--emulator',
    ...flags], dir);
  return Object.assign(srv, { db });
}

// A server of `payerlink init --demo`'s database.
export async function demoServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'payerlink-demo-'));
  const db = path.join(dir, 'demo.db');
  await run(BIN, ['init', '--db', db, '--demo']);
  const srv = await serve(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], dir,
    { timeout: 30000 });
  return Object.assign(srv, { db });
}

let seq = 0;
export function uniqueEmail(tag) {
  seq += 1;
  return `${tag}-${process.pid}-${seq}@example.com`;
}

export async function cli(srv, ...args) {
  const { stdout } = await run(BIN, [...args, '--db', srv.db]);
  return stdout.trim() ? JSON.parse(stdout) : null;
}

// An account with a console password; billing info unless billing: false.
export async function newAccount(srv, { tag = 'acct', name, billing = true } = {}) {
  const email = uniqueEmail(tag);
  const args = ['account', 'create', '--email', email, '--password', PASSWORD];
  if (name) args.push('--name', name);
  const a = await cli(srv, ...args);
  if (billing)
    await run(BIN, ['account', 'set-billing-info', a.AccountId, '--payment-method',
      'Visa ending 4242', '--phone', '+1 206 555 0100', '--db', srv.db]);
  return { id: a.AccountId, email, name: name || email, key: a.AccessKeyId,
    secret: a.SecretAccessKey };
}

// Runs /usr/bin/aws organizations ... with the account's keys.
export async function aws(srv, acct, ...args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: acct.key, AWS_SECRET_ACCESS_KEY: acct.secret,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1',
  });
  try {
    const { stdout } = await run(AWS, ['--endpoint-url', srv.url, '--output', 'json',
      'organizations', ...args], { env, timeout: 120000 });
    return { code: 0, out: stdout.trim() ? JSON.parse(stdout) : null, err: '' };
  } catch (e) {
    return { code: e.code ?? 1, out: null, err: String(e.stderr || e.message) };
  }
}

export async function awsOk(srv, acct, ...args) {
  const r = await aws(srv, acct, ...args);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')}: ${r.err}`);
  return r.out;
}

export async function createOrg(srv, acct) {
  return (await awsOk(srv, acct, 'create-organization', '--feature-set', 'ALL')).Organization;
}

export async function invite(srv, from, target, type = 'ACCOUNT') {
  return (await awsOk(srv, from, 'invite-account-to-organization', '--target',
    `Id=${target},Type=${type}`)).Handshake;
}

// from invites acct, acct accepts: acct becomes a member of from's org.
export async function join(srv, from, acct) {
  const h = await invite(srv, from, acct.id);
  await awsOk(srv, acct, 'accept-handshake', '--handshake-id', h.Id);
  return h;
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage', '--disable-component-update', '--no-first-run',
      '--disable-sync', '--disable-quic'],
  });
}

// A fresh browser context (own cookies) with every confirm dialog accepted.
export async function newPage(browser, width = 1280, height = 900) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  page.on('dialog', (d) => d.accept());
  return page;
}

// Signs page in at srv as who (an account, or an e-mail address) and waits
// for where the sign-in lands (the MSP console unless told); returns page.
export async function signIn(page, srv, who, password = PASSWORD, landing = /\/organization/) {
  await page.goto(srv.url + '/signin');
  await page.getByLabel('E-mail address').fill(typeof who === 'string' ? who : who.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(landing);
  return page;
}

// In the page: the text elements whose colour on their background is
// under 4.5:1 (WCAG AA; disabled controls are exempt).
export function lowContrast() {
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const rgba = (s) => { const m = s.match(/[\d.]+/g) || []; return m.map(Number).concat([1]).slice(0, 4); };
  const blend = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
  const bg = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.push(rgba(getComputedStyle(e).backgroundColor));
    let c = [255, 255, 255];
    for (const layer of chain.reverse()) if (layer[3] > 0) c = blend(layer, c);
    return c;
  };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('[disabled], svg, [aria-hidden="true"]')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.opacity === '0') continue;
    const fg = blend(rgba(st.color), bg(el));
    const l1 = lum(fg), l2 = lum(bg(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return [...new Set(bad)];
}

// In the page: pairs of visible chart labels (svg text) whose boxes
// overlap, as "a | b".
export function overlappingLabels() {
  const boxes = [...document.querySelectorAll('svg text')]
    .map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  const bad = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i], [b, q] = boxes[j];
      if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom)
        bad.push(`${a} | ${b}`);
    }
  return bad;
}

// Saves the page as it looks now, at its width and at a phone's 390 px.
export async function shot(page, name, { phone = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  if (phone) {
    const vp = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
    await page.setViewportSize(vp);
  }
}

// The Set-Cookie lines of a fetch response. Headers.getSetCookie() is
// missing from Node.js 18 (Debian 12's); there the joined header is split
// before each "name=" that follows a comma (our cookies carry no dates).
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : [];
}

// A tiny cookie-keeping HTTP client for the tests that post by hand.
export class Client {
  constructor(srv) { this.srv = srv; this.jar = new Map(); }
  cookie() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(method, p, form) {
    const headers = { cookie: this.cookie() };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const r = await fetch(this.srv.url + p, { method, headers, body, redirect: 'manual' });
    for (const c of setCookies(r.headers)) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      const k = kv.slice(0, i), v = kv.slice(i + 1);
      if (v === '' || /Max-Age=0/.test(c)) this.jar.delete(k); else this.jar.set(k, v);
    }
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  }
  get(p) { return this.req('GET', p); }
  post(p, form) { return this.req('POST', p, form); }
  static csrf(html) {
    const m = html.match(/name="csrf" value="([^"]+)"/);
    return m ? m[1] : null;
  }
  async signIn(acct, password = PASSWORD) {
    const s = await this.get('/signin');
    const r = await this.post('/signin', { csrf: Client.csrf(s.text), email: acct.email, password });
    return r;
  }
}
