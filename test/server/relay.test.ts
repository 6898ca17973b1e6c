/**
 * What the server relays or echoes leaves it byte for byte as the client wrote it, checked on the
 * wire (not on parsed tokens): the `CHG` echo (MSNP.md §2.7, §5.2), the capabilities and MSNObject
 * in `ILN`/`NLN` (§2.8, §2.9), the `UUX` document in `UBX` (§2.10) and the `SBP` echo (§4.8). The
 * inputs are spelled the way a re-encoding codec would not write them (lower-case escapes, `&#38;`,
 * `<CurrentMedia/>`, `<MachineGuid>`), so a server that decoded and rebuilt them would fail here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeName } from '../../shared/msnp/index';
import type { RunningServer } from '../../server/index';
import { addToForward, setState, signIn, startTestServer, syncAll, type SignedIn } from './helpers/msnp';

let server: RunningServer;
let n = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function fresh(d: 9 | 11 | 12, name: string): Promise<SignedIn> {
  const h = `${name}${++n}@example.com`;
  await server.accounts.add(h, 'pw', name);
  const s = await signIn(server, d, h, 'pw');
  await syncAll(s);
  return s;
}

/** Waits until `bytes` have arrived at `s`, anywhere in what it received; fails after 2 s. */
async function arrives(s: SignedIn, bytes: string | Buffer): Promise<void> {
  const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  for (let i = 0; i < 100; i++) {
    if (s.client.bytesReceived().includes(want)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${s.handle} never received ${JSON.stringify(want.toString('latin1'))}; got ${s.client.describeReceived()}`);
}

// The §2.9 example object, encoded with lower-case escapes and `%2b`/`%2f`: valid, but not what
// encodeURIComponent (or the codec's encodeName) writes.
const MSNOBJECT =
  '%3cmsnobj%20Creator%3d%22buddy1%40hotmail.com%22%20Size%3d%2224539%22%20Type%3d%223%22%20Location%3d%22TFR2C.tmp%22%20Friendly%3d%22AAA%3d%22%20SHA1D%3d%22trC8SlFx2sWQxZMIBAWSEnXc8oQ%3d%22%20SHA1C%3d%22U32o6bosZzluJq82eAtMpx5dIEI%3d%22%2f%3e';
// A personal message a parse-and-rebuild would change: a character reference, an empty element in
// its short form, a 13+ element, and UTF-8 text.
const UUX_DOC = Buffer.from('<Data><PSM>tea &#38; cake ☕</PSM><CurrentMedia/><MachineGuid>{F26D1F07-95E2-403C-BC18-D4BFED493428}</MachineGuid></Data>', 'utf8');

describe('relayed bytes', () => {
  it('CHG echo, the MSNObject in NLN and ILN, and the UUX document in UBX are the client’s own bytes', async () => {
    const owner = await fresh(12, 'owner');
    const live = await fresh(11, 'live');
    const late = await fresh(12, 'late');
    await addToForward(live, owner.handle);
    await addToForward(late, owner.handle);
    await setState(live, 'NLN');

    const t = owner.client.send('CHG', ['BSY', '1342554172', MSNOBJECT]);
    await arrives(owner, `CHG ${t} BSY 1342554172 ${MSNOBJECT}\r\n`);
    const name = encodeName('owner');
    await arrives(live, `NLN BSY ${owner.handle} ${name} 1342554172 ${MSNOBJECT}\r\n`);

    const u = owner.client.send('UUX', [], UUX_DOC);
    expect((await owner.client.reply(u)).params).toEqual([]);
    const ubx = Buffer.concat([Buffer.from(`UBX ${owner.handle} ${UUX_DOC.length}\r\n`), UUX_DOC]);
    await arrives(live, ubx);

    // A watcher that comes online later gets the same bytes in its ILN and the UBX after it.
    const c = late.client.send('CHG', ['NLN', '0']);
    await arrives(late, Buffer.concat([Buffer.from(`ILN ${c} BSY ${owner.handle} ${name} 1342554172 ${MSNOBJECT}\r\n`), ubx]));

    // `0` ("no object", §2.9) is echoed but not relayed: watchers get no MSNObject parameter.
    const z = owner.client.send('CHG', ['AWY', '0042', '0']);
    await arrives(owner, `CHG ${z} AWY 0042 0\r\n`);
    await arrives(live, `NLN AWY ${owner.handle} ${name} 42\r\n`);
    for (const s of [owner, live, late]) s.client.close();
  });

  it('SBP echo repeats the request token for token: the name as encoded, and MSNP11’s PHM … 1', async () => {
    const me = await fresh(11, 'namer');
    const other = await fresh(11, 'named');
    const added = await addToForward(me, other.handle);
    const guid = added.params.find((p) => p.startsWith('C='))?.slice(2);
    expect(guid).toBeDefined();
    const a = me.client.send('SBP', [guid as string, 'MFN', 'Caf%c3%a9%20au%20lait']);
    await arrives(me, `SBP ${a} ${guid} MFN Caf%c3%a9%20au%20lait\r\n`);
    const b = me.client.send('SBP', [guid as string, 'PHM', '555%201234', '1']);
    await arrives(me, `SBP ${b} ${guid} PHM 555%201234 1\r\n`);
    me.client.close();
    other.client.close();
  });
});
