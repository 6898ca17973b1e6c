/**
 * The cluster on Redis (`ioredis`); the design and its reasons are in `cluster.ts`. One standalone
 * Redis, or a primary that Sentinels fail over to a replica ("Redis that fails over" below); not
 * Redis Cluster: the scripts touch several keys, which it would need in one hash slot.
 *
 * Keys, under the configured prefix (default `monarch:`):
 *
 * | key | type | what |
 * |---|---|---|
 * | `nodes` | set | registered node ids |
 * | `alive:<node>` | string, expires | the heartbeat: `{"ns","sb","load"}` as JSON |
 * | `users:<node>` | set | handles the node has claimed (for its cleanup) |
 * | `dir:<handle>` | string | `<node> <session>` |
 * | `once:<key>` | string, expires | a spent single-use key |
 *
 * Channels: `inbox:<node>` (each node's inbox) and `all` (`nodeDown` announcements, and every
 * change of a `dir:` entry, published by the script that makes it).
 *
 * **The directory, cached.** A presence change locates its watchers; asking Redis each time put a
 * round trip (and a wait for the Redis process) in front of every cross-node notification, and
 * made Redis do an `MGET` of every watcher per change (bench/README.md, "Cluster"). So each node
 * keeps what it has read of the directory, and every claim, reclaim and release announces the new
 * value on `all` from inside its script, so every node updates its copy in the order Redis made
 * the changes. Only presence fan-out reads the copy (`locate(…, { cached: true })`); every other
 * `locate` asks Redis, as before. Why this stays right for presence:
 * - An announcement is published by the same script that changes the entry, and pub/sub delivers
 *   one connection's publications in order: a node hears a user's claim before anything the
 *   claiming node sends after it (its `iln-request`s, which is how a new watcher's node makes
 *   itself known), so no presence change that must reach the new session is sent to the old node.
 * - An `MGET` answer and an announcement travel on different connections: an answer is not
 *   cached for a handle announced since the `MGET` was sent (the announcement is newer).
 * - Announcements are lost while the subscriber is disconnected: the copy is dropped when it
 *   closes, and nothing read before the subscription is back (and a margin) is kept.
 * - A dead node's entries go with its `node-down` announcement; a fenced node drops its copy.
 * - Entries are re-read after the TTL anyway, so an unforeseen gap heals as fast as a dead node does.
 *
 * **The audit** (`cluster.ts`, "Directory audit"), every TTL, in batches so that it costs little
 * with thousands of users: the live users' entries are read by `MGET`s of `AUDIT_BATCH`, and
 * `users:<node>` by `SSCAN`s of `AUDIT_BATCH` (its members without a live session here read by
 * `MGET` too); a script runs only for an entry that is wrong. Each comparison uses the live
 * sessions as they are when the answer arrives, and the script it sends (on the same connection as
 * every claim and release of this node, so in order with them) changes the entry only if it still
 * holds what was read: a sign-in here or on another node since then is never overwritten or
 * evicted. Per period, for L live users and U members of `users:<node>` (U ≈ L), Redis serves
 * ⌈L/B⌉ + ⌈U/B⌉ + ⌈(U−L)/B⌉ commands (B = `AUDIT_BATCH`), reading about L + U keys, plus one script per
 * repair; nothing when there are no users.
 *
 * Two connections: one for commands and publishing (its order is the order messages arrive in),
 * one subscribed. Commands fail at once while Redis is out of reach (no offline queue): a claim
 * then fails the sign-in instead of waiting, and the heartbeat's failure starts the fencing clock.
 *
 * **Redis that fails over (Sentinel).** Given `redis+sentinel://…/<primary-name>`
 * (`redis-address.ts`), both connections ask a Sentinel where the primary is, check its role, and
 * ask again at every reconnect. A Sentinel's `+switch-master` drops them (ioredis's failover
 * detector): a demoted primary stays a writable primary until the Sentinel converts it, seconds
 * later, and what the nodes wrote there meanwhile would be lost (test/server/
 * cluster-sentinel.test.ts's demotion case fails without the detector); a `READONLY` answer
 * reconnects too. From
 * the primary's death until a replica is promoted (the Sentinels' `down-after-milliseconds`, an
 * election, the promotion: 1.6 to 1.8 s in the test, with 500 ms) Redis is out of reach as in
 * any outage: claims fail (the sign-in with them), publications are lost, and if it lasts longer
 * than a heartbeat lives (¾ TTL) the node fences and signs everyone out. Keep
 * `down-after-milliseconds` plus 1–2 s (election, promotion) under that, or every failover
 * fences every node. What a failover loses, and what heals each (replication is asynchronous: a
 * write the old primary acknowledged may not have reached the replica when it died):
 * - **Heartbeats and registrations** (`nodes`, `alive:`). A node whose registration is missing gets
 *   `recovered` at its next heartbeat (HEARTBEAT answers "was not registered") and reclaims every
 *   session it holds (`reclaim` never overwrites a newer holder). A node removed just before may
 *   reappear: once its heartbeat key has expired the next sweep removes it again (its users'
 *   `FLN` may come twice).
 * - **Claims and releases** (`dir:`, `users:`): an entry is missing or names an ended session. Until
 *   repaired, the user's presence does not reach watchers on other nodes, a `CAL` to it gets `217`,
 *   and a second sign-in elsewhere sends no `OUT OTH` (both sessions stay); a stale entry sends
 *   presence to a node that drops it. The heartbeat does not notice such an entry. A node whose
 *   commands connection comes back through the Sentinels reclaims all its sessions (the claims it
 *   made just before, perhaps on a primary demoted meanwhile, are rewritten; see the constructor);
 *   the periodic directory audit (which rewrites a node's missing entries) is the general repair,
 *   and any later claim, reclaim or release of that user rewrites it too.
 * - **Spent single-use keys** (`once:`): a Passport ticket, token-service ticket or switchboard
 *   cookie spent in the last moments before the failover may be accepted once more, on any node,
 *   until it expires (tickets: 2 minutes, switchboard cookies: 1): a replay window as wide as
 *   the replication lag at the kill, usually milliseconds. `WAIT` after `SET NX` would narrow
 *   it, not close it; not done.
 * - **Pub/sub in flight** is lost, not replayed: a presence change (contacts keep the older state
 *   until the next change), a `dir` announcement (the copy is dropped anyway: the subscriber's
 *   reconnect clears it, see "The directory, cached"), a request to another node (answered by its
 *   timeout: `CAL` → `217`, a forwarded edit's 5 s / 20 s).
 * - **Scripts** are not in the new primary's script cache: ioredis's `EVALSHA` falls back to `EVAL`.
 */
