/**
 * Offline messages between MSNP15 clients through the bundled server's OIM services (RSI and
 * Store2, MSNP13-18.md §9) over real TCP and HTTP: saved while the recipient is offline, received at
 * sign-in with the sent time, offered again until acknowledged, then gone.
 */
import { describe, expect, it } from 'vitest';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('offline messages with the bundled server', () => {
  it('offline messages between MSNP15 users: saved while Bob is offline, received at his sign-in with the sent time, deleted only when acknowledged', async () => {
    const server = await startBundled();
    scope.server = server;
    await server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    const a = clientFor(server, 15);
    const b = clientFor(server, 15);
    scope.clients.push(a, b);
    const ra = new Recorder(a);
    await a.signIn({ handle: ALICE, password: 'alice-pw' });
    await b.signIn({ handle: BOB, password: 'bob-pw' });
    await a.contacts.add(BOB);
    await b.contacts.allow(ALICE);
    await b.contacts.add(ALICE);
    await b.signOut();
    await waitUntil(() => a.contacts.get(BOB)?.status === 'offline');

    const before = Date.now();
    const conv = a.conversations.start([BOB]);
    const m = a.conversations.send(conv.id, 'See you tomorrow! ☺');
    await ra.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'saved-offline');

    const signInBob = async (): Promise<Recorder> => {
      const again = clientFor(server, 15);
      scope.clients.push(again);
      const r = new Recorder(again);
      await again.signIn({ handle: BOB, password: 'bob-pw' });
      return r;
    };
    const rb = await signInBob();
    const got = await rb.waitFor('message.received', (e) => e.message.text === 'See you tomorrow! ☺');
    expect(got.message.sender).toBe(ALICE);
    expect(got.message.timestamp).toBeGreaterThanOrEqual(before - 1000);
    expect(got.message.timestamp).toBeLessThanOrEqual(Date.now());
    // Not acknowledged: the server offers it again at the next sign-in (at-least-once).
    const b2 = scope.clients.at(-1);
    await b2?.signOut();
    const rb2 = await signInBob();
    const again = await rb2.waitFor('message.received', (e) => e.message.text === 'See you tomorrow! ☺');
    await scope.clients.at(-1)?.acknowledgeOfflineMessages([again.message.id]);
    await scope.clients.at(-1)?.signOut();
    const rb3 = await signInBob();
    await rb3.waitFor('contact-list.synced');
    await new Promise((r) => setTimeout(r, 300));
    expect(rb3.of('message.received')).toEqual([]);
  });
});
