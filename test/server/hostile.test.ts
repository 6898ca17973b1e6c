/**
 * The hostile client (issue 3, "Bad input and abuse"): malformed, unknown and out-of-order
 * commands get the reference's error or its disconnect; limits on line length, payload size,
 * commands in flight (server/msnp/connection.test.ts) and rate (rate-limit.test.ts); slow readers are cut off; unauthenticated connections time out;
 * nobody reaches another user's lists, presence or switchboards; secrets never reach the log;
 * and the server survives all of it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5LoginResponse, type Dialect } from '../../shared/msnp/index';
import { createMemoryLogger, type RunningServer } from '../../server/index';
import {
  addToForward,
  answerRing,
  call,
  openSwitchboard,
  passportTicket,
  RawClient,
  setState,
  signIn,
  startTestServer,
  syncAll,
  textMessage,
  type SignedIn,
} from './helpers/msnp';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);

let server: RunningServer;
/**
 * The same limits with switchboard cookies and Passport tickets that expire after 1.5 s, for the
 * tests of their expiry only. Everyone else signs in to `server`, whose timers are the real ones:
 * with the 1.5 s timers on the one shared server, any sign-in that took longer (a Passport
 * sign-in did, 4 s, with the machine loaded) was cut off by the login timeout or lost its ticket,
 * and unrelated tests failed ("random bytes…": its canary was closed after `USR TWN S`).
 */
let expiring: RunningServer;
const logger = createMemoryLogger();
let n = 0;
const LIMITS = { maxLineLength: 1024, maxPayloadLength: 2048, maxSendBufferBytes: 64 * 1024, commandsPerSecond: 50, commandBurst: 100, overRateBurst: 100 };
const SHORT_MS = 1500;
const PAST_SHORT_MS = SHORT_MS + 200;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  server = await startTestServer({ logger, maxSbParticipants: 3, limits: LIMITS });
  expiring = await startTestServer({ logger, cookieLifetimeMs: SHORT_MS, ticketLifetimeMs: SHORT_MS, maxSbParticipants: 3, limits: LIMITS });
});

afterAll(async () => {
  await server.stop();
  await expiring.stop();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  // Nothing the hostile clients did left an unhandled rejection or exception behind.
  expect(unhandled).toEqual([]);
  // And the handlers never hit an internal error.
  expect(logger.entries.filter((e) => e.event === 'internal-error')).toEqual([]);
});

async function user(name: string, on: RunningServer = server): Promise<string> {
  const h = `${name}${++n}@example.com`;
  await on.accounts.add(h, `pw-${name}`, name);
  return h;
}

async function online(d: Dialect, name: string, on: RunningServer = server): Promise<SignedIn> {
  const h = await user(name, on);
  const s = await signIn(on, d, h, `pw-${name}`);
  await syncAll(s);
  return s;
}

async function versioned(d: Dialect, on: RunningServer = server): Promise<RawClient> {
  const c = await RawClient.connect(on.nsPort, `hostile/MSNP${d}`);
  await c.reply(c.send('VER', [`MSNP${d}`]));
  return c;
}

/** After the abuse, the server still signs people in. */
async function stillServing(): Promise<void> {
  const s = await online(8, 'canary');
  await setState(s, 'NLN');
  s.client.close();
}

