/**
 * Browser end-to-end: chat history through the web host against the real bundled server. A
 * conversation is logged as it happens (SQLite, FTS5); a later conversation with the same person
 * shows it above the new one; the history view finds a word from it and jumps to the message;
 * export; turning logging off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SCREENSHOTS, contactRow, conversation, send, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;

const T = { timeout: 15_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob(T));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('history (browser client, real server)', () => {
  it('logs a conversation and shows it above the next one with the same person', async () => {
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await send(alice.page, 'Remember: the secret word is pineapple <b>42</b>');
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('pineapple');
    await send(bob.page, 'Noted, pineapple it is.');
    await expect.poll(() => conversation(alice.page).locator('.transcript').innerText(), T).toContain('Noted, pineapple');

    await alice.page.getByRole('button', { name: /^Close conversation with Bob/ }).click();
    await expect.poll(() => alice.page.locator('section.conversation').count(), T).toBe(0);

    // A new conversation with Bob opens with the earlier lines above it.
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await expect.poll(() => conversation(alice.page).locator('.transcript').innerText(), T).toContain('Earlier messages are above this line.');
    expect(await conversation(alice.page).locator('.transcript').innerText()).toContain('the secret word is pineapple');
    await send(alice.page, 'Something else entirely');
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('Something else entirely');
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'conversation-history.png') });
  });

  it('finds a word from an earlier conversation and jumps to the message', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'View history' }).click();
    const view = p.getByRole('region', { name: 'History' });
    await view.waitFor(T);
    await expect.poll(() => view.getByRole('list', { name: 'Conversations' }).innerText(), T).toContain('Bob');

    await view.getByLabel('Search history').fill('pineapple');
    const results = view.getByRole('list', { name: 'Search results' });
    await expect.poll(() => results.locator('.history-hit').count(), T).toBe(2);
    // The matched word is highlighted as text, and the message's markup stays text.
    expect(await results.locator('mark').allInnerTexts()).toEqual(expect.arrayContaining(['pineapple']));
    // Each hit names its conversation.
    expect(await results.locator('.history-hit').allInnerTexts()).toEqual([expect.stringContaining('in Bob'), expect.stringContaining('in Bob')]);
    expect(await results.locator('b').count()).toBe(0);

    await results.locator('.history-hit', { hasText: 'secret word' }).click();
    const current = view.locator('.history-entry.highlight');
    await expect.poll(() => current.innerText(), T).toContain('the secret word is pineapple <b>42</b>');
    expect(await current.innerText()).toContain('says:');
    // In context: Bob's answer and the later conversation are around it in the same log.
    const log = await view.getByRole('list', { name: 'Saved conversation' }).innerText();
    expect(log).toContain('Noted, pineapple it is.');
    expect(log).toContain('Something else entirely');
    expect(await current.isVisible()).toBe(true);
    await p.screenshot({ path: join(SCREENSHOTS, 'history.png') });
    // The desktop contact list window is narrow: the same view still fits.
    await p.setViewportSize({ width: 360, height: 640 });
    expect(await current.isVisible()).toBe(true);
    await p.screenshot({ path: join(SCREENSHOTS, 'history-narrow.png') });
    await p.setViewportSize({ width: 1100, height: 720 });
  });

  it('exports the conversation as text and HTML', async () => {
    const p = alice.page;
    const view = p.getByRole('region', { name: 'History' });
    const [text] = await Promise.all([p.waitForEvent('download'), view.getByRole('button', { name: 'Export as text' }).click()]);
    expect(text.suggestedFilename()).toMatch(/\.txt$/);
    const [html] = await Promise.all([p.waitForEvent('download'), view.getByRole('button', { name: 'Export as HTML' }).click()]);
    expect(html.suggestedFilename()).toMatch(/\.html?$/);
    const { readFileSync } = await import('node:fs');
    const htmlText = readFileSync((await html.path()) ?? '', 'utf8');
    expect(htmlText).toContain('pineapple &lt;b&gt;42&lt;/b&gt;');
    expect(readFileSync((await text.path()) ?? '', 'utf8')).toContain('the secret word is pineapple <b>42</b>');
  });

  it('writes nothing while logging is off, and deletes everything', async () => {
    const p = alice.page;
    await p.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Close' }).first().click();
    await p.getByRole('button', { name: 'Settings' }).click();
    const settings = p.getByRole('region', { name: 'Settings' });
    await settings.getByLabel('Save my conversations on this computer').click();
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.history.enabled, T).toBe(false);
    await settings.getByRole('button', { name: 'Close' }).first().click();

    await send(alice.page, 'This one is off the record: mango');
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('mango');
    const search = await alice.core.execute({ name: 'historySearch', input: { query: 'mango', limit: 10 } });
    expect(search).toEqual({ ok: true, value: [] });

    await p.getByRole('button', { name: 'View history' }).click();
    const view = p.getByRole('region', { name: 'History' });
    await expect.poll(() => view.innerText(), T).toContain('Logging is turned off');
    await view.getByRole('button', { name: 'Delete all history...' }).click();
    await view.getByRole('alertdialog', { name: 'Delete all history' }).getByRole('button', { name: 'Delete all' }).click();
    await expect.poll(() => view.innerText(), T).toContain('No saved conversations yet.');
    const after = await alice.core.execute({ name: 'historySearch', input: { query: 'pineapple', limit: 10 } });
    expect(after).toEqual({ ok: true, value: [] });
  });
});
