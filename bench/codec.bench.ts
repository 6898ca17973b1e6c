/**
 * `npm run bench:codec`: parse and serialize throughput of the MSNP codec on a realistic mixed
 * server → client stream (what a busy client's NS and SB connections receive), written to
 * bench/results/codec.json with the machine's Node version, CPU and core count.
 *
 * The stream (MSNP12 shapes, built with the codec's own typed builders, deterministic):
 *   - presence storm: NLN with capabilities and an MSNObject, ILN, FLN;
 *   - contact-list sync: SYN with GTC/BLP/PRP, LSG, LST (N=/F=/C=, bits, network id, groups), BPR;
 *   - switchboard traffic: text MSGs with X-MMS-IM-Format (short to ~1.6 KB), typing notices, ACK/NAK;
 *   - UBX personal messages.
 * Parsing is measured in 16 KiB and 64 KiB chunks (socket-read sizes); serializing one command at a
 * time, as a connection writes them. MB = 10^6 bytes. Goals (issue 2, on a 2-core machine):
 * parse ≥ 150 MB/s and ≥ 1.5 M commands/s.
 *
 * Options: `--mb N` stream size (default 32), `--rounds N` timed rounds (default 7), `--quiet`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Parser, type ParseOutput } from '../shared/msnp/parser';
import { serialize } from '../shared/msnp/serializer';
import type { Command, CommandInit } from '../shared/msnp/command';
import {
  buildAck,
  buildBpr,
  buildFln,
  buildIln,
  buildLsgItem,
  buildLstItem,
  buildMsgDelivery,
  buildNln,
  buildPrpReply,
  buildSynReply,
  buildUbx,
  type OnlineState,
} from '../shared/msnp/commands';
import { buildTextMessage, buildTypingMessage, parseTextFormat } from '../shared/msnp/messages';
import { buildMsnObject } from '../shared/msnp/msnobject';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const TARGET_MB = opt('mb', 32);
const ROUNDS = opt('rounds', 7);
const QUIET = args.includes('--quiet');
const DIALECT = 12;

const GOALS = { parseMbPerSec: 150, parseCommandsPerSec: 1_500_000 };

// ------------------------------------------------------------------------------------------------
// Stream generation (deterministic)

let seed = 0x2545f491;
function rand(): number {
  // xorshift32
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const STATES: readonly OnlineState[] = ['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN'];
const NAMES = ['Bob', 'Carol ☺', 'Dave (away)', 'Erin | work', 'Frank', 'Grace 💜', 'Heidi', 'Ivan the Terrible', 'Judy', 'Mallory 😀 [brb]'];
const WORDS = 'the quick brown fox jumps over lazy dog hello there how are you doing today ok sure lol brb see you later ☺ café naïve 😀'.split(' ');
const CONTACTS = Array.from({ length: 600 }, (_, i) => ({
  handle: `user${i}@hotmail.com`,
  name: `${pick(NAMES)} ${i}`,
  guid: `${(0x10000000 + i).toString(16)}-83b6-4b1d-9d0b-2b8c9c2a1e11`,
  caps: pick([0, 268435500, 1073791084, 1342554172]),
  obj: buildMsnObject({
    creator: `user${i}@hotmail.com`,
    size: int(1000, 30000),
    type: 3,
    location: 'TFR2C.tmp',
    sha1d: 'trC8SlFx2sWQxZMIBAWSEnXc8oQ=',
  }),
}));
const GROUPS = Array.from({ length: 8 }, (_, i) => `${(0x5f6e4c80 + i).toString(16)}-1d36-4d3a-9cc7-9fd8f8a5f2a1`);
const FORMAT = parseTextFormat('FN=Segoe%20UI; EF=B; CO=ff0000; CS=0; PF=22');

function sentence(bytes: number): string {
  let s = '';
  while (s.length < bytes) s += `${pick(WORDS)} `;
  return s.trim();
}

function syncBurst(out: CommandInit[]): void {
  const contacts = CONTACTS.slice(0, int(100, 600));
  out.push(buildSynReply({ trId: 8, listVersion: '2005-04-23T18:57:44.8130000-07:00', settingsVersion: '2005-04-23T18:57:54.2070000-07:00', contacts: contacts.length, groups: GROUPS.length }, DIALECT));
  out.push({ verb: 'GTC', params: ['A'] }, { verb: 'BLP', params: ['AL'] });
  out.push(buildPrpReply({ key: 'MFN', value: 'Alice in Wonderland' }, DIALECT));
  for (const [i, g] of GROUPS.entries()) out.push(buildLsgItem({ groupId: g, name: `Group ${i}` }, DIALECT));
  for (const c of contacts) {
    out.push(buildLstItem({ handle: c.handle, friendlyName: c.name, contactId: c.guid, lists: 11, networkId: 1, groups: [pick(GROUPS)] }, DIALECT));
    if (rand() < 0.1) out.push(buildBpr({ key: 'PHM', value: `1 (555) ${int(100, 999)} ${int(1000, 9999)}` }, DIALECT));
  }
}

function presence(out: CommandInit[]): void {
  const c = pick(CONTACTS);
  const r = rand();
  if (r < 0.6) out.push(buildNln({ state: pick(STATES), handle: c.handle, friendlyName: c.name, caps: c.caps, msnObject: c.obj }, DIALECT));
  else if (r < 0.8) out.push(buildFln({ handle: c.handle }, DIALECT));
  else out.push(buildIln({ trId: int(1, 50), state: pick(STATES), handle: c.handle, friendlyName: c.name, caps: c.caps, msnObject: rand() < 0.5 ? c.obj : undefined }, DIALECT));
}

function switchboard(out: CommandInit[]): void {
  const c = pick(CONTACTS);
  const r = rand();
  if (r < 0.35) out.push(buildMsgDelivery({ sender: c.handle, friendlyName: c.name, payload: buildTypingMessage(c.handle) }, DIALECT));
  else if (r < 0.8) {
    const len = rand() < 0.8 ? int(5, 200) : int(200, 1400);
    out.push(buildMsgDelivery({ sender: c.handle, friendlyName: c.name, payload: buildTextMessage(sentence(len), FORMAT) }, DIALECT));
  } else out.push(buildAck({ type: rand() < 0.95 ? 'ACK' : 'NAK', trId: int(1, 100000) }, DIALECT));
}

function psm(out: CommandInit[]): void {
  const c = pick(CONTACTS);
  out.push(buildUbx({ handle: c.handle, status: { psm: rand() < 0.3 ? '' : sentence(int(5, 60)), currentMedia: '' } }, DIALECT));
}

function generate(targetBytes: number): { wire: Uint8Array; commands: number; mix: Record<string, number> } {
  const chunks: Uint8Array[] = [];
  const mix: Record<string, number> = {};
  let total = 0;
  let commands = 0;
  while (total < targetBytes) {
    const batch: CommandInit[] = [];
    const r = rand();
    if (r < 0.01) syncBurst(batch);
    else if (r < 0.5) for (let i = 0; i < 20; i++) presence(batch);
    else if (r < 0.9) for (let i = 0; i < 10; i++) switchboard(batch);
    else for (let i = 0; i < 10; i++) psm(batch);
    for (const c of batch) {
      const bytes = serialize(c, 'toClient');
      chunks.push(bytes);
      total += bytes.length;
      commands++;
      mix[c.verb] = (mix[c.verb] ?? 0) + 1;
    }
  }
  const wire = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    wire.set(c, at);
    at += c.length;
  }
  return { wire, commands, mix };
}

// ------------------------------------------------------------------------------------------------
// Measurement

interface Timing {
  /** Wall-clock milliseconds. */
  ms: number;
  /** CPU milliseconds of this process (user + system): what the code costs when the machine is shared. */
  cpuMs: number;
}

