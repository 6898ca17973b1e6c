/**
 * Browser end-to-end: reading further back in a conversation's history, through the web host
 * against the real bundled server. A first conversation of 90 lines is logged and closed; a new
 * conversation with the same person shows the newest 20 above it, and the top of the transcript
 * loads older pages (its button, or scrolling to the top) without moving the line being read,
 * until the start of the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, contactRow, conversation, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;

const T = { timeout: 15_000 };
const OLD_LINES = 90;
const BOB_EVERY = 10;
const lineText = (n: number) => `Old line ${String(n).padStart(2, '0')}`;
const DIVIDER = 'Earlier messages are above this line.';

interface Row {
  index: number;
  text: string;
  /** px from the transcript's top edge */
  top: number;
  bottom: number;
}
interface View {
  scrollTop: number;
  height: number;
  rows: Row[];
}

/** The transcript's rendered rows (it is virtualised: only those near the view are in the page). */
const READ_VIEW = `(() => {
  const t = document.querySelector('section.conversation .transcript');
  const box = t.getBoundingClientRect();
  const rows = [...t.querySelectorAll('.entry-slot')].map((slot) => {
    const r = slot.getBoundingClientRect();
    const body = slot.querySelector('.message-body');
    return { index: Number(slot.dataset.index), text: (body ?? slot).textContent.trim(), top: r.top - box.top, bottom: r.bottom - box.top };
  });
  rows.sort((a, b) => a.index - b.index);
  return { scrollTop: t.scrollTop, height: t.clientHeight, rows };
})()`;

function readView(p: Page): Promise<View> {
  return p.evaluate<View>(READ_VIEW);
}

/** Scrolls the transcript to `scrollTop` and reads the rows it shows once they are drawn. */
async function scrollTo(p: Page, scrollTop: number): Promise<View> {
  await p.evaluate(`document.querySelector('section.conversation .transcript').scrollTop = ${scrollTop}`);
  await p.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return readView(p);
}

const visible = (v: View) => v.rows.filter((r) => r.bottom > 8 && r.top < v.height - 8);

/** The history lines loaded above the divider: the divider's index is how many there are. */
async function loadedCount(p: Page): Promise<number> {
  const divider = (await readView(p)).rows.find((r) => r.text === DIVIDER);
  return divider?.index ?? -1;
}

/** Every row of the transcript, top to bottom, read by scrolling through it. */
async function allRows(p: Page): Promise<string[]> {
  const seen = new Map<number, string>();
  let v = await scrollTo(p, 0);
  for (let guard = 0; guard < 200; guard++) {
    for (const r of v.rows) seen.set(r.index, r.text);
    const at = v.scrollTop;
    v = await scrollTo(p, at + Math.floor(v.height / 2));
    if (v.scrollTop === at) break;
  }
  for (const r of v.rows) seen.set(r.index, r.text);
  const indexes = [...seen.keys()].sort((a, b) => a - b);
  expect(indexes).toEqual(indexes.map((_, i) => i)); // no row missed while scrolling
  return indexes.map((i) => seen.get(i) ?? '');
}

/** Sends through the user's real backend and waits until the other side has the line. */
async function say(from: User, to: User, conversationId: string, text: string): Promise<void> {
  const r = await from.core.execute({ name: 'sendMessage', input: { conversationId, text, format: null } });
  expect(r.ok).toBe(true);
  await expect
    .poll(() => Object.values(to.core.snapshot().state.conversations.conversations).some((c) => c.entries.some((e) => e.kind === 'message' && e.message.text === text)), T)
    .toBe(true);
}

