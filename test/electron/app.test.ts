/**
 * Desktop end-to-end: the real Electron app (built with `npm run build`'s configs) driven by
 * Playwright's _electron, against the real bundled server, with the other people in browser
 * clients through the web host. Runs where an Electron binary is installed (a developer's machine
 * after `npm install`); skips cleanly where it is not (CI sets ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { build } from 'vite';
import { contactRow, signIn, signedIn, startStack, type Stack, type User } from '../e2e/harness';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * The Electron binary, if this machine has one. Found the way the `electron` package finds it
 * (its path.txt and dist/ folder) without requiring the package: requiring it when the binary is
 * missing starts a download, which a test run must never do (CI has no network to GitHub).
 */
function electronBinary(): string | null {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const relative = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    const path = join(pkg, 'dist', relative);
    return relative && existsSync(path) ? path : null;
  } catch {
    return null; // no electron package, or it was installed without its binary
  }
}

const binary = electronBinary();
const T = { timeout: 15_000 };

async function buildApp(): Promise<void> {
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    await build({ configFile: join(root, 'vite.electron.config.ts'), mode: 'main', logLevel: 'warn' });
    await build({ configFile: join(root, 'vite.electron.config.ts'), mode: 'preload', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = env;
  }
}

describe.skipIf(!binary)('desktop app (Electron)', { timeout: 60_000 }, () => {
  let stack: Stack;
  let app: ElectronApplication;
  let list: Page;
  let bob: User;
  let carol: User;
  let profile: string;
  const alice = { handle: 'alice@example.com', password: 'alice-pw' };

  beforeAll(async () => {
    await buildApp();
    stack = await startStack();
    await stack.server.accounts.add(alice.handle, alice.password, 'Alice');
    bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
    carol = await stack.user('carol@example.com', 'carol-pw', 'Carol');
    profile = mkdtempSync(join(tmpdir(), 'monarch-electron-'));
    app = await _electron.launch({
      executablePath: binary!,
      args: [join(root, 'out', 'main', 'index.js')],
      env: { ...process.env, MONARCH_USER_DATA: profile, MONARCH_LOCAL_SERVER_PORTS: 'any' } as Record<string, string>,
    });
    list = await app.firstWindow();
  }, 180_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function signInAlice(password: string) {
    await list.getByLabel('Server').selectOption('custom');
    await list.getByLabel('Host').fill(stack.server.host);
    await list.getByLabel('Port').fill(String(stack.server.nsPort));
    await list.getByLabel('Nexus URL').fill(stack.server.nexusUrl);
    await list.getByLabel('E-mail address:').fill(alice.handle);
    await list.getByLabel('Password:').fill(password);
    await list.getByRole('button', { name: 'Sign In' }).click();
  }

  it('runs sandboxed with no Node in the page and window.monarch from the preload', async () => {
    expect(await list.evaluate('typeof require')).toBe('undefined');
    expect(await list.evaluate('typeof process')).toBe('undefined');
    expect(await list.evaluate('Object.keys(window.monarch).includes("signIn")')).toBe(true);
    expect(await list.evaluate('"invoke" in window.monarch || "send" in window.monarch')).toBe(false);
  });

  it('reports a wrong password, then signs in to the server given by host, port and Nexus URL', async () => {
    await signInAlice('wrong');
    await expect.poll(async () => (await list.getByRole('alert').textContent()) ?? '', T).toContain('The password is incorrect');
    await signInAlice(alice.password);
    await list.getByRole('region', { name: 'Contact list' }).waitFor(T);
  });

  it('accepts someone who added me and sees their presence', async () => {
    await Promise.all([signIn(bob), signIn(carol)]);
    await Promise.all([signedIn(bob), signedIn(carol)]);
    for (const u of [bob, carol]) {
      await u.page.getByRole('button', { name: 'Add a contact' }).first().click();
      const d = u.page.getByRole('dialog', { name: 'Add a Contact' });
      await d.getByLabel('E-mail address:').fill(alice.handle);
      await d.getByRole('button', { name: 'Add' }).click();
    }
    await list.locator('.added-you-banner').click(T);
    const dialog = list.getByRole('dialog', { name: 'People who added you' });
    for (const handle of [bob.handle, carol.handle]) {
      await dialog.locator('.request', { hasText: handle }).getByRole('button', { name: 'Allow and add' }).click();
    }
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => list.locator(`.contact-row[data-handle="${bob.handle}"]`).getAttribute('aria-label'), T).toMatch(/^Bob, Online/);
  });

  it('opens a conversation window, chats both ways with typing, and is shaken by a nudge', async () => {
    const opened = app.waitForEvent('window');
    await list.locator(`.contact-row[data-handle="${bob.handle}"]`).dblclick();
    const conv = await opened;
    expect(conv.url()).toContain('conversation.html?id=');
    const input = conv.getByLabel('Type your message');
    await input.fill('Hello from the desktop :)');
    await input.press('Enter');
    const bobConv = bob.page.locator('section.conversation');
    await expect.poll(() => bobConv.locator('.transcript').innerText(), T).toContain('Hello from the desktop');

    await bobConv.getByLabel('Type your message').pressSequentially('typing', { delay: 20 });
    await expect.poll(() => conv.locator('.typing-line').innerText(), T).toBe('Bob is typing a message...');
    await bobConv.getByLabel('Type your message').press('Enter');
    await expect.poll(() => conv.locator('.transcript').innerText(), T).toContain('Bob says:');

    await bobConv.getByRole('toolbar', { name: 'Conversation tools' }).getByRole('button', { name: 'Nudge' }).click();
    await expect.poll(() => conv.locator('.transcript').innerText(), T).toContain('Bob just sent you a nudge!');

    // A three-party chat from the desktop: invite Carol.
    await conv.getByRole('toolbar', { name: 'Conversation tools' }).getByRole('button', { name: 'Invite' }).click();
    const invite = conv.getByRole('dialog', { name: 'Invite someone to this conversation' });
    await invite.getByText('Carol', { exact: true }).click();
    await invite.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => bobConv.locator('.transcript').innerText(), T).toContain('Carol has joined the conversation.');
    await carol.page.locator('section.conversation').getByLabel('Type your message').fill('hi all');
    await carol.page.locator('section.conversation').getByLabel('Type your message').press('Enter');
    await expect.poll(() => conv.locator('.transcript').innerText(), T).toContain('hi all');
  });

  it('blocks a contact and signs out', async () => {
    await contactRow(carol, alice.handle).waitFor(T);
    await list.locator(`.contact-row[data-handle="${carol.handle}"]`).click({ button: 'right' });
    await list.getByRole('menuitem', { name: 'Block' }).click();
    await expect.poll(() => contactRow(carol, alice.handle).getAttribute('aria-label'), T).toMatch(/^Alice, Offline/);
    await list.getByRole('button', { name: /Change status/ }).click();
    await list.getByRole('menuitem', { name: 'Sign Out' }).click();
    await list.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await expect.poll(() => contactRow(bob, alice.handle).getAttribute('aria-label'), T).toMatch(/^Alice, Offline/);
  });
});
