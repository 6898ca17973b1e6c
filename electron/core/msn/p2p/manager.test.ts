/**
 * The session manager against scripted peers that behave like the captured aMSN 0.99 (MSNP-P2P.md
 * §13.4) and like hostile ones: random Identifiers, ACKs with TotalSize 0, footers of 0 on data,
 * AckIDs that change per chunk, eager senders that do not wait for our ACKs, Call-IDs that are not
 * well-formed GUIDs, three INVITEs for one picture at once, the answer on another switchboard than
 * the request, P2P relayed for somebody else, and session floods.
 */
import { describe, expect, it } from 'vitest';
import { buildMsnObject, computeSha1d, isCodecError, parseMsnObject, type MsnObject } from '../../../../shared/msnp';
import {
  EufGuid,
  P2pReassembler,
  SlpContentType,
  SlpStatus,
  buildP2pAck,
  buildP2pEnvelope,
  buildSlpRequest,
  buildSlpResponse,
  classifyP2pHeader,
  decodeP2pChunk,
  encodeMsnObjectContext,
  encodeP2pChunk,
  parseP2pEnvelope,
  parseSlp,
  slpSessionId,
  splitP2pMessage,
  type P2pChunk,
  type SlpMessage,
} from '../../../../shared/msnp/p2p';
import { systemClock } from '../clock';
import { TypedEmitter } from '../emitter';
import type { Switchboard, SwitchboardEvents } from '../switchboard';
import { P2pManager, type PublishedObject } from './manager';

const ME = 'bob@example.com';
const PEER = 'alice@example.com';

/** A switchboard with the peer in it; what we send is handed to the scripted peer. */
class FakeSb {
  readonly events = new TypedEmitter<SwitchboardEvents>();
  readonly participants = new Map<string, string>([[PEER, 'Alice']]);
  isOpen = true;
  constructor(private readonly onSend: (sb: FakeSb, chunk: P2pChunk, dest: string) => void) {}
  send(payload: Uint8Array): Promise<'ack'> {
    const env = parseP2pEnvelope(payload);
    if (isCodecError(env)) throw new Error(env.message);
    const c = decodeP2pChunk(env.body);
    if (isCodecError(c)) throw new Error(c.message);
    const copy = { ...c, payload: c.payload.slice() };
    setImmediate(() => this.onSend(this, copy, env.dest));
    return Promise.resolve('ack');
  }
  /** The peer sends us a chunk (relayed by the SB as `MSG alice Alice len`). */
  deliver(chunk: Uint8Array, dest = ME, sender = PEER): void {
    this.events.emit('message', { sender, senderName: 'Alice', payload: buildP2pEnvelope(dest, chunk) });
  }
  close(): void {
    this.isOpen = false;
    this.events.emit('closed', { kind: 'remote', message: 'closed' } as SwitchboardEvents['closed']);
  }
}

/** What we sent, message by message (SLP parsed), as the peer reassembles it. */
class PeerView {
  readonly chunks: P2pChunk[] = [];
  readonly messages: { chunk: P2pChunk; payload: Uint8Array; slp?: SlpMessage }[] = [];
  private readonly r = new P2pReassembler({ maxMessageSize: () => 2 << 20, maxPartial: 64 });
  add(c: P2pChunk): void {
    this.chunks.push(c);
    if (classifyP2pHeader(c.header) === 'ack') {
      this.messages.push({ chunk: c, payload: c.payload });
      return;
    }
    const res = this.r.push(c.header, c.payload, c.footer);
    if (isCodecError(res) || res.kind !== 'complete') return;
    const slp = c.header.sessionId === 0 ? parseSlp(res.message.payload) : undefined;
    this.messages.push({ chunk: { ...c, header: res.message.header }, payload: res.message.payload, ...(slp !== undefined && !isCodecError(slp) ? { slp } : {}) });
  }
}

