/**
 * MSNP13–15 transcript helpers on top of RawClient: sign in the way WLM 8.x does (MSNP13-18.md
 * §4, §13.1) through the server's real token service over HTTP (`/RST.srf`), and call the address
 * book and sharing services with the codec's own request builders. Every step asserts the
 * server's replies.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import {
  abSoapAction,
  AB_SERVICE_PATH,
  buildRstRequest,
  mbiKeyOld,
  messengerTokenRequests,
  parseRstResponse,
  SHARING_SERVICE_PATH,
  tokenFor,
  type AbAction,
  type AbRequestContext,
  type Command,
  type Dialect,
  type PartnerScenario,
  type RstResponse,
  type SharingAction,
} from '../../../shared/msnp/index';
import type { RunningServer } from '../../../server/index';
import { RawClient } from './raw-client';

export interface SignedIn13 {
  readonly client: RawClient;
  readonly handle: string;
  readonly dialect: Dialect;
  readonly usrOk: Command;
  readonly profile: Command;
  /** Every token the token service issued at sign-in, by address. */
  readonly tokens: RstResponse;
  /** The `contacts.msn.com` token, for the address book. */
  readonly contactsTicket: string;
}

/** `POST /RST.srf` with the WLM 8.x token list; the parsed answer (tokens or the fault). */
export async function requestTokens(server: RunningServer, handle: string, password: string, policy: string, path = '/RST.srf') {
  const tokens = messengerTokenRequests(policy);
  const body = buildRstRequest({ username: handle, password, tokens });
  const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '' }, body });
  expect(res.status).toBe(200);
  return parseRstResponse(await res.text());
}

/**
 * VER, CVR, then 15: `USR SSO I` → `GCF 0` + `USR SSO S MBI_KEY_OLD nonce` → tokens → `USR SSO S
 * ticket proof`; 13–14: `USR TWN I` → `GCF 0` + `USR TWN S policy` → tokens (`messenger.msn.com`
 * with the policy) → `USR TWN S ticket`. Then `USR OK`, `SBS`, the profile.
 */
export async function signIn13(server: RunningServer, d: Dialect, handle: string, password: string): Promise<SignedIn13> {
  const c = await RawClient.connect(server.nsPort, `${handle}/MSNP${d}`);
  c.dialect = d;
  expect((await c.reply(c.send('VER', [`MSNP${d}`, 'CVR0']))).params).toEqual([`MSNP${d}`, 'CVR0']);
  const cvr = await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '8.5.1302', 'BC01', handle]));
  expect(cvr.verb).toBe('CVR');
  const sso = d >= 15;
  const challenge = await c.reply(c.send('USR', [sso ? 'SSO' : 'TWN', 'I', handle]));
  // MSNP13-18.md §5.2: the policies come first.
  const gcf = await c.expect('GCF', (x) => x.trId === 0);
  expect(new TextDecoder().decode(gcf.payload)).toContain('<Policy type="SHIELDS">');
  let usr: number;
  let tokens: RstResponse;
  if (sso) {
    expect(challenge.params.slice(0, 3)).toEqual(['SSO', 'S', 'MBI_KEY_OLD']);
    const nonce = challenge.params[3] as string;
    expect(nonce).toHaveLength(64);
    tokens = (await requestTokens(server, handle, password, challenge.params[2] as string)) as RstResponse;
    expect(tokens.type).toBe('tokens');
    const clear = tokenFor(tokens, 'messengerclear.live.com');
    const proof = mbiKeyOld(clear?.binarySecret as string, nonce, randomBytes(8));
    expect(typeof proof).toBe('string');
    usr = c.send('USR', ['SSO', 'S', clear?.token as string, proof as string]);
  } else {
    expect(challenge.params.slice(0, 2)).toEqual(['TWN', 'S']);
    tokens = (await requestTokens(server, handle, password, `?${challenge.params[2] as string}`)) as RstResponse;
    expect(tokens.type).toBe('tokens');
    usr = c.send('USR', ['TWN', 'S', tokenFor(tokens, 'messenger.msn.com')?.token as string]);
  }
  const ok = await c.reply(usr);
  expect(ok.params).toEqual(['OK', handle, '1', '0']);
  await c.expect('SBS', ['null']);
  const profile = await c.expect('MSG', ['Hotmail', 'Hotmail']);
  return { client: c, handle, dialect: d, usrOk: ok, profile, tokens, contactsTicket: tokenFor(tokens, 'contacts.msn.com')?.token as string };
}

export function abContext(s: { contactsTicket: string }, scenario: PartnerScenario = 'Initial'): AbRequestContext {
  return { ticket: s.contactsTicket, scenario };
}

/** POST a request built by the codec to the address book (or sharing) service; status and body. */
export async function abCall(server: RunningServer, action: AbAction | SharingAction, xml: string): Promise<{ status: number; body: string }> {
  const sharing = action === 'FindMembership' || action === 'AddMember' || action === 'DeleteMember';
  const res = await fetch(`http://127.0.0.1:${server.httpPort}${sharing ? SHARING_SERVICE_PATH : AB_SERVICE_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: abSoapAction(action) },
    body: xml,
  });
  return { status: res.status, body: await res.text() };
}

/** `ADL t len` / `RML t len` + XML → the reply (`ADL t OK`, or an error). */
export async function ml(s: { client: RawClient }, verb: 'ADL' | 'RML' | 'FQY', xml: string): Promise<Command> {
  return s.client.reply(s.client.send(verb, [], xml));
}