import { Redis, type RedisOptions } from 'ioredis';
import {
  checkNodeId,
  heartbeatTimes,
  type AuditReport,
  type Cluster,
  type ClusterEvents,
  type ClusterMessage,
  type LiveSessions,
  type NodeAddress,
  type NodeInfo,
  type SessionRef,
} from './cluster';
import { parseRedisAddress, type RedisAddress } from './redis-address';

export interface RedisClusterOptions {
  readonly url: string;
  readonly nodeId: string;
  /** A dead node is detected within this long (default 3,000 ms). */
  readonly ttlMs?: number;
  /** Prefix of every key and channel (default `monarch:`); tests use one of their own. */
  readonly keyPrefix?: string;
  readonly now?: () => number;
  /** Told about Redis errors (connection lost, script failures); never about message contents. */
  readonly onError?: (event: string, err: unknown) => void;
}

// KEYS: nodes, alive:<me>. ARGV: me, info, aliveMs. Returns 1 if I was registered before.
const HEARTBEAT = `
local was = redis.call('SISMEMBER', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
return was`;

// Each script that changes a `dir:` entry announces the new value on the `all` channel (ARGV[3]),
// '' for none, so every node's copy of the directory follows (see "The directory, cached").

// KEYS: dir:<handle>, users:<me>. ARGV: value, handle, all-channel. Returns the previous value or false.
const CLAIM = `
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({ type = 'dir', handle = ARGV[2], value = ARGV[1] }))
return old`;

