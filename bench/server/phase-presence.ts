/**
 * Phases 3 and 4: contact lists, then a presence storm.
 *
 * Contact lists: every storm user puts every other storm user on its forward list (`ADD` in
 * MSNP2–9, `ADC` in 10–12; MSNP.md §4.5), so each status change fans out to S−1 watchers
 * (§5.2). `215` (already on the list) counts as done, so the phase can be re-run against a
 * server with persistent lists.
 *
 * Storm: the storm users change status (`CHG`, §5.2) at a fixed aggregate rate, open loop (the
 * schedule does not wait for the server, so a slow server shows as latency, not as a lower rate),
 * round-robin over the users. Each user's states cycle through the seven online states, so two
 * consecutive changes of one user never have the same state. A watcher receiving
 * `NLN <state> <user> …` matches it to the first change of that user after the last one it saw
 * with that state (the server delivers one sender's changes to one watcher in order), and the
 * notification latency is receive time − the time the `CHG` was written. Both ends live in this
 * process, so one clock serves both.
 */
import type { Command } from '../../shared/msnp';
import { ReplyError } from './connection';
import { clusterCost, costPer, LoadMeter, type ClusterCost, type OperationCost, type ServerPids, type WindowProbe, type WindowUsage } from './load-meter';
import type { BenchUser } from './signin';
import { Samples, round, type LatencySummary } from './stats';

