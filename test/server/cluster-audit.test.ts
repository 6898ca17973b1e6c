/**
 * The directory audit (server/cluster/cluster.ts, "Directory audit"; redis.ts, "The audit"): each
 * node makes the session directory agree with its live sessions once per TTL, so a claim or
 * release that Redis ran late (a stalled link, a lost answer) cannot leave a signed-in user where
 * no node finds it.
 *
 * - The rules, on `RedisCluster.audit` against the shared Redis (a key prefix per test, a TTL long
 *   enough that only the test runs it) and on the in-memory cluster.
 * - The race itself, three server nodes over real TCP, node a reaching Redis through a proxy whose
 *   a→Redis direction the test pauses: a's claim times out (a fences), the user signs in on b, the
 *   link resumes and a's late claim, then its clean-up, remove b's entry; within an audit period
 *   the user is found again, hears a contact's change and can be called.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterEvents } from '../../server/cluster/cluster';
import { MemoryNetwork } from '../../server/cluster/memory';
import { RedisCluster } from '../../server/cluster/redis';
import { startServer, type RunningServer } from '../../server/index';
import { createMemoryLogger } from '../../server/logger';
import { openSqliteStore } from '../../server/store/sqlite-store';
import type { Store } from '../../server/store/store';
import { describeWithServices, serviceUrl, spawnRedis } from '../helpers/services';
import { tcpProxy } from '../helpers/tcp-proxy';
import { liveSessions, trackClaims, type TrackedSessions } from './helpers/live-sessions';
import { addToForward, call, openSwitchboard, setState, signIn, syncAll, type SignedIn } from './helpers/msnp';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const freshPrefix = (): string => `test:${randomBytes(6).toString('hex')}:`;

interface AuditedNode {
  readonly c: RedisCluster;
  readonly live: TrackedSessions;
}

/** A node whose periodic audit never runs during a test (a one-minute TTL): the test calls `audit`. */
async function redisNode(id: string, prefix: string): Promise<AuditedNode> {
  const c = new RedisCluster({ url: serviceUrl('redis') as string, nodeId: id, keyPrefix: prefix, ttlMs: 60_000 });
  const live = liveSessions();
  trackClaims(c, live);
  const events: ClusterEvents = { ...live, message: () => {}, nodeDown: () => {}, fenced: () => {}, recovered: () => {} };
  await c.start({ ns: '127.0.0.1:1', sb: '127.0.0.1:2' }, events);
  cleanups.push(() => c.stop());
  return { c, live };
}

/** A plain connection to the shared Redis, and the directory announcements heard on `all`. */
async function observer(prefix: string): Promise<{ redis: Redis; heard: Array<{ handle: string; value: string }> }> {
  const redis = new Redis(serviceUrl('redis') as string);
  const sub = new Redis(serviceUrl('redis') as string);
  cleanups.push(() => {
    redis.disconnect();
    sub.disconnect();
  });
  const heard: Array<{ handle: string; value: string }> = [];
  sub.on('message', (_channel: string, text: string) => {
    const m = JSON.parse(text) as { type: string; handle: string; value: string };
    if (m.type === 'dir') heard.push({ handle: m.handle, value: m.value });
  });
  await sub.subscribe(`${prefix}all`);
  return { redis, heard };
}

/** Runs `during` once, after `node`'s next `MGET` has been answered and before the audit acts on it. */
function onNextRead(node: RedisCluster, during: () => Promise<unknown>): void {
  const commands = (node as unknown as { commands: { mget: (keys: string[]) => Promise<Array<string | null>> } }).commands;
  const real = commands.mget.bind(commands);
  commands.mget = async (keys: string[]) => {
    commands.mget = real;
    const values = await real(keys);
    await during();
    return values;
  };
}