// KEYS: dir:<handle>, users:<me>. ARGV: value, handle, all-channel. Returns the other holder's value or false.
const RECLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return cur end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({ type = 'dir', handle = ARGV[2], value = ARGV[1] }))
return false`;

// KEYS: dir:<handle>, users:<me>. ARGV: value, handle, all-channel. Returns 1 when removed, 2 when
// only the handle left `users:<me>`, 0 when neither. `users:<me>` keeps the handle while the entry
// names another session of mine (a newer sign-in here): a dead node's clean-up finds its entries
// through that set.
const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
  redis.call('PUBLISH', ARGV[3], cjson.encode({ type = 'dir', handle = ARGV[2], value = '' }))
  return 1
end
local mine = string.match(ARGV[1], '^[^ ]+ ')
if cur and string.sub(cur, 1, #mine) == mine then return 0 end
return redis.call('SREM', KEYS[2], ARGV[2]) * 2`;

// The audit's repair of a live session's entry: written only if it still holds what the audit
// read (ARGV[1], '' for none), and only while this node is registered (a node already removed
// must not leave entries that no clean-up would find).
// KEYS: dir:<handle>, users:<me>, nodes. ARGV: seen, value, handle, all-channel, me.
// Returns 1 when written, 0 when the entry changed since it was read, -1 when not registered.
const AUDIT_WRITE = `
if redis.call('SISMEMBER', KEYS[3], ARGV[5]) == 0 then return -1 end
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], cjson.encode({ type = 'dir', handle = ARGV[3], value = ARGV[2] }))
return 1`;

// Removes node ARGV[2] and the directory entries still naming it, and announces them on the `all`
// channel (as done by node ARGV[4]), in one step; ARGV[3] = '1' skips a node whose heartbeat is
// still there or that another sweep already removed.
// KEYS: none (the prefix is ARGV[1]). Returns the number of handles announced, or -1 if skipped.
const REMOVE_NODE = `
local p, node = ARGV[1], ARGV[2]
if ARGV[3] == '1' then
  if redis.call('EXISTS', p .. 'alive:' .. node) == 1 then return -1 end
  if redis.call('SREM', p .. 'nodes', node) == 0 then return -1 end
else
  redis.call('SREM', p .. 'nodes', node)
  redis.call('DEL', p .. 'alive:' .. node)
end
local handles = {}
local prefix = node .. ' '
for _, h in ipairs(redis.call('SMEMBERS', p .. 'users:' .. node)) do
  local k = p .. 'dir:' .. h
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, #prefix) == prefix then
    redis.call('DEL', k)
    table.insert(handles, h)
  end
end
redis.call('DEL', p .. 'users:' .. node)
if #handles == 0 then return 0 end
redis.call('PUBLISH', p .. 'all', cjson.encode({ type = 'node-down', node = node, by = ARGV[4], handles = handles }))
return #handles`;

type Script = 'heartbeat' | 'claim' | 'reclaim' | 'release' | 'auditWrite' | 'removeNode';
const SCRIPTS: Record<Script, { numberOfKeys: number; lua: string }> = {
  heartbeat: { numberOfKeys: 2, lua: HEARTBEAT },
  claim: { numberOfKeys: 2, lua: CLAIM },
  reclaim: { numberOfKeys: 2, lua: RECLAIM },
  release: { numberOfKeys: 2, lua: RELEASE },
  auditWrite: { numberOfKeys: 3, lua: AUDIT_WRITE },
  removeNode: { numberOfKeys: 0, lua: REMOVE_NODE },
};
type ScriptedRedis = Redis & Record<Script, (...args: Array<string | number>) => Promise<unknown>>;

