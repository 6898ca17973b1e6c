/**
 * The incremental MSNP parser (ARCHITECTURE.md §3; MSNP.md §1.2–§1.4, §1.7).
 *
 * `push(bytes)` returns every command (or error value) completed by those bytes; state survives
 * between calls. Two states: reading a line (until LF, bounded by `maxLineLength`) and reading a
 * payload of exactly N bytes. It never throws, never rescans consumed bytes and never buffers more
 * than one line or one payload (an oversized payload is skipped, not stored).
 *
 * Speed (bench/codec.bench.ts): a `TextDecoder` call costs a few hundred nanoseconds however short
 * the input, and every allocation counts. So complete lines that sit together in a chunk are decoded
 * as one *run* (up to RUN_BYTES, ending early at a line whose verb announces a payload, since the
 * payload's bytes are not text), and each line is then tokenised inside the run's string by index:
 * the verb comes interned from the verb table (looked up by its three bytes), the TrID and payload
 * length are read digit by digit, and only the parameters become strings. A run that is not valid
 * UTF-8, a line with a tab, a double space or leading whitespace, and a line split across chunks take
 * the simple path: decode that one line and split it.
 *
 * Parameters are substrings of the run's string, so a parameter kept for a long time keeps that
 * string (≤ RUN_BYTES) alive, as a token of a line would keep its line alive; RUN_BYTES bounds this.
 * Payloads are views of the pushed chunk when they fit in it (see `push`).
 */
import { command, type Command, type Direction } from './command';
import { codecError, type CodecError } from './errors';
import { MAX_LINE_LENGTH, MAX_PAYLOAD_LENGTH, MAX_TRID } from './limits';
import { verbSpec, verbTable, type VerbSpec } from './verbs';

export type ParseOutput = Command | CodecError;

export interface ParserOptions {
  /** `toClient` when parsing what a server sends (the client's parser), `toServer` otherwise. */
  readonly direction: Direction;
  readonly maxLineLength?: number | undefined;
  readonly maxPayloadLength?: number | undefined;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** Most bytes of complete lines decoded by one TextDecoder call (see the module comment). */
const RUN_BYTES = 4096;

// ignoreBOM: a BOM is not MSNP; stripping it at the start of a run but not inside one would make the
// result depend on chunking.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface PendingPayload {
  readonly verb: string;
  readonly trId: number | undefined;
  readonly params: readonly string[];
  readonly length: number;
  /** Allocated only when the payload arrives in more than one chunk. */
  bytes: Uint8Array | undefined;
  filled: number;
}

/** A known verb: its interned name and its spec for one direction. */
interface VerbEntry {
  readonly verb: string;
  readonly spec: VerbSpec;
}

/**
 * Known verbs indexed directly by their three letters (26³ slots, no hashing), one table per
 * direction. Three-digit verbs are error codes and have no entry.
 */
const VERBS_BY_LETTERS: Readonly<Record<Direction, readonly (VerbEntry | undefined)[]>> = {
  toServer: letterTable('toServer'),
  toClient: letterTable('toClient'),
};

function letterTable(direction: Direction): (VerbEntry | undefined)[] {
  const t = new Array<VerbEntry | undefined>(26 * 26 * 26).fill(undefined);
  for (const [verb, spec] of Object.entries(verbTable(direction))) {
    t[letterIndex(verb.charCodeAt(0), verb.charCodeAt(1), verb.charCodeAt(2))] = { verb, spec };
  }
  return t;
}

/** Index of three upper-case letters in a letter table; -1 for anything else. */
function letterIndex(a: number, b: number, c: number): number {
  a -= 65;
  b -= 65;
  c -= 65;
  return a >= 0 && a < 26 && b >= 0 && b < 26 && c >= 0 && c < 26 ? a * 676 + b * 26 + c : -1;
}