function manager(published: PublishedObject[] = [], extra: Partial<ConstructorParameters<typeof P2pManager>[0]> = {}): P2pManager {
  return new P2pManager({
    me: () => ME,
    findPublished: (sha1d, type) => published.find((p) => p.object.sha1d === sha1d && p.object.type === type),
    requestSwitchboard: () => Promise.reject(new Error('no server in this test')),
    createSwitchboard: () => {
      throw new Error('no server in this test');
    },
    clock: systemClock,
    answerTimeoutMs: 2000,
    idleTimeoutMs: 2000,
    ...extra,
  });
}

function object(creator: string, data: Uint8Array): { object: MsnObject; xml: string } {
  const xml = buildMsnObject({ creator, size: data.length, type: 3, location: 'agentdp1796624616.tmp', sha1d: computeSha1d(data) });
  return { object: parseMsnObject(xml) as MsnObject, xml };
}

const picture = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
let rnd = 0x1234567;
const random32 = (): number => {
  rnd = (rnd * 1103515245 + 12345) >>> 0;
  return rnd || 1;
};
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met');
    await wait(5);
  }
}

describe('fetching from an aMSN 0.99-style peer', () => {
  it('accepts random Identifiers, ACK TotalSize 0, footer 0 on data, per-chunk AckIDs, eager sending, and the answer on another switchboard', async () => {
    const data = picture(18134);
    const { object: obj, xml } = object(PEER, data);
    const view = new PeerView();
    let sb2: FakeSb | undefined;
    const m = manager();
    const sb1 = new FakeSb((sb, c) => {
      view.add(c);
      const last = view.messages.at(-1);
      if (last?.slp?.kind !== 'request' || last.slp.method !== 'INVITE' || last.chunk !== view.messages.at(-1)?.chunk || sb !== sb1) return;
      const invite = last.slp;
      const sid = slpSessionId(invite) as number;
      // ACK with TotalSize 0 and a random Identifier (papyon/aMSN style, §13.4).
      sb1.deliver(encodeP2pChunk({ sessionId: 0, identifier: random32(), offset: 0, totalSize: 0, length: 0, flags: 2, ackId: last.chunk.header.identifier, ackUid: last.chunk.header.ackId, ackSize: last.payload.length }, new Uint8Array(0), 0));
      // Everything else comes on another switchboard, without waiting for our ACKs.
      sb2 = new FakeSb((_sb, c2) => view.add(c2));
      m.track(sb2 as unknown as Switchboard);
      const ok = buildSlpResponse({ status: SlpStatus.OK, to: ME, from: PEER, branch: invite.branch, cseq: 1, callId: invite.callId, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: String(sid) }, { name: 'SChannelState', value: '0' }] });
      sb2.deliver(splitP2pMessage({ sessionId: 0, identifier: random32(), flags: 0, ackId: random32(), payload: ok, footer: 0 })[0] as Uint8Array);
      sb2.deliver(splitP2pMessage({ sessionId: sid, identifier: random32(), flags: 0, ackId: random32(), payload: new Uint8Array(4), footer: 0 })[0] as Uint8Array);
      // Something relayed for someone else in between: must be ignored.
      sb2.deliver(splitP2pMessage({ sessionId: sid, identifier: 99, flags: 0x20, ackId: 1, payload: new Uint8Array(10), footer: 1 })[0] as Uint8Array, 'carol@example.com');
      const id = random32();
      const ackBase = random32();
      const chunks = splitP2pMessage({ sessionId: sid, identifier: id, flags: 0x20, ackId: 0, payload: data, footer: 0 }, 1152);
      chunks.forEach((ch, k) => {
        new DataView(ch.buffer, ch.byteOffset).setUint32(32, ackBase + k, true); // AckID +1 per chunk
        sb2?.deliver(ch);
      });
    });
    m.track(sb1 as unknown as Switchboard);
    const got = await m.fetchObject(obj, xml, 1 << 20);
    expect(got).toEqual(data);
    await until(() => view.messages.some((x) => x.slp?.kind === 'request' && x.slp.method === 'BYE'));
    const acks = view.messages.filter((x) => classifyP2pHeader(x.chunk.header) === 'ack');
    // One ACK each for 200 OK, the data preparation and the data (never one per chunk).
    expect(acks).toHaveLength(3);
    const dataAck = acks[2]?.chunk.header;
    expect(dataAck).toMatchObject({ ackSize: data.length, totalSize: data.length });
    expect(m.notForMe).toBe(1);
    expect(m.activeSessions).toBe(0);
    expect(m.partialMessages).toBe(0);
  });

  it('data that does not hash to SHA1D, or more bytes than the object says, is refused', async () => {
    const data = picture(5000);
    const { object: obj, xml } = object(PEER, data);
    for (const lie of ['hash', 'size'] as const) {
      const m = manager();
      const sb = new FakeSb((_sb, c) => {
        if (c.header.sessionId !== 0 || classifyP2pHeader(c.header) === 'ack') return;
        const slp = parseSlp(c.payload);
        if (isCodecError(slp) || slp.kind !== 'request' || slp.method !== 'INVITE') return;
        const sid = slpSessionId(slp) as number;
        sb.deliver(buildP2pAck({ ...c.header, totalSize: c.header.totalSize }, 1));
        const ok = buildSlpResponse({ status: SlpStatus.OK, to: ME, from: PEER, branch: slp.branch, cseq: 1, callId: slp.callId, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: String(sid) }] });
        sb.deliver(splitP2pMessage({ sessionId: 0, identifier: 2, flags: 0, ackId: 2, payload: ok, footer: 0 })[0] as Uint8Array);
        const bad = lie === 'hash' ? data.map((b) => b ^ 1) : picture(900_000);
        for (const ch of splitP2pMessage({ sessionId: sid, identifier: 3, flags: 0x20, ackId: 3, payload: bad, footer: 1 })) sb.deliver(ch);
      });
      m.track(sb as unknown as Switchboard);
      await expect(m.fetchObject(obj, xml, 1 << 20)).rejects.toMatchObject({ code: 'bad-data' });
      expect(m.partialMessages).toBe(0);
      expect(m.activeSessions).toBe(0);
    }
  });
});

