/**
 * Security tokens of the token service (MSNP13-18.md §4.3–§4.4) that any process holding the
 * server secret can verify without shared state: a compact token `t=<payload>.<mac>&p=` whose
 * payload names the account, the service domain (`wsa:Address`) and the expiry, and whose MAC is
 * HMAC-SHA256 under the server secret. The `messengerclear.live.com` token's `BinarySecret` (the
 * MBI_KEY_OLD key, §4.5) is derived from the token itself with the same secret ("design tip" of
 * §4.5), so the NS can check a proof without remembering what the token service issued.
 *
 * Protocol-free apart from the token's outer shape; the secret lives in `dataDir/sso-secret.key`
 * (0600) so tokens survive a restart, or in memory for an in-memory server.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The master token's address (§4.3 RST0). */
export const PASSPORT_TB_ADDRESS = 'http://passport.net/tb';
/** The NS login ticket's domain (§4.3 RST1); its token carries the MBI key. */
export const MESSENGER_CLEAR = 'messengerclear.live.com';
/** RSI, web links, and the MSNP13–14 `USR TWN S` ticket (§4.1, §4.3 RST2). */
export const MESSENGER = 'messenger.msn.com';
/** Address book and sharing services (§4.3 RST3, §6.1). */
export const CONTACTS = 'contacts.msn.com';
/** OIM `Store2` (§4.3 RST4, §9.2). */
export const MESSENGER_SECURE = 'messengersecure.live.com';

/**
 * The addresses the token service answers (§4.3 table; "a server must answer every requested
 * address it knows and may ignore unknown ones"). Storage and spaces hosts differ by client.
 */
export const KNOWN_ADDRESSES: ReadonlySet<string> = new Set([
  PASSPORT_TB_ADDRESS,
  MESSENGER_CLEAR,
  MESSENGER,
  CONTACTS,
  MESSENGER_SECURE,
  'storage.live.com',
  'storage.msn.com',
  'sup.live.com',
  'spaces.live.com',
  'spaces.msn.com',
  'livecontacts.live.com',
]);

export interface VerifiedToken {
  readonly handle: string;
  /** The lower-cased `wsa:Address` the token was issued for. */
  readonly domain: string;
  readonly expires: number;
}

export type TokenProblem = 'malformed' | 'bad-signature' | 'expired' | 'wrong-domain';

const MAC_BYTES = 32;
/** Spent sign-in tokens are swept once this many are kept (sign-ins are rare next to commands). */
const SWEEP_AT = 256;
const SECRET_FILE = 'sso-secret.key';

export class SsoTokens {
  /** Tokens already used to sign in (`USR TWN S`), until they expire: a ticket signs in once. */
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly secret: Uint8Array,
    readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's secret from `dataDir` (created 0600 on first use), or a fresh one in memory. */
  static open(dataDir: string | undefined, lifetimeMs: number, now: () => number = Date.now): SsoTokens {
    if (dataDir === undefined) return new SsoTokens(randomBytes(32), lifetimeMs, now);
    const file = join(dataDir, SECRET_FILE);
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return new SsoTokens(readFileSync(file), lifetimeMs, now);
  }

  /** A compact token `t=…&p=` for `handle` at `domain`, valid for the configured lifetime. */
  issue(handle: string, domain: string): { token: string; created: number; expires: number } {
    const created = this.now();
    const expires = created + this.lifetimeMs;
    // A random part makes every token distinct (single-use bookkeeping keys on the whole `t`).
    const payload = Buffer.from(`${handle}\n${domain.toLowerCase()}\n${expires}\n${randomBytes(9).toString('base64url')}`, 'utf8').toString('base64url');
    return { token: `t=${payload}.${this.mac(payload)}&p=`, created, expires };
  }

  /**
   * Checks a token (`t=…&p=…`, or its bare `t` part as RSI's `PassportCookie` carries it) for one
   * of the accepted domains. Constant-time MAC comparison; nothing is looked up.
   */
  verify(token: string, domains: readonly string[]): VerifiedToken | TokenProblem {
    const t = tPart(token);
    if (t === undefined) return 'malformed';
    const dot = t.indexOf('.');
    if (dot <= 0 || dot !== t.lastIndexOf('.')) return 'malformed';
    const payload = t.slice(0, dot);
    const mac = Buffer.from(t.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, expected)) return 'bad-signature';
    const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
    if (fields.length !== 4) return 'malformed';
    const [handle, domain, expiresText] = fields as [string, string, string];
    const expires = Number(expiresText);
    if (!Number.isFinite(expires) || expires <= this.now()) return 'expired';
    if (!domains.some((d) => d.toLowerCase() === domain)) return 'wrong-domain';
    return { handle, domain, expires };
  }

  /**
   * A sign-in with a token that must work once only (the `USR TWN S` ticket, MSNP.md §3.3.3): true
   * the first time this token is presented in this process, false after. Other services (RSI) may
   * keep using the same token.
   */
  consume(token: string, expires: number): boolean {
    const t = tPart(token) ?? token;
    const now = this.now();
    if (this.spent.size >= SWEEP_AT) for (const [k, until] of this.spent) if (until <= now) this.spent.delete(k);
    if (this.spent.has(t)) return false;
    this.spent.set(t, expires);
    return true;
  }

  /** The `BinarySecret` issued with a `messengerclear.live.com` token: 24 bytes, base64 (§4.4). */
  binarySecret(token: string): string {
    const t = tPart(token) ?? token;
    return createHmac('sha256', this.secret).update(`MBI_KEY_OLD\n${t}`).digest().subarray(0, 24).toString('base64');
  }

  /**
   * A stable, opaque per-account key for `purpose` (the address book's and the storage service's
   * `CacheKey`): a keyed hash of the handle under the token secret, so it reveals nothing, needs no
   * table, and is the same on every node of a cluster and across restarts (the secret is shared
   * and kept), so a client moving between nodes keeps its cache partition.
   */
  accountKey(purpose: string, handle: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${handle.toLowerCase()}`).digest('base64url');
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** The `t` part of `t=…&p=…` (entities already decoded), or the text itself when it has no `t=`. */
function tPart(token: string): string | undefined {
  const m = /^t=([^&]*)(?:&p=.*)?$/s.exec(token);
  const t = m ? m[1] : token;
  return t !== undefined && /^[A-Za-z0-9_.-]{1,1024}$/.test(t) ? t : undefined;
}
