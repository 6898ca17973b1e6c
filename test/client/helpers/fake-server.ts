/**
 * A scriptable fake MSNP server on 127.0.0.1:0 for client tests (ARCHITECTURE.md §8): each
 * accepted connection runs the next handler, which expects client lines and sends server lines.
 * This is how the client is tested against servers that deviate from the reference.
 *
 * Transcript fixtures (see `transcript()`):
 *   >>> VER * MSNP8 CVR0        the client must send this; `*` = any one token, `...` = any rest
 *   <<< VER $t MSNP8            the server sends this; `$t` = TrID of the last expected line,
 *                               `$1`, `$2`… = parameters of the last expected line (1-based)
 *   ... text                    payload lines of the `<<<` line above (joined with CRLF, a
 *                               final CRLF added, byte count appended automatically)
 *   --- close | wait 50 | raw <text with \r\n escapes>
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Parser, isCodecError, type Command } from '../../../shared/msnp';

export type ConnHandler = (c: FakeConn) => Promise<void>;

const encoder = new TextEncoder();

export class FakeConn {
  private readonly parser = new Parser({ direction: 'toServer' });
  private readonly queue: Command[] = [];
  private waiter: ((cmd: Command | undefined) => void) | undefined;
  private ended = false;
  /** Everything the client sent on this connection, as lines. */
  readonly lines: string[] = [];
  last: Command | undefined;

  constructor(readonly socket: Socket, readonly index: number) {
    socket.on('data', (chunk) => {
      for (const out of this.parser.push(chunk)) {
        if (isCodecError(out)) {
          this.lines.push(`<codec error ${out.code}>`);
          continue;
        }
        this.lines.push(lineOf(out));
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = undefined;
          w(out);
        } else {
          this.queue.push(out);
        }
      }
    });
    const onEnd = (): void => {
      this.ended = true;
      const w = this.waiter;
      this.waiter = undefined;
      w?.(undefined);
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', () => undefined);
  }

  get closedByClient(): boolean {
    return this.ended;
  }

  /** Next command from the client (or undefined when it closed), within `ms`. */
  next(ms = 3000): Promise<Command | undefined> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`fake server conn #${this.index}: nothing from the client within ${ms} ms (sent so far: ${this.lines.join(' | ')})`));
      }, ms);
      this.waiter = (cmd) => {
        clearTimeout(t);
        resolve(cmd);
      };
    });
  }

  /** Expect a line matching `pattern` (tokens, `*` = any token, trailing `...` = any rest). */
  async expect(pattern: string | RegExp, ms?: number): Promise<Command> {
    const cmd = await this.next(ms);
    if (cmd === undefined) throw new Error(`fake server conn #${this.index}: client closed, expected ${String(pattern)}`);
    const line = lineOf(cmd);
    if (!matches(pattern, line)) throw new Error(`fake server conn #${this.index}: expected ${String(pattern)}, got ${line}`);
    this.last = cmd;
    return cmd;
  }

  /** Wait until a matching line arrives, skipping others (for PNG and the like). */
  async expectEventually(pattern: string | RegExp, ms = 3000): Promise<Command> {
    const deadline = Date.now() + ms;
    for (;;) {
      const cmd = await this.next(Math.max(1, deadline - Date.now()));
      if (cmd === undefined) throw new Error(`fake server conn #${this.index}: client closed, expected ${String(pattern)}`);
      if (matches(pattern, lineOf(cmd))) {
        this.last = cmd;
        return cmd;
      }
    }
  }

  send(line: string): void {
    this.write(`${this.subst(line)}\r\n`);
  }

  /** `MSG Hotmail Hotmail` + payload → `MSG Hotmail Hotmail <bytes>\r\n<payload>`. */
  sendPayload(line: string, payload: string | Uint8Array): void {
    const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload;
    const head = encoder.encode(`${this.subst(line)} ${bytes.length}\r\n`);
    const all = new Uint8Array(head.length + bytes.length);
    all.set(head);
    all.set(bytes, head.length);
    this.write(all);
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Wait for the client to close (or `ms` to pass). */
  async waitClosed(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.ended && Date.now() < deadline) await sleep(10);
    return this.ended;
  }

  private subst(line: string): string {
    const last = this.last;
    return line.replace(/\$(t|\d+)/g, (m, k: string) => {
      if (last === undefined) return m;
      if (k === 't') return String(last.trId ?? 0);
      return last.params[Number(k) - 1] ?? m;
    });
  }
}

