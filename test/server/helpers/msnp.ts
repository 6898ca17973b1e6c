/**
 * Transcript-level helpers on top of RawClient: sign in (MD5 or TWN through the real Nexus over
 * HTTP), sync, go online, open and answer switchboards. Each step asserts the server's replies.
 */
import { expect } from 'vitest';
import {
  buildPassportAuthorization,
  daLoginUrl,
  encodeName,
  md5LoginResponse,
  parseAuthenticationInfo,
  parsePassportUrls,
  type Command,
  type Dialect,
} from '../../../shared/msnp/index';
import { startServer, type RunningServer, type ServerConfig } from '../../../server/index';
import { RawClient } from './raw-client';

export { RawClient, show, text } from './raw-client';

/** Starts a server on OS-chosen loopback ports, in memory unless `dataDir` is given. */
export function startTestServer(config: ServerConfig = {}): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', nsPort: 0, sbPort: 0, httpPort: 0, ...config });
}

export function verLine(d: Dialect): string[] {
  return [`MSNP${d}`, 'CVR0'];
}

/** Passport 1.4 over the real Nexus (MSNP.md §3.3.2): pprdr.asp → DALogin → ticket. */
export async function passportTicket(server: RunningServer, handle: string, password: string, policy: string): Promise<string | undefined> {
  const nexus = await fetch(server.nexusUrl);
  expect(nexus.status).toBe(200);
  const urls = parsePassportUrls(nexus.headers.get('passporturls') ?? '');
  const daLogin = urls.get('DALogin');
  expect(daLogin).toBeDefined();
  const res = await fetch(daLoginUrl(daLogin as string, server.nexusUrl), {
    headers: { Authorization: buildPassportAuthorization(handle, password, policy) },
  });
  if (res.status !== 200) {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/da-status=failed/);
    return undefined;
  }
  expect(res.headers.get('content-type')).toBe('text/html');
  const outcome = parseAuthenticationInfo(res.headers.get('authentication-info') ?? '');
  expect(outcome.status).toBe('success');
  return outcome.status === 'success' ? outcome.ticket : undefined;
}

export interface SignedIn {
  readonly client: RawClient;
  readonly handle: string;
  readonly dialect: Dialect;
  readonly usrOk: Command;
  readonly profile: Command;
}

/** `VER`, `INF`/`CVR`, `USR I`, (Passport), `USR S` → `USR OK` + profile; asserts every reply. */
export async function signIn(server: RunningServer, d: Dialect, handle: string, password: string, port = server.nsPort): Promise<SignedIn> {
  const c = await RawClient.connect(port, `${handle}/MSNP${d}`);
  c.dialect = d;
  const ver = c.send('VER', verLine(d));
  expect((await c.reply(ver)).params).toEqual([`MSNP${d}`, 'CVR0']);
  if (d <= 7) {
    const inf = c.send('INF');
    expect((await c.reply(inf)).params).toEqual(['MD5']);
    const usr = c.send('USR', ['MD5', 'I', handle]);
    const challenge = await c.reply(usr);
    expect(challenge.params.slice(0, 2)).toEqual(['MD5', 'S']);
    const usr2 = c.send('USR', ['MD5', 'S', md5LoginResponse(challenge.params[2] as string, password)]);
    const ok = await c.reply(usr2);
    expect(ok.verb).toBe('USR');
    const profile = await c.expect('MSG', ['Hotmail', 'Hotmail']);
    return { client: c, handle, dialect: d, usrOk: ok, profile };
  }
  const cvr = c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '7.5.0324', 'MSMSGS', handle]);
  expect((await c.reply(cvr)).verb).toBe('CVR');
  const usr = c.send('USR', ['TWN', 'I', handle]);
  const policy = await c.reply(usr);
  expect(policy.params.slice(0, 2)).toEqual(['TWN', 'S']);
  const ticket = await passportTicket(server, handle, password, policy.params[2] as string);
  expect(ticket).toBeDefined();
  const usr2 = c.send('USR', ['TWN', 'S', ticket as string]);
  const ok = await c.reply(usr2);
  expect(ok.verb).toBe('USR');
  if (d >= 11) await c.expect('SBS', ['null']);
  const profile = await c.expect('MSG', ['Hotmail', 'Hotmail']);
  return { client: c, handle, dialect: d, usrOk: ok, profile };
}

/** `SYN` with no cache; returns every line of the answer (the reply and its items). */
export async function syncAll(s: SignedIn): Promise<Command[]> {
  const { client: c, dialect: d } = s;
  const t = c.send('SYN', d >= 10 ? ['0', '0'] : ['0']);
  const head = await c.reply(t);
  expect(head.verb).toBe('SYN');
  // Give the item lines time to arrive; they follow the SYN line in the same write.
  await new Promise((r) => setTimeout(r, 50));
  return [head, ...c.discardUnread()];
}

