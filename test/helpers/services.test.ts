/**
 * The test services themselves (test/helpers/services.ts): a database of the test's own, and a
 * Redis the test can kill and start again. In CI these fail when PostgreSQL or Redis is missing.
 */
import { afterAll, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { describeWithServices, freshDatabase, serviceUrl, spawnRedis, type SpawnedRedis } from './services';

describeWithServices(['postgres'], 'PostgreSQL for tests', () => {
  it('gives each test an empty database of its own, and drops it', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    expect(a.url).not.toBe(b.url);
    const c = new pg.Client({ connectionString: a.url });
    // Dropping the database ends this connection from the server's side.
    const ended: Error[] = [];
    c.on('error', (e) => ended.push(e));
    await c.connect();
    await c.query('CREATE TABLE t (v int)');
    await c.query('INSERT INTO t VALUES (42)');
    expect((await c.query<{ v: number }>('SELECT v FROM t')).rows).toEqual([{ v: 42 }]);
    await a.drop();
    await expect(c.query('SELECT 1')).rejects.toThrow();
    expect(ended.length).toBeGreaterThan(0);
    await c.end().catch(() => undefined);
    const d = new pg.Client({ connectionString: b.url });
    await d.connect();
    expect((await d.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 't'`)).rows[0]).toEqual({ n: 0 });
    await d.end();
    await b.drop();
  });
});

describeWithServices(['redis'], 'Redis for tests', () => {
  let spawned: SpawnedRedis | undefined;
  afterAll(async () => {
    await spawned?.stop();
  });

  it('reaches the shared Redis', async () => {
    const r = new Redis(serviceUrl('redis') ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
  });

  it('runs a Redis of the test own that can be killed and started again, empty', async () => {
    spawned = await spawnRedis();
    const r = new Redis(spawned.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    r.on('error', () => undefined); // refused while it is down: expected here
    await r.set('k', 'v');
    expect(await r.get('k')).toBe('v');
    await spawned.stop();
    await expect(r.get('k')).rejects.toThrow();
    await spawned.start();
    await expect.poll(() => r.get('k').catch(() => 'down'), { timeout: 5000 }).toBe(null);
    r.disconnect();
  });
});