export class FakeServer {
  readonly errors: string[] = [];
  readonly conns: FakeConn[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly done: Promise<void>[] = [];

  private constructor(private readonly server: Server, readonly port: number, private readonly handlers: ConnHandler[]) {}

  get host(): string {
    return '127.0.0.1';
  }

  static async start(handlers: ConnHandler[]): Promise<FakeServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    const fake = new FakeServer(server, addr.port, handlers);
    server.on('connection', (s) => fake.accept(s));
    return fake;
  }

  /** Resolves when every started handler has finished; rejects with the collected errors. */
  async finished(ms = 5000): Promise<void> {
    const all = Promise.allSettled(this.done);
    await Promise.race([all, sleep(ms)]);
    if (this.errors.length > 0) throw new Error(this.errors.join('\n'));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const index = this.conns.length;
    const conn = new FakeConn(socket, index);
    this.conns.push(conn);
    const handler = this.handlers[index];
    if (handler === undefined) {
      this.errors.push(`unexpected connection #${index}`);
      socket.destroy();
      return;
    }
    this.done.push(
      handler(conn).catch((err: unknown) => {
        this.errors.push(err instanceof Error ? err.message : String(err));
        socket.destroy();
      }),
    );
  }
}

/** Build a connection handler from a transcript fixture (format in the file header). */
export function transcript(text: string): ConnHandler {
  type Step =
    | { kind: 'expect'; pattern: string }
    | { kind: 'send'; line: string; payload?: string[] }
    | { kind: 'close' }
    | { kind: 'wait'; ms: number }
    | { kind: 'raw'; text: string };
  const steps: Step[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const t = line.trimStart();
    if (t.startsWith('>>> ')) steps.push({ kind: 'expect', pattern: t.slice(4) });
    else if (t.startsWith('<<< ')) steps.push({ kind: 'send', line: t.slice(4) });
    else if (t.startsWith('...')) {
      const prev = steps[steps.length - 1];
      if (prev?.kind !== 'send') throw new Error(`payload line without a <<< line: ${line}`);
      (prev.payload ??= []).push(t.slice(4));
    } else if (t.startsWith('--- close')) steps.push({ kind: 'close' });
    else if (t.startsWith('--- wait ')) steps.push({ kind: 'wait', ms: Number(t.slice(9)) });
    else if (t.startsWith('--- raw ')) steps.push({ kind: 'raw', text: t.slice(8).replace(/\\r/g, '\r').replace(/\\n/g, '\n') });
    else if (t.length > 0 && !t.startsWith('#')) throw new Error(`bad transcript line: ${line}`);
  }
  return async (c) => {
    for (const s of steps) {
      switch (s.kind) {
        case 'expect':
          await c.expect(s.pattern);
          break;
        case 'send':
          if (s.payload) c.sendPayload(s.line, `${s.payload.join('\r\n')}\r\n`);
          else c.send(s.line);
          break;
        case 'close':
          c.close();
          break;
        case 'wait':
          await sleep(s.ms);
          break;
        case 'raw':
          c.write(s.text);
          break;
      }
    }
  };
}

export function lineOf(cmd: Command): string {
  return [cmd.verb, ...(cmd.trId !== undefined ? [String(cmd.trId)] : []), ...cmd.params].join(' ');
}

function matches(pattern: string | RegExp, line: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(line);
  const want = pattern.trim().split(/\s+/);
  const got = line.split(' ');
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === '...' && i === want.length - 1) return true;
    if (i >= got.length) return false;
    if (w !== '*' && w !== got[i]) return false;
  }
  return got.length === want.length;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `pred` every 10 ms until it holds; throw after `ms`. */
export async function waitUntil(pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
