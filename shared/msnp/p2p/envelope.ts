/**
 * The SB message that carries a P2P chunk (MSNP-P2P.md §2.1):
 *
 *   MIME-Version: 1.0\r\n
 *   Content-Type: application/x-msnmsgrp2p\r\n
 *   P2P-Dest: bob@hotmail.com\r\n
 *   \r\n
 *   <48-byte header><payload><4-byte footer>
 *
 * Sent with ack type `D` (MSNP9+, §2.1). No charset, no `X-MMS-IM-Format`; the body is binary.
 * `P2P-Dest` names the receiver: the SB relays to everyone else in it (§9), so a receiver drops
 * what is not for it (`isP2pForMe`). MSNP16+ peers may write `handle;{machine-guid}`.
 */
import { concatBytes, utf8Bytes } from '../bytes';
import { codecError, type CodecError } from '../errors';
import { headerValue, parseContentType, parseMime } from '../mime';
import { SerializeError } from '../serializer';

export const P2P_CONTENT_TYPE = 'application/x-msnmsgrp2p';

export interface P2pEnvelope {
  /** `P2P-Dest` as sent (handle, maybe `;{guid}`). */
  readonly dest: string;
  /** `P2P-Src` (MSNP16+), when present. */
  readonly src: string | undefined;
  /** The binary P2P chunk. */
  readonly body: Uint8Array;
}

/** The MIME block for `dest`; build it once per peer and reuse it for every chunk. */
export function buildP2pEnvelopeHead(dest: string): Uint8Array {
  if (/[\s;]/.test(dest) || dest === '') throw new SerializeError(`bad P2P-Dest ${JSON.stringify(dest)}`);
  return utf8Bytes(`MIME-Version: 1.0\r\nContent-Type: ${P2P_CONTENT_TYPE}\r\nP2P-Dest: ${dest}\r\n\r\n`);
}

export function buildP2pEnvelope(dest: string | Uint8Array, chunk: Uint8Array): Uint8Array {
  return concatBytes([typeof dest === 'string' ? buildP2pEnvelopeHead(dest) : dest, chunk]);
}

/** Is this SB message payload P2P at all? (cheap: the Content-Type header only) */
export function isP2pPayload(payload: Uint8Array): boolean {
  const m = parseMime(payload);
  if ('kind' in m) return false;
  return parseContentType(headerValue(m.headers, 'Content-Type') ?? '').mediaType === P2P_CONTENT_TYPE;
}

/** Split a P2P SB message; errors for another content type or a missing `P2P-Dest`. */
export function parseP2pEnvelope(payload: Uint8Array): P2pEnvelope | CodecError {
  const m = parseMime(payload);
  if ('kind' in m) return m;
  const type = parseContentType(headerValue(m.headers, 'Content-Type') ?? '').mediaType;
  if (type !== P2P_CONTENT_TYPE) return codecError('BAD_PAYLOAD', `not a P2P message (Content-Type ${type || 'none'})`);
  const dest = headerValue(m.headers, 'P2P-Dest')?.trim();
  if (dest === undefined || dest === '') return codecError('BAD_PAYLOAD', 'P2P message without P2P-Dest');
  return { dest, src: headerValue(m.headers, 'P2P-Src')?.trim(), body: m.body };
}

/** `P2P-Dest` names me (handle part, case-insensitive; a `;{guid}` suffix is ignored at MSNP≤15). */
export function isP2pForMe(dest: string, myHandle: string): boolean {
  const semi = dest.indexOf(';');
  const handle = (semi < 0 ? dest : dest.slice(0, semi)).trim().toLowerCase();
  return handle === myHandle.trim().toLowerCase();
}
