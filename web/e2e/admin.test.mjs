// Browser tests of the admin console: the real `fondaco` binary on a fresh SQLite database
// with the demo shop, driven through Debian's Chromium by playwright-core (never a browser
// download); the server, the browser and the environment come from support.mjs. Every wait
// is bounded (Playwright's timeouts, until() below).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { STEP_MS, launchChromium, login as loginAt, logout, scriptErrors, shot, startFondaco } from './support.mjs';

const ADMIN = { email: 'e2e-admin@fondaco.test', password: 'correct horse battery staple', role: 'admin' };
const LOGISTICS = { email: 'e2e-logistics@fondaco.test', password: 'pallets and parcels 42', role: 'logistics' };
const SHOPPER = `shopper-${process.pid}@example.com`;

let fondaco;
let base;
let browser;
const api = (...args) => fondaco.api(...args);
const login = (page, u) => loginAt(page, base, u);

// Polls `check` (an async predicate) every 250 ms until it holds, for at most `ms`.
async function until(check, what, ms = STEP_MS) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A page that fails the test on script errors (refused requests are logged by Chromium as
// "Failed to load resource" and are expected where a test provokes them) and accepts the
// confirm() dialogs the console asks before destructive actions.
async function adminPage(viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = scriptErrors(page);
  page.on('dialog', (d) => d.accept());
  return { context, page, errors };
}

before(async () => {
  fondaco = await startFondaco();
  base = fondaco.url;
  await fondaco.createUser(ADMIN);
  await fondaco.createUser(LOGISTICS);
  const order = await api('POST', '/api/v1/orders', {
    customer: { email: SHOPPER, name: 'Giulia Bianchi' },
    shipping_address: { name: 'Giulia Bianchi', line1: 'Via Zamboni 33', city: 'Bologna', postal_code: '40126', country: 'IT' },
    lines: [{ sku: 'BF-11-2', qty: 2 }],
    payment_method: 'bank_transfer',
    shipping_minor: 590,
  });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await fondaco?.stop();
});

describe('admin console', () => {
  test('serves the console with its security headers and deep links', async () => {
    const res = await fetch(`${base}/admin/orders/1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/html/);
    assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const html = await res.text();
    const asset = html.match(/src="(\/admin\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(asset, html);
    const js = await fetch(base + asset, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control'), /immutable/);
    assert.equal((await fetch(`${base}/admin/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
  });

  test('an admin logs in, sees the dashboard, finds an order and marks it paid', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    // The 401 of the session probe before login and the 403 of the CSRF check below are
    // expected refusals; script errors are not.
    const errors = scriptErrors(page);
    try {
      await login(page, ADMIN);
      await page.locator('[data-testid=kpi-orders] strong').waitFor({ timeout: STEP_MS });
      assert.equal(await page.locator('[data-testid=kpi-orders] strong').textContent(), '1');
      await page.locator('.chart canvas').first().waitFor({ timeout: STEP_MS });
      await shot(page, '01-dashboard');

      await page.locator('nav a[href="/admin/orders"]').click();
      await page.locator('input[name=q]').fill(SHOPPER);
      await page.locator('form.filters button[type=submit]').click();
      const row = page.locator('table tbody tr', { hasText: SHOPPER });
      await row.waitFor({ timeout: STEP_MS });
      assert.equal(await page.locator('table tbody tr').count(), 1);
      await shot(page, '02-orders');

      await row.locator('a').first().click();
      const status = page.locator('[data-testid=order-status]');
      await status.waitFor({ timeout: STEP_MS });
      assert.equal(await status.getAttribute('data-status'), 'pending_payment');
      await page.locator('button[data-action=paid]').click();
      await page.locator('[data-testid=order-status][data-status=paid]').waitFor({ timeout: STEP_MS });
      await page.locator('.timeline .badge-paid').first().waitFor({ timeout: STEP_MS });
      await shot(page, '03-order-paid');

      const order = await api('GET', '/api/v1/orders?email=' + encodeURIComponent(SHOPPER));
      assert.ok(['paid', 'fulfilling'].includes(order.body.items[0].status), order.body.items[0].status);

      // Without the CSRF header the session cookie alone cannot change anything.
      const csrf = await page.evaluate(async () => (await fetch('/api/v1/session', { method: 'DELETE' })).status);
      assert.equal(csrf, 403);

      await logout(page);
      await shot(page, '04-login');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a logistics user has no invoices menu and gets an error page on /admin/invoices', async () => {
    // A tablet in portrait: the menu folds behind its button.
    const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true });
    const page = await context.newPage();
    try {
      await login(page, LOGISTICS);
      await page.locator('button.menu-toggle').click();
      await page.locator('nav#nav.open a[href="/admin/shipments"]').waitFor({ timeout: STEP_MS });
      assert.equal(await page.locator('nav a[href="/admin/invoices"]').count(), 0);
      assert.equal(await page.locator('nav a[href="/admin/stock"]').count(), 1);
      await shot(page, '05-logistics-menu');

      await page.goto(`${base}/admin/invoices`);
      await page.locator('[data-testid=forbidden]').waitFor({ timeout: STEP_MS });
      await shot(page, '06-logistics-invoices-forbidden');
      // The server refuses too, whatever the menu shows.
      const apiStatus = await page.evaluate(async () => (await fetch('/api/v1/invoices')).status);
      assert.equal(apiStatus, 403);

      await page.goto(`${base}/admin/shipments`);
      await page.locator('table tbody tr').first().waitFor({ timeout: STEP_MS });
      await shot(page, '07-logistics-shipments');
      await logout(page);
    } finally {
      await context.close();
    }
  });
});

