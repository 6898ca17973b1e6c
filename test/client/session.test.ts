/**
 * Session paths over real TCP on 127.0.0.1: keep-alive dead-link detection, an asynchronous
 * `XFR 0 NS` move, `OUT` reasons (MSNP.md §1.6, §5.5), conversations refused while appearing
 * offline (`913`), renaming a contact's stored name (`REA`/`SBP`, §4.8, §5.4), and presence that
 * answers an `ADD` (§4.5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MsnClient, type MsnClientOptions } from '../../electron/core/msn/client';
import { OperationFailure } from '../../electron/core/msn/errors';
import type { RunningServer } from '../../server/index';
import { Recorder, clientFor, startBundled } from './helpers/bundled';
import { FakeServer, sleep, waitUntil, type FakeConn } from './helpers/fake-server';
import { scriptedNs } from './helpers/scripted-ns';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ME = 'me@example.com';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

async function fakes(...handlers: Parameters<typeof FakeServer.start>[0]): Promise<FakeServer> {
  const s = await FakeServer.start(handlers);
  cleanups.push(() => s.stop());
  return s;
}

function client(ns: FakeServer, extra: Partial<MsnClientOptions> = {}): { client: MsnClient; rec: Recorder } {
  const c = new MsnClient({ server: { host: ns.host, port: ns.port }, reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 }, requestTimeoutMs: 3000, ...extra });
  cleanups.push(() => c.signOut());
  return { client: c, rec: new Recorder(c) };
}


const contacts = [{ handle: BOB, name: 'Bob', online: 'NLN' }];
const noSb = (): string => '127.0.0.1:1';

describe('keep-alive (MSNP.md §1.6)', () => {
  it('notices a server that stops answering PNG, drops the link and signs in again', async () => {
    let answered = 0;
    let silentConn: FakeConn | undefined;
    const ns = await fakes(
      scriptedNs({
        contacts,
        sb: noSb,
        onCommand: (c, cmd) => {
          if (cmd.verb !== 'PNG') return false;
          // Answer the SYN barrier and the first regular ping, then go silent with the socket open.
          if (answered < 2) {
            answered += 1;
            c.send('QNG');
          } else {
            silentConn = c;
          }
          return true;
        },
      }),
      scriptedNs({ contacts, sb: noSb }),
    );
    const { client: c, rec } = client(ns, { keepAlive: { intervalMs: 100, timeoutMs: 250 } });
    await c.signIn({ handle: ME, password: 'x' });
    const drop = await rec.waitFor('connection.changed', (e) => e.state.status === 'reconnecting', 5000);
    expect(drop.state.error?.code).toBe('timeout');
    expect(silentConn).toBeDefined();
    // The client gave up on the silent socket itself.
    expect(await silentConn?.waitClosed(2000)).toBe(true);
    await rec.next('connection.changed', (e) => e.state.status === 'online', 5000);
    expect(ns.conns).toHaveLength(2);
    await rec.waitFor('presence.changed', (e) => e.handle === BOB && e.status === 'online');
    expect(c.contacts.get(BOB)?.status).toBe('online');
    expect(ns.errors).toEqual([]);
  });
});

describe('XFR 0 NS while signed in (MSNP.md §1.6)', () => {
  it('closes the old server and signs in at the new one, keeping the list', async () => {
    const ns2 = await fakes(scriptedNs({ contacts, sb: noSb }));
    const ns1 = await fakes(
      scriptedNs({
        contacts,
        sb: noSb,
        online: (c) => {
          c.send(`XFR 0 NS 127.0.0.1:${ns2.port} 0 127.0.0.1:1863`);
        },
      }),
    );
    const { client: c, rec } = client(ns1);
    await c.signIn({ handle: ME, password: 'x' });
    await rec.waitFor('connection.changed', (e) => e.state.status === 'reconnecting', 5000);
    await rec.next('connection.changed', (e) => e.state.status === 'online', 5000);
    expect(c.server).toEqual({ host: '127.0.0.1', port: ns2.port });
    expect(ns1.conns).toHaveLength(1);
    expect(await ns1.conns[0]?.waitClosed(2000)).toBe(true);
    expect(ns2.conns).toHaveLength(1);
    expect(ns2.conns[0]?.lines[0]).toMatch(/^VER 1 /);
    expect(c.contacts.get(BOB)).toMatchObject({ status: 'online', lists: { forward: true } });
    expect([...ns1.errors, ...ns2.errors]).toEqual([]);
  });

  it('ignores a malformed XFR and stays signed in', async () => {
    const ns = await fakes(scriptedNs({ contacts, sb: noSb, online: (c) => c.send('XFR 0 NS not-an-address 0') }));
    const { client: c, rec } = client(ns);
    await c.signIn({ handle: ME, password: 'x' });
    await c.self.setStatus('away'); // a round trip after the XFR
    expect(c.state.status).toBe('online');
    expect(rec.of('connection.changed').map((e) => e.state.status)).not.toContain('reconnecting');
  });
});

describe('OUT from the server (MSNP.md §5.5)', () => {
  const outThenClose = (line: string) =>
    scriptedNs({
      contacts,
      sb: noSb,
      online: (c) => {
        c.send(line);
        c.close();
      },
    });

  it('OUT RCT n: reconnects no sooner than n minutes later', async () => {
    const ns = await fakes(outThenClose('OUT RCT 6'));
    const { client: c, rec } = client(ns, { reconnect: { initialDelayMs: 50, jitter: 0.2 } });
    await c.signIn({ handle: ME, password: 'x' });
    const before = Date.now();
    const drop = await rec.waitFor('connection.changed', (e) => e.state.status === 'reconnecting', 5000);
    expect(drop.state.error).toEqual({ code: 'server-busy', message: 'The server asked us to come back in 6 minutes.' });
    expect(drop.state.retryAt).toBeGreaterThanOrEqual(before + 6 * 60_000);
    expect(drop.state.retryAt).toBeLessThanOrEqual(Date.now() + 6 * 60_000 * 1.2);
  });

  it('OUT MIG: signs in again at once; OUT TOU: stays signed out as restricted', async () => {
    const mig = await fakes(outThenClose('OUT MIG'), scriptedNs({ contacts, sb: noSb }));
    const m = client(mig);
    await m.client.signIn({ handle: ME, password: 'x' });
    const drop = await m.rec.waitFor('connection.changed', (e) => e.state.status === 'reconnecting', 5000);
    expect(drop.state.error?.code).toBe('connection-lost');
    await m.rec.next('connection.changed', (e) => e.state.status === 'online', 5000);

    const tou = await fakes(outThenClose('OUT TOU'));
    const t = client(tou);
    await t.client.signIn({ handle: ME, password: 'x' });
    const out = await t.rec.waitFor('connection.changed', (e) => e.state.status === 'signed-out', 5000);
    expect(out.state.error?.code).toBe('account-restricted');
    await sleep(150);
    expect(tou.conns).toHaveLength(1);
  });
});

describe('presence answering an ADD (MSNP.md §4.5)', () => {
  /** An NS whose `ADD FL` reply is followed by `ILN`, in the same TCP write or a later one. */
  const nsAnsweringAdd = (sameWrite: boolean) =>
    scriptedNs({
      contacts: [],
      sb: noSb,
      onCommand: (c, cmd) => {
        if (cmd.verb !== 'ADD') return false;
        const [list, handle, name] = cmd.params as [string, string, string];
        const reply = `ADD ${cmd.trId} ${list} 8 ${handle} ${name}\r\n`;
        const iln = `ILN ${cmd.trId} BSY ${handle} Alice%20A\r\n`;
        if (list !== 'FL') c.write(reply);
        else if (sameWrite) c.write(reply + iln);
        else {
          c.write(reply);
          void sleep(50).then(() => c.write(iln));
        }
        return true;
      },
    });

  it('same read: contact.added already carries the status, no separate presence.changed', async () => {
    const ns = await fakes(nsAnsweringAdd(true));
    const { client: c, rec } = client(ns);
    await c.signIn({ handle: ME, password: 'x' });
    await c.contacts.add(ALICE);
    const added = rec.of('contact.added').filter((e) => e.contact.handle === ALICE);
    expect(added).toHaveLength(1);
    expect(added[0]?.contact).toMatchObject({ status: 'busy', friendlyName: 'Alice A', storedName: ALICE });
    expect(rec.of('presence.changed').filter((e) => e.handle === ALICE)).toEqual([]);
  });

  it('later read: contact.added (offline) then presence.changed; the end state is the same', async () => {
    const ns = await fakes(nsAnsweringAdd(false));
    const { client: c, rec } = client(ns);
    await c.signIn({ handle: ME, password: 'x' });
    await c.contacts.add(ALICE);
    await rec.waitFor('presence.changed', (e) => e.handle === ALICE && e.status === 'busy');
    const types = rec.events.filter((e) => ('contact' in e ? e.contact.handle : 'handle' in e ? e.handle : '') === ALICE).map((e) => e.type);
    expect(types[0]).toBe('contact.added');
    expect(types).toContain('presence.changed');
    expect(c.contacts.get(ALICE)).toMatchObject({ status: 'busy', friendlyName: 'Alice A' });
  });
});

