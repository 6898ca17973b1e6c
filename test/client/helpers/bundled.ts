/**
 * Integration helpers: the bundled server on 127.0.0.1 with OS-chosen ports, clients pinned to
 * one dialect, and an event recorder with `waitFor`.
 */
import { afterEach } from 'vitest';
import type { DomainEvent, DomainEventType } from '../../../shared/model';
import type { Dialect } from '../../../shared/msnp';
import { MsnClient, type MsnClientOptions } from '../../../electron/core/msn/client';
import { startServer, type RunningServer, type ServerConfig } from '../../../server/index';
import type { Network } from '../../server/helpers/network';

export async function startBundled(config: ServerConfig = {}): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', nsPort: 0, sbPort: 0, httpPort: 0, ...config });
}

/** The bundled server (or a network of nodes) and the clients of the running test (see `bundledPerTest`). */
export interface BundledScope {
  server: RunningServer | undefined;
  /** A network (test/server/helpers/network.ts: one process or a cluster's nodes), stopped like `server`. */
  network?: Network | undefined;
  readonly clients: MsnClient[];
}

/**
 * Registers the clean-up every bundled-server test needs (call at module level): after each test,
 * every client pushed to `clients` signs out, then `server` (and `network`) stops.
 */
export function bundledPerTest(): BundledScope {
  const scope: BundledScope = { server: undefined, network: undefined, clients: [] };
  afterEach(async () => {
    for (const c of scope.clients.splice(0)) await c.signOut();
    await scope.server?.stop();
    scope.server = undefined;
    await scope.network?.stop();
    scope.network = undefined;
  });
  return scope;
}

export function clientFor(server: RunningServer, dialect: Dialect, extra: Partial<MsnClientOptions> = {}): MsnClient {
  return new MsnClient({
    server: { host: server.host, port: server.nsPort, dialects: { min: dialect, max: dialect }, nexusUrl: server.nexusUrl },
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, jitter: 0, shutdownDelayMs: 300 },
    requestTimeoutMs: 5000,
    ...extra,
  });
}

export class Recorder {
  readonly events: DomainEvent[] = [];
  private readonly waiters: { pred: (e: DomainEvent) => boolean; resolve: (e: DomainEvent) => void }[] = [];
  readonly off: () => void;

  constructor(client: MsnClient) {
    this.off = client.onEvent((e) => {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.pred(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
  }

  of<K extends DomainEventType>(type: K): Extract<DomainEvent, { type: K }>[] {
    return this.events.filter((e): e is Extract<DomainEvent, { type: K }> => e.type === type);
  }

  /** The first event (already seen, or future) of `type` matching `pred`. */
  waitFor<K extends DomainEventType>(type: K, pred: (e: Extract<DomainEvent, { type: K }>) => boolean = () => true, ms = 15_000): Promise<Extract<DomainEvent, { type: K }>> {
    const match = (e: DomainEvent): boolean => e.type === type && pred(e as Extract<DomainEvent, { type: K }>);
    const seen = this.events.find(match);
    if (seen !== undefined) return Promise.resolve(seen as Extract<DomainEvent, { type: K }>);
    return this.next(type, pred, ms);
  }

  /** The next future event of `type` matching `pred`. */
  next<K extends DomainEventType>(type: K, pred: (e: Extract<DomainEvent, { type: K }>) => boolean = () => true, ms = 15_000): Promise<Extract<DomainEvent, { type: K }>> {
    const match = (e: DomainEvent): boolean => e.type === type && pred(e as Extract<DomainEvent, { type: K }>);
    return new Promise((resolve, reject) => {
      const w = {
        pred: match,
        resolve: (e: DomainEvent) => {
          clearTimeout(t);
          resolve(e as Extract<DomainEvent, { type: K }>);
        },
      };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no ${type} event within ${ms} ms; saw: ${this.events.map((e) => e.type).join(', ')}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  clear(): void {
    this.events.length = 0;
  }
}
