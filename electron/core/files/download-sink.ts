/**
 * Where an accepted incoming file goes (issue 11): the `FileSink` the client core writes into.
 *
 * - The bytes go to a partial file, `<name>.part`, created exclusively (O_EXCL: never an existing
 *   file, never through a symlink someone planted) and readable by the owner only.
 * - `finish` checks the byte count against the announced size and only then gives the file its
 *   final name, hard-linking it under the first free one of "name", "name (1)", "name (2)", …
 *   (a link fails when the name exists, so nothing is ever overwritten, even by a race), then
 *   removing the partial name.
 * - `abort` (and any failure) removes the partial file: no partial file is ever left under the
 *   final name, or at all.
 * - Every path is checked to resolve inside the download folder.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FileSink, TransferEndReason } from '../msn/files/types';
import { numberedFileName, safeFileName } from './safe-name';

/** The partial file's suffix. */
export const PARTIAL_SUFFIX = '.part';

/** How many " (n)" alternatives are tried before giving up. */
const MAX_ALTERNATIVES = 1000;

/** What failed on disk, in words a user understands (never file contents). */
export class DiskError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'DiskError';
  }
}

/** The disk error `e` (from node:fs) as a sentence about `folder`. */
export function describeDiskError(e: unknown, folder: string): DiskError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new DiskError(`The disk is full: there is no room left in ${folder}.`, code);
    case 'EACCES':
    case 'EPERM':
      return new DiskError(`Monarch may not write in ${folder}.`, code);
    case 'EROFS':
      return new DiskError(`${folder} is on a read-only disk.`, code);
    case 'ENOENT':
    case 'ENOTDIR':
      return new DiskError(`The folder ${folder} does not exist.`, code);
    case 'EIO':
      return new DiskError(`The disk could not be written (an input/output error) in ${folder}.`, code);
    default:
      return new DiskError(`The file could not be written in ${folder}: ${(e as Error | null)?.message ?? String(e)}`, code);
  }
}

/** The file operations the sink uses (tests inject failures such as a full disk). */
export interface SinkFileSystem {
  open(path: string, flags: number, mode: number): Promise<Pick<FileHandle, 'write' | 'close' | 'sync'>>;
  link(existing: string, newPath: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  lstat(path: string): Promise<unknown>;
  chmod(path: string, mode: number): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
}

export const NODE_SINK_FS: SinkFileSystem = {
  open: (p, flags, mode) => fs.open(p, flags, mode),
  link: (a, b) => fs.link(a, b),
  rename: (a, b) => fs.rename(a, b),
  unlink: (p) => fs.unlink(p),
  lstat: (p) => fs.lstat(p),
  chmod: (p, m) => fs.chmod(p, m),
  mkdir: (p, o) => fs.mkdir(p, o),
};

export interface DownloadSinkOptions {
  /** The download folder (created when missing). */
  readonly folder: string;
  /** The name as the peer announced it (reduced to a safe base name here). */
  readonly announcedName: string;
  /** The announced size: `finish` fails on any other count, `write` as soon as it is exceeded. */
  readonly size: number;
  readonly fileSystem?: SinkFileSystem;
}

/** Is `path` directly inside `folder` (after resolving both)? */
export function isDirectlyInside(folder: string, path: string): boolean {
  return dirname(resolve(path)) === resolve(folder) && basename(path) !== '..' && basename(path) !== '.';
}

export class DownloadSink implements FileSink {
  /** The final file's path once `finish` succeeded. */
  savedPath: string | null = null;
  private readonly folder: string;
  private readonly baseName: string;
  private readonly fsx: SinkFileSystem;
  private partialPath: string | null = null;
  private handle: Pick<FileHandle, 'write' | 'close' | 'sync'> | null = null;
  private written = 0;
  private done = false;

  private constructor(private readonly options: DownloadSinkOptions) {
    this.folder = resolve(options.folder);
    this.baseName = safeFileName(options.announcedName);
    this.fsx = options.fileSystem ?? NODE_SINK_FS;
  }

