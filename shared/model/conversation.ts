/**
 * Conversations and chat messages (MSNP.md §6). A conversation outlives the switchboard
 * connections that carry it: the client re-opens one transparently when a server closes it.
 */

export interface Participant {
  readonly handle: string;
  readonly friendlyName: string;
}

export interface Conversation {
  /** Client-chosen id, stable for the life of the conversation. */
  readonly id: string;
  /** Everyone in the conversation except me. */
  readonly participants: readonly Participant[];
  /** Who started it: `me` or the inviting contact's handle. */
  readonly startedBy: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /**
   * Who this conversation was opened with (handles), known before any of them joins: the window
   * names them from the first moment instead of waiting for the switchboard (MSNP.md §6.1).
   */
  readonly invited?: readonly string[];
}

/** Text formatting that travels with a message (`X-MMS-IM-Format`, MSNP.md §6.6). */
export interface TextFormat {
  /** Font face, e.g. "Segoe UI"; empty = receiver's default. */
  readonly font: string;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly strikethrough: boolean;
  /** `#rrggbb`, lower case. */
  readonly color: string;
  /** Right-to-left text. */
  readonly rightToLeft?: boolean;
}

export const DEFAULT_TEXT_FORMAT: TextFormat = {
  font: 'MS Sans Serif',
  bold: false,
  italic: false,
  underline: false,
  strikethrough: false,
  color: '#000000',
};

/**
 * Where an outgoing message is:
 * - `sending`: queued (the switchboard may still be opening);
 * - `sent`: written to the switchboard, no proof of delivery (yet);
 * - `delivered`: the server acknowledged delivery to every participant (`ACK`);
 * - `failed`: see `DeliveryFailure`; the UI can offer a retry.
 * Incoming messages are always `delivered`.
 */
/**
 * `saved-offline`: the recipient was offline and the server stored it as an offline message, to be
 * delivered when they sign in (MSNP13+, MSNP13-18.md §9.2).
 */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'failed' | 'saved-offline';

export type DeliveryFailureReason =
  /** The server reported that someone did not get it (`NAK`). */
  | 'not-delivered'
  /** The conversation's connection closed before the message was acknowledged. */
  | 'connection-closed'
  /** Nobody could be invited (offline, hidden, blocking me, …). */
  | 'recipient-unavailable'
  /** I am signed out, or appear offline (servers refuse conversations while hidden). */
  | 'signed-out'
  /** The server did not answer in time. */
  | 'timeout'
  /** Anything else, see the message. */
  | 'error';

export interface DeliveryFailure {
  readonly reason: DeliveryFailureReason;
  /** Human-readable detail (English), for a tooltip. */
  readonly message: string;
}

export interface ChatMessage {
  /** For my messages, the client id returned when sending; for others', assigned on receipt. */
  readonly id: string;
  readonly conversationId: string;
  readonly direction: 'incoming' | 'outgoing';
  /** Sender's handle (mine for outgoing). */
  readonly sender: string;
  /** Sender's name as of this message. */
  readonly senderName: string;
  readonly text: string;
  /** Null when the sender sent no formatting. */
  readonly format: TextFormat | null;
  /** Epoch ms: when I sent it, or when it arrived. */
  readonly timestamp: number;
  readonly delivery: DeliveryState;
  /** Set when `delivery` is `failed`. */
  readonly failure?: DeliveryFailure;
}

/** `#rrggbb` check for colours coming from the UI. */
export function isHexColor(s: string): boolean {
  return /^#[0-9a-f]{6}$/i.test(s);
}
