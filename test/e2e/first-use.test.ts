/**
 * Browser end-to-end: what a new user found (issue 15), through the web host and the real server.
 * Focus from the first moment (the e-mail field, the contact list after sign-in, the composer of a
 * conversation just opened, the opener of a menu closed with Escape), the contact list as one Tab
 * stop, the person invited named before anyone joins, long text kept whole, tabs in the order
 * they were opened with unread marks, text typed in a tab kept while another is in front, the "time of every message" setting, the hint for
 * starting a conversation that works in a browser, and a chat that a third person joined kept as
 * one conversation in the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, contactRow, conversation, makeContacts, send, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
let carol: User;

const T = { timeout: 15_000 };

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  carol = await stack.user('carol@example.com', 'carol-pw', 'Carol');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

interface Focused {
  readonly tag: string;
  readonly label: string | null;
  readonly handle: string | null;
  readonly inside: string | null;
}

/** What has the keyboard focus: its tag, accessible label, contact handle and the region it sits in. */
function focused(p: Page): Promise<Focused> {
  return p.evaluate(() => {
    interface El {
      tagName: string;
      getAttribute(name: string): string | null;
      closest(selector: string): El | null;
    }
    const el = (globalThis as unknown as { document: { activeElement: El | null } }).document.activeElement;
    return {
      tag: el?.tagName.toLowerCase() ?? 'none',
      label: el?.getAttribute('aria-label') ?? el?.getAttribute('name') ?? null,
      handle: el?.getAttribute('data-handle') ?? null,
      inside: el?.closest('[aria-label]')?.getAttribute('aria-label') ?? null,
    };
  });
}

const tabNames = (p: Page) => p.getByRole('tablist', { name: 'Open conversations' }).getByRole('tab').allInnerTexts();

