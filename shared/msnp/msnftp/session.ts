/**
 * The MSNFTP TCP session (MSNP.md §6.10): text lines without TrIDs, then binary blocks.
 *
 *   R: VER MSNFTP                 S: VER MSNFTP
 *   R: USR <handle> <AuthCookie>  S: FIL <size>
 *   R: TFR                        S: blocks: 00 lenLo lenHi <len bytes> …
 *   R: BYE 16777989               (received OK; the sender then closes)
 *
 * (`R:` receives the file and normally connects; `S:` sends it and normally listens.)
 * Block header: 3 bytes, flag (`0x00` data, `0x01` the sender aborts: `01 00 00`), then the
 * payload length, 16-bit little-endian. The official client sends at most 2045 bytes a block; we
 * accept any length up to 65535. The receiver cancels with a `CCL` line.
 *
 * `MsnftpReader` is incremental and never throws: bytes in, lines / data pieces / errors out. Data
 * pieces are views of the pushed chunks (no copy); a block split across reads comes out in pieces.
 */
import { utf8Bytes } from '../bytes';
import { codecError, type CodecError } from '../errors';

/** What the official client puts in one block (§6.10). */
export const MSNFTP_BLOCK_SIZE = 2045;
/** The 3-byte block header. */
export const MSNFTP_BLOCK_HEADER = 3;
/** `BYE` codes (§6.10). */
export const MsnftpByeCode = {
  /** 0x01000305: received OK. */
  OK: 16777989,
  /** 0x80070005: out of disk space. */
  DISK_FULL: 2147942405,
  /** 0x81000332: cancelled. */
  CANCELLED: 2164261682,
  /** 0x8100033E: timed out. */
  TIMEOUT: 2164261694,
} as const;

/** A session line longer than this is not MSNFTP (the longest real one is `USR` with a handle). */
export const MSNFTP_MAX_LINE = 1024;

export type MsnftpLine =
  | { readonly verb: 'VER'; readonly protocols: readonly string[] }
  | { readonly verb: 'USR'; readonly handle: string; readonly cookie: number }
  | { readonly verb: 'FIL'; readonly size: number }
  | { readonly verb: 'TFR' }
  | { readonly verb: 'BYE'; readonly code: number }
  | { readonly verb: 'CCL' };

/** One line as sent on the wire, with CRLF. */
export function buildMsnftpLine(line: MsnftpLine): Uint8Array {
  switch (line.verb) {
    case 'VER':
      return ascii(`VER ${line.protocols.map(token).join(' ')}`);
    case 'USR':
      return ascii(`USR ${token(line.handle)} ${uint(line.cookie, 0xffffffff)}`);
    case 'FIL':
      return ascii(`FIL ${uint(line.size, Number.MAX_SAFE_INTEGER)}`);
    case 'TFR':
      return ascii('TFR');
    case 'BYE':
      return ascii(`BYE ${uint(line.code, 0xffffffff)}`);
    case 'CCL':
      return ascii('CCL');
  }
}

