/**
 * MBI_KEY_OLD: the proof an MSNP15+ client sends with its ticket in `USR t SSO S ticket proof`,
 * computed from the `BinarySecret` the token service issued with the `messengerclear.live.com`
 * ticket and the nonce the NS sent in `USR t SSO S MBI_KEY_OLD nonce` (MSNP13-18.md §4.2, §4.5).
 * The server recomputes it with the IV the client chose, so one module serves both sides.
 *
 * HMAC-SHA1 comes from @noble/hashes; 3DES-EDE-CBC from des.js (@noble/ciphers has no 3DES).
 */
import des from 'des.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { base64Decode, base64Encode, concatBytes } from '../bytes';
import { codecError, type CodecError } from '../errors';

const ascii = new TextEncoder();
const TripleDesCbc = des.CBC.instantiate(des.EDE);

/** The blob's header words (MSNP13-18.md §4.5 step 8), little-endian u32 each. */
const HEADER_SIZE = 28;
const CRYPT_MODE_CBC = 1;
const CIPHER_3DES = 0x6603;
const HASH_SHA1 = 0x8004;
const IV_LENGTH = 8;
const HASH_LENGTH = 20;

/** Magic strings of the two key derivations (§4.5 steps 3–4). */
const HASH_MAGIC = ascii.encode('WS-SecureConversationSESSION KEY HASH');
const ENCRYPTION_MAGIC = ascii.encode('WS-SecureConversationSESSION KEY ENCRYPTION');

/** The nonce is padded with eight 0x08 bytes and nothing else (§4.5 step 7). */
const NONCE_PADDING = new Uint8Array(8).fill(8);

/**
 * `derive(k, m)` of §4.5 step 2: h1 = H(m), h2 = H(h1 ‖ m), h3 = H(h1), h4 = H(h3 ‖ m);
 * result h2 ‖ h4[0..3], 24 bytes, with H = HMAC-SHA1 keyed by k.
 */
export function deriveMbiKey(key: Uint8Array, magic: Uint8Array): Uint8Array {
  const h = (data: Uint8Array) => hmac(sha1, key, data);
  const h1 = h(magic);
  const h2 = h(concatBytes([h1, magic]));
  const h3 = h(h1);
  const h4 = h(concatBytes([h3, magic]));
  return concatBytes([h2, h4.subarray(0, 4)]);
}

export interface MbiParts {
  readonly key2: Uint8Array;
  readonly key3: Uint8Array;
  readonly hash: Uint8Array;
  readonly cipher: Uint8Array;
  /** The 128-byte (for a 64-character nonce) blob, before base64. */
  readonly blob: Uint8Array;
}

/**
 * Every intermediate value of the proof, for tests and for the server's check. `secret` is the
 * decoded `BinarySecret` (any length works, §4.5 step 1), `nonce` the text from `USR … S` taken as
 * ASCII (not decoded), `iv` 8 bytes. A nonce that is not printable ASCII is a CodecError: the
 * proof is defined over its ASCII bytes only.
 */
export function mbiKeyOldParts(secret: Uint8Array, nonce: string, iv: Uint8Array): MbiParts | CodecError {
  if (iv.length !== IV_LENGTH) return codecError('BAD_PARAM', `MBI IV must be ${IV_LENGTH} bytes, got ${iv.length}`);
  if (!/^[\x21-\x7e]+$/.test(nonce)) return codecError('BAD_PARAM', 'MBI nonce must be printable ASCII without spaces');
  const key2 = deriveMbiKey(secret, HASH_MAGIC);
  const key3 = deriveMbiKey(secret, ENCRYPTION_MAGIC);
  const nonceBytes = ascii.encode(nonce);
  const hash = hmac(sha1, key2, nonceBytes);
  const plain = concatBytes([nonceBytes, NONCE_PADDING]);
  // Without padding the plaintext must be whole blocks: a nonce length that is not a multiple of 8
  // cannot be encrypted as the reference describes (§14 point 5: nonces are 64 characters).
  if (plain.length % 8 !== 0) return codecError('BAD_PARAM', `MBI nonce length ${nonce.length} is not a multiple of 8`);
  const enc = TripleDesCbc.create({ type: 'encrypt', key: key3, iv, padding: false });
  const cipher = Uint8Array.from([...enc.update(plain), ...enc.final()]);

  const header = new Uint8Array(HEADER_SIZE);
  const view = new DataView(header.buffer);
  [HEADER_SIZE, CRYPT_MODE_CBC, CIPHER_3DES, HASH_SHA1, IV_LENGTH, HASH_LENGTH, cipher.length].forEach((word, i) =>
    view.setUint32(i * 4, word, true),
  );
  const blob = concatBytes([header, iv, hash, cipher]);
  return { key2, key3, hash, cipher, blob };
}

/** The base64 proof for `USR t SSO S ticket proof` (172 characters for a 64-character nonce). */
export function mbiKeyOld(binarySecret: string, nonce: string, iv: Uint8Array): string | CodecError {
  const secret = base64Decode(binarySecret);
  if (secret === undefined || secret.length === 0) return codecError('BAD_PARAM', 'BinarySecret is not base64');
  const parts = mbiKeyOldParts(secret, nonce, iv);
  return 'kind' in parts ? parts : base64Encode(parts.blob);
}

/**
 * Server side (Escargot `_m_usr`, §4.5 "Server verification"): decode the proof, check the six
 * fixed header words and the total length, recompute hash and cipher with the proof's own IV from
 * the secret issued with that ticket and the nonce this connection was sent. Constant-time compare.
 */
export function verifyMbiKeyOld(binarySecret: string, nonce: string, proof: string): boolean {
  const blob = base64Decode(proof);
  const secret = base64Decode(binarySecret);
  if (blob === undefined || secret === undefined || secret.length === 0 || blob.length < HEADER_SIZE + IV_LENGTH + HASH_LENGTH) return false;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
  const word = (i: number) => view.getUint32(i * 4, true);
  const cipherLength = word(6);
  if (
    word(0) !== HEADER_SIZE ||
    word(1) !== CRYPT_MODE_CBC ||
    word(2) !== CIPHER_3DES ||
    word(3) !== HASH_SHA1 ||
    word(4) !== IV_LENGTH ||
    word(5) !== HASH_LENGTH ||
    blob.length !== HEADER_SIZE + IV_LENGTH + HASH_LENGTH + cipherLength
  ) {
    return false;
  }
  const iv = blob.subarray(HEADER_SIZE, HEADER_SIZE + IV_LENGTH);
  const expected = mbiKeyOldParts(secret, nonce, iv);
  if ('kind' in expected) return false;
  return constantTimeEqual(expected.blob, blob);
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