  /** Creates the folder and the partial file; rejects with a `DiskError` when it cannot. */
  static async create(options: DownloadSinkOptions): Promise<DownloadSink> {
    const sink = new DownloadSink(options);
    await sink.openPartial();
    return sink;
  }

  /** The safe base name the file will have (before any " (n)"). */
  get safeName(): string {
    return this.baseName;
  }

  get bytesWritten(): number {
    return this.written;
  }

  private pathFor(name: string): string {
    const p = join(this.folder, name);
    // Belt and braces: safeFileName never yields a separator, but nothing leaves the folder.
    if (!isDirectlyInside(this.folder, p)) throw new DiskError('The file name would leave the download folder.', undefined);
    return p;
  }

  private async openPartial(): Promise<void> {
    try {
      await this.fsx.mkdir(this.folder, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw describeDiskError(e, this.folder);
    }
    for (let n = 0; n < MAX_ALTERNATIVES; n++) {
      const name = numberedFileName(this.baseName, n);
      const partial = this.pathFor(name + PARTIAL_SUFFIX);
      // A name already used by a finished file is skipped now, so the final name usually matches.
      if (await this.exists(this.pathFor(name))) continue;
      try {
        this.handle = await this.fsx.open(partial, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0), 0o600);
        this.partialPath = partial;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw describeDiskError(e, this.folder);
      }
    }
    throw new DiskError(`Too many files named like ${this.baseName} in ${this.folder}.`, 'EEXIST');
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.fsx.lstat(path);
      return true;
    } catch {
      return false;
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.done || !this.handle) throw new DiskError('The file is closed.', undefined);
    if (this.written + chunk.byteLength > this.options.size) {
      throw new DiskError(`More bytes arrived than the ${this.options.size} announced.`, undefined);
    }
    let offset = 0;
    try {
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await this.handle.write(chunk, offset, chunk.byteLength - offset);
        if (bytesWritten <= 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
        offset += bytesWritten;
      }
    } catch (e) {
      throw describeDiskError(e, this.folder);
    } finally {
      this.written += offset;
    }
  }

  async finish(): Promise<void> {
    if (this.done || !this.handle || !this.partialPath) throw new DiskError('The file is closed.', undefined);
    if (this.written !== this.options.size) {
      throw new DiskError(`${this.written} bytes arrived where ${this.options.size} were announced.`, undefined);
    }
    const handle = this.handle;
    this.handle = null;
    try {
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw describeDiskError(e, this.folder);
    }
    await handle.close().catch(() => undefined);
    const partial = this.partialPath;
    for (let n = 0; n < MAX_ALTERNATIVES; n++) {
      const finalPath = this.pathFor(numberedFileName(this.baseName, n));
      try {
        await this.fsx.link(partial, finalPath);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // No hard links on this file system (FAT, some network shares): rename, after checking
        // the name is free (the only place a race could take a name; O_EXCL above made ours).
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EMLINK') {
          if (await this.exists(finalPath)) continue;
          try {
            await this.fsx.rename(partial, finalPath);
          } catch (e2) {
            throw describeDiskError(e2, this.folder);
          }
          await this.completed(finalPath);
          return;
        }
        throw describeDiskError(e, this.folder);
      }
      await this.fsx.unlink(partial).catch(() => undefined);
      await this.completed(finalPath);
      return;
    }
    throw new DiskError(`Too many files named like ${this.baseName} in ${this.folder}.`, 'EEXIST');
  }

  private async completed(finalPath: string): Promise<void> {
    this.done = true;
    this.partialPath = null;
    this.savedPath = finalPath;
    // The partial file was owner-only while incomplete; the finished one reads like any download.
    await this.fsx.chmod(finalPath, 0o644).catch(() => undefined);
  }

  async abort(_reason?: TransferEndReason): Promise<void> {
    if (this.done) return;
    this.done = true;
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
    if (this.partialPath) await this.fsx.unlink(this.partialPath).catch(() => undefined);
    this.partialPath = null;
  }
}
