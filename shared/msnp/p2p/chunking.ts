/**
 * Splitting a P2P message into SB chunks (sender, MSNP-P2P.md §3.5) and putting chunks back
 * together (receiver, §3.6), with the bounds of §12: nothing is allocated from a peer's TotalSize
 * before a limit says yes, partial messages are counted, and lying, overlapping or out-of-range
 * chunks come back as error values.
 */
import { codecError, type CodecError } from '../errors';
import { P2P_MAX_CHUNK_PAYLOAD, encodeP2pChunk, type P2pHeader } from './header';

export interface OutgoingP2pMessage {
  readonly sessionId: number;
  readonly identifier: number;
  readonly flags: number;
  /** One value for every chunk (Monarch's choice, §3.4). */
  readonly ackId: number;
  readonly payload: Uint8Array;
  readonly footer: number;
}

/**
 * The encoded chunks (header + payload piece + footer) of one message, each ≤ `maxChunk` payload
 * bytes (1202 over the SB). A zero-length message is one chunk with Length 0.
 */
export function splitP2pMessage(m: OutgoingP2pMessage, maxChunk: number = P2P_MAX_CHUNK_PAYLOAD): Uint8Array[] {
  if (!Number.isInteger(maxChunk) || maxChunk < 1) throw new RangeError(`chunk size ${maxChunk} must be a positive integer`);
  const total = m.payload.length;
  const out: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(maxChunk, total - offset);
    const header: P2pHeader = {
      sessionId: m.sessionId,
      identifier: m.identifier,
      offset,
      totalSize: total,
      length: n,
      flags: m.flags,
      ackId: m.ackId,
      ackUid: 0,
      ackSize: 0,
    };
    out.push(encodeP2pChunk(header, m.payload.subarray(offset, offset + n), m.footer));
    offset += n;
  } while (offset < total);
  return out;
}

/** A message all of whose bytes have arrived. */
export interface CompleteP2pMessage {
  /** The header of the chunk that completed it (its AckID is what the ACK echoes, §3.7). */
  readonly header: P2pHeader;
  readonly payload: Uint8Array;
  readonly footer: number;
}

export type ReassemblyResult =
  | { readonly kind: 'complete'; readonly message: CompleteP2pMessage }
  | { readonly kind: 'partial' }
  /** The same bytes again (a duplicated chunk): nothing to do. */
  | { readonly kind: 'duplicate' };

export interface ReassemblerLimits {
  /** Largest TotalSize accepted for this first chunk's message; 0 refuses it. Asked once per message. */
  readonly maxMessageSize: (first: P2pHeader) => number;
  /** Partial messages kept at once (§12: e.g. 16 per peer). */
  readonly maxPartial: number;
  /** Gaps tolerated in one message (reordering); more is hostile. Default 64. */
  readonly maxGaps?: number;
}

interface Partial {
  readonly totalSize: number;
  readonly buffer: Uint8Array;
  /** Received byte ranges [start, end), sorted, merged, disjoint. */
  readonly ranges: [number, number][];
  received: number;
  readonly sessionId: number;
}

/**
 * Reassembly keyed by (SessionID, Identifier) and placed by Offset. Chunks may come in any order
 * (the SB keeps order, but a peer may not) and a chunk seen before is a `duplicate`; a chunk that
 * partly overlaps received bytes, disagrees on TotalSize, or lies outside the message is an error
 * (the partial message is dropped). Memory: at most `maxPartial` messages, each at most what
 * `maxMessageSize` allowed.
 */
export class P2pReassembler {
  private readonly partials = new Map<string, Partial>();
  private readonly maxGaps: number;

  constructor(private readonly limits: ReassemblerLimits) {
    this.maxGaps = limits.maxGaps ?? 64;
  }

  get partialCount(): number {
    return this.partials.size;
  }

