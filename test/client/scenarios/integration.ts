/**
 * Issue 4 end to end: three real clients against the bundled server on 127.0.0.1, for MSNP2,
 * MSNP7, MSNP8, MSNP11 and MSNP12 (MD5 and TWN sign-in, every SYN generation, ADD vs ADC), and
 * MSNP13, 14 and 15 (the token service, the SOAP address book, ADL/RML; issue 12). Run against one
 * process (integration.test.ts) and a two-node cluster (cluster-integration.test.ts), where each
 * client talks to the node the network gives its user (test/server/helpers/network.ts): Alice and
 * Carol on one node, Bob on the other, and a second sign-in from the other node.
 */
import { describe, expect, it } from 'vitest';
import type { MsnClient } from '../../../electron/core/msn/client';
import { SignInFailure } from '../../../electron/core/msn/errors';
import { listCacheKey, MemoryListCache } from '../../../electron/core/msn/list-cache';
import type { TrafficEntry } from '../../../electron/core/msn/traffic';
import type { Network } from '../../server/helpers/network';
import { Recorder, bundledPerTest, clientFor } from '../helpers/bundled';
import { waitUntil } from '../helpers/fake-server';

export const DIALECTS = [2, 7, 8, 11, 12, 13, 14, 15] as const;
type IntegrationDialect = (typeof DIALECTS)[number];