describe('malformed and unknown input is dropped', () => {
  it.each([
    ['a verb that is not three capitals', 'hello world\r\n'],
    ['an unknown verb', 'ZZZ 1\r\n'],
    ['a bad TrID', 'VER abc MSNP8\r\n'],
    ['a TrID over 2^32', 'VER 4294967296 MSNP8\r\n'],
    ['a bare CR inside a line', 'VER 1 MSNP8\rCVR0\r\n'],
    ['invalid UTF-8', Buffer.from([0x56, 0x45, 0x52, 0x20, 0x31, 0x20, 0xff, 0xfe, 0x0d, 0x0a])],
    ['a payload verb without a length', 'QRY 1 msmsgs@msnmsgr.com\r\n'],
    ['MSG sent to the NS', 'VER 1 MSNP8\r\nMSG 2 A 5\r\nhello'],
    ['VER with no dialects', 'VER 1\r\n'],
  ])('%s → disconnect', async (_what, bytes) => {
    const c = await RawClient.connect(server.nsPort);
    c.write(bytes);
    await c.waitClosed();
  });

  it('no common dialect → VER t 0 and close (MSNP.md §2.1)', async () => {
    const c = await RawClient.connect(server.nsPort);
    const t = c.send('VER', ['MSNP16', 'MSNP1', 'CVR0']);
    expect((await c.reply(t)).params).toEqual(['0']);
    await c.waitClosed();
  });

  it('random bytes never crash the NS, SB or dispatch listeners', async () => {
    for (const port of [server.nsPort, server.sbPort]) {
      for (let i = 0; i < 20; i++) {
        const c = await RawClient.connect(port);
        c.write(randomBytes(1 + (i * 97) % 900));
        c.write(`\r\nVER ${i} MSNP8\r\n`);
        await new Promise((r) => setTimeout(r, 5));
        c.close();
      }
    }
    await stillServing();
  });
});

describe('out-of-order commands (MSNP.md §1.6)', () => {
  it('a command before VER → 715 and close', async () => {
    const c = await RawClient.connect(server.nsPort);
    const t = c.send('SYN', ['0']);
    expect((await c.reply(t)).verb).toBe('715');
    await c.waitClosed();
  });

  it('USR S before USR I → 715 and close', async () => {
    const c = await versioned(5);
    const t = c.send('USR', ['MD5', 'S', 'abc']);
    expect((await c.reply(t)).verb).toBe('715');
    await c.waitClosed();
  });

  it('SYN before signing in → 715 and close', async () => {
    const c = await versioned(12);
    const t = c.send('SYN', ['0', '0']);
    expect((await c.reply(t)).verb).toBe('715');
    await c.waitClosed();
  });

  it('a second USR after sign-in → 207; VER again → 715; the session continues', async () => {
    const s = await online(7, 'twice');
    expect((await s.client.reply(s.client.send('USR', ['MD5', 'I', s.handle]))).verb).toBe('207');
    expect((await s.client.reply(s.client.send('VER', ['MSNP7']))).verb).toBe('715');
    expect((await s.client.reply(s.client.send('BLP', ['BL']))).verb).toBe('BLP');
    s.client.close();
  });

  it.each([
    [8, 'INF', []],
    [7, 'ADC', ['FL', 'N=x@example.com']],
    [10, 'ADD', ['FL', 'x@example.com', 'x']],
    [11, 'REA', ['x@example.com', 'x']],
    [4, 'PRP', ['PHH', '1']],
    [6, 'ADG', ['Friends', '0']],
    [10, 'UUX', []],
  ] as Array<[Dialect, string, string[]]>)('MSNP%i: %s does not exist in the dialect → disconnect', async (d, verb, params) => {
    const s = await online(d, 'dialect');
    if (verb === 'UUX') s.client.send('UUX', [], '<Data/>');
    else s.client.send(verb, params);
    await s.client.waitClosed();
  });

  it('XFR SB before the first CHG → 913', async () => {
    const s = await online(9, 'early');
    expect((await s.client.reply(s.client.send('XFR', ['SB']))).verb).toBe('913');
    s.client.close();
  });
});

