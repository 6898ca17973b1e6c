/**
 * One server per data folder: a second `startServer` (or `npm run server`) on a folder a running
 * server uses is refused with a message naming the holder, and leaves the first one untouched; the
 * folder is free again once the first stops.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../server/index';
import { DataDirInUseError } from '../../server/store/data-dir-lock';

const dir = mkdtempSync(join(tmpdir(), 'monarch-server-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ports = { host: '127.0.0.1', nsPort: 0, sbPort: 0, httpPort: 0 } as const;

it('refuses a second server on the same data folder, in this process and from `npm run server`', async () => {
  const first = await startServer({ ...ports, dataDir: dir });
  try {
    await first.accounts.add('alice@example.com', 'alice-password', 'Alice');
    await expect(startServer({ ...ports, dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);

    const tsx = createRequire(import.meta.url).resolve('tsx');
    const second = spawnSync(process.execPath, ['--import', tsx, 'server/cli.ts', '--data-dir', dir, '--ns-port', '0', '--sb-port', '0', '--http-port', '0'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/Another Monarch \(the Monarch server, process \d+, since .*\) is already using/);
    expect(second.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace

    // The first server is untouched by the refused ones.
    expect((await first.accounts.list()).map((a) => a.handle)).toEqual(['alice@example.com']);
  } finally {
    await first.stop();
  }
  // Free again once the first has stopped; the accounts are still there.
  const again = await startServer({ ...ports, dataDir: dir });
  try {
    expect((await again.accounts.list()).map((a) => a.handle)).toEqual(['alice@example.com']);
  } finally {
    await again.stop();
  }
}, 60_000);
