/**
 * Browser end-to-end: the sign-in screen against the real bundled server, through the web host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('signs in, shows my name, and signs out from the status menu', async () => {
    const p = alice.page;
    await signIn(alice);
    await signedIn(alice);
    await expect.poll(() => p.locator('.self-name').textContent()).toContain('Alice');
    await p.getByRole('button', { name: /Change status/ }).click();
    await p.getByRole('menuitem', { name: 'Sign Out' }).click();
    await p.getByRole('form', { name: 'Sign in' }).waitFor();
  });
});
