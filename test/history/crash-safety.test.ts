/**
 * Crash safety of the history store (issue 6): a writer process killed with SIGKILL at an
 * arbitrary point loses nothing it had acknowledged. The child appends messages in a tight loop
 * and prints an ack after each append returns; the parent kills it mid-stream, reopens the
 * database and checks every acknowledged entry is there, intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryStore } from '../../electron/core/history/sqlite-history-store';
import type { MessageEntry } from '../../electron/core/history/types';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const writer = join(here, 'crash-writer.ts');

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run the writer until `killAfter` acks arrived, SIGKILL it, return the acks (entry id → i). */
function runAndKill(dbPath: string, killAfter: number): Promise<{ acks: Map<number, number>; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m) acks.set(Number(m[1]), Number(m[2]));
      }
      if (!killed && acks.size >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!killed) reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
      else resolvePromise({ acks, signal });
    });
  });
}

describe('history crash safety', () => {
  it('keeps every acknowledged write when the writer is killed with SIGKILL, repeatedly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'monarch-crash-'));
    const dbPath = join(dir, 'history.sqlite');
    const allAcks = new Map<number, number>();
    // Three kills at different points, each reopening the same (never cleanly closed) database.
    for (const killAfter of [50, 400, 1500]) {
      const { acks, signal } = await runAndKill(dbPath, killAfter);
      expect(signal).toBe('SIGKILL');
      expect(acks.size).toBeGreaterThanOrEqual(killAfter);
      for (const [id, i] of acks) allAcks.set(id, i);
    }

    const store = openHistoryStore(dbPath);
    try {
      const [conv] = store.listConversations('alice@example.com');
      expect(conv).toBeDefined();
      const stored = new Map<number, MessageEntry>();
      for (const e of store.iterateEntries(conv!.id)) if (e.kind === 'message') stored.set(e.id, e);
      const missing = [...allAcks.keys()].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      for (const [id, i] of allAcks) {
        expect(stored.get(id)!.text).toBe(`message number ${i} ${'x'.repeat(i % 200)}`);
      }
      // The index survived too: acknowledged messages are searchable.
      expect(store.search('alice@example.com', 'number').length).toBeGreaterThan(0);
      expect(conv!.entryCount).toBe(stored.size);
    } finally {
      store.close();
    }
  }, 60_000);
});
