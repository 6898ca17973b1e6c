/**
 * The outside services some server tests need: PostgreSQL (the cluster's store) and Redis (the
 * cluster's directory and inboxes), both on loopback.
 *
 * Where they are comes from the environment, which `scripts/test-services.sh` (run by `.ci/run`)
 * sets up: `MONARCH_TEST_POSTGRES_URL` (a role that may create databases) and
 * `MONARCH_TEST_REDIS_URL`. A test that needs one and finds it missing is skipped on a
 * developer's machine but fails in CI (`CI=true`): a cluster that was never tested must not look
 * green.
 *
 * Tests never share state through these services: each PostgreSQL test gets a database of its own
 * (`freshDatabase`), and a test that restarts Redis runs a Redis of its own (`spawnRedis`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, it } from 'vitest';
import pg from 'pg';

export type ServiceName = 'postgres' | 'redis';

const ENV: Record<ServiceName, string> = {
  postgres: 'MONARCH_TEST_POSTGRES_URL',
  redis: 'MONARCH_TEST_REDIS_URL',
};

/** The service's URL from the environment, or undefined. */
export function serviceUrl(name: ServiceName): string | undefined {
  const v = process.env[ENV[name]];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * `describe` for tests that need the named services: runs them when all are configured; otherwise
 * skips them, except in CI where one test fails saying what is missing.
 */
export function describeWithServices(services: readonly ServiceName[], title: string, body: () => void): void {
  const missing = services.filter((s) => serviceUrl(s) === undefined);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const what = missing.map((s) => ENV[s]).join(' and ');
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${what}`, () => {
        throw new Error(`${title}: ${what} not set; .ci/run starts PostgreSQL and Redis (scripts/test-services.sh)`);
      });
    });
  } else {
    describe.skip(`${title} (skipped: ${what} not set; see scripts/test-services.sh)`, body);
  }
}

export interface TestDatabase {
  /** A connection URL to a database that exists only for this test. */
  readonly url: string;
  /** Drops it (closing what is still connected to it). */
  drop(): Promise<void>;
}

/** Creates an empty database of its own for one test (or one suite). */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = serviceUrl('postgres');
  if (base === undefined) throw new Error('MONARCH_TEST_POSTGRES_URL is not set');
  const name = `monarch_test_${randomBytes(6).toString('hex')}`;
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
  /** Kills it (SIGKILL: nothing is saved, as in a crash) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/**
 * A Redis of the test's own, on loopback and an OS-chosen port, with no persistence: for tests
 * that stop and restart it. Needs `redis-server` on the PATH (Debian's redis-server package).
 */
export async function spawnRedis(): Promise<SpawnedRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const c = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) {
          c.stdout?.off('data', onData);
          c.stdout?.resume();
          resolve();
        }
      };
      c.stdout?.on('data', onData);
      c.once('error', reject);
      c.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-500)}`)));
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    start,
  };
}
