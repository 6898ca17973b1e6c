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
import { MAX_UPLOAD_CHUNK_BYTES, MAX_UPLOAD_CHUNKS_IN_FLIGHT } from '../../../shared/ipc/files';
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
  /** Bytes that arrived in order from the start (what the page is told). */
  received: number;
  /** Chunks past `received`, being written or written: start → end. At most a window of them. */
  readonly ahead: Map<number, { readonly end: number; written: boolean }>;
  timer: NodeJS.Timeout | null;
}

export interface UploadStagingOptions {
  /** Where the private folder is made (default: the OS temporary folder). */
  readonly parent?: string;
  /** At most this many uploads at once. */
  readonly maxUploads?: number;
  /** An upload without a chunk for this long is dropped. */
  readonly idleMs?: number;
  /** How far past the bytes that arrived in order a chunk may reach (default: the contract's window). */
  readonly windowBytes?: number;
}

export class UploadStaging {
  private readonly dir: string;
  private readonly uploads = new Map<string, Upload>();
  /** Finished uploads, waiting for their transfer to end. */
  private readonly staged = new Set<string>();
  private readonly maxUploads: number;
  private readonly idleMs: number;
  private readonly windowBytes: number;

  constructor(options: UploadStagingOptions = {}) {
    this.dir = mkdtempSync(join(options.parent ?? tmpdir(), 'monarch-uploads-'));
    void fs.chmod(this.dir, 0o700).catch(() => undefined);
    this.maxUploads = options.maxUploads ?? 16;
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.windowBytes = options.windowBytes ?? MAX_UPLOAD_CHUNKS_IN_FLIGHT * MAX_UPLOAD_CHUNK_BYTES;
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
    const upload: Upload = { id, name, size, path, handle, received: 0, ahead: new Map(), timer: null };
    this.uploads.set(id, upload);
    this.touch(upload);
    return id;
  }

  /**
   * Writes one chunk at `offset`. Chunks may come several at once and out of order, within the
   * window: starting at or after the bytes that arrived in order, ending at most `windowBytes`
   * past them, overlapping no other. Answers how many bytes have arrived in order.
   */
  async chunk(id: string, offset: number, bytes: Uint8Array): Promise<{ received: number }> {
    const upload = this.uploads.get(id);
    if (!upload || !upload.handle) throw new UploadError('not-found', 'No such upload (it may have expired).');
    const end = offset + bytes.byteLength;
    if (end > upload.size) throw new UploadError('invalid-input', 'More bytes than the file’s announced size.');
    if (offset < upload.received || end > upload.received + this.windowBytes) {
      throw new UploadError('invalid-input', `Expected a chunk from ${upload.received} to ${upload.received + this.windowBytes}, got ${offset} to ${end}.`);
    }
    for (const [start, chunk] of upload.ahead) {
      if (offset < chunk.end && start < end) throw new UploadError('invalid-input', `The chunk at ${offset} overlaps the one at ${start}.`);
    }
    if (bytes.byteLength === 0) return { received: upload.received };
    const entry = { end, written: false };
    upload.ahead.set(offset, entry);
    const handle = upload.handle;
    try {
      await handle.write(bytes, 0, bytes.byteLength, offset);
    } catch (e) {
      // Cancelled meanwhile (its file closed under this write): nothing went wrong with the disk.
      if (this.uploads.get(id) !== upload) throw new UploadError('not-found', 'The upload was cancelled.');
      await this.cancel(id);
      throw new UploadError('write-failed', describeDiskError(e, 'the temporary folder').message);
    }
    if (this.uploads.get(id) !== upload) throw new UploadError('not-found', 'The upload was cancelled.');
    entry.written = true;
    // Move past every chunk that now follows on from the bytes in order.
    for (let next = upload.ahead.get(upload.received); next?.written; next = upload.ahead.get(upload.received)) {
      upload.ahead.delete(upload.received);
      upload.received = next.end;
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
    if (upload.ahead.size > 0 || upload.received !== upload.size) throw new UploadError('invalid-input', `Only ${upload.received} of ${upload.size} bytes arrived.`);
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
