// What the browser tests share: the real `fondaco serve --demo` on a fresh SQLite database
// and a free port, the admin API with the token it prints, console users, Debian's
// Chromium through playwright-core, and screenshots. Environment (set by ctest):
//   FONDACO_BIN            the fondaco binary
//   FONDACO_WEB_DIR        the built console (<build>/web/admin/dist)
//   FONDACO_E2E_ARTIFACTS  where screenshots go
// Every wait is bounded (Playwright's timeouts and the start-up timer below).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BIN = process.env.FONDACO_BIN;
export const WEB_DIR = process.env.FONDACO_WEB_DIR;
export const ARTIFACTS = process.env.FONDACO_E2E_ARTIFACTS ?? join(process.cwd(), 'e2e-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const STEP_MS = 15_000;

assert.ok(BIN, 'FONDACO_BIN must name the fondaco binary');
assert.ok(WEB_DIR, 'FONDACO_WEB_DIR must name the built console');
mkdirSync(ARTIFACTS, { recursive: true });

// A running server: { url, token, db, api(method, path, body), stop() }.
export async function startFondaco() {
  const dir = mkdtempSync(join(tmpdir(), 'fondaco-e2e-'));
  const db = `sqlite:${join(dir, 'fondaco.db')}`;
  const child = spawn(BIN, ['serve', '--demo', '--db', db, '--listen', '127.0.0.1:0', '--web-dir', WEB_DIR], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { url, token } = await new Promise((resolve, reject) => {
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
        resolve({ url, token });
      }
    };
    child.stdout.on('data', scan);
    child.stderr.on('data', scan);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`fondaco exited (${code}):\n${out}`)); });
  });
  // Keep draining the pipes so the server never blocks on a full one.
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  child.removeAllListeners('exit');

  const api = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  // Console users: through the CLI (`fondaco user create`), else through the API.
  const createUser = async (u) => {
    const cli = spawnSync(BIN, ['user', 'create', '--db', db, '--email', u.email, '--role', u.role, '--password-stdin'], {
      input: `${u.password}\n`, timeout: 30_000,
    });
    if (cli.status === 0) return;
    const r = await api('POST', '/api/v1/users', { email: u.email, name: u.role, role: u.role, locale: 'en', password: u.password });
    assert.equal(r.status, 201, `creating ${u.email}: CLI said ${cli.stderr}; API said ${JSON.stringify(r.body)}`);
  };

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, token, db, api, createUser, stop };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary user-data dir.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// Console login and logout through the login form and the top bar.
export async function login(page, base, u) {
  await page.goto(`${base}/admin/`);
  await page.locator('input[name=email]').fill(u.email);
  await page.locator('input[name=password]').fill(u.password);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.topbar').waitFor({ timeout: STEP_MS });
}

export async function logout(page) {
  await page.locator('button.logout').click();
  await page.locator('input[name=password]').waitFor({ timeout: STEP_MS });
}

export const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

// Collects script errors of a page (refused requests are logged by Chromium as
// "Failed to load resource" console errors; those are expected in some steps).
export function scriptErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return errors;
}
