/**
 * MSNP13–15 against the bundled server over real TCP and HTTP: sign-in through its token service
 * (TWN with the RST ticket at 13–14, SSO at 15), the SOAP address book, and a mixed-dialect pair
 * (MSNP7 and MSNP15) adding each other and chatting (MSNP13-18.md §4–§7). Run against one process
 * (msnp13-integration.test.ts) and a two-node cluster (cluster-integration.test.ts), each client
 * on the node the network gives its user (the mixed pair on different nodes).
 */
import { describe, expect, it } from 'vitest';
import type { Network } from '../../server/helpers/network';
import { Recorder, bundledPerTest, clientFor } from '../helpers/bundled';
import { waitUntil } from '../helpers/fake-server';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** Defines the scenarios against a fresh network from `start` per test. */
export function msnp13IntegrationScenarios(start: () => Promise<Network>): void {
  const scope = bundledPerTest();

  describe.each([13, 14, 15] as const)('MSNP%i sign-in with the bundled server', (dialect) => {
    it('signs in through the token service and syncs the address book', async () => {
      const net = await start();
      scope.network = net;
      const server = net.server;
      await server.accounts.add(ALICE, 'alice-pw', 'Alice');
      const posts: string[] = [];
      const a = clientFor(net.signInNode(ALICE), dialect, { tap: (e) => void (e.connection === 'ab' && e.direction === 'out' && posts.push(e.line)) });
      scope.clients.push(a);
      const ra = new Recorder(a);
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      expect(a.dialect).toBe(dialect);
      expect(a.state).toMatchObject({ status: 'online', protocol: `MSNP${dialect}` });
      expect(ra.of('contact-list.synced')).toHaveLength(1);
      // The bundled server answers the paged call, so the client never needs ABFindAll (MSNP13-18.md §6.4).
      expect(posts.some((l) => l.endsWith('/ABFindContactsPaged'))).toBe(true);
      expect(posts.some((l) => l.endsWith('/ABFindAll'))).toBe(false);
    });
  });

  describe('FQY before adding (MSNP13-18.md §7.3)', () => {
    it('MSNP15: the network of a new address is asked first; no such account is refused before the address book is touched', async () => {
      const net = await start();
      scope.network = net;
      const server = net.server;
      await server.accounts.add(ALICE, 'alice-pw', 'Alice');
      await server.accounts.add(BOB, 'bob-pw', 'Bob');
      const out: { connection: string; line: string }[] = [];
      const a = clientFor(net.signInNode(ALICE), 15, { tap: (e) => void (e.direction === 'out' && out.push({ connection: e.connection, line: e.line })) });
      scope.clients.push(a);
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      const from = out.length;
      await expect(a.contacts.add('nobody@example.com')).rejects.toMatchObject({ code: 'unknown-account' });
      const tried = out.slice(from);
      expect(tried.some((l) => /^FQY \d+/.test(l.line))).toBe(true);
      expect(tried.some((l) => l.line.endsWith('/ABContactAdd'))).toBe(false);
      const next = out.length;
      await a.contacts.add(BOB);
      const added = out.slice(next);
      const fqy = added.findIndex((l) => /^FQY \d+/.test(l.line));
      const soap = added.findIndex((l) => l.line.endsWith('/ABContactAdd'));
      expect(fqy).toBeGreaterThanOrEqual(0);
      expect(soap).toBeGreaterThan(fqy);
      expect(a.contacts.get(BOB)?.lists).toMatchObject({ forward: true, allow: true });
    });
  });

  describe('mixed dialects', () => {
    it('an MSNP7 user and an MSNP15 user add each other and chat', async () => {
      const net = await start();
      scope.network = net;
      const server = net.server;
      await server.accounts.add(ALICE, 'alice-pw', 'Alice');
      await server.accounts.add(BOB, 'bob-pw', 'Bob');
      const a = clientFor(net.signInNode(ALICE), 15);
      const b = clientFor(net.signInNode(BOB), 7);
      scope.clients.push(a, b);
      const ra = new Recorder(a);
      const rb = new Recorder(b);
      await a.signIn({ handle: ALICE, password: 'alice-pw' });
      await b.signIn({ handle: BOB, password: 'bob-pw' });
      await a.contacts.add(BOB);
      const prompt = await rb.waitFor('contact.added-me', (e) => e.handle === ALICE);
      expect(prompt.needsDecision).toBe(true);
      await b.contacts.allow(ALICE);
      await b.contacts.add(ALICE);
      await ra.waitFor('contact.added-me', (e) => e.handle === BOB);
      // Presence may come with contact.added itself (README "Presence right after add").
      await waitUntil(() => a.contacts.get(BOB)?.status === 'online');
      await waitUntil(() => b.contacts.get(ALICE)?.status === 'online');
      expect(a.contacts.get(BOB)?.lists).toMatchObject({ forward: true, allow: true, reverse: true });
      expect(b.contacts.get(ALICE)?.lists).toMatchObject({ forward: true, allow: true, reverse: true });

      const conv = a.conversations.start([BOB]);
      a.conversations.send(conv.id, 'Hello from MSNP15');
      const got = await rb.waitFor('message.received', (e) => e.message.text === 'Hello from MSNP15');
      b.conversations.send(got.message.conversationId, 'Hello from MSNP7');
      await ra.waitFor('message.received', (e) => e.message.text === 'Hello from MSNP7' && e.message.sender === BOB);
    });
  });
}
