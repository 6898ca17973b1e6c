/**
 * Scratch PostgreSQL databases and Redis servers of one test's or one benchmark run's own, on
 * loopback. No test runner is imported here, so `npm run bench:server -- --cluster N` (a plain
 * script, bench/server/cluster.ts) uses the same code as the tests (services.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface ScratchDatabase {
  /** Its name (`<prefix>_<12 hex digits>`). */
  readonly name: string;
  /** A connection URL to it. */
  readonly url: string;
  /** Drops it (closing what is still connected to it). */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the server of `base`, whose role must be allowed to create
 * databases. `prefix` says whose it is in `\l` (`monarch_test`, `monarch_bench`).
 */
export async function scratchDatabase(base: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_]{1,40}$/.test(prefix)) throw new Error(`database prefix ${JSON.stringify(prefix)}: use a-z and _`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A port the OS says is free now (bound, then released, for a child process to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface SpawnedRedis {
  readonly url: string;
  readonly port: number;
  /** The running `redis-server`'s process id (for reading its CPU), or undefined while stopped. */
  readonly pid: number | undefined;
  /** Kills it (SIGKILL: nothing is saved, as in a crash) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/**
 * `redis-server` (Debian's redis-server package) on loopback and an OS-chosen port, with no
 * persistence, killed if this process exits. Each start waits at most `startTimeoutMs`.
 * `extraArgs` go on its command line (`--replicaof 127.0.0.1 <port>` for a replica).
 */
export async function spawnRedis(startTimeoutMs = 30_000, extraArgs: readonly string[] = []): Promise<SpawnedRedis> {
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', ...extraArgs];
  const p = redisProcess('redis-server', args, 'Ready to accept connections', startTimeoutMs);
  await p.start();
  const { control } = p;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return control.pid;
    },
    stop: () => control.stop(),
    start: () => control.start(),
  };
}

/** One `redis-server` process that can be killed and started again; `start` waits for `readyText` on its log. */
function redisProcess(
  what: string,
  args: readonly string[],
  readyText: string,
  startTimeoutMs: number,
): { start(): Promise<void>; control: Pick<SpawnedRedis, 'pid' | 'stop' | 'start'> } {
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  const start = async (): Promise<void> => {
    const c = spawn('redis-server', [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    process.once('exit', killOnExit);
    c.once('exit', () => process.off('exit', killOnExit));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new Error(`${what} did not start within ${startTimeoutMs} ms: ${out.slice(-300)}`));
      }, startTimeoutMs);
      const onData = (b: Buffer): void => {
        out += b.toString();
        if (out.includes(readyText)) {
          clearTimeout(timer);
          c.stdout?.off('data', onData);
          c.stdout?.resume();
          resolve();
        }
      };
      c.stdout?.on('data', onData);
      c.stderr?.resume();
      c.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${what} (Debian package redis-server): ${e.message}`));
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${code}) before it was ready: ${out.slice(-500)}`));
      });
    });
  };
  return {
    start,
    control: {
      get pid() {
        return child !== undefined && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
      },
      async stop() {
        const c = child;
        child = undefined;
        if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
        await new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        });
      },
      start,
    },
  };
}

export interface SpawnedSentinelSet {
  /** `redis+sentinel://127.0.0.1:<sentinel port>/<primaryName>`: what a node is given. */
  readonly url: string;
  readonly primaryName: string;
  /** The primary the set started with, and its replica (which a failover promotes). */
  readonly primary: SpawnedRedis;
  readonly replica: SpawnedRedis;
  readonly sentinelPort: number;
  /** The port of the server the Sentinel names as primary now. */
  primaryPort(): Promise<number>;
  /** `SENTINEL FAILOVER`: the replica is promoted and the primary, still running, made its replica. */
  requestFailover(): Promise<void>;
  /** One command to the server (or the Sentinel) on `port`, on a connection of its own. */
  query(port: number, command: readonly [string, ...string[]]): Promise<unknown>;
  /** Waits (at most `timeoutMs`) until the Sentinel names a primary on another port than `port`; returns it. */
  waitForNewPrimary(port: number, timeoutMs: number): Promise<number>;
  /** Kills all three. */
  stop(): Promise<void>;
}

