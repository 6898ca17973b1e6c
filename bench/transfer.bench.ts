/**
 * `npm run bench:transfer`: file transfer (issue 11) through the bundled server on loopback, each
 * party in its own process so their CPU can be told apart: the server (default limits), the
 * sender (a child running this file with `--sender`) and the receiver (this process). Writes
 * bench/results/transfer.json.
 *
 * 1. P2P through the switchboard relay (MSNP12): a 20 MB file sent `RUNS` times with
 *    `client.files.send`, accepted by the receiver into a sink that counts and hashes (SHA-256,
 *    checked against the sender's), timed from `send` to the receiver's `completed`. MB/s is the
 *    median run; CPU per MB is each process's user+system time over the runs divided by the MB
 *    moved (sender and receiver from `process.cpuUsage()` around the runs, the server from
 *    /proc/<pid>/stat, 10 ms ticks). Goal: ≥ 5 MB/s.
 * 2. MSNFTP (MSNP2–8 peers): `measureMsnftp` from transfer-msnftp.bench.ts (two MSNP7 clients in
 *    their own processes, MiB/s of the data phase, CPU per MiB of each side). Goal: ≥ 50 MB/s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MsnClient } from '../electron/core/msn/client';
import type { FileSink, FileSource, TransferInfo } from '../electron/core/msn/files/types';
import type { Dialect } from '../shared/msnp';
import { measureMsnftp as measureMsnftpTransfer } from './transfer-msnftp.bench';

const RUNS = 3;
const SIZE = 20 * 1024 * 1024;
const ALICE = 'alice@transfer.bench';
const BOB = 'bob@transfer.bench';
const PASSWORD = 'bench-password';
const here = fileURLToPath(import.meta.url);
const serverScript = fileURLToPath(new URL('../test/client/helpers/server-child.ts', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

const round = (x: number): number => Math.round(x * 100) / 100;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const cpuNowMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** utime + stime of a process in ms (/proc/<pid>/stat fields 14 and 15, clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function until(pred: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function client(nsPort: number, nexusUrl: string, dialect: Dialect): MsnClient {
  return new MsnClient({
    server: { host: '127.0.0.1', port: nsPort, dialects: { min: dialect, max: dialect }, nexusUrl },
    reconnect: false,
    requestTimeoutMs: 30_000,
    p2p: { idleTimeoutMs: 60_000 },
  });
}

/** A file of `size` bytes made of one 1 MiB random block repeated (generating it costs no CPU per run). */
function patternSource(name: string, size: number, block: Uint8Array): FileSource & { sha256(): string } {
  const hash = createHash('sha256');
  return {
    name,
    size,
    async *open() {
      for (let off = 0; off < size; off += block.length) {
        const piece = block.subarray(0, Math.min(block.length, size - off));
        hash.update(piece);
        yield piece;
      }
    },
    sha256: () => hash.copy().digest('hex'),
  };
}

// ----- the sender child -----

async function senderMain(cfg: { nsPort: number; nexusUrl: string }): Promise<void> {
  const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  const alice = client(cfg.nsPort, cfg.nexusUrl, 12);
  await alice.signIn({ handle: ALICE, password: PASSWORD });
  await alice.contacts.add(BOB);
  await until(() => alice.contacts.get(BOB)?.status === 'online');
  const block = new Uint8Array(1024 * 1024);
  for (let i = 0; i < block.length; i += 65536) block.set(createHash('sha512').update(String(i)).digest(), i);
  out({ ready: true });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const cmd = JSON.parse(line) as { send?: string; quit?: boolean };
    if (cmd.quit === true) break;
    if (cmd.send === undefined) continue;
    const source = patternSource(cmd.send, SIZE, block);
    const cpu0 = cpuNowMs();
    const sent = await alice.files.send(BOB, source);
    const end = await new Promise<TransferInfo>((resolve) => {
      const off = alice.files.events.on('updated', (t) => {
        if (t.id === sent.id && ['completed', 'declined', 'cancelled', 'failed'].includes(t.state)) {
          off();
          resolve(t);
        }
      });
    });
    out({ state: end.state, reason: end.reason, detail: end.detail, sha256: source.sha256(), cpuMs: cpuNowMs() - cpu0 });
  }
  await alice.signOut();
  process.exit(0);
}

// ----- the receiver and the benchmark -----

interface Server {
  readonly pid: number;
  readonly nsPort: number;
  readonly nexusUrl: string;
  readonly child: ChildProcess;
}

async function startServerProcess(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'monarch-transfer-bench-'));
  const cfg = { nsPort: 0, sbPort: 0, httpPort: 0, dataDir, accounts: [[ALICE, PASSWORD, 'Alice'], [BOB, PASSWORD, 'Bob']] };
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<{ nsPort: number; nexusUrl: string }>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(t);
        resolve(JSON.parse(m[1]) as { nsPort: number; nexusUrl: string });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { pid: child.pid as number, child, ...ready };
}

class CountingSink implements FileSink {
  private readonly hash = createHash('sha256');
  bytes = 0;
  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
  async finish(): Promise<void> {}
  async abort(): Promise<void> {}
  sha256(): string {
    return this.hash.digest('hex');
  }
}

interface SenderReport {
  readonly state: string;
  readonly reason?: string;
  readonly detail?: string;
  readonly sha256: string;
  readonly cpuMs: number;
}

