/**
 * Browser end-to-end: the page loses its web host (the host stopped, the backend went away). It
 * says so at once, keeps what the user typed, and sends it once the connection is back. And when
 * the messenger service itself goes away, the status line does not claim I am Online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startWebHost } from '../../electron/web/host';
import { SCREENSHOTS, contactRow, conversation, send, startAliceAndBob, type Stack, type User } from './harness';
import { rendererBuild } from './renderer-build';

let stack: Stack;
let alice: User;
let bob: User;
let restarted: { close(): Promise<void> } | null = null;

const T = { timeout: 15_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob(T));
}, 120_000);

afterAll(async () => {
  await restarted?.close();
  await stack?.close();
});

const bobReceived = () =>
  Object.values(bob.core.snapshot().state.conversations.conversations)
    .flatMap((c) => c.entries)
    .flatMap((e) => (e.kind === 'message' && e.message.direction === 'incoming' ? [e.message.text] : []));

describe('losing the web host (browser client, real server)', { timeout: 60_000 }, () => {
  it('says at once that the connection is gone, keeps the typed text, and sends it when it is back', async () => {
    const p = alice.page;
    await contactRow(alice, bob.handle).dblclick();
    await conversation(p).waitFor(T);
    await send(p, 'before the outage');
    await expect.poll(bobReceived, T).toContain('before the outage');
    expect(await p.getByRole('alert').filter({ hasText: /connection/i }).count()).toBe(0);

    await alice.host.close();
    // Shown as soon as the socket closes (the page does not wait for a retry to fail).
    const banner = p.getByRole('alert').filter({ hasText: /Lost the connection to Monarch/ });
    await banner.waitFor(T);

    const input = conversation(p).getByLabel('Type your message');
    await input.fill('typed during the outage');
    await input.press('Enter');
    // Nothing to send it through: the text stays.
    expect(await input.inputValue()).toBe('typed during the outage');
    await p.screenshot({ path: join(SCREENSHOTS, 'disconnected.png') });
    // The banner takes its own row: it covers neither my name and status nor the conversation's "To:".
    const bannerBox = await banner.boundingBox();
    for (const covered of [p.locator('.self-header'), conversation(p).locator('.to-label').first()]) {
      const box = await covered.boundingBox();
      expect(bannerBox).not.toBeNull();
      expect(box).not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(bannerBox!.y + bannerBox!.height - 0.5);
    }

    // The host comes back on the same address with the same token (the page's cookie still holds).
    restarted = await startWebHost({ backend: alice.core, staticDir: await rendererBuild(), port: alice.host.port, token: alice.host.token });
    await banner.waitFor({ state: 'detached', ...T });
    await expect.poll(bobReceived, T).toContain('typed during the outage');
    await expect.poll(() => input.inputValue(), T).toBe('');
    await expect.poll(() => conversation(p).locator('.message.mine').last().innerText(), T).toContain('typed during the outage');
  });

  it('does not call me Online while the messenger service is reconnecting', async () => {
    const p = alice.page;
    // The server goes away (OUT SSD): the client waits and signs in again on its own.
    await stack.server.stop();
    await p.getByText('Connection lost. Reconnecting...').waitFor(T);
    const status = p.getByRole('button', { name: /Change status/ });
    expect(await status.innerText()).not.toContain('Online');
    expect(await status.getAttribute('aria-label')).toMatch(/reconnecting/i);
    await p.screenshot({ path: join(SCREENSHOTS, 'reconnecting.png') });
  });

  it('ran without page errors', () => {
    // The WebSocket's failed reconnection attempts are logged by the browser itself while the host is away.
    expect(stack.problems.filter((x) => !/WebSocket connection to .* failed/.test(x))).toEqual([]);
  });
});