describe('bad parameters get the reference error code', () => {
  it('MSNP2–9 list edits', async () => {
    const s = await online(7, 'lister');
    const c = s.client;
    const code = async (verb: string, params: string[]): Promise<string> => (await c.reply(c.send(verb, params))).verb;
    expect(await code('ADD', ['FL', 'nobody-here@example.com', 'x'])).toBe('205');
    expect(await code('ADD', ['FL', 'nodomain', 'x'])).toBe('206');
    expect(await code('ADD', ['FL', 'bad@@example.com', 'x'])).toBe('201');
    expect(await code('ADD', ['XL', 'a@example.com', 'x'])).toBe('201');
    expect(await code('ADD', ['FL', s.handle, 'me', '17'])).toBe('224');
    expect(await code('REM', ['AL', 'someone@example.com'])).toBe('216');
    expect(await code('BLP', ['AL'])).toBe('218');
    expect(await code('BLP', ['XX'])).toBe('201');
    expect(await code('GTC', ['A'])).toBe('218');
    expect(await code('RMG', ['0'])).toBe('230');
    expect(await code('RMG', ['29'])).toBe('224');
    expect(await code('ADG', ['x'.repeat(62), '0'])).toBe('229');
    expect(await code('ADG', ['Pals', '0'])).toBe('ADG');
    expect(await code('ADG', ['pals', '0'])).toBe('228');
    for (let i = 0; i < 28; i++) await code('ADG', [`g${i}`, '0']);
    expect(await code('ADG', ['one-too-many', '0'])).toBe('223');
    expect(await code('REA', [s.handle, 'x'.repeat(400)])).toBe('209');
    expect(await code('CHG', ['FLN'])).toBe('201');
    expect(await code('CHG', ['XYZ'])).toBe('201');
    expect(await code('PRP', ['ZZZ', '1'])).toBe('715');
    expect(await code('FND', ['fname=x'])).toBe('502');
    // Rapid renames: the sixth in quick succession is refused (MSNP.md §5.4).
    const results: string[] = [];
    for (let i = 0; i < 6; i++) results.push(await code('REA', [s.handle, `n${i}`]));
    expect(results.slice(0, 5).every((v) => v === 'REA')).toBe(true);
    expect(results[5]).toBe('800');
    c.send('ADD', ['RL', 'x@example.com', 'x']);
    await c.waitClosed();
  });

  it('MSNP10–12 list edits', async () => {
    const s = await online(11, 'modern');
    const c = s.client;
    const code = async (verb: string, params: string[]): Promise<string> => (await c.reply(c.send(verb, params))).verb;
    expect(await code('ADC', ['FL', 'N=nobody-here@example.com', 'F=x'])).toBe('208');
    expect(await code('ADC', ['FL', 'F=x'])).toBe('201');
    expect(await code('ADC', ['FL', 'C=00000000-1111-2222-3333-444444444444', 'abc'])).toBe('216');
    expect(await code('REM', ['FL', '00000000-1111-2222-3333-444444444444'])).toBe('216');
    expect(await code('RMG', ['00000000-1111-2222-3333-444444444444'])).toBe('224');
    expect(await code('CHG', ['NLN', 'notanumber'])).toBe('201');
    expect(await code('CHG', ['NLN', '99999999999'])).toBe('201');
    c.send('PRP', ['TOOLONG', 'x']);
    await c.waitClosed();
  });

  it('a wrong challenge answer → 540 and close (MSNP.md §3.5)', async () => {
    for (const d of [6, 11] as Dialect[]) {
      const s = await online(d, 'chl');
      s.client.autoAnswerChallenges = false;
      await setState(s, 'NLN');
      expect(s.client.challenges).toHaveLength(1);
      expect(s.client.challenges[0]).toMatch(/^\d{20}$/);
      const t = s.client.send('QRY', ['msmsgs@msnmsgr.com'], '0'.repeat(32));
      expect((await s.client.reply(t)).verb).toBe('540');
      await s.client.waitClosed();
    }
  });

  it('an MSNP11 client answering with the old algorithm → 540', async () => {
    const s = await online(11, 'oldalg');
    s.client.autoAnswerChallenges = false;
    await setState(s, 'NLN');
    const { qryMd5 } = await import('../../shared/msnp/index');
    const t = s.client.send('QRY', ['msmsgs@msnmsgr.com'], qryMd5(s.client.challenges[0] as string, 'Q1P7W2E4J9R8U3S5'));
    expect((await s.client.reply(t)).verb).toBe('540');
    await s.client.waitClosed();
  });
});

