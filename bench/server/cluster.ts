/**
 * `--cluster N` (issue 13): the bundled server as N node processes sharing one PostgreSQL and one
 * Redis, as `npm run server -- --postgres … --redis … --node-id … --cluster-secret-file …` runs
 * them (server/README.md, "Cluster"). Each node is a `server-child.ts` process (bundled-server.ts)
 * given those flags, so its CPU and RSS are read from /proc apart from the others'.
 *
 * What the run owns, and removes at the end: a fresh PostgreSQL database (made with the role of
 * `--postgres`, which must be allowed to create databases; the bench never touches another
 * database), a Redis of its own (`redis-server` on an OS-chosen loopback port, no persistence: its
 * CPU is read as well, and nobody else's keys or traffic are in it), and the shared secret file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { BundledServer } from './bundled-server';

export interface BenchClusterOptions {
  readonly nodes: number;
  /** A PostgreSQL URL whose role may create databases (the bench makes one of its own there). */
  readonly postgres: string;
  readonly timeoutMs: number;
  readonly verbose: boolean;
  readonly liftRateLimit: boolean;
}

export class BenchCluster {
  private constructor(
    readonly nodes: readonly BundledServer[],
    private readonly redis: ChildProcess,
    private readonly database: FreshDatabase,
    private readonly dir: string,
  ) {}

  /** The run's own database (dropped by `stop`). */
  get databaseName(): string {
    return this.database.name;
  }

  get redisPid(): number {
    return this.redis.pid as number;
  }

  /** The node ids, `n0` … `n<N-1>`: user i signs in on node i mod N. */
  static nodeId(i: number): string {
    return `n${i}`;
  }

  static async start(opts: BenchClusterOptions): Promise<BenchCluster> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'monarch-bench-cluster-'));
    const secretFile = path.join(dir, 'cluster.key');
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    let database: FreshDatabase | undefined;
    let redis: { child: ChildProcess; url: string } | undefined;
    const nodes: BundledServer[] = [];
    try {
      database = await freshDatabase(opts.postgres);
      redis = await spawnRedis(opts.timeoutMs);
      // The first node migrates the empty database; the others then start together.
      const start = (i: number): Promise<BundledServer> =>
        BundledServer.start({
          timeoutMs: opts.timeoutMs,
          verbose: opts.verbose,
          liftRateLimit: opts.liftRateLimit,
          dataDir: undefined,
          cluster: { postgres: (database as FreshDatabase).url, redis: (redis as { url: string }).url, nodeId: BenchCluster.nodeId(i), secretFile },
        });
      nodes.push(await start(0));
      nodes.push(...(await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, i) => start(i + 1)))));
      return new BenchCluster(nodes, redis.child, database, dir);
    } catch (e) {
      await Promise.all(nodes.map((n) => n.stop(opts.timeoutMs)));
      redis?.child.kill('SIGKILL');
      await database?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Stops every node (gracefully, killed after the timeout), then Redis; drops the database. */
  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop(timeoutMs)));
    if (this.redis.exitCode === null && this.redis.signalCode === null) {
      await new Promise<void>((resolve) => {
        this.redis.once('exit', () => resolve());
        this.redis.kill('SIGKILL');
      });
    }
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** An empty database of the run's own on the server of `base` (as test/helpers/services.ts does). */
async function freshDatabase(base: string): Promise<FreshDatabase> {
  const name = `monarch_bench_${randomBytes(6).toString('hex')}`;
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

function freePort(): Promise<number> {
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

/** `redis-server` (Debian's package) on loopback, no persistence; killed with the bench. */
async function spawnRedis(timeoutMs: number): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within ${timeoutMs} ms: ${out.slice(-300)}`));
    }, timeoutMs);
    const onData = (b: Buffer): void => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start redis-server (Debian package redis-server): ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-300)}`));
    });
  });
  return { child, url: `redis://127.0.0.1:${port}` };
}
