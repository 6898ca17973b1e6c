/**
 * The serializer (ARCHITECTURE.md §3; MSNP.md §1.2–§1.4). It computes payload byte counts
 * itself, so no caller can get them wrong, and refuses tokens that would break framing (a space,
 * CR or LF inside a parameter would let text inject commands).
 */
import type { CommandInit, Direction } from './command';
import { MAX_TRID } from './limits';
import { lineHasPayload } from './verbs';
import { utf8Length } from './bytes';

const encoder = new TextEncoder();

/** A programming error (not bad input from a peer): the caller built an impossible command. */
export class SerializeError extends Error {
  override readonly name = 'SerializeError';
}

/** The command line without its CRLF, e.g. `MSG 4 N 147`. */
export function commandLine(cmd: CommandInit, direction: Direction, payloadLength?: number): string {
  const { verb } = cmd;
  if (!/^([A-Z]{3}|\d{3})$/.test(verb)) throw new SerializeError(`bad verb ${JSON.stringify(verb)}`);
  let line = verb;
  if (cmd.trId !== undefined) {
    if (!Number.isInteger(cmd.trId) || cmd.trId < 0 || cmd.trId > MAX_TRID) {
      throw new SerializeError(`bad TrID ${cmd.trId} for ${verb}`);
    }
    line += ` ${cmd.trId}`;
  }
  for (const p of cmd.params ?? []) {
    if (p.length === 0 || /[\s]/.test(p)) {
      throw new SerializeError(`parameter ${JSON.stringify(p)} of ${verb} is empty or contains whitespace`);
    }
    line += ` ${p}`;
  }
  const wantsPayload = lineHasPayload(verb, direction, cmd.params ?? []);
  if (wantsPayload !== (payloadLength !== undefined)) {
    throw new SerializeError(`${verb} ${direction} ${wantsPayload ? 'needs' : 'takes no'} payload`);
  }
  if (payloadLength !== undefined) line += ` ${payloadLength}`;
  return line;
}

/**
 * Output buffers come from a shared slab, as Node's own `Buffer.allocUnsafe` pool does: allocating
 * a fresh ArrayBuffer per command cost more than everything else serialize does. So a returned
 * array may share its `.buffer` with other commands' bytes: use the array itself (socket.write does),
 * never its `.buffer`. Commands larger than POOLED_MAX get a buffer of their own.
 */
const SLAB_BYTES = 64 * 1024;
const POOLED_MAX = 8 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function allocate(n: number): Uint8Array {
  if (n > POOLED_MAX) return new Uint8Array(n);
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  // Keep views 8-byte aligned, as Node's pool does.
  slabUsed = (slabUsed + n + 7) & ~7;
  return out;
}

/** Serialize one command to wire bytes: the line, CRLF, then the payload bytes if any. */
export function serialize(cmd: CommandInit, direction: Direction): Uint8Array {
  const payload = cmd.payload;
  return serializePlain(cmd, direction, payload) ?? serializeChecked(cmd, direction, typeof payload === 'string' ? encoder.encode(payload) : payload);
}

/**
 * The common case, written straight into the output: a well-formed command whose line is printable
 * ASCII (handles, URL-encoded names, numbers). Returns undefined for anything else, and
 * `serializeChecked` then accepts it (non-ASCII names from old clients) or throws.
 */
function serializePlain(cmd: CommandInit, direction: Direction, payload: Uint8Array | string | undefined): Uint8Array | undefined {
  const verb = cmd.verb;
  if (verb.length !== 3) return undefined;
  const trId = cmd.trId;
  if (trId !== undefined && !(Number.isInteger(trId) && trId >= 0 && trId <= MAX_TRID)) return undefined;
  if (lineHasPayload(verb, direction, cmd.params ?? []) !== (payload !== undefined)) return undefined;
  const params = cmd.params ?? NO_PARAMS;
  const trIdText = trId === undefined ? '' : String(trId);
  // Payload counts are bytes (§1.4): a string payload is measured as UTF-8.
  const payloadLength = payload === undefined ? 0 : typeof payload === 'string' ? utf8Length(payload) : payload.length;
  const lengthText = payload === undefined ? '' : String(payloadLength);

  let lineLength = 3 + (trId === undefined ? 0 : 1 + trIdText.length) + (payload === undefined ? 0 : 1 + lengthText.length);
  for (let i = 0; i < params.length; i++) lineLength += 1 + (params[i] as string).length;
  const out = allocate(lineLength + 2 + payloadLength);

  const v0 = verb.charCodeAt(0);
  const v1 = verb.charCodeAt(1);
  const v2 = verb.charCodeAt(2);
  if (!isVerbChars(v0, v1, v2)) return undefined;
  out[0] = v0;
  out[1] = v1;
  out[2] = v2;
  let at = 3;
  if (trId !== undefined) at = writeAscii(out, at, trIdText);
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as string;
    if (p.length === 0) return undefined;
    at = writeToken(out, at, p);
    if (at < 0) return undefined;
  }
  if (payload !== undefined) at = writeAscii(out, at, lengthText);
  out[at] = 13;
  out[at + 1] = 10;
  if (payloadLength > 0) {
    if (typeof payload === 'string') encoder.encodeInto(payload, out.subarray(at + 2));
    else out.set(payload as Uint8Array, at + 2);
  }
  return out;
}

const NO_PARAMS: readonly string[] = [];

/** ` ` + a token of printable ASCII (0x21–0x7E); -1 at the first other character. */
function writeToken(out: Uint8Array, at: number, s: string): number {
  out[at++] = 32;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127) return -1;
    out[at++] = c;
  }
  return at;
}

/** ` ` + digits we produced ourselves. */
function writeAscii(out: Uint8Array, at: number, s: string): number {
  out[at++] = 32;
  for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  return at;
}

function isVerbChars(a: number, b: number, c: number): boolean {
  return (a >= 65 && a <= 90 && b >= 65 && b <= 90 && c >= 65 && c <= 90) || (a >= 48 && a <= 57 && b >= 48 && b <= 57 && c >= 48 && c <= 57);
}

function serializeChecked(cmd: CommandInit, direction: Direction, payload: Uint8Array | undefined): Uint8Array {
  const head = encoder.encode(commandLine(cmd, direction, payload?.length) + '\r\n');
  if (payload === undefined || payload.length === 0) return head;
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/** Serialize several commands into one buffer (one write, one syscall). */
export function serializeAll(cmds: readonly CommandInit[], direction: Direction): Uint8Array {
  const parts = cmds.map((c) => serialize(c, direction));
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
