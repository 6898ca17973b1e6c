/**
 * Browser end-to-end: the sign-in screen against the real bundled server, through the web host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { SCREENSHOTS, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'wonderland', 'Alice', { width: 360, height: 640 });
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('sign-in (browser client, real server)', () => {
  it('shows the sign-in screen', async () => {
    const p = alice.page;
    await expect.poll(() => p.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => p.getByLabel('Server').inputValue()).toBe('local');
    await p.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
  });

  it('says so in plain words when the password is wrong, and keeps the form', async () => {
    await signIn(alice, { password: 'not-the-password' });
    const alert = alice.page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('The password is incorrect');
    expect(await alice.page.getByLabel('E-mail address:').inputValue()).toBe('alice@example.com');
  });

  it('takes the error away once the form is edited (it no longer describes what the form says)', async () => {
    const p = alice.page;
    // Emptied, the field gets the browser's own "fill out this field" bubble on Sign In: the old
    // error must not stay under it.
    await p.getByLabel('Password:').fill('');
    await expect.poll(() => p.getByRole('alert').count(), { timeout: 15_000 }).toBe(0);
    await p.getByRole('button', { name: 'Sign In' }).click();
    expect(await p.getByRole('alert').count()).toBe(0);
  });

  it('says which server could not be reached', async () => {
    const p = alice.page;
    await p.getByLabel('Server').selectOption('custom');
    await p.getByLabel('Host').fill('127.0.0.1');
    // A port nothing listens on: the server's own NS port plus an unlikely offset is not reliable,
    // so use port 1 (privileged, never bound by tests).
    await p.getByLabel('Port').fill('1');
    await p.getByLabel('Password:').fill(alice.password);
    await p.getByRole('button', { name: 'Sign In' }).click();
    const alert = p.getByRole('alert');
    await expect.poll(async () => (await alert.textContent()) ?? '', { timeout: 15_000 }).toContain('Could not reach the server at 127.0.0.1:1');
    await p.getByLabel('Server').selectOption('local');
  });

  it('can be cancelled while signing in', async () => {
    // A server that accepts the connection and never answers: the sign-in waits.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const p = alice.page;
      await p.getByLabel('Server').selectOption('custom');
      await p.getByLabel('Host').fill('127.0.0.1');
      await p.getByLabel('Port').fill(String(port));
      await p.getByLabel('Password:').fill(alice.password);
      await p.getByRole('button', { name: 'Sign In' }).click();
      await p.getByRole('progressbar', { name: 'Signing in' }).waitFor();
      await p.getByRole('button', { name: 'Cancel' }).click();
      await p.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
      expect(await p.getByRole('alert').textContent()).toContain('Sign-in cancelled.');
      await p.getByLabel('Server').selectOption('local');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('signs in, shows my name, and signs out from the status menu', async () => {
    const p = alice.page;
    await signIn(alice);
    await signedIn(alice);
    await expect.poll(() => p.locator('.self-name').textContent()).toContain('Alice');
    await p.getByRole('button', { name: /Change status/ }).click();
    await p.getByRole('menuitem', { name: 'Sign Out' }).click();
    await p.getByRole('form', { name: 'Sign in' }).waitFor();
  });

  it('remembers me (not my password) for the next visit', async () => {
    const p = alice.page;
    await p.getByLabel('E-mail address:').fill(alice.handle);
    await p.getByLabel('Password:').fill(alice.password);
    await p.getByLabel('Sign in as:').selectOption({ label: 'Busy' });
    await p.getByLabel('Remember me').check();
    // The browser client has no keychain: it does not offer to keep the password.
    expect(await p.getByLabel('Remember my password').count()).toBe(0);
    await p.getByRole('button', { name: 'Sign In' }).click();
    await signedIn(alice);
    await p.getByRole('button', { name: /Change status/ }).click();
    await p.getByRole('menuitem', { name: 'Sign Out' }).click();
    await p.reload();
    await p.getByRole('form', { name: 'Sign in' }).waitFor();
    await expect.poll(() => p.getByLabel('E-mail address:').inputValue()).toBe(alice.handle);
    expect(await p.getByLabel('Sign in as:').inputValue()).toBe('busy');
    expect(await p.getByLabel('Password:').inputValue()).toBe('');
  });
});

describe('a new account on the local server (browser client, real server)', () => {
  it('is created only when asked: a new address alone is "no account"', async () => {
    const p = alice.page;
    await p.getByRole('form', { name: 'Sign in' }).waitFor();
    await p.getByLabel('Server', { exact: true }).selectOption('local');
    await p.getByLabel('E-mail address:').fill('newcomer@example.com');
    await p.getByLabel('Password:').fill('fresh-pw');
    await p.getByRole('button', { name: 'Sign In' }).click();
    const alert = p.getByRole('alert');
    await expect.poll(async () => (await alert.textContent()) ?? '', { timeout: 15_000 }).toContain('or there is no account for newcomer@example.com on the local server yet');
    expect((await stack.server.accounts.list()).some((a) => a.handle === 'newcomer@example.com')).toBe(false);

    await p.getByLabel('Password:').fill('fresh-pw');
    await p.getByLabel('Create a new account with this address and password').check();
    await p.getByRole('button', { name: 'Sign In' }).click();
    await signedIn({ ...alice, handle: 'newcomer@example.com' });
    expect((await stack.server.accounts.list()).some((a) => a.handle === 'newcomer@example.com')).toBe(true);
  });
});
