/**
 * MSNP13–15 sign-in over real TCP and HTTP (MSNP13-18.md §4, §5.1, §13.1): TWN with the token
 * service's ticket at 13–14, SSO with the MBI_KEY_OLD proof at 15, and every way to get it wrong.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mbiKeyOld, tokenFor, type Dialect, type RstResponse } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { RawClient, startTestServer, text } from './helpers/msnp';
import { requestTokens, signIn13 } from './helpers/msnp13';

let server: RunningServer;
let n = 0;

beforeAll(async () => {
  server = await startTestServer({ maxDialect: 15 });
});
afterAll(() => server.stop());

async function user(name: string): Promise<string> {
  const handle = `${name}${++n}@example.com`;
  await server.accounts.add(handle, `pw-${name}`, name);
  return handle;
}

describe.each([13, 14, 15] as Dialect[])('MSNP%i sign-in', (d) => {
  it('VER picks the dialect; sign-in ends in USR OK handle 1 0, SBS and a profile with ABCHMigrated', async () => {
    const h = await user('alice');
    const s = await signIn13(server, d, h, 'pw-alice');
    expect(text(s.profile.payload)).toContain('ABCHMigrated: 1');
    expect(text(s.profile.payload)).toContain('Content-Type: text/x-msmsgsprofile');
    // Lists are the address book's now: SYN is not a command of 13+ (MSNP13-18.md §3.1) → closed.
    s.client.send('SYN', ['0', '0']);
    await s.client.waitClosed();
  });
});

describe('MSNP15 SSO refusals (911 and close)', () => {
  async function start(handle: string): Promise<{ c: RawClient; nonce: string; tokens: RstResponse }> {
    const c = await RawClient.connect(server.nsPort, `${handle}/SSO`);
    c.dialect = 15;
    await c.reply(c.send('VER', ['MSNP15', 'CVR0']));
    await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '8.5.1302', 'BC01', handle]));
    const ch = await c.reply(c.send('USR', ['SSO', 'I', handle]));
    const tokens = (await requestTokens(server, handle, `pw-${handle.replace(/\d+@.*/, '')}`, 'MBI_KEY_OLD')) as RstResponse;
    return { c, nonce: ch.params[3] as string, tokens };
  }

  async function expect911(c: RawClient, params: string[]): Promise<void> {
    const r = await c.reply(c.send('USR', params));
    expect(r.verb).toBe('911');
    await c.waitClosed();
  }

  it('a proof over another nonce, a missing proof, garbage', async () => {
    const h = await user('bob');
    for (const proof of ['other-nonce', undefined, 'AAAA', 'x'.repeat(172)]) {
      const { c, tokens, nonce } = await start(h);
      const clear = tokenFor(tokens, 'messengerclear.live.com');
      const p = proof === 'other-nonce' ? (mbiKeyOld(clear?.binarySecret as string, `${nonce.slice(1)}A`, randomBytes(8)) as string) : proof;
      await expect911(c, p === undefined ? ['SSO', 'S', clear?.token as string] : ['SSO', 'S', clear?.token as string, p]);
    }
  });

  it("another user's ticket, another domain's token, a forged ticket", async () => {
    const h = await user('carol');
    const other = await user('dave');
    const theirs = (await requestTokens(server, other, 'pw-dave', 'MBI_KEY_OLD')) as RstResponse;
    const cases = [
      (t: RstResponse) => tokenFor(theirs, 'messengerclear.live.com') ?? tokenFor(t, 'x'),
      (t: RstResponse) => ({ ...tokenFor(t, 'contacts.msn.com'), binarySecret: tokenFor(t, 'messengerclear.live.com')?.binarySecret }),
      (t: RstResponse) => ({ token: `t=${'A'.repeat(40)}.${'B'.repeat(43)}&p=`, binarySecret: tokenFor(t, 'messengerclear.live.com')?.binarySecret }),
    ];
    for (const pick of cases) {
      const { c, tokens, nonce } = await start(h);
      const tok = pick(tokens) as { token: string; binarySecret: string };
      await expect911(c, ['SSO', 'S', tok.token, mbiKeyOld(tok.binarySecret, nonce, randomBytes(8)) as string]);
    }
  });

  it('TWN at MSNP15 and SSO at MSNP14 are refused', async () => {
    const h = await user('erin');
    const a = await RawClient.connect(server.nsPort, 'twn15');
    await a.reply(a.send('VER', ['MSNP15']));
    await expect911(a, ['TWN', 'I', h]);
    const b = await RawClient.connect(server.nsPort, 'sso14');
    await b.reply(b.send('VER', ['MSNP14']));
    await expect911(b, ['SSO', 'I', h]);
  });

  it('an expired messengerclear token is refused', async () => {
    const short = await startTestServer({ maxDialect: 15, ssoTokenLifetimeMs: 200 });
    try {
      await short.accounts.add('late@example.com', 'pw-late', 'Late');
      const c = await RawClient.connect(short.nsPort, 'late');
      await c.reply(c.send('VER', ['MSNP15']));
      const ch = await c.reply(c.send('USR', ['SSO', 'I', 'late@example.com']));
      const tokens = (await requestTokens(short, 'late@example.com', 'pw-late', 'MBI_KEY_OLD')) as RstResponse;
      await new Promise((r) => setTimeout(r, 300));
      const clear = tokenFor(tokens, 'messengerclear.live.com');
      await expect911(c, ['SSO', 'S', clear?.token as string, mbiKeyOld(clear?.binarySecret as string, ch.params[3] as string, randomBytes(8)) as string]);
    } finally {
      await short.stop();
    }
  });
});

describe('MSNP13–14 TWN with the token service', () => {
  it('the messenger.msn.com ticket signs in once only', async () => {
    const h = await user('frank');
    const tokens = (await requestTokens(server, h, 'pw-frank', '?lc=1033')) as RstResponse;
    const ticket = tokenFor(tokens, 'messenger.msn.com')?.token as string;
    for (const expected of ['USR', '911']) {
      const c = await RawClient.connect(server.nsPort, 'twn13');
      c.dialect = 13;
      await c.reply(c.send('VER', ['MSNP13']));
      await c.reply(c.send('USR', ['TWN', 'I', h]));
      const r = await c.reply(c.send('USR', ['TWN', 'S', ticket]));
      expect(r.verb).toBe(expected);
      c.close();
    }
  });
});