/** Keys per `MGET` and members per `SSCAN` in the audit: small enough not to hold Redis up. */
const AUDIT_BATCH = 500;

/** After the subscriber is back, directory reads are not cached for this long (its SUBSCRIBE is in flight). */
const RESUBSCRIBE_MARGIN_MS = 1000;

/** One handle in this node's copy of the directory. */
interface DirectoryEntry {
  /** Where it is signed in; null: nowhere. */
  readonly ref: SessionRef | null;
  /** When it was read or announced (`now()`), for the TTL. */
  readonly at: number;
  /** `directorySeq` when it was asked for (a read) or heard (an announcement). */
  readonly seq: number;
}

export class RedisCluster implements Cluster {
  readonly nodeId: string;
  readonly distributed = true;
  private readonly prefix: string;
  private readonly periodMs: number;
  private readonly aliveMs: number;
  private readonly now: () => number;
  private readonly commands: ScriptedRedis;
  private readonly subscriber: Redis;
  private events: ClusterEvents | undefined;
  private address: NodeAddress | undefined;
  private load = 0;
  private timer: NodeJS.Timeout | undefined;
  private auditTimer: NodeJS.Timeout | undefined;
  private readonly auditPeriodMs: number;
  private auditing = false;
  private ticking = false;
  private stopped = false;
  /** When the last successful heartbeat was sent. */
  private lastBeatSentAt = 0;
  private fenced = true;
  private registered = false;
  /** This node's copy of the directory (see "The directory, cached" above). */
  private readonly directory = new Map<string, DirectoryEntry>();
  /** Counts announcements heard; a read is cached only for handles not announced since it was sent. */
  private directorySeq = 0;
  /** Reads sent before this time are not cached (the subscriber is down or just back). */
  private cacheFrom = Infinity;
  private readonly cacheTtlMs: number;
  /** The last `locate` still to answer, and how many are (see `locate`: answers keep their order). */
  private locateTail: Promise<unknown> = Promise.resolve();
  private locatesWaiting = 0;

  constructor(private readonly o: RedisClusterOptions) {
    this.nodeId = checkNodeId(o.nodeId);
    this.prefix = o.keyPrefix ?? 'monarch:';
    ({ periodMs: this.periodMs, aliveMs: this.aliveMs, auditPeriodMs: this.auditPeriodMs } = heartbeatTimes(o.ttlMs ?? 3000));
    this.cacheTtlMs = o.ttlMs ?? 3000;
    this.now = o.now ?? Date.now;
    const options: RedisOptions = {
      lazyConnect: true,
      // Fail at once while disconnected (see the header), and never wait longer than a heartbeat
      // may live for an answer.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.aliveMs,
      connectTimeout: Math.max(this.aliveMs, 1000),
      retryStrategy: () => Math.min(this.periodMs, 250),
    };
    const address = parseRedisAddress(o.url);
    const connection = (extra: RedisOptions): Redis =>
      address.kind === 'standalone' ? new Redis(address.url, { ...options, ...extra }) : new Redis({ ...options, ...sentinelOptions(address, this.periodMs, this.aliveMs), ...extra });
    // Named (CLIENT LIST) so an operator can tell each node's connections apart.
    this.commands = connection({ connectionName: `${this.prefix}${this.nodeId}:commands` }) as ScriptedRedis;
    for (const [name, s] of Object.entries(SCRIPTS)) this.commands.defineCommand(name, s);
    // The subscriber queues its SUBSCRIBE until connected and re-subscribes after a reconnect.
    this.subscriber = connection({ enableOfflineQueue: true, commandTimeout: undefined, connectionName: `${this.prefix}${this.nodeId}:subscriber` });
    const report = (which: string) => (err: unknown) => this.o.onError?.(`redis-${which}-error`, err);
    this.commands.on('error', report('commands'));
    this.subscriber.on('error', report('subscriber'));
    // Announcements heard only while subscribed: see "The directory, cached".
    this.subscriber.on('close', () => this.forgetDirectory(Infinity));
    this.subscriber.on('ready', () => {
      if (this.cacheFrom === Infinity) this.cacheFrom = this.now() + RESUBSCRIBE_MARGIN_MS;
    });
    if (address.kind === 'sentinel') {
      // Back after losing the connection, perhaps on another primary: claims this node made just
      // before may be gone (not replicated, or written to a primary demoted meanwhile, which drops
      // them when it resynchronises), while its registration survived, so the heartbeat would not
      // notice. Claim every session again ("Redis that fails over"; `reclaim` never overwrites a
      // newer holder).
      let lost = false;
      this.commands.on('close', () => void (lost = true));
      this.commands.on('ready', () => {
        if (!lost) return;
        lost = false;
        if (this.registered && !this.fenced && !this.stopped) this.events?.recovered();
      });
    }
  }