/** One line's text (without CRLF) as a typed value, or an error value. */
export function parseMsnftpLine(text: string): MsnftpLine | CodecError {
  const parts = text.trim().split(/[ \t]+/);
  const verb = parts[0] ?? '';
  switch (verb) {
    case 'VER':
      if (parts.length < 2) return codecError('MISSING_PARAMS', 'VER without a protocol', text);
      return { verb, protocols: parts.slice(1) };
    case 'USR': {
      const handle = parts[1];
      const cookie = decimal(parts[2], 0xffffffff);
      if (handle === undefined || parts[2] === undefined) return codecError('MISSING_PARAMS', 'USR needs a handle and a cookie', text);
      if (cookie === undefined) return codecError('BAD_PARAM', 'USR cookie is not a decimal 0…4294967295', text);
      return { verb, handle, cookie };
    }
    case 'FIL': {
      if (parts[1] === undefined) return codecError('MISSING_PARAMS', 'FIL without a size', text);
      const size = decimal(parts[1], Number.MAX_SAFE_INTEGER);
      if (size === undefined) return codecError('BAD_PARAM', 'FIL size is not a decimal byte count', text);
      return { verb, size };
    }
    case 'TFR':
      return { verb };
    case 'CCL':
      return { verb };
    case 'BYE': {
      // A bare BYE is read as "done" by some clients; we keep the code when there is one.
      if (parts[1] === undefined) return { verb, code: MsnftpByeCode.OK };
      const code = decimal(parts[1], 0xffffffff);
      if (code === undefined) return codecError('BAD_PARAM', 'BYE code is not a decimal 0…4294967295', text);
      return { verb, code };
    }
    default:
      return codecError('BAD_VERB', `not an MSNFTP command: ${JSON.stringify(verb.slice(0, 20))}`, text);
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** The header of a data block of `length` bytes (1…65535; 0 is legal but pointless). */
export function blockHeader(length: number, target?: Uint8Array, at = 0): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError(`bad block length ${length}`);
  const out = target ?? new Uint8Array(MSNFTP_BLOCK_HEADER);
  out[at] = 0;
  out[at + 1] = length & 0xff;
  out[at + 2] = length >>> 8;
  return out;
}

/** The sender's abort block `01 00 00`. */
export function abortBlock(): Uint8Array {
  return Uint8Array.of(1, 0, 0);
}

/**
 * `data` as consecutive blocks of at most `blockSize` bytes (default 2045), headers included, in
 * one array (one write for the socket).
 */
export function encodeBlocks(data: Uint8Array, blockSize = MSNFTP_BLOCK_SIZE): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 0xffff) throw new RangeError(`bad block size ${blockSize}`);
  const blocks = Math.ceil(data.length / blockSize);
  const out = new Uint8Array(data.length + blocks * MSNFTP_BLOCK_HEADER);
  let o = 0;
  for (let i = 0; i < data.length; i += blockSize) {
    const piece = data.subarray(i, Math.min(i + blockSize, data.length));
    blockHeader(piece.length, out, o);
    out.set(piece, o + MSNFTP_BLOCK_HEADER);
    o += MSNFTP_BLOCK_HEADER + piece.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

export type MsnftpReadItem =
  | { readonly kind: 'line'; readonly line: MsnftpLine }
  /** Bytes of a data block (a view; a block may arrive in several pieces). */
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  /** The sender aborted (`01 00 00`). */
  | { readonly kind: 'abort' }
  | CodecError;

export interface MsnftpReaderOptions {
  /**
   * Whose bytes this reads. `sender`: what the file's sender sends (lines up to `FIL`, then only
   * blocks: after `FIL` the sender sends nothing else, §6.10). `receiver`: what the receiver sends
   * (lines only).
   */
  readonly from: 'sender' | 'receiver';
}

/**
 * Incremental reader of one side of an MSNFTP session. After an error the reader is broken (MSNFTP
 * has no way to resynchronise): every later push returns nothing.
 */
export class MsnftpReader {
  private mode: 'lines' | 'blocks';
  private pending: Uint8Array = new Uint8Array(0);
  /** Bytes still to come of the current block's payload. */
  private blockLeft = 0;
  private broken = false;
  private aborted = false;

  constructor(private readonly options: MsnftpReaderOptions) {
    this.mode = 'lines';
  }

  /** Whether a block's payload is half-read (the stream ending now would truncate it). */
  get midBlock(): boolean {
    return this.blockLeft > 0 || (this.mode === 'blocks' && this.pending.length > 0);
  }

  push(chunk: Uint8Array): MsnftpReadItem[] {
    const out: MsnftpReadItem[] = [];
    if (this.broken || this.aborted) return out;
    let buf = chunk;
    if (this.pending.length > 0) {
      const joined = new Uint8Array(this.pending.length + chunk.length);
      joined.set(this.pending);
      joined.set(chunk, this.pending.length);
      buf = joined;
      this.pending = new Uint8Array(0);
    }
    let i = 0;
    while (i < buf.length && !this.broken && !this.aborted) {
      if (this.mode === 'lines') {
        const lf = buf.indexOf(10, i);
        if (lf < 0) {
          if (buf.length - i > MSNFTP_MAX_LINE) return this.fail(out, codecError('LINE_TOO_LONG', `MSNFTP line longer than ${MSNFTP_MAX_LINE} bytes`));
          break;
        }
        if (lf - i > MSNFTP_MAX_LINE) return this.fail(out, codecError('LINE_TOO_LONG', `MSNFTP line longer than ${MSNFTP_MAX_LINE} bytes`));
        const end = lf > i && buf[lf - 1] === 13 ? lf - 1 : lf;
        const text = latin1(buf.subarray(i, end));
        i = lf + 1;
        if (text.trim() === '') continue; // stray blank lines are harmless
        if (hasControl(text, true)) return this.fail(out, codecError('BAD_VERB', 'control characters in an MSNFTP line', text));
        const line = parseMsnftpLine(text);
        if ('kind' in line) return this.fail(out, line);
        out.push({ kind: 'line', line });
        if (line.verb === 'FIL' && this.options.from === 'sender') this.mode = 'blocks';
        continue;
      }
      if (this.blockLeft > 0) {
        const n = Math.min(this.blockLeft, buf.length - i);
        out.push({ kind: 'data', bytes: buf.subarray(i, i + n) });
        this.blockLeft -= n;
        i += n;
        continue;
      }
      if (buf.length - i < MSNFTP_BLOCK_HEADER) break;
      const flag = buf[i] as number;
      const length = (buf[i + 1] as number) | ((buf[i + 2] as number) << 8);
      i += MSNFTP_BLOCK_HEADER;
      if (flag === 1) {
        // The sender's abort; nothing after it counts.
        this.aborted = true;
        out.push({ kind: 'abort' });
        return out;
      }
      if (flag !== 0) return this.fail(out, codecError('BAD_PAYLOAD', `MSNFTP block with flag ${flag} (0 = data, 1 = abort)`));
      this.blockLeft = length;
    }
    if (i < buf.length && !this.broken && !this.aborted) this.pending = buf.slice(i);
    return out;
  }

  private fail(out: MsnftpReadItem[], err: CodecError): MsnftpReadItem[] {
    this.broken = true;
    this.pending = new Uint8Array(0);
    out.push(err);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------

function ascii(s: string): Uint8Array {
  return utf8Bytes(`${s}\r\n`);
}

/** Control characters (tabs allowed between parameters when `allowTab`). */
function hasControl(s: string, allowTab: boolean): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if ((c < 0x20 && !(allowTab && c === 9)) || c === 0x7f) return true;
  }
  return false;
}

function latin1(b: Uint8Array): string {
  // Lines are ASCII; a handle is too (MSNP.md §1.3). Bytes above 0x7F stay visible as Latin-1.
  let s = '';
  for (let k = 0; k < b.length; k++) s += String.fromCharCode(b[k] as number);
  return s;
}

function token(s: string): string {
  if (s.length === 0 || /\s/.test(s) || hasControl(s, false)) throw new RangeError(`bad MSNFTP parameter ${JSON.stringify(s)}`);
  return s;
}

function uint(n: number, max: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new RangeError(`bad MSNFTP number ${n}`);
  return String(n);
}

function decimal(raw: string | undefined, max: number): number | undefined {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
}