describe('serving my picture', () => {
  it('three INVITEs at once with AppID 12 and odd Call-IDs each get the picture; footers follow the AppID', async () => {
    const data = picture(3000);
    const mine = object(ME, data);
    const m = manager([{ ...mine, data }]);
    const view = new PeerView();
    const sb = new FakeSb((s, c) => {
      view.add(c);
      // The peer ACKs every complete non-ACK message we send, with TotalSize 0.
      const last = view.messages.at(-1);
      if (last === undefined || last.chunk !== view.messages.at(-1)?.chunk || classifyP2pHeader(c.header) === 'ack') return;
      if (c.header.offset + c.header.length !== c.header.totalSize) return;
      s.deliver(encodeP2pChunk({ sessionId: c.header.sessionId, identifier: random32(), offset: 0, totalSize: 0, length: 0, flags: 2, ackId: c.header.identifier, ackUid: c.header.ackId, ackSize: c.header.totalSize }, new Uint8Array(0), 0));
    });
    m.track(sb as unknown as Switchboard);
    const callIds = ['{39DB3FED-F833-2B83-ED2-CFAB379AA31A}', 'not-a-guid', '{7c1e4e02-5b0a-4c6b-9d3e-2f1a0b9c8d71}'];
    callIds.forEach((callId, i) => {
      const invite = buildSlpRequest({
        method: 'INVITE',
        to: ME,
        from: PEER,
        branch: `{B${i}}`,
        callId,
        contentType: SlpContentType.SESSION_REQUEST,
        fields: [
          { name: 'EUF-GUID', value: EufGuid.MSNOBJECT },
          { name: 'SessionID', value: String(1000 + i) },
          { name: 'AppID', value: '12' },
          // Without the NUL, as libpurple sends it.
          { name: 'Context', value: Buffer.from(mine.xml).toString('base64') },
        ],
      });
      sb.deliver(splitP2pMessage({ sessionId: 0, identifier: random32(), flags: 0, ackId: random32(), payload: invite, footer: 0 })[0] as Uint8Array);
    });
    await until(() => view.messages.filter((x) => x.chunk.header.flags === 0x20).length === 3);
    const oks = view.messages.filter((x) => x.slp?.kind === 'response');
    expect(oks.map((x) => (x.slp as SlpMessage & { status: number }).status)).toEqual([200, 200, 200]);
    expect(oks.map((x) => x.slp?.callId)).toEqual(callIds);
    expect(oks.map((x) => x.slp?.cseq)).toEqual([1, 1, 1]);
    for (const sid of [1000, 1001, 1002]) {
      const prep = view.messages.find((x) => x.chunk.header.sessionId === sid && x.chunk.header.totalSize === 4);
      const d = view.messages.find((x) => x.chunk.header.sessionId === sid && x.chunk.header.flags === 0x20);
      expect(prep?.chunk.footer).toBe(12);
      expect(d?.chunk.footer).toBe(12);
      expect(d?.payload).toEqual(data);
    }
    // The requester ends each with BYE (Call-ID only); we ACK and forget the session.
    for (const callId of callIds) {
      const bye = buildSlpRequest({ method: 'BYE', to: ME, from: PEER, branch: '{X}', callId, contentType: SlpContentType.SESSION_CLOSE, fields: [] });
      sb.deliver(splitP2pMessage({ sessionId: 0, identifier: random32(), flags: 0, ackId: random32(), payload: bye, footer: 0 })[0] as Uint8Array);
    }
    await until(() => m.activeSessions === 0);
  });

  it('declines what it does not serve, answers 500 to a SessionID in use, and bounds a flood of INVITEs', async () => {
    const data = picture(100);
    const mine = object(ME, data);
    const m = manager([{ ...mine, data }], { maxSessionsPerPeer: 8 });
    const view = new PeerView();
    const sb = new FakeSb((_s, c) => view.add(c));
    m.track(sb as unknown as Switchboard);
    const invite = (n: number, euf: string, context: string, sid = 5000 + n): void => {
      const body = buildSlpRequest({ method: 'INVITE', to: ME, from: PEER, branch: `{B${n}}`, callId: `{C${n}}`, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'EUF-GUID', value: euf }, { name: 'SessionID', value: String(sid) }, { name: 'AppID', value: '1' }, { name: 'Context', value: context }] });
      sb.deliver(splitP2pMessage({ sessionId: 0, identifier: 100 + n, flags: 0, ackId: 1, payload: body, footer: 0 })[0] as Uint8Array);
    };
    const someoneElses = object(PEER, data).xml;
    invite(0, EufGuid.FILE_TRANSFER, 'AAAA');
    invite(1, EufGuid.MSNOBJECT, encodeMsnObjectContext(someoneElses));
    invite(2, EufGuid.MSNOBJECT, '!!!not base64');
    // 20 valid requests: 8 served (the peer never ACKs, so they stay open), the rest declined.
    for (let n = 10; n < 30; n++) invite(n, EufGuid.MSNOBJECT, encodeMsnObjectContext(mine.xml));
    invite(40, EufGuid.MSNOBJECT, encodeMsnObjectContext(mine.xml), 5010); // SessionID of a live session
    await until(() => view.messages.filter((x) => x.slp?.kind === 'response').length === 24);
    const status = (n: number): number | undefined => (view.messages.find((x) => x.slp?.callId === `{C${n}}` && x.slp.kind === 'response')?.slp as { status?: number } | undefined)?.status;
    expect([status(0), status(1), status(2)]).toEqual([603, 603, 603]);
    const served = Array.from({ length: 20 }, (_, i) => status(10 + i));
    expect(served.filter((s) => s === 200)).toHaveLength(8);
    expect(served.filter((s) => s === 603)).toHaveLength(12);
    expect(status(40)).toBe(500);
    expect(m.activeSessions).toBe(8);
    // Every INVITE was ACKed first (§4.2).
    expect(view.messages.filter((x) => classifyP2pHeader(x.chunk.header) === 'ack')).toHaveLength(24);
    m.close();
    expect(m.activeSessions).toBe(0);
  });
});