describe('with the bundled server', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function pair(dialect: 2 | 7 | 9 | 10 | 12, status: 'online' | 'hidden' = 'online') {
    server = await startBundled();
    await server.accounts.add(ALICE, 'alice-pw', 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    const s = server;
    const mk = (): MsnClient => {
      const c = clientFor(s, dialect);
      cleanups.push(() => c.signOut());
      return c;
    };
    const a = mk();
    const b = mk();
    await a.signIn({ handle: ALICE, password: 'alice-pw', status });
    await b.signIn({ handle: BOB, password: 'bob-pw' });
    return { a, b, ra: new Recorder(a), mk };
  }

  it.each([7, 12] as const)('MSNP%i: starting a chat while appearing offline fails clearly (913), the session carries on', async (dialect) => {
    const { a, ra } = await pair(dialect, 'hidden');
    await a.contacts.add(BOB);
    const conv = a.conversations.start([BOB]);
    const err = await a.conversations.connect(conv.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationFailure);
    expect(err).toMatchObject({ code: 'not-allowed', protocolCode: 913, message: 'conversations cannot be started while you appear offline' });
    const m = a.conversations.send(conv.id, 'hello?');
    const failed = await ra.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'failed');
    expect(failed.failure).toEqual({ reason: 'signed-out', message: 'conversations cannot be started while you appear offline' });
    expect(a.state.status).toBe('online');
    // Visible again: the same conversation works.
    await a.self.setStatus('online');
    expect(a.conversations.retry(conv.id, m.id)).toBe(true);
    await ra.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'delivered');
  });

  it.each([2, 9, 10, 12] as const)('MSNP%i: renames the stored name of a contact (REA / SBP), kept by the server', async (dialect) => {
    const { a, b, ra, mk } = await pair(dialect);
    await a.contacts.add(BOB);
    // Bob is online: his status came with contact.added or a presence.changed (see the ADD tests).
    await waitUntil(() => a.contacts.get(BOB)?.status === 'online');
    const renamed = await a.contacts.rename(BOB, 'Bobby (work) 100%');
    // Bob's own name (from presence) still shows while he is online; the stored one changed.
    expect(renamed).toMatchObject({ handle: BOB, storedName: 'Bobby (work) 100%', friendlyName: 'Bob' });
    await ra.waitFor('contact.updated', (e) => e.contact.handle === BOB && e.contact.storedName === 'Bobby (work) 100%');
    await expect(a.contacts.rename(BOB, '')).rejects.toMatchObject({ code: 'invalid-name' });
    await expect(a.contacts.rename('nobody@example.com', 'X')).rejects.toMatchObject({ code: 'not-found' });
    // A fresh session (no cache) gets the stored name from the server's list; Bob is offline, so it shows.
    await b.signOut();
    await a.signOut();
    const a2 = mk();
    await a2.signIn({ handle: ALICE, password: 'alice-pw' });
    expect(a2.contacts.get(BOB)).toMatchObject({ status: 'offline', friendlyName: 'Bobby (work) 100%' });
    expect(a2.contacts.get(BOB)?.storedName).toBe('Bobby (work) 100%');
  });
});
