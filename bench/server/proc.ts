/**
 * CPU time and resident memory of a local process, read from Linux /proc (proc(5)):
 * `/proc/<pid>/stat` fields 14 and 15 are utime and stime in clock ticks, `/proc/<pid>/status`
 * has `VmRSS` and `VmHWM` in kB. Used for the server (a child we started, or `--server-pid`) and
 * for the load generator itself, so the report can show which of the two saturated the cores.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** performance.now() when read. */
  readonly at: number;
  /** utime + stime, in seconds. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

let clockTicks: number | undefined;

/** `getconf CLK_TCK`, 100 on every Linux we know of; asked once. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** One reading; throws a clear error when the process is gone or /proc is unavailable. */
export function readProc(pid: number): ProcSample {
  const at = performance.now();
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (e) {
    throw new Error(`cannot read /proc/${pid} (process gone, or not Linux): ${(e as Error).message}`, { cause: e });
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 14 (utime) is fields[11] and field 15 (stime) fields[12].
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return { at, cpuSeconds: ticks / ticksPerSecond(), rssBytes: rss ? Number(rss[1]) * 1024 : NaN };
}

export function canReadProc(pid: number): boolean {
  try {
    readProc(pid);
    return true;
  } catch {
    return false;
  }
}

export interface UsageSummary {
  /** Average CPU over the interval, in percent of one core (200 = both cores of this machine). */
  readonly cpuPercent: number;
  readonly rssBytesEnd: number;
  readonly rssBytesPeak: number;
}

/**
 * Samples a process every `intervalMs` between start() and stop() and summarises CPU% over the
 * whole interval and the peak RSS seen. A process that vanishes mid-way stops the sampling.
 */
export class ProcSampler {
  private first: ProcSample | undefined;
  private last: ProcSample | undefined;
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.first = readProc(this.pid);
    this.last = this.first;
    this.peakRss = this.first.rssBytes;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): UsageSummary {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const a = this.first;
    const b = this.last;
    if (a === undefined || b === undefined) throw new Error('ProcSampler.stop() before start()');
    const seconds = (b.at - a.at) / 1000;
    return {
      cpuPercent: seconds > 0 ? Math.round(((b.cpuSeconds - a.cpuSeconds) / seconds) * 1000) / 10 : 0,
      rssBytesEnd: b.rssBytes,
      rssBytesPeak: this.peakRss,
    };
  }

  private sample(): void {
    try {
      const s = readProc(this.pid);
      this.last = s;
      if (s.rssBytes > this.peakRss) this.peakRss = s.rssBytes;
    } catch {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

export interface SystemCpu {
  /** Jiffies spent busy (everything but idle and iowait), over all cores. */
  readonly busy: number;
  readonly total: number;
}

/** The aggregate `cpu` line of /proc/stat; undefined when unavailable. */
export function readSystemCpu(): SystemCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** 1-minute load average from /proc/loadavg. */
export function loadAverage(): number | undefined {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}