export class Parser {
  readonly direction: Direction;
  private readonly maxLineLength: number;
  private readonly maxPayloadLength: number;
  private readonly verbs: readonly (VerbEntry | undefined)[];
  /**
   * Bytes of a line whose LF has not arrived yet: the first `partialLength` bytes of this buffer
   * (never more than maxLineLength + 1). The buffer grows by doubling, so a line that arrives one
   * byte at a time costs linear time, not a copy of everything so far per byte (issue 15 item 25).
   * Only the new bytes are searched for the LF; what is held was searched when it arrived.
   */
  private partialLine: Uint8Array | undefined;
  private partialLength = 0;
  private payload: PendingPayload | undefined;
  /** Bytes still to drop from an oversized payload. */
  private skipBytes = 0;
  /** After LINE_TOO_LONG: drop everything up to the next LF, then resume. */
  private discardingLine = false;

  constructor(options: ParserOptions) {
    this.direction = options.direction;
    this.maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
    this.maxPayloadLength = options.maxPayloadLength ?? MAX_PAYLOAD_LENGTH;
    this.verbs = VERBS_BY_LETTERS[options.direction];
  }

  /** Bytes held while waiting for the rest of a line or payload (for back-pressure decisions). */
  get bufferedBytes(): number {
    return this.partialLength + (this.payload?.filled ?? 0);
  }

