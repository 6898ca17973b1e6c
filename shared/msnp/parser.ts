/**
 * The incremental MSNP parser (ARCHITECTURE.md §3; MSNP.md §1.2–§1.4, §1.7).
 *
 * `push(bytes)` returns every command (or error value) completed by those bytes; state survives
 * between calls. Two states: reading a line (until LF, bounded by `maxLineLength`) and reading a
 * payload of exactly N bytes. It never throws, never rescans consumed bytes and never buffers more
 * than one line or one payload (an oversized payload is skipped, not stored).
 */
import { command, type Command, type Direction } from './command';
import { codecError, type CodecError } from './errors';
import { MAX_LINE_LENGTH, MAX_PAYLOAD_LENGTH, MAX_TRID } from './limits';
import { verbSpec, type VerbSpec } from './verbs';

export type ParseOutput = Command | CodecError;

export interface ParserOptions {
  /** `toClient` when parsing what a server sends (the client's parser), `toServer` otherwise. */
  readonly direction: Direction;
  readonly maxLineLength?: number;
  readonly maxPayloadLength?: number;
}

const LF = 10;
const CR = 13;

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface PendingPayload {
  readonly verb: string;
  readonly trId: number | undefined;
  readonly params: readonly string[];
  readonly bytes: Uint8Array;
  filled: number;
}

export class Parser {
  readonly direction: Direction;
  private readonly maxLineLength: number;
  private readonly maxPayloadLength: number;
  /** Bytes of a line whose LF has not arrived yet (never more than maxLineLength + 1). */
  private partialLine: Uint8Array | undefined;
  private payload: PendingPayload | undefined;
  /** Bytes still to drop from an oversized payload. */
  private skipBytes = 0;
  /** After LINE_TOO_LONG: drop everything up to the next LF, then resume. */
  private discardingLine = false;

  constructor(options: ParserOptions) {
    this.direction = options.direction;
    this.maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
    this.maxPayloadLength = options.maxPayloadLength ?? MAX_PAYLOAD_LENGTH;
  }

