/**
 * The P2Pv1 binary layer (MSNC, "TLP"; MSNP-P2P.md §3): a 48-byte little-endian header, 0–1202
 * payload bytes and a 4-byte big-endian footer, carried as the body of an SB `MSG … D`.
 *
 *   off 0  u32 SessionID   4 u32 Identifier   8 u64 Offset   16 u64 TotalSize   24 u32 Length
 *   off 28 u32 Flags      32 u32 AckID      36 u32 AckUID   40 u64 AckSize        (§3.1)
 *
 * Pure: decode gives a typed chunk or a CodecError value (never throws on peer bytes); encode
 * throws RangeError only for values a caller of ours got wrong.
 */
import { codecError, type CodecError } from '../errors';

export const P2P_HEADER_LENGTH = 48;
export const P2P_FOOTER_LENGTH = 4;
/** Largest payload per chunk over the SB (MSNP-P2P.md §2.2): what every implementation accepts. */
export const P2P_MAX_CHUNK_PAYLOAD = 1202;

/** Flag values (MSNP-P2P.md §3.2). */
export const P2pFlags = {
  NONE: 0,
  NAK: 0x01,
  ACK: 0x02,
  WAITING: 0x04,
  ERROR: 0x08,
  FILE: 0x10,
  MSNOBJECT_DATA: 0x20,
  CLOSE: 0x40,
  TLP_ERROR: 0x80,
  DC_HANDSHAKE: 0x100,
  WLM2009: 0x01000000,
  WLM2009_MSNOBJECT_DATA: 0x01000020,
  FILE_DATA: 0x01000030,
  /** papyon / aMSN 0.99 file data (`FILE|EACH`, captured §13.4). */
  FILE_DATA_LEGACY: 0x30,
} as const;

/** Footer (AppID) values (MSNP-P2P.md §3.3). Receivers never route on them. */
export const P2pFooter = {
  SIGNALLING: 0,
  MSNOBJECT: 1,
  FILE: 2,
  EMOTICON_WLM: 11,
  DISPLAY_PICTURE_WLM: 12,
} as const;

export interface P2pHeader {
  readonly sessionId: number;
  readonly identifier: number;
  readonly offset: number;
  readonly totalSize: number;
  readonly length: number;
  readonly flags: number;
  readonly ackId: number;
  readonly ackUid: number;
  readonly ackSize: number;
}

export interface P2pChunk {
  readonly header: P2pHeader;
  /** A view of the decoded bytes (copy it to keep it past the buffer's life). */
  readonly payload: Uint8Array;
  readonly footer: number;
}

/**
 * What a chunk is, for routing (receiver classification, MSNP-P2P.md §3.2): data flags include
 * `0x30` (papyon, aMSN 0.99) as well as the official values; anything unknown is `other` (ignored).
 */
export type P2pChunkKind = 'ack' | 'abort' | 'signalling' | 'data-preparation' | 'data' | 'other';

const DATA_FLAGS: ReadonlySet<number> = new Set([
  P2pFlags.MSNOBJECT_DATA,
  P2pFlags.WLM2009_MSNOBJECT_DATA,
  P2pFlags.FILE_DATA,
  P2pFlags.FILE_DATA_LEGACY,
]);
const ABORT_MASK = P2pFlags.NAK | P2pFlags.ERROR | P2pFlags.CLOSE | P2pFlags.TLP_ERROR;

export function classifyP2pHeader(h: P2pHeader): P2pChunkKind {
  if (h.flags === P2pFlags.ACK) return 'ack';
  if ((h.flags & ABORT_MASK) !== 0) return 'abort';
  if (DATA_FLAGS.has(h.flags)) return 'data';
  if (h.flags === P2pFlags.NONE || h.flags === P2pFlags.WLM2009) {
    if (h.sessionId === 0) return 'signalling';
    // §5.3: SessionID ≠ 0, TotalSize 4, Flags 0 (the payload being zeros is checked on completion).
    if (h.totalSize === 4) return 'data-preparation';
    // Some senders flag MSNObject data with 0 (legacy); treat a flag-0 message in a session as data.
    return 'data';
  }
  return 'other';
}

/**
 * Decode one chunk (the SB message body after the MIME block). Errors: shorter than header +
 * footer, a 64-bit field beyond 2^53, `Length` disagreeing with the bytes present, or
 * `Offset + Length > TotalSize` (§3.6, §12 lying sizes).
 */
