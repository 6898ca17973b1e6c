/**
 * The server on several nodes (issue 13): what the nodes share about who is online where, and how
 * they talk to each other. PostgreSQL (the `Store`) holds what must last; a `Cluster` holds only
 * what lives as long as a connection, and Redis is its engine when there is more than one node.
 *
 * Design, and why:
 *
 * - **Node registry.** Each node keeps a heartbeat key (its public NS/SB addresses and its load)
 *   that expires. It is rewritten every TTL/4 and lives 3·TTL/4, so two heartbeats can be late
 *   under load before the node counts as dead, and a node that stops is found dead by a surviving
 *   node's sweep (also every TTL/4) at most TTL after its last heartbeat.
 * - **Session directory.** `handle → node + session id`: `claim` writes it and returns the
 *   previous holder in the same atomic step (so two sign-ins on two nodes cannot both miss each
 *   other: one of them sees the other and sends it `OUT OTH`); `release` deletes it only while it
 *   still names the releasing session (a replaced session must not evict its successor, the same
 *   rule as `PresenceHub.unregister`); `locate` reads many handles in one round trip (a presence
 *   change looks up all its watchers at once).
 * - **Dead nodes are cleaned up exactly once.** The sweep that finds a node's heartbeat gone
 *   removes the node from the registry, deletes the directory entries that still name it and
 *   announces `nodeDown(node, handles)` to every node, all in one atomic step: whichever surviving
 *   node's sweep runs it first does it, the others find nothing left to do. Each node then tells
 *   its own watchers those users went offline.
 * - **Inboxes.** One per node, in order per sender. Redis pub/sub, not streams: what travels is
 *   presence and invitations, which are worth nothing once stale; pub/sub delivers at once, keeps
 *   nothing in Redis (no trimming, no consumer bookkeeping), and Redis delivers the messages one
 *   connection publishes in the order it published them. What it cannot do, deliver while a node
 *   is cut off, coincides with the cases handled by fencing and recovery below.
 * - **Single-use keys.** `SET key NX PX`: the first `takeOnce` wins; for switchboard cookies and
 *   Passport tickets, which are signed (`tokens.ts`) so any node can check them without a lookup,
 *   and spent through the cluster so they stay single-use across nodes.
 * - **Fencing.** A node that has not written its heartbeat for as long as that heartbeat lives
 *   (3·TTL/4, measured from when the last successful one was sent, so never later than Redis lets
 *   it expire) reports `fenced`: other nodes may already have declared it dead and shown its users
 *   offline, so it must stop serving (sign everyone out, refuse sign-ins) rather than keep showing
 *   stale state. A node told that it was itself declared dead fences too.
 * - **Recovery.** When the heartbeat succeeds again (Redis back, or restarted empty), the node
 *   registers anew; if it had been fenced it first removes whatever the directory still says about
 *   it (announcing those users offline, once); then it reports `recovered`, and the server
 *   re-claims its live sessions with `reclaim` (which never overwrites a newer holder).
 * - **Directory audit.** A command whose answer timed out may still run later: a node whose link to
 *   Redis stalls and resumes has its claim (for a sign-in it already failed), then its release,
 *   executed after another node's claim of the same user, and the user's live session is then in
 *   no entry (no presence reaches it, `CAL` gets `217`). The same follows from a fenced node's
 *   clean-up after such a late claim, and from a claim that ran but whose answer was lost. Rather
 *   than make every claim pay for this (a deadline in the script needs the node's and Redis's
 *   clocks to agree, and would still miss the lost answer), every node reconciles the directory
 *   with its live sessions once per TTL (`audit`): a live session whose entry is missing, or names
 *   this node with another (dead) session, is written again (compare-and-set against what was
 *   read, announced like every change); an entry naming this node for a user with no live session
 *   here is removed (compare-and-delete of the exact value, so a sign-in racing the audit stays);
 *   an entry naming another node is never touched (that node's audit, or its kick, settles it).
 *   So whatever order late commands run in, the directory is right again within a TTL of the
 *   last one, the time a dead node takes to be shown offline. A user whose entry was restored is
 *   announced online again to other nodes' watchers (they may have been told it went offline by
 *   the clean-up that removed it).
 *
 * The in-process cluster (`local.ts`) is today's one-process server: `distributed` is false and
 * the server skips every cluster call, so one process pays nothing for this.
 */

/** How clients reach a node (written into `XFR`/`RNG`). */
export interface NodeAddress {
  /** `host:port` of the node's Notification Server. */
  readonly ns: string;
  /** `host:port` of the node's Switchboard. */
  readonly sb: string;
}

export interface NodeInfo extends NodeAddress {
  readonly id: string;
  /** What the node last reported (`setLoad`): its open switchboard connections, say. */
  readonly load: number;
}

/** Where a user is signed in. */
export interface SessionRef {
  readonly node: string;
  readonly session: string;
}

/**
 * A message between nodes: JSON (bytes travel as base64). `type` says what it is; the server
 * defines the types (presence, kick, invitation …).
 */
export interface ClusterMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** This node's live sessions, which the directory audit makes the directory agree with. */
export interface LiveSessions {
  /** Every user signed in on this node. */
  liveHandles(): Iterable<string>;
  /** The session `handle` is signed in with on this node now, if any (read at the moment of each comparison). */
  liveSession(handle: string): string | undefined;
}