/** MSNP.md §5.1: online states other than HDN; NLN last because everyone starts there. */
const STATES = ['BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'NLN'] as const;
const STATE_CODE = new Map<string, number>(STATES.map((s, i) => [s, i]));

export interface ContactsResult {
  readonly users: number;
  readonly adds: number;
  readonly alreadyPresent: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly errors: readonly string[];
}

/** Puts every storm user on every other storm user's forward list. */
export async function buildContactLists(storm: readonly BenchUser[], timeoutMs: number): Promise<ContactsResult> {
  let alreadyPresent = 0;
  let failed = 0;
  const errors = new Set<string>();
  const started = performance.now();
  await Promise.all(
    storm.map(async (owner) => {
      const adds = storm
        .filter((c) => c !== owner)
        .map((c) =>
          owner.dialect >= 10
            ? owner.ns.request('ADC', ['FL', `N=${c.handle}`, `F=${c.handle}`], { timeoutMs })
            : owner.ns.request('ADD', ['FL', c.handle, c.handle], { timeoutMs }),
        );
      for (const r of await Promise.allSettled(adds)) {
        if (r.status === 'fulfilled') continue;
        if (r.reason instanceof ReplyError && r.reason.code === 215) alreadyPresent++;
        else {
          failed++;
          errors.add((r.reason as Error).message);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const adds = storm.length * (storm.length - 1);
  if (failed > 0) {
    throw new Error(`could not build the storm users' contact lists: ${failed} of ${adds} adds failed (${[...errors].slice(0, 3).join('; ')})`);
  }
  return { users: storm.length, adds, alreadyPresent, failed, seconds: round(seconds), perSecond: round(adds / seconds, 1), errors: [...errors].slice(0, 5) };
}

export interface StormOptions {
  readonly rate: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly timeoutMs: number;
  readonly serverPid: ServerPids | undefined;
  readonly probe?: WindowProbe;
}

export interface StormResult {
  readonly users: number;
  readonly watchersPerChange: number;
  readonly targetChangesPerSecond: number;
  readonly changesSent: number;
  readonly changesPerSecond: number;
  readonly notificationsExpected: number;
  readonly notificationsReceived: number;
  /** Expected − received after draining; > 0 means the server dropped notifications. */
  readonly notificationsMissing: number;
  /** Received over the measured window, per second. */
  readonly notificationsPerSecond: number;
  /** Latency of notifications whose change was sent inside the measured window. */
  readonly latencyMs: LatencySummary | undefined;
  /** NLN lines that matched no change of that user (server bug or reordering). */
  readonly unmatched: number;
  /** FLN for a storm user: someone fell offline. */
  readonly unexpectedOffline: number;
  /** Numeric errors in reply to CHG (e.g. 800 changing too fast). */
  readonly chgErrors: Readonly<Record<string, number>>;
  readonly drainSeconds: number;
  readonly usage: WindowUsage;
  /** Per notification delivered in the measured window (the CHGs' own cost included). */
  readonly cost: OperationCost;
  /** `--cluster`: each node's CPU per notification it delivered (to a watcher signed in on it). */
  readonly cluster?: ClusterCost;
  /**
   * `--cluster`: the latency of notifications whose watcher is on the changing user's node
   * (`sameNode`) and on another node (`crossNode`, through the cluster's Redis).
   */
  readonly latencyByPath?: { readonly sameNode: LatencySummary | undefined; readonly crossNode: LatencySummary | undefined };
}

export async function runPresenceStorm(storm: readonly BenchUser[], opts: StormOptions): Promise<StormResult> {
  const n = storm.length;
  const indexOf = new Map(storm.map((u, i) => [u.handle.toLowerCase(), i]));
  // Per sender: time and state code of every change, in order.
  const sentAt: number[][] = storm.map(() => []);
  const sentState: number[][] = storm.map(() => []);
  const current = new Uint8Array(n).fill(STATES.length - 1);
  // lastSeen[w * n + u]: index of u's last change that watcher w has been told about.
  const lastSeen = new Int32Array(n * n).fill(-1);
  const latency = new Samples();
  // --cluster: the same latencies split by whether watcher and sender share a node.
  const clustered = Array.isArray((opts.serverPid as { nodes?: unknown } | undefined)?.nodes);
  const sameNode = new Samples();
  const crossNode = new Samples();
  const receivedByNode: number[] = [];
  const chgErrors: Record<string, number> = {};
  let changesSent = 0;
  let received = 0;
  let receivedInWindow = 0;
  let unmatched = 0;
  let unexpectedOffline = 0;
  let windowStart = Infinity;
  let windowEnd = Infinity;

  const onNotification = (w: number) => (cmd: Command): void => {
    if (cmd.verb === 'NLN') {
      const now = performance.now();
      const u = indexOf.get((cmd.params[1] ?? '').toLowerCase());
      const code = STATE_CODE.get(cmd.params[0] ?? '');
      if (u === undefined || code === undefined) return;
      const times = sentAt[u] as number[];
      const states = sentState[u] as number[];
      const slot = w * n + u;
      const from = (lastSeen[slot] as number) + 1;
      // States cycle with period 7: the match is within the next 7 changes unless 7 were lost.
      const limit = Math.min(times.length, from + STATES.length);
      for (let k = from; k < limit; k++) {
        if (states[k] === code) {
          lastSeen[slot] = k;
          received++;
          const t = times[k] as number;
          if (t >= windowStart && t < windowEnd) {
            latency.add(now - t);
            if (clustered) ((storm[w] as BenchUser).node === (storm[u] as BenchUser).node ? sameNode : crossNode).add(now - t);
          }
          if (now >= windowStart && now < windowEnd) {
            receivedInWindow++;
            const node = (storm[w] as BenchUser).node;
            receivedByNode[node] = (receivedByNode[node] ?? 0) + 1;
          }
          return;
        }
      }
      unmatched++;
    } else if (cmd.verb === 'FLN') {
      if (indexOf.has((cmd.params[0] ?? '').toLowerCase())) unexpectedOffline++;
    } else if (/^\d{3}$/.test(cmd.verb)) {
      chgErrors[cmd.verb] = (chgErrors[cmd.verb] ?? 0) + 1;
    }
  };
  if (clustered) {
    // In a cluster an adder is told the contact's presence by the contact's node, after that
    // node has applied the reverse-list change (a PostgreSQL write): wait until the contact-list
    // phase's notifications have stopped for a second before the storm's are matched.
    let last = performance.now();
    for (const u of storm) u.onNotification = () => void (last = performance.now());
    const began = performance.now();
    while (performance.now() - last < 1000 && performance.now() - began < opts.timeoutMs) await sleep(50);
  }
  storm.forEach((u, w) => {
    u.onNotification = onNotification(w);
  });

  // Let ILN / ADD RL traffic from the contact-list phase settle before the clock starts.
  if (!clustered) await sleep(200);

  const meter = new LoadMeter(opts.serverPid, opts.probe);
  const started = performance.now();
  windowStart = started + opts.warmupSeconds * 1000;
  windowEnd = windowStart + opts.durationSeconds * 1000;
  let meterStarted = false;
  let usage: WindowUsage | undefined;
  let next = 0;

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      if (!meterStarted && now >= windowStart) {
        meter.start();
        meterStarted = true;
      }
      if (now >= windowEnd) {
        clearInterval(timer);
        if (!meterStarted) meter.start();
        usage = meter.stop();
        resolve();
        return;
      }
      const due = Math.floor(((now - started) / 1000) * opts.rate) - changesSent;
      for (let i = 0; i < due; i++) {
        const u = next;
        next = (next + 1) % n;
        const user = storm[u] as BenchUser;
        if (user.ns.closed) continue;
        const code = ((current[u] as number) + 1) % STATES.length;
        current[u] = code;
        const state = STATES[code] as string;
        (sentAt[u] as number[]).push(performance.now());
        (sentState[u] as number[]).push(code);
        user.ns.send('CHG', user.dialect >= 8 ? [state, '0'] : [state]);
        changesSent++;
      }
    };
    const timer = setInterval(tick, 1);
  });

  // Drain: wait for the notifications still in flight, up to the timeout.
  const expected = changesSent * (n - 1);
  const drainStart = performance.now();
  while (received < expected && performance.now() - drainStart < opts.timeoutMs) await sleep(20);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  for (const u of storm) u.onNotification = () => {};

  const sendSeconds = (windowEnd - started) / 1000;
  const done = usage as WindowUsage;
  const cluster = done.nodes === undefined ? undefined : clusterCost(done, done.nodes.map((_, i) => receivedByNode[i] ?? 0));
  return {
    users: n,
    watchersPerChange: n - 1,
    targetChangesPerSecond: opts.rate,
    changesSent,
    changesPerSecond: round(changesSent / sendSeconds, 1),
    notificationsExpected: expected,
    notificationsReceived: received,
    notificationsMissing: expected - received,
    notificationsPerSecond: round(receivedInWindow / opts.durationSeconds, 1),
    latencyMs: latency.summary(),
    unmatched,
    unexpectedOffline,
    chgErrors,
    drainSeconds: round(drainSeconds),
    usage: usage as WindowUsage,
    cost: costPer(usage as WindowUsage, receivedInWindow),
    ...(cluster === undefined ? {} : { cluster, latencyByPath: { sameNode: sameNode.summary(), crossNode: crossNode.summary() } }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
