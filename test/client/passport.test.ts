/**
 * The Passport 1.4 exchange (MSNP.md §3.3.2) against fake Nexus/login servers over real HTTP(S)
 * on 127.0.0.1: where `DALogin` points when it has no scheme, and which redirects may carry the
 * password (issue 15 items 12 and 23).
 */
import { afterEach, describe, expect, it } from 'vitest';
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

