/**
 * One Monarch per data folder (issue 15, item 18): the desktop app and `npm run web` keep settings,
 * the history and the local server's SQLite files there, and two processes writing them at once
 * would run two servers on one database. `lockDataDir` leaves a lock file naming its process;
 * another process finds it and refuses with a clear message. A lock whose process is gone (a crash,
 * a kill) is stale and taken over.
 *
 * The file appears complete or not at all (written beside it, then hard-linked into place, which
 * fails when one exists), so a reader never mistakes a lock being written for a stale one.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'monarch.lock';

interface Owner {
  readonly pid: number;
  /** What holds it ("the web host", "the desktop app"), for the message. */
  readonly holder: string;
  readonly since: string;
  /** Tells this lock from a later one of the same pid (release only removes its own). */
  readonly nonce: string;
}

/** Another live process holds the folder. */
export class DataDirInUseError extends Error {
  readonly code = 'data-dir-in-use';
  constructor(
    readonly dataDir: string,
    readonly owner: { readonly pid: number; readonly holder: string; readonly since: string },
  ) {
    super(
      `Another Monarch (${owner.holder}, process ${owner.pid}, since ${owner.since}) is already using ${dataDir}. ` +
        `Stop it first, or use another data folder. If no Monarch is running, delete ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still this one. */
  release(): void;
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return null;
    return { pid: o.pid, holder: String(o.holder ?? 'unknown'), since: String(o.since ?? 'unknown'), nonce: String(o.nonce ?? '') };
  } catch {
    return null;
  }
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Takes the data folder for this process, or throws `DataDirInUseError`. */
export function lockDataDir(dataDir: string, holder: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const me: Owner = { pid: process.pid, holder, since: new Date().toISOString(), nonce: randomBytes(12).toString('hex') };
  const draft = `${path}.${process.pid}.${me.nonce}`;
  writeFileSync(draft, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  try {
    // A stale lock is removed and the link tried again; a second stale one in a row means
    // another process is racing for it too, and gives up rather than loop.
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST') throw e;
      }
      const owner = readOwner(path);
      // In this process too: two backends on one folder are as bad as two processes.
      if (owner && isAlive(owner.pid)) throw new DataDirInUseError(dataDir, owner);
      if (attempt >= 2) throw new DataDirInUseError(dataDir, { pid: owner?.pid ?? 0, holder: 'unknown', since: 'unknown' });
      try {
        unlinkSync(path);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      // Already gone.
    }
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      const owner = readOwner(path);
      if (owner?.pid === me.pid && owner.nonce === me.nonce) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }
    },
  };
}
