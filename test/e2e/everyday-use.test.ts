/**
 * Browser end-to-end, what three new users (Alice, Bob, Carol, each in their own browser context
 * on the real bundled server) met in everyday use that was wrong, each fixed:
 * - an offline contact was in no group at all ("Other Contacts (0/1)" over nothing, the contact
 *   in an Offline group below): now in their group by group, in Offline by status;
 * - in a one-to-one chat, the other person closing their window wrote "Bob has left the
 *   conversation." (MSN writes nothing; the next message simply reaches them again); a group
 *   chat keeps the line;
 * - everyone without a picture shows the same default picture, so the conversation's picture
 *   column could not tell who was who: each picture of a contact now has their name;
 * - a custom emoticon was text in the earlier-history lines of a conversation and in the HTML
 *   export; now a picture where the app has it, as in the history view.
 * Screenshots: test-results/screenshots/everyday-*.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HistoryConversationInfo, HistoryExportInfo, SequencedEvent } from '../../shared/ipc';
import { SCREENSHOTS, contactRow, conversation, makeContacts, send, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
let carol: User;
const T = { timeout: 20_000 };
const aliceEvents: SequencedEvent['event'][] = [];
const shot = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOTS, `everyday-${name}.png`) });

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  carol = await stack.user('carol@example.com', 'carol-pw', 'Carol');
  alice.core.subscribe((e) => void aliceEvents.push(e.event));
  for (const u of [alice, bob, carol]) {
    await signIn(u);
    await signedIn(u);
  }
  await makeContacts(alice, bob, 'Bob', T);
  await makeContacts(alice, carol, 'Carol', T);
  await makeContacts(bob, carol, 'Carol', T);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

/** The contact list as shown: group headers as "[title (count)]", contacts by handle. */
async function listRows(u: User): Promise<string[]> {
  return u.page
    .locator('.contact-list [role="treeitem"]')
    .evaluateAll((rows) =>
      rows.map((r) => {
        const el = r as unknown as { classList: { contains(c: string): boolean }; getAttribute(a: string): string | null; querySelector(s: string): { textContent: string | null } | null };
        if (el.classList.contains('group-row')) return `[${el.querySelector('.group-title')?.textContent ?? ''} ${el.querySelector('.group-count')?.textContent ?? ''}]`;
        return el.getAttribute('data-handle') ?? '?';
      }),
    );
}

async function signOut(u: User): Promise<void> {
  await u.page.getByRole('button', { name: /Change status/ }).click();
  await u.page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await u.page.getByRole('form', { name: 'Sign in' }).waitFor(T);
}

async function sortBy(u: User, by: 'Group' | 'Status'): Promise<void> {
  await u.page.getByRole('button', { name: 'Sort and view options' }).click();
  await u.page.getByRole('menuitemradio', { name: `Sort Contacts by ${by}` }).click();
}

const transcriptText = (p: Page) => conversation(p).locator('.transcript').innerText();
const closeConversation = (u: User) => conversation(u.page).getByRole('button', { name: /^Close conversation with/ }).click();

