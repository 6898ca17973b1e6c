/**
 * Monarch's own MSNP15 client against the bundled server's offline messages (MSNP13-18.md §9),
 * over real TCP and HTTP: Alice leaves a message for Bob, who is signed out; the server restarts;
 * Bob's client receives it at sign-in with the time it was sent, acknowledges it, and it is not
 * offered again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/model';
import { MsnClient } from '../../electron/core/msn/client';
import type { RunningServer } from '../../server/index';
import { startTestServer } from './helpers/msnp';
import { getMetadata, oimTokens } from './helpers/oim';

function client(server: RunningServer): MsnClient {
  return new MsnClient({
    server: { host: server.host, port: server.nsPort, dialects: { min: 15, max: 15 }, nexusUrl: server.nexusUrl },
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, jitter: 0, shutdownDelayMs: 300 },
    requestTimeoutMs: 5000,
  });
}

function received(c: MsnClient): Extract<DomainEvent, { type: 'message.received' }>[] {
  const got: Extract<DomainEvent, { type: 'message.received' }>[] = [];
  c.onEvent((e) => {
    if (e.type === 'message.received') got.push(e);
  });
  return got;
}

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Monarch MSNP15 client ↔ bundled server: offline messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-oim-client-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Alice leaves Bob a message while he is out; after a restart Bob gets it once, with its time', async () => {
    let server = await startTestServer({ dataDir: dir, maxDialect: 15 });
    try {
      await server.accounts.add('alice@example.com', 'alice-pw', 'Alice');
      await server.accounts.add('bob@example.com', 'bob-pw', 'Bob');
      const alice = client(server);
      await alice.signIn({ handle: 'alice@example.com', password: 'alice-pw' });
      const before = Date.now();
      await alice.sendOfflineMessage('bob@example.com', 'See you tomorrow! ☕');
      await alice.sendOfflineMessage('bob@example.com', 'And bring the cake.');
      await alice.signOut();

      await server.stop();
      server = await startTestServer({ dataDir: dir, maxDialect: 15 });

      const bob = client(server);
      const got = received(bob);
      await bob.signIn({ handle: 'bob@example.com', password: 'bob-pw' });
      await until(() => got.length >= 2);
      expect(got.map((e) => [e.message.sender, e.message.senderName, e.message.text])).toEqual([
        ['alice@example.com', 'Alice', 'See you tomorrow! ☕'],
        ['alice@example.com', 'Alice', 'And bring the cake.'],
      ]);
      // The time it was sent (the server's receipt, to the second), not the time it was read.
      for (const e of got) expect(Math.abs(e.message.timestamp - before)).toBeLessThan(5000);
      // Until the app has stored them, the server keeps them.
      const tokens = await oimTokens(server, 'bob@example.com', 'bob-pw');
      expect((await getMetadata(server, tokens.cookie)).messages).toHaveLength(2);
      await bob.acknowledgeOfflineMessages(got.map((e) => e.message.id));
      expect((await getMetadata(server, tokens.cookie)).messages).toEqual([]);
      await bob.signOut();

      const again = client(server);
      const gotAgain = received(again);
      await again.signIn({ handle: 'bob@example.com', password: 'bob-pw' });
      await new Promise((r) => setTimeout(r, 500));
      expect(gotAgain).toEqual([]);
      await again.signOut();
    } finally {
      await server.stop();
    }
  });
});
