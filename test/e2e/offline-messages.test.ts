/**
 * Browser end-to-end, MSNP15 on the bundled server (issue 12): a message to a contact who signed
 * out is saved as an offline message and says so; when the contact signs in, it is in their
 * conversation with the time it was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SCREENSHOTS, contactRow, conversation, send, signIn, signedIn, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 15_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob({ timeout: 15_000, maxDialect: 15 }));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('offline messages (browser client, MSNP15, real server)', { timeout: 90_000 }, () => {
  it('saves a message to a signed-out contact as an offline message and delivers it at their sign-in', async () => {
    await bob.page.getByRole('button', { name: /Change status/ }).click();
    await bob.page.getByRole('menuitem', { name: 'Sign Out' }).click();
    await expect.poll(() => contactRow(alice, bob.handle).getAttribute('aria-label'), T).toMatch(/^Bob, Offline/);

    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor(T);
    await send(alice.page, 'left for you while you were away');
    const saved = conversation(alice.page).locator('.message.delivery-saved-offline');
    await saved.waitFor(T);
    expect(await saved.innerText()).toContain('Saved as an offline message');
    expect(await conversation(alice.page).locator('.message.delivery-failed').count()).toBe(0);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'offline-message-saved.png') });

    await signIn(bob);
    await signedIn(bob);
    await conversation(bob.page).waitFor(T);
    await expect.poll(() => conversation(bob.page).locator('.transcript').innerText(), T).toContain('left for you while you were away');
    // Deleting the read message on the server changes the mailbox: nothing to tell Bob about.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await bob.page.getByText('Your mailbox changed').count()).toBe(0);
    expect(await bob.page.locator('.server-notice, [role="status"]').filter({ hasText: /mailbox|e-mail/i }).count()).toBe(0);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'offline-message-received.png') });
  });

  it('ran without page errors', () => {
    expect(stack.problems).toEqual([]);
  });
});
