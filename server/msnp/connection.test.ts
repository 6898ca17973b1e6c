import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../shared/msnp/index';
import { DEFAULT_LIMITS, type ConnectionLimits } from '../config';
import { createMemoryLogger } from '../logger';
import { Connection } from './connection';

/** One limits object per distinct setting, as a server has. */
const limitsByKey = new Map<string, ConnectionLimits>();
function limitsFor(l: Partial<ConnectionLimits>): ConnectionLimits {
  const key = JSON.stringify(l);
  let v = limitsByKey.get(key);
  if (v === undefined) limitsByKey.set(key, (v = { ...DEFAULT_LIMITS, ...l }));
  return v;
}

/** A real loopback socket pair: the server side wrapped in a Connection, the client side raw. */
async function pair(limits: Partial<ConnectionLimits>, onCommand: (c: Connection, cmd: Command) => void | Promise<void>) {
  const logger = createMemoryLogger();
  let conn: Connection | undefined;
  const server: Server = createServer((socket) => {
    conn = new Connection(socket, 'ns', limitsFor(limits), logger);
    const c = conn;
    conn.sink = { onCommand: (cmd) => onCommand(c, cmd), onClose: () => {} };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client: Socket = await new Promise((r) => {
    const s = connect((server.address() as AddressInfo).port, '127.0.0.1', () => r(s));
  });
  let received = '';
  client.on('data', (b) => (received += b.toString('latin1')));
  const closed = new Promise<void>((r) => client.on('close', () => r()));
  cleanups.push(() => {
    client.destroy();
    server.close();
  });
  return { client, logger, closed, received: () => received, conn: () => conn };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const until = async (f: () => boolean, ms = 4000): Promise<void> => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Connection', () => {
  it('answers every command of one chunk, in order', async () => {
    const p = await pair({}, (c, cmd) => void c.send({ verb: 'QNG', params: [String(cmd.trId ?? 0)] }));
    p.client.write(Array.from({ length: 300 }, (_, i) => `CHL ${i + 1}\r\n`).join(''));
    await until(() => p.received().split('\r\n').length > 300);
    expect(p.received()).toBe(Array.from({ length: 300 }, (_, i) => `QNG ${i + 1}\r\n`).join(''));
  });

  it('queues commands behind an asynchronous handler, in order', async () => {
    const handled: number[] = [];
    const p = await pair({ maxPendingCommands: 8 }, async (c, cmd) => {
      await new Promise((r) => setTimeout(r, 1));
      handled.push(cmd.trId as number);
      c.send({ verb: 'CHL', trId: cmd.trId });
    });
    // 30 at once: more than 8 queue (reading pauses) but fewer than 4 × 8 + 1.
    p.client.write(Array.from({ length: 30 }, (_, i) => `CHL ${i + 1}\r\n`).join(''));
    await until(() => handled.length === 30);
    expect(handled).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('too many commands in flight behind a pending handler → disconnect, even within the rate', async () => {
    const p = await pair({ maxPendingCommands: 16 }, () => new Promise<void>(() => {}));
    p.client.write('PNG\r\n'.repeat(100));
    await p.closed;
    expect(p.logger.entries.some((e) => e.event === 'disconnect' && e.fields.reason === 'too many commands in flight')).toBe(true);
  });

  it('commands split across reads, interleaved on two connections, parse as sent', async () => {
    const echo = (c: Connection, cmd: Command): void =>
      void c.send({ verb: 'UBX', params: [cmd.params[0] ?? '-'], payload: cmd.payload ?? new Uint8Array(0) });
    const a = await pair({}, echo);
    const b = await pair({}, echo);
    const streamA = 'UUX 1 5\r\nhello' + 'PRP 2 PHH 555\r\n' + 'UUX 3 10\r\n0123456789';
    const streamB = 'PRP 1 MOB Y\r\n' + 'UUX 2 3\r\nabc';
    // Byte by byte, alternating, each byte its own read (a pause lets each arrive alone).
    for (let i = 0; i < Math.max(streamA.length, streamB.length); i++) {
      if (i < streamA.length) a.client.write(streamA[i] as string);
      if (i < streamB.length) b.client.write(streamB[i] as string);
      if (i % 4 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => a.received().includes('0123456789') && b.received().includes('abc'));
    expect(a.received()).toBe('UBX - 5\r\nhelloUBX PHH 0\r\nUBX - 10\r\n0123456789');
    expect(b.received()).toBe('UBX MOB 0\r\nUBX - 3\r\nabc');
  });

  it('a framing error on one connection does not disturb another', async () => {
    const echo = (c: Connection, cmd: Command): void => void c.send({ verb: 'QNG', params: [String(cmd.trId)] });
    const bad = await pair({ maxLineLength: 64 }, echo);
    const good = await pair({ maxLineLength: 64 }, echo);
    good.client.write('CHL 1\r\nCHL 2');
    await until(() => good.received() === 'QNG 1\r\n');
    bad.client.write(`CHL ${'9'.repeat(200)}\r\n`);
    await bad.closed;
    good.client.write('\r\nCHL 3\r\n');
    await until(() => good.received() === 'QNG 1\r\nQNG 2\r\nQNG 3\r\n');
  });

  it('the idle timer fires only after a quiet spell; commands postpone it', async () => {
    let idleAt = 0;
    const p = await pair({}, () => {});
    await until(() => p.conn() !== undefined);
    const start = Date.now();
    p.conn()?.setIdleTimer(150, () => {
      idleAt = Date.now();
    });
    // Active for ~400 ms (a command every 50 ms), then quiet.
    for (let i = 0; i < 8; i++) {
      p.client.write('PNG\r\n');
      await new Promise((r) => setTimeout(r, 50));
    }
    const lastCommand = Date.now();
    expect(idleAt).toBe(0);
    await until(() => idleAt !== 0, 2000);
    expect(idleAt - start).toBeGreaterThanOrEqual(400);
    expect(idleAt - lastCommand).toBeGreaterThanOrEqual(80);
  });

  it('shaped (switchboards): an over-rate MSG burst is relayed and reading waits, never refused; without shaping it is a flood', async () => {
    const limits = { commandsPerSecond: 200, commandBurst: 10, overRateBurst: 5 };
    const burst = Array.from({ length: 60 }, (_, i) => `MSG ${i + 1} D 1\r\nx`).join('');
    const handled: number[] = [];
    const shaped = await pair({ ...limits, shapeMessages: true }, (_c, cmd) => void handled.push(cmd.trId as number));
    shaped.client.write(burst);
    await until(() => handled.length === 60);
    expect(handled).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(shaped.received()).toBe('');
    expect(shaped.conn()?.isOpen).toBe(true);

    const refused = await pair(limits, () => undefined);
    refused.client.write(burst);
    await refused.closed;
    expect(refused.logger.entries.some((e) => e.event === 'disconnect' && e.fields.reason === 'rate limit: flooding beyond the over-rate allowance')).toBe(true);
  });

  it('a handler that throws gets 500 and a close, not a crash', async () => {
    const p = await pair({}, () => {
      throw new Error('bug');
    });
    p.client.write('CHL 7\r\n');
    await p.closed;
    expect(p.received()).toBe('500 7\r\n');
  });
});
