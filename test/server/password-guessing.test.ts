/**
 * Password guessing (issue 15 item 21) and connections per address (item 25), over real TCP and
 * HTTP against the bundled server. Other loopback addresses (127.0.0.2 …) stand for other
 * machines. Before the throttle, guessing was unlimited (about 1,400 MD5 guesses/s): here a sixth
 * wrong guess closes the address, so even the right password from it is refused, while the owner
 * from an address of their own still signs in (no lock-out a stranger can cause).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPassportAuthorization, md5LoginResponse } from '../../shared/msnp/index';
import { createMemoryLogger, type RunningServer } from '../../server/index';
import { RawClient, signIn, startTestServer } from './helpers/msnp';

let server: RunningServer;
const logger = createMemoryLogger();

beforeAll(async () => {
  // The throttle's defaults (server/README.md), and a cap on connections small enough to reach.
  // baseDelayMs: one minute instead of one second, so that a loaded machine cannot let a delay run
  // out between two attempts of a test; the rules are the defaults'.
  server = await startTestServer({ logger, maxConnectionsPerAddress: 4, signInThrottle: { baseDelayMs: 60_000 } });
  for (const h of ['victim@example.com', 'nexusvictim@example.com', 'own@example.com']) await server.accounts.add(h, 'right-password', h);
});

afterAll(() => server.stop());

/** One MD5 sign-in attempt from `from` (MSNP.md §3.2): 'ok', or the error code it got. */
async function md5Attempt(from: string, handle: string, password: string): Promise<string> {
  const c = await RawClient.connect(server.nsPort, `${handle}@${from}`, '127.0.0.1', from);
  try {
    await c.reply(c.send('VER', ['MSNP7', 'CVR0']));
    await c.reply(c.send('INF'));
    const challenge = await c.reply(c.send('USR', ['MD5', 'I', handle]));
    const answer = await c.reply(c.send('USR', ['MD5', 'S', md5LoginResponse(challenge.params[2] as string, password)]));
    return answer.verb === 'USR' && answer.params[0] === 'OK' ? 'ok' : answer.verb;
  } finally {
    c.close();
  }
}

/** One Passport login (MSNP.md §3.3.2) from `from`: the HTTP status. */
function passportAttempt(from: string, handle: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.httpPort, path: '/login2.srf', localAddress: from, agent: false, headers: { Authorization: buildPassportAuthorization(handle, password, 'lc=1033') } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('failed sign-ins are throttled per address and per account', () => {
  it('MD5 (MSNP2–7): after five wrong guesses the address is refused, even with the right password; the owner elsewhere is not', async () => {
    for (let i = 0; i < 6; i++) expect(await md5Attempt('127.0.0.2', 'victim@example.com', `guess-${i}`)).toBe('911');
    expect(await md5Attempt('127.0.0.2', 'victim@example.com', 'right-password')).toBe('911');
    expect(logger.entries.some((e) => e.event === 'signin-failed' && e.fields.reason === 'throttled')).toBe(true);
    // The attacker's address is closed for every account, its own included.
    expect(await md5Attempt('127.0.0.2', 'own@example.com', 'right-password')).toBe('911');
    // The owner, from another address, gets in.
    expect(await md5Attempt('127.0.0.3', 'victim@example.com', 'right-password')).toBe('ok');
  });

  it('an account guessed at from many addresses slows those addresses, never a clean one', async () => {
    // Eleven addresses, one wrong guess each (ten are free per account), then each tries again.
    for (let i = 10; i < 21; i++) expect(await md5Attempt(`127.0.1.${i}`, 'own@example.com', 'wrong')).toBe('911');
    // An address that has failed on the account is now refused even with the right password …
    expect(await md5Attempt('127.0.1.10', 'own@example.com', 'right-password')).toBe('911');
    // … and a clean one is let through.
    expect(await md5Attempt('127.0.1.99', 'own@example.com', 'right-password')).toBe('ok');
  });

  it('Passport (the Nexus, MSNP8+): throttled the same way, 401 at once without hashing', async () => {
    for (let i = 0; i < 6; i++) expect(await passportAttempt('127.0.0.4', 'nexusvictim@example.com', `guess-${i}`)).toBe(401);
    const before = logger.entries.length;
    expect(await passportAttempt('127.0.0.4', 'nexusvictim@example.com', 'right-password')).toBe(401);
    expect(logger.entries.slice(before).find((e) => e.event === 'nexus-login-failed')?.fields.reason).toBe('throttled');
    expect(await passportAttempt('127.0.0.5', 'nexusvictim@example.com', 'right-password')).toBe(200);
    // A real MSNP12 sign-in from the test's own address is unaffected.
    const s = await signIn(server, 12, 'nexusvictim@example.com', 'right-password');
    s.client.close();
  });
});

describe('connections per address', () => {
  it('beyond the cap a connection is closed at once; other addresses, and the same one after a close, are served', async () => {
    const held = await Promise.all([0, 1, 2, 3].map((i) => RawClient.connect(server.nsPort, `held${i}`, '127.0.0.1', '127.0.2.1')));
    // Each listener accepts on its own turn: wait until the server holds all four.
    while (server.stats().connections < 4) await new Promise((r) => setTimeout(r, 10));
    const over = await RawClient.connect(server.sbPort, 'over', '127.0.0.1', '127.0.2.1');
    await over.waitClosed(2000);
    const other = await RawClient.connect(server.nsPort, 'other', '127.0.0.1', '127.0.2.2');
    expect((await other.reply(other.send('VER', ['MSNP8', 'CVR0']))).verb).toBe('VER');
    held[0]?.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawClient.connect(server.nsPort, 'again', '127.0.0.1', '127.0.2.1');
    expect((await again.reply(again.send('VER', ['MSNP8', 'CVR0']))).verb).toBe('VER');
    for (const c of [...held, other, again]) c.close();
  });
});