describe('per-connection limits', () => {
  it('an over-long line → disconnect', async () => {
    const c = await RawClient.connect(server.nsPort);
    c.write(`VER 1 ${'MSNP8 '.repeat(400)}\r\n`);
    await c.waitClosed();
  });

  it('an over-large payload → disconnect', async () => {
    const s = await online(11, 'bigpsm');
    s.client.write(`UUX 9 100000\r\n${'x'.repeat(3000)}`);
    await s.client.waitClosed();
  });

  it('a flood of commands far beyond the rate → disconnect (test/server/rate-limit.test.ts has the errors before it)', async () => {
    const s = await online(8, 'flood');
    s.client.write('PNG\r\n'.repeat(2000));
    await s.client.waitClosed();
    expect(logger.entries.some((e) => e.event === 'disconnect' && String(e.fields.reason).startsWith('rate limit') && e.fields.handle === s.handle)).toBe(true);
  });

  it('a connection that never signs in is closed after the login timeout', async () => {
    // A server of its own: a 1.5 s login timeout would cut off real sign-ins on a loaded machine.
    const quick = await startTestServer({ logger, loginTimeoutMs: SHORT_MS, limits: LIMITS });
    try {
      const c = await RawClient.connect(quick.nsPort);
      await c.reply(c.send('VER', ['MSNP8']));
      await c.waitClosed(10_000);
      const sb = await RawClient.connect(quick.sbPort);
      await sb.waitClosed(10_000);
      // The server logs a disconnect when its side of the socket has closed, which can be after ours.
      const reasons = () => logger.entries.filter((e) => e.event === 'disconnect').map((e) => String(e.fields.reason));
      await expect.poll(reasons, { timeout: 10_000 }).toContain('login timeout');
      await expect.poll(reasons, { timeout: 10_000 }).toContain('switchboard login timeout');
    } finally {
      await quick.stop();
    }
  });

  it('a slow reader is cut off instead of buffered without bound', async () => {
    const fast = await startTestServer({
      limits: { maxSendBufferBytes: 32 * 1024, commandsPerSecond: 1_000_000, commandBurst: 1_000_000 },
      logger,
    });
    try {
      await fast.accounts.add('talker@example.com', 'pt', 'Talker');
      await fast.accounts.add('sleeper@example.com', 'ps', 'Sleeper');
      const T = await signIn(fast, 8, 'talker@example.com', 'pt');
      const S = await signIn(fast, 8, 'sleeper@example.com', 'ps');
      await syncAll(T);
      await syncAll(S);
      await addToForward(T, 'sleeper@example.com');
      await setState(T, 'NLN');
      await setState(S, 'NLN');
      const st = await openSwitchboard(T);
      await call(st, 'sleeper@example.com');
      const { sb: ss } = await answerRing(S, 'talker@example.com');
      await st.client.expect('JOI');
      ss.client.pauseReading();
      const chunk = textMessage('z'.repeat(1500));
      let bye = false;
      st.client.expect('BYE', ['sleeper@example.com'], 60_000).then(
        () => (bye = true),
        () => undefined,
      );
      for (let i = 0; i < 20000 && !bye; i++) {
        st.client.send('MSG', ['U'], chunk);
        if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      for (let i = 0; i < 500 && !bye; i++) await new Promise((r) => setTimeout(r, 20));
      expect(bye).toBe(true);
      expect(logger.entries.some((e) => e.event === 'disconnect' && String(e.fields.reason).startsWith('slow reader'))).toBe(true);
      for (const c of [st.client, ss.client, T.client, S.client]) c.close();
    } finally {
      await fast.stop();
    }
  }, 60_000);
});

describe('nobody reaches another user’s data', () => {
  it('REA on a contact renames my stored copy only; REM of someone else’s GUID is 216', async () => {
    const A = await online(8, 'owner');
    const B = await online(8, 'victim');
    await addToForward(A, B.handle, 'victim');
    const r = await A.client.reply(A.client.send('REA', [B.handle, 'Renamed']));
    expect(r.verb).toBe('REA');
    const B2 = await signIn(server, 8, B.handle, 'pw-victim');
    // The victim's own friendly name is untouched.
    expect(B2.usrOk.params[2]).toBe('victim');
    B2.client.close();

    const C = await online(10, 'other');
    const D = await online(10, 'target');
    const adc = await addToForward(D, C.handle);
    const guid = (adc.params.find((p) => p.startsWith('C=')) as string).slice(2);
    expect((await C.client.reply(C.client.send('REM', ['FL', guid]))).verb).toBe('216');
    expect((await C.client.reply(C.client.send('SBP', [guid, 'MFN', 'x']))).verb).toBe('216');
    for (const s of [A, B, C, D]) s.client.close();
  });

  it('switchboard cookies are single-use, bound to the handle, and expire', async () => {
    const A = await online(9, 'cookie');
    const M = await online(9, 'mallory');
    await setState(A, 'NLN');
    await setState(M, 'NLN');
    // Cookie used with another handle → 911, and it is burnt.
    const x1 = await A.client.reply(A.client.send('XFR', ['SB']));
    const sb1 = await RawClient.connect(server.sbPort);
    expect((await sb1.reply(sb1.send('USR', [M.handle, x1.params[3] as string]))).verb).toBe('911');
    await sb1.waitClosed();
    const sb1b = await RawClient.connect(server.sbPort);
    expect((await sb1b.reply(sb1b.send('USR', [A.handle, x1.params[3] as string]))).verb).toBe('911');
    // Reuse → 911.
    const x2 = await A.client.reply(A.client.send('XFR', ['SB']));
    const sb2 = await RawClient.connect(server.sbPort);
    expect((await sb2.reply(sb2.send('USR', [A.handle, x2.params[3] as string]))).params[0]).toBe('OK');
    const sb3 = await RawClient.connect(server.sbPort);
    expect((await sb3.reply(sb3.send('USR', [A.handle, x2.params[3] as string]))).verb).toBe('911');
    // Made-up cookie, and an ANS with a made-up session → 911.
    const sb4 = await RawClient.connect(server.sbPort);
    expect((await sb4.reply(sb4.send('ANS', [M.handle, '1.2.3', '12345678']))).verb).toBe('911');
    // Expired → 911 (on the server whose cookies last 1.5 s; MD5 sign-in, no ticket to expire).
    const E = await online(7, 'expiry', expiring);
    await setState(E, 'NLN');
    const x5 = await E.client.reply(E.client.send('XFR', ['SB']));
    await new Promise((r) => setTimeout(r, PAST_SHORT_MS));
    const sb5 = await RawClient.connect(expiring.sbPort);
    expect((await sb5.reply(sb5.send('USR', [E.handle, x5.params[3] as string]))).verb).toBe('911');
    E.client.close();
    // An invitation cookie works only for the invitee.
    await addToForward(M, A.handle);
    const rngTarget = await online(9, 'invitee');
    await setState(rngTarget, 'NLN');
    const sbA = { client: sb2, handle: A.handle };
    await call(sbA, rngTarget.handle);
    const rng = await rngTarget.client.expect('RNG');
    const thief = await RawClient.connect(server.sbPort);
    expect((await thief.reply(thief.send('ANS', [M.handle, rng.params[3] as string, rng.params[0] as string]))).verb).toBe('911');
    for (const c of [sb1b, sb2, sb3, sb4, sb5, thief, A.client, M.client, rngTarget.client]) c.close();
  });

  it('Passport tickets are single-use, bound to the handle, and expire', async () => {
    const a = await user('tix');
    const b = await user('tax');
    const policy = 'lc=1033,id=507';
    const ticket = (await passportTicket(server, a, 'pw-tix', policy)) as string;
    const tryTicket = async (handle: string, t: string, on: RunningServer = server): Promise<string> => {
      const c = await versioned(12, on);
      await c.reply(c.send('USR', ['TWN', 'I', handle]));
      const r = await c.reply(c.send('USR', ['TWN', 'S', t]));
      c.close();
      return r.verb;
    };
    expect(await tryTicket(b, ticket)).toBe('911'); // someone else's ticket (and now burnt)
    expect(await tryTicket(a, ticket)).toBe('911');
    const t2 = (await passportTicket(server, a, 'pw-tix', policy)) as string;
    expect(await tryTicket(a, t2)).toBe('USR');
    expect(await tryTicket(a, t2)).toBe('911'); // reuse
    // Expired (on the server whose tickets last 1.5 s).
    const e = await user('tex', expiring);
    const t3 = (await passportTicket(expiring, e, 'pw-tex', policy)) as string;
    await new Promise((r) => setTimeout(r, PAST_SHORT_MS));
    expect(await tryTicket(e, t3, expiring)).toBe('911');
    expect(await tryTicket(a, 't=made-up&p=x')).toBe('911');
  });

  it('the Nexus refuses missing or malformed Authorization with 401', async () => {
    for (const auth of [undefined, 'Basic abc', 'Passport1.4 OrgVerb=GET', 'Passport1.4 sign-in=%ZZ,pwd=x']) {
      const res = await fetch(server.nexusUrl.replace('/rdr/pprdr.asp', '/login2.srf'), {
        headers: auth === undefined ? {} : { Authorization: auth },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/da-status=failed/);
    }
    expect((await fetch(server.nexusUrl.replace('/rdr/pprdr.asp', '/nope'))).status).toBe(404);
  });

  // Issue 15 item 20: the RST.srf parser was a regular expression that backtracked quadratically
  // on `<Username ` repeated (about 0.5–1 s of blocked event loop per 64 KiB request). The parse is
  // now linear (microseconds), so 24 such requests and then a real sign-in fit easily in the
  // test's time limit; before, they held the server for 12–24 s and this test timed out. The limit
  // is a margin of hundreds, not a measurement (bench:server has the figures).
  it('crafted SOAP bodies to /RST.srf cost linear time and never block a real sign-in', { timeout: 8000 }, async () => {
    const rst = server.nexusUrl.replace('/rdr/pprdr.asp', '/RST.srf');
    const crafted = [
      '<Username '.repeat(6500),
      '<Password '.repeat(6500) + '>',
      '<a:Username x="1">'.repeat(3500),
      `<${'a'.repeat(60000)}:Username>`,
    ];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        fetch(rst, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: crafted[i % crafted.length] }).then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toContain('FailedAuthentication');
    }
    // A body over the 64 KiB limit is refused unread.
    const huge = await fetch(rst, { method: 'POST', body: '<Username '.repeat(7000) }).catch(() => undefined);
    if (huge !== undefined) expect(huge.status).toBe(413);
    await stillServing();
  });
});

