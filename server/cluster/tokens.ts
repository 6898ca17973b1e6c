/**
 * Signed, expiring tokens any node can check without asking anyone (switchboard cookies, Passport
 * tickets): `<payload>.<mac>`, both base64url, the MAC an HMAC-SHA256 (first 16 bytes) over the
 * purpose and the payload with the cluster's shared secret. The payload is the purpose's fields
 * and the expiry, with 9 random bytes between them: two tokens issued with the same fields in the
 * same millisecond (two sign-ins of one account at once, on any nodes) must differ, or the second
 * would be refused as a replay of the first. Single use is the cluster's business (`redeemOnce`): the MAC is the key spent,
 * for as long as the token could still be accepted.
 *
 * Tokens carry no secret of their own: anyone who sees one can read its fields (handles, a
 * session id), as anyone on the wire could read the `XFR`/`RNG` line that carried it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Cluster } from './cluster';

const MAC_BYTES = 16;
const NONCE_BYTES = 9;
/** Fields are joined with a character no field may contain. */
const SEPARATOR = '\n';

export interface VerifiedToken {
  readonly fields: readonly string[];
  readonly expires: number;
  /** The token's MAC: the key its single use is recorded under. */
  readonly id: string;
}

export class SignedTokens {
  private readonly key: Buffer;

  /** `secret`: at least 32 bytes, the same on every node. */
  constructor(
    secret: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('the cluster secret must be at least 32 bytes');
    this.key = Buffer.from(secret);
  }

  /** A process-local key, for a server that is its own cluster. */
  static random(now?: () => number): SignedTokens {
    return new SignedTokens(randomBytes(32), now);
  }

  issue(purpose: string, fields: readonly string[], lifetimeMs: number): string {
    for (const f of fields) if (f.includes(SEPARATOR)) throw new Error('token field contains a line break');
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    const payload = Buffer.from([...fields, nonce, String(this.now() + lifetimeMs)].join(SEPARATOR), 'utf8').toString('base64url');
    return `${payload}.${this.mac(purpose, payload).toString('base64url')}`;
  }

  /** The token's fields if it is ours, for `purpose`, with `count` fields and unexpired; else undefined. */
  verify(purpose: string, token: string, count: number): VerifiedToken | undefined {
    if (token.length > 4096) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(purpose, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const parts = Buffer.from(payload, 'base64url').toString('utf8').split(SEPARATOR);
    if (parts.length !== count + 2) return undefined;
    const expires = Number(parts.pop());
    parts.pop(); // the nonce
    if (!Number.isSafeInteger(expires) || expires <= this.now()) return undefined;
    return { fields: parts, expires, id: token.slice(dot + 1) };
  }

  /** `verify`, then spend it through the cluster: only the first redemption anywhere succeeds. */
  async redeemOnce(cluster: Cluster, purpose: string, token: string, count: number): Promise<VerifiedToken | undefined> {
    const t = this.verify(purpose, token, count);
    if (t === undefined) return undefined;
    const spent = await cluster.takeOnce(`${purpose}:${t.id}`, t.expires - this.now() + 1000);
    return spent ? t : undefined;
  }

  private mac(purpose: string, payload: string): Buffer {
    return createHmac('sha256', this.key).update(purpose).update('\0').update(payload).digest().subarray(0, MAC_BYTES);
  }
}
