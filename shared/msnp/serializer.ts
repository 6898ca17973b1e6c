/**
 * The serializer (ARCHITECTURE.md §3; MSNP.md §1.2–§1.4). It computes payload byte counts
 * itself, so no caller can get them wrong, and refuses tokens that would break framing (a space,
 * CR or LF inside a parameter would let text inject commands).
 */
import type { CommandInit, Direction } from './command';
import { MAX_TRID } from './limits';
import { hasPayload } from './verbs';

const encoder = new TextEncoder();

/** A programming error (not bad input from a peer): the caller built an impossible command. */
export class SerializeError extends Error {
  override readonly name = 'SerializeError';
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
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
  const wantsPayload = hasPayload(verb, direction);
  if (wantsPayload !== (payloadLength !== undefined)) {
    throw new SerializeError(`${verb} ${direction} ${wantsPayload ? 'needs' : 'takes no'} payload`);
  }
  if (payloadLength !== undefined) line += ` ${payloadLength}`;
  return line;
}

/** Serialize one command to wire bytes: the line, CRLF, then the payload bytes if any. */
export function serialize(cmd: CommandInit, direction: Direction): Uint8Array {
  const payload = typeof cmd.payload === 'string' ? encoder.encode(cmd.payload) : cmd.payload;
  const line = commandLine(cmd, direction, payload?.length) + '\r\n';
  const head = encoder.encode(line);
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
