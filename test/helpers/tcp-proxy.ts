/**
 * A TCP proxy in front of a server (PostgreSQL, Redis) that a test can break in two ways:
 *
 * - `cut()`: every connection reset, new ones refused, until `restore()` (the database "briefly
 *   unreachable" of issue 13's tests);
 * - `pause()`: the client-to-server direction held (bytes kept, in order, nothing reset; the
 *   server's answers still flow) until `resume()` sends them on: a stalled link, after which the
 *   server runs commands whose senders have long given up on them (the late directory claim of
 *   server/cluster/cluster.ts, "Directory audit").
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy to `target` (its port, or PostgreSQL's 5432). */
export async function tcpProxy(target: URL): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  /** Each connection's client-to-server bytes held while paused, and where they go. */
  const links = new Set<{ upstream: Socket; held: Buffer[]; ended: boolean }>();
  let down = false;
  let paused = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const listener: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.hostname, port: Number(target.port || 5432) });
    track(client);
    track(upstream);
    const link = { upstream, held: [] as Buffer[], ended: false };
    links.add(link);
    upstream.once('close', () => links.delete(link));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (paused) link.held.push(chunk);
      else upstream.write(chunk);
    });
    client.on('end', () => {
      link.ended = true;
      if (link.held.length === 0) upstream.end();
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    port: (listener.address() as AddressInfo).port,
    cut() {
      down = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const link of links) {
        for (const chunk of link.held.splice(0)) link.upstream.write(chunk);
        if (link.ended) link.upstream.end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        listener.close(() => resolve());
      }),
  };
}
