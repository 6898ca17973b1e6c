/**
 * Browser end-to-end: three people on the real bundled server, each in their own browser context
 * through their own web host. Adding and accepting, groups, presence and personal messages, a
 * one-to-one chat with typing and a nudge, a three-party chat with join, messages and leave,
 * blocking, signing out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, contactRow, conversation, send, signedIn, signIn, startStack, type Stack, type User } from './harness';

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

async function addContact(u: User, handle: string): Promise<void> {
  await u.page.getByRole('button', { name: 'Add a contact' }).first().click();
  const dialog = u.page.getByRole('dialog', { name: 'Add a Contact' });
  await dialog.getByLabel('E-mail address:').fill(handle);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function acceptRequest(u: User, handle: string): Promise<void> {
  const banner = u.page.locator('.added-you-banner');
  await banner.waitFor(T);
  await banner.click();
  const dialog = u.page.getByRole('dialog', { name: 'People who added you' });
  const row = dialog.locator('.request', { hasText: handle });
  await row.getByRole('button', { name: 'Allow and add' }).click();
  await row.waitFor({ state: 'detached', ...T });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
}

const label = (u: User, handle: string) => contactRow(u, handle).getAttribute('aria-label');

const transcriptText = (p: Page) => conversation(p).locator('.transcript').innerText();

describe('messenger (three browser clients, real server)', { timeout: 60_000 }, () => {
  it('signs everyone in', async () => {
    await Promise.all([signIn(alice), signIn(bob), signIn(carol, { status: 'Away' })]);
    await Promise.all([signedIn(alice), signedIn(bob), signedIn(carol)]);
    expect(await alice.page.getByText('Your contact list is empty.').isVisible()).toBe(true);
  });

  it('adds a contact, who accepts from the "added you" banner; both see each other online', async () => {
    await addContact(alice, bob.handle);
    await acceptRequest(bob, alice.handle);
    await expect.poll(() => label(alice, bob.handle), T).toMatch(/^Bob, Online/);
    await expect.poll(() => label(bob, alice.handle), T).toMatch(/^Alice, Online/);

    await addContact(alice, carol.handle);
    await acceptRequest(carol, alice.handle);
    await addContact(bob, carol.handle);
    await acceptRequest(carol, bob.handle);
    await expect.poll(() => label(alice, carol.handle), T).toMatch(/^Carol, Away/);
  });

  it('creates, fills and renames a group, with online counts', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'Create a group' }).click();
    const dialog = p.getByRole('dialog', { name: 'Create a Group' });
    await dialog.getByLabel('Group name:').fill('Friends');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Friends' }).innerText(), T).toContain('(0/0)');

    await contactRow(alice, bob.handle).click({ button: 'right' });
    // As a person does it: the pointer rests on "Move to Group" (the submenu opens), then clicks it.
    await p.getByRole('menuitem', { name: 'Move to Group' }).hover();
    await p.getByRole('menu', { name: 'Move to Group' }).waitFor(T);
    await p.getByRole('menuitem', { name: 'Move to Group' }).click();
    await p.getByRole('menuitem', { name: 'Friends' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Friends' }).innerText(), T).toContain('(1/1)');

    await p.locator('.group-row', { hasText: 'Friends' }).click({ button: 'right' });
    await p.getByRole('menuitem', { name: 'Rename Group...' }).click();
    const rename = p.getByRole('dialog', { name: 'Rename Group' });
    await rename.getByLabel('Group name:').fill('Best Friends');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Best Friends' }).count(), T).toBe(1);
  });

  it('shows presence and personal message changes', async () => {
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Busy' }).click();
    await expect.poll(() => label(alice, bob.handle), T).toMatch(/^Bob, Busy/);

    await bob.page.getByRole('button', { name: /Your personal message/ }).click();
    const input = bob.page.getByLabel('Your personal message');
    await input.fill('Out walking the dog (H)');
    await input.press('Enter');
    await expect.poll(() => contactRow(alice, bob.handle).innerText(), T).toContain('Out walking the dog');
    expect(await contactRow(alice, bob.handle).locator('img.emoticon[alt="(H)"]').count()).toBe(1);

    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Online', exact: true }).click();
    await expect.poll(() => label(alice, bob.handle), T).toMatch(/^Bob, Online/);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'contact-list.png') });
  });

  it('moves between rows with the arrow keys and End', async () => {
    const p = alice.page;
    await p.locator('.group-row').first().focus();
    await p.keyboard.press('ArrowDown');
    expect(await p.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-handle'))).toBe(bob.handle);
    await p.keyboard.press('End');
    // The last row of the list (a contact: offline ones are in their group, and no empty Offline
    // group ends the list any more).
    const lastRowHasFocus = `(() => { const rows = document.querySelectorAll('.contact-list [role="treeitem"]'); return rows.length > 1 && document.activeElement === rows[rows.length - 1]; })()`;
    expect(await p.evaluate(lastRowHasFocus)).toBe(true);
  });

  it('filters the list as you type', async () => {
    const search = alice.page.getByLabel('Find a contact');
    await search.fill('car');
    await expect.poll(() => alice.page.locator('.contact-row').count(), T).toBe(1);
    expect(await contactRow(alice, carol.handle).isVisible()).toBe(true);
    await search.fill('');
    await expect.poll(() => alice.page.locator('.contact-row').count(), T).toBe(2);
  });

  it('chats one to one both ways, with the typing indicator and formatted, emoticon text', async () => {
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await send(alice.page, 'Hi Bob :) first one');
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => transcriptText(bob.page), T).toContain('Alice says:');
    await expect.poll(() => transcriptText(bob.page), T).toContain('first one');
    expect(await conversation(bob.page).locator('img.emoticon[alt=":)"]').count()).toBe(1);
    await expect.poll(() => conversation(alice.page).locator('.message.mine.delivery-delivered').count(), T).toBe(1);

    // Bob types: Alice sees it, then his message replaces the notice.
    await conversation(bob.page).getByLabel('Type your message').pressSequentially('Hey Al', { delay: 20 });
    await expect.poll(() => conversation(alice.page).locator('.typing-line').innerText(), T).toBe('Bob is typing a message...');
    await conversation(bob.page).getByLabel('Type your message').press('Enter');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Bob says:');
    await expect.poll(() => conversation(alice.page).locator('.typing-line').innerText(), T).toBe('');

    // Text from the wire is text: markup arrives as the characters typed.
    await send(bob.page, '<b>not bold</b><img src=x onerror=alert(1)>');
    await expect.poll(() => transcriptText(alice.page), T).toContain('<b>not bold</b><img src=x onerror=alert(1)>');
    expect(await conversation(alice.page).locator('.transcript b, .transcript img:not(.emoticon)').count()).toBe(0);
  });

  it("carries the sender's font, effects and colour, and keeps Shift+Enter lines in one message", async () => {
    const c = conversation(alice.page);
    await c.getByRole('button', { name: 'Font' }).click();
    const panel = alice.page.getByRole('dialog', { name: 'Font and colour' });
    await panel.getByLabel('Font').selectOption('Georgia');
    await panel.getByRole('button', { name: 'Bold' }).click();
    await panel.getByRole('radio', { name: 'Colour #ed1c24' }).click();
    await c.getByRole('button', { name: 'Font' }).click();
    const input = c.getByLabel('Type your message');
    await input.fill('');
    await input.pressSequentially('line one');
    await input.press('Shift+Enter');
    await input.pressSequentially('line two');
    await input.press('Enter');
    const last = conversation(bob.page).locator('.message.theirs .formatted').last();
    await expect.poll(() => last.innerText(), T).toBe('line one\nline two');
    type Styles = { fontWeight: string; fontFamily: string; color: string };
    const style = await last.evaluate((el) => {
      const cs = (globalThis as unknown as { getComputedStyle(e: unknown): Styles }).getComputedStyle(el);
      return { weight: cs.fontWeight, family: cs.fontFamily, color: cs.color };
    });
    expect(style.weight).toBe('700');
    expect(style.family).toContain('Georgia');
    expect(style.color).toBe('rgb(237, 28, 36)');
  });

  it('sends a nudge: the receiver is shaken and told, the sender is told', async () => {
    await conversation(bob.page).getByRole('toolbar', { name: 'Conversation tools' }).getByRole('button', { name: 'Nudge' }).click();
    await expect.poll(() => transcriptText(bob.page), T).toContain('You have just sent a nudge.');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Bob just sent you a nudge!');
    expect(await alice.page.locator('section.conversation.shaking').count()).toBe(1);
  });

  it('invites a third person: join, messages from everyone, leave', async () => {
    const tools = conversation(alice.page).getByRole('toolbar', { name: 'Conversation tools' });
    await tools.getByRole('button', { name: 'Invite' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Invite someone to this conversation' });
    await dialog.getByText('Carol', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Invite' }).click();

    await expect.poll(() => transcriptText(bob.page), T).toContain('Carol has joined the conversation.');
    await expect.poll(() => conversation(alice.page).locator('.participant').count(), T).toBe(2);

    await send(alice.page, 'Welcome Carol (Y)');
    await conversation(carol.page).waitFor(T);
    await expect.poll(() => transcriptText(carol.page), T).toContain('Welcome Carol');
    await send(carol.page, 'Hi both! :D');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Hi both!');
    await expect.poll(() => transcriptText(bob.page), T).toContain('Hi both!');
    await send(bob.page, 'Hey Carol ;)');
    await expect.poll(() => transcriptText(carol.page), T).toContain('Hey Carol');
    await expect.poll(() => transcriptText(alice.page), T).toContain('Hey Carol');
    expect(await conversation(carol.page).locator('.participant').count()).toBe(2);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'conversation-3-party.png') });

    await carol.page.getByRole('button', { name: /Close conversation with/ }).click();
    await expect.poll(() => transcriptText(alice.page), T).toContain('Carol has left the conversation.');
    await expect.poll(() => transcriptText(bob.page), T).toContain('Carol has left the conversation.');
    await expect.poll(() => conversation(alice.page).locator('.participant').count(), T).toBe(1);
  });

  it('blocking hides my presence from the blocked contact', async () => {
    await expect.poll(() => label(carol, alice.handle), T).toMatch(/^Alice, Online/);
    await contactRow(alice, carol.handle).click({ button: 'right' });
    await alice.page.getByRole('menuitem', { name: 'Block' }).click();
    await expect.poll(() => label(alice, carol.handle), T).toMatch(/^Carol, blocked/);
    await expect.poll(() => label(carol, alice.handle), T).toMatch(/^Alice, Offline/);
    // Others still see me.
    expect(await label(bob, alice.handle)).toMatch(/^Alice, Online/);

    await contactRow(alice, carol.handle).click({ button: 'right' });
    await alice.page.getByRole('menuitem', { name: 'Unblock' }).click();
    await expect.poll(() => label(carol, alice.handle), T).toMatch(/^Alice, Online/);
  });

  it('copies and removes contacts, and deletes a group', async () => {
    const p = alice.page;
    await contactRow(alice, carol.handle).click({ button: 'right' });
    await p.getByRole('menuitem', { name: 'Copy to Group' }).click();
    await p.getByRole('menuitem', { name: 'Best Friends' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Best Friends' }).innerText(), T).toContain('(2/2)');
    // Copied from "no group" into one group, Carol now sits in that group.
    expect(await p.locator('.group-row', { hasText: 'Other Contacts' }).count()).toBe(0);

    await p.locator('.group-row', { hasText: 'Best Friends' }).click({ button: 'right' });
    await p.getByRole('menuitem', { name: 'Delete Group' }).click();
    await p.getByRole('dialog', { name: 'Delete Group' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Best Friends' }).count(), T).toBe(0);
    await expect.poll(() => p.locator('.contact-row').count(), T).toBe(2);

    await contactRow(alice, carol.handle).click({ button: 'right' });
    await p.getByRole('menuitem', { name: 'Delete Contact' }).click();
    await p.getByRole('dialog', { name: 'Delete Contact' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => contactRow(alice, carol.handle).count(), T).toBe(0);
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(stack.problems).toEqual([]);
  });

  it('signs out: the others see me go offline', async () => {
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Sign Out' }).click();
    await bob.page.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await expect.poll(() => label(alice, bob.handle), T).toMatch(/^Bob, Offline/);
  });
});