  /**
   * Parse the next bytes of the stream. A payload that lies wholly inside `chunk` is returned as a
   * view of it (as pg-protocol and ws do; copying cost more than the rest of parsing): do not modify
   * a chunk after pushing it. Socket reads are fresh buffers, so connections need do nothing. A view
   * keeps its chunk alive, and its `.buffer` is the chunk's: use the view itself, never `.buffer`.
   * Payloads that span chunks, and partial lines, are copied.
   */
  push(chunk: Uint8Array): ParseOutput[] {
    const out: ParseOutput[] = [];
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.skipBytes > 0) {
        const n = Math.min(this.skipBytes, len - pos);
        this.skipBytes -= n;
        pos += n;
        continue;
      }
      if (this.payload !== undefined) {
        pos = this.takePayload(chunk, pos, out);
        continue;
      }
      if (this.discardingLine) {
        const lf = chunk.indexOf(LF, pos);
        if (lf < 0) return out;
        this.discardingLine = false;
        pos = lf + 1;
        continue;
      }
      if (this.partialLine !== undefined) {
        const lf = chunk.indexOf(LF, pos);
        if (lf < 0) {
          this.keepPartialLine(chunk.subarray(pos), out);
          return out;
        }
        const head = this.partialLine.subarray(0, this.partialLength);
        this.partialLine = undefined;
        this.partialLength = 0;
        const line = new Uint8Array(head.length + (lf - pos));
        line.set(head, 0);
        line.set(chunk.subarray(pos, lf), head.length);
        this.takeLine(line, 0, line.length, out);
        pos = lf + 1;
        continue;
      }
      pos = this.takeRun(chunk, pos, out);
    }
    return out;
  }

  /** End of stream: anything half-read is reported as TRUNCATED. The parser is then reset. */
  finish(): ParseOutput[] {
    const out: ParseOutput[] = [];
    if (this.payload !== undefined) {
      const p = this.payload;
      out.push(codecError('TRUNCATED', `stream ended after ${p.filled} of ${p.length} payload bytes of ${p.verb}`));
    } else if (this.partialLength > 0) {
      out.push(codecError('TRUNCATED', `stream ended inside a line of ${this.partialLength} bytes`));
    } else if (this.skipBytes > 0) {
      out.push(codecError('TRUNCATED', `stream ended with ${this.skipBytes} bytes of an oversized payload unread`));
    }
    this.payload = undefined;
    this.partialLine = undefined;
    this.partialLength = 0;
    this.skipBytes = 0;
    this.discardingLine = false;
    return out;
  }

  private takePayload(chunk: Uint8Array, pos: number, out: ParseOutput[]): number {
    const p = this.payload as PendingPayload;
    const available = chunk.length - pos;
    if (p.bytes === undefined && available >= p.length) {
      // The whole payload is in this chunk: hand out a view of it, no copy (see `push`).
      this.payload = undefined;
      out.push(command(p.verb, p.trId, p.params, new Uint8Array(chunk.buffer, chunk.byteOffset + pos, p.length)));
      return pos + p.length;
    }
    p.bytes ??= new Uint8Array(p.length);
    const n = Math.min(p.length - p.filled, available);
    p.bytes.set(chunk.subarray(pos, pos + n), p.filled);
    p.filled += n;
    if (p.filled === p.length) {
      this.payload = undefined;
      out.push(command(p.verb, p.trId, p.params, p.bytes));
    }
    return pos + n;
  }

  /**
   * Complete lines from `pos`: find by bytes how far a run goes, decode it once, parse its lines.
   * Returns where parsing continues (a payload, the next run, or the chunk's end).
   */
  private takeRun(chunk: Uint8Array, pos: number, out: ParseOutput[]): number {
    let lineStart = pos;
    let partial = false;
    let longLineLf = -1;
    while (lineStart < chunk.length) {
      const lf = chunk.indexOf(LF, lineStart);
      if (lf < 0) {
        partial = true;
        break;
      }
      const length = lf > lineStart && chunk[lf - 1] === CR ? lf - 1 - lineStart : lf - lineStart;
      if (length > this.maxLineLength) {
        longLineLf = lf;
        break;
      }
      const payloadMayFollow = this.mayCarryPayload(chunk, lineStart, lf);
      lineStart = lf + 1;
      if (payloadMayFollow || lineStart - pos >= RUN_BYTES) break;
    }
    if (lineStart > pos) this.parseRun(chunk, pos, lineStart, out);
    if (partial) {
      this.keepPartialLine(chunk.subarray(lineStart), out);
      return chunk.length;
    }
    if (longLineLf >= 0) {
      out.push(codecError('LINE_TOO_LONG', `line exceeds ${this.maxLineLength} bytes`));
      return longLineLf + 1;
    }
    return lineStart;
  }

  /**
   * Could a payload follow this line? True for a payload verb in this direction, and (to be safe)
   * for a line starting with whitespace, whose verb the simple path will find further in.
   */
  private mayCarryPayload(chunk: Uint8Array, start: number, lf: number): boolean {
    const b0 = chunk[start] as number;
    if (b0 === SPACE || b0 === TAB) return true;
    if (lf - start < 3) return false;
    const i = letterIndex(b0, chunk[start + 1] as number, chunk[start + 2] as number);
    const entry = i < 0 ? undefined : this.verbs[i];
    return entry !== undefined && entry.spec.payloadSince !== undefined;
  }

  /** Lines [start, end) of `chunk`, each ending in LF: one decode, or line by line if that fails. */
  private parseRun(chunk: Uint8Array, start: number, end: number, out: ParseOutput[]): void {
    let text: string | undefined;
    try {
      text = utf8.decode(chunk.subarray(start, end));
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      this.parseLines(text, out);
      return;
    }
    for (let s = start; s < end; ) {
      const lf = chunk.indexOf(LF, s);
      this.takeLine(chunk, s, lf, out);
      s = lf + 1;
    }
  }

  private keepPartialLine(rest: Uint8Array, out: ParseOutput[]): void {
    if (rest.length === 0) return;
    const have = this.partialLength;
    const need = have + rest.length;
    // +1: the CR of a CRLF may sit at the end of a maximal line.
    const most = this.maxLineLength + 1;
    if (need > most) {
      out.push(codecError('LINE_TOO_LONG', `line exceeds ${this.maxLineLength} bytes`));
      this.partialLine = undefined;
      this.partialLength = 0;
      this.discardingLine = true;
      return;
    }
    if (this.partialLine === undefined) {
      // Exactly the bytes held: a split line of a well-behaved peer usually completes next chunk.
      this.partialLine = rest.slice();
    } else if (need > this.partialLine.length) {
      const grown = new Uint8Array(Math.min(most, Math.max(need, 2 * this.partialLine.length, 64)));
      grown.set(this.partialLine.subarray(0, have), 0);
      grown.set(rest, have);
      this.partialLine = grown;
    } else {
      this.partialLine.set(rest, have);
    }
    this.partialLength = need;
  }

  /** One line on the simple path, LF excluded; `end` may include a trailing CR (parseLines drops it). */
  private takeLine(bytes: Uint8Array, start: number, end: number, out: ParseOutput[]): void {
    const length = end > start && bytes[end - 1] === CR ? end - 1 - start : end - start;
    if (length > this.maxLineLength) {
      out.push(codecError('LINE_TOO_LONG', `line exceeds ${this.maxLineLength} bytes`));
      return;
    }
    if (length === 0) {
      out.push(codecError('EMPTY_LINE', 'empty line'));
      return;
    }
    let line: string;
    try {
      line = utf8.decode(bytes.subarray(start, end));
    } catch {
      out.push(codecError('INVALID_ENCODING', 'line is not valid UTF-8'));
      return;
    }
    this.parseLines(line, out);
  }

  /**
   * Every line of `text`: lines end at LF (a CR before it is dropped); text after the last LF, if
   * any, is one more line. CR and TAB positions are found once per run, not once per line.
   */
  private parseLines(text: string, out: ParseOutput[]): void {
    const n = text.length;
    let nextCr = -1;
    let nextTab = -1;
    let ls = 0;
    while (ls < n) {
      let le = text.indexOf('\n', ls);
      if (le < 0) le = n;
      let e = le;
      if (e > ls && text.charCodeAt(e - 1) === CR) e -= 1;
      if (nextCr < ls && nextCr !== n) {
        nextCr = text.indexOf('\r', ls);
        if (nextCr < 0) nextCr = n;
      }
      if (nextTab < ls && nextTab !== n) {
        nextTab = text.indexOf('\t', ls);
        if (nextTab < 0) nextTab = n;
      }
      if (nextCr < e) {
        out.push(codecError('BARE_CR', 'CR inside a line', text.substring(ls, e)));
      } else if (nextTab < e) {
        this.parseNormalised(text.substring(ls, e), out);
      } else {
        const r = this.parseLineAt(text, ls, e, false);
        if (r === SLOW_PATH) this.parseNormalised(text.substring(ls, e), out);
        else if (r !== undefined) out.push(r);
      }
      ls = le + 1;
    }
  }

  /** The simple path: split on runs of spaces and tabs, rejoin with single spaces, parse that. */
  private parseNormalised(line: string, out: ParseOutput[]): void {
    const tokens = tokenize(line);
    if (tokens.length === 0) {
      out.push(codecError('EMPTY_LINE', 'line holds only whitespace', line));
      return;
    }
    const normal = tokens.join(' ');
    const r = this.parseLineAt(normal, 0, normal.length, true);
    if (r !== undefined && r !== SLOW_PATH) out.push(r);
  }

  /**
   * The line text[s, e) (no CR, LF or TAB in it). Returns the command, an error value, undefined
   * when a payload is now expected, or SLOW_PATH when the spacing is irregular (leading, trailing
   * or double spaces) and the line is not yet normalised.
   */
  private parseLineAt(text: string, s: number, e: number, normalised: boolean): ParseOutput | undefined | typeof SLOW_PATH {
    if (e === s) return codecError('EMPTY_LINE', 'empty line');
    if (text.charCodeAt(s) === SPACE) return normalised ? codecError('EMPTY_LINE', 'line holds only whitespace') : SLOW_PATH;

    // The verb: three upper-case letters or three digits (MSNP.md §1.2).
    let v = text.indexOf(' ', s);
    if (v < 0 || v > e) v = e;
    const c0 = text.charCodeAt(s);
    const c1 = text.charCodeAt(s + 1);
    const c2 = text.charCodeAt(s + 2);
    if (v - s !== 3 || !isVerbChars(c0, c1, c2)) {
      return codecError('BAD_VERB', `not a command verb: ${text.substring(s, v)}`, text.substring(s, e));
    }
    const li = letterIndex(c0, c1, c2);
    const entry = li < 0 ? undefined : this.verbs[li];
    let verb: string;
    let spec: VerbSpec;
    if (entry !== undefined) {
      verb = entry.verb;
      spec = entry.spec;
    } else {
      verb = text.substring(s, s + 3);
      spec = verbSpec(verb, this.direction);
    }

    // Token boundaries after the verb, as (start, end) pairs.
    const b = tokenBounds(e - s);
    let n = 0;
    let p = v;
    while (p < e) {
      p += 1; // the space
      if (p >= e || text.charCodeAt(p) === SPACE) {
        if (!normalised) return SLOW_PATH;
        break;
      }
      let q = text.indexOf(' ', p);
      if (q < 0 || q > e) q = e;
      b[n++] = p;
      b[n++] = q;
      p = q;
    }
    const tokens = n >> 1;

    let first = 0;
    let trId: number | undefined;
    let wantTrId: boolean;
    switch (spec.trId) {
      case 'always':
        wantTrId = true;
        break;
      case 'never':
        wantTrId = false;
        break;
      case 'ifNumeric':
        wantTrId = tokens > 0 && readTrId(text, b[0] as number, b[1] as number) !== undefined;
        break;
      case 'lsg':
        wantTrId = tokens >= 7 && readTrId(text, b[0] as number, b[1] as number) !== undefined;
        break;
    }
    if (wantTrId) {
      trId = tokens > 0 ? readTrId(text, b[0] as number, b[1] as number) : undefined;
      if (trId === undefined) return codecError('BAD_TRID', `${verb} needs a transaction id`, text.substring(s, e));
      first = 1;
    }

    if (spec.payloadSince === undefined) return command(verb, trId, substrings(text, b, first, tokens), undefined);
    // `ADL 6 OK` (MSNP13-18.md §3.1): a payload verb's bare reply.
    if (spec.okWithoutPayload === true && tokens > first && text.substring(b[2 * tokens - 2] as number, b[2 * tokens - 1] as number) === 'OK') {
      return command(verb, trId, substrings(text, b, first, tokens), undefined);
    }

    const length = tokens > first ? readLength(text, b[2 * tokens - 2] as number, b[2 * tokens - 1] as number) : -1;
    if (length < 0) return codecError('BAD_PAYLOAD_LENGTH', `${verb} needs a payload byte count`, text.substring(s, e));
    const params = substrings(text, b, first, tokens - 1);
    if (length > this.maxPayloadLength) {
      this.skipBytes = length;
      return codecError('PAYLOAD_TOO_LARGE', `${verb} payload of ${length} bytes exceeds ${this.maxPayloadLength}`, text.substring(s, e));
    }
    if (length === 0) return command(verb, trId, params, new Uint8Array(0));
    this.payload = { verb, trId, params, length, bytes: undefined, filled: 0 };
    return undefined;
  }
}

