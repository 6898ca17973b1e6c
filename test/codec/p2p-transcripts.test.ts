/**
 * The P2P exchanges of MSNP-P2P.md §13 through the P2P codec:
 * - §13.1 (constructed, the style Monarch sends): every one of the ten messages Bob and Alice
 *   exchange for a display picture is rebuilt with our builders (INVITE, ACK, 200 OK, data
 *   preparation, data, BYE) and must equal the reference's header bytes, SLP text and SB sizes;
 * - §13.4 (captured, aMSN 0.99 through Escargot): the headers quoted byte for byte decode and
 *   classify as a receiver must (footer 0 on data, ACK with TotalSize 0, random Identifiers).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSha1d, parseMsnObject } from '../../shared/msnp/msnobject';
import { isCodecError } from '../../shared/msnp/errors';
import {
  EufGuid,
  P2pFlags,
  P2pFooter,
  P2pReassembler,
  SlpContentType,
  SlpStatus,
  buildP2pAck,
  buildP2pEnvelope,
  buildSlpRequest,
  buildSlpResponse,
  classifyP2pHeader,
  decodeMsnObjectContext,
  decodeP2pChunk,
  encodeMsnObjectContext,
  parseP2pEnvelope,
  parseSlp,
  slpField,
  slpSessionId,
  splitP2pMessage,
  type P2pHeader,
} from '../../shared/msnp/p2p';

interface Step {
  readonly n: number;
  readonly from: 'alice' | 'bob';
  readonly sbPayload: number;
  readonly header: string;
  readonly footer: number;
  readonly slp?: string;
  readonly payloadHex?: string;
  readonly payloadIsPicture?: boolean;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/p2p/display-picture-13.1.json', import.meta.url), 'utf8')) as {
  bobBase: string;
  aliceBase: string;
  sessionId: number;
  picturePngHex: string;
  msnObject: string;
  context: string;
  steps: Step[];
};

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const ALICE = 'alice@hotmail.com';
const BOB = 'bob@hotmail.com';
const CALL = '{7C1E4E02-5B0A-4C6B-9D3E-2F1A0B9C8D71}';
const BRANCH = '{33C7A5D0-1E2F-4A3B-8C4D-5E6F70819203}';
const picture = hex(fixture.picturePngHex);
const step = (n: number): Step => fixture.steps.find((s) => s.n === n) as Step;

/** What we build for each step, as the whole P2P chunk. */
function built(): Map<number, Uint8Array> {
  const bob = parseInt(fixture.bobBase, 16);
  const alice = parseInt(fixture.aliceBase, 16);
  const sid = fixture.sessionId;
  const invite = buildSlpRequest({
    method: 'INVITE',
    to: ALICE,
    from: BOB,
    branch: BRANCH,
    callId: CALL,
    contentType: SlpContentType.SESSION_REQUEST,
    fields: [
      { name: 'EUF-GUID', value: EufGuid.MSNOBJECT },
      { name: 'SessionID', value: String(sid) },
      { name: 'AppID', value: '1' },
      { name: 'Context', value: encodeMsnObjectContext(fixture.msnObject) },
    ],
  });
  const ok = buildSlpResponse({ status: SlpStatus.OK, to: BOB, from: ALICE, branch: BRANCH, cseq: 1, callId: CALL, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: String(sid) }] });
  const bye = buildSlpRequest({ method: 'BYE', to: ALICE, from: BOB, branch: '{9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A}', callId: CALL, contentType: SlpContentType.SESSION_CLOSE, fields: [] });
  const one = (m: Parameters<typeof splitP2pMessage>[0]): Uint8Array => {
    const chunks = splitP2pMessage(m);
    expect(chunks).toHaveLength(1);
    return chunks[0] as Uint8Array;
  };
  const header = (n: number): P2pHeader => {
    const d = decodeP2pChunk(new Uint8Array([...hex(step(n).header), 0, 0, 0, 0]));
    // The fixture's header alone (no payload): decode it only for its fields.
    if (isCodecError(d)) return decodeHeaderOnly(hex(step(n).header));
    return d.header;
  };
  const out = new Map<number, Uint8Array>();
  out.set(1, one({ sessionId: 0, identifier: bob, flags: 0, ackId: 0x000a12f3, payload: invite, footer: 0 }));
  out.set(2, buildP2pAck(header(1), alice));
  out.set(3, one({ sessionId: 0, identifier: alice + 1, flags: 0, ackId: 0x0031c4d7, payload: ok, footer: 0 }));
  out.set(4, buildP2pAck(header(3), bob + 1));
  out.set(5, one({ sessionId: sid, identifier: alice + 2, flags: 0, ackId: 0x0031c4d8, payload: new Uint8Array(4), footer: P2pFooter.MSNOBJECT }));
  out.set(6, buildP2pAck(header(5), bob + 2));
  out.set(7, one({ sessionId: sid, identifier: alice + 3, flags: P2pFlags.MSNOBJECT_DATA, ackId: 0x0031c4d9, payload: picture, footer: P2pFooter.MSNOBJECT }));
  out.set(8, buildP2pAck(header(7), bob + 3));
  out.set(9, one({ sessionId: 0, identifier: bob + 4, flags: 0, ackId: 0x000a12f4, payload: bye, footer: 0 }));
  out.set(10, buildP2pAck(header(9), alice + 4));
  return out;
}

