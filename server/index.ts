/**
 * The bundled MSNP server in one process: Notification Server, Switchboard, Passport/Nexus HTTP
 * (and HTTPS), and optionally a separate dispatch server. `startServer` is the composition root
 * (ARCHITECTURE.md §7): it builds the store, the core managers and the listeners, and returns the
 * bound ports and `stop()`. See server/README.md for the API.
 */
import { hkdfSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Cluster } from './cluster/cluster';
import { ClusterNode } from './cluster/node';
import { RedisCluster } from './cluster/redis';
import { SignedTokens } from './cluster/tokens';
import { resolveConfig, type ClusterConfig, type ResolvedConfig, type ServerConfig } from './config';
import { AccountService, type AccountAdmin } from './core/accounts';
import { ConnectionCap } from './core/connection-cap';
import { ContactService } from './core/contacts';
import { ListManager } from './core/lists';
import { OfflineMessages } from './core/offline-messages';
import { HashGate } from './core/hash-gate';
import { PresenceHub } from './core/presence';
import { SignInGuard } from './core/sign-in-guard';
import { SignInThrottle } from './core/sign-in-throttle';
import { SwitchboardHub } from './core/switchboard';
import { TicketStore } from './core/tickets';
import { Connection } from './msnp/connection';
import type { SbGrant, ServerContext } from './msnp/context';
import { DsSession } from './msnp/ds-session';
import { wireOfflineNotices } from './msnp/ns/offline-notices';
import { NsSession } from './msnp/ns/session';
import { NS_TABLE } from './msnp/ns/table';
import { SbSession } from './msnp/sb/session';
import { SB_TABLE } from './msnp/sb/table';
import { createNexusServers } from './nexus/nexus';
import { SoapRouter } from './soap/router';
import { registerSoapServices } from './soap/services';
import { lockDataDir } from './store/data-dir-lock';
import type { Store } from './store/store';
import { openStore, type OpenedStore } from './open-store';

export type { ServerConfig, ClusterConfig, ConnectionLimits, TlsConfig } from './config';
export type { AccountAdmin, AccountInfo } from './core/accounts';
export { AccountError } from './core/accounts';
export type { Logger, LogLevel, LogFields } from './logger';
export { createJsonLogger, createMemoryLogger, silentLogger } from './logger';

export interface RunningServer {
  readonly host: string;
  readonly nsPort: number;
  readonly sbPort: number;
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
  readonly dispatchPort: number | undefined;
  /** e.g. `http://127.0.0.1:1865/rdr/pprdr.asp` */
  readonly nexusUrl: string;
  /** Set when TLS is configured: `https://host:port/rdr/pprdr.asp`. */
  readonly nexusHttpsUrl: string | undefined;
  readonly accounts: AccountAdmin;
  /** Counts for diagnostics and tests. */
  stats(): { signedIn: number; switchboards: number; connections: number };
  /** Graceful: `OUT SSD` to every NS client, close every connection and listener, close the database. */
  stop(): Promise<void>;
}

