/**
 * Phase 5: switchboard conversations. P pairs each open a switchboard the way clients do
 * (MSNP.md §6.1–6.2: `XFR SB` on the caller's NS, SB `USR`, `CAL`; `RNG` on the callee's NS,
 * `ANS`, `IRO`; the caller sees `JOI`), then ping-pong text messages (§6.4, §6.6) with exactly one
 * message in flight per pair: the receiver answers as soon as a message arrives. Every message
 * carries its sequence number and send time in its body, so the receiver measures the one-way
 * latency (send → receive through the server) and checks that nothing was lost or reordered.
 * Messages received during the measured window count as relayed messages.
 */
import { Buffer } from 'node:buffer';
import type { Command } from '../../shared/msnp';
import { MsnpConnection, TimeoutError } from './connection';
import { clusterCost, costPer, LoadMeter, type ClusterCost, type OperationCost, type ServerPids, type WindowProbe, type WindowUsage } from './load-meter';
import type { AckMode } from './options';
import { parseAddress, type BenchUser } from './signin';
import { Samples, round, type LatencySummary } from './stats';

/** MSNP.md §6.6: a plain text message as the official client sends it; body appended per message. */
const HEADER =
  'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n' +
  'X-MMS-IM-Format: FN=Arial; EF=; CO=0; CS=0; PF=22\r\n\r\n';

export interface SwitchboardOptions {
  readonly pairs: number;
  readonly ack: AckMode;
  readonly setupConcurrency: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly timeoutMs: number;
  readonly serverPid: ServerPids | undefined;
  readonly probe?: WindowProbe;
  /** `--cluster`: each node's SB port, to tell which node holds each conversation. */
  readonly sbPorts?: readonly number[];
}

export interface SwitchboardResult {
  readonly pairs: number;
  readonly ack: AckMode;
  readonly payloadBytes: number;
  readonly setupSeconds: number;
  /** Conversations opened per second during setup (XFR … JOI). */
  readonly setupsPerSecond: number;
  readonly messages: number;
  readonly messagesPerSecond: number;
  readonly latencyMs: LatencySummary | undefined;
  /**
   * pairs / messages per second, in ms: with exactly one message in flight per pair, Little's
   * law makes this the mean time a message is in flight, i.e. a floor under the mean one-way
   * latency at this throughput. (40,000/s with 500 pairs implies 12.5 ms.)
   */
  readonly impliedMeanInFlightMs: number;
  readonly naks: number;
  readonly acks: number;
  /** A message not answered within --timeout (then re-sent so the pair keeps going). */
  readonly stalls: number;
  /** Body sequence number not the one expected: lost, duplicated or reordered messages. */
  readonly outOfOrder: number;
  /** Switchboard connections the server closed during the run. */
  readonly closedDuringRun: number;
  readonly usage: WindowUsage;
  /** Per relayed message in the measured window. */
  readonly cost: OperationCost;
  /**
   * `--cluster`: each node's CPU per message relayed by a switchboard on it, and how many of the
   * conversations each node held (`XFR SB` picks the least loaded node).
   */
  readonly cluster?: ClusterCost & { readonly conversationsByNode: readonly number[] };
}

interface Counters {
  measuring: boolean;
  stopping: boolean;
  messages: number;
  naks: number;
  acks: number;
  stalls: number;
  outOfOrder: number;
  closedDuringRun: number;
  readonly latency: Samples;
  /** Messages received in the measured window per node holding the conversation. */
  readonly messagesByNode: number[];
}

/** One conversation between two bench users with its two SB connections. */
class Pair {
  private seq = 0;
  /** Sequence number of the message in flight (there is at most one). */
  private expectSeq = 0;
  inFlight = false;
  sentAt = 0;

  constructor(
    readonly caller: MsnpConnection,
    readonly callee: MsnpConnection,
    private readonly ack: AckMode,
    private readonly counters: Counters,
    /** The node holding this conversation's switchboard (0 for one server). */
    readonly node = 0,
  ) {
    caller.onCommand = (cmd) => this.receive(cmd, caller);
    callee.onCommand = (cmd) => this.receive(cmd, callee);
    const onClose = (): void => {
      if (!counters.stopping) counters.closedDuringRun++;
    };
    caller.onClose = onClose;
    callee.onClose = onClose;
  }

