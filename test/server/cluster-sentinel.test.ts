/**
 * The cluster on a Redis that fails over (server/cluster/redis.ts, "Redis that fails over";
 * server/README.md "Cluster"): a primary, a replica and one Sentinel of the test's own, two server
 * nodes in one process given only the Sentinel's address (`redis+sentinel://…`). The primary is
 * SIGKILLed, or demoted by `SENTINEL FAILOVER` while it keeps running; once the Sentinel has
 * promoted the replica, both nodes serve again: the sessions
 * from before stay signed in and their presence flows both ways, new sign-ins work on both nodes,
 * their presence crosses nodes both ways, and a CAL rings a user on the other node.
 *
 * Every wait is bounded; nothing sleeps a fixed time. Set MONARCH_TEST_TIMINGS=1 to print how long
 * each step after the kill took.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/index';
import { openSqliteStore } from '../../server/store/sqlite-store';
import type { Store } from '../../server/store/store';
import { spawnSentinelSet, type SpawnedSentinelSet } from '../helpers/scratch-services';
import { describeWithServices } from '../helpers/services';
import { answerRing, befriend, call, openSwitchboard, setState, signIn, syncAll, text, textMessage, type SignedIn } from './helpers/msnp';

const SECRET = randomBytes(32);
/** Longer than the failover takes here (about 2 s, see the report in server/README.md), so no node fences. */
const TTL_MS = 8000;
/** How long any one step after the kill may take before the test fails. */
const STEP_MS = 30_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(store: Store, nodeId: string, redisUrl: string): Promise<RunningServer> {
  const server = await startServer({ nsPort: 0, sbPort: 0, httpPort: 0, store, sendChallenges: false, cluster: { nodeId, secret: SECRET, ttlMs: TTL_MS, redisUrl } });
  cleanups.push(() => server.stop());
  return server;
}

/** Two accounts on each other's forward and allow lists, set up while both are signed out. */
async function friends(server: RunningServer, x: string, y: string): Promise<void> {
  await server.accounts.add(x, 'pw', x.split('@')[0]);
  await server.accounts.add(y, 'pw', y.split('@')[0]);
  await befriend(server, x, y);
}

async function online(server: RunningServer, handle: string): Promise<SignedIn> {
  const s = await signIn(server, 12, handle, 'pw');
  await syncAll(s);
  return s;
}

/** Repeats `attempt` until it succeeds, for at most `ms`; the last failure is the error. */
async function eventually<T>(ms: number, what: string, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= deadline) throw new Error(`${what}: not within ${ms} ms (last: ${String(err)})`, { cause: err });
    }
  }
}

/** `from` changes its status until `to` hears it (a change may be lost while Redis is failing over). */
async function presenceReaches(from: SignedIn, to: SignedIn): Promise<void> {
  let i = 0;
  await eventually(STEP_MS, `${from.handle}'s presence reaching ${to.handle}`, async () => {
    const state = ++i % 2 === 0 ? 'NLN' : 'BSY';
    from.client.send('CHG', [state, '0']);
    await to.client.expect('NLN', (c) => c.params[1] === from.handle && c.params[0] === state, 500);
  });
}

interface Failover {
  readonly name: string;
  /** Makes the primary go away (as the Sentinel will see it). */
  readonly cause: (set: SpawnedSentinelSet) => Promise<void>;
}

const FAILOVERS: readonly Failover[] = [
  { name: 'the primary SIGKILLed', cause: (set) => set.primary.stop() },
  // The old primary keeps running, a writable primary until the Sentinel converts it (seconds
  // later), then a replica that drops what was written there meanwhile. This case failed 4 runs
  // of 20 on a loaded machine before the nodes reclaimed their sessions after the commands
  // connection came back: a sign-in whose claim went to the demoted primary was lost for good
  // (Carol's entry absent on both servers), and Dave's presence never reached her.
  { name: 'SENTINEL FAILOVER (the primary demoted, still running)', cause: (set) => set.requestFailover() },
];

