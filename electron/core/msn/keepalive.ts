/**
 * Keep-alive on the notification server: `PNG` → `QNG` (MSNP2–8) or `QNG <seconds>` (MSNP9+,
 * seconds until the next ping). A missing `QNG` is how a dead link is noticed (MSNP.md §1.6):
 * the connection is then destroyed with reason `dead`, and the reconnect policy takes over.
 */
import { MAX_DIALECT, buildPng, decodeQng, isCodecError } from '../../../shared/msnp';
import { Timers, type Clock, type TimerHandle } from './clock';
import type { Connection } from './connection';

export interface KeepAliveOptions {
  /** Ping interval until the server tells us one. Default 45 s. */
  readonly intervalMs?: number;
  /** How long to wait for `QNG` before declaring the link dead. Default 20 s. */
  readonly timeoutMs?: number;
  /** Bounds on the server's `QNG n` (a hostile or buggy value must not make us spin or sleep). */
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
}

export class KeepAlive {
  private readonly timers: Timers;
  private intervalMs: number;
  private readonly timeoutMs: number;
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private nextPing: TimerHandle | undefined;
  private deadline: TimerHandle | undefined;
  private running = false;
  private readonly barriers: (() => void)[] = [];

  constructor(
    private readonly conn: Connection,
    clock: Clock,
    options: KeepAliveOptions = {},
  ) {
    this.timers = new Timers(clock);
    this.intervalMs = options.intervalMs ?? 45_000;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.minIntervalMs = options.minIntervalMs ?? 5_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 300_000;
    /** QNG (2–8) / QNG seconds (9+) (MSNP.md §1.6); a malformed one still proves the link is alive. */
    conn.handle('QNG', (cmd) => {
      const qng = decodeQng(cmd, conn.dialect ?? MAX_DIALECT);
      this.onPong(isCodecError(qng) ? undefined : qng.seconds);
    });
    conn.events.on('close', () => this.stop());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.intervalMs);
  }

  stop(): void {
    this.running = false;
    this.timers.clearAll();
    this.nextPing = undefined;
    this.deadline = undefined;
  }

  /**
   * Resolves once the server has answered everything sent before it: a `PNG` whose `QNG` comes
   * back after every earlier reply, since the server answers in order (used to find the end of a
   * `SYN` whose length the server did not announce, MSNP.md §10.7).
   */
  barrier(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!this.conn.isOpen) {
        reject(new Error('connection closed'));
        return;
      }
      this.barriers.push(resolve);
      this.sendPing();
    });
  }

  /** Ping now (e.g. after the machine wakes up) to find out quickly whether the link survived. */
  pingNow(): void {
    if (!this.running) return;
    this.timers.clear(this.nextPing);
    this.ping();
  }

  private schedule(ms: number): void {
    this.timers.clear(this.nextPing);
    this.nextPing = this.timers.set(() => this.ping(), ms);
  }

  private ping(): void {
    if (!this.running || !this.conn.isOpen) return;
    this.sendPing();
    if (this.deadline === undefined) {
      this.deadline = this.timers.set(() => {
        this.deadline = undefined;
        this.conn.destroy({ kind: 'dead', message: `no answer to PNG within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
    }
  }

  /** `PNG` (no TrID, same in every dialect: MSNP.md §1.6), so the newest dialect builds it until one is agreed. */
  private sendPing(): void {
    this.conn.send(buildPng({}, this.conn.dialect ?? MAX_DIALECT));
  }

  private onPong(seconds: number | undefined): void {
    this.barriers.shift()?.();
    this.timers.clear(this.deadline);
    this.deadline = undefined;
    if (seconds !== undefined && seconds > 0) {
      this.intervalMs = Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, seconds * 1000));
    }
    if (this.running) this.schedule(this.intervalMs);
  }
}