describeWithServices(['redis'], 'directory audit, on Redis', () => {
  it('a live session whose entry is missing, or names a dead session of this node, is written again and announced', async () => {
    const p = freshPrefix();
    const a = await redisNode('a', p);
    const b = await redisNode('b', p);
    const o = await observer(p);
    await a.c.claim('carol@x.com', 's0');
    // Alice is signed in here but has no entry (her claim was undone by a late release, or a
    // clean-up); Carol signed in again here, on a session whose claim never ran.
    a.live.live.set('alice@x.com', 's1');
    a.live.live.set('carol@x.com', 's3');
    // b has read Alice as signed in nowhere: only an announcement can change its copy now.
    expect((await b.c.locate(['alice@x.com'], { cached: true })).size).toBe(0);
    await waitFor(() => o.heard.length === 1, 2000, "the claim's announcement");
    o.heard.length = 0;
    const report = await a.c.audit(a.live);
    expect(report).toEqual({ checked: 2, restored: ['alice@x.com'], corrected: 1, released: 0, pruned: 0 });
    expect(Object.fromEntries(await b.c.locate(['alice@x.com', 'carol@x.com']))).toEqual({
      'alice@x.com': { node: 'a', session: 's1' },
      'carol@x.com': { node: 'a', session: 's3' },
    });
    await waitFor(() => o.heard.length === 2, 2000, 'announcements');
    expect(o.heard.sort((x, y) => x.handle.localeCompare(y.handle))).toEqual([
      { handle: 'alice@x.com', value: 'a s1' },
      { handle: 'carol@x.com', value: 'a s3' },
    ]);
    await waitFor(async () => (await b.c.locate(['alice@x.com'], { cached: true })).get('alice@x.com')?.node === 'a', 2000, "b's copy");
    // Nothing more to do the next time.
    expect(await a.c.audit(a.live)).toEqual({ checked: 2, restored: [], corrected: 0, released: 0, pruned: 0 });
  });

  it('an entry naming this node for a user with no live session here is released and announced', async () => {
    const p = freshPrefix();
    const a = await redisNode('a', p);
    const o = await observer(p);
    await a.c.claim('dave@x.com', 's4');
    await a.c.claim('erin@x.com', 's5');
    // Dave's session is gone, its release never ran.
    a.live.live.delete('dave@x.com');
    await waitFor(() => o.heard.length === 2, 2000, "the claims' announcements");
    o.heard.length = 0;
    expect(await a.c.audit(a.live)).toEqual({ checked: 1, restored: [], corrected: 0, released: 1, pruned: 0 });
    expect(Object.fromEntries(await a.c.locate(['dave@x.com', 'erin@x.com']))).toEqual({ 'erin@x.com': { node: 'a', session: 's5' } });
    expect(await o.redis.smembers(`${p}users:a`)).toEqual(['erin@x.com']);
    await waitFor(() => o.heard.length === 1, 2000, 'announcement');
    expect(o.heard).toEqual([{ handle: 'dave@x.com', value: '' }]);
  });

  it("an entry naming another node is left alone, live session here or not", async () => {
    const p = freshPrefix();
    const a = await redisNode('a', p);
    const b = await redisNode('b', p);
    await a.c.claim('alice@x.com', 's1');
    await b.c.claim('alice@x.com', 's9');
    await a.c.claim('frank@x.com', 's2');
    await b.c.claim('frank@x.com', 's8');
    // a still has Alice (b's kick has not arrived); Frank's session here is gone.
    a.live.live.delete('frank@x.com');
    expect(await a.c.audit(a.live)).toEqual({ checked: 1, restored: [], corrected: 0, released: 0, pruned: 1 });
    expect(Object.fromEntries(await a.c.locate(['alice@x.com', 'frank@x.com']))).toEqual({
      'alice@x.com': { node: 'b', session: 's9' },
      'frank@x.com': { node: 'b', session: 's8' },
    });
  });

  it('a sign-in on another node racing the audit is neither overwritten nor evicted', async () => {
    const p = freshPrefix();
    const a = await redisNode('a', p);
    const b = await redisNode('b', p);
    const o = await observer(p);
    // Alice is live here with no entry; between the audit's read and its write she signs in on b.
    a.live.live.set('alice@x.com', 's1');
    onNextRead(a.c, () => b.c.claim('alice@x.com', 's9'));
    expect(await a.c.audit(a.live)).toMatchObject({ restored: [], corrected: 0 });
    expect(await o.redis.get(`${p}dir:alice@x.com`)).toBe('b s9');
    // Bob's entry names a session gone from here; between the read and the release he signs in on b.
    a.live.live.delete('alice@x.com');
    await a.c.claim('bob@x.com', 's2');
    a.live.live.delete('bob@x.com');
    let reads = 0;
    const commands = (a.c as unknown as { commands: { mget: (keys: string[]) => Promise<Array<string | null>> } }).commands;
    const real = commands.mget.bind(commands);
    commands.mget = async (keys: string[]) => {
      const values = await real(keys);
      // The second read of the audit is the one of `users:a`'s members without a live session.
      if (++reads === 1 && keys.includes(`${p}dir:bob@x.com`)) await b.c.claim('bob@x.com', 's7');
      return values;
    };
    expect(await a.c.audit(a.live)).toMatchObject({ released: 0 });
    commands.mget = real;
    expect(await o.redis.get(`${p}dir:bob@x.com`)).toBe('b s7');
    expect(await o.redis.sismember(`${p}users:b`, 'bob@x.com')).toBe(1);
  });

  it('does not write entries for a node no longer registered (its clean-up would never find them)', async () => {
    const p = freshPrefix();
    const a = await redisNode('a', p);
    const o = await observer(p);
    a.live.live.set('alice@x.com', 's1');
    // Removed by another node's sweep, before this node heard it (and fenced).
    await o.redis.srem(`${p}nodes`, 'a');
    expect(await a.c.audit(a.live)).toMatchObject({ restored: [] });
    expect(await o.redis.get(`${p}dir:alice@x.com`)).toBeNull();
  });
});

