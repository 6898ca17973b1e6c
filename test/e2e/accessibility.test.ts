/**
 * Browser end-to-end: axe-core on every window of the browser client (sign-in, contact list,
 * conversation with earlier history, history, settings, protocol console), in the light and the
 * dark theme, kept at zero violations; and the narrow layout (320 px) showing one pane at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, axeViolations, contactRow, conversation, makeContacts, send, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;

const T = { timeout: 15_000 };
const THEMES = ['light', 'dark'] as const;

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

async function theme(p: Page, t: (typeof THEMES)[number]): Promise<void> {
  await p.emulateMedia({ colorScheme: t });
  await expect.poll(() => p.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document.documentElement.dataset.theme), T).toBe(t);
}

/** Zero violations in both themes; a screenshot of each. */
async function checkBothThemes(p: Page, name: string): Promise<void> {
  for (const t of THEMES) {
    await theme(p, t);
    await p.screenshot({ path: join(SCREENSHOTS, `a11y-${name}-${t}.png`) });
    expect(await axeViolations(p), `${name}, ${t} theme`).toEqual([]);
  }
  await theme(p, 'light');
}

async function openFromMenu(p: Page, label: string): Promise<void> {
  await p.getByRole('button', { name: 'Sort and view options' }).click();
  await p.getByRole('menuitem', { name: label }).click();
}

describe('accessibility of every window (axe-core, browser client, real server)', { timeout: 90_000 }, () => {
  it('sign-in', async () => {
    await alice.page.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await checkBothThemes(alice.page, 'sign-in');
  });

  it('contact list', async () => {
    await Promise.all([signIn(alice), signIn(bob)]);
    await Promise.all([signedIn(alice), signedIn(bob)]);
    await makeContacts(alice, bob, 'Bob', T);
    await checkBothThemes(alice.page, 'contact-list');
  });

  it('conversation, with earlier history above it', async () => {
    const p = alice.page;
    await contactRow(alice, bob.handle).dblclick();
    await conversation(p).waitFor(T);
    await send(p, 'An earlier hello :)');
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('An earlier hello');
    await send(bob.page, 'An earlier answer');
    await expect.poll(() => conversation(p).locator('.transcript').innerText(), T).toContain('An earlier answer');
    await p.getByRole('button', { name: /^Close conversation with Bob/ }).click();
    await contactRow(alice, bob.handle).dblclick();
    await expect.poll(() => conversation(p).locator('.transcript').innerText(), T).toContain('Earlier messages are above this line.');
    await send(p, 'And a new one');
    await send(bob.page, 'And a new answer');
    await expect.poll(() => conversation(p).locator('.transcript').innerText(), T).toContain('And a new answer');
    await checkBothThemes(p, 'conversation');
  });

  it('history', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'View history' }).click();
    const view = p.getByRole('region', { name: 'History' });
    await view.waitFor(T);
    await view.getByLabel('Search history').fill('earlier');
    await expect.poll(() => view.getByRole('list', { name: 'Search results' }).locator('.history-hit').count(), T).toBeGreaterThan(0);
    await checkBothThemes(p, 'history');
    await p.keyboard.press('Escape');
    await view.waitFor({ state: 'detached', ...T });
  });

  it('settings', async () => {
    const p = alice.page;
    await openFromMenu(p, 'Settings...');
    await p.getByRole('region', { name: 'Settings' }).waitFor(T);
    await checkBothThemes(p, 'settings');
    await p.keyboard.press('Escape');
  });

  it('protocol console', async () => {
    const p = alice.page;
    await openFromMenu(p, 'Protocol Console...');
    const view = p.getByRole('region', { name: 'Protocol console' });
    await expect.poll(() => view.getByRole('list', { name: 'Traffic' }).innerText(), T).toContain('USR');
    await checkBothThemes(p, 'console');
    await p.keyboard.press('Escape');
  });
});

describe('the narrow layout (320 px wide)', { timeout: 60_000 }, () => {
  it('shows one pane at a time: the list, then the conversation with a way back', async () => {
    const p = alice.page;
    await p.setViewportSize({ width: 320, height: 640 });
    // No conversation in front: the contact list fills the window.
    await p.getByRole('button', { name: /^Close conversation with Bob/ }).click();
    const list = p.getByRole('region', { name: 'Contact list' });
    await expect.poll(async () => (await list.boundingBox())?.width ?? 0, T).toBeGreaterThanOrEqual(300);
    expect(await p.getByRole('region', { name: 'Conversations' }).isVisible()).toBe(false);
    await p.screenshot({ path: join(SCREENSHOTS, 'narrow-list.png') });

    await contactRow(alice, bob.handle).dblclick();
    await conversation(p).waitFor(T);
    await expect.poll(() => list.isVisible(), T).toBe(false);
    const transcript = conversation(p).locator('.transcript');
    expect((await transcript.boundingBox())?.height ?? 0).toBeGreaterThan(300);
    const tabs = p.getByRole('tablist', { name: 'Open conversations' });
    const box = await tabs.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 320).toBe(true);
    // The name is shown whole, not cut to "B…" by the tools beside it.
    const name = conversation(p).locator('.participant-name').first();
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth && el.clientWidth > 0)).toBe(true);
    await p.screenshot({ path: join(SCREENSHOTS, 'narrow-conversation.png') });
    expect(await axeViolations(p)).toEqual([]);

    await p.getByRole('button', { name: 'Back to the contact list' }).click();
    await expect.poll(() => list.isVisible(), T).toBe(true);
    await p.setViewportSize({ width: 1100, height: 720 });
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(stack.problems).toEqual([]);
  });
});
