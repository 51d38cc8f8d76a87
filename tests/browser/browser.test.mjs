// wirewatch in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// `wirewatch demo` serves the bundled sample corpus; a reader opens the home page, the seed story,
// an entity, and searches, checking what a person would see. Screenshots go to
// target/browser-artifacts/. Run by .ci/run: `npm ci --prefix tests/browser && npm test --prefix
// tests/browser` (WIREWATCH_BIN names the binary; default target/debug/wirewatch).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.WIREWATCH_BIN ?? join(root, 'target/debug/wirewatch');
const artifacts = join(root, 'target/browser-artifacts');
mkdirSync(artifacts, { recursive: true });

let server;
let browser;
let base;
const consoleErrors = [];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitUp(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['demo', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  server.on('exit', (code) => {
    if (code) console.error(`wirewatch demo exited with ${code}:\n${log}`);
  });
  await waitUp(`${base}/api/stories`, 120_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

async function page(viewport = { width: 1280, height: 900 }) {
  const p = await browser.newPage({ viewport });
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${p.url()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

test('home -> the seed story -> an entity -> search', async () => {
  const p = await page();
  await p.goto(`${base}/`);
  assert.match(await p.title(), /wirewatch/i);
  await assert.doesNotReject(p.getByRole('main').waitFor());
  // The Russia–US story is listed with its outlet count.
  const storyLink = p.getByRole('link', { name: /expel/i }).first();
  await storyLink.waitFor();
  await p.screenshot({ path: join(artifacts, 'home.png'), fullPage: true });

  await storyLink.click();
  await p.waitForURL(/\/stories\//);
  const body = await p.locator('main').innerText();
  assert.match(body, /We will not expel anyone/, 'Putin’s words are on the story page');
  assert.match(body, /reversal/i, 'the reversal finding is shown');
  assert.match(body, /TASS/, 'the relay is shown');
  await p.screenshot({ path: join(artifacts, 'story.png'), fullPage: true });

  // A speaker's entity page.
  const entity = p.locator('main a[href^="/entities/"]', { hasText: /Putin/ }).first();
  await entity.waitFor();
  await entity.click();
  await p.waitForURL(/\/entities\/\d+/);
  assert.match(await p.getByRole('heading', { level: 1 }).innerText(), /Putin/);
  await p.screenshot({ path: join(artifacts, 'entity.png'), fullPage: true });

  // Search from the form, as a person would.
  await p.goto(`${base}/search`);
  const box = p.getByRole('searchbox').or(p.getByLabel(/search/i)).first();
  await box.fill('expel');
  await box.press('Enter');
  await p.waitForURL(/[?&]q=expel/);
  const hits = p.locator('main b, main mark');
  await hits.first().waitFor();
  assert.match((await hits.first().innerText()).toLowerCase(), /expel/);
  await p.screenshot({ path: join(artifacts, 'search.png'), fullPage: true });
  await p.close();
});

test('keyboard focus is visible and the first stop skips to the content', async () => {
  const p = await page();
  await p.goto(`${base}/`);
  await p.keyboard.press('Tab');
  const focused = await p.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName,
      text: el.textContent,
      href: el.getAttribute('href'),
      outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
      shadow: style.boxShadow !== 'none',
    };
  });
  assert.equal(focused.tag, 'A');
  assert.ok(focused.outline || focused.shadow, `focus ring on ${JSON.stringify(focused)}`);
  await p.screenshot({ path: join(artifacts, 'focus.png') });
  await p.close();
});

test('readable on a phone: no sideways scrolling on the story page', async () => {
  const p = await page({ width: 390, height: 844 });
  await p.goto(`${base}/`);
  await p.getByRole('link', { name: /expel/i }).first().click();
  await p.waitForURL(/\/stories\//);
  const overflow = await p.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await p.screenshot({ path: join(artifacts, 'story-phone.png'), fullPage: true });
  await p.close();
});

test('no script errors or CSP violations on any page visited', () => {
  assert.deepEqual(consoleErrors, []);
});
