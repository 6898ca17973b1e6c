/**
 * Across dialects and restarts: users on different dialects see each other in their own shapes
 * and chat on one switchboard; lists survive a restart on the same data directory; the optional
 * dispatch server refers every dialect to the NS with the right `XFR NS` shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeName, type Dialect } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import {
  addToForward,
  answerRing,
  call,
  openSwitchboard,
  RawClient,
  setState,
  signIn,
  startTestServer,
  syncAll,
  text,
  textMessage,
} from './helpers/msnp';

describe('mixed dialects', () => {
  let server: RunningServer;
  afterAll(() => server?.stop());

  it.each([
    [2, 12],
    [7, 10],
    [5, 11],
    [8, 9],
  ] as Array<[Dialect, Dialect]>)('MSNP%i and MSNP%i: lists, presence, names and a switchboard', async (da, db) => {
    server ??= await startTestServer();
    const a = `old${da}${db}@example.com`;
    const b = `new${da}${db}@example.com`;
    await server.accounts.add(a, 'pa', 'Old Timer');
    await server.accounts.add(b, 'pb', 'New Kid');
    const A = await signIn(server, da, a, 'pa');
    const B = await signIn(server, db, b, 'pb');
    await syncAll(A);
    await syncAll(B);

    await addToForward(A, b, 'New Kid');
    if (db >= 10) await B.client.expect('ADC', ['RL', `N=${a}`, `F=${encodeName('Old Timer')}`]);
    else await B.client.expect('ADD', (c) => c.params[0] === 'RL' && c.params[2] === a);
    await addToForward(B, a, 'Old Timer');
    if (da >= 10) await A.client.expect('ADC', ['RL', `N=${b}`]);
    else await A.client.expect('ADD', (c) => c.params[0] === 'RL' && c.params[2] === b);

    await setState(A, 'NLN');
    // Lower-case escapes: re-encoding a decoded object would change the bytes; the server must
    // relay the client's string verbatim (MSNP.md §2.9).
    const msnObject = '%3cmsnobj%20Creator%3d%22x%22%20SHA1D%3d%22a%2Bb%2f%22%2f%3e';
    const iln = await setState(B, 'BRB', 1342554172, msnObject);
    expect(iln.map((c) => c.params.slice(0, 3))).toEqual([['NLN', a, encodeName('Old Timer')]]);
    // Each receiver gets its own shape: caps only from MSNP8, the MSNObject only from MSNP9.
    const nln = await A.client.expect('NLN', ['BRB', b]);
    const expected = ['BRB', b, encodeName('New Kid')];
    if (da >= 8) expected.push('1342554172');
    if (da >= 9) expected.push(msnObject);
    expect(nln.params).toEqual(expected);

    const sa = await openSwitchboard(A);
    await call(sa, b);
    const { sb: sbB, iro } = await answerRing(B, a);
    expect(iro[0]?.params).toHaveLength(db >= 12 ? 5 : 4);
    const joi = await sa.client.expect('JOI', [b]);
    expect(joi.params).toHaveLength(da >= 12 ? 3 : 2);
    const t1 = sa.client.send('MSG', ['A'], textMessage('hi from the past'));
    expect((await sa.client.reply(t1)).verb).toBe('ACK');
    expect(text((await sbB.client.expect('MSG', [a])).payload)).toContain('hi from the past');
    const t2 = sbB.client.send('MSG', ['N'], textMessage('hi from the future ✓'));
    expect(text((await sa.client.expect('MSG', [b, encodeName('New Kid')])).payload)).toContain('✓');
    await sbB.client.expectNone('NAK', (c) => c.trId === t2, 100);
    for (const c of [sa.client, sbB.client, A.client, B.client]) c.close();
  });
});

describe('persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-server-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a restart on the same data directory keeps accounts, lists, groups and settings', async () => {
    let server = await startTestServer({ dataDir: dir });
    await server.accounts.add('kay@example.com', 'pk', 'Kay');
    await server.accounts.add('lee@example.com', 'pl', 'Lee');
    const K = await signIn(server, 7, 'kay@example.com', 'pk');
    await syncAll(K);
    const adg = await K.client.reply(K.client.send('ADG', ['Friends', '0']));
    const groupId = adg.params[2] as string;
    await K.client.reply(K.client.send('ADD', ['FL', 'lee@example.com', 'Lee', groupId]));
    await K.client.reply(K.client.send('ADD', ['AL', 'lee@example.com', 'Lee']));
    await K.client.reply(K.client.send('BLP', ['BL']));
    await K.client.reply(K.client.send('REA', ['kay@example.com', 'Kay%20K']));
    await server.stop();
    await K.client.waitClosed();

    server = await startTestServer({ dataDir: dir });
    try {
      expect((await server.accounts.list()).map((a) => a.handle)).toEqual(['kay@example.com', 'lee@example.com']);
      const K2 = await signIn(server, 7, 'kay@example.com', 'pk');
      expect(K2.usrOk.params[2]).toBe('Kay%20K');
      const lines = await syncAll(K2);
      expect(lines.find((c) => c.verb === 'BLP')?.params[1]).toBe('BL');
      expect(lines.find((c) => c.verb === 'LSG' && c.params[3] === groupId)?.params[4]).toBe('Friends');
      const fl = lines.find((c) => c.verb === 'LST' && c.params[0] === 'FL' && c.params[4] === 'lee@example.com');
      expect(fl?.params[6]).toBe(groupId);
      expect(lines.some((c) => c.verb === 'LST' && c.params[0] === 'AL' && c.params[4] === 'lee@example.com')).toBe(true);
      // Lee's reverse list survived too, in MSNP12's shape.
      const L = await signIn(server, 12, 'lee@example.com', 'pl');
      const lst = (await syncAll(L)).filter((c) => c.verb === 'LST');
      expect(lst.map((c) => c.params.slice(0, 2))).toEqual([['N=kay@example.com', 'F=Kay']]);
      K2.client.close();
      L.client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('dispatch server', () => {
  let server: RunningServer;
  afterAll(() => server?.stop());

  it.each([2, 3, 7, 8, 12] as Dialect[])('MSNP%i: USR at the dispatch server is answered with XFR NS, then the NS signs in', async (d) => {
    server ??= await startTestServer({ dispatch: { port: 0 } });
    if ((await server.accounts.list()).length === 0) await server.accounts.add('dee@example.com', 'pd', 'Dee');
    expect(server.dispatchPort).toBeGreaterThan(0);
    const c = await RawClient.connect(server.dispatchPort as number);
    expect((await c.reply(c.send('VER', [`MSNP${d}`, 'CVR0']))).params).toEqual([`MSNP${d}`, 'CVR0']);
    if (d <= 7) await c.reply(c.send('INF'));
    else await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '6.0.0602', 'MSMSGS', 'dee@example.com']));
    const xfr = await c.reply(c.send('USR', [d <= 7 ? 'MD5' : 'TWN', 'I', 'dee@example.com']));
    const ns = `127.0.0.1:${server.nsPort}`;
    const ds = `127.0.0.1:${server.dispatchPort}`;
    if (d === 2) expect(xfr.params).toEqual(['NS', ns]);
    else if (d <= 6) expect(xfr.params).toEqual(['NS', ns, '0']);
    else expect(xfr.params).toEqual(['NS', ns, '0', ds]);
    await c.waitClosed();
    const s = await signIn(server, d, 'dee@example.com', 'pd');
    s.client.close();
  });
});
