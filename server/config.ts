/**
 * Server configuration: what `startServer` accepts, its defaults, and validation (zod) for the
 * values that come from outside (CLI flags, environment, a JSON config file).
 */
import { z } from 'zod';
import { DEFAULT_PORT, MAX_LINE_LENGTH, MAX_SB_MESSAGE_PAYLOAD, RNG_VALIDITY_MS } from '../shared/msnp/index';
import { DEFAULT_HASH_GATE, type HashGateLimits } from './core/hash-gate';
import { DEFAULT_OFFLINE_MESSAGE_LIMITS, type OfflineMessageLimits } from './core/offline-messages';
import { DEFAULT_SIGN_IN_THROTTLE, type SignInThrottleLimits } from './core/sign-in-throttle';
import type { Cluster } from './cluster/cluster';
import { parseRedisAddress, RedisAddressError } from './cluster/redis-address';
import { silentLogger, type Logger } from './logger';
import type { Store } from './store/store';

export type { HashGateLimits } from './core/hash-gate';
export type { SignInThrottleLimits } from './core/sign-in-throttle';

/** Per-connection limits (the "bad input and abuse" section of server/README.md). */
export interface ConnectionLimits {
  /** Longest command line accepted; longer → disconnect. */
  readonly maxLineLength: number;
  /** Largest NS payload (`UUX`, `QRY`, …); larger → disconnect. SB `MSG` has its own 1664. */
  readonly maxPayloadLength: number;
  /** Bytes queued for a client that does not read; beyond this it is cut off. */
  readonly maxSendBufferBytes: number;
  /** Commands received but not yet handled; beyond this reading pauses, at 4× it disconnects. */
  readonly maxPendingCommands: number;
  /**
   * Sustained commands per second and burst, per connection. A command beyond them is answered
   * with `713` (`800` for list, name and property changes) instead of being handled.
   */
  readonly commandsPerSecond: number;
  readonly commandBurst: number;
  /**
   * Over-rate commands (answered with an error) a connection may send beyond what
   * `commandsPerSecond` refills; the next one disconnects it. So one burst of
   * `commandBurst + overRateBurst` commands is survived, and a steady sender is cut off only
   * above twice `commandsPerSecond`.
   */
  readonly overRateBurst: number;
  /**
   * Shape instead of refuse (switchboards): an over-rate `MSG` is relayed, and reading from the
   * connection pauses until the rate has paid for it, so a fast P2P stream is slowed down by TCP
   * instead of losing a chunk to a `713` (which breaks the P2P message it belongs to).
   */
  readonly shapeMessages?: boolean;
}

export interface TlsConfig {
  /** PEM certificate chain and key (contents, not paths). */
  readonly cert: string | Uint8Array;
  readonly key: string | Uint8Array;
  /** HTTPS port for the Nexus; default 1866; 0 = OS-chosen. */
  readonly port?: number;
  /**
   * Also accept TLS 1.0/1.1 and the CBC suites Windows XP's and 7's Schannel offer (MSNP13-18.md
   * §12.2: Messenger 7.5–8.5 on those systems speak nothing newer). Off by default: only for a
   * listener that real clients of the era use.
   */
  readonly legacyProtocols?: boolean;
}

