import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock';

const dirs: string[] = [];
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'monarch-lock-'));
  dirs.push(d);
  return d;
};

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The id of a process that has exited (so nothing runs under it, barring reuse). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('lockDataDir', () => {
  it('leaves a private lock file naming this process, refuses a second taker, and frees the folder on release', () => {
    const dir = folder();
    const lock = lockDataDir(dir, 'the web host');
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; holder: string };
    expect(owner).toMatchObject({ pid: process.pid, holder: 'the web host' });
    expect(statSync(join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);

    expect(() => lockDataDir(dir, 'the desktop app')).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir, 'the desktop app')).toThrow(`(the web host, process ${process.pid}, since `);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, 'the desktop app').release();
    // No drafts left behind.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone, and one that cannot be read', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), holder: 'a crashed web host', since: 'yesterday', nonce: 'x' }));
    const lock = lockDataDir(dir, 'the web host');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();

    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    lockDataDir(dir, 'the web host').release();
  });

  it('releases only its own lock (not one a later owner took over)', () => {
    const dir = folder();
    const lock = lockDataDir(dir, 'first');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, holder: 'second', since: 'now', nonce: 'another' }));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
