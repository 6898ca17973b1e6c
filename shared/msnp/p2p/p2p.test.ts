/**
 * P2P codec units and properties: header round trips, splitting at every chunk size, reassembly in
 * any order with duplicates, hostile headers (never throw, bounded memory), MSNSLP Content-Length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCodecError } from '../errors';
import {
  P2P_MAX_CHUNK_PAYLOAD,
  P2pReassembler,
  SlpContentType,
  SlpStatus,
  buildP2pAck,
  buildP2pEnvelope,
  buildSlpRequest,
  buildSlpResponse,
  decodeP2pChunk,
  encodeP2pChunk,
  isP2pForMe,
  parseP2pEnvelope,
  parseSlp,
  splitP2pMessage,
  type P2pHeader,
} from './index';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u53 = fc.maxSafeInteger().filter((x) => x >= 0);

const header = (over: Partial<P2pHeader> = {}): P2pHeader => ({
  sessionId: 0,
  identifier: 1,
  offset: 0,
  totalSize: 0,
  length: 0,
  flags: 0,
  ackId: 7,
  ackUid: 0,
  ackSize: 0,
  ...over,
});

describe('P2P header', () => {
  it('round-trips every field value', () => {
    fc.assert(
      fc.property(u32, u32, u53, u32, u32, u32, u53, u32, fc.uint8Array({ maxLength: 64 }), (sid, id, total, flags, ackId, ackUid, ackSize, footer, payload) => {
        const t = Math.max(total, payload.length);
        const h = header({ sessionId: sid, identifier: id, offset: t - payload.length, totalSize: t, length: payload.length, flags, ackId, ackUid, ackSize });
        const c = decodeP2pChunk(encodeP2pChunk(h, payload, footer));
        expect(c).toEqual({ header: h, payload, footer });
      }),
    );
  });

  it('writes the footer big-endian and the rest little-endian (§3.1, §3.3)', () => {
    const b = encodeP2pChunk(header({ sessionId: 0x01020304, offset: 2 ** 40 + 5, totalSize: 2 ** 40 + 6, length: 1 }), new Uint8Array([9]), 12);
    expect([...b.subarray(0, 4)]).toEqual([4, 3, 2, 1]);
    expect([...b.subarray(8, 16)]).toEqual([5, 0, 0, 0, 0, 1, 0, 0]);
    expect([...b.subarray(-4)]).toEqual([0, 0, 0, 12]);
  });

  it('refuses chunks that lie about their sizes', () => {
    const good = encodeP2pChunk(header({ totalSize: 10, length: 4 }), new Uint8Array(4), 0);
    expect(isCodecError(decodeP2pChunk(good.subarray(0, 40)))).toBe(true); // too short
    expect(isCodecError(decodeP2pChunk(good.subarray(0, good.length - 1)))).toBe(true); // Length ≠ bytes
    const past = encodeP2pChunk(header({ offset: 8, totalSize: 10, length: 4 }), new Uint8Array(4), 0);
    expect(decodeP2pChunk(past)).toMatchObject({ kind: 'error', code: 'BAD_PAYLOAD' });
    const huge = encodeP2pChunk(header(), new Uint8Array(0), 0);
    new DataView(huge.buffer).setUint32(20, 0xffffffff, true); // TotalSize ≥ 2^53
    expect(decodeP2pChunk(huge)).toMatchObject({ kind: 'error' });
  });

  it('never throws on hostile bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const c = decodeP2pChunk(bytes);
        if (!isCodecError(c)) expect(c.payload.length).toBe(c.header.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('builds the ACK of §3.7 from the acked header', () => {
    const ack = decodeP2pChunk(buildP2pAck({ sessionId: 5, identifier: 100, totalSize: 3000, ackId: 77 }, 9));
    expect(ack).toMatchObject({ header: { sessionId: 5, identifier: 9, offset: 0, totalSize: 3000, length: 0, flags: 2, ackId: 100, ackUid: 77, ackSize: 3000 }, footer: 0 });
  });
});

describe('splitting and reassembly', () => {
  const message = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
  const limits = { maxMessageSize: () => 1 << 20, maxPartial: 16 };

  function reassemble(chunks: readonly Uint8Array[], r = new P2pReassembler(limits)): Uint8Array | undefined {
    let out: Uint8Array | undefined;
    for (const c of chunks) {
      const d = decodeP2pChunk(c);
      if (isCodecError(d)) throw new Error(d.message);
      const res = r.push(d.header, d.payload, d.footer);
      if (isCodecError(res)) throw new Error(res.message);
      if (res.kind === 'complete') out = res.message.payload;
    }
    return out;
  }

  it('chunks hold at most 1202 bytes and carry one Identifier, AckID and footer', () => {
    const chunks = splitP2pMessage({ sessionId: 3, identifier: 44, flags: 0x20, ackId: 99, payload: message(5000), footer: 1 });
    expect(chunks.map((c) => c.length - 52)).toEqual([1202, 1202, 1202, 1202, 192]);
    for (const c of chunks) expect(decodeP2pChunk(c)).toMatchObject({ header: { identifier: 44, ackId: 99, totalSize: 5000 }, footer: 1 });
    expect(splitP2pMessage({ sessionId: 0, identifier: 1, flags: 0, ackId: 1, payload: new Uint8Array(0), footer: 0 })).toHaveLength(1);
  });

  it('every split point: any chunk size reassembles to the same bytes', () => {
    const m = message(3000);
    for (let size = 1; size <= P2P_MAX_CHUNK_PAYLOAD; size += size < 64 ? 1 : 37) {
      expect(reassemble(splitP2pMessage({ sessionId: 1, identifier: size, flags: 0x20, ackId: 1, payload: m, footer: 1 }, size))).toEqual(m);
    }
  });

  it('reordered and duplicated chunks reassemble; duplicates are reported as such', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6000 }), fc.integer({ min: 1, max: 1202 }), fc.infiniteStream(fc.nat()), (n, size, rnd) => {
        const m = message(n);
        const chunks = splitP2pMessage({ sessionId: 2, identifier: 5, flags: 0x20, ackId: 1, payload: m, footer: 1 }, size);
        if (chunks.length > 64) return; // more gaps than the reassembler tolerates is tested below
        const it = rnd[Symbol.iterator]();
        const shuffled = [...chunks];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as Uint8Array, shuffled[i] as Uint8Array];
        }
        const dupAt = (it.next().value as number) % shuffled.length;
        // A duplicate inserted before the message completes.
        const withDup = [...shuffled.slice(0, dupAt + 1), shuffled[dupAt] as Uint8Array, ...shuffled.slice(dupAt + 1)];
        const r = new P2pReassembler(limits);
        const got = reassemble(dupAt === shuffled.length - 1 ? shuffled : withDup, r);
        expect(got).toEqual(m);
        expect(r.partialCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('overlapping, inconsistent, oversized and excess messages are errors and free their memory', () => {
    const r = new P2pReassembler({ maxMessageSize: () => 100, maxPartial: 2 });
    const h = header({ sessionId: 1, identifier: 1, totalSize: 50, flags: 0x20 });
    expect(r.push({ ...h, length: 10 }, new Uint8Array(10), 0)).toEqual({ kind: 'partial' });
    expect(r.push({ ...h, offset: 5, length: 10 }, new Uint8Array(10), 0)).toMatchObject({ kind: 'error', code: 'BAD_PAYLOAD' });
    expect(r.partialCount).toBe(0);
    expect(r.push({ ...h, length: 10 }, new Uint8Array(10), 0)).toEqual({ kind: 'partial' });
    expect(r.push({ ...h, offset: 10, totalSize: 60, length: 10 }, new Uint8Array(10), 0)).toMatchObject({ kind: 'error' });
    expect(r.push({ ...h, totalSize: 1000, length: 10 }, new Uint8Array(10), 0)).toMatchObject({ kind: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect(r.push({ ...h, offset: 45, length: 10 }, new Uint8Array(10), 0)).toMatchObject({ kind: 'error' });
    // Same range, other bytes: an overlap, not a duplicate.
    expect(r.push({ ...h, identifier: 2, length: 10 }, new Uint8Array(10), 0)).toEqual({ kind: 'partial' });
    expect(r.push({ ...h, identifier: 2, length: 10 }, new Uint8Array(10).fill(1), 0)).toMatchObject({ kind: 'error' });
    // Partial-message cap.
    for (let id = 10; id < 12; id++) expect(r.push({ ...h, identifier: id, length: 10 }, new Uint8Array(10), 0)).toEqual({ kind: 'partial' });
    expect(r.push({ ...h, identifier: 12, length: 10 }, new Uint8Array(10), 0)).toMatchObject({ kind: 'error', code: 'PAYLOAD_TOO_LARGE' });
    // Too many gaps.
    const g = new P2pReassembler({ maxMessageSize: () => 1000, maxPartial: 2, maxGaps: 3 });
    const results = [0, 20, 40, 60, 80].map((off) => g.push({ ...h, totalSize: 1000, offset: off, length: 10 }, new Uint8Array(10), 0));
    expect(results.some(isCodecError)).toBe(true);
  });

  it('hostile chunk streams never throw and never hold more than the limits allow', () => {
    const hostile = fc.record({
      sessionId: fc.integer({ min: 0, max: 3 }),
      identifier: fc.integer({ min: 0, max: 5 }),
      offset: fc.integer({ min: 0, max: 3000 }),
      totalSize: fc.oneof(fc.integer({ min: 0, max: 3000 }), u53),
      length: fc.integer({ min: 0, max: 1300 }),
      flags: fc.constantFrom(0, 2, 0x20, 0x30, 0x40, 0x01000030, 0xffffffff),
      ackId: u32,
      ackUid: u32,
      ackSize: u53,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, u32), { maxLength: 60 }), (stream) => {
        const r = new P2pReassembler({ maxMessageSize: () => 2048, maxPartial: 4 });
        for (const [h, footer] of stream) {
          const res = r.push(h, new Uint8Array(h.length), footer);
          if (!isCodecError(res) && res.kind === 'complete') expect(res.message.payload.length).toBeLessThanOrEqual(2048);
          expect(r.partialCount).toBeLessThanOrEqual(4);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('MSNSLP', () => {
  const base = { to: 'bob@x.com', from: 'alice@x.com', branch: '{B}', callId: '{C}' };

  it('Content-Length counts the body bytes including the NUL (§4.1)', () => {
    const bye = new TextDecoder().decode(buildSlpRequest({ method: 'BYE', ...base, contentType: SlpContentType.SESSION_CLOSE, fields: [] }));
    expect(bye).toMatch(/Content-Length: 3\r\n\r\n\r\n\0$/);
    const ok = new TextDecoder().decode(buildSlpResponse({ status: SlpStatus.OK, ...base, cseq: 1, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: '93847561' }] }));
    expect(ok).toMatch(/^MSNSLP\/1.0 200 OK\r\n/);
    expect(ok).toMatch(/Content-Length: 24\r\n\r\nSessionID: 93847561\r\n\r\n\0$/);
    const decline = new TextDecoder().decode(buildSlpResponse({ status: SlpStatus.DECLINE, ...base, cseq: 1, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: '1' }] }));
    expect(decline).toMatch(/^MSNSLP\/1.0 603 Decline\r\n/);
    // Non-ASCII in a field counts bytes, not characters.
    const inv = buildSlpRequest({ method: 'INVITE', ...base, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'X', value: 'é' }] });
    expect(new TextDecoder().decode(inv)).toMatch(/Content-Length: 10\r\n/);
  });

  it('reads headers in any order and case, and never reads past what is there', () => {
    const m = parseSlp(new TextEncoder().encode('BYE MSNMSGR:bob@x.com MSNSLP/1.0\r\ncall-id: {x}\r\ncseq:   4\r\nfrom: <msnmsgr:alice@x.com>\r\nContent-Length: 999\r\n\r\nSessionID: 5\r\n'));
    expect(m).toMatchObject({ kind: 'request', method: 'BYE', callId: '{x}', cseq: 4, from: 'alice@x.com', fields: [{ name: 'SessionID', value: '5' }] });
    expect(parseSlp(new TextEncoder().encode('HELLO\r\nCall-ID: x\r\n\r\n'))).toMatchObject({ kind: 'error' });
    expect(parseSlp(new TextEncoder().encode('INVITE MSNMSGR:a MSNSLP/1.0\r\n\r\n'))).toMatchObject({ kind: 'error' }); // no Call-ID
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void parseSlp(b)), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parseSlp(new TextEncoder().encode(`INVITE MSNMSGR:a MSNSLP/1.0\r\nCall-ID: x\r\n${s}\r\n\r\n${s}`))), { numRuns: 1000 });
  });
});

describe('the SB envelope', () => {
  it('P2P-Dest is the receiver; other destinations are filtered (§2.1)', () => {
    const env = parseP2pEnvelope(buildP2pEnvelope('bob@x.com', new Uint8Array([1, 2, 3])));
    expect(env).toEqual({ dest: 'bob@x.com', src: undefined, body: new Uint8Array([1, 2, 3]) });
    expect(isP2pForMe('Bob@X.com', 'bob@x.com')).toBe(true);
    expect(isP2pForMe('bob@x.com;{11111111-2222-3333-4444-555555555555}', 'bob@x.com')).toBe(true);
    expect(isP2pForMe('carol@x.com', 'bob@x.com')).toBe(false);
    expect(parseP2pEnvelope(new TextEncoder().encode('MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi'))).toMatchObject({ kind: 'error' });
    expect(parseP2pEnvelope(new TextEncoder().encode('Content-Type: application/x-msnmsgrp2p\r\n\r\nxx'))).toMatchObject({ kind: 'error' });
  });
});
