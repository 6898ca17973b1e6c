/**
 * Browser end-to-end, web mode's credential (issue 15, item 24): cookies are not bound to a port,
 * so whatever the browser keeps as a cookie for 127.0.0.1 also goes to every other service on
 * 127.0.0.1 it visits. Another local service, and the page it serves, must get nothing that opens
 * the host's WebSocket or runs a command; the page opened from the printed link keeps working,
 * also after a reload and in a second tab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import WebSocket from 'ws';
import type { AppCore } from '../../electron/core/app-core';
import { createAppCore } from '../../electron/core/create-app-core';
import { startWebHost, type WebHost } from '../../electron/web/host';
import { SCREENSHOTS, launchBrowser } from './harness';
import { rendererBuild } from './renderer-build';

const T = { timeout: 15_000 };

let browser: Browser;
let context: BrowserContext;
let core: AppCore;
let host: WebHost;
let dataDir: string;
/** Every command the backend ran, by name. */
const ran: string[] = [];

/** The other local service: notes every Cookie header it is sent and serves a page that tries the host. */
let other: Server;
let otherOrigin: string;
const cookiesSeen: string[] = [];

function otherPage(hostPort: number): string {
  return `<!doctype html><title>Another local service</title><body></body><script>
    const report = (what) => {
      document.title = what;
      document.body.textContent = 'Another service on 127.0.0.1 tried the Monarch host: ' + what;
    };
    try {
      const ws = new WebSocket('ws://127.0.0.1:${hostPort}/ws');
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, command: 'signInDefaults', input: {} }));
      ws.onmessage = (m) => report('ran: ' + m.data);
      ws.onclose = () => { if (!document.title.startsWith('ran')) report('refused'); };
    } catch (e) {
      report('refused');
    }
    fetch('/beacon');
  </script>`;
}

beforeAll(async () => {
  const staticDir = await rendererBuild();
  dataDir = mkdtempSync(join(tmpdir(), 'monarch-web-origin-'));
  core = createAppCore({ dataDir, localServer: null, demo: false, onWarning: () => undefined });
  host = await startWebHost({
    backend: {
      execute: (command) => {
        ran.push(command.name);
        return core.execute(command);
      },
      subscribe: (l) => core.subscribe(l),
    },
    staticDir,
  });
  other = createServer((req, res) => {
    if (req.headers.cookie) cookiesSeen.push(req.headers.cookie);
    res.writeHead(200, { 'content-type': 'text/html' }).end(req.url === '/' ? otherPage(host.port) : '');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await browser.newContext();
}, 90_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.close();
  await core?.dispose();
  await new Promise<void>((r) => (other ? other.close(() => r()) : r()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the host's WebSocket from Node with any headers and URL an attacker likes; resolves with the first answer, or rejects. */
function tryCommand(url: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, command: 'signInDefaults', input: {} })));
    ws.once('message', (d) => {
      resolve(JSON.parse(d.toString()));
      ws.close();
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('web mode: the credential works only for the page opened from the link', () => {
  it('lets the page opened from the link run commands', async () => {
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByLabel('E-mail address:').waitFor(T);
    expect(ran).toContain('signInDefaults');
    // The secret does not stay in the address bar (nor in the history).
    expect(page.url()).not.toContain(host.token);
  });

  it('gives another service on 127.0.0.1, and its page, nothing that opens the WebSocket', async () => {
    const page = await context.newPage();
    const before = ran.length;
    await page.goto(otherOrigin);
    await expect.poll(() => page.title(), T).toMatch(/^(refused|ran)/);
    expect(await page.title()).toBe('refused');
    await page.screenshot({ path: join(SCREENSHOTS, 'web-origin-other-service.png') });
    await page.close();

    // Whatever the browser sent the other service, with the Origin and Host a script outside the
    // browser can forge, as a cookie or as a token in the address: refused.
    expect(cookiesSeen.length).toBeGreaterThan(0); // the browser did send 127.0.0.1's cookies there
    const stolen = cookiesSeen.flatMap((header) => header.split(';').map((c) => c.trim()).filter((c) => c !== ''));
    const attempts: Promise<unknown>[] = [];
    const wsUrl = `ws://127.0.0.1:${host.port}/ws`;
    const forged = { origin: host.origin, host: `127.0.0.1:${host.port}` };
    for (const cookie of stolen) {
      attempts.push(tryCommand(wsUrl, { ...forged, cookie }));
      const value = cookie.slice(cookie.indexOf('=') + 1);
      attempts.push(tryCommand(`${wsUrl}?token=${encodeURIComponent(value)}`, forged));
    }
    attempts.push(tryCommand(wsUrl, { ...forged, cookie: cookiesSeen.join('; ') }));
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toEqual([]);
    expect(ran.length).toBe(before);
  });

  it('keeps the legitimate page working after a reload and in a second tab', async () => {
    const [page] = context.pages();
    if (!page) throw new Error('the page opened from the link is gone');
    const before = ran.length;
    await page.reload();
    await page.getByLabel('E-mail address:').waitFor(T);
    await expect.poll(() => ran.slice(before), T).toContain('signInDefaults');

    const second = await context.newPage();
    const again = ran.length;
    await second.goto(`${host.origin}/`);
    await second.getByLabel('E-mail address:').waitFor(T);
    await expect.poll(() => ran.slice(again), T).toContain('signInDefaults');
    await second.screenshot({ path: join(SCREENSHOTS, 'web-origin-second-tab.png') });
  });
});