export async function startServer(config: ServerConfig = {}): Promise<RunningServer> {
  const cfg = resolveConfig(config);
  // Nodes of a cluster share one store: PostgreSQL, or (nodes in one process, tests) a store handed in.
  if (cfg.cluster !== undefined && cfg.postgres === undefined && config.store === undefined) {
    throw new Error('a cluster node needs a shared store: set postgres (every node keeps its accounts and lists in one database)');
  }
  // One server per data folder: a second one (another `npm run server`, or one pointed at the
  // app's local-server folder while the app runs) would share the database and the secrets. On
  // PostgreSQL the folder is not used, and several servers sharing the database is the point.
  const dataDir = cfg.postgres === undefined ? cfg.dataDir : undefined;
  const dirLock = dataDir === undefined ? undefined : lockDataDir(dataDir, 'the Monarch server');
  const sharedStore: Store | undefined = config.store;
  let opened: OpenedStore;
  try {
    opened = await openStore({
      postgres: cfg.postgres,
      dataDir,
      ssoTokenLifetimeMs: cfg.ssoTokenLifetimeMs,
      logger: cfg.logger,
      store: sharedStore,
      // A cluster's nodes must accept each other's sealed MD5 secrets and service tokens. On
      // PostgreSQL both keys live in the database, shared with every node and with `npm run server
      // -- user …` (which seals MD5 secrets without joining the cluster); a store handed in (nodes
      // in one process, in tests) takes them from the cluster's secret.
      keys:
        cfg.cluster === undefined || cfg.postgres !== undefined
          ? undefined
          : { md5: derivedKey(cfg.cluster, 'md5-secret'), sso: derivedKey(cfg.cluster, 'sso-tokens') },
    });
  } catch (err) {
    dirLock?.release();
    throw err;
  }
  const { store, secrets, ssoTokens } = opened;
  const closeStore = async (): Promise<void> => {
    if (sharedStore === undefined) await store.close();
    dirLock?.release();
  };
  const now = Date.now;
  const accounts = new AccountService({ store, secrets, md5Login: cfg.md5Login, now });
  const lists = new ListManager(store, now);
  const presence = new PresenceHub(lists);
  const clusterNode =
    cfg.cluster === undefined
      ? undefined
      : new ClusterNode(makeCluster(cfg.cluster, cfg), presence, lists, cfg.logger, {
          tokens: new SignedTokens(derivedKey(cfg.cluster, 'switchboard-cookies')),
          cookieLifetimeMs: cfg.cookieLifetimeMs,
        });
  presence.remote = clusterNode;
  const offline = new OfflineMessages(store, lists, presence, cfg.offlineMessages, now);
  wireOfflineNotices(offline, presence);
  const signIns = new SignInGuard(new SignInThrottle(cfg.signInThrottle, now), new HashGate(cfg.hashing));
  const ctx: ServerContext = {
    config: cfg,
    logger: cfg.logger,
    accounts,
    signIns,
    lists,
    contacts: new ContactService(lists, presence),
    presence,
    switchboards: new SwitchboardHub<SbGrant>({
      maxParticipants: cfg.maxSbParticipants,
      cookieLifetimeMs: cfg.cookieLifetimeMs,
      inviteLifetimeMs: cfg.cookieLifetimeMs,
      now,
    }),
    // In a cluster, signed (the NS of any node accepts the Nexus of any other) and spent through
    // the cluster (a ticket signs in once across every node, as in one process).
    tickets:
      clusterNode === undefined || cfg.cluster === undefined
        ? new TicketStore(cfg.ticketLifetimeMs, now)
        : new TicketStore(cfg.ticketLifetimeMs, now, new SignedTokens(derivedKey(cfg.cluster, 'passport-tickets'), now), (key, ttlMs) =>
            clusterNode.cluster.takeOnce(key, ttlMs),
          ),
    ssoTokens,
    offline,
    nsAddress: '',
    sbAddress: '',
    nexusBase: '',
    now,
    cluster: clusterNode,
  };

  // A deleted account is signed out and disappears from every cached list.
  accounts.onRemoving = (handle) => presence.get(handle)?.kick('OTH');
  accounts.beforeRemove = (handle, listedBy) => lists.dropEverywhere(handle, listedBy);
  accounts.onRemoved = (handle, listedBy) => lists.forget(handle, listedBy);

  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // Per-address cap on open sockets (server/core/connection-cap.ts): over it, closed unread.
  const cap = new ConnectionCap(cfg.maxConnectionsPerAddress);
  const admit = (socket: Socket): boolean => {
    const address = socket.remoteAddress;
    if (address === undefined || !cap.admit(address)) {
      socket.destroy();
      return false;
    }
    socket.once('close', () => cap.release(address));
    return true;
  };
  const accept = (kind: 'ns' | 'sb' | 'ds', make: (c: Connection) => unknown) => (socket: Socket) => {
    if (!admit(socket)) return;
    track(socket);
    const conn = new Connection(socket, kind, kind === 'sb' ? cfg.sbLimits : cfg.limits, cfg.logger);
    connections.add(conn);
    socket.once('close', () => connections.delete(conn));
    make(conn);
  };

  const listeners: Server[] = [];
  const httpServers: HttpServer[] = [];
  try {
    const ns = createServer(accept('ns', (c) => new NsSession(c, ctx, NS_TABLE)));
    const nsPort = await listen(ns, cfg.host, cfg.nsPort);
    listeners.push(ns);
    const sb = createServer(accept('sb', (c) => new SbSession(c, ctx, SB_TABLE)));
    const sbPort = await listen(sb, cfg.host, cfg.sbPort);
    listeners.push(sb);
    ctx.nsAddress = `${cfg.publicHost}:${nsPort}`;
    ctx.sbAddress = `${cfg.publicHost}:${sbPort}`;

    let dispatchPort: number | undefined;
    if (cfg.dispatchPort !== undefined) {
      let own = '';
      const ds = createServer(accept('ds', (c) => new DsSession(c, ctx, own)));
      dispatchPort = await listen(ds, cfg.host, cfg.dispatchPort);
      own = `${cfg.publicHost}:${dispatchPort}`;
      listeners.push(ds);
    }

    // DALogin names the configured host and the port the login page listens on (never the
    // request's Host header); both ports are known before the first request can arrive.
    let httpPort = 0;
    let httpsPort: number | undefined;
    const nexusHost = cfg.nexusHost.includes(':') && !cfg.nexusHost.startsWith('[') ? `[${cfg.nexusHost}]` : cfg.nexusHost;
    const loginHost = (secure: boolean): string => `${nexusHost}:${secure ? (httpsPort ?? httpPort) : httpPort}`;
    // The SOAP services (MSNP13-18.md §12.1) share the Nexus's HTTP and HTTPS listeners.
    const soap = new SoapRouter(cfg.logger);
    registerSoapServices(soap, {
      tokens: ssoTokens,
      accounts,
      signIns,
      lists,
      contacts: ctx.contacts,
      presence,
      offline,
      logger: cfg.logger,
      now,
      publicHost: cfg.publicHost,
      // A user's own address-book edits run where its NS session holds its lists (cluster/node.ts).
      atOwner:
        clusterNode === undefined
          ? undefined
          : (owner, req) =>
              clusterNode.atOwner(owner, { path: req.path, action: req.action, soapAction: req.soapAction, xml: req.xml, remoteAddress: req.remoteAddress, secure: req.secure, host: req.host }),
    });
    if (clusterNode !== undefined) clusterNode.serveForwarded = (request) => soap.serveForwarded(request);
    const nexus = createNexusServers({ loginHost, accounts, signIns, tickets: ctx.tickets, logger: cfg.logger, soap }, cfg.tls);
    nexus.http.on('connection', (socket: Socket) => {
      if (admit(socket)) track(socket);
    });
    httpPort = await listen(nexus.http, cfg.host, cfg.httpPort);
    httpServers.push(nexus.http);
    if (nexus.https !== undefined) {
      nexus.https.on('connection', admit);
      nexus.https.on('secureConnection', track);
      httpsPort = await listen(nexus.https, cfg.host, cfg.tls?.port ?? 1866);
      httpServers.push(nexus.https);
    }
    ctx.nexusBase = `http://${cfg.publicHost}:${httpPort}`;

    let loadTimer: NodeJS.Timeout | undefined;
    if (clusterNode !== undefined) {
      await clusterNode.cluster.start({ ns: ctx.nsAddress, sb: ctx.sbAddress }, clusterNode);
      // The load other nodes compare when they pick a switchboard: conversations open here.
      loadTimer = setInterval(() => clusterNode.cluster.setLoad(ctx.switchboards.sessionCount), 1000);
      loadTimer.unref();
    }
    const stopCluster = async (): Promise<void> => {
      if (loadTimer !== undefined) clearInterval(loadTimer);
      await clusterNode?.cluster.stop();
    };

    cfg.logger.log('info', 'server-started', { host: cfg.host, nsPort, sbPort, httpPort, httpsPort, dispatchPort, md5Login: cfg.md5Login, store: cfg.postgres === undefined ? 'sqlite' : 'postgres' });

    let stopping: Promise<void> | undefined;
    return {
      host: cfg.host,
      nsPort,
      sbPort,
      httpPort,
      httpsPort,
      dispatchPort,
      nexusUrl: `http://${cfg.publicHost}:${httpPort}/rdr/pprdr.asp`,
      nexusHttpsUrl: httpsPort === undefined ? undefined : `https://${cfg.publicHost}:${httpsPort}/rdr/pprdr.asp`,
      accounts,
      stats: () => ({ signedIn: presence.size, switchboards: ctx.switchboards.sessionCount, connections: connections.size }),
      stop: () => (stopping ??= shutdown(cfg, ctx, listeners, httpServers, connections, sockets, closeStore, stopCluster)),
    };
  } catch (err) {
    for (const l of listeners) l.close();
    for (const h of httpServers) h.close();
    await clusterNode?.cluster.stop().catch(() => undefined);
    await closeStore();
    throw err;
  }
}

