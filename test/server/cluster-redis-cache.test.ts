/**
 * The Redis cluster's copy of the directory (server/cluster/redis.ts, "The directory, cached"):
 * a presence change locates its watchers without a Redis round trip once they have been read or
 * announced, and the copy follows every claim, release and dead node. Against a Redis of the
 * test's own, whose `INFO commandstats` counts the `MGET`s.
 */
import { expect, it, afterEach } from 'vitest';
import { Redis } from 'ioredis';
import type { ClusterEvents } from '../../server/cluster/cluster';
import { RedisCluster } from '../../server/cluster/redis';
import { describeWithServices, spawnRedis, type SpawnedRedis } from '../helpers/services';
import { liveSessions, trackClaims } from './helpers/live-sessions';

function events(c: RedisCluster): ClusterEvents {
  const live = liveSessions();
  trackClaims(c, live);
  return { ...live, message: () => {}, nodeDown: () => {}, fenced: () => {}, recovered: () => {} };
}

const started: RedisCluster[] = [];
const redises: SpawnedRedis[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
  await Promise.all(redises.splice(0).map((r) => r.stop()));
});

async function node(id: string, url: string, ttlMs = 60_000): Promise<RedisCluster> {
  const c = new RedisCluster({ url, nodeId: id, ttlMs });
  await c.start({ ns: '127.0.0.1:1863', sb: '127.0.0.1:1864' }, events(c));
  started.push(c);
  return c;
}

async function mgets(url: string): Promise<number> {
  const r = new Redis(url);
  try {
    const info = await r.info('commandstats');
    return Number(/cmdstat_mget:calls=(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    r.disconnect();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const where = async (c: RedisCluster, h: string): Promise<string | undefined> => (await c.locate([h], { cached: true })).get(h)?.node;

describeWithServices(['redis'], 'Redis cluster: the directory cached on each node', () => {
  it('locates watchers read before without asking Redis again, and follows claims, releases and moves', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const a = await node('a', redis.url);
    const b = await node('b', redis.url);
    await b.claim('w1@x.com', 's1');
    await b.claim('w2@x.com', 's2');

    // The first change reads the directory; the next ones do not (a presence storm's case).
    const before = await mgets(redis.url);
    const first = await a.locate(['w1@x.com', 'w2@x.com', 'off@x.com'], { cached: true });
    expect([...first].map(([h, r]) => `${h} ${r.node} ${r.session}`).sort()).toEqual(['w1@x.com b s1', 'w2@x.com b s2']);
    for (let i = 0; i < 20; i++) expect((await a.locate(['w1@x.com', 'w2@x.com', 'off@x.com'], { cached: true })).size).toBe(2);
    expect((await mgets(redis.url)) - before).toBe(1);
    // Without `cached` (every other use: a CAL's ring, a reverse-list change) Redis is asked.
    expect((await a.locate(['w1@x.com'])).get('w1@x.com')?.node).toBe('b');
    expect((await mgets(redis.url)) - before).toBe(2);

    // Signed in (the one who was offline), signed in again elsewhere, signed out: each is heard.
    await b.claim('off@x.com', 's3');
    await until(async () => (await where(a, 'off@x.com')) === 'b');
    await a.claim('w1@x.com', 's4');
    await until(async () => (await where(a, 'w1@x.com')) === 'a');
    await b.release('w2@x.com', 's2');
    await until(async () => (await where(a, 'w2@x.com')) === undefined);
    // All of it from the copy.
    expect((await mgets(redis.url)) - before).toBe(2);
  });

  it('answers in the order asked: an answer from the copy never overtakes one still waiting for Redis', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const a = await node('a', redis.url);
    const b = await node('b', redis.url);
    await b.claim('w@x.com', 's1');
    await a.locate(['w@x.com'], { cached: true });
    // A presence change whose watchers are partly unknown, then one whose watchers are all known:
    // their publications must keep that order.
    const order: string[] = [];
    const first = a.locate(['w@x.com', 'new@x.com'], { cached: true }).then(() => order.push('first'));
    // Nor at once (`locateCached`, presence fan-out's first try) while that one waits.
    expect(a.locateCached(['w@x.com'])).toBeUndefined();
    const second = a.locate(['w@x.com'], { cached: true }).then(() => order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    // With nothing waiting, the copy answers at once again, and synchronously.
    const before = await mgets(redis.url);
    await a.locate(['w@x.com'], { cached: true });
    expect(await mgets(redis.url)).toBe(before);
    expect([...(a.locateCached(['w@x.com', 'new@x.com']) ?? [])].map(([h, r]) => `${h} ${r.node}`)).toEqual(['w@x.com b']);
    // A handle the copy does not hold: no answer at once (the caller asks Redis through `locate`).
    expect(a.locateCached(['w@x.com', 'unknown@x.com'])).toBeUndefined();
  });

  it('a dead node’s users are gone from the copy with its node-down announcement', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const a = await node('a', redis.url, 1200);
    const b = new RedisCluster({ url: redis.url, nodeId: 'b', ttlMs: 1200 });
    await b.start({ ns: '127.0.0.1:1', sb: '127.0.0.1:2' }, events(b));
    await b.claim('w@x.com', 's1');
    expect(await where(a, 'w@x.com')).toBe('b');
    b.abandon();
    await until(async () => (await where(a, 'w@x.com')) === undefined, 6000);
  });

  it('nothing stale survives Redis restarting empty: the copy is dropped with the subscription', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const a = await node('a', redis.url, 1200);
    const b = await node('b', redis.url, 1200);
    await b.claim('w@x.com', 's1');
    expect(await where(a, 'w@x.com')).toBe('b');
    await redis.stop();
    await redis.start();
    // The directory is empty now (b re-claims only sessions its server still has; here none).
    await until(async () => (await where(a, 'w@x.com').catch(() => 'error')) === undefined, 8000);
  });
});