  /** Sends the next message from `from`. */
  send(from: MsnpConnection): void {
    if (from.closed) return;
    const seq = this.seq++;
    this.expectSeq = seq;
    this.sentAt = performance.now();
    this.inFlight = true;
    from.send('MSG', [this.ack], `${HEADER}${seq} ${this.sentAt.toFixed(4)}`);
  }

  /** After a stall: start again from the caller, with a fresh sequence number. */
  resend(): void {
    this.send(this.caller);
  }

  private receive(cmd: Command, at: MsnpConnection): void {
    const c = this.counters;
    switch (cmd.verb) {
      case 'MSG': {
        const now = performance.now();
        const body = bodyOf(cmd.payload);
        const space = body.indexOf(' ');
        const seq = Number(body.slice(0, space));
        const sent = Number(body.slice(space + 1));
        if (seq !== this.expectSeq) {
          c.outOfOrder++;
          return;
        }
        this.inFlight = false;
        if (c.measuring) {
          c.messages++;
          c.messagesByNode[this.node] = (c.messagesByNode[this.node] ?? 0) + 1;
          c.latency.add(now - sent);
        }
        if (!c.stopping) this.send(at);
        return;
      }
      case 'NAK':
        c.naks++;
        if (!c.stopping) this.send(at);
        return;
      case 'ACK':
        c.acks++;
        return;
      // JOI/BYE/IRO after setup and anything else are not part of the measurement.
    }
  }
}

/** Text after the blank line of the MIME block (MSNP.md §6.5); our bodies are ASCII. */
function bodyOf(payload: Uint8Array | undefined): string {
  if (payload === undefined) return '';
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return buf.toString('latin1', buf.lastIndexOf(10) + 1);
}

/** Opens one conversation caller → callee and resolves once both are in it. */
async function openPair(caller: BenchUser, callee: BenchUser, timeoutMs: number): Promise<[MsnpConnection, MsnpConnection, number]> {
  const xfr = await caller.ns.request('XFR', ['SB']);
  // `XFR t SB host:port CKI cookie` (MSNP.md §2.7).
  const [kind, address, auth, cookie] = xfr.params;
  if (kind !== 'SB' || address === undefined || auth !== 'CKI' || cookie === undefined) {
    throw new Error(`unexpected XFR reply: XFR ${xfr.params.join(' ')}`);
  }
  const sb = parseAddress(address, 'the XFR SB address');
  const a = await MsnpConnection.connect(sb.host, sb.port, `SB ${caller.handle}`, timeoutMs);
  try {
    await a.request('USR', [caller.handle, cookie]);
    const ring = waitFor(callee, timeoutMs, `RNG from ${caller.handle} on ${callee.handle}'s NS`, (cmd) =>
      cmd.verb === 'RNG' && (cmd.params[4] ?? '').toLowerCase() === caller.handle.toLowerCase() ? cmd : undefined,
    );
    const joined = waitForJoin(a, callee.handle, timeoutMs);
    await a.request('CAL', [callee.handle]);
    // `RNG session-id host:port CKI cookie caller-handle caller-friendly` (MSNP.md §6.2).
    const rng = await ring;
    const [sessionId, rngAddress, , rngCookie] = rng.params;
    if (sessionId === undefined || rngAddress === undefined || rngCookie === undefined) {
      throw new Error(`malformed RNG: RNG ${rng.params.join(' ')}`);
    }
    const sbB = parseAddress(rngAddress, 'the RNG address');
    const b = await MsnpConnection.connect(sbB.host, sbB.port, `SB ${callee.handle}`, timeoutMs);
    try {
      await b.request('ANS', [callee.handle, rngCookie, sessionId]);
      await joined;
      return [a, b, sb.port];
    } catch (e) {
      b.destroy();
      throw e;
    }
  } catch (e) {
    a.destroy();
    throw e;
  }
}

function waitFor(user: BenchUser, timeoutMs: number, what: string, match: (cmd: Command) => Command | undefined): Promise<Command> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      user.onNotification = () => {};
      reject(new TimeoutError(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    user.onNotification = (cmd) => {
      const hit = match(cmd);
      if (hit === undefined) return;
      clearTimeout(timer);
      user.onNotification = () => {};
      resolve(hit);
    };
  });
}