/**
 * A primary, one replica and one Sentinel (quorum 1), all `redis-server` on loopback and
 * OS-chosen ports, without persistence: a Redis that fails over, for tests. Resolves once the
 * replica is in sync and the Sentinel knows it (so killing the primary gets it promoted), each
 * wait bounded by `timeoutMs`. `downAfterMs` is the Sentinel's `down-after-milliseconds`.
 *
 * `redis-server <conf> --sentinel` is what Debian's redis-sentinel package runs too: that package
 * adds only a `redis-sentinel` link to the same program, a config file and a service unit, so
 * redis-server is all the tests need.
 */
export async function spawnSentinelSet(options: { readonly downAfterMs?: number; readonly timeoutMs?: number } = {}): Promise<SpawnedSentinelSet> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const downAfterMs = options.downAfterMs ?? 500;
  const primaryName = 'monarch-test';
  const started: SpawnedRedis[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'monarch-sentinel-'));
  let sentinel: ReturnType<typeof redisProcess> | undefined;
  const stopAll = async (): Promise<void> => {
    await sentinel?.control.stop();
    for (const r of started) await r.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A replica's first full sync waits repl-diskless-sync-delay (5 s by default) for others to join;
    // the replica writes what it receives to a file (dump.rdb), in `dir`, not the current directory.
    const common = ['--repl-diskless-sync-delay', '0', '--dir', dir];
    const primary = await spawnRedis(timeoutMs, common);
    started.push(primary);
    const replica = await spawnRedis(timeoutMs, ['--replicaof', '127.0.0.1', String(primary.port), ...common]);
    started.push(replica);
    // In sync before the Sentinel starts: its first INFO of the primary then lists the replica
    // (the next comes 10 s later).
    await until(timeoutMs, 'the replica to sync', async () => /master_link_status:up/.test(String(await ask(replica.port, ['INFO', 'replication']))));
    const sentinelPort = await freePort();
    // The Sentinel rewrites its configuration file, so it lives in a directory of its own.
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${primaryName} 127.0.0.1 ${primary.port} 1`,
        `sentinel down-after-milliseconds ${primaryName} ${downAfterMs}`,
        `sentinel failover-timeout ${primaryName} ${Math.max(4 * downAfterMs, 3000)}`,
        `sentinel parallel-syncs ${primaryName} 1`,
        '',
      ].join('\n'),
    );
    sentinel = redisProcess('redis-server --sentinel', [conf, '--sentinel'], '+monitor master', timeoutMs);
    await sentinel.start();
    await until(timeoutMs, 'the Sentinel to know the replica in sync', async () => {
      const replicas = (await ask(sentinelPort, ['SENTINEL', 'REPLICAS', primaryName])) as string[][];
      return replicas.some((r) => {
        const f = fields(r);
        return f.port === String(replica.port) && f.flags === 'slave' && f['master-link-status'] === 'ok';
      });
    });
    const primaryPort = async (): Promise<number> => {
      const addr = (await ask(sentinelPort, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', primaryName])) as [string, string];
      return Number(addr[1]);
    };
    return {
      url: `redis+sentinel://127.0.0.1:${sentinelPort}/${primaryName}`,
      primaryName,
      primary,
      replica,
      sentinelPort,
      primaryPort,
      async requestFailover() {
        await ask(sentinelPort, ['SENTINEL', 'FAILOVER', primaryName]);
      },
      query: ask,
      async waitForNewPrimary(port, waitMs) {
        let now = port;
        await until(waitMs, `the Sentinel to promote a new primary instead of port ${port}`, async () => (now = await primaryPort()) !== port);
        return now;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** One command to the Redis (or Sentinel) on a loopback port, on a connection of its own. */
async function ask(port: number, command: readonly [string, ...string[]]): Promise<unknown> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000, commandTimeout: 2000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const [name, ...args] = command;
    return await r.call(name, ...args);
  } finally {
    r.disconnect();
  }
}

/** A flat [name, value, name, value, …] reply as an object. */
function fields(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

/** Polls `check` (every 50 ms, errors counting as not yet) until it holds; fails after `timeoutMs`. */
async function until(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) throw new Error(`waited ${timeoutMs} ms for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
