/**
 * The Redis cluster against a real Redis (server/cluster/redis.ts): the directory, inboxes,
 * single-use keys, dead-node detection and clean-up, fencing and recovery. The shared Redis is
 * used with a key prefix per test; tests that stop Redis run their own (`spawnRedis`).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ClusterEvents, ClusterMessage } from '../../server/cluster/cluster';
import { RedisCluster } from '../../server/cluster/redis';
import { describeWithServices, serviceUrl, spawnRedis, type SpawnedRedis } from '../helpers/services';
import { liveSessions, trackClaims, type TrackedSessions } from './helpers/live-sessions';

interface Recorder extends ClusterEvents, TrackedSessions {
  readonly messages: Array<{ from: string; message: ClusterMessage }>;
  readonly downs: Array<{ node: string; handles: string[] }>;
  fences: number;
  recoveries: number;
}

function recorder(): Recorder {
  const r: Recorder = {
    ...liveSessions(),
    messages: [],
    downs: [],
    fences: 0,
    recoveries: 0,
    message: (from, message) => r.messages.push({ from, message }),
    nodeDown: (node, handles) => r.downs.push({ node, handles: [...handles].sort() }),
    fenced: () => void r.fences++,
    recovered: () => void r.recoveries++,
  };
  return r;
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const started: RedisCluster[] = [];
const redises: SpawnedRedis[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
  await Promise.all(redises.splice(0).map((r) => r.stop()));
});

async function node(id: string, prefix: string, opts: { url?: string; ttlMs?: number } = {}): Promise<{ c: RedisCluster; ev: Recorder }> {
  const c = new RedisCluster({ url: opts.url ?? (serviceUrl('redis') as string), nodeId: id, keyPrefix: prefix, ttlMs: opts.ttlMs ?? 1200 });
  const ev = recorder();
  trackClaims(c, ev);
  await c.start({ ns: `127.0.0.1:${id.length}1863`, sb: `127.0.0.1:${id.length}1864` }, ev);
  started.push(c);
  return { c, ev };
}

const freshPrefix = (): string => `test:${randomBytes(6).toString('hex')}:`;

describeWithServices(['redis'], 'Redis cluster', () => {
  it('registers nodes with their addresses and load', async () => {
    const p = freshPrefix();
    const a = await node('a', p);
    await node('bb', p);
    a.c.setLoad(7);
    await new Promise((r) => setTimeout(r, 500));
    const nodes = (await a.c.nodes()).sort((x, y) => x.id.localeCompare(y.id));
    expect(nodes.map((n) => n.id)).toEqual(['a', 'bb']);
    expect(nodes[0]).toMatchObject({ ns: '127.0.0.1:11863', sb: '127.0.0.1:11864', load: 7 });
    expect(nodes[1]).toMatchObject({ ns: '127.0.0.1:21863', load: 0 });
  });

  it('claim returns the previous holder; release only while ours; locate many at once', async () => {
    const p = freshPrefix();
    const { c: a } = await node('a', p);
    const { c: b } = await node('b', p);
    expect(await a.claim('alice@x.com', 's1')).toBeUndefined();
    expect(await a.claim('carol@x.com', 's2')).toBeUndefined();
    // Alice signs in again on b: the claim names a's session as the one to kick.
    expect(await b.claim('alice@x.com', 's9')).toEqual({ node: 'a', session: 's1' });
    // a's late release of its replaced session must not evict b's.
    expect(await a.release('alice@x.com', 's1')).toBe(false);
    const where = await a.locate(['alice@x.com', 'bob@x.com', 'carol@x.com']);
    expect(Object.fromEntries(where)).toEqual({ 'alice@x.com': { node: 'b', session: 's9' }, 'carol@x.com': { node: 'a', session: 's2' } });
    expect(await a.release('carol@x.com', 's2')).toBe(true);
    expect((await b.locate(['carol@x.com'])).size).toBe(0);
    // reclaim never overwrites another holder.
    expect(await a.reclaim('alice@x.com', 's1')).toEqual({ node: 'b', session: 's9' });
    expect(await a.reclaim('dave@x.com', 's3')).toBeUndefined();
    expect(Object.fromEntries(await b.locate(['dave@x.com']))).toEqual({ 'dave@x.com': { node: 'a', session: 's3' } });
  });

  it('delivers to each node its own inbox, in order per sender', async () => {
    const p = freshPrefix();
    const a = await node('a', p);
    const b = await node('b', p);
    const c = await node('c', p);
    for (let i = 0; i < 300; i++) a.c.send('b', { type: 'n', i, bytes: Buffer.from([i & 255]).toString('base64') });
    c.c.send('b', { type: 'from-c' });
    a.c.send('c', { type: 'for-c' });
    await waitFor(() => b.ev.messages.length === 301 && c.ev.messages.length === 1);
    const fromA = b.ev.messages.filter((m) => m.from === 'a').map((m) => m.message.i);
    expect(fromA).toEqual([...Array(300).keys()]);
    expect(b.ev.messages.find((m) => m.from === 'c')?.message).toEqual({ type: 'from-c' });
    expect(c.ev.messages).toEqual([{ from: 'a', message: { type: 'for-c' } }]);
    expect(a.ev.messages).toEqual([]);
  });

  it('takeOnce: the first caller in the whole cluster wins', async () => {
    const p = freshPrefix();
    const { c: a } = await node('a', p);
    const { c: b } = await node('b', p);
    const results = await Promise.all([a.takeOnce('cookie-1', 5000), b.takeOnce('cookie-1', 5000), a.takeOnce('cookie-1', 5000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await b.takeOnce('cookie-2', 5000)).toBe(true);
  });

  it('a dead node is found, its entries removed once, and every survivor told once', async () => {
    const p = freshPrefix();
    const dead = await node('dead', p);
    const b = await node('b', p);
    const c = await node('c', p);
    await dead.c.claim('alice@x.com', '1');
    await dead.c.claim('bob@x.com', '2');
    await dead.c.claim('moved@x.com', '3');
    await b.c.claim('moved@x.com', '4'); // signed in again on b: not dead's any more
    await c.c.claim('carol@x.com', '5');
    started.splice(started.indexOf(dead.c), 1);
    dead.c.abandon();
    await waitFor(() => b.ev.downs.length > 0 && c.ev.downs.length > 0);
    // A few more sweeps: nobody announces it twice.
    await new Promise((r) => setTimeout(r, 800));
    expect(b.ev.downs).toEqual([{ node: 'dead', handles: ['alice@x.com', 'bob@x.com'] }]);
    expect(c.ev.downs).toEqual([{ node: 'dead', handles: ['alice@x.com', 'bob@x.com'] }]);
    expect(Object.fromEntries(await b.c.locate(['alice@x.com', 'bob@x.com', 'moved@x.com', 'carol@x.com']))).toEqual({
      'moved@x.com': { node: 'b', session: '4' },
      'carol@x.com': { node: 'c', session: '5' },
    });
    expect((await b.c.nodes()).map((n) => n.id).sort()).toEqual(['b', 'c']);
  });

  it('a node that stops leaves at once, its users announced', async () => {
    const p = freshPrefix();
    const a = await node('a', p);
    const b = await node('b', p);
    await a.c.claim('alice@x.com', '1');
    started.splice(started.indexOf(a.c), 1);
    await a.c.stop();
    await waitFor(() => b.ev.downs.length === 1);
    expect(b.ev.downs[0]).toEqual({ node: 'a', handles: ['alice@x.com'] });
    expect(a.ev.downs).toEqual([]);
  });

  it('fences when Redis is gone longer than the heartbeat lives, and recovers when it is back', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const p = freshPrefix();
    const a = await node('a', p, { url: redis.url, ttlMs: 1200 });
    const b = await node('b', p, { url: redis.url, ttlMs: 1200 });
    await a.c.claim('alice@x.com', '1');
    expect(a.c.serving).toBe(true);
    await redis.stop();
    await waitFor(() => a.ev.fences === 1 && b.ev.fences === 1);
    expect(a.c.serving).toBe(false);
    await expect(a.c.claim('bob@x.com', '2')).rejects.toThrow(/fenced/);
    await redis.start();
    await waitFor(() => a.ev.recoveries === 1 && b.ev.recoveries === 1);
    expect(a.c.serving).toBe(true);
    // Recovered nodes claim their sessions again; the directory and the inboxes work.
    expect(await a.c.reclaim('alice@x.com', '1')).toBeUndefined();
    expect(Object.fromEntries(await b.c.locate(['alice@x.com']))).toEqual({ 'alice@x.com': { node: 'a', session: '1' } });
    b.c.send('a', { type: 'hello' });
    await waitFor(() => a.ev.messages.length === 1);
    expect((await a.c.nodes()).map((n) => n.id).sort()).toEqual(['a', 'b']);
  });

  it('a Redis restarted within the TTL: no fence, but the nodes register and reclaim again', async () => {
    const redis = await spawnRedis();
    redises.push(redis);
    const p = freshPrefix();
    const a = await node('a', p, { url: redis.url, ttlMs: 6000 });
    await a.c.claim('alice@x.com', '1');
    await redis.stop();
    await redis.start();
    await waitFor(() => a.ev.recoveries === 1);
    expect(a.ev.fences).toBe(0);
    expect(await a.c.reclaim('alice@x.com', '1')).toBeUndefined();
    expect((await a.c.nodes()).map((n) => n.id)).toEqual(['a']);
  });

  it('a fenced node that comes back removes its stale entries and announces them once', async () => {
    const p = freshPrefix();
    const a = await node('a', p, { ttlMs: 1200 });
    const b = await node('b', p, { ttlMs: 1200 });
    await a.c.claim('alice@x.com', '1');
    // a stalls (no heartbeat) longer than its heartbeat lives, as a frozen process would.
    const stalled = a.c as unknown as { timer: NodeJS.Timeout; tick(): Promise<void> };
    clearInterval(stalled.timer);
    await waitFor(() => b.ev.downs.length === 1);
    expect(b.ev.downs[0]).toEqual({ node: 'a', handles: ['alice@x.com'] });
    // a learns it was declared dead and fences (the announcement) …
    await waitFor(() => a.ev.fences === 1);
    // … and its next heartbeat registers it again.
    await stalled.tick();
    expect(a.ev.recoveries).toBe(1);
    expect(a.c.serving).toBe(true);
    expect((await b.c.nodes()).map((n) => n.id).sort()).toEqual(['a', 'b']);
    expect(b.ev.downs).toHaveLength(1);
  });
});
