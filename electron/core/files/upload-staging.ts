/**
 * Files a browser page streams to the web host (web mode, issue 11): the page cannot hand over a
 * path, so it sends the file's bytes over the contract in bounded chunks (shared/ipc/files.ts) into
 * a temporary file here, then sends from that file. The temporary files live in a private folder
 * (0700, each file 0600) and are removed when their transfer ends, when the upload is abandoned
 * (no chunk for `idleMs`), and on `dispose`.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, mkdtempSync, promises as fs, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDiskError } from './download-sink';
import { fileSourceFromPath } from './file-source';

export class UploadError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-input' | 'busy' | 'write-failed',
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

interface Upload {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly path: string;
  handle: FileHandle | null;
  received: number;
  /** A chunk is being written: chunks come one at a time, in order. */
  writing: boolean;
  timer: NodeJS.Timeout | null;
}

export interface UploadStagingOptions {
  /** Where the private folder is made (default: the OS temporary folder). */
  readonly parent?: string;
  /** At most this many uploads at once. */
  readonly maxUploads?: number;
  /** An upload without a chunk for this long is dropped. */
  readonly idleMs?: number;
}

export class UploadStaging {
  private readonly dir: string;
  private readonly uploads = new Map<string, Upload>();
  /** Finished uploads, waiting for their transfer to end. */
  private readonly staged = new Set<string>();
  private readonly maxUploads: number;
  private readonly idleMs: number;

  constructor(options: UploadStagingOptions = {}) {
    this.dir = mkdtempSync(join(options.parent ?? tmpdir(), 'monarch-uploads-'));
    void fs.chmod(this.dir, 0o700).catch(() => undefined);
    this.maxUploads = options.maxUploads ?? 16;
    this.idleMs = options.idleMs ?? 5 * 60_000;
  }

  /** Starts an upload of `size` bytes announced as `name`; returns its id. */
  async begin(name: string, size: number): Promise<string> {
    if (this.uploads.size >= this.maxUploads) throw new UploadError('busy', 'Too many files are being prepared at once; wait for some to finish.');
    const id = randomBytes(16).toString('base64url');
    const path = join(this.dir, id);
    let handle: FileHandle;
    try {
      handle = await fs.open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    } catch (e) {
      throw new UploadError('write-failed', describeDiskError(e, 'the temporary folder').message);
    }
    const upload: Upload = { id, name, size, path, handle, received: 0, writing: false, timer: null };
    this.uploads.set(id, upload);
    this.touch(upload);
    return id;
  }

  /** Appends one chunk at `offset` (which must be what arrived so far). */
  async chunk(id: string, offset: number, bytes: Uint8Array): Promise<{ received: number }> {
    const upload = this.uploads.get(id);
    if (!upload || !upload.handle) throw new UploadError('not-found', 'No such upload (it may have expired).');
    if (upload.writing) throw new UploadError('busy', 'Send the chunks one at a time.');
    if (offset !== upload.received) throw new UploadError('invalid-input', `Expected the chunk at ${upload.received}, got ${offset}.`);
    if (upload.received + bytes.byteLength > upload.size) throw new UploadError('invalid-input', 'More bytes than the file’s announced size.');
    upload.writing = true;
    try {
      await upload.handle.write(bytes, 0, bytes.byteLength, offset);
      upload.received += bytes.byteLength;
    } catch (e) {
      await this.cancel(id);
      throw new UploadError('write-failed', describeDiskError(e, 'the temporary folder').message);
    } finally {
      upload.writing = false;
    }
    this.touch(upload);
    return { received: upload.received };
  }

  /**
   * The complete upload as a file source (every byte arrived); its temporary file stays until
   * `release(id)` (the transfer ended).
   */
  async complete(id: string): Promise<Awaited<ReturnType<typeof fileSourceFromPath>>> {
    const upload = this.uploads.get(id);
    if (!upload || !upload.handle) throw new UploadError('not-found', 'No such upload (it may have expired).');
    if (upload.writing || upload.received !== upload.size) throw new UploadError('invalid-input', `Only ${upload.received} of ${upload.size} bytes arrived.`);
    const handle = upload.handle;
    upload.handle = null;
    if (upload.timer) clearTimeout(upload.timer);
    await handle.close();
    this.uploads.delete(id);
    this.staged.add(upload.path);
    // Offered under the file's own name, as any client does (only the last path segment: a page
    // gives none anyway); the receiver reduces it to a safe name on its side.
    return fileSourceFromPath(upload.path, upload.name.split(/[/\\]/).pop() || 'file');
  }

  /** The transfer that sent from `path` ended: its temporary file goes. */
  release(path: string): void {
    if (!this.staged.delete(path)) return;
    void fs.unlink(path).catch(() => undefined);
  }

  async cancel(id: string): Promise<void> {
    const upload = this.uploads.get(id);
    if (!upload) return;
    this.uploads.delete(id);
    if (upload.timer) clearTimeout(upload.timer);
    await upload.handle?.close().catch(() => undefined);
    upload.handle = null;
    await fs.unlink(upload.path).catch(() => undefined);
  }

  /** How many uploads are under way (tests). */
  get pending(): number {
    return this.uploads.size;
  }

  dispose(): void {
    for (const u of this.uploads.values()) {
      if (u.timer) clearTimeout(u.timer);
      void u.handle?.close().catch(() => undefined);
    }
    this.uploads.clear();
    this.staged.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private touch(upload: Upload): void {
    if (upload.timer) clearTimeout(upload.timer);
    upload.timer = setTimeout(() => void this.cancel(upload.id), this.idleMs);
    upload.timer.unref?.();
  }
}
