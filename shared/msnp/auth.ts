/**
 * Authentication helpers shared by client and server (MSNP.md §3): the MD5 login response
 * (§3.2), `CHL`/`QRY` challenge answers for MSNP6–10 and MSNP11+ (§3.5), and the product id/key
 * table (§3.5.2). Pure: hashing comes from @noble/hashes, so this runs in any runtime.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Dialect } from './dialect';

const encoder = new TextEncoder();

/** Lower-case hex MD5 of the UTF-8 bytes of `s`. */
export function md5Hex(s: string): string {
  return bytesToHex(md5(encoder.encode(s)));
}

/** MD5 login (MSNP2–7): hex MD5 of `challenge || password`, no separator (MSNP.md §3.2). */
export function md5LoginResponse(challenge: string, password: string): string {
  return md5Hex(challenge + password);
}

/** MSNP6–10 `QRY` answer: hex MD5 of `challenge || productKey` (MSNP.md §3.5.1). */
export function qryMd5(challenge: string, productKey: string): string {
  return md5Hex(challenge + productKey);
}

/** MSNP11+ `QRY` answer (MSNP.md §3.5.3), step by step as the reference gives it. */
export function qryMsnp11(challenge: string, productId: string, productKey: string): string {
  const M = 0x7fffffffn;
  const digest = md5(encoder.encode(challenge + productKey));
  const dv = new DataView(digest.buffer, digest.byteOffset, 16);
  const words = [0, 4, 8, 12].map((o) => dv.getUint32(o, true));
  const h = words.map((w) => BigInt(w) & M) as [bigint, bigint, bigint, bigint];

  let s = challenge + productId;
  if (s.length % 8 !== 0) s += '0'.repeat(8 - (s.length % 8));
  const sb = encoder.encode(s);
  const sv = new DataView(sb.buffer, sb.byteOffset, sb.length);
  const c: bigint[] = [];
  for (let i = 0; i + 4 <= sb.length; i += 4) c.push(BigInt(sv.getUint32(i, true)));

  let high = 0n;
  let low = 0n;
  for (let i = 0; i + 1 < c.length; i += 2) {
    let t = ((c[i] as bigint) * 0x0e79a9c1n) % M;
    t = ((t + high) * h[0] + h[1]) % M;
    high = ((((c[i + 1] as bigint) + t) % M) * h[2] + h[3]) % M;
    low += high + t;
  }
  high = (high + h[1]) % M;
  low = (low + h[3]) % M;

  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) {
    const key = Number(i % 2 === 0 ? high : low);
    ov.setUint32(i * 4, ((words[i] as number) ^ key) >>> 0, true);
  }
  return bytesToHex(out);
}

export interface ProductKey {
  readonly productId: string;
  readonly productKey: string;
  /** Highest dialect the pair is accepted for (Escargot's grouping, MSNP.md §3.5.2). */
  readonly maxDialect: number;
}

/** MSNP.md §3.5.2 (public product ids and keys). */
export const PRODUCT_KEYS: readonly ProductKey[] = [
  { productId: 'msmsgs@msnmsgr.com', productKey: 'Q1P7W2E4J9R8U3S5', maxDialect: 10 },
  { productId: 'PROD0038W!61ZTF9', productKey: 'VT6PX?UQTM4WM%YR', maxDialect: 10 },
  { productId: 'PROD0058#7IL2{QD', productKey: 'QHDCY@7R1TB6W?5B', maxDialect: 10 },
  { productId: 'PROD0061VRRZH@4F', productKey: 'JXQ6J@TUOGYV@N0M', maxDialect: 10 },
  { productId: 'PROD00504RLUG%WL', productKey: 'I2EBK%PYNLZL5_J4', maxDialect: 10 },
  { productId: 'PROD0076ENE8*@AW', productKey: 'CEQJ8}OE0!WTSWII', maxDialect: 10 },
  { productId: 'PROD0090YUAUV{2B', productKey: 'YMM8C_H7KCQ2S_KL', maxDialect: 12 },
  { productId: 'PROD0101{0RM?UBW', productKey: 'CFHUR$52U_{VIX5T', maxDialect: 12 },
  { productId: 'PROD01065C%ZFN6F', productKey: 'O4BG@C7BWLYQX?5G', maxDialect: 14 },
  { productId: 'PROD0112J1LW7%NB', productKey: 'RH96F{PHI8PPX_TJ', maxDialect: 14 },
  { productId: 'PROD0113H11T8$X_', productKey: 'RG@XY*28Q5QHS%Q5', maxDialect: 21 },
  { productId: 'PROD0114ES4Z%Q5W', productKey: 'PK}_A_0N_K%O?A9S', maxDialect: 21 },
  { productId: 'PROD0118R6%2WYOS', productKey: 'YIXPX@5I2P0UT*LK', maxDialect: 21 },
  { productId: 'PROD0119GSJUC$18', productKey: 'ILTXC!4IXB5FB*PX', maxDialect: 21 },
  { productId: 'PROD0120PW!CCV9@', productKey: 'C1BX{V4W}Q3*10SM', maxDialect: 21 },
];

/** The product id/key pair with this id (MSNP.md §3.5.2); undefined for an unknown id. */
export function findProductKey(productId: string): ProductKey | undefined {
  return PRODUCT_KEYS.find((p) => p.productId === productId);
}

/** The algorithm a dialect uses for `QRY` (MSNP.md §3.5): MD5 for 6–10, the new one from 11. */
export function qryAnswer(dialect: number, challenge: string, productId: string, productKey: string): string {
  return dialect >= 11 ? qryMsnp11(challenge, productId, productKey) : qryMd5(challenge, productKey);
}

/**
 * What our client sends for `CHL` (MSNP.md §3.5.2: msmsgs for 6–10, PROD0090 for 11–12;
 * MSNP13-18.md §5.3 step 10: PROD0119 for 15; §12.3: 13–14 servers accept PROD0106/PROD0112, the
 * newer of which we send).
 */
export function clientChallengeResponse(dialect: Dialect, challenge: string): { productId: string; answer: string } {
  const pair = dialect >= 15 ? findProductKey('PROD0119GSJUC$18') : dialect >= 13 ? findProductKey('PROD0112J1LW7%NB') : dialect >= 11 ? PRODUCT_KEYS[6] : PRODUCT_KEYS[0];
  if (pair === undefined) throw new Error('product key table is empty');
  return { productId: pair.productId, answer: qryAnswer(dialect, challenge, pair.productId, pair.productKey) };
}

/**
 * Server side: is `answer` right for `challenge` from `productId` in `dialect`? Unknown ids,
 * ids not valid for the dialect and wrong answers all fail (→ `540` + disconnect, MSNP.md §3.5).
 * MSNP11+ servers reject the old algorithm.
 */
export function verifyChallengeResponse(dialect: number, challenge: string, productId: string, answer: string): boolean {
  const pair = PRODUCT_KEYS.find((p) => p.productId === productId);
  if (pair === undefined || dialect > pair.maxDialect) return false;
  if (dialect >= 11 && pair.maxDialect <= 10) return false;
  return qryAnswer(dialect, challenge, pair.productId, pair.productKey) === answer.toLowerCase();
}