describe('switchboard abuse', () => {
  async function pair(): Promise<{ A: SignedIn; B: SignedIn; sa: { client: RawClient; handle: string }; sbB: { client: RawClient; handle: string } }> {
    const A = await online(12, 'sba');
    const B = await online(12, 'sbb');
    await setState(A, 'NLN');
    await setState(B, 'NLN');
    const sa = await openSwitchboard(A);
    await call(sa, B.handle);
    const { sb: sbB } = await answerRing(B, A.handle);
    await sa.client.expect('JOI');
    return { A, B, sa, sbB };
  }

  it('commands before USR/ANS, bad ack types and over-long messages → disconnect', async () => {
    const c = await RawClient.connect(server.sbPort);
    c.send('CAL', ['x@example.com']);
    await c.waitClosed();

    const { A, B, sa, sbB } = await pair();
    sa.client.send('MSG', ['X'], textMessage('bad ack'));
    await sa.client.waitClosed();
    await sbB.client.expect('BYE', [A.handle]);
    // 1665 bytes: one over the switchboard limit (MSNP.md §6.4); nothing is delivered.
    sbB.client.send('MSG', ['N'], 'x'.repeat(1665));
    await sbB.client.waitClosed();
    for (const s of [A, B]) s.client.close();
  });

  it('CAL errors: malformed 208, self 215, already there 215, offline 217, full 712', async () => {
    const { A, B, sa, sbB } = await pair();
    const code = async (h: string): Promise<string> => (await sa.client.reply(sa.client.send('CAL', [h]))).verb;
    expect(await code('not-a-handle')).toBe('208');
    expect(await code(A.handle)).toBe('215');
    expect(await code(B.handle)).toBe('215');
    expect(await code('ghost@example.com')).toBe('217');
    const C = await online(12, 'third');
    const D = await online(12, 'fourth');
    await setState(C, 'NLN');
    await setState(D, 'NLN');
    expect((await sa.client.reply(sa.client.send('CAL', [C.handle]))).params[0]).toBe('RINGING');
    // Cap 3 in this server: A, B and C's pending invitation.
    expect(await code(D.handle)).toBe('712');
    // P2P data sent without the P2P content type → 282.
    const t = sa.client.send('MSG', ['D'], textMessage('not p2p'));
    expect((await sa.client.reply(t)).verb).toBe('282');
    for (const c of [sa.client, sbB.client, A.client, B.client, C.client, D.client]) c.close();
  });

  it('an idle participant is removed with BYE handle 1', async () => {
    const quick = await startTestServer({ sbIdleTimeoutMs: 300 });
    try {
      await quick.accounts.add('i1@example.com', 'p', 'I1');
      await quick.accounts.add('i2@example.com', 'p', 'I2');
      const A = await signIn(quick, 10, 'i1@example.com', 'p');
      const B = await signIn(quick, 10, 'i2@example.com', 'p');
      await setState(A, 'NLN');
      await setState(B, 'NLN');
      const sa = await openSwitchboard(A);
      await call(sa, 'i2@example.com');
      const { sb: sbB } = await answerRing(B, 'i1@example.com');
      // B keeps talking, A says nothing: A is removed for idling.
      const timer = setInterval(() => sbB.client.send('MSG', ['U'], textMessage('.')), 100);
      try {
        const bye = await sbB.client.expect('BYE', ['i1@example.com', '1'], 3000);
        expect(bye.params).toEqual(['i1@example.com', '1']);
      } finally {
        clearInterval(timer);
      }
      await sa.client.waitClosed();
      for (const c of [sbB.client, A.client, B.client]) c.close();
    } finally {
      await quick.stop();
    }
  });
});

