/**
 * The generic command: what every MSNP line (plus its payload, if any) decodes to.
 * MSNP.md §1.2 (line format), §1.3 (TrIDs), §1.4 (payloads).
 */

/**
 * Which way a command travels. The parser must know: whether the second token is a TrID and
 * whether the line announces a payload both depend on direction (MSNP.md §1.3, §1.4).
 * `toServer` = sent by a client, `toClient` = sent by a server.
 */
export type Direction = 'toServer' | 'toClient';

export interface Command {
  readonly kind: 'command';
  /** Three upper-case letters (`USR`) or three digits for an error reply (`911`). */
  readonly verb: string;
  /** The transaction id, or undefined for commands that carry none (`NLN`, `PNG`, `MSG` S→C …). */
  readonly trId: number | undefined;
  /** Remaining tokens, raw (still URL-encoded), without the TrID and without a payload length. */
  readonly params: readonly string[];
  /**
   * Payload bytes, for payload commands only (the byte count is derived from it). From the parser
   * this may be a view of the chunk that was pushed (see `Parser.push`): use it, not its `.buffer`.
   */
  readonly payload: Uint8Array | undefined;
}

/** What callers hand to the serializer: `kind` is implied. */
export interface CommandInit {
  readonly verb: string;
  readonly trId?: number | undefined;
  readonly params?: readonly string[];
  readonly payload?: Uint8Array | string | undefined;
}

export function command(
  verb: string,
  trId: number | undefined,
  params: readonly string[] = [],
  payload?: Uint8Array,
): Command {
  return { kind: 'command', verb, trId, params, payload };
}

/** Error replies are a three-digit verb (MSNP.md §1.5). */
export function isErrorVerb(verb: string): boolean {
  return verb.length === 3 && isDigit(verb.charCodeAt(0)) && isDigit(verb.charCodeAt(1)) && isDigit(verb.charCodeAt(2));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
