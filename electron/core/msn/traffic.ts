/**
 * An optional tap on protocol traffic, for a protocol console and debugging. Everything that
 * could sign someone in is masked before it leaves this module: MD5 login hashes, Passport
 * tickets, switchboard cookies, `MSPAuth`, and the Passport `Authorization` password.
 * Passwords themselves never reach a command line (MD5 sends a hash, TWN goes over HTTP).
 */

export interface TrafficEntry {
  /** Epoch ms. */
  readonly at: number;
  /** Which connection: `ns`, `ds`, `sb#3`, `nexus`, … */
  readonly connection: string;
  readonly direction: 'in' | 'out';
  /** The command line without CRLF (masked), or an HTTP request/status line. */
  readonly line: string;
  /** Payload text (masked); binary payloads are summarised as `<N bytes>`. */
  readonly payload?: string;
}

export type TrafficTap = (entry: TrafficEntry) => void;

export const MASK = '***';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Mask the secret parameters of a command line. `params` excludes verb and TrID.
 * MSNP.md §3.2 (`USR MD5 S hash`), §3.3 (`USR TWN S ticket`), §6.1 (`XFR … CKI cookie`,
 * SB `USR t handle cookie`), §6.2 (`RNG … CKI cookie`, `ANS t handle cookie sid`).
 */
export function maskParams(verb: string, params: readonly string[]): string[] {
  const p = [...params];
  switch (verb) {
    case 'USR':
      // NS: `USR MD5|TWN S <secret>`; SB: `USR handle cookie` (2 params).
      if (p.length >= 3 && p[0] === 'SSO' && p[1] === 'S') {
        // Ours: `USR SSO S ticket proof` (MSNP13-18.md §4.2); the server's `SSO S policy nonce` is
        // not masked (maskedLine only masks incoming USR lines that are not challenges).
        p[2] = MASK;
        if (p[3] !== undefined) p[3] = MASK;
      } else if (p.length >= 3 && p[1] === 'S' && (p[0] === 'MD5' || p[0] === 'TWN') && p[2] !== undefined) {
        // The server's `USR TWN S policy` / `USR MD5 S challenge` is not secret; ours is. Callers
        // pass direction-aware data via maskCommand; here mask conservatively only our answers.
        p[2] = MASK;
      } else if (p.length === 2 && p[0] !== 'OK' && p[1] !== undefined) {
        p[1] = MASK;
      }
      break;
    case 'ANS':
      if (p.length >= 2 && p[0] !== 'OK') p[1] = MASK;
      break;
    case 'XFR':
    case 'RNG': {
      const cki = p.indexOf('CKI');
      if (cki >= 0 && cki + 1 < p.length) p[cki + 1] = MASK;
      break;
    }
  }
  return p;
}

export function maskPayload(verb: string, payload: Uint8Array | undefined): string | undefined {
  if (payload === undefined) return undefined;
  if (payload.length === 0) return '';
  const text = textDecoder.decode(payload);
  if (text.includes('application/x-msnmsgrp2p')) return `<${payload.length} bytes of P2P data>`;
  if (verb === 'MSG') return text.replace(/^(MSPAuth:[ \t]*)\S+/gim, `$1${MASK}`);
  return text;
}

/** Build a masked line: `verb [trId] params…`. Server challenges are kept (not secrets). */
export function maskedLine(
  direction: 'in' | 'out',
  verb: string,
  trId: number | undefined,
  params: readonly string[],
  payloadLength?: number,
): string {
  const shown = direction === 'out' || verb !== 'USR' ? maskParams(verb, params) : params;
  const parts = [verb];
  if (trId !== undefined) parts.push(String(trId));
  parts.push(...shown);
  if (payloadLength !== undefined) parts.push(String(payloadLength));
  return parts.join(' ');
}

/** Mask `pwd=` in a Passport `Authorization` header and the ticket in `from-PP='…'`. */
export function maskPassportHeader(value: string): string {
  return value.replace(/(pwd=)[^,]*/gi, `$1${MASK}`).replace(/(from-PP=')[^']*/gi, `$1${MASK}`);
}
