/**
 * The Passport Nexus answer (issue 15 items 12 and 25): `DALogin` is sent without a scheme, as
 * Microsoft's Passport sent it (MSNP.md §3.3.3), so clients of the era that prepend `https://`
 * get a usable URL; it names the configured host and the login page's own port, never the
 * request's `Host` header; and our own client's way of reading it (the Nexus URL's scheme) still
 * signs in over plain HTTP.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daLoginUrl, parsePassportUrls } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { passportTicket, signIn, startTestServer } from './helpers/msnp';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ nexusHost: 'login.example.test' });
  await server.accounts.add('nexus@example.com', 'pw', 'Nexus');
});

afterAll(() => server.stop());

/** GET with a Host header of our choosing (fetch will not send a forged one). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; urls: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, urls: String(res.headers.passporturls ?? '') });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pprdr.asp', () => {
  it('names DALogin without a scheme, as real Passport did', async () => {
    const res = await fetch(server.nexusUrl);
    const daLogin = parsePassportUrls(res.headers.get('passporturls') ?? '').get('DALogin');
    expect(daLogin).toBe(`login.example.test:${server.httpPort}/login2.srf`);
    // What a client of the era does with it: prepend https:// (never https://http://…).
    expect(daLoginUrl(daLogin as string)).toBe(`https://login.example.test:${server.httpPort}/login2.srf`);
  });

  it('never reflects the request’s Host header', async () => {
    for (const host of ['evil.example:666', 'evil.example/phish?', 'a,DALogin=evil.example']) {
      const res = await getWithHost(server.httpPort, '/rdr/pprdr.asp', host);
      expect(res.status).toBe(200);
      expect(res.urls).not.toContain('evil');
      expect(parsePassportUrls(res.urls).get('DALogin')).toBe(`login.example.test:${server.httpPort}/login2.srf`);
    }
  });
});

describe('our client’s reading of a scheme-less DALogin', () => {
  it('takes the scheme of the Nexus it asked, so a plain-HTTP server still signs in', async () => {
    const local = await startTestServer();
    try {
      await local.accounts.add('plain@example.com', 'pw', 'Plain');
      const s = await signIn(local, 12, 'plain@example.com', 'pw');
      expect(s.usrOk.params[0]).toBe('OK');
      s.client.close();
      expect(await passportTicket(local, 'plain@example.com', 'wrong', 'lc=1033')).toBeUndefined();
    } finally {
      await local.stop();
    }
  });
});