async function measureRelay(server: Server) {
  const bob = client(server.nsPort, server.nexusUrl, 12);
  const sender = spawn(process.execPath, ['--import', 'tsx', here, '--sender', JSON.stringify({ nsPort: server.nsPort, nexusUrl: server.nexusUrl })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies = createInterface({ input: sender.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const nextReply = async (): Promise<Record<string, unknown>> => {
    const r = await replies.next();
    if (r.done === true) throw new Error('the sender exited');
    return JSON.parse(r.value as string) as Record<string, unknown>;
  };
  try {
    await bob.signIn({ handle: BOB, password: PASSWORD });
    await bob.contacts.add(ALICE);
    await nextReply(); // ready: Alice sees Bob online
    const times: number[] = [];
    let senderCpu = 0;
    let receiverCpu = 0;
    let serverCpu = 0;
    for (let run = 0; run < RUNS; run++) {
      const sink = new CountingSink();
      const offered = new Promise<TransferInfo>((resolve) => {
        const off = bob.files.events.on('offered', (t) => {
          off();
          resolve(t);
        });
      });
      const server0 = procCpuMs(server.pid);
      const me0 = cpuNowMs();
      const t0 = performance.now();
      sender.stdin?.write(`${JSON.stringify({ send: `bench-${run}.bin` })}\n`);
      const offer = await offered;
      const done = new Promise<TransferInfo>((resolve) => {
        const off = bob.files.events.on('updated', (t) => {
          if (t.id === offer.id && ['completed', 'declined', 'cancelled', 'failed'].includes(t.state)) {
            off();
            resolve(t);
          }
        });
      });
      await bob.files.accept(offer.id, sink);
      const end = await done;
      times.push(performance.now() - t0);
      receiverCpu += cpuNowMs() - me0;
      const report = (await nextReply()) as unknown as SenderReport;
      serverCpu += procCpuMs(server.pid) - server0;
      senderCpu += report.cpuMs;
      if (end.state !== 'completed' || report.state !== 'completed') throw new Error(`run ${run}: receiver ${end.state} ${end.reason ?? ''} ${end.detail ?? ''}, sender ${report.state} ${report.reason ?? ''} ${report.detail ?? ''}`);
      if (sink.bytes !== SIZE || sink.sha256() !== report.sha256) throw new Error(`run ${run}: the received file differs (${sink.bytes} bytes)`);
    }
    const mb = (SIZE * RUNS) / 1e6;
    const medianMs = median(times);
    return {
      dialect: 'MSNP12',
      fileBytes: SIZE,
      runs: RUNS,
      medianMs: round(medianMs),
      minMs: round(Math.min(...times)),
      maxMs: round(Math.max(...times)),
      throughputMBps: round(SIZE / 1e6 / (medianMs / 1000)),
      cpuMsPerMB: { sender: round(senderCpu / mb), receiver: round(receiverCpu / mb), server: round(serverCpu / mb) },
      loadAverage: loadavg().map(round),
      note: 'MB = 10^6 bytes; from send() to the receiver completed (offer, accept, data, ACK); the receiver sink hashes (SHA-256) what it gets, its CPU is included',
    };
  } finally {
    sender.stdin?.write(`${JSON.stringify({ quit: true })}\n`);
    await bob.signOut().catch(() => undefined);
    setTimeout(() => sender.kill('SIGKILL'), 5000).unref();
  }
}

// ----- MSNFTP -----

/**
 * MSNFTP throughput of a 20 MB file between two MSNP7 clients (direct TCP session, MSNP.md §6.10),
 * in the same shape as `measureRelay`'s result, or undefined while there is no MSNFTP carrier.
 * Goal: ≥ 50 MB/s on loopback.
 */
async function measureMsnftp(_server: Server): Promise<({ throughputMBps: number; loadAverage: number[] } & Record<string, unknown>) | undefined> {
  // Its own server process and two client processes (transfer-msnftp.bench.ts): the relay's
  // server is not on the path of MSNFTP's bytes.
  const { section } = await measureMsnftpTransfer();
  return { ...section, throughputMBps: section['throughputMBps'] as number, loadAverage: section['loadAverage'] as number[] };
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  try {
    const relay = await measureRelay(server);
    const msnftp = await measureMsnftp(server);
    const load = loadavg().map(round);
    const goals: { goal: string; status: 'met' | 'missed'; measured: string }[] = [
      {
        goal: 'at least 5 MB/s for a 20 MB file through the switchboard relay (P2P, loopback)',
        status: relay.throughputMBps >= 5 ? 'met' : 'missed',
        measured: `${relay.throughputMBps} MB/s (median of ${RUNS}, load ${relay.loadAverage.join(' ')})`,
      },
    ];
    if (msnftp !== undefined) {
      goals.push({
        goal: 'at least 50 MB/s for a 20 MB file over MSNFTP (loopback)',
        status: msnftp.throughputMBps >= 50 ? 'met' : 'missed',
        measured: `${msnftp.throughputMBps} MB/s (load ${msnftp.loadAverage.join(' ')})`,
      });
    }
    const result = {
      benchmark: 'transfer',
      date: new Date().toISOString(),
      machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage: load },
      relay,
      msnftp: msnftp ?? null,
      notes: [
        'server, sender and receiver each in their own process; the server with its default limits (switchboard MSGs shaped at 6,000/s)',
        `load average at the end: ${load.join(' ')} on ${cpus().length} cores shared with other work`,
      ],
      goals,
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'transfer.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    server.child.kill('SIGKILL');
  }
}

const senderAt = process.argv.indexOf('--sender');
if (senderAt >= 0) await senderMain(JSON.parse(process.argv[senderAt + 1] ?? '{}') as { nsPort: number; nexusUrl: string });
else await main();