/** `CHG t STATE {caps}` → echo; returns the ILN lines that came with the first one. */
export async function setState(s: SignedIn, state: string, caps = 0, msnObject?: string): Promise<Command[]> {
  const { client: c, dialect: d } = s;
  const params = [state];
  if (d >= 8) params.push(String(caps));
  if (d >= 9 && msnObject !== undefined) params.push(msnObject);
  const t = c.send('CHG', params);
  const echo = await c.reply(t);
  expect(echo.verb).toBe('CHG');
  expect(echo.params).toEqual(params);
  await new Promise((r) => setTimeout(r, 30));
  return c.discardUnread().filter((x) => x.verb === 'ILN' && x.trId === t);
}

/**
 * The first `CHG` when exactly `count` `ILN`s are due: waits for them (on a cluster a contact's
 * `ILN` comes from its node, after the echo), checks no more come in a short while, and returns
 * them; the rest unread is discarded, as `setState` does.
 */
export async function setStateWithIln(s: SignedIn, state: string, count: number, caps = 0): Promise<Command[]> {
  const { client: c, dialect: d } = s;
  const params = d >= 8 ? [state, String(caps)] : [state];
  const t = c.send('CHG', params);
  const echo = await c.reply(t);
  expect(echo.verb).toBe('CHG');
  expect(echo.params).toEqual(params);
  const iln: Command[] = [];
  for (let i = 0; i < count; i++) iln.push(await c.expect('ILN', (x) => x.trId === t));
  await c.expectNone('ILN', (x) => x.trId === t, 100);
  c.discardUnread();
  return iln;
}

/** `ADD FL` (2–9) or `ADC FL` (10–12). */
export async function addToForward(s: SignedIn, handle: string, name = handle): Promise<Command> {
  const { client: c, dialect: d } = s;
  const t = d >= 10 ? c.send('ADC', ['FL', `N=${handle}`, `F=${encodeName(name)}`]) : c.send('ADD', ['FL', handle, encodeName(name)]);
  return c.reply(t);
}

/**
 * `a` and `b` on each other's forward list (and so each other's reverse and allow lists), set up
 * over MSNP12 while both are signed out; each signs out again. `server` may be any node.
 */
export async function befriend(server: RunningServer, a: string, b: string): Promise<void> {
  for (const [me, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const s = await signIn(server, 12, me, 'pw');
    await syncAll(s);
    expect((await addToForward(s, other)).verb).toBe('ADC');
    s.client.sendBare('OUT');
    await s.client.waitClosed();
  }
}

export async function addToList(s: SignedIn, list: 'AL' | 'BL', handle: string): Promise<Command> {
  const { client: c, dialect: d } = s;
  const t = d >= 10 ? c.send('ADC', [list, `N=${handle}`]) : c.send('ADD', [list, handle, handle]);
  return c.reply(t);
}

export async function removeFromList(s: SignedIn, list: 'AL' | 'BL', handle: string): Promise<Command> {
  const { client: c } = s;
  return c.reply(c.send('REM', [list, handle]));
}

export interface SbClient {
  readonly client: RawClient;
  readonly handle: string;
  readonly sessionId?: string;
}

/** `XFR SB` on the NS, then `USR handle cookie` on the SB. */
export async function openSwitchboard(s: SignedIn): Promise<SbClient> {
  const t = s.client.send('XFR', ['SB']);
  const xfr = await s.client.reply(t);
  expect(xfr.verb).toBe('XFR');
  expect(xfr.params[0]).toBe('SB');
  expect(xfr.params[2]).toBe('CKI');
  const [, port] = (xfr.params[1] as string).split(':');
  const sb = await RawClient.connect(Number(port), `${s.handle}/SB`);
  const u = sb.send('USR', [s.handle, xfr.params[3] as string]);
  const ok = await sb.reply(u);
  expect(ok.params.slice(0, 2)).toEqual(['OK', s.handle]);
  return { client: sb, handle: s.handle };
}

/** `CAL` from an SB participant; returns the session id from `CAL t RINGING id`. */
export async function call(sb: SbClient, handle: string): Promise<string> {
  const t = sb.client.send('CAL', [handle]);
  const r = await sb.client.reply(t);
  expect(r.verb).toBe('CAL');
  expect(r.params[0]).toBe('RINGING');
  return r.params[1] as string;
}

/** Waits for `RNG` on the NS and answers it on the SB; returns the client and its `IRO` lines. */
export async function answerRing(s: SignedIn, from: string): Promise<{ sb: SbClient; iro: Command[] }> {
  const rng = await s.client.expect('RNG', (c) => c.params[4] === from);
  expect(rng.params[2]).toBe('CKI');
  const [, port] = (rng.params[1] as string).split(':');
  const sb = await RawClient.connect(Number(port), `${s.handle}/SB`);
  const t = sb.send('ANS', [s.handle, rng.params[3] as string, rng.params[0] as string]);
  const iro: Command[] = [];
  for (;;) {
    const r = await sb.reply(t);
    if (r.verb === 'IRO') {
      iro.push(r);
      continue;
    }
    expect(r.verb).toBe('ANS');
    expect(r.params).toEqual(['OK']);
    break;
  }
  return { sb: { client: sb, handle: s.handle, sessionId: rng.params[0] as string }, iro };
}

/** A text message payload as the official client builds it (MSNP.md §6.6). */
export function textMessage(body: string): string {
  return `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\n${body}`;
}
