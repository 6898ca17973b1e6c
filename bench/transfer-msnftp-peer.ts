/**
 * One side of the MSNFTP benchmark (transfer-msnftp.bench.ts), in its own process so its CPU is
 * its own. argv[2]: JSON { role: 'send' | 'receive', nsPort, nexusUrl, me, password, peer, size }.
 * Prints `READY` once signed in with the peer online; the sender then sends one file per `GO` line
 * on stdin. Each side prints `DONE {json}` per transfer: the process's CPU (user+system) and the
 * wall time from the data phase (`transferring`) to `completed`, and from the offer to the end.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { MsnClient } from '../electron/core/msn/client';
import type { FileSink, FileSource, TransferInfo } from '../electron/core/msn/files/types';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { role: 'send' | 'receive'; nsPort: number; nexusUrl: string; me: string; password: string; peer: string; size: number };

/** The file, generated once (the benchmark measures the transfer, not a disk). */
function fileBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const client = new MsnClient({
  server: { host: '127.0.0.1', port: cfg.nsPort, dialects: { min: 7, max: 7 }, nexusUrl: cfg.nexusUrl },
  reconnect: false,
  requestTimeoutMs: 30_000,
  ...(process.env.BENCH_DEBUG ? { tap: (e: { direction: string; connection: string; line: string }) => process.stderr.write(`${cfg.role} ${e.connection} ${e.direction} ${e.line}\n`) } : {}),
});

async function until(pred: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Timing {
  cpu0: NodeJS.CpuUsage;
  t0: number;
  tData?: number;
  cpuData?: NodeJS.CpuUsage;
}

function report(info: TransferInfo, t: Timing, extra: Record<string, unknown> = {}): void {
  const cpu = process.cpuUsage(t.cpuData ?? t.cpu0);
  const now = performance.now();
  process.stdout.write(
    `DONE ${JSON.stringify({ state: info.state, reason: info.reason, bytes: info.bytes, cpuMs: (cpu.user + cpu.system) / 1000, dataMs: now - (t.tData ?? t.t0), totalMs: now - t.t0, ...extra })}\n`,
  );
}

function track(id: string, t: Timing, extra: () => Record<string, unknown> = () => ({})): void {
  const off = client.files.events.on('updated', (info) => {
    if (info.id !== id) return;
    if (info.state === 'transferring' && t.tData === undefined) {
      t.tData = performance.now();
      t.cpuData = process.cpuUsage();
    }
    if (info.state === 'completed' || info.state === 'failed' || info.state === 'cancelled' || info.state === 'declined') {
      off();
      report(info, t, extra());
    }
  });
}

if (process.env.BENCH_DEBUG) {
  client.files.events.on('updated', (i) => process.stderr.write(`${cfg.role} ${i.state} ${i.reason ?? ''} ${i.detail ?? ''}\n`));
  client.files.events.on('offered', () => process.stderr.write(`${cfg.role} offered\n`));
}
await client.signIn({ handle: cfg.me, password: cfg.password });
await client.contacts.add(cfg.peer);
await until(() => client.contacts.get(cfg.peer)?.status === 'online');

if (cfg.role === 'receive') {
  let verify = true;
  client.files.events.on('offered', (offer) => {
    // The first transfer is hashed (a correctness check); the timed ones count bytes only, as a
    // sink writing to a fast disk would.
    const hash = verify ? createHash('sha256') : undefined;
    verify = false;
    let digest: string | undefined;
    const sink: FileSink = {
      write: async (chunk) => {
        hash?.update(chunk);
      },
      finish: async () => {
        digest = hash?.digest('hex');
      },
      abort: async () => undefined,
    };
    const t: Timing = { cpu0: process.cpuUsage(), t0: performance.now() };
    track(offer.id, t, () => (digest !== undefined ? { sha256: digest } : {}));
    void client.files.accept(offer.id, sink);
  });
  process.stdout.write('READY\n');
} else {
  const bytes = fileBytes(cfg.size);
  process.stdout.write(`SHA256 ${createHash('sha256').update(bytes).digest('hex')}\n`);
  const source: FileSource = {
    name: 'bench.bin',
    size: bytes.length,
    open: () =>
      (async function* () {
        for (let o = 0; o < bytes.length; o += 64 * 1024) yield bytes.subarray(o, Math.min(o + 64 * 1024, bytes.length));
      })(),
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'GO') return;
    const t: Timing = { cpu0: process.cpuUsage(), t0: performance.now() };
    client.files.send(cfg.peer, source).then(
      (info) => track(info.id, t),
      (err: unknown) => process.stdout.write(`DONE ${JSON.stringify({ state: 'failed', detail: String(err) })}\n`),
    );
  });
  process.stdout.write('READY\n');
}

process.on('SIGTERM', () => {
  void client.signOut().finally(() => process.exit(0));
});
