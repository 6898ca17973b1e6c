/**
 * The per-connection command rate (server/README.md "Bad input and abuse"): a legitimate client
 * adding its whole list in one burst is served in full with the default limits; commands over the
 * rate get the reference's "too active" errors (713, 800 for changes; MSNP.md §7, §8) and the
 * connection stays up; only a client that keeps flooding beyond that is disconnected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeName, serializeAll, type Command, type CommandInit } from '../../shared/msnp/index';
import { createMemoryLogger, type RunningServer } from '../../server/index';
import { MsnClient } from '../../electron/core/msn/client';
import { seedAccounts } from './helpers/seed';
import { signIn, startTestServer, syncAll, type SignedIn } from './helpers/msnp';

/** The forward list's cap (MSNP.md §8), the whole list a client may add at once. */
const LIST = 600;
const contacts = Array.from({ length: LIST }, (_, i) => `bulk-contact${i}@example.com`);

describe('a whole list added in one burst, default limits', () => {
  let dir: string;
  let server: RunningServer;
  const logger = createMemoryLogger();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'monarch-rate-'));
    // 600 accounts through accounts.add() would run scrypt 600 times; seed them directly.
    await seedAccounts(dir, [...contacts, 'owner7@example.com', 'owner12@example.com', 'app7@example.com', 'app12@example.com'], 'pw');
    server = await startTestServer({ dataDir: dir, logger });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes every command in one `write` (one burst) and collects the reply to each TrID. */
  async function burst(s: SignedIn, cmds: CommandInit[]): Promise<Command[]> {
    s.client.write(serializeAll(cmds, 'toServer'));
    return Promise.all(cmds.map((c) => s.client.reply(c.trId as number, 20_000)));
  }

  it('MSNP7: 600 ADD FL in one write all succeed, and the connection stays open', async () => {
    const s = await signIn(server, 7, 'owner7@example.com', 'pw');
    await syncAll(s);
    const cmds = contacts.map((h, i) => ({ verb: 'ADD', trId: 1000 + i, params: ['FL', h, encodeName(`Contact ${i}`)] }));
    const replies = await burst(s, cmds);
    expect(replies.map((r) => r.verb)).toEqual(cmds.map(() => 'ADD'));
    expect(replies[LIST - 1]?.params.slice(0, 1)).toEqual(['FL']);
    expect(replies[LIST - 1]?.params[2]).toBe(contacts[LIST - 1]);
    // Still connected and served.
    const t = s.client.send('LST', ['FL']);
    expect((await s.client.reply(t)).params.slice(0, 4)).toEqual(['FL', String(Number(replies[LIST - 1]?.params[1])), '1', String(LIST)]);
    s.client.close();
  }, 60_000);

  it('MSNP12: 600 ADC FL in one write all succeed, and the connection stays open', async () => {
    const s = await signIn(server, 12, 'owner12@example.com', 'pw');
    await syncAll(s);
    const cmds = contacts.map((h, i) => ({ verb: 'ADC', trId: 1000 + i, params: ['FL', `N=${h}`, `F=${encodeName(`Contact ${i}`)}`] }));
    const replies = await burst(s, cmds);
    expect(replies.map((r) => r.verb)).toEqual(cmds.map(() => 'ADC'));
    const t = s.client.send('PRP', ['PHH', '555']);
    expect((await s.client.reply(t)).verb).toBe('PRP');
    s.client.close();
    expect(logger.entries.filter((e) => e.event === 'disconnect' && String(e.fields.reason).includes('rate'))).toEqual([]);
  }, 60_000);

  // Our own client adds a contact with two commands (FL, then AL): 1,200 in one go, all answered.
  it.each([7, 12] as const)('MSNP%i: the app client adds 600 contacts at once (Promise.all) with the default limits', async (d) => {
    const client = new MsnClient({
      server: { host: server.host, port: server.nsPort, dialects: { min: d, max: d }, nexusUrl: server.nexusUrl },
      requestTimeoutMs: 30_000,
    });
    try {
      await client.signIn({ handle: `app${d}@example.com`, password: 'pw' });
      const added = await Promise.all(contacts.map((h) => client.contacts.add(h)));
      expect(added).toHaveLength(LIST);
      expect(client.contacts.all().filter((c) => c.lists.forward && c.lists.allow)).toHaveLength(LIST);
    } finally {
      await client.signOut();
    }
  }, 60_000);
});

describe('over the rate', () => {
  let server: RunningServer;
  const logger = createMemoryLogger();
  // One command per second sustained (so refills cannot blur the counts), 20 in a burst, and 30
  // over-rate commands answered with errors before a disconnect.
  const limits = { commandsPerSecond: 1, commandBurst: 20, overRateBurst: 30 };

  beforeAll(async () => {
    server = await startTestServer({ logger, limits });
    await server.accounts.add('fast@example.com', 'pw', 'Fast');
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is answered with 713 (800 for changes), keeps the connection, and a flood beyond is cut off', async () => {
    const s = await signIn(server, 7, 'fast@example.com', 'pw'); // VER, INF, USR, USR: 4 of the 20
    const lst = Array.from({ length: 20 }, (_, i) => ({ verb: 'LST', trId: 100 + i, params: ['RL'] }));
    const add = Array.from({ length: 10 }, (_, i) => ({ verb: 'ADD', trId: 200 + i, params: ['AL', `x${i}@example.com`, `x${i}@example.com`] }));
    s.client.write(serializeAll([...lst, ...add], 'toServer'));
    const lstReplies = await Promise.all(lst.map((c) => s.client.reply(c.trId)));
    const addReplies = await Promise.all(add.map((c) => s.client.reply(c.trId)));
    // At least the 16 left in the burst were served; the rest of the LSTs got 713 "too active".
    const served = lstReplies.filter((r) => r.verb === 'LST').length;
    expect(served).toBeGreaterThanOrEqual(16);
    expect(lstReplies.slice(served).map((r) => r.verb)).toEqual(lstReplies.slice(served).map(() => '713'));
    // List changes over the rate: 800 "too many changes too quickly".
    expect(addReplies.map((r) => r.verb)).toEqual(add.map(() => '800'));
    expect(s.client.closed).toBe(false);

    // Keeps flooding: beyond the 30 over-rate commands → disconnected.
    s.client.write('PNG\r\n'.repeat(200));
    await s.client.waitClosed();
    expect(logger.entries.some((e) => e.event === 'disconnect' && String(e.fields.reason).startsWith('rate limit'))).toBe(true);
  });
});