describe('a new user, keyboard first (browser clients, real server)', { timeout: 60_000 }, () => {
  it('starts with the focus in the e-mail field', async () => {
    await alice.page.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await expect.poll(() => focused(alice.page), T).toMatchObject({ tag: 'input', inside: 'Sign in' });
    expect(await alice.page.getByLabel('E-mail address:').evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
  });

  it('puts the focus in the contact list after sign-in, not on the page', async () => {
    await Promise.all([signIn(alice), signIn(bob), signIn(carol)]);
    await Promise.all([signedIn(alice), signedIn(bob), signedIn(carol)]);
    await makeContacts(alice, bob, 'Bob', T);
    await makeContacts(alice, carol, 'Carol', T);
    await alice.page.reload();
    await signedIn(alice);
    await contactRow(alice, carol.handle).waitFor(T);
    await expect.poll(() => focused(alice.page), T).not.toMatchObject({ tag: 'body' });
    expect((await focused(alice.page)).tag).not.toBe('body');
  });

  it('makes the contact list one Tab stop, with the arrow keys inside it', async () => {
    const p = alice.page;
    const tree = p.getByRole('tree', { name: 'Contacts' });
    await expect.poll(() => tree.locator('[tabindex="0"]').count(), T).toBe(1);
    await tree.locator('[tabindex="0"]').focus();
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowDown');
    expect((await focused(p)).handle).toBe(bob.handle);
    // The row the user moved to is the list's one stop now.
    expect(await tree.locator('[tabindex="0"]').getAttribute('data-handle')).toBe(bob.handle);
    await p.keyboard.press('Tab');
    expect((await focused(p)).inside).not.toBe('Contacts');
    await p.keyboard.press('Shift+Tab');
    expect((await focused(p)).handle).toBe(bob.handle);
  });

  it('gives the focus back to the opener when Escape closes a menu', async () => {
    const p = alice.page;
    const opener = p.getByRole('button', { name: /Change status/ });
    await opener.click();
    await p.getByRole('menu', { name: 'Status' }).waitFor(T);
    await p.keyboard.press('Escape');
    await p.getByRole('menu').waitFor({ state: 'detached', ...T });
    // The menu gives the focus back in the frame after it closes (Menu.tsx waits one frame in case
    // the choice moved it on purpose), so it may not be there at the moment the menu is gone.
    await expect.poll(async () => (await focused(p)).label ?? 'nothing focused', T).toMatch(/Change status/);
  });

  it('names the person invited from the first moment, and puts the focus in the composer', async () => {
    const p = alice.page;
    await contactRow(alice, bob.handle).focus();
    await p.keyboard.press('Enter');
    await conversation(p).waitFor(T);
    // Nobody has joined yet (nothing was sent): the conversation is still with Bob.
    await expect.poll(() => tabNames(p), T).toEqual([expect.stringContaining('Bob')]);
    expect(await conversation(p).locator('.participants-bar').innerText()).toContain('Bob');
    expect(await conversation(p).innerText()).not.toContain('Waiting for someone');
    expect(await p.getByRole('button', { name: 'Close conversation with Bob' }).count()).toBe(1);
    await expect.poll(() => focused(p), T).toMatchObject({ label: 'Type your message' });
    await p.screenshot({ path: join(SCREENSHOTS, 'first-use-opened.png') });
  });

  it('keeps every character of a long paste and sends all of it', async () => {
    const p = alice.page;
    const words = Array.from({ length: 2000 }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');
    const text = words.slice(0, 10_000).trimEnd();
    const input = conversation(p).getByLabel('Type your message');
    await input.fill(text);
    expect((await input.inputValue()).length).toBe(text.length);
    await input.press('Enter');
    const received = () => {
      const c = Object.values(bob.core.snapshot().state.conversations.conversations).find((x) => x.conversation.participants.some((q) => q.handle === alice.handle));
      return (c?.entries ?? []).map((e) => (e.kind === 'message' && e.message.direction === 'incoming' ? e.message.text : '')).join('');
    };
    await expect.poll(received, T).toBe(text);
    expect(await input.inputValue()).toBe('');
  });

  it('keeps the tabs in the order they were opened and marks the unread one', async () => {
    const p = alice.page;
    await contactRow(alice, carol.handle).dblclick();
    await expect.poll(() => tabNames(p), T).toEqual([expect.stringContaining('Bob'), expect.stringContaining('Carol')]);
    await expect.poll(() => focused(p), T).toMatchObject({ label: 'Type your message' });
    expect(await conversation(p).getAttribute('aria-label')).toBe('Conversation with Carol');
    await send(bob.page, 'A message for the tab behind');
    const bobTab = p.getByRole('tab', { name: /Bob/ });
    await expect.poll(() => bobTab.getAttribute('aria-label').then((l) => l ?? bobTab.innerText()), T).toMatch(/unread/i);
    expect(await tabNames(p)).toEqual([expect.stringContaining('Bob'), expect.stringContaining('Carol')]);
    await p.screenshot({ path: join(SCREENSHOTS, 'first-use-unread-tab.png') });
    await bobTab.click();
    await expect.poll(() => bobTab.getAttribute('aria-label').then((l) => l ?? bobTab.innerText()), T).not.toMatch(/unread/i);
    expect(await tabNames(p)).toEqual([expect.stringContaining('Bob'), expect.stringContaining('Carol')]);
  });

  it('keeps what was typed in a tab while another tab is in front', async () => {
    const p = alice.page;
    const input = () => conversation(p).getByLabel('Type your message');
    await p.getByRole('tab', { name: /Bob/ }).click();
    await input().fill('half a thought for Bob');
    await p.getByRole('tab', { name: /Carol/ }).click();
    await expect.poll(() => conversation(p).getAttribute('aria-label'), T).toBe('Conversation with Carol');
    expect(await input().inputValue()).toBe('');
    await input().fill('and one for Carol');
    await p.getByRole('tab', { name: /Bob/ }).click();
    await expect.poll(() => conversation(p).getAttribute('aria-label'), T).toBe('Conversation with Bob');
    expect(await input().inputValue()).toBe('half a thought for Bob');
    await input().fill('');
    await p.getByRole('tab', { name: /Carol/ }).click();
    await expect.poll(() => input().inputValue(), T).toBe('and one for Carol');
    await input().fill('');
    await p.getByRole('tab', { name: /Bob/ }).click();
    await expect.poll(() => conversation(p).getAttribute('aria-label'), T).toBe('Conversation with Bob');
  });

  it('shows the time of every message when the setting says so', async () => {
    const p = alice.page;
    // Two messages in a row from one sender share one "says:" line.
    await send(p, 'first of two');
    await send(p, 'second of two');
    const last = conversation(p).locator('.message').last();
    await expect.poll(() => last.innerText(), T).toContain('second of two');
    expect(await last.locator('time').count()).toBe(0);

    await p.getByRole('button', { name: 'Sort and view options' }).click();
    await p.getByRole('menuitem', { name: 'Settings...' }).click();
    const view = p.getByRole('region', { name: 'Settings' });
    await view.getByLabel('Show the time of every message').check();
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.appearance.showTimestamps, T).toBe(true);
    await view.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => last.locator('time').count(), T).toBe(1);
    await p.screenshot({ path: join(SCREENSHOTS, 'first-use-timestamps.png') });

    await p.getByRole('button', { name: 'Sort and view options' }).click();
    await p.getByRole('menuitem', { name: 'Settings...' }).click();
    await view.getByLabel('Show the time of every message').uncheck();
    await view.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => last.locator('time').count(), T).toBe(0);
  });

  it('hints at a way to start a conversation that works in a browser', async () => {
    const p = carol.page;
    const empty = p.getByRole('region', { name: 'Conversations' });
    await empty.waitFor(T);
    // Bob's message went to Alice only; Carol has no conversation.
    expect(await empty.innerText()).not.toContain('Ctrl+N');
    await empty.getByRole('button', { name: /Start a conversation/ }).click();
    await p.getByRole('dialog', { name: 'Send an Instant Message' }).waitFor(T);
    await p.keyboard.press('Escape');
  });

  it('keeps a chat that a third person joined as one conversation in the history', async () => {
    const p = alice.page;
    await p.getByRole('tab', { name: /Bob/ }).click();
    const tools = conversation(p).getByRole('toolbar', { name: 'Conversation tools' });
    await tools.getByRole('button', { name: 'Invite' }).click();
    const dialog = p.getByRole('dialog', { name: 'Invite someone to this conversation' });
    await dialog.getByText('Carol', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => conversation(p).locator('.participant').count(), T).toBe(2);
    await send(p, 'Welcome to the chat, Carol');
    await expect.poll(() => conversation(carol.page).locator('.transcript').innerText(), T).toContain('Welcome to the chat');

    await p.getByRole('button', { name: 'View history' }).click();
    const view = p.getByRole('region', { name: 'History' });
    const list = view.getByRole('list', { name: 'Conversations' });
    await expect.poll(() => list.locator('li').allInnerTexts(), T).toEqual([expect.stringContaining('Bob, Carol')]);
    await view.getByLabel('Search history').fill('w0001');
    const hits = view.getByRole('list', { name: 'Search results' });
    await expect.poll(() => hits.locator('.history-hit').allInnerTexts(), T).toEqual([expect.stringContaining('in Bob, Carol')]);
    await p.screenshot({ path: join(SCREENSHOTS, 'first-use-history.png') });
    await p.keyboard.press('Escape');
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(stack.problems).toEqual([]);
  });
});