export function decodeP2pChunk(body: Uint8Array): P2pChunk | CodecError {
  if (body.length < P2P_HEADER_LENGTH + P2P_FOOTER_LENGTH) {
    return codecError('BAD_PAYLOAD', `P2P body of ${body.length} bytes is shorter than header and footer (52)`);
  }
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const offset = u64(v, 8);
  const totalSize = u64(v, 16);
  const ackSize = u64(v, 40);
  if (offset === undefined || totalSize === undefined || ackSize === undefined) {
    return codecError('BAD_PAYLOAD', 'P2P header has a 64-bit size beyond 2^53');
  }
  const header: P2pHeader = {
    sessionId: v.getUint32(0, true),
    identifier: v.getUint32(4, true),
    offset,
    totalSize,
    length: v.getUint32(24, true),
    flags: v.getUint32(28, true),
    ackId: v.getUint32(32, true),
    ackUid: v.getUint32(36, true),
    ackSize,
  };
  const present = body.length - P2P_HEADER_LENGTH - P2P_FOOTER_LENGTH;
  if (header.length !== present) {
    return codecError('BAD_PAYLOAD', `P2P header says Length ${header.length} but ${present} payload bytes are present`);
  }
  if (header.length > header.totalSize && header.flags !== P2pFlags.ACK) {
    return codecError('BAD_PAYLOAD', `P2P chunk Length ${header.length} exceeds TotalSize ${header.totalSize}`);
  }
  if (header.length > 0 && header.offset + header.length > header.totalSize) {
    return codecError('BAD_PAYLOAD', `P2P chunk at ${header.offset}+${header.length} runs past TotalSize ${header.totalSize}`);
  }
  const payload = body.subarray(P2P_HEADER_LENGTH, P2P_HEADER_LENGTH + header.length);
  const footer = v.getUint32(body.length - P2P_FOOTER_LENGTH, false);
  return { header, payload, footer };
}

function u64(v: DataView, at: number): number | undefined {
  const lo = v.getUint32(at, true);
  const hi = v.getUint32(at + 4, true);
  if (hi > 0x1fffff) return undefined; // beyond Number.MAX_SAFE_INTEGER
  return hi * 0x1_0000_0000 + lo;
}

function checkU32(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`P2P ${name} ${x} is not a 32-bit unsigned integer`);
}

function checkU53(name: string, x: number): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`P2P ${name} ${x} is not a non-negative safe integer`);
}

/** Header + payload + footer, in one buffer. `header.length` must equal `payload.length`. */
export function encodeP2pChunk(header: P2pHeader, payload: Uint8Array, footer: number): Uint8Array {
  for (const k of ['sessionId', 'identifier', 'length', 'flags', 'ackId', 'ackUid'] as const) checkU32(k, header[k]);
  for (const k of ['offset', 'totalSize', 'ackSize'] as const) checkU53(k, header[k]);
  checkU32('footer', footer);
  if (header.length !== payload.length) throw new RangeError(`P2P Length ${header.length} ≠ payload ${payload.length} bytes`);
  const out = new Uint8Array(P2P_HEADER_LENGTH + payload.length + P2P_FOOTER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint32(0, header.sessionId, true);
  v.setUint32(4, header.identifier, true);
  setU64(v, 8, header.offset);
  setU64(v, 16, header.totalSize);
  v.setUint32(24, header.length, true);
  v.setUint32(28, header.flags, true);
  v.setUint32(32, header.ackId, true);
  v.setUint32(36, header.ackUid, true);
  setU64(v, 40, header.ackSize);
  out.set(payload, P2P_HEADER_LENGTH);
  v.setUint32(P2P_HEADER_LENGTH + payload.length, footer, false); // the footer is big-endian (§3.3)
  return out;
}

function setU64(v: DataView, at: number, x: number): void {
  v.setUint32(at, x % 0x1_0000_0000, true);
  v.setUint32(at + 4, Math.floor(x / 0x1_0000_0000), true);
}

/**
 * The ACK of a complete message (MSNP-P2P.md §3.7): SessionID of the acked message, our next
 * Identifier, TotalSize = AckSize = the acked TotalSize, Flags 0x02, AckID = its Identifier,
 * AckUID = the AckID of its last chunk, footer 0.
 */
export function buildP2pAck(acked: Pick<P2pHeader, 'sessionId' | 'identifier' | 'totalSize' | 'ackId'>, identifier: number): Uint8Array {
  return encodeP2pChunk(
    {
      sessionId: acked.sessionId,
      identifier,
      offset: 0,
      totalSize: acked.totalSize,
      length: 0,
      flags: P2pFlags.ACK,
      ackId: acked.identifier,
      ackUid: acked.ackId,
      ackSize: acked.totalSize,
    },
    new Uint8Array(0),
    P2pFooter.SIGNALLING,
  );
}

/**
 * A control message ending a session at the binary level (§3.8): `0x40` from the sender of data,
 * `0x80` from its receiver; AckID = the Identifier of the data message concerned.
 */
export function buildP2pAbort(sessionId: number, identifier: number, dataIdentifier: number, flags: 0x40 | 0x80): Uint8Array {
  return encodeP2pChunk(
    { sessionId, identifier, offset: 0, totalSize: 0, length: 0, flags, ackId: dataIdentifier, ackUid: 0, ackSize: 0 },
    new Uint8Array(0),
    P2pFooter.SIGNALLING,
  );
}