  /** Drops the copy of the directory; reads sent before `from` will not be cached. */
  private forgetDirectory(from: number): void {
    this.directory.clear();
    this.cacheFrom = from;
  }

  get serving(): boolean {
    return !this.fenced && !this.stopped;
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async start(address: NodeAddress, events: ClusterEvents): Promise<void> {
    this.address = address;
    this.events = events;
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    await this.subscriber.subscribe(this.key('inbox', this.nodeId), this.key('all'));
    this.cacheFrom = this.now();
    // A node that restarts under the same id after a crash first clears what its last life left.
    if ((await this.commands.sismember(this.key('nodes'), this.nodeId)) === 1) {
      await this.commands.removeNode(this.prefix, this.nodeId, '0', this.nodeId);
    }
    await this.beat();
    if (this.fenced) throw new Error(`node ${this.nodeId} could not register in Redis`);
    this.timer = setInterval(() => void this.tick(), this.periodMs);
    this.auditTimer = setInterval(() => void this.auditNow(), this.auditPeriodMs);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.auditTimer !== undefined) clearInterval(this.auditTimer);
    try {
      if (this.registered) await this.commands.removeNode(this.prefix, this.nodeId, '0', this.nodeId);
    } catch (err) {
      this.o.onError?.('redis-leave-failed', err);
    }
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  /**
   * Stops heartbeating and drops both connections without leaving the registry: what a crashed
   * process leaves behind (for tests of dead-node detection).
   */
  abandon(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.auditTimer !== undefined) clearInterval(this.auditTimer);
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  setLoad(load: number): void {
    this.load = load;
  }

  async nodes(): Promise<NodeInfo[]> {
    const ids = await this.commands.smembers(this.key('nodes'));
    if (ids.length === 0) return [];
    const infos = await this.commands.mget(ids.map((id) => this.key('alive', id)));
    const out: NodeInfo[] = [];
    ids.forEach((id, i) => {
      const text = infos[i];
      if (text === null || text === undefined) return;
      const info = JSON.parse(text) as { ns: string; sb: string; load: number };
      out.push({ id, ns: info.ns, sb: info.sb, load: info.load });
    });
    return out;
  }

  async claim(handle: string, session: string): Promise<SessionRef | undefined> {
    this.assertServing();
    const old = await this.commands.claim(this.key('dir', handle), this.key('users', this.nodeId), `${this.nodeId} ${session}`, handle, this.key('all'));
    return parseRef(old);
  }

  async reclaim(handle: string, session: string): Promise<SessionRef | undefined> {
    this.assertServing();
    const other = await this.commands.reclaim(this.key('dir', handle), this.key('users', this.nodeId), `${this.nodeId} ${session}`, handle, this.key('all'));
    return parseRef(other);
  }

  async release(handle: string, session: string): Promise<boolean> {
    const done = await this.commands.release(this.key('dir', handle), this.key('users', this.nodeId), `${this.nodeId} ${session}`, handle, this.key('all'));
    return done === 1;
  }

  locateCached(handles: readonly string[]): Map<string, SessionRef> | undefined {
    if (this.locatesWaiting > 0) return undefined;
    const found = new Map<string, SessionRef>();
    const missing = this.fromCopy(handles, this.now(), found);
    return missing.length === 0 ? found : undefined;
  }

  /** Puts in `found` what the copy holds, fresh at `at`, of `handles`; returns the others. */
  private fromCopy(handles: readonly string[], at: number, found: Map<string, SessionRef>): string[] {
    const missing: string[] = [];
    for (const h of handles) {
      const e = this.directory.get(h);
      if (e === undefined || at - e.at >= this.cacheTtlMs) missing.push(h);
      else if (e.ref !== null) found.set(h, e.ref);
    }
    return missing;
  }

  locate(handles: readonly string[], options?: { readonly cached?: boolean }): Promise<Map<string, SessionRef>> {
    const found = new Map<string, SessionRef>();
    if (handles.length === 0) return Promise.resolve(found);
    const askedAt = this.now();
    const missing = options?.cached === true ? this.fromCopy(handles, askedAt, found) : [...handles];
    // Answers come back in the order asked, as when every one was an MGET on one connection: a
    // presence change answered from the copy must not be published before an earlier change of
    // the same user still waiting for Redis (its watchers would end on the older state).
    if (missing.length === 0 && this.locatesWaiting === 0) return Promise.resolve(found);
    const seq = this.directorySeq;
    // Sent now (its place on the connection), read in turn; a failure is handled there.
    const read = missing.length === 0 ? Promise.resolve([]) : this.commands.mget(missing.map((h) => this.key('dir', h)));
    read.catch(() => undefined);
    const answer = this.locateTail
      .then(() => read)
      .then((values) => {
        const cache = askedAt >= this.cacheFrom && this.serving;
        missing.forEach((h, i) => {
          const heard = this.directory.get(h);
          if (heard !== undefined && heard.seq > seq) {
            // Announced while the read was on its way: the announcement is the newer value.
            if (heard.ref !== null) found.set(h, heard.ref);
            return;
          }
          const ref = parseRef(values[i]);
          if (ref !== undefined) found.set(h, ref);
          if (cache) this.directory.set(h, { ref: ref ?? null, at: askedAt, seq });
        });
        return found;
      });
    this.locatesWaiting++;
    // One step later than the callers' own `then`s on `answer`, so they have run (and published)
    // before a later answer from the copy may go without waiting.
    const settled = answer.then(
      () => undefined,
      () => undefined,
    );
    this.locateTail = settled;
    void settled.then(() => void this.locatesWaiting--);
    return answer;
  }

  send(node: string, message: ClusterMessage): void {
    const text = JSON.stringify({ from: this.nodeId, message });
    this.commands.publish(this.key('inbox', node), text).catch((err: unknown) => this.o.onError?.('redis-publish-failed', err));
  }

  async takeOnce(key: string, ttlMs: number): Promise<boolean> {
    const r = await this.commands.set(this.key('once', key), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return r === 'OK';
  }

  async audit(live: LiveSessions): Promise<AuditReport> {
    const report = { checked: 0, restored: [] as string[], corrected: 0, released: 0, pruned: 0 };
    if (!this.serving) return report;
    const mine = `${this.nodeId} `;
    const dirs = this.key('dir');
    const users = this.key('users', this.nodeId);
    const nodes = this.key('nodes');
    const all = this.key('all');
    // Every live session's entry.
    const handles = [...live.liveHandles()];
    for (let i = 0; i < handles.length; i += AUDIT_BATCH) {
      const batch = handles.slice(i, i + AUDIT_BATCH);
      const values = await this.commands.mget(batch.map((h) => `${dirs}:${h}`));
      const writes: Array<Promise<void>> = [];
      batch.forEach((h, j) => {
        // As it is now: a session gone since the read is not written back.
        const session = live.liveSession(h);
        if (session === undefined) return;
        report.checked++;
        const want = mine + session;
        const seen = values[j] ?? null;
        if (seen === want) return;
        // Another node's entry: its audit or its kick settles it, never this node.
        if (seen !== null && !seen.startsWith(mine)) return;
        writes.push(
          this.commands.auditWrite(`${dirs}:${h}`, users, nodes, seen ?? '', want, h, all, this.nodeId).then((r) => {
            if (r !== 1) return;
            if (seen === null) report.restored.push(h);
            else report.corrected++;
          }),
        );
      });
      await Promise.all(writes);
    }
    // Entries naming this node for users without a live session here.
    let cursor = '0';
    do {
      const [next, members] = await this.commands.sscan(users, cursor, 'COUNT', AUDIT_BATCH);
      cursor = next;
      const idle = members.filter((h) => live.liveSession(h) === undefined);
      if (idle.length === 0) continue;
      const values = await this.commands.mget(idle.map((h) => `${dirs}:${h}`));
      const releases: Array<Promise<void>> = [];
      idle.forEach((h, j) => {
        // Signed in here since the scan: its own claim and release keep its entry right.
        if (live.liveSession(h) !== undefined) return;
        const seen = values[j] ?? null;
        // The exact value read (removed only if still there), or, naming no session (none is
        // called '-'), only the set's member forgotten.
        const value = seen !== null && seen.startsWith(mine) ? seen : `${mine}-`;
        releases.push(
          this.commands.release(`${dirs}:${h}`, users, value, h, all).then((r) => {
            if (r === 1) report.released++;
            else if (r === 2) report.pruned++;
          }),
        );
      });
      await Promise.all(releases);
    } while (cursor !== '0');
    return report;
  }

  /** One periodic audit; its repairs told to the server (`audited`). */
  private async auditNow(): Promise<void> {
    const events = this.events;
    if (events === undefined || this.auditing || !this.serving) return;
    this.auditing = true;
    try {
      const report = await this.audit(events);
      if (report.restored.length + report.corrected + report.released > 0 && !this.stopped) events.audited(report);
    } catch (err) {
      // Commands cut short by `stop` are no failure.
      if (!this.stopped) this.o.onError?.('redis-audit-failed', err);
    } finally {
      this.auditing = false;
    }
  }

  private assertServing(): void {
    if (!this.serving) throw new Error('cluster: this node is fenced (Redis out of reach)');
  }

  private onMessage(channel: string, text: string): void {
    const events = this.events;
    if (events === undefined || this.stopped) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.o.onError?.('redis-bad-message', err);
      return;
    }
    if (channel === this.key('all')) {
      const dir = parsed as { type?: unknown; handle?: unknown; value?: unknown };
      if (dir.type === 'dir') {
        if (typeof dir.handle !== 'string' || typeof dir.value !== 'string') return;
        this.directory.set(dir.handle, { ref: parseRef(dir.value) ?? null, at: this.now(), seq: ++this.directorySeq });
        return;
      }
      const down = parsed as { type?: unknown; node?: unknown; by?: unknown; handles?: unknown };
      if (down.type !== 'node-down' || typeof down.node !== 'string') return;
      // cjson encodes an empty table as an object.
      const handles = Array.isArray(down.handles) ? down.handles.filter((h): h is string => typeof h === 'string') : [];
      // Their directory entries are gone.
      const at = this.now();
      for (const h of handles) this.directory.set(h, { ref: null, at, seq: ++this.directorySeq });
      if (down.node === this.nodeId) {
        // My own leaving or clean-up after a fence: nothing to do.
        if (down.by === this.nodeId) return;
        // Declared dead (a stall longer than the heartbeat lives): whatever I still serve is stale.
        if (!this.fenced) this.fence();
        return;
      }
      events.nodeDown(down.node, handles);
      return;
    }
    const envelope = parsed as { from?: unknown; message?: unknown };
    const message = envelope.message as ClusterMessage | undefined;
    if (typeof envelope.from !== 'string' || message === undefined || typeof message.type !== 'string') return;
    events.message(envelope.from, message);
  }

  private fence(): void {
    this.fenced = true;
    // Not refilled while fenced (`locate` caches only while serving); announcements still count.
    this.directory.clear();
    this.events?.fenced();
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      if (!this.fenced && this.now() - this.lastBeatSentAt >= this.aliveMs) this.fence();
      await this.beat();
      if (!this.fenced) await this.sweep();
    } finally {
      this.ticking = false;
    }
  }