// The screens of the "admin console for every team" issue. Each test makes the data it
// needs through the API (after the tests above, whose dashboard counts one order).
describe('admin console: integrations, settings, refunds, product editing', () => {
  test('an admin creates a webhook endpoint, pings it, reads the delivery log and redelivers', async () => {
    const received = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push({ headers: req.headers, body }); res.writeHead(200).end('ok'); });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      await page.locator('nav a[href="/admin/webhooks"]').click();
      await page.locator('[data-testid=webhook-new]').click();
      const form = page.locator('form', { has: page.locator('input[name=url]') });
      await form.locator('input[name=url]').fill(`http://127.0.0.1:${receiver.address().port}/hooks`);
      await form.locator('input[name=description]').fill('e2e receiver');
      await form.locator('input[name=event_type][value="order.*"]').check();
      await form.locator('input[name=exact_types]').fill('payment.captured');
      await form.locator('button[type=submit]').click();
      const secret = page.locator('[data-testid=webhook-secret] code');
      await secret.waitFor({ timeout: STEP_MS });
      assert.match(await secret.textContent(), /^whsec_/);
      await page.locator('[data-testid=webhook-row]').first().waitFor({ timeout: STEP_MS });
      await shot(page, '08-webhooks');

      await page.locator('[data-testid=webhook-row] a').first().click();
      await page.locator('[data-testid=webhook-status][data-status=active]').waitFor({ timeout: STEP_MS });
      await page.locator('[data-testid=webhook-ping]').click();
      // The delivery worker sends the ping; refresh the log until it shows as delivered.
      await until(async () => {
        await page.locator('[data-testid=deliveries-refresh]').click();
        await page.locator('[data-testid=delivery-row], .state.empty').first().waitFor({ timeout: STEP_MS });
        return (await page.locator('[data-testid=delivery-row][data-status=delivered]').count()) === 1;
      }, 'the ping to be delivered');
      assert.equal(received.length, 1);
      assert.equal(received[0].headers['fondaco-event-type'], 'webhook.ping');
      assert.match(received[0].headers['fondaco-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);

      await page.locator('[data-testid=attempts-toggle]').first().click();
      await page.locator('.delivery-log table tbody tr').first().waitFor({ timeout: STEP_MS });
      await shot(page, '09-webhook-deliveries');

      await page.locator('[data-testid=redeliver]').first().click();
      await until(async () => received.length === 2, 'the redelivery to arrive');
      assert.equal(received[1].headers['fondaco-delivery-id'], received[0].headers['fondaco-delivery-id']);

      await page.locator('[data-testid=webhook-toggle]').click();
      await page.locator('[data-testid=webhook-status][data-status=disabled]').waitFor({ timeout: STEP_MS });
      const list = await api('GET', '/api/v1/webhooks');
      assert.equal(list.body.items[0].status, 'disabled');
      assert.equal(list.body.items[0].secret, undefined);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      receiver.closeAllConnections?.();
      await new Promise((r) => receiver.close(r));
    }
  });

  test('an admin opens a channel: stock, push log, policy, a write-only secret and a resync', async () => {
    const listed = await api('PUT', '/api/v1/channels/shopify/listings/BF-11-2', {});
    assert.ok([200, 201].includes(listed.status), JSON.stringify(listed.body));
    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      await page.locator('nav a[href="/admin/channels"]').click();
      await page.locator('a[href="/admin/channels/shopify"]').click();
      await page.locator('[data-testid=channel-policy]').waitFor({ timeout: STEP_MS });
      // Without its api_base_url the push is refused: the stock row and the log say so.
      await until(async () => {
        await page.locator('[data-testid=pushlog-refresh]').click();
        await page.locator('td', { hasText: 'api_base_url' }).first().waitFor({ timeout: STEP_MS }).catch(() => {});
        return (await page.locator('td', { hasText: 'api_base_url' }).count()) > 0;
      }, 'the refused push in the log');
      assert.ok(await page.locator('td', { hasText: 'BF-11-2' }).count() >= 2);

      await page.locator('[data-testid=channel-policy] input[name=buffer_units]').fill('2');
      await page.locator('[data-testid=channel-policy] button[type=submit]').click();
      await page.locator('[data-testid=channel-policy] .form-ok').waitFor({ timeout: STEP_MS });

      const creds = page.locator('[data-testid=channel-credentials]');
      await creds.locator('input[name=secret_name]').fill('api_secret');
      await creds.locator('input[name=secret_value]').fill('e2e-very-secret-value');
      await creds.locator('input[name=secret_value]').press('Enter');
      await creds.locator('td code', { hasText: 'api_secret' }).waitFor({ timeout: STEP_MS });
      assert.equal(await creds.locator('input[name=secret_value]').inputValue(), '');
      assert.ok(!(await page.content()).includes('e2e-very-secret-value'), 'a secret value is never shown');

      await page.locator('[data-testid=resync]').click();
      await page.locator('.form-ok', { hasText: /1/ }).first().waitFor({ timeout: STEP_MS });
      await shot(page, '10-channel-detail');
      const ch = await api('GET', '/api/v1/channels/shopify');
      assert.equal(ch.body.buffer_units, 2);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('settings show the carriers and the SMTP flag; the e-mail outbox shows a queued e-mail', async () => {
    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      await page.goto(`${base}/admin/settings`);
      const carriers = page.locator('[data-testid=carriers]');
      await carriers.locator('tbody tr').first().waitFor({ timeout: STEP_MS });
      assert.ok(await carriers.locator('tbody tr').count() >= 4);
      assert.match(await page.locator('[data-testid=smtp-note]').textContent(), /--smtp-url/);
      await carriers.locator('tbody tr', { hasText: 'GLS' }).locator('button').click();
      const form = page.locator('[data-testid=carrier-form]');
      await form.locator('input[name=max_parcel_weight_g]').fill('31000');
      await form.locator('button[type=submit]').click();
      await form.waitFor({ state: 'detached', timeout: STEP_MS });
      const gls = (await api('GET', '/api/v1/carriers')).body.items.find((c) => c.code === 'GLS');
      assert.equal(gls.max_parcel_weight_g, 31000);
      await shot(page, '11-settings');

      await page.locator('nav a[href="/admin/emails"]').click();
      const row = page.locator('[data-testid=email-row]', { hasText: SHOPPER }).first();
      await row.waitFor({ timeout: STEP_MS });
      await shot(page, '12-emails');
      await row.locator('a').first().click();
      await page.locator('[data-testid=email-text]').waitFor({ timeout: STEP_MS });
      await shot(page, '13-email');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a logistics user sees the carriers in settings but not the fiscal data', async () => {
    const { context, page, errors } = await adminPage();
    try {
      await login(page, LOGISTICS);
      await page.locator('nav a[href="/admin/settings"]').click();
      await page.locator('[data-testid=carriers] tbody tr').first().waitFor({ timeout: STEP_MS });
      assert.equal(await page.locator('[data-testid=forbidden]').count(), 0);
      assert.equal(await page.locator('input[name=vat_number], input[name=company_name]').count(), 0);
      assert.equal(await page.locator('nav a[href="/admin/webhooks"]').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('an admin refunds part of a captured bank transfer and confirms it was paid back', async () => {
    const order = await api('POST', '/api/v1/orders', {
      customer: { email: `refund-${process.pid}@example.com`, name: 'Marco Rossi' },
      shipping_address: { name: 'Marco Rossi', line1: 'Via Roma 1', city: 'Torino', postal_code: '10121', country: 'IT' },
      lines: [{ sku: 'BF-11-2', qty: 1 }],
      payment_method: 'bank_transfer',
      shipping_minor: 590,
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const total = order.body.totals.total_minor;
    const amount = `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
    const csv = `date,amount,currency,description,reference\n2026-01-15,${amount},EUR,Bonifico ordine ${order.body.number},E2E-${process.pid}\n`;
    const imported = await fetch(`${base}/api/v1/payments/statements`, {
      method: 'POST', headers: { Authorization: `Bearer ${fondaco.token}`, 'Content-Type': 'text/csv' }, body: csv,
    });
    assert.equal(imported.status, 200, await imported.text());
    const payment = (await api('GET', `/api/v1/payments?order_id=${order.body.id}`)).body.items[0];
    assert.equal(payment.status, 'captured');

    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      await page.locator('nav a[href="/admin/payments"]').click();
      await page.locator(`a[href="/admin/payments/${payment.id}"]`).click();
      const form = page.locator('[data-testid=refund-form]');
      await form.waitFor({ timeout: STEP_MS });
      // "5.00" reads as five euros in both Italian and English.
      await form.locator('input[name=amount]').fill('5.00');
      await form.locator('input[name=reason]').fill('e2e: damaged box');
      await form.locator('button[type=submit]').click();
      const refund = page.locator('[data-testid=refund-row]');
      await refund.locator('.badge-pending_manual').waitFor({ timeout: STEP_MS });
      await refund.locator('button').click();
      await refund.locator('.badge-succeeded').waitFor({ timeout: STEP_MS });
      await shot(page, '14-payment-refund');
      // The order page lists the payment with what was refunded, linking to the refund page.
      await page.goto(`${base}/admin/orders/${order.body.id}`);
      await page.locator(`[data-testid=order-payments] a[href="/admin/payments/${payment.id}"]`).waitFor({ timeout: STEP_MS });
      const after = (await api('GET', `/api/v1/payments/${payment.id}`)).body;
      assert.equal(after.refunded_minor, 500);
      assert.equal(after.refunds[0].status, 'succeeded');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('an admin edits a product title and a variant price', async () => {
    const product = (await api('GET', '/api/v1/products?limit=1')).body.items[0];
    const variant = product.variants.find((v) => v.prices.length > 0);
    assert.ok(variant, 'a demo product with a price');
    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      await page.goto(`${base}/admin/products/${product.id}`);
      await page.locator('[data-testid=product-edit]').click();
      const form = page.locator('[data-testid=product-form]');
      await form.locator('input[name=title]').fill(`${product.title} (e2e)`);
      const list = variant.prices.some((x) => x.price_list === 'default') ? 'default' : variant.prices[0].price_list;
      const index = variant.prices.findIndex((x) => x.price_list === list);
      const price = form.locator('tbody tr', { hasText: variant.sku }).filter({ hasText: list }).first().locator('input');
      await price.fill('19.90');
      await shot(page, '15-product-edit');
      await form.locator('button[type=submit]').click();
      await page.locator('h1', { hasText: '(e2e)' }).waitFor({ timeout: STEP_MS });
      const after = (await api('GET', `/api/v1/products/${product.id}`)).body;
      assert.equal(after.title, `${product.title} (e2e)`);
      const prices = after.variants.find((v) => v.sku === variant.sku).prices;
      assert.equal(prices.find((x) => x.price_list === list && x.min_qty === variant.prices[index].min_qty).amount_minor, 1990);
      // The other prices of the variant are sent back unchanged (the API replaces the list).
      assert.equal(prices.length, variant.prices.length);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('returns: an admin opens a return from the order, authorizes it, records receipt and inspection', async () => {
    const order = await api('POST', '/api/v1/orders', {
      customer: { email: `return-${process.pid}@example.com`, name: 'Anna Verdi' },
      shipping_address: { name: 'Anna Verdi', line1: 'Via Po 2', city: 'Torino', postal_code: '10123', country: 'IT' },
      lines: [{ sku: 'BF-11-3', qty: 2 }],
      payment_method: 'bank_transfer',
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal((await api('POST', `/api/v1/orders/${order.body.id}/status`, { status: 'paid' })).status, 200);
    // The chain opens the shipment once the order is paid.
    let shipment;
    await until(async () => {
      shipment = (await api('GET', '/api/v1/shipments?limit=500')).body.items.find((x) => x.order_id === order.body.id);
      return shipment !== undefined;
    }, 'the shipment of the paid order');
    const shipped = await api('POST', `/api/v1/shipments/${shipment.id}/ship`, { force: true });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    // The order learns it was shipped from the chain (an event after the commit).
    await until(async () => (await api('GET', `/api/v1/orders/${order.body.id}`)).body.status === 'shipped', 'the order to be shipped');

    const { context, page, errors } = await adminPage();
    try {
      await login(page, ADMIN);
      // Customer care opens the RMA from the order page...
      await page.goto(`${base}/admin/orders/${order.body.id}`);
      const request = page.locator('[data-testid=return-request]');
      await request.locator('input[name="return-qty-BF-11-3"]').fill('1');
      await request.locator('select[name="return-reason-BF-11-3"]').selectOption('damaged');
      await request.locator('input[name="return-note-BF-11-3"]').fill('torn seam');
      await shot(page, '16-return-request');
      await request.locator('button[type=submit]').click();
      await page.locator('[data-testid=return-status]').waitFor({ timeout: STEP_MS });
      const rmaId = Number(new URL(page.url()).pathname.split('/').pop());
      // ...and the return is found again from the list.
      await page.locator('nav a[href="/admin/returns"]').click();
      await page.locator(`a[href="/admin/returns/${rmaId}"]`).click();
      const status = (s) => page.locator(`[data-testid=return-status][data-status=${s}]`).waitFor({ timeout: STEP_MS });
      await status('requested');
      await page.locator('button[data-action=authorize]').click();
      await status('authorized');
      await page.locator('[data-testid=receive-form] button[type=submit]').click();
      await status('received');
      const inspect = page.locator('[data-testid=inspect-form]');
      await inspect.locator('input[name="location-BF-11-3"]').fill('WH-BO-A01');
      await inspect.locator('button[type=submit]').click();
      await status('inspected');
      await shot(page, '17-return-inspected');
      const after = (await api('GET', `/api/v1/returns/${rmaId}`)).body;
      assert.deepEqual(after.inspected.map((x) => [x.sku, x.qty, x.disposition, x.location]), [['BF-11-3', 1, 'restock', 'WH-BO-A01']]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