describeWithServices(['redis'], 'directory audit, its cost', () => {
  it('with nothing to repair: an MGET per 500 live users, an SSCAN per 500 of its set, and no script', async () => {
    const redis = await spawnRedis();
    cleanups.push(() => redis.stop());
    const c = new RedisCluster({ url: redis.url, nodeId: 'a', ttlMs: 60_000 });
    const live = liveSessions();
    trackClaims(c, live);
    await c.start({ ns: '127.0.0.1:1', sb: '127.0.0.1:2' }, { ...live, message: () => {}, nodeDown: () => {}, fenced: () => {}, recovered: () => {} });
    cleanups.push(() => c.stop());
    await Promise.all(Array.from({ length: 1200 }, (_, i) => c.claim(`user${i}@x.com`, `s${i}`)));
    const stats = new Redis(redis.url);
    cleanups.push(() => stats.disconnect());
    await stats.config('RESETSTAT');
    expect(await c.audit(live)).toEqual({ checked: 1200, restored: [], corrected: 0, released: 0, pruned: 0 });
    const info = await stats.info('commandstats');
    const calls = (cmd: string): number => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    expect(calls('mget')).toBe(3);
    // COUNT is a hint to Redis: about 500 members per call, so about three calls.
    expect(calls('sscan')).toBeGreaterThanOrEqual(2);
    expect(calls('sscan')).toBeLessThanOrEqual(5);
    expect(calls('evalsha') + calls('eval')).toBe(0);
  });
});

describe('directory audit, in-memory cluster', () => {
  it('has the same rules', async () => {
    const net = new MemoryNetwork();
    const a = net.node('a');
    const b = net.node('b');
    const live = liveSessions();
    const noop: ClusterEvents = { ...liveSessions(), message: () => {}, nodeDown: () => {}, fenced: () => {}, recovered: () => {} };
    await a.start({ ns: '', sb: '' }, noop);
    await b.start({ ns: '', sb: '' }, noop);
    net.directory.set('carol', { node: 'a', session: 'old' });
    net.directory.set('dave', { node: 'a', session: 'gone' });
    net.directory.set('erin', { node: 'b', session: 'x' });
    live.live.set('alice', 's1');
    live.live.set('carol', 's3');
    live.live.set('erin', 's5');
    expect(await a.audit(live)).toEqual({ checked: 3, restored: ['alice'], corrected: 1, released: 1, pruned: 0 });
    expect(Object.fromEntries(await b.locate(['alice', 'carol', 'dave', 'erin']))).toEqual({
      alice: { node: 'a', session: 's1' },
      carol: { node: 'a', session: 's3' },
      erin: { node: 'b', session: 'x' },
    });
  });
});

// ---- the race, through real servers ------------------------------------------------------------

const SECRET = randomBytes(32);
const TTL_MS = 1500;