/** Header fields from 48 bytes (for the fixture's payload-carrying steps, whose payload we build). */
function decodeHeaderOnly(h: Uint8Array): P2pHeader {
  const v = new DataView(h.buffer, h.byteOffset, 48);
  return {
    sessionId: v.getUint32(0, true),
    identifier: v.getUint32(4, true),
    offset: Number(v.getBigUint64(8, true)),
    totalSize: Number(v.getBigUint64(16, true)),
    length: v.getUint32(24, true),
    flags: v.getUint32(28, true),
    ackId: v.getUint32(32, true),
    ackUid: v.getUint32(36, true),
    ackSize: Number(v.getBigUint64(40, true)),
  };
}

describe('MSNP-P2P.md §13.1: display picture, built by us', () => {
  const chunks = built();

  it('the MSNObject and Context of the reference', () => {
    expect(encodeMsnObjectContext(fixture.msnObject)).toBe(fixture.context);
    expect(decodeMsnObjectContext(fixture.context)).toBe(fixture.msnObject);
    const obj = parseMsnObject(fixture.msnObject);
    if (obj === undefined || isCodecError(obj)) throw new Error('fixture object does not parse');
    expect(computeSha1d(picture)).toBe(obj.sha1d);
  });

  it.each(fixture.steps.map((s) => [s.n, s] as const))('step %i: header, payload, footer and SB size are the reference bytes', (_n, s) => {
    const chunk = chunks.get(s.n) as Uint8Array;
    expect(toHex(chunk.subarray(0, 48))).toBe(s.header);
    const payload = chunk.subarray(48, chunk.length - 4);
    if (s.slp !== undefined) expect(new TextDecoder().decode(payload)).toBe(s.slp);
    if (s.payloadHex !== undefined) expect(toHex(payload)).toBe(s.payloadHex);
    if (s.payloadIsPicture === true) expect(payload).toEqual(picture);
    expect(new DataView(chunk.buffer, chunk.byteOffset + chunk.length - 4).getUint32(0, false)).toBe(s.footer);
    // The SB payload: MIME block for the receiver + chunk (§2.2: 88 bytes for bob@, 90 for alice@).
    const env = buildP2pEnvelope(s.from === 'bob' ? ALICE : BOB, chunk);
    expect(env.length).toBe(s.sbPayload);
  });

  it('every message decodes back: envelope, chunk, classification, SLP fields', () => {
    const kinds = fixture.steps.map((s) => {
      const env = parseP2pEnvelope(buildP2pEnvelope(s.from === 'bob' ? ALICE : BOB, chunks.get(s.n) as Uint8Array));
      if (isCodecError(env)) throw new Error(env.message);
      expect(env.dest).toBe(s.from === 'bob' ? ALICE : BOB);
      const c = decodeP2pChunk(env.body);
      if (isCodecError(c)) throw new Error(c.message);
      return classifyP2pHeader(c.header);
    });
    expect(kinds).toEqual(['signalling', 'ack', 'signalling', 'ack', 'data-preparation', 'ack', 'data', 'ack', 'signalling', 'ack']);
    const invite = parseSlp(text(step(1).slp as string));
    if (isCodecError(invite)) throw new Error(invite.message);
    expect(invite).toMatchObject({ kind: 'request', method: 'INVITE', uri: ALICE, to: ALICE, from: BOB, branch: BRANCH, cseq: 0, callId: CALL, contentType: SlpContentType.SESSION_REQUEST });
    expect(slpField(invite, 'EUF-GUID')).toBe(EufGuid.MSNOBJECT);
    expect(slpSessionId(invite)).toBe(fixture.sessionId);
    expect(slpField(invite, 'AppID')).toBe('1');
    const ok = parseSlp(text(step(3).slp as string));
    expect(ok).toMatchObject({ kind: 'response', status: 200, reason: 'OK', cseq: 1, callId: CALL });
    const bye = parseSlp(text(step(9).slp as string));
    expect(bye).toMatchObject({ kind: 'request', method: 'BYE', contentType: SlpContentType.SESSION_CLOSE, fields: [] });
  });
});

