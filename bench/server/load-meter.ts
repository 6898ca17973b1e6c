/**
 * What the machine did during one measured window: the server's CPU and RSS (from /proc, when we
 * know its pid), the load generator's own CPU, and the load generator's event-loop delay. With 2
 * cores shared by both processes, these tell whether a figure is the server's limit or ours.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import os from 'node:os';
import { ProcSampler, readSystemCpu, type SystemCpu, type UsageSummary } from './proc';

/**
 * The processes whose CPU is the server's: one pid (the single-process server, or `--server-pid`),
 * or a cluster's node processes, whose sum is the server's, plus the cluster's Redis, reported
 * apart (`--cluster`, bench/server/cluster.ts).
 */
export type ServerPids = number | { readonly nodes: readonly number[]; readonly redis?: number };

export interface WindowUsage {
  readonly seconds: number;
  readonly server: UsageSummary | undefined;
  /** `--cluster`: each node process (their sum is `server`), in node order. */
  readonly nodes?: readonly UsageSummary[];
  /** `--cluster`: the cluster's own Redis process (not in `server`). */
  readonly redis?: UsageSummary;
  readonly loadGenerator: {
    readonly cpuPercent: number;
    /** Event-loop delay p99 in ms: time our own callbacks waited, included in every latency. */
    readonly eventLoopDelayP99Ms: number;
  };
  /**
   * CPU used by everything else on the machine (other people's builds and tests share these
   * cores), in percent of one core: the whole machine's busy time minus the server's and ours.
   * Undefined when /proc/stat is unreadable or the server's CPU is unknown.
   */
  readonly otherProcessesCpuPercent: number | undefined;
}

/** Something to switch on for exactly the measured window (the server's CPU profiler). */
export interface WindowProbe {
  begin(): void;
  end(): void;
}

export class LoadMeter {
  private sampler: ProcSampler | undefined;
  private nodeSamplers: ProcSampler[] | undefined;
  private redisSampler: ProcSampler | undefined;
  private cpuStart: NodeJS.CpuUsage | undefined;
  private wallStart = 0;
  private delay: IntervalHistogram | undefined;
  private system: SystemCpu | undefined;

  constructor(
    private readonly serverPid: ServerPids | undefined,
    private readonly probe?: WindowProbe,
  ) {}

  start(): void {
    this.probe?.begin();
    if (typeof this.serverPid === 'number') {
      this.sampler = new ProcSampler(this.serverPid);
      this.sampler.start();
    } else if (this.serverPid !== undefined) {
      this.nodeSamplers = this.serverPid.nodes.map((pid) => new ProcSampler(pid));
      for (const s of this.nodeSamplers) s.start();
      if (this.serverPid.redis !== undefined) {
        this.redisSampler = new ProcSampler(this.serverPid.redis);
        this.redisSampler.start();
      }
    }
    this.delay = monitorEventLoopDelay({ resolution: 5 });
    this.delay.enable();
    this.cpuStart = process.cpuUsage();
    this.system = readSystemCpu();
    this.wallStart = performance.now();
  }

  stop(): WindowUsage {
    const seconds = (performance.now() - this.wallStart) / 1000;
    this.probe?.end();
    const cpu = process.cpuUsage(this.cpuStart);
    this.delay?.disable();
    const p99 = this.delay ? this.delay.percentile(99) / 1e6 : NaN;
    const nodes = this.nodeSamplers?.map((n) => n.stop());
    const redis = this.redisSampler?.stop();
    const server = nodes === undefined ? this.sampler?.stop() : sumUsage(nodes);
    const ours = seconds > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 1000) / 10 : 0;
    const sys = readSystemCpu();
    let others: number | undefined;
    if (this.system !== undefined && sys !== undefined && server !== undefined && sys.total > this.system.total) {
      const busyPercent = ((sys.busy - this.system.busy) / (sys.total - this.system.total)) * 100 * os.cpus().length;
      others = Math.max(0, Math.round((busyPercent - server.cpuPercent - (redis?.cpuPercent ?? 0) - ours) * 10) / 10);
    }
    return {
      seconds: Math.round(seconds * 1000) / 1000,
      server,
      ...(nodes === undefined ? {} : { nodes }),
      ...(redis === undefined ? {} : { redis }),
      loadGenerator: { cpuPercent: ours, eventLoopDelayP99Ms: Math.round(p99 * 1000) / 1000 },
      otherProcessesCpuPercent: others,
    };
  }
}

