/**
 * Browser end-to-end: a message that cannot be delivered is marked with its reason and a Retry
 * action, and the retry delivers it once the other person is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SCREENSHOTS, contactRow, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 20_000 };

beforeAll(async () => {
  // MSNP12: the failed state with its reason. From MSNP13 a message to an offline contact is
  // saved as an offline message instead (MSNP13-18.md §9.2).
  stack = await startStack({ maxDialect: 12 });
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

const conversation = (u: User) => u.page.locator('section.conversation');

async function send(u: User, text: string) {
  const input = conversation(u).getByLabel('Type your message');
  await input.fill(text);
  await input.press('Enter');
}

describe('adding, Ctrl+N and delivery states (browser clients, real server)', { timeout: 60_000 }, () => {
  it('marks an undeliverable message with its reason, and retries it', async () => {
    await Promise.all([signIn(alice), signIn(bob)]);
    await Promise.all([signedIn(alice), signedIn(bob)]);
    await alice.page.getByRole('button', { name: 'Add a contact' }).first().click();
    const d = alice.page.getByRole('dialog', { name: 'Add a Contact' });
    // Someone with no account on this server: said in plain words, the dialog stays.
    await d.getByLabel('E-mail address:').fill('nobody@example.com');
    await d.getByRole('button', { name: 'Add' }).click();
    await expect.poll(async () => (await d.getByRole('alert').textContent()) ?? '', T).toContain('nobody@example.com is not a valid account on this server.');
    await d.getByLabel('E-mail address:').fill(bob.handle);
    await d.getByRole('button', { name: 'Add' }).click();
    await bob.page.locator('.added-you-banner').click(T);
    await bob.page.getByRole('button', { name: 'Allow and add' }).click();
    await bob.page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Online/);

    // Ctrl+N: "Send an Instant Message", pick Bob.
    await alice.page.keyboard.press('Control+n');
    const im = alice.page.getByRole('dialog', { name: 'Send an Instant Message' });
    await im.getByLabel('To:').fill('bob');
    await im.getByRole('button', { name: 'Send a message' }).click();
    await conversation(alice).waitFor(T);
    await send(alice, 'first message');
    await expect.poll(() => conversation(bob).locator('.transcript').innerText(), T).toContain('first message');

    // Bob leaves: signs out.
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Sign Out' }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Offline/);

    await send(alice, 'are you there?');
    const failed = conversation(alice).locator('.message.delivery-failed');
    await failed.waitFor(T);
    expect(await failed.innerText()).toContain('are you there?');
    expect(await failed.getByRole('alert').innerText()).toMatch(/could not be delivered/);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'delivery-failed.png') });

    // Bob is back; the retry goes through.
    await signIn(bob);
    await signedIn(bob);
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Online/);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => conversation(alice).locator('.message.delivery-failed').count(), T).toBe(0);
    await conversation(bob).waitFor(T);
    await expect.poll(() => conversation(bob).locator('.transcript').innerText(), T).toContain('are you there?');
  });

  it('shows someone who appears offline as offline', async () => {
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Appear Offline' }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Offline/);
    await expect.poll(() => bob.page.getByRole('button', { name: /Change status/ }).getAttribute('aria-label'), T).toContain('Appear Offline');
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Online', exact: true }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Online/);
  });
});
