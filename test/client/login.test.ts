import { afterEach, describe, expect, it } from 'vitest';
import { SignInFailure } from '../../electron/core/msn/errors';
import { login, pickDialect } from '../../electron/core/msn/login';
import { PassportClient } from '../../electron/core/msn/passport-http';
import type { TrafficEntry } from '../../electron/core/msn/traffic';
import { FakeNexus } from './helpers/fake-nexus';
import { FakeServer, transcript } from './helpers/fake-server';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fake(...handlers: Parameters<typeof FakeServer.start>[0]): Promise<FakeServer> {
  const s = await FakeServer.start(handlers);
  cleanups.push(() => s.stop());
  return s;
}

describe('login', () => {
  it('MSNP2 MD5 through a dispatch server referral (MSNP.md §9.1)', async () => {
    const nsHandler = transcript(`
      >>> VER 1 MSNP7 MSNP6 MSNP5 MSNP4 MSNP3 MSNP2 CVR0
      <<< VER $t MSNP2
      >>> INF 2
      <<< INF $t MD5
      >>> USR 3 MD5 I alice@hotmail.com
      <<< USR $t MD5 S 1013928519.693957190
      >>> USR 4 MD5 S 7f919fab309532df353c901430df36fa
      <<< USR $t OK alice@hotmail.com Alice%20A
    `);
    const ns = await fake(nsHandler);
    const ds = await fake(async (c) => {
      await c.expect('VER 1 MSNP7 MSNP6 MSNP5 MSNP4 MSNP3 MSNP2 CVR0');
      c.send('VER $t MSNP2 CVR0');
      await c.expect('INF 2');
      c.send('INF $t MD5');
      await c.expect('USR 3 MD5 I alice@hotmail.com');
      c.send(`XFR $t NS 127.0.0.1:${ns.port}`);
      await c.waitClosed();
    });
    const result = await login({
      profile: { host: ds.host, port: ds.port, dialects: { min: 2, max: 7 } },
      handle: 'alice@hotmail.com',
      password: 'password',
      passport: new PassportClient(),
    });
    expect(result.dialect).toBe(2);
    expect(result.friendlyName).toBe('Alice A');
    expect(result.port).toBe(ns.port);
    expect(result.connection.status).toBe('online');
    result.connection.close();
    await ds.finished();
    await ns.finished();
  });

  it('MSNP8 TWN without an XFR step, DALogin without a scheme, a 302 hop, secrets masked', async () => {
    const nexus = await FakeNexus.start({ accounts: { 'alice@hotmail.com': 'p,w d' }, redirectOnce: true, urlsHeaderName: 'Passporturls', https: true });
    cleanups.push(() => nexus.stop());
    const ns = await fake(
      transcript(`
        >>> VER 1 MSNP12 MSNP11 MSNP10 MSNP9 MSNP8 CVR0
        <<< VER $t MSNP8 CVR0
        >>> CVR 2 0x0409 winnt 5.1 i386 MSNMSGR * MSMSGS alice@hotmail.com
        <<< CVR $t 7.5.0324 7.5.0324 1.0.0000 http://example.com http://example.com
        >>> USR 3 TWN I alice@hotmail.com
        <<< USR $t TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1
        >>> USR 4 TWN S t=ticket-alice@hotmail.com$$&p=prof$$
        <<< USR $t OK alice@hotmail.com Alice 1 0
      `),
    );
    const tap: TrafficEntry[] = [];
    const result = await login({
      profile: { host: ns.host, port: ns.port, dialects: { min: 8, max: 12 }, nexusUrl: nexus.nexusUrl, tls: { ca: FakeNexus.ca } },
      handle: 'alice@hotmail.com',
      password: 'p,w d',
      passport: new PassportClient(),
      tap: (e) => tap.push(e),
    });
    expect(result.dialect).toBe(8);
    expect(result.friendlyName).toBe('Alice');
    expect(nexus.requests.map((r) => r.path)).toEqual(['/rdr/pprdr.asp', '/login2.srf', '/login2-b.srf?lc=1033']);
    // The comma in the password is escaped (MSNP.md §3.3.2).
    expect(nexus.requests[1]?.authorization).toContain('pwd=p%2Cw%20d,ct=1,rver=1');
    const text = JSON.stringify(tap);
    expect(text).not.toContain('p%2Cw');
    expect(text).not.toContain('ticket-alice');
    expect(text).toContain('USR 4 TWN S ***');
    result.connection.close();
    await ns.finished();
  });

  it('MSNP12 with DALogin carrying a scheme; the ticket request goes straight to it', async () => {
    const nexus = await FakeNexus.start({ accounts: { 'a@b.c': 'pw' }, daLoginWithScheme: true });
    cleanups.push(() => nexus.stop());
    const ns = await fake(
      transcript(`
        >>> VER 1 MSNP15 MSNP14 MSNP13 MSNP12 MSNP11 MSNP10 MSNP9 MSNP8 MSNP7 MSNP6 MSNP5 MSNP4 MSNP3 MSNP2 CVR0
        <<< VER $t MSNP12
        >>> CVR 2 ...
        <<< 502 $t
        >>> USR 3 TWN I a@b.c
        <<< USR $t TWN S lc=1033,id=507
        >>> USR 4 TWN S t=ticket-a@b.c$$&p=prof$$
        <<< USR $t OK a@b.c 1 0
      `),
    );
    const result = await login({ profile: { host: ns.host, port: ns.port, nexusUrl: nexus.nexusUrl }, handle: 'a@b.c', password: 'pw', passport: new PassportClient() });
    expect(result.dialect).toBe(12);
    expect(result.friendlyName).toBeUndefined();
    result.connection.close();
    await ns.finished();
  });

  async function failure(p: Promise<unknown>): Promise<SignInFailure> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SignInFailure);
    return err as SignInFailure;
  }

  it('maps failures to typed sign-in errors', async () => {
    const wrongMd5 = await fake(
      transcript(`
        >>> VER ...
        <<< VER $t MSNP7
        >>> INF *
        <<< INF $t MD5
        >>> USR * MD5 I a@b.c
        <<< USR $t MD5 S 123.456
        >>> USR * MD5 S *
        <<< 911 $t
        --- close
      `),
    );
    expect((await failure(login({ profile: { host: wrongMd5.host, port: wrongMd5.port }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('wrong-password');

    const noVersion = await fake(transcript(`>>> VER ...\n<<< VER $t 0\n--- close`));
    expect((await failure(login({ profile: { host: noVersion.host, port: noVersion.port }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('no-common-version');

    const closesOnVer = await fake(transcript(`>>> VER ...\n--- close`));
    expect((await failure(login({ profile: { host: closesOnVer.host, port: closesOnVer.port }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('no-common-version');

    const unknown = await fake(
      transcript(`
        >>> VER ...
        <<< VER $t MSNP5
        >>> INF *
        <<< INF $t MD5
        >>> USR * MD5 I nobody@b.c
        <<< 205 $t
      `),
    );
    expect((await failure(login({ profile: { host: unknown.host, port: unknown.port }, handle: 'nobody@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('unknown-account');

    const down = await fake(transcript(`>>> VER ...\n<<< VER $t MSNP11\n>>> CVR ...\n<<< CVR $t 1 1 1 a b\n>>> USR * TWN I a@b.c\n<<< 604 $t`));
    expect((await failure(login({ profile: { host: down.host, port: down.port, nexusUrl: 'http://127.0.0.1:1/x' }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('server-shutting-down');

    const gone = await FakeServer.start([]);
    const port = gone.port;
    await gone.stop();
    expect((await failure(login({ profile: { host: '127.0.0.1', port }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('server-unreachable');
  });

  it('reports a Passport 401 as wrong-password and an unreachable Nexus as passport-unreachable', async () => {
    const nexus = await FakeNexus.start({ accounts: { 'a@b.c': 'right' }, https: true });
    cleanups.push(() => nexus.stop());
    const twn = (): Promise<FakeServer> =>
      fake(transcript(`>>> VER ...\n<<< VER $t MSNP9\n>>> CVR ...\n<<< CVR $t 1 1 1 a b\n>>> USR * TWN I a@b.c\n<<< USR $t TWN S lc=1033`));
    const s1 = await twn();
    expect((await failure(login({ profile: { host: s1.host, port: s1.port, nexusUrl: nexus.nexusUrl, tls: { ca: FakeNexus.ca } }, handle: 'a@b.c', password: 'wrong', passport: new PassportClient() }))).code).toBe('wrong-password');
    const s2 = await twn();
    expect((await failure(login({ profile: { host: s2.host, port: s2.port, nexusUrl: 'http://127.0.0.1:1/rdr/pprdr.asp' }, handle: 'a@b.c', password: 'x', passport: new PassportClient() }))).code).toBe('passport-unreachable');
  });

  it('can be cancelled', async () => {
    const s = await fake(async (c) => {
      await c.expect('VER ...');
      await c.waitClosed();
    });
    const ac = new AbortController();
    const p = login({ profile: { host: s.host, port: s.port }, handle: 'a@b.c', password: 'x', passport: new PassportClient(), signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await failure(p)).code).toBe('cancelled');
  });

  it('picks the highest offered dialect from a reply that echoes several', () => {
    expect(pickDialect(['MSNP7', 'MSNP6', 'MSNP5', 'CVR0'], [7, 6, 5])).toBe(7);
    expect(pickDialect(['msnp9'], [9, 8])).toBe(9);
    expect(pickDialect(['MSNP13', 'CVR0'], [12, 11])).toBeUndefined();
  });
});
