/**
 * Protocol limits, each named once with its source (MSNP.md §8 unless said otherwise).
 * Codec-level framing limits are ours; they bound memory against a hostile peer.
 */

/** Longest command line we accept, CRLF excluded. Real lines are far shorter (a `USR TWN S`
 * ticket, the longest, is a few hundred bytes); ours, to bound the line buffer. */
export const MAX_LINE_LENGTH = 8192;

/** Largest payload the codec frames. A switchboard text MSG is ≤ 1664 bytes, but NS payloads
 * (`NOT`, `UBX`, `GCF`, profile `MSG`) can be larger; ours, to bound the payload buffer. */
export const MAX_PAYLOAD_LENGTH = 65536;

/** SB `MSG` payload limit; longer → the SB drops the connection (MSNP.md §6.4, §8). */
export const MAX_SB_MESSAGE_PAYLOAD = 1664;

/** Transaction ids are 0 … 2^32−1 (MSNP.md §1.3, §8). */
export const MAX_TRID = 4294967295;

/** Handle (account e-mail) length in bytes (draft §5.4, MSNP.md §8). */
export const MAX_HANDLE_LENGTH = 129;

/** Friendly name: ≤ 387 bytes after URL-encoding on the wire (draft §5.5, MSNP.md §5.4). */
export const MAX_FRIENDLY_NAME_ENCODED_LENGTH = 387;

/** Friendly name as the official UI limits it: 129 characters (MSNP.md §5.4, §8). */
export const MAX_FRIENDLY_NAME_CHARACTERS = 129;

/** Groups: at most 30 (ids 0–29) (MSNP.md §4.7, §8). */
export const MAX_GROUPS = 30;

/** Group name: ≤ 61 bytes URL-encoded (MSNP.md §4.7, §8). */
export const MAX_GROUP_NAME_ENCODED_LENGTH = 61;

/** `PRP` key length / phone value length (MSNP.md §4.8, §8). */
export const MAX_PROPERTY_KEY_LENGTH = 3;
export const MAX_PROPERTY_VALUE_LENGTH = 95;

/** `QRY` payload: exactly 32 lower-case hex bytes (MSNP.md §3.5, §8). */
export const QRY_PAYLOAD_LENGTH = 32;

/** Forward list size in the Oct 2005 service (MSNP.md §8). */
export const MAX_FORWARD_LIST = 600;

/** Typing notices: send at most every ~5 s; receivers clear after ~6 s (MSNP.md §6.7, §8). */
export const TYPING_SEND_INTERVAL_MS = 5000;
export const TYPING_RECEIVE_TIMEOUT_MS = 6000;

/** Keep-alive interval the server announces in `QNG` from MSNP9 (MSNP.md §1.6, §8). */
export const DEFAULT_PING_INTERVAL_SECONDS = 60;

/** An `RNG` invitation cookie stays valid this long (Escargot: 60 s; MSNP.md §6.2, §8). */
export const RNG_VALIDITY_MS = 60_000;

/** The default MSNP port for DS, NS and SB (IANA; MSNP.md §1.1, §8). */
export const DEFAULT_PORT = 1863;
