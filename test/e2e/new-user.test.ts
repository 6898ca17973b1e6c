/**
 * Browser end-to-end, a new user's first session (MSNP15 on the bundled server): two fresh
 * accounts sign in, add each other, chat, send a file, set a picture and leave an offline message,
 * through the UI only, with a screenshot at every step (test-results/screenshots/new-user-*.png).
 * It also checks what a new user met that was wrong: an incoming file offer asks for attention as
 * a message does (its sound plays; it made none).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SequencedEvent } from '../../shared/ipc';
import { SCREENSHOTS, contactRow, conversation, send, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 20_000 };
const shot = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOTS, `new-user-${name}.png`) });
const attention = new Map<string, SequencedEvent['event'][]>();

beforeAll(async () => {
  stack = await startStack({ maxDialect: 15 });
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  for (const u of [alice, bob]) {
    const seen: SequencedEvent['event'][] = [];
    attention.set(u.handle, seen);
    u.core.subscribe((e) => {
      if (e.event.type === 'attention.requested') seen.push(e.event);
    });
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** In the page: a DataTransfer with one file, as a drop from the desktop carries. */
async function dropFile(p: Page, name: string, bytes: Buffer): Promise<void> {
  const dataTransfer = await p.evaluateHandle(
    `((f) => { const dt = new DataTransfer(); dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name)); return dt; })(${JSON.stringify({ name, b64: bytes.toString('base64') })})`,
  );
  const zone = conversation(p).locator('.file-drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

describe('a new user’s first session (two browser clients, real server, MSNP15)', { timeout: 120_000 }, () => {
  it('signs in to an empty list', async () => {
    await shot(alice.page, '01-sign-in');
    for (const u of [alice, bob]) {
      await signIn(u);
      await signedIn(u);
    }
    await shot(alice.page, '02-empty-list');
  });

  it('adds each other', async () => {
    await alice.page.getByRole('button', { name: 'Add a contact' }).first().click();
    const dialog = alice.page.getByRole('dialog', { name: 'Add a Contact' });
    await dialog.getByLabel('E-mail address:').fill(bob.handle);
    await shot(alice.page, '03a-add-contact');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await bob.page.locator('.added-you-banner').waitFor(T);
    await shot(bob.page, '03b-bob-added-you');
    await bob.page.locator('.added-you-banner').click();
    const requests = bob.page.getByRole('dialog', { name: 'People who added you' });
    await requests.locator('.request', { hasText: alice.handle }).waitFor(T);
    await shot(bob.page, '03c-bob-requests');
    await requests.locator('.request', { hasText: alice.handle }).getByRole('button', { name: 'Allow and add' }).click();
    await requests.getByRole('button', { name: 'Close', exact: true }).click();
    await contactRow(alice, bob.handle).and(alice.page.locator('[aria-label^="Bob, Online"]')).waitFor(T);
    await contactRow(bob, alice.handle).waitFor(T);
    await shot(alice.page, '03-alice-list');
    await shot(bob.page, '03-bob-list');
  });

  it('chats', async () => {
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await send(alice.page, 'Hi Bob! Welcome to Monarch :)');
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('Welcome to Monarch');
    await send(bob.page, 'Thanks Alice (y)');
    await expect.poll(() => conversation(alice.page).locator('.transcript').innerText(), T).toContain('Thanks Alice');
    await shot(alice.page, '04-alice-chat');
    await shot(bob.page, '04-bob-chat');
  });

  it('sends a file: the offer asks for Bob’s attention like a message, he accepts it', async () => {
    // Bob is looking at his contact list, not at the conversation.
    await bob.page.getByRole('button', { name: /^Close conversation with Alice/ }).click();
    await expect.poll(() => conversation(bob.page).count(), T).toBe(0);
    await bob.page.evaluate('delete document.documentElement.dataset.lastSound');
    const before = attention.get(bob.handle)?.length ?? 0;
    const data = randomBytes(200_000);
    await dropFile(alice.page, 'holiday.zip', data);
    await expect.poll(() => attention.get(bob.handle)?.slice(before).find((e) => e.type === 'attention.requested' && e.kind === 'file-offer'), T).toMatchObject({
      kind: 'file-offer',
      handle: alice.handle,
      sound: 'message',
      flash: true,
      title: 'Alice wants to send you a file:',
      body: 'holiday.zip (195 KB)',
    });
    await expect.poll(() => bob.page.evaluate('document.documentElement.dataset.lastSound ?? null'), T).toBe('message');
    await conversation(bob.page).waitFor(T);
    const offer = conversation(bob.page).locator('.transfer', { hasText: 'holiday.zip' }).last();
    await offer.getByRole('button', { name: 'Accept holiday.zip' }).waitFor(T);
    // The conversation the offer opened shows the chat of a minute ago above it, as one Bob opens does.
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('Earlier messages are above this line.');
    expect(await conversation(bob.page).locator('.transcript').innerText()).toContain('Welcome to Monarch');
    await shot(bob.page, '05-bob-offer');
    await shot(alice.page, '05-alice-waiting');
    await offer.getByRole('button', { name: 'Accept holiday.zip' }).click();
    await expect.poll(async () => (await offer.getAttribute('class')) ?? '', T).toContain('transfer-completed');
    await shot(bob.page, '06-bob-received');
    await shot(alice.page, '06-alice-sent');
  });

  it('sets a picture; Bob sees it', async () => {
    await alice.page.getByRole('button', { name: 'Change your display picture' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Change display picture' });
    await dialog.waitFor(T);
    await shot(alice.page, '07-picture-chooser');
    await dialog.getByRole('button', { name: 'Robot' }).click();
    await dialog.waitFor({ state: 'detached', ...T });
    const mine = await expect.poll(() => alice.core.snapshot().state.pictures.mine?.builtin, T).toBe('robot');
    void mine;
    await expect.poll(() => contactRow(bob, alice.handle).locator('.row-picture img').count(), T).toBe(1);
    await shot(bob.page, '08-bob-sees-picture');
    await shot(alice.page, '08-alice-picture');
  });

  it('leaves an offline message that Bob gets at his next sign-in', async () => {
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Sign Out' }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Offline/);
    await shot(alice.page, '09-alice-bob-offline');
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await send(alice.page, 'See you tomorrow!');
    await conversation(alice.page).locator('.message.delivery-saved-offline').waitFor(T);
    await shot(alice.page, '10-alice-offline-message');
    await signIn(bob);
    await signedIn(bob);
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('See you tomorrow!');
    // The earlier lines are above it, and the offline message shows once (it is in the log too).
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('Earlier messages are above this line.');
    const transcript = await conversation(bob.page).locator('.transcript').innerText();
    expect(transcript).toContain('You received holiday.zip');
    expect(transcript.split('See you tomorrow!')).toHaveLength(2);
    await shot(bob.page, '11-bob-offline-message');
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(stack.problems).toEqual([]);
  });
});