export interface OperationCost {
  /** Server CPU time per operation in µs (from /proc): barely affected by how busy the machine is. */
  readonly serverCpuUs: number | undefined;
  readonly loadGeneratorCpuUs: number;
  /**
   * 1e6 / serverCpuUs: operations per second one core would sustain if CPU were the server's
   * only limit. An upper bound, useful when other work on the machine starved the run.
   */
  readonly serverOpsPerCoreSecond: number | undefined;
}

export function costPer(usage: WindowUsage, operations: number): OperationCost {
  const us = (percent: number): number => (operations > 0 ? Math.round(((percent / 100) * usage.seconds * 1e6) / operations * 10) / 10 : NaN);
  const server = usage.server === undefined ? undefined : us(usage.server.cpuPercent);
  return {
    serverCpuUs: server,
    loadGeneratorCpuUs: us(usage.loadGenerator.cpuPercent),
    serverOpsPerCoreSecond: server === undefined || !(server > 0) ? undefined : Math.round(1e6 / server),
  };
}

/** A cluster's processes as one: CPU and RSS added up (the peak is the sum of each one's peak). */
function sumUsage(parts: readonly UsageSummary[]): UsageSummary {
  return {
    cpuPercent: Math.round(parts.reduce((a, p) => a + p.cpuPercent, 0) * 10) / 10,
    rssBytesEnd: parts.reduce((a, p) => a + p.rssBytesEnd, 0),
    rssBytesPeak: parts.reduce((a, p) => a + p.rssBytesPeak, 0),
  };
}

/** `--cluster`: what each node did in one window, and what the cluster's Redis cost. */
export interface ClusterCost {
  readonly byNode: ReadonlyArray<{
    /** Node index (node id `n<index>`). */
    readonly node: number;
    /** Operations this node served (sign-ins on it, notifications it delivered, messages it relayed). */
    readonly operations: number;
    readonly cpuPercent: number;
    /** This node's CPU time per operation it served, in µs. */
    readonly serverCpuUs: number | undefined;
  }>;
  /** The Redis process's CPU per operation of the whole cluster, in µs. */
  readonly redisCpuUs: number | undefined;
}

/** Per node: its CPU per operation it served; `opsByNode[i]` counts node i's. */
export function clusterCost(usage: WindowUsage, opsByNode: readonly number[]): ClusterCost | undefined {
  if (usage.nodes === undefined) return undefined;
  const us = (percent: number, ops: number): number | undefined => (ops > 0 ? Math.round(((percent / 100) * usage.seconds * 1e6) / ops * 10) / 10 : undefined);
  const total = opsByNode.reduce((a, b) => a + b, 0);
  return {
    byNode: usage.nodes.map((n, i) => ({ node: i, operations: opsByNode[i] ?? 0, cpuPercent: n.cpuPercent, serverCpuUs: us(n.cpuPercent, opsByNode[i] ?? 0) })),
    redisCpuUs: usage.redis === undefined ? undefined : us(usage.redis.cpuPercent, total),
  };
}

/**
 * Waits until the rest of the machine is quiet: every second, the CPU used by processes other
 * than the server and us, until it is under `thresholdPercent` (of one core) or `maxSeconds`
 * pass. Returns what it last saw, so the report can say the run was taken on a busy machine.
 */
export async function waitForQuiet(
  serverPid: ServerPids | undefined,
  thresholdPercent: number,
  maxSeconds: number,
  log: (line: string) => void,
): Promise<{ othersCpuPercent: number | undefined; waitedSeconds: number }> {
  const started = performance.now();
  let last: number | undefined;
  for (;;) {
    const meter = new LoadMeter(serverPid);
    meter.start();
    await new Promise((r) => setTimeout(r, 1000));
    last = meter.stop().otherProcessesCpuPercent;
    const waited = (performance.now() - started) / 1000;
    if (last === undefined || last < thresholdPercent || waited >= maxSeconds) {
      return { othersCpuPercent: last, waitedSeconds: Math.round(waited) };
    }
    if (Math.round(waited) % 10 === 0) log(`  waiting for a quiet machine: other processes use ${last}% CPU (threshold ${thresholdPercent}%)`);
  }
}
