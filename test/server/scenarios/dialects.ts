/**
 * The integration scenarios, once per dialect, with raw TCP clients and the real Nexus
 * over HTTP: sign in, sync, add each other (both see the reverse-list notice), presence both ways
 * with names and personal messages, block and unblock, a 3-party switchboard, OUT OTH. Run
 * against the default server (dialects.test.ts), against one on PostgreSQL
 * (postgres-server.test.ts) and against a two-node cluster (cluster-dialects-*.test.ts), where the
 * network puts each user on a node (helpers/network.ts): the users of a scenario alternate between
 * the nodes and a second sign-in comes from the other node, so every interaction crosses nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeName, type Command, type Dialect } from '../../../shared/msnp/index';
import type { RunningServer } from '../../../server/index';
import { oneServer, type Network } from '../helpers/network';
import {
  addToForward,
  addToList,
  answerRing,
  call,
  openSwitchboard,
  removeFromList,
  setState,
  setStateWithIln,
  signIn,
  syncAll,
  text,
  textMessage,
  type SignedIn,
} from '../helpers/msnp';

/**
 * Defines the scenarios for `dialects` against the server or network `start` makes (stopped
 * after, then `stopped`).
 */
export function dialectScenarios(dialects: readonly Dialect[], start: () => Promise<RunningServer | Network>, stopped?: () => Promise<void>): void {
  let net: Network;
  /** Where accounts are added; users sign in where the network says (`net.signInNode`). */
  let server: RunningServer;
  let counter = 0;

  beforeAll(async () => {
    const made = await start();
    net = 'signInNode' in made ? made : oneServer(made);
    server = net.server;
  });
  afterAll(async () => {
    await net.stop();
    await stopped?.();
  });

  /** Fresh accounts for one test: `<name>N@example.com`. */
  async function users(...names: string[]): Promise<string[]> {
    const n = ++counter;
    const handles = names.map((x) => `${x}${n}@example.com`);
    await Promise.all(handles.map((h, i) => server.accounts.add(h, `pw-${names[i]}`, names[i])));
    return handles;
  }

  function password(handle: string): string {
    return `pw-${handle.replace(/\d+@.*$/, '')}`;
  }

  async function online(d: Dialect, handle: string): Promise<SignedIn> {
    const s = await signIn(net.signInNode(handle), d, handle, password(handle));
    await syncAll(s);
    return s;
  }

  /** The reverse-list notice (MSNP.md §4.6) in the receiver's dialect. */
  async function expectRlAdd(s: SignedIn, from: string, name: string): Promise<Command> {
    if (s.dialect >= 10) return s.client.expect('ADC', ['RL', `N=${from}`, `F=${encodeName(name)}`]);
    const c = await s.client.expect('ADD', (x) => x.trId === 0 && x.params[0] === 'RL' && x.params[2] === from);
    expect(c.params[3]).toBe(encodeName(name));
    expect(Number(c.params[1])).toBeGreaterThan(0);
    return c;
  }

  /** Presence params length per receiver dialect (MSNP.md §2.7): 2–7 three, 8 four, 9+ four or five. */
  function expectPresenceShape(s: SignedIn, c: Command, state: string, handle: string, name: string): void {
    expect(c.params.slice(0, 3)).toEqual([state, handle, encodeName(name)]);
    if (s.dialect < 8) expect(c.params).toHaveLength(3);
    else expect(c.params[3]).toMatch(/^\d+$/);
  }

  async function rename(s: SignedIn, name: string): Promise<void> {
    const c = s.client;
    if (s.dialect >= 10) {
      const r = await c.reply(c.send('PRP', ['MFN', encodeName(name)]));
      expect(r.params).toEqual(['MFN', encodeName(name)]);
    } else {
      const r = await c.reply(c.send('REA', [s.handle, encodeName(name)]));
      expect(r.verb).toBe('REA');
      expect(r.params.slice(1)).toEqual([s.handle, encodeName(name)]);
    }
  }

  /** Befriend: each adds the other to FL and AL, as the official client does after the prompt. */
  async function befriend(a: SignedIn, b: SignedIn, aName: string, bName: string): Promise<void> {
    await addToForward(a, b.handle, bName);
    await expectRlAdd(b, a.handle, aName);
    await addToForward(b, a.handle, aName);
    await expectRlAdd(a, b.handle, bName);
  }

  describe.each(dialects)('MSNP%i', (d) => {
    it('signs in, syncs (short answer when current) and answers PNG', async () => {
      const [alice] = await users('alice');
      const s = await signIn(net.signInNode(alice as string), d, alice as string, 'pw-alice');
      if (d <= 5) expect(s.usrOk.params).toEqual(['OK', alice, 'alice']);
      else if (d <= 7) expect(s.usrOk.params).toEqual(['OK', alice, 'alice', '1']);
      else if (d <= 9) expect(s.usrOk.params).toEqual(['OK', alice, 'alice', '1', '0']);
      else expect(s.usrOk.params).toEqual(['OK', alice, '1', '0']);
      expect(text(s.profile.payload)).toContain('Content-Type: text/x-msmsgsprofile');
      if (d >= 10) expect(text(s.profile.payload)).toContain('ABCHMigrated: 1');

      const full = await syncAll(s);
      const head = full[0] as Command;
      // Generation-specific head and item lines (MSNP.md §4.3).
      if (d <= 7) {
        expect(full.map((x) => x.verb)).toEqual(
          d === 2 ? ['SYN', 'GTC', 'BLP', 'LST', 'LST', 'LST', 'LST'] : expect.arrayContaining(['SYN', 'GTC', 'BLP', 'LST']),
        );
        expect(full.find((x) => x.verb === 'LST')?.params).toEqual(['FL', head.params[0], '0', '0']);
      } else if (d <= 9) {
        expect(head.params).toHaveLength(3);
      } else {
        expect(head.params).toHaveLength(4);
        expect(head.params[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d$/);
        expect(full.find((x) => x.verb === 'PRP')?.params).toEqual(['MFN', 'alice']);
      }
      // The current version gets the short answer.
      const again = s.client.send('SYN', d >= 10 ? head.params.slice(0, 2) : [head.params[0] as string]);
      const short = await s.client.reply(again);
      expect(short.params).toEqual(d >= 10 ? head.params.slice(0, 2) : [head.params[0]]);
      await s.client.expectNone('LST');

      s.client.sendBare('PNG');
      const qng = await s.client.expect('QNG');
      expect(qng.params).toEqual(d >= 9 ? ['60'] : []);
      s.client.close();
    });

    it('wrong password and unknown handle get 911 and a closed connection', async () => {
      const [bob] = await users('bob');
      for (const handle of [bob as string, `nobody${counter}@example.com`]) {
        if (d <= 7) {
          const { RawClient } = await import('../helpers/raw-client');
          const c = await RawClient.connect(net.signInNode(handle).nsPort);
          await c.reply(c.send('VER', [`MSNP${d}`]));
          await c.reply(c.send('INF'));
          const ch = await c.reply(c.send('USR', ['MD5', 'I', handle]));
          expect(ch.params[1]).toBe('S');
          const t = c.send('USR', ['MD5', 'S', '0123456789abcdef0123456789abcdef']);
          expect((await c.reply(t)).verb).toBe('911');
          await c.waitClosed();
        } else {
          const { passportTicket } = await import('../helpers/msnp');
          expect(await passportTicket(net.signInNode(handle), handle, 'wrong', 'lc=1033,id=507')).toBeUndefined();
        }
      }
    });

    it('add each other (both see the reverse-list notice), then SYN shows the lists', async () => {
      const [a, b] = (await users('ann', 'ben')) as [string, string];
      const A = await online(d, a);
      const B = await online(d, b);
      await befriend(A, B, 'ann', 'ben');
      const lines = await syncAll(A);
      if (d <= 7) {
        const fl = lines.filter((x) => x.verb === 'LST' && x.params[0] === 'FL');
        expect(fl.map((x) => x.params.slice(4, 6))).toEqual([[b, 'ben']]);
        const rl = lines.filter((x) => x.verb === 'LST' && x.params[0] === 'RL');
        expect(rl.map((x) => x.params[4])).toEqual([b]);
      } else if (d <= 9) {
        const lst = lines.filter((x) => x.verb === 'LST');
        expect(lst.map((x) => x.params.slice(0, 3))).toEqual([[b, 'ben', '9']]);
      } else {
        const lst = lines.filter((x) => x.verb === 'LST');
        expect(lst).toHaveLength(1);
        expect(lst[0]?.params[0]).toBe(`N=${b}`);
        expect(lst[0]?.params[2]).toMatch(/^C=[0-9a-f-]{36}$/);
        // FL + RL + PL (MSNP10+ keeps the pending bit until the client removes it).
        expect(lst[0]?.params[3]).toBe('25');
        if (d >= 12) expect(lst[0]?.params[4]).toBe('1');
        const rem = await A.client.reply(A.client.send('REM', ['PL', b]));
        expect(rem.params).toEqual(['PL', b]);
      }
      A.client.close();
      B.client.close();
    });

    it('presence both ways, with names and personal messages; hidden is offline', async () => {
      const [a, b] = (await users('amy', 'bo')) as [string, string];
      const A = await online(d, a);
      const B = await online(d, b);
      await befriend(A, B, 'amy', 'bo');
      expect(await setStateWithIln(A, 'NLN', 0)).toEqual([]);
      // B's first CHG: ILN for A, and A hears B come online.
      const iln = await setStateWithIln(B, 'AWY', 1, 268435500);
      expect(iln).toHaveLength(1);
      expectPresenceShape(B, iln[0] as Command, 'NLN', a, 'amy');
      expectPresenceShape(A, await A.client.expect('NLN', ['AWY', b]), 'AWY', b, 'bo');
      if (d >= 8) expect((await A.client.reply(A.client.send('CHG', ['BSY', '0']))).verb).toBe('CHG');
      else expect((await A.client.reply(A.client.send('CHG', ['BSY']))).verb).toBe('CHG');
      expectPresenceShape(B, await B.client.expect('NLN', ['BSY', a]), 'BSY', a, 'amy');

      await rename(A, 'Amy Ä :)');
      expectPresenceShape(B, await B.client.expect('NLN', ['BSY', a, encodeName('Amy Ä :)')]), 'BSY', a, 'Amy Ä :)');
      await rename(B, 'Bo');
      await A.client.expect('NLN', ['AWY', b, 'Bo']);

      if (d >= 11) {
        const psm = '<Data><PSM>coffee ☕</PSM><CurrentMedia></CurrentMedia></Data>';
        const r = await A.client.reply(A.client.send('UUX', [], psm));
        expect(r.verb).toBe('UUX');
        expect(r.payload).toHaveLength(0);
        const ubx = await B.client.expect('UBX', [a]);
        expect(text(ubx.payload)).toBe(psm);
      }

      await setState(A, 'HDN');
      await B.client.expect('FLN', [a]);
      // Hidden users cannot open switchboards (MSNP.md §6.1).
      expect((await A.client.reply(A.client.send('XFR', ['SB']))).verb).toBe('913');
      await setState(A, 'NLN');
      await B.client.expect('NLN', ['NLN', a]);
      A.client.sendBare('OUT');
      await A.client.waitClosed();
      await B.client.expect('FLN', [a]);
      B.client.close();
    });

    it('block and unblock: a blocked contact sees you offline and cannot invite you', async () => {
      const [a, b] = (await users('ava', 'bea')) as [string, string];
      const A = await online(d, a);
      const B = await online(d, b);
      await befriend(A, B, 'ava', 'bea');
      await setState(A, 'NLN');
      await setState(B, 'NLN');
      B.client.discardUnread();

      const blocked = await addToList(A, 'BL', b);
      expect(blocked.verb).toBe(d >= 10 ? 'ADC' : 'ADD');
      await B.client.expect('FLN', [a]);
      // A second block is 215; allowing a blocked contact is 219 (MSNP.md §4.5).
      expect((await addToList(A, 'BL', b)).verb).toBe('215');
      expect((await addToList(A, 'AL', b)).verb).toBe('219');

      const sb = await openSwitchboard(B);
      expect((await sb.client.reply(sb.client.send('CAL', [a]))).verb).toBe('217');
      await A.client.expectNone('RNG');

      // A rename while blocked is not shown to B.
      await rename(A, 'secret');
      await B.client.expectNone('NLN', (x) => x.params[1] === a);

      expect((await removeFromList(A, 'BL', b)).verb).toBe('REM');
      await B.client.expect('NLN', ['NLN', a, 'secret']);
      expect(await call(sb, a)).toMatch(/^\d+$/);
      await A.client.expect('RNG');
      sb.client.close();
      A.client.close();
      B.client.close();
    });

    it('three-party switchboard: join, messages in every direction, leave', async () => {
      const [a, b, c] = (await users('al', 'bi', 'cy')) as [string, string, string];
      const A = await online(d, a);
      const B = await online(d, b);
      const C = await online(d, c);
      await befriend(A, B, 'al', 'bi');
      await befriend(A, C, 'al', 'cy');
      for (const s of [A, B, C]) await setState(s, 'NLN', 1342554172);

      const sa = await openSwitchboard(A);
      const id = await call(sa, b);
      const { sb: sbB, iro: iroB } = await answerRing(B, a);
      expect(sbB.sessionId).toBe(id);
      expect(iroB.map((x) => x.params.slice(0, 4))).toEqual([['1', '1', a, 'al']]);
      if (d >= 12) expect(iroB[0]?.params[4]).toBe('1342554172');
      else expect(iroB[0]?.params).toHaveLength(4);
      const joiB = await sa.client.expect('JOI', [b, 'bi']);
      expect(joiB.params).toHaveLength(d >= 12 ? 3 : 2);

      // Any participant may invite (MSNP.md §6.3): B invites C.
      expect(await call(sbB, c)).toBe(id);
      const { sb: sbC, iro: iroC } = await answerRing(C, b);
      expect(iroC.map((x) => x.params.slice(0, 3))).toEqual([
        ['1', '2', a],
        ['2', '2', b],
      ]);
      await sa.client.expect('JOI', [c, 'cy']);
      await sbB.client.expect('JOI', [c, 'cy']);

      const sbs = [sa, sbB, sbC];
      for (const from of sbs) {
        const body = `hello from ${from.handle} ✓`;
        const t = from.client.send('MSG', ['A'], textMessage(body));
        expect((await from.client.reply(t)).verb).toBe('ACK');
        for (const to of sbs) {
          if (to === from) continue;
          const m = await to.client.expect('MSG', [from.handle]);
          expect(text(m.payload)).toBe(textMessage(body));
        }
        await from.client.expectNone('MSG', [], 50);
      }
      // U: nothing back; N: nothing back on success.
      sa.client.send('MSG', ['U'], 'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: x\r\n\r\n\r\n');
      const tn = sa.client.send('MSG', ['N'], textMessage('n'));
      await sbC.client.expect('MSG', [a], 1000);
      await sbC.client.expect('MSG', [a], 1000);
      await sa.client.expectNone('*', (x) => x.trId === tn, 100);

      sbC.client.sendBare('OUT');
      await sbC.client.waitClosed();
      await sa.client.expect('BYE', [c]);
      await sbB.client.expect('BYE', [c]);
      // A drops: B gets BYE, then B alone gets NAK for an acknowledged message.
      sa.client.close();
      await sbB.client.expect('BYE', [a]);
      const t = sbB.client.send('MSG', ['A'], textMessage('anyone?'));
      expect((await sbB.client.reply(t)).verb).toBe('NAK');
      sbB.client.close();
      for (const s of [A, B, C]) s.client.close();
    });

    it('a second sign-in sends OUT OTH to the first, and contacts never see the user offline in between', async () => {
      const [a, w] = (await users('ed', 'wu')) as [string, string];
      const A1 = await online(d, a);
      const W = await online(d, w);
      await befriend(A1, W, 'ed', 'wu');
      await setState(A1, 'NLN');
      await setState(W, 'NLN');
      W.client.discardUnread();
      const A2 = await online(d, a);
      const outCmd = await A1.client.expect('OUT');
      expect(outCmd.params).toEqual(['OTH']);
      await A1.client.waitClosed();
      // Before its first CHG the new session holds the old presence: no FLN goes out...
      await W.client.expectNone('FLN', [a]);
      // ...and a contact signing in now still sees the user online.
      const W2 = await online(d, w);
      expect((await W.client.expect('OUT')).params).toEqual(['OTH']);
      W.client.close();
      const iln = await setStateWithIln(W2, 'NLN', 1);
      expect(iln.map((c) => c.params.slice(0, 2))).toEqual([['NLN', a]]);
      await setState(A2, 'BSY');
      expect((await W2.client.expect('NLN')).params.slice(0, 2)).toEqual(['BSY', a]);
      // Gone before setting a state of its own: then its contacts are told.
      const A3 = await online(d, a);
      expect((await A2.client.expect('OUT')).params).toEqual(['OTH']);
      A3.client.close();
      await W2.client.expect('FLN', [a]);
      W2.client.close();
    });
  });
}
