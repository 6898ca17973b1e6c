/**
 * The browser end-to-end harness: the real bundled server on 127.0.0.1 (OS-chosen ports), and for
 * each user their own backend (app-core with the real MSN client) behind their own web host,
 * opened in a separate Chromium context, exactly as `npm run web` serves it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, silentLogger, type RunningServer } from '../../server/index';
import type { AppCore } from '../../electron/core/app-core';
import { createAppCore } from '../../electron/core/create-app-core';
import { useRunningServer } from '../../electron/core/local-server';
import type { WebAutomaticAwayOptions } from '../../electron/web/activity-idle';
import { startWebHost, type WebHost } from '../../electron/web/host';
import { rendererBuild } from './renderer-build';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface User {
  readonly handle: string;
  readonly password: string;
  readonly name: string;
  readonly page: Page;
  readonly context: BrowserContext;
  readonly core: AppCore;
  readonly host: WebHost;
}

export interface Stack {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Console errors and page errors seen in any page (CSP violations show up here). */
  readonly problems: string[];
  /** Creates the account on the server and opens the user's browser client (signed out). */
  user(handle: string, password: string, name: string, viewport?: { width: number; height: number }): Promise<User>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Automatic Away in every user's web host (as `npm run web` runs it), with test timings. */
  readonly automaticAway?: Omit<WebAutomaticAwayOptions, 'backend' | 'state'>;
  /** The newest dialect the server offers (default: the server's); the app offers up to MSNP15. */
  readonly maxDialect?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const staticDir = await rendererBuild();
  const server = await startServer({ host: '127.0.0.1', nsPort: 0, sbPort: 0, httpPort: 0, logger: silentLogger, ...(options.maxDialect !== undefined ? { maxDialect: options.maxDialect } : {}) });
  const browser = await launchBrowser();
  const users: User[] = [];
  const problems: string[] = [];
  const dataRoot = mkdtempSync(join(tmpdir(), 'monarch-e2e-'));
  mkdirSync(SCREENSHOTS, { recursive: true });

  return {
    server,
    browser,
    problems,
    async user(handle, password, name, viewport = { width: 1100, height: 720 }) {
      await server.accounts.add(handle, password, name);
      const dataDir = join(dataRoot, handle);
      // Received files go to the user's own temporary Downloads, never the real one.
      const core = createAppCore({ dataDir, localServer: useRunningServer(server), demo: false, onWarning: () => undefined, files: { downloadsDir: join(dataDir, 'Downloads') } });
      const automaticAway = options.automaticAway ? { ...options.automaticAway, state: () => core.snapshot().state } : undefined;
      const host = await startWebHost({ backend: core, staticDir, automaticAway, downloads: (token) => core.resolveDownload(token) });
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.on('pageerror', (e) => {
        problems.push(`[${handle}] page error: ${e.message}`);
        console.error(`[${handle}] page error:`, e.message);
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`[${handle}] console: ${m.text()}`);
      });
      await page.goto(host.url);
      const u: User = { handle, password, name, page, context, core, host };
      users.push(u);
      return u;
    },
    async close() {
      for (const u of users) {
        await u.context.close().catch(() => undefined);
        await u.core.dispose().catch(() => undefined);
        await u.host.close().catch(() => undefined);
      }
      await browser.close().catch(() => undefined);
      await server.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in screen with the local server profile. */
export async function signIn(u: User, options: { password?: string; status?: string } = {}): Promise<void> {
  const p = u.page;
  await p.getByLabel('E-mail address:').fill(u.handle);
  await p.getByLabel('Password:').fill(options.password ?? u.password);
  if (options.status) await p.getByLabel('Sign in as:').selectOption({ label: options.status });
  await p.getByRole('button', { name: 'Sign In' }).click();
}

export async function signedIn(u: User): Promise<void> {
  await u.page.getByRole('region', { name: 'Contact list' }).waitFor();
}

export function contactRow(u: User, handle: string) {
  return u.page.locator(`.contact-row[data-handle="${handle}"]`).first();
}

/**
 * Through the UI: `a` adds `b`, `b` allows and adds `a` back from the "added you" requests, and
 * `a` sees `b` online. Both must be signed in.
 */
export async function makeContacts(a: User, b: User, name: string, options: { timeout: number } = { timeout: 15_000 }): Promise<void> {
  await a.page.getByRole('button', { name: 'Add a contact' }).first().click();
  const dialog = a.page.getByRole('dialog', { name: 'Add a Contact' });
  await dialog.getByLabel('E-mail address:').fill(b.handle);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await b.page.locator('.added-you-banner').click(options);
  const requests = b.page.getByRole('dialog', { name: 'People who added you' });
  await requests.locator('.request', { hasText: a.handle }).getByRole('button', { name: 'Allow and add' }).click();
  await requests.getByRole('button', { name: 'Close', exact: true }).click();
  await contactRow(a, b.handle).and(a.page.locator(`[aria-label^="${name}, Online"]`)).waitFor(options);
}

/** A stack with Alice and Bob signed in in their own browser contexts, each on the other's list. */
export async function startAliceAndBob(options: { timeout: number; maxDialect?: number } = { timeout: 15_000 }): Promise<{ stack: Stack; alice: User; bob: User }> {
  const stack = await startStack(options.maxDialect !== undefined ? { maxDialect: options.maxDialect } : {});
  const alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  const bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  for (const u of [alice, bob]) {
    await signIn(u);
    await signedIn(u);
  }
  await makeContacts(alice, bob, 'Bob', options);
  return { stack, alice, bob };
}

/** The conversation shown in a page (the browser client shows one at a time). */
export function conversation(p: Page) {
  return p.locator('section.conversation');
}

/** Types `text` into the shown conversation and presses Enter. */
export async function send(p: Page, text: string): Promise<void> {
  const input = conversation(p).getByLabel('Type your message');
  await input.fill(text);
  await input.press('Enter');
}

/** One axe-core finding, short enough to read in a test failure. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
  readonly summary: string;
}

let axeSource: string | null = null;

/**
 * Runs axe-core (WCAG 2.1 A and AA rules, and best practices) on the page as it is now and returns
 * its violations. axe's source is evaluated in the page through the debugging protocol, which the
 * page's Content-Security-Policy does not govern (an injected <script> would be refused by it).
 */
export async function axeViolations(p: Page): Promise<AxeFinding[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await p.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await p.evaluate(axeSource);
  return p.evaluate(async () => {
    type Result = { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] };
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      summary: (v.nodes[0]?.failureSummary ?? '').split('\n').slice(0, 3).join(' '),
    }));
  });
}