describeWithServices(['redis'], 'Redis that fails over (Sentinel)', () => {
  for (const failover of FAILOVERS) {
    it(`${failover.name}: once the Sentinel promotes the replica both nodes serve again`, async () => {
      const set = await spawnSentinelSet({ downAfterMs: 500 });
      cleanups.push(() => set.stop());
      const store = openSqliteStore(undefined);
      cleanups.push(() => store.close());
      const a = await node(store, 'a', set.url);
      const b = await node(store, 'b', set.url);
      const id = randomBytes(3).toString('hex');
      const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((x) => `${x}.${id}@example.com`) as [string, string, string, string];
      await friends(a, alice, bob);
      await friends(a, carol, dave);

      // Before: Alice on a, Bob on b, seeing each other.
      const al = await online(a, alice);
      await setState(al, 'NLN');
      const bo = await online(b, bob);
      // Bob's first CHG: Alice's ILN comes from her node, and Alice hears Bob's NLN.
      const t = bo.client.send('CHG', ['NLN', '0']);
      expect((await bo.client.expect('ILN', (c) => c.trId === t && c.params[1] === alice)).params[0]).toBe('NLN');
      await al.client.expect('NLN', (c) => c.params[1] === bob);

      const oldPrimary = set.primary.port;
      expect(await set.primaryPort()).toBe(oldPrimary);
      const startedAt = Date.now();
      await failover.cause(set);
      const newPrimary = await set.waitForNewPrimary(oldPrimary, STEP_MS);
      const promotedAt = Date.now();
      expect(newPrimary).toBe(set.replica.port);

      // The sessions from before: presence flows both ways again, through the new primary.
      await presenceReaches(bo, al);
      const oldFlowAt = Date.now();
      await presenceReaches(al, bo);

      // New sign-ins on both nodes (a claim fails while the nodes are still reconnecting).
      const ca = await eventually(STEP_MS, 'a sign-in on node a', () => online(a, carol));
      const signInAt = Date.now();
      const da = await eventually(STEP_MS, 'a sign-in on node b', () => online(b, dave));
      await setState(ca, 'NLN');
      await setState(da, 'NLN');
      // Each sees the other across nodes.
      await presenceReaches(ca, da);
      await presenceReaches(da, ca);

      // CAL from a switchboard on node a rings Dave on node b; they talk.
      const sb = await openSwitchboard(ca);
      await call(sb, dave);
      const { sb: daveSb } = await answerRing(da, carol);
      await sb.client.expect('JOI', (c) => c.params[0] === dave);
      sb.client.send('MSG', ['N'], textMessage('after the failover'));
      expect(text((await daveSb.client.expect('MSG', (c) => c.params[0] === carol)).payload)).toContain('after the failover');

      // Nobody was signed out: the failover took less than the TTL, so no node fenced.
      expect(al.client.closed || bo.client.closed).toBe(false);
      expect(a.stats().signedIn + b.stats().signedIn).toBe(4);
      // They are on the new primary: Carol's claim (made after the failover) is there. A demoted
      // primary keeps running as a writable master until the Sentinel converts it (seconds
      // later): nodes still on it would have worked together there, unseen by the new primary.
      expect(await set.query(newPrimary, ['GET', `monarch:dir:${carol}`])).toMatch(/^a /);
      expect(await set.query(newPrimary, ['GET', `monarch:dir:${dave}`])).toMatch(/^b /);

      if (process.env.MONARCH_TEST_TIMINGS === '1') {
        const since = (at: number): number => at - startedAt;
        console.info(
          `${failover.name}: promoted ${since(promotedAt)} ms after; old sessions' presence across nodes ${since(oldFlowAt)} ms; first new sign-in ${since(signInAt)} ms; all done ${since(Date.now())} ms`,
        );
      }
    }, 180_000);
  }
});
