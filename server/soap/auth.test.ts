import { describe, expect, it } from 'vitest';
import { parseXml } from '../../shared/msnp/soap/xml';
import { authenticateSoap, isIdentity, requestTicket } from './auth';
import type { SoapRequest } from './router';
import { CONTACTS, MESSENGER, SsoTokens } from './tokens';

function request(header: string): SoapRequest {
  const root = parseXml(`<Envelope><Header>${header}</Header><Body><X/></Body></Envelope>`);
  if ('kind' in root) throw new Error(root.message);
  const h = root.children.find((c) => typeof c !== 'string' && c.local === 'Header');
  return { path: '/x', action: 'X', soapAction: '', xml: '', header: h as never, body: undefined, remoteAddress: '127.0.0.1', secure: false, host: '127.0.0.1' };
}

const esc = (s: string) => s.replace(/&/g, '&amp;');

describe('SSO tokens', () => {
  it('verify what they issued, for the domain they were issued for, until they expire', () => {
    let now = 1_000_000;
    const tokens = new SsoTokens(Buffer.alloc(32, 7), 60_000, () => now);
    const { token } = tokens.issue('alice@example.com', 'Contacts.msn.com');
    expect(token).toMatch(/^t=[A-Za-z0-9_.-]+&p=$/);
    expect(tokens.verify(token, [CONTACTS])).toMatchObject({ handle: 'alice@example.com', domain: CONTACTS });
    expect(tokens.verify(token, [MESSENGER])).toBe('wrong-domain');
    now += 60_000;
    expect(tokens.verify(token, [CONTACTS])).toBe('expired');
  });

  it('refuse forged tokens: another secret, an edited payload, garbage', () => {
    const a = new SsoTokens(Buffer.alloc(32, 1), 60_000);
    const b = new SsoTokens(Buffer.alloc(32, 2), 60_000);
    const { token } = a.issue('alice@example.com', CONTACTS);
    expect(b.verify(token, [CONTACTS])).toBe('bad-signature');
    const [payload, mac] = (/^t=([^.]+)\.([^&]+)/.exec(token) as RegExpExecArray).slice(1) as [string, string];
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('alice', 'mallo'), 'utf8').toString('base64url');
    expect(a.verify(`t=${forged}.${mac}&p=`, [CONTACTS])).toBe('bad-signature');
    for (const junk of ['', 't=&p=', 't=abc&p=', 't=a.b.c&p=', 'x'.repeat(5000), 't=<script>&p=']) {
      expect(typeof a.verify(junk, [CONTACTS])).toBe('string');
    }
  });

  it('derive the MBI BinarySecret from the token, and let a sign-in ticket be consumed once', () => {
    const tokens = new SsoTokens(Buffer.alloc(32, 3), 60_000);
    const { token, expires } = tokens.issue('alice@example.com', 'messengerclear.live.com');
    expect(Buffer.from(tokens.binarySecret(token), 'base64')).toHaveLength(24);
    expect(tokens.binarySecret(token)).toBe(tokens.binarySecret(token));
    expect(tokens.binarySecret(token)).not.toBe(tokens.binarySecret(tokens.issue('alice@example.com', 'messengerclear.live.com').token));
    expect(tokens.consume(token, expires)).toBe(true);
    expect(tokens.consume(token, expires)).toBe(false);
  });
});

describe('authenticateSoap', () => {
  const tokens = new SsoTokens(Buffer.alloc(32, 9), 60_000);
  const deps = { tokens, accountExists: (h: string) => h !== 'gone@example.com' };

  it('finds the ticket where each service puts it (ABAuthHeader, OIM Ticket, RSI PassportCookie)', () => {
    const { token } = tokens.issue('alice@example.com', CONTACTS);
    const parts = /^t=(.*)&p=(.*)$/.exec(token) as RegExpExecArray;
    expect(requestTicket(request(`<ABAuthHeader><ManagedGroupRequest>false</ManagedGroupRequest><TicketToken>${esc(token)}</TicketToken></ABAuthHeader>`).header)).toBe(token);
    expect(requestTicket(request(`<Ticket passport="${esc(token)}" appid="x" lockkey=""/>`).header)).toBe(token);
    expect(requestTicket(request(`<PassportCookie><t>${parts[1]}</t><p>${parts[2]}</p></PassportCookie>`).header)).toBe(token);
    expect(requestTicket(request('<Other/>').header)).toBeUndefined();
  });

  it('returns the owner, or a fault for a missing, forged, foreign-domain or dead-account ticket', async () => {
    const ok = await authenticateSoap(request(`<ABAuthHeader><TicketToken>${esc(tokens.issue('alice@example.com', CONTACTS).token)}</TicketToken></ABAuthHeader>`), deps, { domains: [CONTACTS] });
    expect(ok).toEqual({ type: 'identity', handle: 'alice@example.com', domain: CONTACTS });
    const cases = [
      '',
      `<ABAuthHeader><TicketToken>t=forged.AAAA&amp;p=</TicketToken></ABAuthHeader>`,
      `<ABAuthHeader><TicketToken>${esc(tokens.issue('alice@example.com', MESSENGER).token)}</TicketToken></ABAuthHeader>`,
      `<ABAuthHeader><TicketToken>${esc(tokens.issue('gone@example.com', CONTACTS).token)}</TicketToken></ABAuthHeader>`,
    ];
    for (const header of cases) {
      const r = await authenticateSoap(request(header), deps, { domains: [CONTACTS] });
      expect(isIdentity(r)).toBe(false);
      if (!isIdentity(r)) {
        expect(r.status).toBe(500);
        expect(r.body).toContain('FailedAuthentication');
      }
    }
  });
});
