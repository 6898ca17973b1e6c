/**
 * The Passport 1.4 exchange (MSNP.md §3.3.2) against fake Nexus/login servers over real HTTP(S)
 * on 127.0.0.1: where `DALogin` points when it has no scheme, and which redirects may carry the
 * password (issue 15 items 12 and 23).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SignInFailure } from '../../electron/core/msn/errors';
import { PassportClient } from '../../electron/core/msn/passport-http';
import { FakeNexus } from './helpers/fake-nexus';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const POLICY = 'lc=1033,id=507';

async function nexus(o: Parameters<typeof FakeNexus.start>[0]): Promise<FakeNexus> {
  const n = await FakeNexus.start(o);
  cleanups.push(() => n.stop());
  return n;
}

/** Another service on the machine: records what reaches it (it must never see the password). */
async function bystander(): Promise<{ port: number; requests: IncomingHttpHeaders[] }> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return { port: addr.port, requests };
}

async function failure(p: Promise<unknown>): Promise<SignInFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SignInFailure);
  return err as SignInFailure;
}

describe('DALogin with or without a scheme (MSNP.md §3.3.2)', () => {
  it('without a scheme, the login URL takes the Nexus scheme: a plain-HTTP Nexus gets its ticket', async () => {
    const n = await nexus({ accounts: { 'a@b.c': 'pw' }, daLoginWithScheme: false });
    const ticket = await new PassportClient({ nexusUrl: n.nexusUrl }).login('a@b.c', 'pw', POLICY);
    expect(ticket).toBe('t=ticket-a@b.c$$&p=prof$$');
    expect(n.requests.map((r) => r.path)).toEqual(['/rdr/pprdr.asp', '/login2.srf']);
  });

  it('without a scheme from an HTTPS Nexus (as Microsoft sent it), and with one, both sign in', async () => {
    const secure = await nexus({ accounts: { 'a@b.c': 'pw' }, https: true, daLoginWithScheme: false });
    expect(await new PassportClient({ nexusUrl: secure.nexusUrl, tls: { ca: FakeNexus.ca } }).login('a@b.c', 'pw', POLICY)).toBe('t=ticket-a@b.c$$&p=prof$$');
    const withScheme = await nexus({ accounts: { 'a@b.c': 'pw' }, daLoginWithScheme: true });
    expect(await new PassportClient({ nexusUrl: withScheme.nexusUrl }).login('a@b.c', 'pw', POLICY)).toBe('t=ticket-a@b.c$$&p=prof$$');
  });
});

describe('Passport redirects never carry the password somewhere else', () => {
  it('follows a redirect on the same scheme and host', async () => {
    const n = await nexus({ accounts: { 'a@b.c': 'pw' }, daLoginWithScheme: true, redirectOnce: true });
    expect(await new PassportClient({ nexusUrl: n.nexusUrl }).login('a@b.c', 'pw', POLICY)).toBe('t=ticket-a@b.c$$&p=prof$$');
    expect(n.requests.map((r) => r.path)).toEqual(['/rdr/pprdr.asp', '/login2.srf', '/login2-b.srf?lc=1033']);
  });

  it('refuses a redirect to another host (here: another service on another port)', async () => {
    const other = await bystander();
    const n = await nexus({ accounts: { 'a@b.c': 'pw' }, daLoginWithScheme: true, redirectOnce: true, redirectLocation: `http://127.0.0.1:${other.port}/login2.srf` });
    const err = await failure(new PassportClient({ nexusUrl: n.nexusUrl }).login('a@b.c', 'secret-pw', POLICY));
    expect(err.code).toBe('passport-unreachable');
    expect(err.message).toMatch(/redirect/i);
    expect(err.message).not.toContain('secret-pw');
    expect(other.requests).toEqual([]);
  });

  it('refuses a redirect from HTTPS down to HTTP', async () => {
    const other = await bystander();
    const n = await nexus({ accounts: { 'a@b.c': 'pw' }, https: true, redirectOnce: true, redirectLocation: `http://127.0.0.1:${other.port}/login2.srf` });
    const err = await failure(new PassportClient({ nexusUrl: n.nexusUrl, tls: { ca: FakeNexus.ca } }).login('a@b.c', 'secret-pw', POLICY));
    expect(err.code).toBe('passport-unreachable');
    expect(err.message).toMatch(/HTTPS/);
    expect(other.requests).toEqual([]);
  });

  it('refuses an HTTPS Nexus that names a plain-HTTP login server', async () => {
    const other = await bystander();
    const n = await nexus({ accounts: { 'a@b.c': 'pw' }, https: true, daLogin: `http://127.0.0.1:${other.port}/login2.srf` });
    const err = await failure(new PassportClient({ nexusUrl: n.nexusUrl, tls: { ca: FakeNexus.ca } }).login('a@b.c', 'pw', POLICY));
    expect(err.code).toBe('passport-unreachable');
    expect(err.message).toMatch(/HTTPS/);
    expect(other.requests).toEqual([]);
  });
});
