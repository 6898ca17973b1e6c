import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/client/helpers/fake-clock';
import { Connection, type SocketLike } from './connection';
import { KeepAlive } from './keepalive';

/** An in-memory socket: records writes, lets the test feed server bytes. */
function memorySocket(): { socket: SocketLike; writes: string[]; feed: (s: string) => void; connect: () => void } {
  const handlers: Record<string, ((x?: unknown) => void)[]> = {};
  const writes: string[] = [];
  const socket = {
    write(d: Uint8Array) {
      writes.push(new TextDecoder().decode(d));
      return true;
    },
    end() {
      for (const h of handlers.close ?? []) h();
    },
    destroy() {
      for (const h of handlers.close ?? []) h();
    },
    on(ev: string, fn: (x?: unknown) => void) {
      (handlers[ev] ??= []).push(fn);
      return socket;
    },
  } as unknown as SocketLike;
  return {
    socket,
    writes,
    feed: (s) => {
      for (const h of handlers.data ?? []) h(Buffer.from(s));
    },
    connect: () => {
      for (const h of handlers.connect ?? []) h();
    },
  };
}

describe('KeepAlive', () => {
  it('pings on schedule, follows QNG n, and declares a silent link dead', async () => {
    const clock = new FakeClock();
    const mem = memorySocket();
    const conn = new Connection({ host: 'x', port: 1, name: 'ns', clock, socketFactory: () => mem.socket });
    const opened = conn.open();
    mem.connect();
    await opened;
    const ka = new KeepAlive(conn, clock, { intervalMs: 45_000, timeoutMs: 20_000 });
    ka.start();
    clock.advance(44_999);
    expect(mem.writes).toEqual([]);
    clock.advance(1);
    expect(mem.writes).toEqual(['PNG\r\n']);
    mem.feed('QNG 10\r\n');
    clock.advance(10_000);
    expect(mem.writes).toEqual(['PNG\r\n', 'PNG\r\n']);
    // No QNG this time: dead after the timeout.
    let reason = '';
    conn.events.on('close', (r) => (reason = r.kind));
    clock.advance(20_000);
    expect(reason).toBe('dead');
    expect(conn.status).toBe('closed');
    expect(clock.pending).toBe(0);
  });
});
