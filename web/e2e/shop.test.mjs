// The storefront and the console together, in Debian's Chromium: a shopper searches, adds to
// the cart and checks out by bank transfer; an admin finds the order in the console and marks
// it paid; the shopper signs in with the e-mailed link and the account shows the new status.
// A stranger cannot open the order. The e-mail is read from the outbox through the API (the
// server runs without SMTP here; the SMTP path is tested in C++ against a real local server).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STEP_MS, launchChromium, login, scriptErrors, shot, startFondaco } from './support.mjs';

const ADMIN = { email: 'shop-e2e-admin@fondaco.test', password: 'orders in and parcels out', role: 'admin' };
const SHOPPER = `giulia-${process.pid}@example.com`;

let fondaco;
let browser;

before(async () => {
  fondaco = await startFondaco();
  await fondaco.createUser(ADMIN);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await fondaco?.stop();
});

// The link in the newest sign-in e-mail queued for `to`.
async function signInLink(to) {
  const list = await fondaco.api('GET', `/api/v1/emails?kind=customer_sign_in&to=${encodeURIComponent(to)}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.ok(list.body.items.length > 0, 'a sign-in e-mail was queued');
  const mail = await fondaco.api('GET', `/api/v1/emails/${list.body.items.at(-1).id}`);
  const link = mail.body.text.match(/(http:\/\/\S+\/account\/sign-in\?token=[0-9a-f]+)/)?.[1];
  assert.ok(link, mail.body.text);
  return link;
}

describe('shop to console and back', () => {
  let number;

  test('a shopper searches, adds to the cart and checks out by bank transfer', async () => {
    // A phone: the shop must work at 390 px.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors = scriptErrors(page);
    try {
      await page.goto(`${fondaco.url}/it/`);
      await page.locator('#q').fill('brocca');
      await page.locator('form.search button[type=submit]').click();
      const result = page.locator('ul.grid a', { hasText: 'Brocca maiolica' });
      await result.waitFor({ timeout: STEP_MS });
      await shot(page, 'shop-01-search');
      await result.click();
      await page.locator('article.product h1').waitFor({ timeout: STEP_MS });
      assert.equal(await page.locator('article.product h1').textContent(), 'Brocca maiolica');
      await shot(page, 'shop-02-product');
      // The shop's script adds without leaving the page and updates the cart link.
      const productUrl = page.url();
      await page.locator('article.product form button[type=submit]').click();
      await page.locator('#cart-status.notice:not([hidden])').waitFor({ timeout: STEP_MS });
      assert.equal(page.url(), productUrl);
      const cartLink = page.locator('header.site nav a[href="/it/cart"]');
      assert.equal(await cartLink.textContent(), 'Carrello (1)');
      await shot(page, 'shop-03-added');
      await cartLink.click();
      await page.waitForURL(/\/it\/cart$/, { timeout: STEP_MS });
      assert.match(await page.locator('table.cart tbody').textContent(), /Brocca maiolica/);
      await shot(page, 'shop-04-cart');

      await page.locator('a.button[href="/it/checkout"]').click();
      await page.locator('#f-email').fill(SHOPPER);
      await page.locator('#f-name').fill('Giulia Bianchi');
      await page.locator('#f-line1').fill('Via Zamboni 33');
      await page.locator('#f-city').fill('Bologna');
      await page.locator('#f-postal_code').fill('40126');
      await page.locator('#f-province').fill('BO');
      await page.locator('#f-country').fill('IT');
      await page.locator('input[name=shipping]').first().check();
      await page.locator('#p-bank_transfer').check();
      await shot(page, 'shop-05-checkout');
      await page.locator('form[action="/it/checkout"] button[type=submit]').click();
      await page.waitForURL(/\/it\/order\/[^/?]+\?placed=1$/, { timeout: STEP_MS });
      number = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1));
      await page.locator('dd.status[data-status=pending_payment]').waitFor({ timeout: STEP_MS });
      assert.match(await page.locator('section.bank').textContent(), /IT60X0542811101000000123456/);
      await shot(page, 'shop-06-confirmation');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the admin finds the order in the console and marks it paid', async () => {
    assert.ok(number, 'the checkout placed an order');
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    try {
      await login(page, fondaco.url, ADMIN);
      await page.locator('nav a[href="/admin/orders"]').click();
      await page.locator('input[name=q]').fill(SHOPPER);
      await page.locator('form.filters button[type=submit]').click();
      const row = page.locator('table tbody tr', { hasText: number });
      await row.waitFor({ timeout: STEP_MS });
      await row.locator('a').first().click();
      await page.locator('[data-testid=order-status][data-status=pending_payment]').waitFor({ timeout: STEP_MS });
      await page.locator('button[data-action=paid]').click();
      await page.locator('[data-testid=order-status][data-status=paid]').waitFor({ timeout: STEP_MS });
      await shot(page, 'shop-07-console-paid');
    } finally {
      await context.close();
    }
  });

  test('the shopper signs in with the e-mailed link and sees the new status', async () => {
    assert.ok(number, 'the checkout placed an order');
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const errors = scriptErrors(page);
    try {
      await page.goto(`${fondaco.url}/it/account`);
      await page.locator('#f-email').fill(SHOPPER);
      await page.locator('form[action="/it/account/sign-in"] button[type=submit]').click();
      await page.locator('p.notice[role=status]').waitFor({ timeout: STEP_MS });
      await page.goto(await signInLink(SHOPPER));
      await page.waitForURL(/\/it\/account$/, { timeout: STEP_MS });
      const row = page.locator('table.orders tbody tr', { hasText: number });
      await row.waitFor({ timeout: STEP_MS });
      // Paid, or already moved on by the order-to-cash chain (a shipment is being prepared).
      assert.match(await row.locator('td.status').textContent(), /^(Pagato|In preparazione)$/);
      await shot(page, 'shop-08-account');
      await row.locator('a').first().click();
      await page.locator('dd.status').waitFor({ timeout: STEP_MS });
      assert.match(await page.locator('dd.status').getAttribute('data-status'), /^(paid|fulfilling)$/);
      await shot(page, 'shop-09-order');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('another shopper cannot open the order, by its address or by a wrong e-mail', async () => {
    assert.ok(number, 'the checkout placed an order');
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const direct = await page.goto(`${fondaco.url}/it/order/${encodeURIComponent(number)}`);
      assert.equal(direct.status(), 404);
      assert.doesNotMatch(await page.content(), /Via Zamboni/);
      await page.goto(`${fondaco.url}/it/orders/lookup`);
      await page.locator('input[name=number]').fill(number);
      await page.locator('input[name=email]').fill('mallory@example.com');
      await page.locator('main form button[type=submit]').click();
      await page.locator('p.error[role=alert]').waitFor({ timeout: STEP_MS });
      assert.doesNotMatch(await page.content(), /Via Zamboni/);
      await shot(page, 'shop-10-lookup-refused');
    } finally {
      await context.close();
    }
  });
});
