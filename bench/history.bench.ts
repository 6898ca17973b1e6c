/**
 * History store benchmark: write throughput (one durable transaction per message, as the app
 * writes them), full-text search latency on a 100k-message history, page reads, listing, export
 * and delete. Writes bench/results/history.json. Run: `npx tsx bench/history.bench.ts [--messages N]`.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportHtml, exportText } from '../electron/core/history/export';
import { openHistoryStore } from '../electron/core/history/sqlite-history-store';
import type { HistoryStore, NewMessage } from '../electron/core/history/types';
import { seededRandom } from '../electron/core/demo/replies';

const ACCOUNT = 'alice@example.com';
const CONVERSATIONS = 200;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

// Deterministic, so every run searches the same text.
const random = seededRandom(42);
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'qu', 'den', 'mar', 'tel', 'son'];
/** 3000 made-up words; drawn with a Zipf-like skew so some are common and most are rare. */
const VOCAB = Array.from({ length: 3000 }, (_, i) => {
  let w = '';
  let n = i + 7;
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
});
function word(): string {
  return VOCAB[Math.min(VOCAB.length - 1, Math.floor(VOCAB.length * random() ** 3))]!;
}
function sentence(): string {
  const n = 3 + Math.floor(random() * 15);
  return Array.from({ length: n }, word).join(' ');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summary(samplesMs: number[]) {
  const s = [...samplesMs].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50Ms: round(percentile(s, 50)), p95Ms: round(percentile(s, 95)), p99Ms: round(percentile(s, 99)), maxMs: round(s[s.length - 1] ?? NaN) };
}

function openConversations(store: HistoryStore): number[] {
  return Array.from({ length: CONVERSATIONS }, (_, i) =>
    store.openConversation({ account: ACCOUNT, kind: 'one-to-one', peer: { handle: `contact${i}@example.com`, displayName: `Contact ${i}` }, at: Date.now() }).id,
  );
}

function message(i: number): NewMessage {
  const incoming = i % 2 === 0;
  return {
    direction: incoming ? 'incoming' : 'outgoing',
    sender: incoming ? 'contact@example.com' : ACCOUNT,
    senderName: incoming ? 'Contact' : 'Alice',
    text: sentence(),
    format: i % 3 === 0 ? { font: 'Segoe UI', bold: false, italic: false, underline: false, strikethrough: false, color: '#1f4e9c' } : null,
    timestamp: Date.UTC(2026, 0, 1) + i * 1000,
  };
}

/** Append `count` messages one transaction each; returns per-write latencies and the rate. */
function writeMessages(store: HistoryStore, conversations: number[], count: number, offset: number) {
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const conv = conversations[Math.floor(random() * conversations.length)]!;
    const m = message(offset + i);
    const s = performance.now();
    store.appendMessage(conv, m);
    latencies.push(performance.now() - s);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { messages: count, seconds: Math.round(seconds * 1000) / 1000, perSecond: Math.round(count / seconds), latency: summary(latencies) };
}

function time<T>(fn: () => T, runs: number): { result: T; latency: ReturnType<typeof summary> } {
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    result = fn();
    samples.push(performance.now() - s);
  }
  return { result, latency: summary(samples) };
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

function main(): void {
  const total = arg('messages', 100_000);
  const durableSample = arg('durable-sample', 2_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'monarch-history-bench-'));
  try {
    // 1. Write throughput with synchronous = FULL (durable across power loss), on a separate file.
    const fullDir = path.join(dir, 'full');
    mkdirSync(fullDir);
    const full = openHistoryStore(path.join(fullDir, 'history.sqlite'), { synchronous: 'FULL' });
    const writeFull = writeMessages(full, openConversations(full), durableSample, 0);
    full.close();

    // 2. The default (NORMAL: durable across process crashes): fill the 100k history.
    const dbPath = path.join(dir, 'history.sqlite');
    const store = openHistoryStore(dbPath);
    const conversations = openConversations(store);
    const writeNormal = writeMessages(store, conversations, total, 0);
    const bytes = dirBytes(dir) - dirBytes(fullDir);

    // 3. Search latency over all conversations (newest first, 50 hits, with snippets).
    const common = VOCAB[0]!;
    const mid = VOCAB[300]!;
    const rare = VOCAB[2900]!;
    const queries: Record<string, string> = {
      commonWord: common,
      midFrequencyWord: mid,
      rareWord: rare,
      prefixOf3: mid.slice(0, 3),
      twoWords: `${common} ${mid}`,
      noMatch: 'zzzzqqq',
    };
    const search: Record<string, { query: string; hits: number; latency: ReturnType<typeof summary> }> = {};
    for (const [name, q] of Object.entries(queries)) {
      const r = time(() => store.search(ACCOUNT, q, { limit: 50 }), 30);
      search[name] = { query: q, hits: r.result.length, latency: r.latency };
    }
    const relevance = time(() => store.search(ACCOUNT, mid, { limit: 50, order: 'relevance' }), 30);
    const inOne = time(() => store.search(ACCOUNT, common, { limit: 50, conversationId: conversations[7]! }), 30);

    // 4. Reads.
    const recent = time(() => store.recent(conversations[3]!, { limit: 50 }), 200);
    const list = time(() => store.listConversations(ACCOUNT, { limit: 100 }), 50);
    const hit = store.search(ACCOUNT, rare, { limit: 1 })[0];
    const around = hit ? time(() => store.around(hit.entryId, { before: 25, after: 25 }), 200) : null;

    // 5. Export and delete one conversation (about total / 200 messages).
    const conv = store.getConversation(conversations[5]!)!;
    const exportT = time(() => exportText(conv, store.iterateEntries(conv.id)), 5);
    const exportH = time(() => exportHtml(conv, store.iterateEntries(conv.id)), 5);
    const del = time(() => store.deleteConversation(conversations[9]!), 1);
    const remaining = store.listConversations(ACCOUNT, { limit: 500 }).reduce((n, c) => n + c.entryCount, 0);
    const delAll = time(() => store.deleteAll(ACCOUNT), 1);
    store.close();

    const report = {
      benchmark: 'history',
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${process.platform} ${os.release()}`,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        totalMemoryBytes: os.totalmem(),
        loadAverage1m: os.loadavg()[0],
      },
      config: { messages: total, conversations: CONVERSATIONS, durableSample, vocabulary: VOCAB.length },
      write: {
        note: 'one transaction per message through HistoryStore.appendMessage (WAL)',
        synchronousNormal: writeNormal,
        synchronousFull: writeFull,
      },
      databaseBytes: bytes,
      search,
      searchByRelevance: { query: mid, latency: relevance.latency },
      searchOneConversation: { query: common, latency: inOne.latency },
      recentPage50: recent.latency,
      listConversations100: list.latency,
      aroundHit: around?.latency ?? null,
      exportOneConversation: { entries: conv.entryCount, textMs: exportT.latency.p50Ms, htmlMs: exportH.latency.p50Ms },
      deleteOneConversationMs: del.latency.p50Ms,
      deleteAllHistory: { entries: remaining, ms: delAll.latency.p50Ms },
    };
    const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'history.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    console.log(`\nwritten to ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