  /** One heartbeat; on success after a fence or a lost registration, recovery. */
  private async beat(): Promise<void> {
    const address = this.address;
    if (address === undefined) return;
    const sentAt = this.now();
    const wasFenced = this.fenced;
    let was: unknown;
    try {
      if (wasFenced && this.registered) {
        // What the directory still says about me is stale: my sessions were signed out while
        // Redis was out of reach. Remove it (announced once) before registering again.
        await this.commands.removeNode(this.prefix, this.nodeId, '0', this.nodeId);
      }
      const info = JSON.stringify({ ns: address.ns, sb: address.sb, load: this.load });
      was = await this.commands.heartbeat(this.key('nodes'), this.key('alive', this.nodeId), this.nodeId, info, this.aliveMs);
    } catch (err) {
      this.o.onError?.('redis-heartbeat-failed', err);
      return;
    }
    if (this.stopped) return;
    this.lastBeatSentAt = sentAt;
    const firstTime = !this.registered;
    this.registered = true;
    if (wasFenced) {
      this.fenced = false;
      if (!firstTime) this.events?.recovered();
    } else if (was !== 1) {
      // Redis lost my registration without my noticing an outage (restarted empty within the
      // TTL): my directory entries are gone too, so the server claims its sessions again.
      this.events?.recovered();
    }
  }

