/**
 * The command tables' decode step (server/msnp/dispatch.ts, server/README.md "Commands"): a
 * request with enough parameters that the codec's decoder still refuses gets the code its table
 * entry names (MSNP.md §7), or a disconnect where the reference has none (§1.2); a request the
 * decoder accepts reaches the handler, which answers with the request's TrID. Through the real
 * server over TCP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../shared/msnp/index';
import { createMemoryLogger, type RunningServer } from '../../server/index';
import { RawClient, setState, signIn, startTestServer, syncAll, verLine, type SignedIn } from './helpers/msnp';

let server: RunningServer;
const logger = createMemoryLogger();
let n = 0;

beforeAll(async () => {
  server = await startTestServer({ logger });
});

afterAll(async () => {
  await server.stop();
  // No refusal went through a handler bug.
  expect(logger.entries.filter((e) => e.event === 'internal-error')).toEqual([]);
});

async function online(d: Dialect): Promise<SignedIn> {
  const h = `typed${++n}@example.com`;
  await server.accounts.add(h, `pw-${n}`, 'Typed');
  const s = await signIn(server, d, h, `pw-${n}`);
  await syncAll(s);
  return s;
}

describe('a request the decoder refuses gets the table entry’s code', () => {
  it.each([
    [7, 'RMG', ['abc'], '224'],
    [7, 'REG', ['abc', 'Pals', '0'], '224'],
    [7, 'LST', ['XX'], '201'],
    [7, 'GTC', ['X'], '201'],
    [7, 'IMS', ['MAYBE'], '201'],
    [7, 'XFR', ['NOWHERE'], '201'],
    [7, 'ADD', ['FL', 'a@example.com', 'A', 'x'], '201'],
    [11, 'ADC', ['XL', 'N=a@example.com'], '201'],
  ] as const)('MSNP%i %s %j → %s, and the session goes on', async (d, verb, params, code) => {
    const s = await online(d);
    const t = s.client.send(verb, params);
    const r = await s.client.reply(t);
    expect(r.verb).toBe(code);
    // Still signed in and served.
    expect((await s.client.reply(s.client.send('BLP', ['BL']))).verb).toBe('BLP');
    s.client.close();
  });

  it('a QRY answer that is not 32 hex digits → 540 and close (MSNP.md §3.5)', async () => {
    const s = await online(11);
    s.client.autoAnswerChallenges = false;
    await setState(s, 'NLN');
    const t = s.client.send('QRY', ['PROD0090YUAUV{2B'], 'not-hex-'.repeat(4));
    expect((await s.client.reply(t)).verb).toBe('540');
    await s.client.waitClosed();
  });

  it('USR with a security package that is no package → 911 and close (MSNP.md §3)', async () => {
    const c = await RawClient.connect(server.nsPort, 'typed/usr');
    await c.reply(c.send('VER', verLine(5)));
    const t = c.send('USR', ['md-5!', 'I', 'someone@example.com']);
    expect((await c.reply(t)).verb).toBe('911');
    await c.waitClosed();
  });

  it('no code in the reference → disconnect: a PRP key that is not 1–3 capitals', async () => {
    const s = await online(9);
    s.client.send('PRP', ['phh', '555']);
    await s.client.waitClosed();
  });
});

describe('a request the decoder accepts reaches the handler with its TrID', () => {
  it('CHG with caps and MSNObject is echoed token for token under the request’s TrID', async () => {
    const s = await online(12);
    const t = s.client.send('CHG', ['BSY', '268435500', '0']);
    const echo = await s.client.reply(t);
    expect(echo.verb).toBe('CHG');
    expect(echo.trId).toBe(t);
    expect(echo.params).toEqual(['BSY', '268435500', '0']);
    s.client.close();
  });
});