/**
 * Token boundaries of the line being parsed, as (start, end) pairs. One buffer for every parser:
 * parsing a line is synchronous and calls nothing that could re-enter a parser, so sharing is
 * safe, and a per-parser buffer sized for the longest possible line cost 32 KiB per connection
 * (measured by bench:server: 32 KiB of ArrayBuffers per signed-in user).
 */
let sharedBounds = new Int32Array(512);

/** A line of n characters has at most n/2 + 1 tokens, i.e. n + 2 boundaries; grown on demand. */
function tokenBounds(lineLength: number): Int32Array {
  if (sharedBounds.length < lineLength + 4) sharedBounds = new Int32Array(lineLength + 4);
  return sharedBounds;
}

/** Marker: this line needs the simple path. */
const SLOW_PATH = 0;

function substrings(text: string, b: Int32Array, from: number, to: number): string[] {
  const out = new Array<string>(to > from ? to - from : 0);
  for (let i = from; i < to; i++) out[i - from] = text.substring(b[2 * i] as number, b[2 * i + 1] as number);
  return out;
}

function isVerbChars(a: number, b: number, c: number): boolean {
  return (a >= 65 && a <= 90 && b >= 65 && b <= 90 && c >= 65 && c <= 90) || (a >= 48 && a <= 57 && b >= 48 && b <= 57 && c >= 48 && c <= 57);
}

/** A TrID in text[a, b): canonical decimal 0 … 2^32−1 (MSNP.md §1.3), else undefined. */
function readTrId(text: string, a: number, b: number): number | undefined {
  const len = b - a;
  if (len === 0 || len > 10 || (len > 1 && text.charCodeAt(a) === 48)) return undefined;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n <= MAX_TRID ? n : undefined;
}

/** A payload byte count in text[a, b): 1–15 decimal digits, else -1 (MSNP.md §1.4). */
function readLength(text: string, a: number, b: number): number {
  const len = b - a;
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Split on runs of spaces and tabs; leading/trailing whitespace is ignored (MSNP.md §1.2). */
export function tokenize(line: string): string[] {
  const tokens = line.split(' ');
  if (line.includes('\t') || tokens.includes('')) {
    return line.split(/[ \t]+/).filter((t) => t.length > 0);
  }
  return tokens;
}
