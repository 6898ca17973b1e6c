/**
 * The rest of §4 and §3.3: groups in both numbering schemes, properties and BPR, GTC, ILN in
 * reply to an FL add, old client-initiated LST/LSG, GCF/URL/IMS, and the Nexus over HTTPS
 * (login2.srf and MSN 7.5's RST.srf).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPassportAuthorization, parseAuthenticationInfo, parsePassportUrls } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { addToForward, setState, signIn, startTestServer, syncAll, text, type SignedIn } from './helpers/msnp';

const fixtures = join(import.meta.dirname, 'fixtures');
const cert = readFileSync(join(fixtures, 'nexus-test.cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'nexus-test.key.pem'), 'utf8');

let server: RunningServer;
let n = 0;
beforeAll(async () => {
  server = await startTestServer({ tls: { cert, key, port: 0 } });
});
afterAll(() => server.stop());

async function fresh(d: 2 | 5 | 7 | 8 | 9 | 10 | 11 | 12, name: string): Promise<SignedIn> {
  const h = `${name}${++n}@example.com`;
  await server.accounts.add(h, 'pw', name);
  const s = await signIn(server, d, h, 'pw');
  await syncAll(s);
  return s;
}

describe('groups', () => {
  it('MSNP7: ADG/REG/RMG with numeric ids, FL membership by group, LSG and LST on request', async () => {
    const a = await fresh(7, 'grp');
    const b = await fresh(7, 'mem');
    const c = a.client;
    const adg = await c.reply(c.send('ADG', ['Work', '0']));
    expect(adg.params.slice(1)).toEqual(['Work', '1', '0']);
    const add = await c.reply(c.send('ADD', ['FL', b.handle, 'mem', '1']));
    expect(add.params.slice(2)).toEqual([b.handle, 'mem', '1']);
    // A second group membership for the same contact.
    await c.reply(c.send('ADG', ['Play', '0']));
    expect((await c.reply(c.send('ADD', ['FL', b.handle, 'mem', '2']))).params.slice(2)).toEqual([b.handle, 'mem', '2']);
    expect((await c.reply(c.send('ADD', ['FL', b.handle, 'mem', '2']))).verb).toBe('215');
    expect((await c.reply(c.send('REG', ['1', 'Office', '0']))).params.slice(1)).toEqual(['1', 'Office', '0']);
    const t = c.send('LSG');
    const lsg = [await c.reply(t), await c.reply(t), await c.reply(t)];
    expect(lsg.map((x) => [x.params[3], x.params[4]])).toEqual([
      ['0', '~'],
      ['1', 'Office'],
      ['2', 'Play'],
    ]);
    const lst = await c.reply(c.send('LST', ['FL']));
    expect(lst.params.slice(4)).toEqual([b.handle, 'mem', '1,2']);
    expect((await c.reply(c.send('REM', ['FL', b.handle, '3']))).verb).toBe('224');
    expect((await c.reply(c.send('REM', ['FL', b.handle, '2']))).params.slice(2)).toEqual([b.handle, '2']);
    expect((await c.reply(c.send('REM', ['FL', b.handle, '2']))).verb).toBe('225');
    expect((await c.reply(c.send('RMG', ['1']))).params.slice(1)).toEqual(['1']);
    // The contact stays on the FL, in no group (shown as 0).
    expect((await c.reply(c.send('LST', ['FL']))).params.slice(4)).toEqual([b.handle, 'mem', '0']);
    a.client.close();
    b.client.close();
  });

  it('MSNP10+: group GUIDs, ADC to a group by contact GUID, REM from a group', async () => {
    const a = await fresh(11, 'guid');
    const b = await fresh(11, 'friend');
    const c = a.client;
    const adg = await c.reply(c.send('ADG', ['Friends']));
    expect(adg.params[0]).toBe('Friends');
    const g = adg.params[1] as string;
    expect(g).toMatch(/^[0-9a-f-]{36}$/);
    const added = await addToForward(a, b.handle, 'friend');
    const contact = (added.params.find((p) => p.startsWith('C=')) as string).slice(2);
    const toGroup = await c.reply(c.send('ADC', ['FL', `C=${contact}`, g]));
    expect(toGroup.params).toEqual(['FL', `C=${contact}`, g]);
    expect((await c.reply(c.send('REG', [g, 'Best%20Friends']))).params).toEqual([g, 'Best%20Friends']);
    const lines = await syncAll(a);
    expect(lines.find((x) => x.verb === 'LSG')?.params).toEqual(['Best%20Friends', g]);
    const lst = lines.find((x) => x.verb === 'LST');
    expect(lst?.params).toEqual([`N=${b.handle}`, 'F=friend', `C=${contact}`, '1', g]);
    expect((await c.reply(c.send('REM', ['FL', contact, g]))).params).toEqual(['FL', contact, g]);
    expect((await c.reply(c.send('RMG', [g]))).params).toEqual([g]);
    expect((await c.reply(c.send('REM', ['FL', contact]))).params).toEqual(['FL', contact]);
    await b.client.expect('REM', ['RL', a.handle]);
    a.client.close();
    b.client.close();
  });
});

describe('properties, GTC and ILN', () => {
  it('MSNP5 PRP is stored and synced; watchers get BPR; GTC round-trips', async () => {
    const a = await fresh(5, 'phone');
    const w = await fresh(8, 'watch');
    await addToForward(w, a.handle);
    await setState(a, 'NLN');
    await setState(w, 'NLN');
    const p = await a.client.reply(a.client.send('PRP', ['PHH', '1%20(555)%20123']));
    expect(p.params.slice(1)).toEqual(['PHH', '1%20(555)%20123']);
    const bpr = await w.client.expect('BPR');
    expect(bpr.params.slice(1)).toEqual([a.handle, 'PHH', '1%20(555)%20123']);
    const g = await a.client.reply(a.client.send('GTC', ['N']));
    expect(g.params[1]).toBe('N');
    const lines = await syncAll(a);
    expect(lines.find((x) => x.verb === 'PRP' && x.params[1] === 'PHH')?.params[2]).toBe('1%20(555)%20123');
    expect(lines.find((x) => x.verb === 'GTC')?.params[1]).toBe('N');
    // The watcher's own SYN carries the contact's number after its LST (generation 4).
    const wl = await syncAll(w);
    const at = wl.findIndex((x) => x.verb === 'LST' && x.params[0] === a.handle);
    expect(wl[at + 1]?.params).toEqual(['PHH', '1%20(555)%20123']);
    a.client.close();
    w.client.close();
  });

  // Issue 15 item 22: a hidden user's phone-number change was pushed to contacts (BPR), and a
  // contact's SYN carried the numbers only while the user was signed in. Hidden must look exactly
  // like signed out.
  it('a hidden user’s phone numbers are neither pushed nor synced: hidden looks like signed out', async () => {
    for (const [da, dw] of [[8, 8], [5, 12]] as const) {
      const a = await fresh(da, 'hidden');
      const w = await fresh(dw, 'hidwatch');
      await addToForward(w, a.handle);
      await setState(w, 'NLN');
      await setState(a, 'HDN');
      const p = await a.client.reply(a.client.send('PRP', ['PHH', '555%200101']));
      expect(p.verb).toBe('PRP');
      await w.client.expectNone('BPR', () => true, 300);
      const whileHidden = await syncAll(w);
      expect(whileHidden.some((x) => x.verb === 'BPR' || (x.verb === 'PRP' && x.params.includes('555%200101')))).toBe(false);
      a.client.close();
      await w.client.expectNone('FLN', [a.handle], 200); // a was hidden: nothing to tell
      const signedOut = await syncAll(w);
      expect(whileHidden.map((x) => [x.verb, ...x.params])).toEqual(signedOut.map((x) => [x.verb, ...x.params]));
      // Visible again: the number is in the contact's SYN and a change is pushed.
      const back = await signIn(server, da, a.handle, 'pw');
      await syncAll(back);
      await setState(back, 'NLN');
      await w.client.expect('NLN', ['NLN', a.handle]);
      const visible = await syncAll(w);
      expect(visible.some((x) => x.verb === 'BPR' && x.params.includes('555%200101'))).toBe(true);
      await back.client.reply(back.client.send('PRP', ['PHW', '555%200102']));
      expect((await w.client.expect('BPR')).params.slice(-2)).toEqual(['PHW', '555%200102']);
      back.client.close();
      w.client.close();
    }
  });

  it('ILN answers an FL add when the contact is online and visible (MSNP.md §4.5)', async () => {
    const a = await fresh(9, 'seen');
    const b = await fresh(9, 'seer');
    await setState(a, 'BSY', 5);
    await setState(b, 'NLN');
    const t = b.client.send('ADD', ['FL', a.handle, 'seen']);
    expect((await b.client.reply(t)).verb).toBe('ADD');
    const iln = await b.client.reply(t);
    expect(iln.verb).toBe('ILN');
    expect(iln.params).toEqual(['BSY', a.handle, 'seen', '5']);
    a.client.close();
    b.client.close();
  });

  it('MSNP8 CHG without capabilities is accepted and echoed as sent (msnlib, MSNP.md §5.2)', async () => {
    const a = await fresh(8, 'nocaps');
    const w = await fresh(12, 'capsw');
    await addToForward(w, a.handle);
    await setState(w, 'NLN');
    const chg = await a.client.reply(a.client.send('CHG', ['NLN']));
    expect(chg.params).toEqual(['NLN']);
    expect((await w.client.expect('NLN', ['NLN', a.handle])).params).toEqual(['NLN', a.handle, 'nocaps', '0']);
    a.client.close();
    w.client.close();
  });

  // Issue 15 item 13: Windows Live clients send `caps:extcaps` even at MSNP12 (MSNP13-18.md §8.1);
  // the server answered 201 and they never came online. Accepted at every dialect with
  // capabilities, echoed and relayed (ILN, NLN) exactly as sent.
  it('CHG with caps:extcaps is accepted at MSNP8–12, echoed and relayed as sent', async () => {
    for (const d of [8, 9, 10, 11, 12] as const) {
      const a = await fresh(d, `wlm${d}-`);
      const w = await fresh(12, `wlmw${d}-`);
      await addToForward(w, a.handle);
      await setState(w, 'NLN');
      const object = '%3Cmsnobj%20Creator%3D%22x%22%2F%3E';
      const params = d >= 9 ? ['NLN', '2789003324:48', object] : ['NLN', '2789003324:48'];
      const chg = await a.client.reply(a.client.send('CHG', params));
      expect(chg.verb).toBe('CHG');
      expect(chg.params).toEqual(params);
      const nln = await w.client.expect('NLN', ['NLN', a.handle]);
      expect(nln.params.slice(3)).toEqual(params.slice(1));
      // A watcher coming online later gets it in its ILN.
      const late = await fresh(11, `wlml${d}-`);
      await addToForward(late, a.handle);
      const iln = await setState(late, 'NLN');
      expect(iln.find((x) => x.params[1] === a.handle)?.params[3]).toBe('2789003324:48');
      // Out of range or malformed halves are still refused.
      for (const bad of ['1:4294967296', '1:', ':1', '1:2:3', '1:x']) {
        expect((await a.client.reply(a.client.send('CHG', ['NLN', bad]))).verb).toBe('201');
      }
      for (const s of [a, w, late]) s.client.close();
    }
  });

  it('removing an account signs it out and takes it off every list', async () => {
    const a = await fresh(10, 'doomed');
    const w = await fresh(10, 'mourner');
    await addToForward(w, a.handle);
    await setState(a, 'NLN');
    await setState(w, 'NLN');
    expect(await server.accounts.remove(a.handle)).toBe(true);
    expect((await a.client.expect('OUT')).params).toEqual(['OTH']);
    await w.client.expect('FLN', [a.handle]);
    const lines = await syncAll(w);
    expect(lines.filter((x) => x.verb === 'LST')).toEqual([]);
    expect(await server.accounts.remove(a.handle)).toBe(false);
    w.client.close();
  });

  it('GCF, URL and IMS answer in their shapes', async () => {
    const a = await fresh(11, 'misc');
    const gcf = await a.client.reply(a.client.send('GCF', ['Shields.xml']));
    expect(gcf.params).toEqual(['Shields.xml']);
    expect(text(gcf.payload)).toContain('<config>');
    expect((await a.client.reply(a.client.send('URL', ['INBOX']))).verb).toBe('URL');
    expect((await a.client.reply(a.client.send('IMS', ['OFF']))).params).toEqual(['0', 'OFF']);
    a.client.close();
  });
});

describe('Nexus over HTTPS', () => {
  function get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ca: cert }, (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('pprdr.asp names a scheme-less DALogin on HTTPS, and login2.srf issues a working ticket', async () => {
    await server.accounts.add('tls@example.com', 'p,w d', 'TLS');
    expect(server.nexusHttpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rdr\/pprdr\.asp$/);
    const nexus = await get(server.nexusHttpsUrl as string);
    const daLogin = parsePassportUrls(String(nexus.headers.passporturls)).get('DALogin');
    expect(daLogin).toBe(`127.0.0.1:${server.httpsPort}/login2.srf`);
    const auth = buildPassportAuthorization('tls@example.com', 'p,w d', 'lc=1033,id=507');
    const res = await get(`https://${daLogin}`, { Authorization: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html');
    const outcome = parseAuthenticationInfo(String(res.headers['authentication-info']));
    expect(outcome.status).toBe('success');
    const bad = await get(`https://${daLogin}`, { Authorization: buildPassportAuthorization('tls@example.com', 'nope', 'lc=1033') });
    expect(bad.status).toBe(401);

    const rst = (user: string, pw: string): string =>
      `<?xml version="1.0"?><Envelope><Header><Security><UsernameToken><Username>${user}</Username><Password>${pw}</Password></UsernameToken></Security></Header><Body/></Envelope>`;
    const ok = await get(`https://127.0.0.1:${server.httpsPort}/RST.srf`, { 'Content-Type': 'text/xml' }, 'POST', rst('tls@example.com', 'p,w d'));
    const token = /<wsse:BinarySecurityToken Id="Compact1">([^<]*)</.exec(ok.body)?.[1];
    expect(token).toMatch(/^t=.*&amp;p=/);
    const fault = await get(`https://127.0.0.1:${server.httpsPort}/RST.srf`, {}, 'POST', rst('tls@example.com', 'wrong'));
    expect(fault.body).toContain('FailedAuthentication');
  });
});