  /** Removes nodes whose heartbeat has expired (exactly one sweeping node does each). */
  private async sweep(): Promise<void> {
    try {
      const ids = await this.commands.smembers(this.key('nodes'));
      const others = ids.filter((id) => id !== this.nodeId);
      if (others.length === 0) return;
      const alive = await this.commands.mget(others.map((id) => this.key('alive', id)));
      for (let i = 0; i < others.length; i++) {
        if (alive[i] !== null) continue;
        await this.commands.removeNode(this.prefix, others[i] as string, '1', this.nodeId);
      }
    } catch (err) {
      this.o.onError?.('redis-sweep-failed', err);
    }
  }
}

/**
 * How both connections find the primary through Sentinels (see "Redis that fails over"): ask a
 * Sentinel, connect, check the role (ioredis does both, and again at every reconnect), and drop
 * the connection when a Sentinel announces `+switch-master` (`failoverDetector`), so a primary
 * that was demoted while still reachable is left too, not only one that died. Sentinels out of
 * reach are asked again as often as Redis itself would be.
 */
function sentinelOptions(a: Extract<RedisAddress, { kind: 'sentinel' }>, periodMs: number, aliveMs: number): RedisOptions {
  return {
    sentinels: a.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: a.primaryName,
    role: 'master',
    username: a.username,
    password: a.password,
    db: a.db,
    sentinelRetryStrategy: () => Math.min(periodMs, 250),
    sentinelCommandTimeout: aliveMs,
    failoverDetector: true,
    // A write that reached a primary already demoted (before the Sentinel's CLIENT KILL): the
    // command fails (as any while Redis is out of reach) and the connection asks again.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
  };
}

function parseRef(value: unknown): SessionRef | undefined {
  if (typeof value !== 'string') return undefined;
  const at = value.indexOf(' ');
  if (at <= 0) return undefined;
  return { node: value.slice(0, at), session: value.slice(at + 1) };
}
