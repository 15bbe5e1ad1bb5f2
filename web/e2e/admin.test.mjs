// Browser tests of the admin console: the real `fondaco` binary on a fresh SQLite database
// with the demo shop, driven through Debian's Chromium by playwright-core (never a browser
// download). Run by ctest (web_admin_e2e) with
//   FONDACO_BIN        the fondaco binary
//   FONDACO_WEB_DIR    the built console (<build>/web/admin/dist)
//   FONDACO_E2E_ARTIFACTS  where screenshots go
// Every wait is bounded (Playwright's timeouts, the start-up loop below).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';

const BIN = process.env.FONDACO_BIN;
const WEB_DIR = process.env.FONDACO_WEB_DIR;
const ARTIFACTS = process.env.FONDACO_E2E_ARTIFACTS ?? join(process.cwd(), 'e2e-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const STEP_MS = 15_000;

assert.ok(BIN, 'FONDACO_BIN must name the fondaco binary');
assert.ok(WEB_DIR, 'FONDACO_WEB_DIR must name the built console');
mkdirSync(ARTIFACTS, { recursive: true });

const ADMIN = { email: 'e2e-admin@fondaco.test', password: 'correct horse battery staple', role: 'admin' };
const LOGISTICS = { email: 'e2e-logistics@fondaco.test', password: 'pallets and parcels 42', role: 'logistics' };
const SHOPPER = `shopper-${process.pid}@example.com`;

let dir;
let server;
let base;
let adminToken;
let browser;

// Starts `fondaco serve --demo` on a free port; resolves with its URL and admin token once
// it has printed both (bounded by a timeout).
function startServer() {
  return new Promise((resolve, reject) => {
    const db = `sqlite:${join(dir, 'fondaco.db')}`;
    server = spawn(BIN, ['serve', '--demo', '--db', db, '--listen', '127.0.0.1:0', '--web-dir', WEB_DIR], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let url;
    let token;
    const timer = setTimeout(() => reject(new Error(`fondaco did not start:\n${out}`)), 60_000);
    const scan = (chunk) => {
      out += chunk.toString();
      url ??= out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      token ??= out.match(/Admin token:\s+(fdc_\S+)/)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token, db });
      }
    };
    server.stdout.on('data', scan);
    server.stderr.on('data', scan);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`fondaco exited (${code}):\n${out}`)); });
  });
}

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// Console users: through the CLI (`fondaco user create`), else through the API.
async function createUser(db, u) {
  const cli = spawnSync(BIN, ['user', 'create', '--db', db, '--email', u.email, '--role', u.role, '--password-stdin'], {
    input: `${u.password}\n`, timeout: 30_000,
  });
  if (cli.status === 0) return;
  const r = await api('POST', '/api/v1/users', { email: u.email, name: u.role, role: u.role, locale: 'en', password: u.password });
  assert.equal(r.status, 201, `creating ${u.email}: CLI said ${cli.stderr}; API said ${JSON.stringify(r.body)}`);
}

async function login(page, u) {
  await page.goto(`${base}/admin/`);
  await page.locator('input[name=email]').fill(u.email);
  await page.locator('input[name=password]').fill(u.password);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.topbar').waitFor({ timeout: STEP_MS });
}

async function logout(page) {
  await page.locator('button.logout').click();
  await page.locator('input[name=password]').waitFor({ timeout: STEP_MS });
}

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fondaco-e2e-'));
  const started = await startServer();
  base = started.url;
  adminToken = started.token;
  await createUser(started.db, ADMIN);
  await createUser(started.db, LOGISTICS);
  const order = await api('POST', '/api/v1/orders', {
    customer: { email: SHOPPER, name: 'Giulia Bianchi' },
    shipping_address: { name: 'Giulia Bianchi', line1: 'Via Zamboni 33', city: 'Bologna', postal_code: '40126', country: 'IT' },
    lines: [{ sku: 'BF-11-2', qty: 2 }],
    payment_method: 'bank_transfer',
    shipping_minor: 590,
  });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary user-data dir.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
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
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Refused requests are logged by Chromium as console errors: the 401 of the session
    // probe before login and the 403 of the CSRF check below are expected; script errors not.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
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