export interface ServerConfig {
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Address written into `XFR`/`RNG` referrals; default `host` (or 127.0.0.1 for 0.0.0.0/::). */
  readonly publicHost?: string;
  /**
   * Host name written into the Passport `DALogin` URL (MSNP.md §3.3.3); default `publicHost`. Real
   * clients check it against the HTTPS certificate, so a public server sets the certificate's name.
   */
  readonly nexusHost?: string;
  /** Notification Server port; default 1863; 0 = OS-chosen. */
  readonly nsPort?: number;
  /** Switchboard port; default 1864; 0 = OS-chosen. */
  readonly sbPort?: number;
  /** Passport/Nexus HTTP port; default 1865; 0 = OS-chosen. */
  readonly httpPort?: number;
  /** Also serve the Nexus over HTTPS with this certificate. */
  readonly tls?: TlsConfig;
  /** Directory for the SQLite database and the MD5 secret key; omitted = in memory (tests). */
  readonly dataDir?: string;
  /**
   * A PostgreSQL URL (`postgres://user:password@host:5432/db`): the store for a server on several
   * nodes sharing one database (issue 13), instead of SQLite; `dataDir` is then not used (the
   * shared secrets live in the database).
   */
  readonly postgres?: string;
  /** Allow MD5 logins (MSNP2–7) by keeping a password-equivalent secret; default true. */
  readonly md5Login?: boolean;
  /** A separate dispatch server that answers `USR` with `XFR NS` (MSNP.md §1.1); port 0 = OS-chosen. */
  readonly dispatch?: { readonly port?: number };
  /** Lowest and highest dialect offered; default 2 and 15. */
  readonly minDialect?: number;
  readonly maxDialect?: number;
  /** Switchboard participant idle timeout (→ `BYE handle 1`); default 5 minutes. */
  readonly sbIdleTimeoutMs?: number;
  /** Participants plus pending invitations per switchboard; default 20. */
  readonly maxSbParticipants?: number;
  /** A connection that has not signed in (NS) or joined (SB) by then is closed; default 60 s. */
  readonly loginTimeoutMs?: number;
  /** Send `CHL` after the first `CHG` (MSNP6+); default true. */
  readonly sendChallenges?: boolean;
  /** Time to answer a `CHL`; default 60 s. */
  readonly challengeTimeoutMs?: number;
  /** Close NS connections silent for this long (clients `PNG` every ~60 s); 0 = never (default). */
  readonly nsIdleTimeoutMs?: number;
  /** Passport ticket lifetime; default 2 minutes. */
  readonly ticketLifetimeMs?: number;
  /** `XFR SB` and `RNG` cookie lifetime; default 60 s. */
  readonly cookieLifetimeMs?: number;
  /** Lifetime of the token service's tokens (`/RST.srf`, MSNP13-18.md §4.4); default 24 h, as Escargot. */
  readonly ssoTokenLifetimeMs?: number;
  readonly limits?: Partial<ConnectionLimits>;
  /** Failed sign-ins per address and per account (server/README.md, "Password guessing"). */
  readonly signInThrottle?: Partial<SignInThrottleLimits>;
  /** scrypt checks at once and waiting (server/README.md, "Password guessing"). */
  readonly hashing?: Partial<HashGateLimits>;
  /** Open connections (NS, SB, dispatch and Nexus together) per address; beyond → closed at once. 0 = no cap. */
  readonly maxConnectionsPerAddress?: number;
  /** Offline messages per recipient (count, bytes) and per sender (a minute); server/README.md "Offline messages". */
  readonly offlineMessages?: Partial<OfflineMessageLimits>;
  readonly logger?: Logger;
  /** Run as one node of a cluster (server/README.md, "Cluster"); omitted = the whole server in one process. */
  readonly cluster?: ClusterConfig;
  /**
   * An open store to use instead of opening one from `dataDir` (nodes of one cluster in one
   * process, in tests); `stop()` leaves it open.
   */
  readonly store?: Store;
}

/** One node of a cluster (server/cluster/cluster.ts). */
export interface ClusterConfig {
  /** This node's id, unique in the cluster: `[A-Za-z0-9_.-]`, at most 64 characters. */
  readonly nodeId: string;
  /**
   * Redis: the session directory and the nodes' inboxes. `redis://[:password@]host:port/db`
   * (`rediss://` for TLS), or Sentinels following a primary:
   * `redis+sentinel://[:password@]host1:26379,host2:26379/<primary-name>[/db]` (cluster/redis-address.ts).
   */
  readonly redisUrl?: string;
  /** A cluster made by the caller instead (tests: a `MemoryNetwork` node); `redisUrl` is then ignored. */
  readonly instance?: Cluster;
  /**
   * The secret every node shares (at least 32 bytes): switchboard cookies, Passport tickets, the
   * token service's tokens and the sealed MD5 secrets are keyed from it, so any node accepts what
   * another issued.
   */
  readonly secret: Uint8Array;
  /** A dead node's users are shown offline within this long; default 3,000 ms. */
  readonly ttlMs?: number;
  /** Prefix of the Redis keys and channels; default `monarch:` (one Redis can hold several clusters). */
  readonly keyPrefix?: string;
}

