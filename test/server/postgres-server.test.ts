/**
 * The server on PostgreSQL through the real path (issue 13): the dialect scenarios against a
 * server on a fresh database; two servers on one database verifying what the other issued (the
 * shared secrets); lists surviving a restart; and PostgreSQL briefly unreachable (a TCP proxy
 * between the server and PostgreSQL, cut and restored): clear errors during the cut, nothing
 * acknowledged lost, working again after. Needs MONARCH_TEST_POSTGRES_URL; fails in CI without.
 */
import { afterEach, expect, it } from 'vitest';
import { LIST_BITS, tokenFor, type RstResponse } from '../../shared/msnp/index';
import { parseCli, runUserCommand } from '../../server/cli';
import { createMemoryLogger, type RunningServer } from '../../server/index';
import { openPostgresStore } from '../../server/store/postgres-store';
import { tcpProxy } from '../helpers/tcp-proxy';
import { describeWithServices, freshDatabase, type TestDatabase } from '../helpers/services';
import { addToForward, RawClient, signIn, startTestServer, syncAll } from './helpers/msnp';
import { requestTokens } from './helpers/msnp13';
import { dialectScenarios } from './scenarios/dialects';

describeWithServices(['postgres'], 'the server on PostgreSQL', () => {
  let scenarioDb: TestDatabase | undefined;
  // A representative part of the per-dialect scenarios: MD5 (2, 7), Passport (8) and MSNP12.
  dialectScenarios(
    [2, 7, 8, 12],
    async () => {
      scenarioDb = await freshDatabase();
      return startTestServer({ postgres: scenarioDb.url });
    },
    async () => scenarioDb?.drop(),
  );

  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function database(): Promise<TestDatabase> {
    const db = await freshDatabase();
    cleanups.push(() => db.drop());
    return db;
  }

  async function server(url: string, logger = createMemoryLogger()): Promise<RunningServer> {
    const s = await startTestServer({ postgres: url, logger });
    cleanups.push(() => s.stop());
    return s;
  }

  it('two servers on one database: an MD5 secret sealed by one opens on the other, and a token one issued signs in on the other', async () => {
    const db = await database();
    const [a, b] = await Promise.all([server(db.url), server(db.url)]);
    await a.accounts.add('md5user@example.com', 'pw-md5', 'Md5');
    // Sealed by A (accounts.add), opened by B: MD5 sign-in at B (MSNP7, MSNP.md §3.2).
    const s = await signIn(b, 7, 'md5user@example.com', 'pw-md5');
    s.client.close();

    // A token from A's token service (MSNP13-18.md §4.1), redeemed at B's NS with USR TWN.
    const c = await RawClient.connect(b.nsPort, 'twn@B');
    c.dialect = 13;
    await c.reply(c.send('VER', ['MSNP13', 'CVR0']));
    await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '8.0.0812', 'msmsgs', 'md5user@example.com']));
    const challenge = await c.reply(c.send('USR', ['TWN', 'I', 'md5user@example.com']));
    expect(challenge.params.slice(0, 2)).toEqual(['TWN', 'S']);
    const tokens = (await requestTokens(a, 'md5user@example.com', 'pw-md5', `?${challenge.params[2] as string}`)) as RstResponse;
    const ticket = tokenFor(tokens, 'messenger.msn.com')?.token;
    expect(ticket).toBeDefined();
    const ok = await c.reply(c.send('USR', ['TWN', 'S', ticket as string]));
    expect(ok.params).toEqual(['OK', 'md5user@example.com', '1', '0']);
    c.close();
  });

  it('`npm run server -- user add … --postgres URL` adds to the database a server on it reads', async () => {
    const db = await database();
    const input = { interactive: false, ask: () => Promise.reject(new Error('not asked')), readStdin: () => Promise.resolve('pw-cli\n') };
    const out: string[] = [];
    await runUserCommand(parseCli(['user', 'add', 'cli@example.com', '--password-stdin', '--postgres', db.url], {}), (l) => out.push(l), input);
    expect(out).toEqual(['added cli@example.com (cli@example.com)']);
    const srv = await server(db.url);
    const s = await signIn(srv, 7, 'cli@example.com', 'pw-cli');
    s.client.close();
  });

  it('lists survive a restart of the server', async () => {
    const db = await database();
    const first = await startTestServer({ postgres: db.url });
    await first.accounts.add('keep@example.com', 'pw', 'Keep');
    await first.accounts.add('friend@example.com', 'pw', 'Friend');
    const s = await signIn(first, 7, 'keep@example.com', 'pw');
    await syncAll(s);
    await addToForward(s, 'friend@example.com', 'Friend');
    s.client.close();
    await first.stop();

    const second = await server(db.url);
    const again = await signIn(second, 7, 'keep@example.com', 'pw');
    const lst = (await syncAll(again)).filter((c) => c.verb === 'LST' && c.params[0] === 'FL');
    expect(lst.map((c) => c.params[4])).toContain('friend@example.com');
    again.client.close();
  });

  it('PostgreSQL briefly unreachable: 603 during the cut, nothing acknowledged lost, working again after', async () => {
    const db = await database();
    const proxy = await tcpProxy(new URL(db.url));
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const logger = createMemoryLogger();
    const srv = await server(viaProxy.toString(), logger);
    for (const h of ['cut@example.com', 'one@example.com', 'two@example.com', 'late@example.com']) await srv.accounts.add(h, 'pw', h.split('@')[0]);

    const s = await signIn(srv, 7, 'cut@example.com', 'pw');
    await syncAll(s);
    // Acknowledged before the cut.
    await addToForward(s, 'one@example.com', 'One');

    proxy.cut();
    // A list edit: 603 (MSNP.md §7 ERR_DB_CONNECT), the connection stays up.
    const failed = await s.client.reply(s.client.send('ADD', ['FL', 'two@example.com', 'Two']), 30_000);
    expect(failed.verb).toBe('603');
    // A sign-in that needs the store: 603 and closed, not a hang, not 911.
    const late = await RawClient.connect(srv.nsPort, 'late');
    await late.reply(late.send('VER', ['MSNP7', 'CVR0']));
    await late.reply(late.send('INF'));
    await late.reply(late.send('USR', ['MD5', 'I', 'late@example.com']));
    const refused = await late.reply(late.send('USR', ['MD5', 'S', '0'.repeat(32)]), 30_000);
    expect(refused.verb).toBe('603');
    await late.waitClosed();
    // Still up and serving what needs no store.
    s.client.sendBare('PNG');
    await s.client.expect('QNG');

    proxy.restore();
    // The edit that failed was not made; made again now, it is acknowledged and stored.
    const retried = await s.client.reply(s.client.send('ADD', ['FL', 'two@example.com', 'Two']), 30_000);
    expect(retried.verb).toBe('ADD');
    const lateAgain = await signIn(srv, 7, 'late@example.com', 'pw');
    lateAgain.client.close();
    s.client.close();

    // What was acknowledged is in the database, read directly.
    const direct = await openPostgresStore({ url: db.url });
    try {
      const account = await direct.loadAccount('cut@example.com');
      const fl = (account?.contacts ?? []).filter((c) => c.lists & LIST_BITS.FL).map((c) => c.handle).sort();
      expect(fl).toEqual(['one@example.com', 'two@example.com']);
      // The other side's reverse list too.
      expect(((await direct.loadAccount('one@example.com'))?.contacts ?? []).map((c) => c.handle)).toEqual(['cut@example.com']);
    } finally {
      await direct.close();
    }
    expect(logger.entries.some((e) => e.event === 'store-unavailable')).toBe(true);
  }, 120_000);
});
