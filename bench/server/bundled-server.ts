/**
 * Parent side of server-child.ts: starts the bundled server in its own Node process (so /proc
 * shows its CPU and RSS alone), creates accounts through it, asks it for GC'd memory figures and
 * stops it. Every wait has a timeout; if the benchmark dies the child is killed with it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TimeoutError } from './connection';
import type { ChildReply, ChildRequest, ServerMemory } from './ipc-messages';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BundledServerOptions {
  readonly timeoutMs: number;
  /** Echo the server's stdout/stderr. */
  readonly verbose: boolean;
  /** Lift the server's per-connection command rate limit (see server-child.ts). */
  readonly liftRateLimit: boolean;
  /** Persistent storage (accounts survive for the next run); in-memory when undefined. */
  readonly dataDir: string | undefined;
  /** `--cluster`: run as this node of a cluster (the flags of `npm run server`; cluster.ts). */
  readonly cluster?: { readonly postgres: string; readonly redis: string; readonly nodeId: string; readonly secretFile: string };
}

type ReadyReply = Extract<ChildReply, { type: 'ready' }>;

export class BundledServer {
  /** Last lines the server printed, shown when it fails. */
  private readonly tail: string[] = [];
  private waiters: Array<(msg: ChildReply) => boolean> = [];
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly info: ReadyReply,
  ) {}

  get pid(): number {
    return this.child.pid as number;
  }

  static async start(opts: BundledServerOptions): Promise<BundledServer> {
    const execArgv = ['--import', createRequire(import.meta.url).resolve('tsx'), '--expose-gc'];
    const c = opts.cluster;
    const args = [
      ...(opts.liftRateLimit ? ['--lift-rate-limit'] : []),
      ...(opts.dataDir === undefined ? [] : [`--data-dir=${path.resolve(opts.dataDir)}`]),
      ...(c === undefined ? [] : [`--postgres=${c.postgres}`, `--redis=${c.redis}`, `--node-id=${c.nodeId}`, `--cluster-secret-file=${c.secretFile}`]),
    ];
    if (opts.dataDir !== undefined) mkdirSync(opts.dataDir, { recursive: true });
    const child = fork(path.join(here, 'server-child.ts'), args, {
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));

    // Construct early so output and messages are captured from the start.
    const pending = new BundledServerBootstrap(child, opts.verbose);
    const ready = await pending.waitReady(opts.timeoutMs * 4);
    const server = new BundledServer(child, ready);
    pending.handOver(server);
    return server;
  }

  /** Creates `count` accounts `prefix<i>@domain`, i = from … from+count−1. */
  async createAccounts(
    req: Omit<Extract<ChildRequest, { type: 'createAccounts' }>, 'type'>,
    onProgress: (done: number) => void,
  ): Promise<{ created: number; reused: number; seconds: number }> {
    const reply = await this.ask({ type: 'createAccounts', ...req }, 'accountsCreated', undefined, (m) => {
      if (m.type === 'progress') onProgress(m.done);
    });
    return { created: reply.created, reused: reply.reused, seconds: reply.seconds };
  }

  /** Starts the CPU profiler inside the server process. */
  async profileStart(timeoutMs: number): Promise<void> {
    await this.ask({ type: 'profileStart' }, 'profileStarted', timeoutMs);
  }

  /** Stops it and writes `file` (a .cpuprofile for DevTools or profile-summary.ts). */
  async profileStop(file: string, timeoutMs: number): Promise<void> {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await this.ask({ type: 'profileStop', file: path.resolve(file) }, 'profileWritten', timeoutMs);
  }

  async memory(timeoutMs: number): Promise<ServerMemory> {
    return this.ask({ type: 'memory' }, 'memory', timeoutMs);
  }

  /** Asks the server to stop; kills it after the timeout. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      if (this.child.connected) this.child.send({ type: 'stop' } satisfies ChildRequest);
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  recentOutput(): string {
    return this.tail.join('\n');
  }

  /** Internal: wired by the bootstrap. */
  receive(msg: ChildReply): void {
    this.waiters = this.waiters.filter((w) => !w(msg));
  }

  /** Internal: wired by the bootstrap. */
  died(how: string): void {
    this.exited = how;
    for (const w of this.waiters) w({ type: 'error', message: `the bundled server exited (${how})` });
    this.waiters = [];
  }

  /** Internal: wired by the bootstrap. */
  output(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
  }

  private ask<T extends ChildReply['type']>(
    req: ChildRequest,
    want: T,
    timeoutMs: number | undefined,
    onOther?: (m: ChildReply) => void,
  ): Promise<Extract<ChildReply, { type: T }>> {
    if (this.exited !== undefined) return Promise.reject(new Error(`the bundled server exited (${this.exited})`));
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiters = this.waiters.filter((w) => w !== waiter);
              reject(new TimeoutError(`the bundled server did not answer ${req.type} within ${timeoutMs} ms`));
            }, timeoutMs);
      const waiter = (m: ChildReply): boolean => {
        if (m.type === want) {
          clearTimeout(timer);
          resolve(m as Extract<ChildReply, { type: T }>);
          return true;
        }
        if (m.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`${m.message}${this.tail.length ? `\n--- server output ---\n${this.recentOutput()}` : ''}`));
          return true;
        }
        onOther?.(m);
        return false;
      };
      this.waiters.push(waiter);
      this.child.send(req);
    });
  }
}

/** Collects output and messages until the server is ready, then forwards them to it. */
class BundledServerBootstrap {
  private target: BundledServer | undefined;
  private readonly early: string[] = [];
  private readyWaiter: ((m: ChildReply) => void) | undefined;
  private exitWaiter: ((how: string) => void) | undefined;

  constructor(
    private readonly child: ChildProcess,
    verbose: boolean,
  ) {
    const onLine = (prefix: string) => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        if (verbose) console.log(`[server${prefix}] ${line}`);
        if (this.target) this.target.output(line);
        else {
          this.early.push(line);
          if (this.early.length > 40) this.early.shift();
        }
      }
    };
    child.stdout?.on('data', onLine(''));
    child.stderr?.on('data', onLine(' err'));
    child.on('message', (m: ChildReply) => {
      if (this.target) this.target.receive(m);
      else this.readyWaiter?.(m);
    });
    child.on('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (this.target) this.target.died(how);
      else this.exitWaiter?.(how);
    });
  }

  waitReady(timeoutMs: number): Promise<ReadyReply> {
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.child.kill('SIGKILL');
        reject(new Error(`${why}${this.early.length ? `\n--- server output ---\n${this.early.join('\n')}` : ''}`));
      };
      const timer = setTimeout(() => fail(`the bundled server did not start within ${timeoutMs} ms`), timeoutMs);
      this.readyWaiter = (m) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve(m);
        } else if (m.type === 'error') fail(m.message);
      };
      this.exitWaiter = (how) => fail(`the bundled server exited during start-up (${how})`);
    });
  }

  handOver(server: BundledServer): void {
    this.target = server;
    for (const line of this.early) server.output(line);
  }
}