export interface ResolvedConfig {
  readonly host: string;
  readonly publicHost: string;
  readonly nexusHost: string;
  readonly nsPort: number;
  readonly sbPort: number;
  readonly httpPort: number;
  readonly tls: TlsConfig | undefined;
  readonly dataDir: string | undefined;
  readonly postgres: string | undefined;
  readonly md5Login: boolean;
  readonly dispatchPort: number | undefined;
  readonly minDialect: number;
  readonly maxDialect: number;
  readonly sbIdleTimeoutMs: number;
  readonly maxSbParticipants: number;
  readonly loginTimeoutMs: number;
  readonly sendChallenges: boolean;
  readonly challengeTimeoutMs: number;
  readonly nsIdleTimeoutMs: number;
  readonly ticketLifetimeMs: number;
  readonly cookieLifetimeMs: number;
  readonly ssoTokenLifetimeMs: number;
  readonly limits: ConnectionLimits;
  readonly sbLimits: ConnectionLimits;
  readonly signInThrottle: SignInThrottleLimits;
  readonly hashing: HashGateLimits;
  readonly maxConnectionsPerAddress: number;
  readonly offlineMessages: OfflineMessageLimits;
  readonly logger: Logger;
  readonly cluster: ClusterConfig | undefined;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxLineLength: MAX_LINE_LENGTH,
  maxPayloadLength: 16 * 1024,
  maxSendBufferBytes: 512 * 1024,
  // Every list edit waits for the store (acknowledged = durable), so a whole list added in one
  // burst (below: 1,300 commands) queues behind the first edit; 4 × 512 holds it, and a parsed
  // command is a few hundred bytes, so the queue's bound stays near the send buffer's.
  maxPendingCommands: 512,
  commandsPerSecond: 200,
  // A whole list added in one go must pass: the forward list holds 600 (MSNP.md §8) and an
  // MSNP10+ client adds a contact with two commands (ADC FL + ADC AL), plus sign-in and sync.
  commandBurst: 1300,
  overRateBurst: 1000,
};

/**
 * Switchboard rate floor for P2P streams: 6000 `MSG`s/s ≈ 7 MB/s of 1202-byte P2P chunks (file
 * transfer's goal is 5 MB/s through the relay), ≈ 5 MB in one burst. Over the rate a switchboard
 * connection is shaped (`shapeMessages`), not refused, so the rate is a ceiling that costs a
 * flooder its speed, not a reply per excess command.
 */
const SB_P2P_COMMANDS_PER_SECOND = 6000;
const SB_P2P_COMMAND_BURST = 4000;

/**
 * One user holds an NS connection and a switchboard per open conversation; a household or office
 * behind one NAT address holds a few of those. 256 leaves room for that and stops one address
 * from holding thousands of sockets.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

/**
 * The highest dialect this server implements (MSNP13-18.md §12.3's 13–15 columns). The server's
 * own constant, apart from the codec's `MAX_DIALECT`, which is what our client offers.
 */
export const SERVER_MAX_DIALECT = 15;
/** What `VER` offers unless configured otherwise: everything the server implements. */
export const DEFAULT_MAX_DIALECT = SERVER_MAX_DIALECT;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.number().int().min(0).max(65535);