  /** Bytes held while waiting for the rest of a line or payload (for back-pressure decisions). */
  get bufferedBytes(): number {
    return (this.partialLine?.length ?? 0) + (this.payload?.filled ?? 0);
  }

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
      const payload = this.payload;
      if (payload !== undefined) {
        const n = Math.min(payload.bytes.length - payload.filled, len - pos);
        payload.bytes.set(chunk.subarray(pos, pos + n), payload.filled);
        payload.filled += n;
        pos += n;
        if (payload.filled === payload.bytes.length) {
          this.payload = undefined;
          out.push(command(payload.verb, payload.trId, payload.params, payload.bytes));
        }
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      if (this.discardingLine) {
        if (lf < 0) return out;
        this.discardingLine = false;
        pos = lf + 1;
        continue;
      }
      if (lf < 0) {
        this.keepPartialLine(chunk.subarray(pos), out);
        return out;
      }
      if (this.partialLine !== undefined) {
        const head = this.partialLine;
        this.partialLine = undefined;
        const line = new Uint8Array(head.length + (lf - pos));
        line.set(head, 0);
        line.set(chunk.subarray(pos, lf), head.length);
        this.takeLine(line, 0, line.length, out);
      } else {
        this.takeLine(chunk, pos, lf, out);
      }
      pos = lf + 1;
    }
    return out;
  }

  /** End of stream: anything half-read is reported as TRUNCATED. The parser is then reset. */
  finish(): ParseOutput[] {
    const out: ParseOutput[] = [];
    if (this.payload !== undefined) {
      const p = this.payload;
      out.push(codecError('TRUNCATED', `stream ended after ${p.filled} of ${p.bytes.length} payload bytes of ${p.verb}`));
    } else if (this.partialLine !== undefined && this.partialLine.length > 0) {
      out.push(codecError('TRUNCATED', `stream ended inside a line of ${this.partialLine.length} bytes`));
    } else if (this.skipBytes > 0) {
      out.push(codecError('TRUNCATED', `stream ended with ${this.skipBytes} bytes of an oversized payload unread`));
    }
    this.payload = undefined;
    this.partialLine = undefined;
    this.skipBytes = 0;
    this.discardingLine = false;
    return out;
  }

  private keepPartialLine(rest: Uint8Array, out: ParseOutput[]): void {
    const have = this.partialLine?.length ?? 0;
    // +1: the CR of a CRLF may sit at the end of a maximal line.
    if (have + rest.length > this.maxLineLength + 1) {
      out.push(codecError('LINE_TOO_LONG', `line exceeds ${this.maxLineLength} bytes`));
      this.partialLine = undefined;
      this.discardingLine = true;
      return;
    }
    if (this.partialLine === undefined) {
      this.partialLine = rest.slice();
    } else {
      const joined = new Uint8Array(have + rest.length);
      joined.set(this.partialLine, 0);
      joined.set(rest, have);
      this.partialLine = joined;
    }
  }

  /** One line, LF excluded; `end` may include a trailing CR. */
  private takeLine(bytes: Uint8Array, start: number, end: number, out: ParseOutput[]): void {
    if (end > start && bytes[end - 1] === CR) end -= 1;
    if (end - start > this.maxLineLength) {
      out.push(codecError('LINE_TOO_LONG', `line exceeds ${this.maxLineLength} bytes`));
      return;
    }
    if (end === start) {
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
    if (line.includes('\r')) {
      out.push(codecError('BARE_CR', 'CR inside a line', line));
      return;
    }
    const result = this.parseLine(line);
    if (result !== undefined) out.push(result);
  }

  private parseLine(line: string): ParseOutput | undefined {
    const tokens = tokenize(line);
    const verb = tokens[0];
    if (verb === undefined) return codecError('EMPTY_LINE', 'line holds only whitespace', line);
    if (!isVerbToken(verb)) return codecError('BAD_VERB', `not a command verb: ${verb}`, line);
    const spec = verbSpec(verb, this.direction);

    let first = 1;
    let trId: number | undefined;
    if (hasTrId(spec, tokens)) {
      trId = parseTrId(tokens[1]);
      if (trId === undefined) return codecError('BAD_TRID', `${verb} needs a transaction id`, line);
      first = 2;
    }

    if (spec.payloadSince === undefined) return command(verb, trId, tokens.slice(first));

    const lengthToken = tokens.length > first ? tokens[tokens.length - 1] : undefined;
    if (lengthToken === undefined || !/^\d{1,15}$/.test(lengthToken)) {
      return codecError('BAD_PAYLOAD_LENGTH', `${verb} needs a payload byte count`, line);
    }
    const length = Number(lengthToken);
    const params = tokens.slice(first, tokens.length - 1);
    if (length > this.maxPayloadLength) {
      this.skipBytes = length;
      return codecError('PAYLOAD_TOO_LARGE', `${verb} payload of ${length} bytes exceeds ${this.maxPayloadLength}`, line);
    }
    if (length === 0) return command(verb, trId, params, new Uint8Array(0));
    this.payload = { verb, trId, params, bytes: new Uint8Array(length), filled: 0 };
    return undefined;
  }
}

/** Split on runs of spaces and tabs; leading/trailing whitespace is ignored (MSNP.md §1.2). */
export function tokenize(line: string): string[] {
  const tokens = line.split(' ');
  if (line.includes('\t') || tokens.includes('')) {
    return line.split(/[ \t]+/).filter((t) => t.length > 0);
  }
  return tokens;
}

function isVerbToken(t: string): boolean {
  if (t.length !== 3) return false;
  const a = t.charCodeAt(0);
  const b = t.charCodeAt(1);
  const c = t.charCodeAt(2);
  const upper = (x: number): boolean => x >= 65 && x <= 90;
  const digit = (x: number): boolean => x >= 48 && x <= 57;
  return (upper(a) && upper(b) && upper(c)) || (digit(a) && digit(b) && digit(c));
}

function hasTrId(spec: VerbSpec, tokens: readonly string[]): boolean {
  switch (spec.trId) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'ifNumeric':
      return tokens.length > 1 && parseTrId(tokens[1]) !== undefined;
    case 'lsg':
      return tokens.length >= 8 && parseTrId(tokens[1]) !== undefined;
  }
}

/** A TrID is a canonical decimal 0 … 2^32−1 (MSNP.md §1.3); leading zeros would not round-trip. */
export function parseTrId(token: string | undefined): number | undefined {
  if (token === undefined || token.length === 0 || token.length > 10) return undefined;
  if (token.length > 1 && token.charCodeAt(0) === 48) return undefined;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(token);
  return n <= MAX_TRID ? n : undefined;
}
