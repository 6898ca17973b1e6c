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
import { describe, it } from 'vitest';
import { scratchDatabase, type ScratchDatabase } from './scratch-services';

/** A Redis of the test's own (for tests that stop and restart it), and a free port. */
export { freePort, spawnRedis, type SpawnedRedis } from './scratch-services';

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

export type TestDatabase = ScratchDatabase;

/** Creates an empty database of its own for one test (or one suite). */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = serviceUrl('postgres');
  if (base === undefined) throw new Error('MONARCH_TEST_POSTGRES_URL is not set');
  return scratchDatabase(base, 'monarch_test');
}
