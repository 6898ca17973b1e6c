/**
 * Child-process entry that runs the bundled server for the benchmark, so the server's CPU and
 * RSS are its own and not mixed with the load generator's. Started by bundled-server.ts with
 * `node --import tsx --expose-gc`; talks to the parent over the IPC channel (messages in
 * ipc-messages.ts). Also the fast account path: accounts are created in-process through the
 * server's own API, no protocol round trips.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { ChildReply, ChildRequest } from './ipc-messages';
import { AccountError, startServer, type RunningServer } from './server-api';

let server: RunningServer | undefined;
let profiler: Session | undefined;

function reply(msg: ChildReply): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('server-child.ts must be started by bundled-server.ts (no IPC channel)');
  const liftRateLimit = process.argv.includes('--lift-rate-limit');
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const dataDir = arg('data-dir');
  // --cluster (bench/server/cluster.ts): one node of a cluster, the flags of `npm run server`.
  const postgres = arg('postgres');
  const redis = arg('redis');
  const nodeId = arg('node-id');
  const secretFile = arg('cluster-secret-file');
  server = await startServer({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(postgres === undefined ? {} : { postgres }),
    ...(redis === undefined || nodeId === undefined || secretFile === undefined
      ? {}
      : { cluster: { redisUrl: redis, nodeId, secret: readFileSync(secretFile) } }),
    host: '127.0.0.1',
    nsPort: 0,
    sbPort: 0,
    httpPort: 0,
    // A ping-pong pair sends hundreds of messages per second per connection, far above what the
    // per-connection abuse limit allows a person; lifted unless --keep-rate-limit.
    ...(liftRateLimit ? { limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } } : {}),
    // The load generator is one address standing for thousands of users: the per-address caps on
    // connections and on queued password checks (server/README.md) would refuse it.
    maxConnectionsPerAddress: 0,
    hashing: { maxQueued: 1_000_000 },
  });
  reply({
    type: 'ready',
    host: server.host,
    nsPort: server.nsPort,
    sbPort: server.sbPort,
    httpPort: server.httpPort,
    nexusUrl: server.nexusUrl,
  });
}

async function createAccounts(msg: Extract<ChildRequest, { type: 'createAccounts' }>): Promise<void> {
  const s = server;
  if (s === undefined) throw new Error('server not started');
  const started = performance.now();
  let next = msg.from;
  const end = msg.from + msg.count;
  let done = 0;
  let reused = 0;
  let lastReport = started;
  // add() may be asynchronous (password hashing off the main thread): keep a few in flight.
  const worker = async (): Promise<void> => {
    while (next < end) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          await s.accounts.add(`${msg.prefix}${i}@${msg.domain}`, msg.password, `Bench ${i}`);
        } catch (e) {
          // --cluster: on a busy machine a PostgreSQL connection can take longer than the pool
          // waits (5 s); setting up accounts is not measured, so try again a few times.
          if ((e as Error).name === 'StoreUnavailableError' && attempt < 5) {
            await new Promise((r) => setTimeout(r, 1000 * attempt));
            continue;
          }
          // With --data-dir the accounts of an earlier run are still there (same password assumed);
          // after a retry, the first attempt may have been stored.
          if (!(e instanceof AccountError && e.code === 'exists')) throw e;
          reused++;
        }
        break;
      }
      done++;
      const now = performance.now();
      if (now - lastReport > 2000) {
        lastReport = now;
        reply({ type: 'progress', done, total: msg.count });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(msg.concurrency, msg.count) }, worker));
  reply({ type: 'accountsCreated', created: done - reused, reused, seconds: (performance.now() - started) / 1000 });
}

/** Profile just the measured window of a phase, not start-up and account creation. */
function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (profiler as Session).post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function profileStart(): Promise<void> {
  if (profiler === undefined) {
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
  }
  await post('Profiler.start');
  reply({ type: 'profileStarted' });
}

async function profileStop(file: string): Promise<void> {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  reply({ type: 'profileWritten', file });
}

function memory(): void {
  // --expose-gc: collect twice so what remains is what the server holds, not garbage.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  reply({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, collected: gc !== undefined });
}

process.on('message', (raw: ChildRequest) => {
  const run = async (): Promise<void> => {
    switch (raw.type) {
      case 'createAccounts':
        return createAccounts(raw);
      case 'memory':
        return memory();
      case 'profileStart':
        return profileStart();
      case 'profileStop':
        return profileStop(raw.file);
      case 'stop':
        await server?.stop();
        reply({ type: 'stopped' });
        // Exit normally so `--cpu-prof` writes its profile.
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50).unref();
        return;
    }
  };
  // One request at a time, in arrival order (a profile stop must not overtake its start).
  queue = queue.then(run).catch((e: unknown) => reply({ type: 'error', message: errorText(e) }));
});

let queue: Promise<void> = Promise.resolve();

// The parent died: do not linger.
process.on('disconnect', () => {
  setTimeout(() => process.exit(0), 200).unref();
});

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

main().catch((e: unknown) => {
  reply({ type: 'error', message: `bundled server failed to start: ${errorText(e)}` });
  setTimeout(() => process.exit(1), 100);
});
