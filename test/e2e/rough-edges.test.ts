/**
 * Browser end-to-end, what new users (Alice, Bob and Carol, each in their own browser context on
 * the real bundled server) found wrong compared with MSN Messenger, each fixed:
 * - the contact list's "Sort Contacts by Group/Status" and "Show Offline Contacts" were forgotten
 *   on a reload or a restart: now kept by the backend per account (as MSN kept them per Passport);
 * Screenshots: test-results/screenshots/rough-*.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, contactRow, makeContacts, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 20_000 };
const shot = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOTS, `rough-${name}.png`) });

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  for (const u of [alice, bob]) {
    await signIn(u);
    await signedIn(u);
  }
  await makeContacts(alice, bob, 'Bob', T);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function viewMenu(u: User): Promise<void> {
  await u.page.getByRole('button', { name: 'Sort and view options' }).click();
  await u.page.getByRole('menu').waitFor(T);
}

async function signOut(u: User): Promise<void> {
  await u.page.getByRole('button', { name: /Change status/ }).click();
  await u.page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await u.page.getByRole('form', { name: 'Sign in' }).waitFor(T);
}

describe('rough edges a new user met (real server, browser clients)', { timeout: 150_000 }, () => {
  it('keeps "Sort Contacts by Status" and "Show Offline Contacts" off across a reload of the page', async () => {
    await signOut(bob);
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Offline/);
    await viewMenu(alice);
    await alice.page.getByRole('menuitem', { name: /Sort Contacts by Status$/ }).click();
    await alice.page.locator('.group-row', { hasText: 'Online' }).first().waitFor(T);
    await viewMenu(alice);
    await alice.page.getByRole('menuitem', { name: /Show Offline Contacts$/ }).click();
    await expect.poll(() => contactRow(alice, bob.handle).count(), T).toBe(0);
    await shot(alice.page, '01-view-chosen');

    await alice.page.reload();
    await signedIn(alice);
    await alice.page.locator('.group-row', { hasText: 'Online' }).first().waitFor(T);
    expect(await contactRow(alice, bob.handle).count()).toBe(0);
    await viewMenu(alice);
    await alice.page.getByRole('menuitem', { name: '● Sort Contacts by Status' }).waitFor(T);
    expect(await alice.page.getByRole('menuitem', { name: 'Show Offline Contacts', exact: true }).count()).toBe(1);
    await shot(alice.page, '02-view-after-reload');
    await alice.page.keyboard.press('Escape');
    await signIn(bob);
    await signedIn(bob);
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(stack.problems).toEqual([]);
  });
});
