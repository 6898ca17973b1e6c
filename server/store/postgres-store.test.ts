/**
 * The PostgreSQL store: the shared Store contract (store-suite.ts) against a database of its own
 * per test, plus what is PostgreSQL's own: migrations under an advisory lock when nodes start
 * together, a schema from a newer server refused, shared secrets, and `StoreUnavailableError`
 * when PostgreSQL cannot be reached. Needs MONARCH_TEST_POSTGRES_URL (scripts/test-services.sh);
 * fails in CI without it.
 */
import { createServer, type AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import pg from 'pg';
import { describeWithServices, freshDatabase, type TestDatabase } from '../../test/helpers/services';
import { openPostgresStore } from './postgres-store';
import { LATEST_POSTGRES_SCHEMA_VERSION } from './postgres-migrations';
import { SchemaTooNewError, StoreUnavailableError } from './store';
import { describeStoreSuite } from './store-suite';

describeWithServices(['postgres'], 'PostgresStore', () => {
  describeStoreSuite('PostgreSQL', async () => {
    const db = await freshDatabase();
    return { open: () => openPostgresStore({ url: db.url }), cleanup: () => db.drop() };
  });

  async function withDatabase(fn: (db: TestDatabase) => Promise<void>): Promise<void> {
    const db = await freshDatabase();
    try {
      await fn(db);
    } finally {
      await db.drop();
    }
  }

  it('migrates once when several nodes start on an empty database at the same time', async () => {
    await withDatabase(async (db) => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: db.url, maxConnections: 2 })));
      try {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          const r = await c.query<{ version: number }>('SELECT version FROM monarch_schema ORDER BY version');
          expect(r.rows.map((row) => row.version)).toEqual(Array.from({ length: LATEST_POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
        } finally {
          await c.end();
        }
        // Every node works on the one schema.
        await stores[0]!.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: { passwordHash: 'x', md5Secret: undefined }, now: 1 });
        expect((await stores[3]!.getUser('a@example.com'))?.handle).toBe('a@example.com');
      } finally {
        for (const s of stores) await s.close();
      }
    });
  });

  it('refuses a database from a newer server', async () => {
    await withDatabase(async (db) => {
      await (await openPostgresStore({ url: db.url })).close();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('INSERT INTO monarch_schema (version, applied_at) VALUES ($1, 0)', [LATEST_POSTGRES_SCHEMA_VERSION + 1]);
      await c.end();
      await expect(openPostgresStore({ url: db.url })).rejects.toThrow(SchemaTooNewError);
    });
  });

  it('keeps one value per shared secret: the first node to store it wins, every node reads it', async () => {
    await withDatabase(async (db) => {
      const [a, b] = await Promise.all([openPostgresStore({ url: db.url }), openPostgresStore({ url: db.url })]);
      try {
        const [fromA, fromB] = await Promise.all([
          a.sharedSecret('md5-secret', () => new Uint8Array(32).fill(1)),
          b.sharedSecret('md5-secret', () => new Uint8Array(32).fill(2)),
        ]);
        expect(fromA).toEqual(fromB);
        expect([1, 2]).toContain(fromA[0]);
        expect(await b.sharedSecret('md5-secret', () => new Uint8Array(32).fill(3))).toEqual(fromA);
        expect(await a.sharedSecret('sso-secret', () => new Uint8Array(32).fill(4))).toEqual(new Uint8Array(32).fill(4));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  it('answers StoreUnavailableError, not a crash or a hang, when PostgreSQL cannot be reached', async () => {
    // A port with nothing listening: connections are refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(openPostgresStore({ url: `postgres://nobody@127.0.0.1:${port}/none`, connectTimeoutMs: 2000 })).rejects.toThrow(StoreUnavailableError);

    // Reached, then cut: the pooled connections are killed from the server side.
    await withDatabase(async (db) => {
      const store = await openPostgresStore({ url: db.url });
      try {
        await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: { passwordHash: 'x', md5Secret: undefined }, now: 1 });
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'monarch-server'");
        await admin.end();
        // The pool notices the dead connection and opens a new one, or the call fails as unavailable;
        // either way no other kind of error and no crash.
        const after = await store.getUser('a@example.com').catch((e: unknown) => e);
        if (after instanceof Error) expect(after).toBeInstanceOf(StoreUnavailableError);
        expect((await store.getUser('a@example.com'))?.handle).toBe('a@example.com');
      } finally {
        await store.close();
      }
    });
  });
});