async function serverNode(store: Store, nodeId: string, cluster: RedisCluster, logger = createMemoryLogger()): Promise<RunningServer> {
  const server = await startServer({ nsPort: 0, sbPort: 0, httpPort: 0, store, sendChallenges: false, logger, cluster: { nodeId, secret: SECRET, ttlMs: TTL_MS, instance: cluster } });
  cleanups.push(() => server.stop());
  return server;
}

async function online(server: RunningServer, d: 7 | 12, handle: string): Promise<SignedIn> {
  const s = await signIn(server, d, handle, 'pw');
  await syncAll(s);
  return s;
}

/**
 * `cleanUp`: how a's late claim is undone. 'either': as it happens (a's claim times out around
 * when a fences: usually before, and a's release, sent after the claim, removes it; else a's
 * clean-up after the fence, as in 'node-down'). 'node-down': a is
 * declared dead at once (its heartbeat key deleted, as if it had expired, and b's sweep run), so
 * it fences before the claim times out and sends no release (and if the claim's answer arrives in
 * time, its session is gone: b's is not kicked); on resuming, its clean-up (`removeNode`) removes
 * the late entry and announces the user offline to every node.
 */
async function lateClaim(cleanUp: 'either' | 'node-down'): Promise<void> {
    const redisUrl = new URL(serviceUrl('redis') as string);
    const proxy = await tcpProxy(redisUrl);
    cleanups.push(() => proxy.close());
    const store = openSqliteStore(undefined);
    cleanups.push(() => store.close());
    const keyPrefix = freshPrefix();
    const proxied = new URL(redisUrl);
    proxied.port = String(proxy.port);
    const clusters = {
      a: new RedisCluster({ url: proxied.toString(), nodeId: 'a', keyPrefix, ttlMs: TTL_MS }),
      b: new RedisCluster({ url: redisUrl.toString(), nodeId: 'b', keyPrefix, ttlMs: TTL_MS }),
      c: new RedisCluster({ url: redisUrl.toString(), nodeId: 'c', keyPrefix, ttlMs: TTL_MS }),
    };
    const logB = createMemoryLogger();
    const a = await serverNode(store, 'a', clusters.a);
    const b = await serverNode(store, 'b', clusters.b, logB);
    const c = await serverNode(store, 'c', clusters.c);
    const id = randomBytes(3).toString('hex');
    const [user, contact, caller] = ['user', 'contact', 'caller'].map((x) => `${x}${id}@example.com`) as [string, string, string];
    for (const h of [user, contact, caller, `bystander${id}@example.com`]) await c.accounts.add(h, 'pw', h.split('@')[0] as string);
    // The user and the contact on each other's forward (and allow) lists.
    for (const [me, other] of [
      [user, contact],
      [contact, user],
    ] as const) {
      const s = await online(c, 12, me);
      expect((await addToForward(s, other)).verb).toBe('ADC');
      s.client.sendBare('OUT');
      await s.client.waitClosed();
    }
    // What Redis does to the user's entry, in its order: the directory's announcements.
    const changes: string[] = [];
    const watch = new Redis(redisUrl.toString());
    cleanups.push(() => watch.disconnect());
    watch.on('message', (_channel: string, text: string) => {
      const m = JSON.parse(text) as { type: string; handle?: string; value?: string; handles?: string[]; node?: string };
      if (m.type === 'dir' && m.handle === user) changes.push(m.value === '' ? 'removed' : `${m.value?.split(' ')[0]}`);
      if (m.type === 'node-down' && m.handles?.includes(user) === true) changes.push(`removed with ${m.node}`);
    });
    await watch.subscribe(`${keyPrefix}all`);
    const x = await online(c, 12, contact);
    await setState(x, 'NLN');

    // a's link to Redis stalls: the user signs in there (MD5, nothing asked of Redis before the
    // claim), the claim's answer never comes, and a signs the session out (claim failed or fenced).
    // For 'node-down', someone else signed in on a: a's users are announced when a is declared
    // dead, and so a hears it and fences.
    const bystander = cleanUp === 'node-down' ? await online(a, 12, `bystander${id}@example.com`) : undefined;
    proxy.pause();
    const u1 = await signIn(a, 7, user, 'pw');
    if (cleanUp === 'node-down') {
      // a's heartbeat key gone, and b's sweep run at once (not up to TTL/4 later, so that a
      // fences well before its claim times out, however loaded the machine).
      const direct = new Redis(redisUrl.toString());
      await direct.del(`${keyPrefix}alive:a`);
      direct.disconnect();
      const sweeper = clusters.b as unknown as { commands: { removeNode(...args: string[]): Promise<unknown> } };
      await sweeper.commands.removeNode(keyPrefix, 'a', '1', 'b');
      expect((await bystander?.client.expect('OUT', () => true, 5000))?.params).toEqual(['SSD']);
    }
    expect((await u1.client.expect('OUT', () => true, 10_000)).params).toEqual(['SSD']);
    await waitFor(() => !clusters.a.serving, 10_000, 'a fenced');

    // The user signs in again on b; the contact sees it.
    const u2 = await online(b, 12, user);
    await setState(u2, 'NLN');
    await x.client.expect('NLN', (m) => m.params[1] === user);
    expect(Object.fromEntries(await clusters.c.locate([user]))).toMatchObject({ [user]: { node: 'b' } });

    // The link resumes: Redis runs a's claim now, after b's, and a's clean-up then removes it.
    proxy.resume();
    await waitFor(() => clusters.a.serving, 10_000, 'a recovered');
    // Redis ran a's claim after b's, then removed the entry (a's release, or its clean-up).
    await waitFor(() => changes.length >= 3, 5000, 'the late claim and its removal');
    const removal = changes[2] as string;
    expect(changes.slice(0, 3)).toEqual(['b', 'a', cleanUp === 'node-down' ? 'removed with a' : removal]);
    expect(removal).toMatch(/^removed/);
    // Within an audit period (and its own few round trips), the user is where it is signed in.
    await waitFor(async () => (await clusters.c.locate([user])).get(user)?.node === 'b', TTL_MS + 1000, 'user located on b');
    expect(changes).toEqual(['b', 'a', removal, 'b']);
    // b's audit found the entry gone and wrote it again.
    await waitFor(() => logB.entries.some((e) => e.event === 'cluster-audit-repaired'), 2000, "b's audit reported");
    expect(logB.entries.find((e) => e.event === 'cluster-audit-repaired')?.fields).toMatchObject({ restored: 1 });
    // The contact sees the user online, whatever a's clean-up told it in between.
    await waitFor(() => lastPresence(x, user) === 'NLN', 3000, "contact's view of the user");
    // (The clean-up of a dead node tells every node its users went offline: the restored user is
    // announced online again.)
    if (cleanUp === 'node-down') expect(x.client.received.some((m) => m.verb === 'FLN' && m.params[0] === user)).toBe(true);
    // The contact's change reaches the user on b.
    x.client.send('CHG', ['BSY', '0']);
    expect((await u2.client.expect('NLN', (m) => m.params[1] === contact, 5000)).params[0]).toBe('BSY');
    // A third user, on c, calls the user: b rings it.
    const y = await online(c, 12, caller);
    await setState(y, 'NLN');
    const sb = await openSwitchboard(y);
    const sessionId = await call(sb, user);
    const rng = await u2.client.expect('RNG', (m) => m.params[4] === caller, 5000);
    expect(rng.params[0]).toBe(sessionId);
    sb.client.close();
    for (const s of [x, u2, y]) s.client.close();
}

describeWithServices(['redis'], 'directory audit: a claim that Redis runs late', () => {
  it("after a stalled link resumes and a's late claim is undone: the user on b is found, hears contacts, can be called", () => lateClaim('either'));
  it("after a stalled link resumes and a's clean-up removes its late claim: the same, and contacts see the user online again", () => lateClaim('node-down'));
});

/** What `s` was last told about `handle`: `NLN` (online, any state), `FLN`, or undefined. */
function lastPresence(s: SignedIn, handle: string): string | undefined {
  for (let i = s.client.received.length - 1; i >= 0; i--) {
    const m = s.client.received[i];
    if (m === undefined) continue;
    if ((m.verb === 'NLN' && m.params[1] === handle) || (m.verb === 'ILN' && m.params[2] === handle)) return 'NLN';
    if (m.verb === 'FLN' && m.params[0] === handle) return 'FLN';
  }
  return undefined;
}
