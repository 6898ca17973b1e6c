/**
 * Browser end-to-end: the first run. The app's own backend (create-app-core) starts the bundled
 * server itself, provisions the demo account and starts the scripted demo contacts (real MSNP
 * clients), with the demo's delays shrunk for the test. A new user signs in with the prefilled demo
 * account and sees the contacts come online, get nudged, and gets an answer to a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppCore } from '../../electron/core/app-core';
import { createAppCore } from '../../electron/core/create-app-core';
import { demoPicture } from '../../electron/core/demo';
import { startWebHost, type WebHost } from '../../electron/web/host';
import { SCREENSHOTS, launchBrowser } from './harness';
import { rendererBuild } from './renderer-build';

const T = { timeout: 15_000 };

let dataDir: string;
let core: AppCore;
let host: WebHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  const staticDir = await rendererBuild();
  dataDir = mkdtempSync(join(tmpdir(), 'monarch-demo-e2e-'));
  core = createAppCore({ dataDir, localServerPorts: 'any', demo: { timingScale: 0.05 }, onWarning: () => undefined });
  host = await startWebHost({ backend: core, staticDir });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(host.url);
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await core?.dispose().catch(() => undefined);
  await host?.close().catch(() => undefined);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const row = (handle: string) => page.locator(`.contact-row[data-handle="${handle}"]`).first();

describe('first run with the demo (browser client, the app starts its own server)', () => {
  it('prefills the demo account for the local server', async () => {
    await page.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await expect.poll(() => page.getByLabel('E-mail address:').inputValue(), T).toBe('you@monarch.local');
    expect(await page.getByLabel('Password:').inputValue()).toBe('monarch');
    expect(await page.getByLabel('Server', { exact: true }).inputValue()).toBe('local');
    expect(await page.getByText('This is the demo account').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-sign-in.png') });
  });

  it('signs in and the demo contacts come online, with their groups and personal messages', async () => {
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('region', { name: 'Contact list' }).waitFor({ timeout: 30_000 });
    for (const [handle, name] of [
      ['ada@monarch.local', 'Ada Quill'],
      ['grace@monarch.local', 'Grace Holloway'],
      ['rosa@monarch.local', 'Rosa Mendel'],
    ] as const) {
      await expect.poll(() => row(handle).getAttribute('aria-label'), T).toMatch(new RegExp(`^${name}, (Online|Away|Busy|Be Right Back|On the Phone|Out to Lunch)`));
    }
    expect(await page.locator('.group-row', { hasText: 'Friends' }).count()).toBe(1);
    expect(await page.locator('.group-row', { hasText: 'Co-workers' }).count()).toBe(1);
  });

  it('the demo contacts have display pictures of our own artwork, fetched over P2P', async () => {
    for (const handle of ['ada@monarch.local', 'grace@monarch.local', 'linus@monarch.local', 'rosa@monarch.local']) {
      const art = demoPicture(handle) as Uint8Array;
      await expect.poll(() => row(handle).locator('.row-picture img').getAttribute('src').catch(() => null), T).toBe(`data:image/png;base64,${Buffer.from(art).toString('base64')}`);
    }
    await page.locator('.contact-list, [aria-label="Contact list"]').first().screenshot({ path: join(SCREENSHOTS, 'demo-contact-pictures.png') });
  });

  it('Grace says hello and nudges me; the nudge asks for attention with its sound', async () => {
    const grace = page.locator('section.conversation', { has: page.locator('.participant', { hasText: 'Grace' }) });
    await expect.poll(() => grace.locator('.transcript').innerText().catch(() => ''), T).toContain('Grace Holloway just sent you a nudge!');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document.documentElement.dataset.lastSound ?? ''), T).not.toBe('');
    // Our own sound files are served with the page (and are small).
    for (const name of ['sign-in', 'message', 'nudge']) {
      const r = await page.request.get(new URL(`sounds/${name}.wav`, page.url()).href);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toContain('audio/wav');
      const body = await r.body();
      expect(body.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(body.length).toBeLessThan(40_000);
    }
  });

  it('Ada answers a message', { timeout: 40_000 }, async () => {
    await row('ada@monarch.local').dblclick();
    // The new conversation comes in front (Ada joins it when the first message goes out).
    await expect.poll(() => page.getByRole('tab').count(), T).toBe(2);
    await expect.poll(() => page.getByRole('tab', { selected: true }).innerText(), T).not.toContain('Grace');
    const ada = page.locator('section.conversation');
    const input = ada.getByLabel('Type your message');
    await input.fill('Hi Ada, how are you?');
    await input.press('Enter');
    try {
      await expect.poll(() => ada.locator('.transcript').innerText(), T).toContain('Ada Quill says:');
    } finally {
      await page.screenshot({ path: join(SCREENSHOTS, 'demo-answer.png') });
    }
  });

  it('Ada pulls Linus into a three-party chat', async () => {
    const ada = page.locator('section.conversation');
    await expect.poll(() => ada.locator('.transcript').innerText(), T).toContain('Linus Kettle has joined the conversation.');
    await expect.poll(() => ada.locator('.participant').count(), T).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo.png') });
    expect(problems).toEqual([]);
  });
});