function parseOnce(wire: Uint8Array, chunk: number): Timing & { commands: number; errors: number } {
  const p = new Parser({ direction: 'toClient' });
  let commands = 0;
  let errors = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < wire.length; i += chunk) {
    const out: ParseOutput[] = p.push(wire.subarray(i, i + chunk));
    for (let j = 0; j < out.length; j++) {
      if ((out[j] as ParseOutput).kind === 'error') errors++;
      else commands++;
    }
  }
  p.finish();
  const ms = performance.now() - t0;
  return { ms, cpuMs: cpuMs(process.cpuUsage(c0)), commands, errors };
}

function serializeOnce(cmds: readonly Command[]): Timing & { bytes: number } {
  let bytes = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < cmds.length; i++) bytes += serialize(cmds[i] as Command, 'toClient').length;
  const ms = performance.now() - t0;
  return { ms, cpuMs: cpuMs(process.cpuUsage(c0)), bytes };
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

const WARMUP_ROUNDS = 3;

/** Throughput figures from the median wall and CPU times of the timed rounds. */
function figures(bytes: number, commands: number, rounds: Timing[]) {
  const ms = median(rounds.map((r) => r.ms));
  const cpu = median(rounds.map((r) => r.cpuMs));
  return {
    mbPerSec: round(bytes / 1e6 / (ms / 1000)),
    commandsPerSec: Math.round(commands / (ms / 1000)),
    cpuTime: { mbPerSec: round(bytes / 1e6 / (cpu / 1000)), commandsPerSec: Math.round(commands / (cpu / 1000)) },
    roundsMs: rounds.map((r) => round(r.ms)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

function main(): void {
  const log = (s: string): void => {
    if (!QUIET) console.log(s);
  };
  const genStart = performance.now();
  const { wire, commands, mix } = generate(TARGET_MB * 1e6);
  log(`stream: ${round(wire.length / 1e6)} MB, ${commands} commands (${round(wire.length / commands)} bytes/command), generated in ${round((performance.now() - genStart) / 1000)} s`);

  // Correctness gate: the stream must parse without a single error value.
  const check = parseOnce(wire, 65536);
  if (check.errors !== 0 || check.commands !== commands) throw new Error(`stream did not parse cleanly: ${check.commands}/${commands} commands, ${check.errors} errors`);

  const byChunk: Record<string, ReturnType<typeof figures>> = {};
  for (const chunk of [16384, 65536]) {
    for (let w = 0; w < WARMUP_ROUNDS; w++) parseOnce(wire, chunk);
    const rounds: Timing[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(parseOnce(wire, chunk));
    const f = figures(wire.length, commands, rounds);
    byChunk[String(chunk)] = f;
    log(`parse, ${chunk / 1024} KiB chunks: ${f.mbPerSec} MB/s, ${f.commandsPerSec.toLocaleString('en')} commands/s (wall); ${f.cpuTime.mbPerSec} MB/s, ${f.cpuTime.commandsPerSec.toLocaleString('en')} commands/s per CPU-second`);
  }

  const p = new Parser({ direction: 'toClient' });
  const parsed = p.push(wire).filter((o): o is Command => o.kind === 'command');
  for (let w = 0; w < WARMUP_ROUNDS; w++) serializeOnce(parsed);
  const sRounds: (Timing & { bytes: number })[] = [];
  for (let r = 0; r < ROUNDS; r++) sRounds.push(serializeOnce(parsed));
  for (const r of sRounds) if (r.bytes !== wire.length) throw new Error(`serialize produced ${r.bytes} bytes for a ${wire.length}-byte stream`);
  const serializeResult = figures(wire.length, parsed.length, sRounds);
  log(`serialize, one command at a time: ${serializeResult.mbPerSec} MB/s, ${serializeResult.commandsPerSec.toLocaleString('en')} commands/s (wall); ${serializeResult.cpuTime.mbPerSec} MB/s, ${serializeResult.cpuTime.commandsPerSec.toLocaleString('en')} commands/s per CPU-second`);

  // The headline parse figure is the slower of the two chunk sizes.
  const headline = [byChunk['16384']!, byChunk['65536']!].sort((a, b) => a.mbPerSec - b.mbPerSec)[0]!;
  const met = (f: { mbPerSec: number; commandsPerSec: number }): boolean =>
    f.mbPerSec >= GOALS.parseMbPerSec && f.commandsPerSec >= GOALS.parseCommandsPerSec;
  const result = {
    benchmark: 'codec',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    machine: { platform: `${platform()} ${release()}`, totalMemoryBytes: totalmem(), loadAverage1m: round(loadavg()[0] ?? 0, 2) },
    stream: {
      bytes: wire.length,
      commands,
      bytesPerCommand: round(wire.length / commands),
      dialect: DIALECT,
      direction: 'toClient',
      mix,
    },
    units: {
      mbPerSec: '10^6 bytes per second',
      statistic: `median of ${ROUNDS} timed rounds after ${WARMUP_ROUNDS} warm-up rounds`,
      cpuTime: 'the same work divided by this process\'s CPU time (user + system), which a shared machine does not inflate',
    },
    parse: { mbPerSec: headline.mbPerSec, commandsPerSec: headline.commandsPerSec, cpuTime: headline.cpuTime, byChunkSize: byChunk },
    serialize: serializeResult,
    goals: GOALS,
    goalsMet: { wallClock: met(headline), cpuTime: met(headline.cpuTime) },
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'codec.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`goals (parse ≥ ${GOALS.parseMbPerSec} MB/s and ≥ ${GOALS.parseCommandsPerSec.toLocaleString('en')} commands/s): wall clock ${result.goalsMet.wallClock ? 'met' : 'NOT met'}, CPU time ${result.goalsMet.cpuTime ? 'met' : 'NOT met'}; load average ${result.machine.loadAverage1m}`);
  log(`written to ${join(dir, 'codec.json')}`);
}

main();