/** The subset of the config that can come from outside, validated. */
export const externalConfigSchema = z
  .object({
    host: z.string().min(1),
    publicHost: z.string().min(1),
    nexusHost: z.string().regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'a host name or address'),
    nsPort: port,
    sbPort: port,
    httpPort: port,
    httpsPort: port,
    tlsCert: z.string().min(1),
    tlsKey: z.string().min(1),
    tlsLegacy: z.boolean(),
    dataDir: z.string().min(1),
    postgres: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL'),
    md5Login: z.boolean(),
    dispatchPort: port,
    minDialect: z.number().int().min(2).max(SERVER_MAX_DIALECT),
    maxDialect: z.number().int().min(2).max(SERVER_MAX_DIALECT),
    sbIdleTimeoutMs: z.number().int().positive(),
    maxSbParticipants: z.number().int().min(2).max(1000),
    loginTimeoutMs: z.number().int().positive(),
    sendChallenges: z.boolean(),
    nsIdleTimeoutMs: z.number().int().min(0),
    maxConnectionsPerAddress: z.number().int().min(0),
    // A standalone Redis or Sentinels (cluster/redis-address.ts); the message never quotes the value.
    redis: z.string().superRefine((value, ctx) => {
      const problem = redisAddressProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    nodeId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1 to 64 of A-Z a-z 0-9 _ . -'),
    clusterSecretFile: z.string().min(1),
    clusterTtlMs: z.number().int().min(300).max(600_000),
  })
  .partial()
  .strict();

export type ExternalConfig = z.infer<typeof externalConfigSchema>;

export function resolveConfig(c: ServerConfig): ResolvedConfig {
  const host = c.host ?? '127.0.0.1';
  const publicHost = c.publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...c.limits };
  const minDialect = c.minDialect ?? 2;
  const maxDialect = c.maxDialect ?? DEFAULT_MAX_DIALECT;
  if (!(minDialect >= 2 && maxDialect <= SERVER_MAX_DIALECT && minDialect <= maxDialect)) {
    throw new ConfigError(`dialect range ${minDialect}..${maxDialect} is not within 2..${SERVER_MAX_DIALECT}`);
  }
  for (const [k, v] of Object.entries({ nsPort: c.nsPort, sbPort: c.sbPort, httpPort: c.httpPort })) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 65535)) throw new ConfigError(`${k} must be 0-65535`);
  }
  const offlineMessages: OfflineMessageLimits = { ...DEFAULT_OFFLINE_MESSAGE_LIMITS, ...c.offlineMessages };
  for (const [k, v] of Object.entries(offlineMessages)) {
    if (!(Number.isSafeInteger(v) && v >= 1)) throw new ConfigError(`offlineMessages.${k} must be a positive integer`);
  }
  return {
    host,
    publicHost,
    nexusHost: c.nexusHost ?? publicHost,
    nsPort: c.nsPort ?? DEFAULT_PORT,
    sbPort: c.sbPort ?? DEFAULT_PORT + 1,
    httpPort: c.httpPort ?? DEFAULT_PORT + 2,
    tls: c.tls,
    dataDir: c.dataDir,
    postgres: c.postgres,
    md5Login: c.md5Login ?? true,
    dispatchPort: c.dispatch === undefined ? undefined : (c.dispatch.port ?? 0),
    minDialect,
    maxDialect,
    sbIdleTimeoutMs: c.sbIdleTimeoutMs ?? 5 * 60_000,
    maxSbParticipants: c.maxSbParticipants ?? 20,
    loginTimeoutMs: c.loginTimeoutMs ?? 60_000,
    sendChallenges: c.sendChallenges ?? true,
    challengeTimeoutMs: c.challengeTimeoutMs ?? 60_000,
    nsIdleTimeoutMs: c.nsIdleTimeoutMs ?? 0,
    ticketLifetimeMs: c.ticketLifetimeMs ?? 2 * 60_000,
    cookieLifetimeMs: c.cookieLifetimeMs ?? RNG_VALIDITY_MS,
    ssoTokenLifetimeMs: c.ssoTokenLifetimeMs ?? 24 * 60 * 60_000,
    limits,
    // MSNP.md §6.4: an SB payload over 1664 bytes → the SB drops the connection. MSNP-P2P.md §9: a
    // P2P stream is many back-to-back `MSG … D` (a 1 MiB picture ≈ 873, aMSN serves one picture three
    // times at once), so a switchboard connection gets room for several megabytes at full speed.
    sbLimits: {
      ...limits,
      maxPayloadLength: MAX_SB_MESSAGE_PAYLOAD,
      commandsPerSecond: Math.max(limits.commandsPerSecond, SB_P2P_COMMANDS_PER_SECOND),
      commandBurst: Math.max(limits.commandBurst, SB_P2P_COMMAND_BURST),
      shapeMessages: limits.shapeMessages ?? true,
    },
    signInThrottle: { ...DEFAULT_SIGN_IN_THROTTLE, ...c.signInThrottle },
    hashing: { ...DEFAULT_HASH_GATE, ...c.hashing },
    maxConnectionsPerAddress: c.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    offlineMessages,
    logger: c.logger ?? silentLogger,
    cluster: c.cluster === undefined ? undefined : checkCluster(c.cluster),
  };
}

function checkCluster(c: ClusterConfig): ClusterConfig {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(c.nodeId)) throw new ConfigError(`cluster.nodeId ${JSON.stringify(c.nodeId)}: use 1 to 64 of A-Z a-z 0-9 _ . -`);
  if (c.secret.length < 32) throw new ConfigError('cluster.secret must be at least 32 bytes');
  if (c.instance === undefined && c.redisUrl === undefined) throw new ConfigError('cluster: give redisUrl');
  if (c.instance === undefined && c.redisUrl !== undefined) {
    const problem = redisAddressProblem(c.redisUrl);
    if (problem !== undefined) throw new ConfigError(`cluster.redisUrl: ${problem}`);
  }
  if (c.ttlMs !== undefined && !(Number.isInteger(c.ttlMs) && c.ttlMs >= 300)) throw new ConfigError('cluster.ttlMs must be at least 300');
  return c;
}

/** Why a Redis address is refused, or undefined when it is well formed. */
function redisAddressProblem(value: string): string | undefined {
  try {
    parseRedisAddress(value);
    return undefined;
  } catch (e) {
    if (e instanceof RedisAddressError) return e.message;
    throw e;
  }
}