/** What one directory audit found and repaired (counts of handles, and the handles restored). */
export interface AuditReport {
  /** Live sessions compared with their entries. */
  readonly checked: number;
  /** Live sessions whose entry was missing, written again: other nodes may have shown them offline. */
  readonly restored: readonly string[];
  /** Entries naming another (dead) session of this node for a live user, rewritten. */
  readonly corrected: number;
  /** Entries naming this node for a user with no live session here, removed. */
  readonly released: number;
  /** `users:<node>` members whose entry names no session of this node, forgotten (bookkeeping). */
  readonly pruned: number;
}

/** What a cluster tells the node it runs in. Called on the event loop, never re-entrantly. */
export interface ClusterEvents extends LiveSessions {
  /** A message for this node, from node `from` (this one included); in order per sender. */
  message(from: string, message: ClusterMessage): void;
  /**
   * Node `node` is dead: `handles` were signed in there, and their directory entries are gone.
   * Heard once by every live node.
   */
  nodeDown(node: string, handles: readonly string[]): void;
  /**
   * The directory has been out of reach for as long as this node's heartbeat lives, or this node
   * was declared dead: sign every user out and refuse sign-ins until `recovered`.
   */
  fenced(): void;
  /** Registered again after an outage or a Redis restart: `reclaim` every live session. */
  recovered(): void;
  /** The periodic `audit` repaired the directory (not called when it found nothing to repair). */
  audited(report: AuditReport): void;
}

export interface Cluster {
  /** This node's id (`[A-Za-z0-9_.-]`, at most 64 characters). */
  readonly nodeId: string;
  /** False for the one-process cluster: the server then skips every call below. */
  readonly distributed: boolean;
  /** False while fenced (and before `start`). */
  readonly serving: boolean;
  /** Registers this node, starts the heartbeat and the sweep, and subscribes to the inbox. */
  start(address: NodeAddress, events: ClusterEvents): Promise<void>;
  /** Leaves the registry (its directory entries go with it, announced as `nodeDown`) and disconnects. */
  stop(): Promise<void>;
  /** Reported with the next heartbeat. */
  setLoad(load: number): void;
  /** The live nodes (this one included). */
  nodes(): Promise<NodeInfo[]>;
  /** Names this session as `handle`'s; returns the previous holder (to be sent `OUT OTH`), if any. */
  claim(handle: string, session: string): Promise<SessionRef | undefined>;
  /**
   * After recovery: names this session as `handle`'s unless another one holds it; returns that
   * other holder (then this session must go), or undefined.
   */
  reclaim(handle: string, session: string): Promise<SessionRef | undefined>;
  /** Removes `handle`'s entry if it still names this node's `session`; true when it did. */
  release(handle: string, session: string): Promise<boolean>;
  /**
   * Where each of `handles` is signed in (absent = nowhere), in one round trip; answers come in
   * the order asked. `cached`: from this node's copy of the directory where it has one, which
   * follows every change a moment after Redis (presence fan-out, the hot path; redis.ts, "The
   * directory, cached").
   */
  locate(handles: readonly string[], options?: { readonly cached?: boolean }): Promise<Map<string, SessionRef>>;
  /**
   * `locate(handles, { cached: true })` answered now, without waiting a turn of the event loop,
   * when this node's copy holds every one of `handles` and no earlier `locate` is still to answer
   * (answers keep their order); otherwise undefined, and the caller uses `locate`. Presence
   * fan-out publishes with it before writing to its local watchers, so a cross-node notification
   * does not wait for them (bench/README.md, "Cluster").
   */
  locateCached(handles: readonly string[]): Map<string, SessionRef> | undefined;
  /** Queues `message` for `node`'s inbox (dropped if that node is gone). */
  send(node: string, message: ClusterMessage): void;
  /** True for the first caller with `key` within `ttlMs` across the cluster, false for every later one. */
  takeOnce(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Makes the directory agree with `live` as far as this node is concerned (see "Directory audit"
   * above). A distributed cluster runs it by itself every `auditPeriodMs` with its `ClusterEvents`.
   */
  audit(live: LiveSessions): Promise<AuditReport>;
}

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Throws unless `id` can be a node id (it is part of keys, channels and directory values). */
export function checkNodeId(id: string): string {
  if (!NODE_ID.test(id)) throw new Error(`node id ${JSON.stringify(id)}: use 1 to 64 of A-Z a-z 0-9 _ . -`);
  return id;
}

/** The heartbeat period, heartbeat lifetime and sweep period for a TTL (see the design above). */
export function heartbeatTimes(ttlMs: number): { periodMs: number; aliveMs: number; auditPeriodMs: number } {
  const periodMs = Math.max(1, Math.floor(ttlMs / 4));
  // The audit heals what a stall left as fast as a dead node is shown offline (the TTL), at the
  // cost of reading each live user's entry once per TTL (redis.ts, "The audit").
  return { periodMs, aliveMs: Math.max(1, ttlMs - periodMs), auditPeriodMs: Math.max(1, ttlMs) };
}
