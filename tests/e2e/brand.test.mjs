// SPDX-License-Identifier: MIT
// The MSP's brand (issue 23) as a customer sees it: the demo's brand
// (`payerlink init --demo` sets "Demo MSP", its colour, logo and support
// contact) on the sign-in page and the billing portal, at 1366 and 390 px,
// with no sideways scroll; the tab's icon is the MSP's logo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, launch, newPage, shot, signIn } from './lib.mjs';

let browser, srv;

before(async () => {
  srv = await demoServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// What a person checks of the brand on the page at this width.
async function brandAt(page, width) {
  await page.setViewportSize({ width, height: 844 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const a = document.querySelector('header.top a.brand');
    const img = a.querySelector('img');
    const r = a.getBoundingClientRect();
    return {
      text: a.textContent.trim(),
      logo: img ? img.complete && img.naturalWidth > 0 : false,
      inView: r.left >= 0 && r.right <= window.innerWidth && r.width > 0,
      bar: getComputedStyle(document.querySelector('header.top')).backgroundColor,
      footer: document.querySelector('footer').textContent,
      title: document.title,
      scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

test('the sign-in page and the portal carry the MSP brand at 1366 and 390 px', async () => {
  const page = await newPage(browser, 1366, 900);
  await page.goto(srv.url + '/signin');
  for (const width of [1366, 390]) {
    const b = await brandAt(page, width);
    assert.equal(b.text, 'Demo MSP', `sign-in @${width}`);
    assert.ok(b.logo, `sign-in @${width}: the logo shows`);
    assert.equal(b.bar, 'rgb(107, 47, 163)', `sign-in @${width}: the brand's colour`);
    assert.ok(b.scroll <= 0, `sign-in scrolls sideways at ${width} px`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, srv, 'portal@umbrella-corp.example', 'portal-demo-1', /\/portal/);
  for (const path of ['/portal', '/portal/invoices', '/portal/costs']) {
    await page.goto(srv.url + path);
    for (const width of [1366, 390]) {
      const b = await brandAt(page, width);
      const where = `${path} @${width}`;
      assert.equal(b.text, 'Demo MSP', where);
      assert.ok(b.logo && b.inView, `${where}: the logo and name in view`);
      assert.equal(b.bar, 'rgb(107, 47, 163)', where);
      assert.match(b.footer, /support@demo-msp\.example/, where);
      assert.doesNotMatch(b.footer + b.title, /payerlink|compatible console/, where);
      assert.ok(b.scroll <= 0, `${where} scrolls sideways by ${b.scroll} px`);
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot(page, 'brand-portal');
  // The tab's icon: the MSP's logo.
  const icon = await page.evaluate(async () => {
    const r = await fetch('/favicon.ico');
    return [r.status, r.headers.get('content-type')];
  });
  assert.deepEqual(icon, [200, 'image/svg+xml']);
});