/** Defines the scenarios for `dialects` against a fresh network from `start` per test. */
export function integrationScenarios(start: () => Promise<Network>, dialects: readonly IntegrationDialect[] = DIALECTS): void {
  const scope = bundledPerTest();

  const ALICE = 'alice@example.com';
  const BOB = 'bob@example.com';
  const CAROL = 'carol@example.com';

  async function world(dialect: IntegrationDialect, cache?: MemoryListCache) {
    const net = await start();
    scope.network = net;
    await net.server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await net.server.accounts.add(BOB, 'bob-pw', 'Bob');
    await net.server.accounts.add(CAROL, 'carol-pw', 'Carol');
    const make = (handle: string): MsnClient => {
      const c = clientFor(net.signInNode(handle), dialect, cache ? { listCache: cache } : {});
      scope.clients.push(c);
      return c;
    };
    const a = make(ALICE);
    const b = make(BOB);
    const c = make(CAROL);
    const ra = new Recorder(a);
    const rb = new Recorder(b);
    const rc = new Recorder(c);
    await a.signIn({ handle: ALICE, password: 'alice-pw' });
    await b.signIn({ handle: BOB, password: 'bob-pw' });
    await c.signIn({ handle: CAROL, password: 'carol-pw' });
    return { a, b, c, ra, rb, rc, net };
  }

  /** Everyone adds everyone (and allows them after the prompt). */
  async function befriend(w: Awaited<ReturnType<typeof world>>): Promise<void> {
    const { a, b, c, rb, rc } = w;
    await a.contacts.add(BOB);
    await a.contacts.add(CAROL);
    const prompt = await rb.waitFor('contact.added-me', (e) => e.handle === ALICE);
    expect(prompt.needsDecision).toBe(true);
    await rc.waitFor('contact.added-me', (e) => e.handle === ALICE);
    await b.contacts.allow(ALICE);
    await b.contacts.add(ALICE);
    await b.contacts.add(CAROL);
    await c.contacts.add(ALICE);
    await c.contacts.add(BOB);
  }

  describe.each(dialects)('MSNP%i with the bundled server', (dialect) => {
    it('signs in, syncs, adds contacts and follows presence, names and personal messages', async () => {
      const w = await world(dialect);
      const { a, b, c, ra, rb } = w;
      expect(a.dialect).toBe(dialect);
      expect(a.state).toMatchObject({ status: 'online', protocol: `MSNP${dialect}` });
      expect(ra.of('contact-list.synced')).toHaveLength(1);
      expect(a.self.self.friendlyName).toBe('Alice');

      await befriend(w);
      const bobSeen = a.contacts.get(BOB);
      expect(bobSeen).toMatchObject({ status: 'online', lists: { forward: true, allow: true, reverse: true } });
      expect(b.contacts.get(ALICE)?.lists).toMatchObject({ forward: true, allow: true, reverse: true, pending: false });

      // Status, name and (11+) personal message reach the others.
      await b.self.setStatus('away');
      await ra.waitFor('presence.changed', (e) => e.handle === BOB && e.status === 'away');
      await b.self.setFriendlyName('Bobby B');
      await ra.waitFor('presence.changed', (e) => e.handle === BOB && e.friendlyName === 'Bobby B');
      expect(rb.of('self.changed').at(-1)?.self).toMatchObject({ status: 'away', friendlyName: 'Bobby B' });
      if (dialect >= 11) {
        await b.self.setPersonalMessage('brb, coffee & cake');
        await ra.waitFor('personal-message.changed', (e) => e.handle === BOB && e.personalMessage === 'brb, coffee & cake');
      } else {
        await expect(b.self.setPersonalMessage('x')).rejects.toMatchObject({ code: 'not-supported' });
      }

      // Hidden looks offline; back online shows again.
      await c.self.setStatus('hidden');
      await ra.waitFor('presence.changed', (e) => e.handle === CAROL && e.status === 'offline');
      await c.self.setStatus('busy');
      await ra.waitFor('presence.changed', (e) => e.handle === CAROL && e.status === 'busy');

      // Signing out shows offline.
      await b.signOut();
      await ra.waitFor('presence.changed', (e) => e.handle === BOB && e.status === 'offline');
    });

    it('blocks, unblocks, removes, and reports reverse-list changes; privacy settings', async () => {
      const w = await world(dialect);
      const { a, c, ra, rc } = w;
      await befriend(w);
      await waitUntil(() => c.contacts.get(ALICE)?.status === 'online');

      await a.contacts.block(CAROL);
      expect(a.contacts.get(CAROL)?.lists).toMatchObject({ block: true, allow: false });
      await rc.waitFor('presence.changed', (e) => e.handle === ALICE && e.status === 'offline');
      await a.contacts.unblock(CAROL);
      expect(a.contacts.get(CAROL)?.lists).toMatchObject({ block: false, allow: true });
      await waitUntil(() => c.contacts.get(ALICE)?.status === 'online');

      await c.contacts.remove(ALICE);
      await ra.waitFor('contact.removed-me', (e) => e.handle === CAROL);
      expect(a.contacts.get(CAROL)?.lists.reverse).toBe(false);
      expect(c.contacts.get(ALICE)?.lists.forward).toBe(false);

      const p = await a.contacts.setPrivacy({ visibility: 'only-allowed', promptOnAdd: false });
      expect(p).toEqual({ visibility: 'only-allowed', promptOnAdd: false });
      expect(ra.of('privacy.changed').at(-1)?.privacy).toEqual(p);
      // Setting the same again is not an error.
      await a.contacts.setPrivacy({ visibility: 'only-allowed' });

      await expect(a.contacts.add('nobody@example.com')).rejects.toMatchObject({ code: 'unknown-account' });
      await expect(a.contacts.add('not an address')).rejects.toMatchObject({ code: 'invalid-handle' });
    });

    it.skipIf(dialect < 7)('manages groups: create, rename, move, copy, delete', async () => {
      const w = await world(dialect);
      const { a, ra } = w;
      await befriend(w);
      const friends = await a.contacts.createGroup('Friends & Co');
      const work = await a.contacts.createGroup('Work');
      expect(ra.of('group.added').map((e) => e.group.name)).toEqual(['Friends & Co', 'Work']);
      await a.contacts.moveToGroup(BOB, null, friends.id);
      expect(a.contacts.get(BOB)?.groupIds).toEqual([friends.id]);
      await a.contacts.copyToGroup(BOB, work.id);
      expect(new Set(a.contacts.get(BOB)?.groupIds)).toEqual(new Set([friends.id, work.id]));
      await a.contacts.moveToGroup(BOB, work.id, friends.id);
      expect(a.contacts.get(BOB)?.groupIds).toEqual([friends.id]);
      const renamed = await a.contacts.renameGroup(friends.id, 'Best friends');
      expect(renamed.name).toBe('Best friends');
      await a.contacts.deleteGroup(friends.id);
      expect(a.contacts.groups().map((g) => g.name)).not.toContain('Best friends');
      expect(a.contacts.get(BOB)?.lists.forward).toBe(true);
      // In no group now: MSNP7–9 count that as group 0, "Other Contacts" (MSNP.md §4.3, §4.7).
      expect(a.contacts.get(BOB)?.groupIds).toEqual(dialect <= 9 ? ['0'] : []);

      // A fresh sign-in sees the same groups from the server.
      await a.signOut();
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      // MSNP7–9 list the never-customised group 0 as `~`, shown as "Other Contacts" (MSNP.md §4.7).
      expect(a.contacts.groups().map((g) => g.name).filter((n) => n !== 'Other Contacts')).toEqual(['Work']);
      expect(a.contacts.get(BOB)?.lists.forward).toBe(true);
    });

    it('three-party conversation: queued while opening, invite, formats, typing, nudge, leave', async () => {
      const w = await world(dialect);
      const { a, b, c, ra, rb, rc } = w;
      await befriend(w);

      const conv = a.conversations.start([BOB]);
      // Sent before any switchboard exists: queued, then delivered in order.
      const m1 = a.conversations.send(conv.id, 'first');
      const m2 = a.conversations.send(conv.id, 'second ☺', { font: 'Comic Sans MS', bold: true, italic: false, underline: true, strikethrough: false, color: '#ff0000' });
      expect(m1.delivery).toBe('sending');
      const r1 = await rb.waitFor('message.received', (e) => e.message.text === 'first');
      const r2 = await rb.waitFor('message.received', (e) => e.message.text === 'second ☺');
      expect(rb.of('message.received').map((e) => e.message.text)).toEqual(['first', 'second ☺']);
      expect(r1.message.sender).toBe(ALICE);
      expect(r2.message.format).toMatchObject({ font: 'Comic Sans MS', bold: true, underline: true, color: '#ff0000' });
      await ra.waitFor('message.delivery', (e) => e.messageId === m1.id && e.delivery === 'delivered');
      await ra.waitFor('message.delivery', (e) => e.messageId === m2.id && e.delivery === 'delivered');
      expect(ra.of('message.delivery').filter((e) => e.messageId === m1.id).map((e) => e.delivery)).toEqual(['sent', 'delivered']);

      // Bob's side knows the conversation; he answers in it.
      const bobConv = rb.of('conversation.started')[0]?.conversation;
      expect(bobConv?.startedBy).toBe(ALICE);
      b.conversations.send(bobConv?.id ?? '', 'hi alice');
      await ra.waitFor('message.received', (e) => e.message.text === 'hi alice' && e.message.conversationId === conv.id);

      // A third person joins; everyone gets everything.
      await a.conversations.invite(conv.id, CAROL);
      await ra.waitFor('conversation.participant-joined', (e) => e.participant.handle === CAROL);
      await rb.waitFor('conversation.participant-joined', (e) => e.participant.handle === CAROL);
      const carolConv = (await rc.waitFor('conversation.started')).conversation;
      await rc.waitFor('conversation.participant-joined', (e) => e.participant.handle === BOB);
      a.conversations.send(conv.id, 'hello both');
      await rb.waitFor('message.received', (e) => e.message.text === 'hello both');
      await rc.waitFor('message.received', (e) => e.message.text === 'hello both');
      c.conversations.send(carolConv.id, 'hey from carol');
      await ra.waitFor('message.received', (e) => e.message.text === 'hey from carol');
      await rb.waitFor('message.received', (e) => e.message.text === 'hey from carol');

      // Typing (rate-limited) and nudge.
      expect(b.conversations.typing(bobConv?.id ?? '')).toBe(true);
      expect(b.conversations.typing(bobConv?.id ?? '')).toBe(false);
      await ra.waitFor('typing.received', (e) => e.handle === BOB);
      await rc.waitFor('typing.received', (e) => e.handle === BOB);
      c.conversations.nudge(carolConv.id);
      await ra.waitFor('nudge.received', (e) => e.handle === CAROL);

      // Long text is split, never cut: the receivers get all of it.
      const long = 'x'.repeat(1500) + ' ' + 'é'.repeat(900) + ' end';
      const ml = a.conversations.send(conv.id, long);
      await ra.waitFor('message.delivery', (e) => e.messageId === ml.id && e.delivery === 'delivered');
      await waitUntil(() => rb.of('message.received').map((e) => e.message.text).join('').includes(' end'));
      const joined = rb
        .of('message.received')
        .filter((e) => e.message.sender === ALICE)
        .map((e) => e.message.text)
        .join('');
      expect(joined.endsWith(long)).toBe(true);

      // Carol leaves; the others see it.
      c.conversations.close(carolConv.id);
      await ra.waitFor('conversation.participant-left', (e) => e.handle === CAROL && !e.idle);
      await rb.waitFor('conversation.participant-left', (e) => e.handle === CAROL);
      expect(a.conversations.get(conv.id)?.participants.map((p) => p.handle)).toEqual([BOB]);
    });

    // MSNP13+ has no SYN: the list always comes from the address book (MSNP13-18.md §5.3).
    it.skipIf(dialect >= 13)('takes the short SYN answer when the cached list is current', async () => {
      const cache = new MemoryListCache();
      const w = await world(dialect, cache);
      await befriend(w);
      const { a } = w;
      const before = a.contacts.all().map((x) => x.handle).sort();
      // MSNP10+ list changes return no version (MSNP.md §2.5), so the cache is current only after
      // a full SYN with no change since: sign in once more to refresh it.
      await a.signOut();
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      await a.signOut();
      const tap: TrafficEntry[] = [];
      const first = w.net.nodeOf(ALICE);
      const next = w.net.signInNode(ALICE);
      if (next !== first) {
        // On a cluster this sign-in goes to the other node. The client keys its cache by server
        // address; a cluster behind one name (round-robin DNS) is one address, so it would find
        // the copy made on the first node: put that copy under the second node's address.
        const saved = await cache.load(listCacheKey(ALICE, first.host, first.nsPort));
        expect(saved).toBeDefined();
        await cache.save(listCacheKey(ALICE, next.host, next.nsPort), saved as NonNullable<typeof saved>);
      }
      const again = clientFor(next, dialect, { listCache: cache, tap: (e) => tap.push(e) });
      scope.clients.push(again);
      const r = new Recorder(again);
      await again.signIn({ handle: ALICE, password: 'alice-pw' });
      const synced = await r.waitFor('contact-list.synced');
      expect(synced.contacts.map((x) => x.handle).sort()).toEqual(before);
      expect(tap.filter((e) => e.direction === 'in' && e.line.startsWith('LST')).length).toBe(0);
      // Presence still arrives for the cached contacts.
      await waitUntil(() => again.contacts.get(BOB)?.status === 'online');
    });

    it('reports wrong passwords, unknown accounts, and being signed in elsewhere', async () => {
      const w = await world(dialect);
      const bad = clientFor(w.net.server, dialect);
      scope.clients.push(bad);
      const e1 = await bad.signIn({ handle: ALICE, password: 'nope' }).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(SignInFailure);
      expect((e1 as SignInFailure).code).toBe('wrong-password');
      expect(bad.state).toMatchObject({ status: 'signed-out', error: { code: 'wrong-password' } });
      const e2 = await bad.signIn({ handle: 'ghost@example.com', password: 'nope' }).catch((e: unknown) => e);
      expect(['unknown-account', 'wrong-password']).toContain((e2 as SignInFailure).code);

      const second = clientFor(w.net.signInNode(ALICE), dialect);
      scope.clients.push(second);
      await second.signIn({ handle: ALICE, password: 'alice-pw' });
      const out = await w.ra.waitFor('connection.changed', (e) => e.state.status === 'signed-out');
      expect(out.state.error?.code).toBe('signed-in-elsewhere');
      await new Promise((r) => setTimeout(r, 200));
      expect(w.a.state.status).toBe('signed-out'); // no reconnect after OUT OTH
    });
  });
}