function makeCluster(c: ClusterConfig, cfg: ResolvedConfig): Cluster {
  if (c.instance !== undefined) return c.instance;
  if (c.redisUrl === undefined) throw new Error('cluster: no redisUrl');
  return new RedisCluster({
    url: c.redisUrl,
    nodeId: c.nodeId,
    ttlMs: c.ttlMs,
    keyPrefix: c.keyPrefix,
    onError: (event, err) => cfg.logger.log('warn', event, { error: String(err) }),
  });
}

/** A key for one purpose from the cluster's shared secret (HKDF-SHA256). */
function derivedKey(c: ClusterConfig, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', c.secret, 'monarch-cluster', purpose, 32));
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** How long stop() waits for clients to read `OUT SSD` and close before cutting them off. */
const SHUTDOWN_GRACE_MS = 1500;

async function shutdown(
  cfg: ResolvedConfig,
  ctx: ServerContext,
  listeners: Server[],
  httpServers: HttpServer[],
  connections: Set<Connection>,
  sockets: Set<Socket>,
  closeStore: () => Promise<void>,
  stopCluster: () => Promise<void>,
): Promise<void> {
  cfg.logger.log('info', 'server-stopping', { connections: connections.size });
  const closedListeners = [...listeners, ...httpServers].map((s) => new Promise<void>((r) => s.close(() => r())));
  // MSNP.md §5.5: OUT SSD to every signed-in client, then close.
  for (const ep of [...ctx.presence.all()]) ep.kick('SSD');
  for (const c of connections) c.end('server shutting down');
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const s of sockets) s.destroy();
  for (const h of httpServers) (h as HttpServer & { closeAllConnections?: () => void }).closeAllConnections?.();
  await Promise.all(closedListeners);
  await stopCluster().catch((err: unknown) => cfg.logger.log('warn', 'cluster-stop-failed', { error: String(err) }));
  await closeStore();
  cfg.logger.log('info', 'server-stopped', {});
}
