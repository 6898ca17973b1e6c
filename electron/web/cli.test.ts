/**
 * `npm run web` on a data folder another Monarch is using (issue 15, item 18): the second one
 * refuses with a clear message and starts nothing, instead of a second server on the same SQLite
 * files; once the first has stopped, the folder is free again. Runs the real CLI (tsx).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const RUNNING = 'Monarch is running. Open this link';
const running = new Set<ChildProcess>();
const dirs: string[] = [];

interface Run {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

function startWeb(dataDir: string): Run {
  const child = spawn(tsx, [join(root, 'electron', 'web', 'cli.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, MONARCH_WEB_PORT: '', MONARCH_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      running.delete(child);
      r(code);
    }),
  );
  return { child, output: () => out, exited };
}

async function until(f: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(async () => {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('npm run web on a data folder in use', () => {
  it('refuses a second host on the same folder with a clear message, and starts once the first has stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'monarch-web-lock-'));
    dirs.push(dataDir);
    const first = startWeb(dataDir);
    await until(() => first.output().includes(RUNNING), 'the first host');

    const second = startWeb(dataDir);
    const code = await Promise.race([second.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000))]);
    expect(second.output()).not.toContain(RUNNING);
    expect(code).toBe(1);
    expect(second.output()).toContain(`already using ${dataDir}`);
    // tsx runs the CLI in a child process of its own: the lock names that one.
    expect(second.output()).toMatch(/\(the web host, npm run web, process \d+, since /);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const third = startWeb(dataDir);
    await until(() => third.output().includes(RUNNING), 'the host after the first stopped');
    third.child.kill('SIGTERM');
    await third.exited;
  }, 60_000);
});