describe('logging', () => {
  it('one line per connection event, never a password, ticket, cookie or challenge', async () => {
    const h = await user('logged');
    const md5 = await signIn(server, 5, h, 'pw-logged');
    const twn = await signIn(server, 11, h, 'pw-logged');
    await md5.client.waitClosed();
    await setState(twn, 'NLN');
    const xfr = await twn.client.reply(twn.client.send('XFR', ['SB']));
    const cookie = xfr.params[3] as string;
    const log = JSON.stringify(logger.entries);
    expect(log).not.toContain('pw-logged');
    expect(log).not.toContain(cookie);
    expect(log).not.toContain(md5LoginResponse('x', 'pw-logged').slice(0, 8) + 'NOPE');
    for (const c of twn.client.received.concat(md5.client.received)) {
      if (c.verb === 'MSG') {
        const auth = /MSPAuth: (\S+)/.exec(new TextDecoder().decode(c.payload))?.[1];
        if (auth !== undefined) expect(log).not.toContain(auth);
      }
      if (c.verb === 'USR' && c.params[1] === 'S') expect(log).not.toContain(c.params[2] as string);
    }
    const events = new Set(logger.entries.map((e) => e.event));
    for (const e of ['connect', 'signin', 'signout', 'disconnect', 'kicked', 'nexus-login']) expect(events).toContain(e);
    twn.client.close();
  });
});