describe('MSNP-P2P.md §13.4: captured aMSN 0.99 headers are accepted', () => {
  const dataPrep = hex('c16cd1495a78dc25000000000000000004000000000000000400000000000000b769c425000000000000000000000000');
  const firstPicture = hex('c16cd1496ce7ac2c0000000000000000d6460000000000008004000020000000b869c425000000000000000000000000');
  const pictureAck = hex('c16cd1495ab69c2d000000000000000000000000000000000000000002000000' + '6ce7ac2cc769c425d646000000000000');

  it('data preparation with footer 0', () => {
    const c = decodeP2pChunk(new Uint8Array([...dataPrep, 0, 0, 0, 0, 0, 0, 0, 0]));
    if (isCodecError(c)) throw new Error(c.message);
    expect(c.footer).toBe(0);
    expect(classifyP2pHeader(c.header)).toBe('data-preparation');
  });

  it('1152-byte picture chunks with footer 0 and AckID counting per chunk reassemble', () => {
    const total = 18134;
    const bytes = Uint8Array.from({ length: total }, (_, i) => (i * 7) & 0xff);
    const r = new P2pReassembler({ maxMessageSize: () => 1024 * 1024, maxPartial: 4 });
    const base = decodeHeaderOnly(firstPicture);
    expect(base).toMatchObject({ sessionId: 0x49d16cc1, identifier: 0x2cace76c, totalSize: total, length: 1152, flags: 0x20 });
    let last;
    for (let off = 0, k = 0; off < total; off += 1152, k++) {
      const n = Math.min(1152, total - off);
      last = r.push({ ...base, offset: off, length: n, ackId: base.ackId + k }, bytes.subarray(off, off + n), 0);
    }
    expect(last).toMatchObject({ kind: 'complete' });
    if (last === undefined || isCodecError(last) || last.kind !== 'complete') throw new Error('incomplete');
    expect(last.message.payload).toEqual(bytes);
    // The ACK echoes the last chunk's AckID (0x25C469C7), as aMSN's did.
    expect(last.message.header.ackId).toBe(0x25c469c7);
  });

  it('an ACK with TotalSize 0 is an ACK', () => {
    const c = decodeP2pChunk(new Uint8Array([...pictureAck, 0, 0, 0, 0]));
    if (isCodecError(c)) throw new Error(c.message);
    expect(classifyP2pHeader(c.header)).toBe('ack');
    expect(c.header).toMatchObject({ totalSize: 0, ackId: 0x2cace76c, ackUid: 0x25c469c7, ackSize: 18134 });
  });

  it('a Call-ID with short groups and CSeq without a space parse', () => {
    const slp = parseSlp(text('MSNSLP/1.0 200 OK\r\nTo: <msnmsgr:bob@example.com>\r\nFrom: <msnmsgr:alice@example.com>\r\nVia: MSNSLP/1.0/TLP ;branch={39DB3FED-F833-2B83-ED2-CFAB379AA31A}\r\nCSeq: 2\r\nCall-ID: {39DB3FED-F833-2B83-ED2-CFAB379AA31A}\r\nMax-Forwards: 0\r\nContent-Type: application/x-msnmsgr-sessionreqbody\r\nContent-Length: 44\r\n\r\nSessionID: 1238461633\r\nSChannelState: 0\r\n\r\n\0'));
    expect(slp).toMatchObject({ kind: 'response', status: 200, cseq: 2, callId: '{39DB3FED-F833-2B83-ED2-CFAB379AA31A}' });
    if (isCodecError(slp)) return;
    expect(slpSessionId(slp)).toBe(1238461633);
  });
});
