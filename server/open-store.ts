/**
 * Opens the configured store and the server-wide secrets that go with it: SQLite in the data
 * folder (the default; the secrets are files beside it), or PostgreSQL for a server on several
 * nodes (issue 13), whose secrets live in the database so that every node verifies what another
 * issued: the MD5-login key (an MD5 secret sealed on one node opens on every other) and the
 * service tokens' key (a token issued by one node's `/RST.srf` signs in on another).
 */
import { randomBytes } from 'node:crypto';
import { SecretBox } from './core/passwords';
import type { Logger } from './logger';
import { SsoTokens } from './soap/tokens';
import { openSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store';

/** Names in the database's `server_secrets` (PostgreSQL). */
const MD5_KEY = 'md5-secret';
const SSO_KEY = 'sso-secret';

export interface OpenedStore {
  readonly store: Store;
  readonly secrets: SecretBox;
  readonly ssoTokens: SsoTokens;
}

export interface StoreChoice {
  /** PostgreSQL URL; when set, the data folder is not used. */
  readonly postgres: string | undefined;
  /** SQLite's folder; undefined = in memory. */
  readonly dataDir: string | undefined;
  readonly ssoTokenLifetimeMs: number;
  readonly logger?: Logger;
  /** A store opened elsewhere (tests sharing one between servers): used as it is, never closed here. */
  readonly store?: Store;
  /** Keys every node derives from the cluster's shared secret (server/index.ts): they win. */
  readonly keys?: { readonly md5: Uint8Array; readonly sso: Uint8Array };
}

export async function openStore(c: StoreChoice): Promise<OpenedStore> {
  let store: Store;
  if (c.store !== undefined) {
    store = c.store;
  } else if (c.postgres !== undefined) {
    // Loaded only when configured: the app's bundled server never loads pg.
    const { openPostgresStore } = await import('./store/postgres-store');
    store = await openPostgresStore({ url: c.postgres, logger: c.logger });
  } else {
    store = openSqliteStore(c.dataDir);
  }
  try {
    const md5Key = c.keys?.md5 ?? (await store.sharedSecret(MD5_KEY, () => randomBytes(32)));
    const ssoKey = c.keys?.sso ?? (await store.sharedSecret(SSO_KEY, () => randomBytes(32)));
    return {
      store,
      secrets: md5Key === undefined ? SecretBox.open(c.dataDir) : new SecretBox(Buffer.from(md5Key)),
      ssoTokens: ssoKey === undefined ? SsoTokens.open(c.dataDir, c.ssoTokenLifetimeMs, Date.now) : new SsoTokens(ssoKey, c.ssoTokenLifetimeMs, Date.now),
    };
  } catch (e) {
    if (c.store === undefined) await store.close();
    throw e;
  }
}