  push(header: P2pHeader, payload: Uint8Array, footer: number): ReassemblyResult | CodecError {
    const { totalSize, offset, length } = header;
    if (payload.length !== length) return codecError('BAD_PAYLOAD', `P2P chunk Length ${length} but ${payload.length} bytes`);
    if (offset + length > totalSize) return codecError('BAD_PAYLOAD', `P2P chunk ${offset}+${length} runs past TotalSize ${totalSize}`);
    const key = `${header.sessionId}:${header.identifier}`;
    let p = this.partials.get(key);
    if (p === undefined) {
      // Whole message in one chunk: no copy, no bookkeeping.
      if (offset === 0 && length === totalSize) {
        const max = this.limits.maxMessageSize(header);
        if (totalSize > max) return codecError('PAYLOAD_TOO_LARGE', `P2P message of ${totalSize} bytes exceeds the limit of ${max}`);
        return { kind: 'complete', message: { header, payload, footer } };
      }
      if (length === 0) return codecError('BAD_PAYLOAD', 'empty P2P chunk of a larger message');
      const max = this.limits.maxMessageSize(header);
      if (totalSize > max) return codecError('PAYLOAD_TOO_LARGE', `P2P message of ${totalSize} bytes exceeds the limit of ${max}`);
      if (this.partials.size >= this.limits.maxPartial) return codecError('PAYLOAD_TOO_LARGE', `more than ${this.limits.maxPartial} unfinished P2P messages`);
      p = { totalSize, buffer: new Uint8Array(totalSize), ranges: [], received: 0, sessionId: header.sessionId };
      this.partials.set(key, p);
    } else if (p.totalSize !== totalSize) {
      this.partials.delete(key);
      return codecError('BAD_PAYLOAD', `P2P chunk says TotalSize ${totalSize}, earlier chunks ${p.totalSize}`);
    }
    if (length === 0) {
      this.partials.delete(key);
      return codecError('BAD_PAYLOAD', 'empty P2P chunk of a larger message');
    }
    const placed = place(p.ranges, offset, offset + length);
    if (placed === 'duplicate') {
      // Same bytes? A chunk re-sent with other content is an overlap, not a duplicate.
      if (!sameBytes(p.buffer.subarray(offset, offset + length), payload)) {
        this.partials.delete(key);
        return codecError('BAD_PAYLOAD', `P2P chunk at ${offset} repeats received bytes with different content`);
      }
      return { kind: 'duplicate' };
    }
    if (placed === 'overlap') {
      this.partials.delete(key);
      return codecError('BAD_PAYLOAD', `P2P chunk ${offset}+${length} overlaps bytes already received`);
    }
    if (p.ranges.length > this.maxGaps + 1) {
      this.partials.delete(key);
      return codecError('BAD_PAYLOAD', `P2P message arrives in more than ${this.maxGaps} pieces out of order`);
    }
    p.buffer.set(payload, offset);
    p.received += length;
    if (p.received < p.totalSize) return { kind: 'partial' };
    this.partials.delete(key);
    return { kind: 'complete', message: { header, payload: p.buffer, footer } };
  }

  /** Forget one message (its session ended) or every message of a session. */
  drop(sessionId: number, identifier?: number): void {
    if (identifier !== undefined) {
      this.partials.delete(`${sessionId}:${identifier}`);
      return;
    }
    for (const [k, p] of this.partials) if (p.sessionId === sessionId) this.partials.delete(k);
  }

  /** Bytes received so far of a session's unfinished messages (progress for timeouts). */
  receivedFor(sessionId: number): number {
    let n = 0;
    for (const p of this.partials.values()) if (p.sessionId === sessionId) n += p.received;
    return n;
  }

  clear(): void {
    this.partials.clear();
  }
}

/** Insert [start, end) into sorted disjoint ranges, merging neighbours. */
function place(ranges: [number, number][], start: number, end: number): 'ok' | 'duplicate' | 'overlap' {
  // Find the first range whose end is > start.
  let i = 0;
  while (i < ranges.length && (ranges[i] as [number, number])[1] < start) i++;
  const r = ranges[i];
  if (r !== undefined && r[0] < end && start < r[1]) {
    return start >= r[0] && end <= r[1] ? 'duplicate' : 'overlap';
  }
  // Merge with the range ending exactly at start and/or starting exactly at end.
  const prev = r !== undefined && r[1] === start ? r : undefined;
  const nextIndex = prev !== undefined ? i + 1 : i;
  const next = ranges[nextIndex];
  if (next !== undefined && next[0] < end) return 'overlap';
  const touchesNext = next !== undefined && next[0] === end;
  if (prev !== undefined && touchesNext) {
    prev[1] = next[1];
    ranges.splice(nextIndex, 1);
  } else if (prev !== undefined) {
    prev[1] = end;
  } else if (touchesNext) {
    next[0] = start;
  } else {
    ranges.splice(i, 0, [start, end]);
  }
  return 'ok';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