function waitForJoin(sb: MsnpConnection, handle: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`no JOI ${handle} within ${timeoutMs} ms`)), timeoutMs);
    sb.onCommand = (cmd) => {
      if (cmd.verb === 'JOI' && (cmd.params[0] ?? '').toLowerCase() === handle.toLowerCase()) {
        clearTimeout(timer);
        sb.onCommand = () => {};
        resolve();
      }
    };
    sb.onClose = (reason) => {
      clearTimeout(timer);
      reject(new Error(`SB closed before JOI ${handle}: ${reason}`));
    };
  });
}

export async function runSwitchboards(users: readonly BenchUser[], opts: SwitchboardOptions, log: (line: string) => void): Promise<SwitchboardResult> {
  const counters: Counters = {
    measuring: false,
    stopping: false,
    messages: 0,
    naks: 0,
    acks: 0,
    stalls: 0,
    outOfOrder: 0,
    closedDuringRun: 0,
    latency: new Samples(),
    messagesByNode: [],
  };
  const pairs: Pair[] = [];
  const setupStart = performance.now();
  let next = 0;
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (next < opts.pairs && failures.length === 0) {
      const k = next++;
      const caller = users[2 * k] as BenchUser;
      const callee = users[2 * k + 1] as BenchUser;
      try {
        const [a, b, sbPort] = await openPair(caller, callee, opts.timeoutMs);
        pairs.push(new Pair(a, b, opts.ack, counters, Math.max(0, opts.sbPorts?.indexOf(sbPort) ?? 0)));
      } catch (e) {
        failures.push(`${caller.handle} → ${callee.handle}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.setupConcurrency, opts.pairs) }, worker));
  const setupSeconds = (performance.now() - setupStart) / 1000;
  if (failures.length > 0) {
    closeAll(pairs, counters);
    throw new Error(`could not open ${opts.pairs} switchboard conversations: ${failures[0]}`);
  }
  log(`  ${opts.pairs} conversations open in ${setupSeconds.toFixed(2)} s; ping-pong for ${opts.warmupSeconds} + ${opts.durationSeconds} s`);

  for (const p of pairs) p.send(p.caller);
  // A watchdog, so one lost message does not silence a pair for the rest of the run.
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const p of pairs) {
      if (p.inFlight && now - p.sentAt > opts.timeoutMs && !counters.stopping) {
        counters.stalls++;
        p.resend();
      }
    }
  }, Math.min(1000, opts.timeoutMs / 2));

  const meter = new LoadMeter(opts.serverPid, opts.probe);
  await sleep(opts.warmupSeconds * 1000);
  meter.start();
  counters.measuring = true;
  const t0 = performance.now();
  await sleep(opts.durationSeconds * 1000);
  counters.measuring = false;
  const measured = (performance.now() - t0) / 1000;
  const usage = meter.stop();
  counters.stopping = true;
  clearInterval(watchdog);

  // Let the last messages land before hanging up, so closing is not counted as a failure.
  const drainStart = performance.now();
  while (pairs.some((p) => p.inFlight) && performance.now() - drainStart < opts.timeoutMs) await sleep(10);
  closeAll(pairs, counters);
  await sleep(200);

  const cost = usage.nodes === undefined ? undefined : clusterCost(usage, usage.nodes.map((_, i) => counters.messagesByNode[i] ?? 0));
  return {
    pairs: opts.pairs,
    ack: opts.ack,
    payloadBytes: Buffer.byteLength(`${HEADER}0 ${performance.now().toFixed(4)}`),
    setupSeconds: round(setupSeconds),
    setupsPerSecond: round(opts.pairs / setupSeconds, 1),
    messages: counters.messages,
    messagesPerSecond: round(counters.messages / measured, 1),
    latencyMs: counters.latency.summary(),
    impliedMeanInFlightMs: round((opts.pairs / (counters.messages / measured)) * 1000),
    naks: counters.naks,
    acks: counters.acks,
    stalls: counters.stalls,
    outOfOrder: counters.outOfOrder,
    closedDuringRun: counters.closedDuringRun,
    usage,
    cost: costPer(usage, counters.messages),
    ...(cost === undefined || usage.nodes === undefined
      ? {}
      : { cluster: { ...cost, conversationsByNode: usage.nodes.map((_, i) => pairs.filter((p) => p.node === i).length) } }),
  };
}

function closeAll(pairs: readonly Pair[], counters: Counters): void {
  counters.stopping = true;
  for (const p of pairs) {
    p.caller.quit();
    p.callee.quit();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