describe('everyday use by three new users (real server, three browser clients)', { timeout: 150_000 }, () => {
  it('lists an offline contact in their group, counted, and in Offline when sorted by status', async () => {
    await signOut(carol);
    await expect.poll(() => contactRow(alice, carol.handle).getAttribute('aria-label'), T).toMatch(/^Carol, Offline/);
    // By group (the default): Carol under Other Contacts with Bob, greyed, after the online.
    expect(await listRows(alice)).toEqual(['[Other Contacts (1/2)]', bob.handle, carol.handle]);
    await shot(alice.page, '01-offline-by-group');
    await sortBy(alice, 'Status');
    await expect.poll(() => listRows(alice), T).toEqual(['[Online (1)]', bob.handle, '[Offline (1)]', carol.handle]);
    await shot(alice.page, '02-offline-by-status');
    await sortBy(alice, 'Group');
    await expect.poll(() => listRows(alice), T).toEqual(['[Other Contacts (1/2)]', bob.handle, carol.handle]);

    await signIn(carol);
    await signedIn(carol);
    await contactRow(alice, carol.handle).and(alice.page.locator('[aria-label^="Carol, Online"]')).waitFor(T);
    expect(await listRows(alice)).toEqual(['[Other Contacts (2/2)]', bob.handle, carol.handle]);
  });

  it('one-to-one: Bob closing his window writes no line for Alice; her next message reaches him', async () => {
    await contactRow(alice, bob.handle).dblclick();
    await send(alice.page, 'Hi Bob');
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => transcriptText(bob.page), T).toContain('Hi Bob');
    await send(bob.page, 'Hi Alice');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Hi Alice');
    // The contact's picture (the default: nobody set one) has the contact's name under it.
    expect(await conversation(alice.page).locator('.their-picture [data-default-picture]').count()).toBe(1);
    expect(await conversation(alice.page).locator('.their-picture .picture-name').innerText()).toBe('Bob');

    const leftBefore = aliceEvents.filter((e) => e.type === 'conversation.participant-left').length;
    await closeConversation(bob);
    // Bob's switchboard left (BYE) and Alice's backend heard it...
    await expect.poll(() => aliceEvents.filter((e) => e.type === 'conversation.participant-left').length, T).toBe(leftBefore + 1);
    // ...and her window says nothing of it: he only closed his window.
    expect(await transcriptText(alice.page)).not.toContain('has left the conversation');
    expect(await conversation(alice.page).locator('.notice-left').count()).toBe(0);
    await shot(alice.page, '03-bob-closed-his-window');

    await send(alice.page, 'Still there?');
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => transcriptText(bob.page), T).toContain('Still there?');
    expect(await transcriptText(alice.page)).not.toContain('has left the conversation');
    expect(stack.problems).toEqual([]);
  });

  it('group: every picture has its person’s name; someone leaving is written', async () => {
    const c = conversation(alice.page);
    await c.getByRole('button', { name: 'Invite' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Invite someone to this conversation' });
    await dialog.getByRole('radio', { name: /Carol/ }).check();
    await dialog.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => c.locator('.group-picture').count(), T).toBe(2);
    await conversation(carol.page).waitFor(T);
    await send(carol.page, 'Hello both!');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Hello both!');

    // Nobody has a picture: the same default for all, told apart by the names.
    expect(await c.locator('.conversation-pictures [data-default-picture]').count()).toBe(4); // the top one, two small, mine
    await expect.poll(() => c.locator('.their-picture > .picture-name').innerText(), T).toBe('Carol');
    const names = await c.locator('.group-picture .picture-name').allInnerTexts();
    expect(names.sort()).toEqual(['Bob', 'Carol']);
    for (const n of await c.locator('.group-picture .picture-name').all()) expect(await n.isVisible()).toBe(true);
    await c.locator('.conversation-pictures').screenshot({ path: join(SCREENSHOTS, 'everyday-04-group-picture-names.png') });

    await send(bob.page, 'Hi Carol');
    await expect.poll(() => c.locator('.their-picture > .picture-name').innerText(), T).toBe('Bob');
    expect(await c.locator('.group-picture.speaking .picture-name').innerText()).toBe('Bob');

    await closeConversation(carol);
    await expect.poll(() => transcriptText(alice.page), T).toContain('Carol has left the conversation.');
    await shot(alice.page, '05-group-carol-left');
    expect(stack.problems).toEqual([]);
  });

  it('a custom emoticon is a picture in the earlier lines of a new conversation and in the HTML export', async () => {
    // Bob makes an emoticon (the settings' UI is covered by custom-emoticons.test.ts).
    const png = await bob.page.evaluate(`(() => {
      const c = document.createElement('canvas');
      c.width = 19;
      c.height = 19;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#30a030';
      ctx.fillRect(0, 0, 19, 19);
      const url = c.toDataURL('image/png');
      return url.slice(url.indexOf(',') + 1);
    })()`);
    const defined = await bob.core.execute({ name: 'defineEmoticon', input: { emoticon: { shortcut: '(cat)', data: png as string } } });
    expect(defined).toEqual({ ok: true, value: null });
    const cat = bob.core.snapshot().state.emoticons.mine.find((e) => e.shortcut === '(cat)')!;

    // A fresh one-to-one: both close the group conversation, Bob writes to Alice.
    await closeConversation(alice);
    await closeConversation(bob);
    await contactRow(bob, alice.handle).dblclick();
    await send(bob.page, 'A (cat) for you');
    await conversation(alice.page).waitFor(T);
    const live = conversation(alice.page).locator('.message:not(.earlier) img.custom-emoticon[alt="(cat)"]');
    await expect.poll(() => live.count(), T).toBe(1);
    expect(await live.getAttribute('src')).toBe(cat.dataUrl);

    // Alice closes it and starts another with Bob: the line is among the earlier ones, a picture.
    await closeConversation(alice);
    await contactRow(alice, bob.handle).dblclick();
    const earlier = conversation(alice.page).locator('.message.earlier', { hasText: 'for you' });
    await earlier.waitFor(T);
    await expect.poll(() => earlier.locator('img.custom-emoticon[alt="(cat)"]').count(), T).toBe(1);
    expect(await earlier.locator('img.custom-emoticon').getAttribute('src')).toBe(cat.dataUrl);
    expect(await earlier.innerText()).not.toContain('(cat)');
    await shot(alice.page, '06-earlier-line-emoticon');

    // The HTML export of that log carries the picture inside the file, the shortcut as its text.
    const logs = await alice.core.execute({ name: 'historyList', input: { limit: 100, offset: 0 } });
    if (!logs.ok) throw new Error(logs.error.message);
    const log = (logs.value as readonly HistoryConversationInfo[]).find((l) => l.kind === 'one-to-one' && l.participants.some((p) => p.handle === bob.handle));
    expect(log).toBeDefined();
    const exported = await alice.core.execute({ name: 'historyExport', input: { historyId: log!.id, format: 'html' } });
    if (!exported.ok) throw new Error(exported.error.message);
    const html = (exported.value as HistoryExportInfo).content;
    expect(html).toContain(`A <img class="emoticon" src="${cat.dataUrl}" alt="(cat)" title="(cat)"> for you`);
    const text = await alice.core.execute({ name: 'historyExport', input: { historyId: log!.id, format: 'text' } });
    expect(text.ok && (text.value as HistoryExportInfo).content).toContain('A (cat) for you');
    // The exported file as a browser shows it: the picture drawn, nothing refused by its CSP.
    const viewer = await alice.context.newPage();
    const refused: string[] = [];
    viewer.on('console', (m) => void (m.type() === 'error' && refused.push(m.text())));
    await viewer.setContent(html);
    const img = viewer.locator('img.emoticon');
    await expect.poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth), T).toBe(19);
    await viewer.screenshot({ path: join(SCREENSHOTS, 'everyday-07-exported-html.png') });
    await viewer.close();
    expect(refused).toEqual([]);
    expect(stack.problems).toEqual([]);
  });
});
