/**
 * Runs a built Electron main process in plain Node with the fake `electron` (./electron.ts), and
 * follows what it does: every call it makes into the fake, its output, its exit. The test side of
 * test/electron/built-shell.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformWithOxc } from 'vite';
import type { FakeRequest, FromFake, Recorded, RecordedCall, ToFake } from './messages';

export type { FetchReply, Recorded, RecordedCall } from './messages';

/** The files the child process loads (messages.ts is types only). */
const RUNTIME_FILES = ['electron', 'hooks', 'register'] as const;

/**
 * Writes the fake as plain JavaScript into `dir` (it is TypeScript here, checked against
 * Electron's own types, and Node 20 cannot run TypeScript). Returns the file for `--import`.
 */
export async function installFakeElectron(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (const name of RUNTIME_FILES) {
    const source = join(import.meta.dirname, `${name}.ts`);
    const { code } = await transformWithOxc(readFileSync(source, 'utf8'), source, { lang: 'ts' });
    writeFileSync(join(dir, `${name}.mjs`), code);
  }
  return join(dir, 'register.mjs');
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  /** From installFakeElectron. */
  readonly register: string;
  /** The app folder, as `electron .` gets it: Node runs its package.json "main". */
  readonly appDir: string;
  /** Where app.getPath puts userData and documents. */
  readonly home: string;
}

/** One run of the main process. */
export class FakeElectronMain {
  readonly recorded: Recorded[] = [];
  private readonly child: ChildProcess;
  private out = '';
  private err = '';
  private exit: Exit | null = null;
  private nextId = 1;
  private readonly replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Called on every message and on exit, so waiters look again. */
  private readonly watchers = new Set<() => void>();

  constructor(options: LaunchOptions) {
    // As `npm start` would run it: without the test runner's NODE_ENV and VITEST_* settings.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
    this.child = spawn(process.execPath, ['--import', pathToFileURL(options.register).href, options.appDir], {
      cwd: options.appDir,
      env: { ...env, FAKE_ELECTRON_HOME: options.home, MONARCH_LOCAL_SERVER_PORTS: 'any' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.out += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.err += s));
    this.child.on('message', (m: FromFake) => {
      if (m.kind === 'reply') {
        const pending = this.replies.get(m.id);
        this.replies.delete(m.id);
        if (m.ok) pending?.resolve(m.value);
        else pending?.reject(new Error(`fake electron: ${m.error}`));
      } else {
        this.recorded.push(m);
      }
      this.poke();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const { reject } of this.replies.values()) reject(new Error(`the main process ended (${code ?? signal}) before answering${this.tail()}`));
      this.replies.clear();
      this.poke();
    });
  }

  get stdout(): string {
    return this.out;
  }
  get stderr(): string {
    return this.err;
  }

  /** Calls recorded so far under this API name (`new BrowserWindow`, `BrowserWindow#1.loadURL`, …). */
  calls(api: string): RecordedCall[] {
    return this.recorded.filter((r): r is RecordedCall => r.kind === 'call' && r.api === api);
  }

  /** Resolves with `find()`'s first result that is not undefined; fails after `timeoutMs` or if the process ends first. */
  waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.watchers.delete(look);
        settle();
      };
      const look = () => {
        const found = find();
        if (found !== undefined) done(() => resolve(found));
        else if (this.exit) done(() => reject(new Error(`the main process ended (${this.exit!.code ?? this.exit!.signal}) before ${what}${this.tail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms${this.tail()}`))), timeoutMs);
      this.watchers.add(look);
      look();
    });
  }

  /** Resolves when the process has ended by itself; fails after `timeoutMs`. */
  ended(what: string, timeoutMs: number): Promise<Exit> {
    return this.waitFor(() => this.exit ?? undefined, what, timeoutMs);
  }

  /** Asks the fake to act as Electron's side would (see FakeRequest); resolves with its answer. */
  request(request: FakeRequest, timeoutMs: number): Promise<unknown> {
    if (this.exit) return Promise.reject(new Error(`the main process has ended${this.tail()}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const settle = (f: () => void) => {
        clearTimeout(timer);
        this.replies.delete(id);
        f();
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`no answer to ${JSON.stringify(request).slice(0, 200)} within ${timeoutMs} ms${this.tail()}`))), timeoutMs);
      this.replies.set(id, { resolve: (v) => settle(() => resolve(v)), reject: (e) => settle(() => reject(e)) });
      this.child.send({ ...request, id } satisfies ToFake, (e) => {
        if (e) settle(() => reject(e));
      });
    });
  }

  /** Ends the process if it is still running (cleanup after a failure). */
  kill(): void {
    if (!this.exit) this.child.kill('SIGKILL');
  }

  private poke(): void {
    for (const look of [...this.watchers]) look();
  }

  private tail(): string {
    return `\n--- main process stderr ---\n${this.err.slice(-4000)}\n--- stdout ---\n${this.out.slice(-2000)}`;
  }
}
