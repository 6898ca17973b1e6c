/**
 * Replace a file atomically: write a temporary file in the same directory, flush it to disk,
 * rename it over the target, then flush the directory. A crash at any point leaves either the old
 * file or the new one, never a mix or an empty file.
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The file-system calls used, injectable so tests can fail one on purpose. */
export interface AtomicFs {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  unlinkSync: typeof fs.unlinkSync;
  mkdirSync: typeof fs.mkdirSync;
}

export const nodeFs: AtomicFs = {
  openSync: fs.openSync,
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
};

export function writeFileAtomic(path: string, data: string, ops: AtomicFs = nodeFs, mode = 0o600): void {
  const dir = dirname(path);
  ops.mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const fd = ops.openSync(tmp, 'w', mode);
    try {
      let written = 0;
      const buf = Buffer.from(data, 'utf8');
      // writeSync may write less than asked; loop over the bytes.
      while (written < buf.length) written += ops.writeSync(fd, buf, written, buf.length - written);
      ops.fsyncSync(fd);
    } finally {
      ops.closeSync(fd);
    }
    ops.renameSync(tmp, path);
    renamed = true;
    fsyncDirectory(dir, ops);
  } finally {
    if (!renamed) {
      try {
        ops.unlinkSync(tmp);
      } catch {
        // Nothing to clean up.
      }
    }
  }
}

/** Make the rename itself durable. Not possible on Windows (directories cannot be opened): skip. */
function fsyncDirectory(dir: string, ops: AtomicFs): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = ops.openSync(dir, 'r');
    ops.fsyncSync(fd);
  } catch {
    // Some file systems refuse; the rename is still atomic, only its durability is weaker.
  } finally {
    if (fd !== undefined) ops.closeSync(fd);
  }
}
