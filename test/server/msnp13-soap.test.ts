/**
 * The SOAP front over real HTTP (MSNP13-18.md §4.3–§4.4, §12.1): the token service on `/RST.srf`
 * and `/RST2.srf`, and what every SOAP path does with requests a client would never send:
 * malformed XML, entity declarations, a body over the cap, the wrong method, unknown actions.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAbFindAll, buildRstRequest, messengerTokenRequests, parseRstResponse, tokenFor, type RstResponse } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { startTestServer } from './helpers/msnp';

let server: RunningServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = `http://127.0.0.1:${server.httpPort}`;
  await server.accounts.add('soap@example.com', 'pw-soap', 'Soap');
});
afterAll(() => server.stop());

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string }> {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers }, body });
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' };
}

function expectFault(r: { status: number; body: string; type: string }, status = 500): void {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^text\/xml/);
  expect(r.body).toContain('<soap:Fault>');
  // Never a stack trace or an internal message.
  expect(r.body).not.toMatch(/at .*\.ts:\d+|Error:|node_modules/);
}

describe('token service', () => {
  it('RST.srf issues one token per requested domain, the messengerclear one with a 24-byte BinarySecret', async () => {
    const r = await post('/RST.srf', buildRstRequest({ username: 'soap@example.com', password: 'pw-soap', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    expect(r.status).toBe(200);
    const parsed = parseRstResponse(r.body) as RstResponse;
    expect(parsed.type).toBe('tokens');
    expect(parsed.tokens.map((t) => t.address)).toEqual(messengerTokenRequests('x').map((t) => t.address));
    const clear = tokenFor(parsed, 'messengerclear.live.com');
    expect(clear?.token).toMatch(/^t=[^&]+&p=/);
    expect(Buffer.from(clear?.binarySecret ?? '', 'base64')).toHaveLength(24);
    expect(tokenFor(parsed, 'contacts.msn.com')?.binarySecret).toBeUndefined();
    expect(new Set(parsed.tokens.map((t) => t.token)).size).toBe(parsed.tokens.length);
    // CompactN after RSTN, like Microsoft's sample (§14 point 1): messengerclear is RST1.
    expect(r.body).toMatch(/<wsse:BinarySecurityToken Id="Compact1">t=/);
    expect(Date.parse(clear?.expires ?? '') - Date.parse(clear?.created ?? '')).toBe(24 * 3600_000);
  });

  it('RST2.srf answers in SOAP 1.2 with the WS-Trust 2005 namespace', async () => {
    const r = await post('/RST2.srf', buildRstRequest({ username: 'soap@example.com', password: 'pw-soap', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    expect(r.status).toBe(200);
    expect(r.body).toContain('http://www.w3.org/2003/05/soap-envelope');
    expect(r.body).toContain('http://schemas.xmlsoap.org/ws/2005/02/trust');
    expect((parseRstResponse(r.body) as RstResponse).tokens).toHaveLength(7);
  });

  it('a wrong password and an unknown account get the same FailedAuthentication fault (0x80048823)', async () => {
    const wrong = await post('/RST.srf', buildRstRequest({ username: 'soap@example.com', password: 'nope', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    const unknown = await post('/RST.srf', buildRstRequest({ username: 'nobody@example.com', password: 'nope', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(200);
      const parsed = parseRstResponse(r.body);
      expect(parsed).toMatchObject({ type: 'fault', code: 'wsse:FailedAuthentication', reqStatus: '0x80048823' });
    }
    expect(wrong.body).toBe(unknown.body);
  });
});

describe('hostile SOAP', () => {
  const paths = ['/RST.srf', '/RST2.srf', '/abservice/abservice.asmx', '/abservice/SharingService.asmx', '/storageservice/SchematizedStore.asmx'];

  it('malformed XML, a DOCTYPE with entities (billion laughs, external), text outside the root → a fault, never a crash', async () => {
    const bodies = [
      '<soap:Envelope><soap:Body><ABFindAll>',
      'not xml at all',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Envelope><Body><x>&lol2;</x></Body></Envelope>',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Envelope><Body><x>&xxe;</x></Body></Envelope>',
      '<Envelope><Body><x>&undefined;</x></Body></Envelope>',
      '<NotAnEnvelope/>',
      '<Envelope/>',
      `<Envelope><Body>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</Body></Envelope>`,
      '<Envelope><Body><Fault/></Body></Envelope>',
    ];
    for (const p of paths) {
      for (const body of bodies) {
        const r = await post(p, body, { SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABFindAll' });
        if (p.startsWith('/RST')) {
          // The token service answers every unreadable request like a wrong password (§4.4).
          expect(r.status).toBe(200);
          expect(r.body).toContain('FailedAuthentication');
          expect(r.body).not.toContain('lol');
          expect(r.body).not.toContain('root:');
        } else {
          expectFault(r);
        }
      }
    }
    // Still serving.
    const ok = await post('/RST.srf', buildRstRequest({ username: 'soap@example.com', password: 'pw-soap', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    expect((parseRstResponse(ok.body) as RstResponse).type).toBe('tokens');
  });

  it('a body over the cap gets 413 and a fault without being read; GET gets 405', async () => {
    const huge = await fetch(`${base}/abservice/abservice.asmx`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: `<Envelope><Body>${'x'.repeat(200_000)}</Body></Envelope>` }).then(
      async (r) => ({ status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? '' }),
      () => undefined,
    );
    if (huge !== undefined) expectFault(huge, 413);
    const get = await fetch(`${base}/abservice/SharingService.asmx`);
    expect(get.status).toBe(405);
    expect(await get.text()).toContain('<soap:Fault>');
  });

  it('an unknown action, or a SOAPAction that names another action than the body, is a fault', async () => {
    const r = await post('/abservice/abservice.asmx', '<Envelope><Header/><Body><ABDestroyEverything/></Body></Envelope>', {
      SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABDestroyEverything',
    });
    expectFault(r);
    const tokens = await post('/RST.srf', buildRstRequest({ username: 'soap@example.com', password: 'pw-soap', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    const ticket = tokenFor(parseRstResponse(tokens.body) as RstResponse, 'contacts.msn.com')?.token as string;
    const mismatch = await post('/abservice/abservice.asmx', buildAbFindAll({ ticket, scenario: 'Initial' }), { SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABGroupDelete' });
    expectFault(mismatch);
    expect(mismatch.body).toContain('InvalidArgument');
    // The same request with its own action is answered.
    expect((await post('/abservice/abservice.asmx', buildAbFindAll({ ticket, scenario: 'Initial' }), { SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABFindAll' })).status).toBe(200);
    // Without a SOAPAction header the body names the action (libpurple sends it empty to RST.srf).
    expect((await post('/abservice/abservice.asmx', buildAbFindAll({ ticket, scenario: 'Initial' }))).status).toBe(200);
  });

  it('the storage service checks the ticket before anything; a GetProfile naming no profile is a fault', async () => {
    const none = await post('/storageservice/SchematizedStore.asmx', '<Envelope><Header/><Body><GetProfile/></Body></Envelope>', { SOAPAction: 'http://www.msn.com/webservices/storage/w10/GetProfile' });
    expectFault(none);
    expect(none.body).toContain('FailedAuthentication');
    const tokens = await post('/RST.srf', buildRstRequest({ username: 'soap@example.com', password: 'pw-soap', tokens: [{ address: 'storage.msn.com', policy: 'MBI' }] }));
    const ticket = tokenFor(parseRstResponse(tokens.body) as RstResponse, 'storage.msn.com')?.token as string;
    const r = await post(
      '/storageservice/SchematizedStore.asmx',
      `<Envelope><Header><StorageUserHeader xmlns="http://www.msn.com/webservices/storage/w10"><Puid>0</Puid><TicketToken>${ticket.replace(/&/g, '&amp;')}</TicketToken></StorageUserHeader></Header><Body><GetProfile/></Body></Envelope>`,
      { SOAPAction: 'http://www.msn.com/webservices/storage/w10/GetProfile' },
    );
    expectFault(r);
    expect(r.body).toContain('InvalidArgument');
  });
});

describe('HTTPS for clients of the era', () => {
  const fixtures = join(import.meta.dirname, 'fixtures');
  const cert = readFileSync(join(fixtures, 'nexus-test.cert.pem'), 'utf8');
  const key = readFileSync(join(fixtures, 'nexus-test.key.pem'), 'utf8');

  /** A TLS 1.0 client with a CBC suite, as Windows XP's Schannel is (MSNP13-18.md §12.2). */
  function tls10Token(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/RST.srf',
          method: 'POST',
          rejectUnauthorized: false,
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1',
          ciphers: 'AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0',
          headers: { 'Content-Type': 'text/xml' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end(buildRstRequest({ username: 'tls@example.com', password: 'pw-tls', tokens: messengerTokenRequests('MBI_KEY_OLD') }));
    });
  }

  it('with tls.legacyProtocols the token service answers a TLS 1.0 client; without, the handshake fails', async () => {
    const legacy = await startTestServer({ tls: { cert, key, port: 0, legacyProtocols: true } });
    const modern = await startTestServer({ tls: { cert, key, port: 0 } });
    try {
      await legacy.accounts.add('tls@example.com', 'pw-tls', 'Tls');
      const body = await tls10Token(legacy.httpsPort as number);
      expect((parseRstResponse(body) as RstResponse).type).toBe('tokens');
      await expect(tls10Token(modern.httpsPort as number)).rejects.toThrow();
    } finally {
      await legacy.stop();
      await modern.stop();
    }
  });
});

