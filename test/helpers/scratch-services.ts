/**
 * Scratch PostgreSQL databases and Redis servers of one test's or one benchmark run's own, on
 * loopback. No test runner is imported here, so `npm run bench:server -- --cluster N` (a plain
 * script, bench/server/cluster.ts) uses the same code as the tests (services.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
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
 */
export async function spawnRedis(startTimeoutMs = 30_000): Promise<SpawnedRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  const start = async (): Promise<void> => {
    const c = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    process.once('exit', killOnExit);
    c.once('exit', () => process.off('exit', killOnExit));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new Error(`redis-server did not start within ${startTimeoutMs} ms: ${out.slice(-300)}`));
      }, startTimeoutMs);
      const onData = (b: Buffer): void => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
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
        reject(new Error(`cannot start redis-server (Debian package redis-server): ${e.message}`));
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-500)}`));
      });
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
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
  };
}