/** The user's conversation that holds `text` (the open one if no text is given). */
function conversationId(u: User, text?: string): string {
  const all = Object.entries(u.core.snapshot().state.conversations.conversations);
  const found = all.find(([, c]) => (text === undefined ? c.open : c.entries.some((e) => e.kind === 'message' && e.message.text === text)));
  expect(found, `${u.handle} has the conversation`).toBeDefined();
  return found?.[0] ?? '';
}

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob(T));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('older history in a conversation (browser client, real server)', () => {
  it('logs a first conversation of 90 lines with Bob', async () => {
    // The first conversation: 90 lines, every tenth from Bob. Sent through each user's backend
    // (the composer is not under test here); each waits for delivery so the log's order is the
    // order written.
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    const aliceConv = conversationId(alice);
    let bobConv = '';
    for (let n = 1; n <= OLD_LINES; n++) {
      if (n % BOB_EVERY === 0) {
        bobConv ||= conversationId(bob, lineText(1));
        await say(bob, alice, bobConv, lineText(n));
      } else {
        await say(alice, bob, aliceConv, lineText(n));
      }
    }
    await alice.page.getByRole('button', { name: /^Close conversation with Bob/ }).click();
    await expect.poll(() => alice.page.locator('section.conversation').count(), T).toBe(0);
    const logs = await alice.core.execute({ name: 'historyList', input: { limit: 10, offset: 0 } });
    expect(logs).toMatchObject({ ok: true, value: [{ entryCount: OLD_LINES }] });
  }, 120_000);

  it('opens a new conversation with only the newest 20 earlier lines and offers more', async () => {
    const p = alice.page;
    await contactRow(alice, bob.handle).dblclick();
    await conversation(p).waitFor(T);
    await expect.poll(() => loadedCount(p), T).toBe(20);
    await say(alice, bob, conversationId(alice), 'Back again');
    await expect.poll(async () => (await readView(p)).rows.at(-1)?.text, T).toBe('Back again');

    const v = await readView(p);
    const byIndex = new Map(v.rows.map((r) => [r.index, r.text]));
    expect(byIndex.get(19)).toBe(lineText(90));
    expect(v.rows.some((r) => r.text === lineText(70))).toBe(false);
    const button = conversation(p).getByRole('button', { name: 'Show earlier messages' });
    expect(await button.count()).toBe(1);
    // Still only the newest page: nothing loaded on its own.
    expect(await loadedCount(p)).toBe(20);
  });

  it('loads the previous 50 lines from the keyboard while the view stays where it was', async () => {
    const p = alice.page;
    const before = await readView(p);
    const anchor = visible(before)[0];
    expect(anchor).toBeDefined();

    // A keyboard user on the button (focused without scrolling the reader away from the newest line).
    expect(await conversation(p).getByRole('button', { name: 'Show earlier messages' }).count()).toBe(1);
    await p.evaluate(`document.querySelector('section.conversation .earlier-load').focus({ preventScroll: true })`);
    await p.keyboard.press('Enter');
    await expect.poll(() => loadedCount(p), T).toBe(70);

    const after = await readView(p);
    const same = after.rows.find((r) => r.text === anchor!.text);
    expect(same, `${anchor!.text} is still drawn`).toBeDefined();
    expect(Math.abs(same!.top - anchor!.top)).toBeLessThanOrEqual(2);
    // The newest line is still in view at the bottom.
    const newest = after.rows.find((r) => r.text === 'Back again');
    expect(newest && newest.bottom <= after.height + 1 && newest.top >= 0).toBe(true);
    // Focus stayed on the button for the next page.
    expect(await p.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Show earlier messages');
  });

  it('loads the rest when the reader scrolls to the top, keeping the line they were on in place, down to the start', async () => {
    const p = alice.page;
    // Just below the top row, then to the very top: the line at the top of the view is the
    // oldest loaded one (line 21).
    await scrollTo(p, 60);
    const atTop = await p.evaluate<{ text: string; top: number } | null>(`(() => {
      const t = document.querySelector('section.conversation .transcript');
      t.scrollTop = 0;
      // Read at once: the next page cannot have arrived in this task.
      const box = t.getBoundingClientRect();
      const first = t.querySelector('.entry-slot[data-index="0"]');
      if (!first) return null;
      return { text: first.querySelector('.message-body').textContent.trim(), top: first.getBoundingClientRect().top - box.top };
    })()`);
    expect(atTop?.text).toBe(lineText(21));
    await expect.poll(() => conversation(p).locator('.earlier-start').count(), T).toBe(1);

    const after = await readView(p);
    const same = after.rows.find((r) => r.text === lineText(21));
    expect(same, 'line 21 is still drawn').toBeDefined();
    expect(Math.abs(same!.top - atTop!.top)).toBeLessThanOrEqual(2);
    expect(visible(after).some((r) => r.text === lineText(21))).toBe(true);

    // At the start: no button any more, a quiet line says so, and focus went back to the transcript.
    expect(await conversation(p).getByRole('button', { name: 'Show earlier messages' }).count()).toBe(0);
    expect(await conversation(p).locator('.earlier-start').innerText()).toBe('Start of your history with Bob');
    expect(await p.evaluate('document.activeElement && document.activeElement.getAttribute("role")')).toBe('log');

    await scrollTo(p, 0);
    await p.screenshot({ path: join(SCREENSHOTS, 'conversation-older-history.png') });

    // Every earlier line once, in order, then the divider and the new conversation.
    const rows = await allRows(p);
    expect(rows.slice(0, OLD_LINES)).toEqual(Array.from({ length: OLD_LINES }, (_, i) => lineText(i + 1)));
    expect(rows.slice(OLD_LINES)).toEqual([DIVIDER, 'Back again']);
  });

  it('still follows new lines at the bottom after loading history', async () => {
    const p = alice.page;
    const last = await readView(p);
    expect(last.rows.at(-1)?.text).toBe('Back again'); // allRows left the view at the bottom
    await say(bob, alice, conversationId(bob, 'Back again'), 'Still there?');
    await expect
      .poll(async () => {
        const v = await readView(p);
        return visible(v).some((r) => r.text === 'Still there?');
      }, T)
      .toBe(true);
  });

  it('shows a failed page as an error with Try again, not silently', async () => {
    const p = alice.page;
    // A new conversation: the newest lines again, with more before them.
    await p.getByRole('button', { name: /^Close conversation with Bob/ }).click();
    await expect.poll(() => p.locator('section.conversation').count(), T).toBe(0);
    await contactRow(alice, bob.handle).dblclick();
    const button = conversation(p).getByRole('button', { name: 'Show earlier messages' });
    await button.waitFor({ state: 'attached', ...T });

    // The history is deleted meanwhile (as from the History view): the next page cannot be read.
    expect(await alice.core.execute({ name: 'historyDeleteAll', input: {} })).toEqual({ ok: true, value: null });
    // A click on the button where it is (above the view): scrolling it into view would load by itself.
    await p.evaluate(`document.querySelector('section.conversation .earlier-load').click()`);
    const alert = conversation(p).locator('.earlier-top [role="alert"]');
    await expect.poll(() => alert.count(), T).toBe(1);
    expect(await alert.innerText()).toBe('Could not load earlier messages: The saved conversation is no longer there.');
    expect(await conversation(p).locator('.earlier-top').getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(await button.count()).toBe(0);
    // The lines already shown stay.
    expect((await readView(p)).rows.some((r) => r.text === 'Still there?')).toBe(true);
  });
});
