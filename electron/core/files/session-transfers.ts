/**
 * The app's side of file transfer for one signed-in session (issue 11): between the client core's
 * `client.files` and the windows.
 *
 * - Projects the core's transfers to windows (`transfer.changed` on every state change,
 *   `transfer.progress` at most every `PROGRESS_INTERVAL_MS` per transfer).
 * - Declines offers above the user's maximum size at once, shown as `too-large`.
 * - Accepting opens a `DownloadSink` in the download folder (or where the user chose with
 *   "Save as..."), which is where the safe name, the partial file and "never overwrite" live.
 * - Sends from a `FileSource` (a path, or a web upload whose temporary file goes when the
 *   transfer ends).
 * - Knows where each received file went: Open / Show in folder (desktop, through the shell's
 *   port) and the web host's download links (an unguessable token per file).
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { TransferView } from '../../../shared/ipc/files';
import type { AppEvent } from '../../../shared/ipc/events';
import { FINAL_TRANSFER_STATES, type FileSource, type FileTransfers, type TransferId, type TransferInfo } from '../msn/files/types';
import { DownloadSink } from './download-sink';
import { isExecutableName, safeFileName } from './safe-name';

/** Windows hear of bytes moving at most this often per transfer. */
export const PROGRESS_INTERVAL_MS = 250;
/** A preview larger than this is not forwarded. */
const MAX_PREVIEW_BYTES = 64 * 1024;

/** What only the desktop shell can do with files (Electron's dialog and shell modules). */
export interface FileShellPort {
  /** The native Save As dialog, opening at `folder/suggestedName`; null when the user cancelled. */
  chooseSavePath(suggestedName: string, folder: string): Promise<string | null>;
  /** Opens the file with its default application. */
  openPath(path: string): Promise<void>;
  /** Shows the file selected in the system's file manager. */
  showInFolder(path: string): void;
}

export class TransferCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransferCommandError';
  }
}

/** What a transfer line in the history says (issue 11: "You sent report.pdf (1.2 MB)"). */
export interface TransferLogLine {
  readonly transfer: TransferInfo;
  readonly conversationId: string | undefined;
  readonly text: string;
}

export interface SessionTransfersOptions {
  readonly files: FileTransfers;
  emit(e: AppEvent): void;
  /** The files preferences now (download folder, ask where to save, maximum size). */
  preferences(): { readonly downloadFolder: string; readonly askWhereToSave: boolean; readonly maxAcceptMB: number };
  /** The folder received files go to now (the preference resolved against the user's Downloads). */
  downloadFolder(): string;
  readonly shell: FileShellPort | null;
  /** A web upload's temporary file is no longer needed. */
  releaseStaged?(path: string): void;
  /** A contact's friendly name (for the history lines). */
  nameOf(handle: string): string;
  /** A finished transfer, as a line for the history. */
  log?(line: TransferLogLine): void;
  /**
   * An incoming offer must be seen: when it names no conversation on show (a P2P offer may come on
   * a switchboard the user never saw), this gives the conversation with its sender to show it in,
   * opening one if needed, as MSN opens a conversation window for an offer; null = where it is.
   */
  placeOffer?(t: TransferInfo): Promise<string | null>;
  /**
   * An offer waiting for the user's answer, in the conversation it shows in: it asks for the same
   * attention as a message (sound, notification, taskbar flash, unread; electron/core/attention).
   */
  attend?(offer: { readonly conversationId: string; readonly handle: string; readonly fileName: string; readonly sizeText: string }): void;
  now(): number;
}

/** "1.2 MB", "532 KB", "17 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** The preview as a `data:` URL when its bytes are a PNG or a JPEG, else null. */
function previewDataUrl(bytes: Uint8Array | undefined): string | null {
  if (!bytes || bytes.byteLength < 8 || bytes.byteLength > MAX_PREVIEW_BYTES) return null;
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 && bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) return null;
  return `data:image/${png ? 'png' : 'jpeg'};base64,${Buffer.from(bytes).toString('base64')}`;
}

export class SessionTransfers {
  private readonly sinks = new Map<TransferId, DownloadSink>();
  private readonly saved = new Map<TransferId, string>();
  private readonly tooLarge = new Set<TransferId>();
  private readonly staged = new Map<TransferId, string>();
  private readonly lastProgress = new Map<TransferId, number>();
  private readonly downloadTokens = new Map<string, TransferId>();
  private readonly tokenOf = new Map<TransferId, string>();
  private readonly logged = new Set<TransferId>();
  /** Offers shown in a conversation other than the one the core named (see `placeOffer`). */
  private readonly shownIn = new Map<TransferId, string>();
  private readonly unsubscribe: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly options: SessionTransfersOptions) {
    const { events } = options.files;
    this.unsubscribe.push(
      events.on('offered', (t) => this.offered(t)),
      events.on('updated', (t) => this.updated(t)),
      events.on('progress', (p) => this.progress(p.id, p.bytes)),
    );
  }

  /** The transfer as windows see it. */
  view(t: TransferInfo): Omit<TransferView, 'startedAt' | 'progressAt'> {
    const saved = this.saved.get(t.id);
    const tooLarge = this.tooLarge.has(t.id) && t.state === 'declined';
    return {
      id: t.id,
      direction: t.direction,
      protocol: t.protocol,
      peer: t.peer,
      conversationId: this.shownIn.get(t.id) ?? t.conversationId ?? null,
      name: t.name,
      size: t.size,
      state: t.state,
      bytes: t.bytes,
      reason: tooLarge ? 'too-large' : (t.reason ?? null),
      detail: tooLarge ? `Larger than the ${this.options.preferences().maxAcceptMB} MB you accept.` : (t.detail ?? null),
      preview: previewDataUrl(t.preview),
      savedName: saved ? basename(saved) : null,
      canOpen: saved !== undefined,
      executable: isExecutableName(saved ?? safeFileName(t.name)),
    };
  }

  private emitChanged(t: TransferInfo): void {
    this.options.emit({ type: 'transfer.changed', transfer: this.view(t) });
  }

  private offered(t: TransferInfo): void {
    if (this.disposed) return;
    this.emitChanged(t);
    const limitMB = this.options.preferences().maxAcceptMB;
    if (limitMB > 0 && t.size > limitMB * 1024 * 1024) {
      this.tooLarge.add(t.id);
      this.options.files.decline(t.id);
    }
    const placed = this.options.placeOffer?.(t) ?? Promise.resolve(null);
    placed
      .then((conversationId) => {
        if (this.disposed) return;
        if (conversationId !== null) {
          this.shownIn.set(t.id, conversationId);
          this.emitChanged(this.options.files.get(t.id) ?? t);
        }
        this.attendTo(t.id);
      })
      .catch((err: unknown) => {
        console.warn(`File transfer: could not open a conversation for an offer: ${(err as Error).message}`);
        this.attendTo(t.id);
      });
  }

  /** Once the offer shows where it will be answered, and only if it still waits for an answer. */
  private attendTo(id: TransferId): void {
    const t = this.options.files.get(id);
    if (!this.options.attend || this.disposed || t === undefined || t.state !== 'offered') return;
    const conversationId = this.shownIn.get(id) ?? t.conversationId;
    if (conversationId === undefined) return;
    this.options.attend({ conversationId, handle: t.peer, fileName: t.name, sizeText: formatSize(t.size) });
  }

  private updated(t: TransferInfo): void {
    if (this.disposed) return;
    if (FINAL_TRANSFER_STATES.has(t.state)) {
      const sink = this.sinks.get(t.id);
      this.sinks.delete(t.id);
      if (t.state === 'completed' && sink?.savedPath) this.saved.set(t.id, sink.savedPath);
      // The core aborts the sink itself; once more is harmless (abort never throws).
      else if (sink) void sink.abort(t.reason ?? 'cancelled-by-me');
      const staged = this.staged.get(t.id);
      if (staged) {
        this.staged.delete(t.id);
        this.options.releaseStaged?.(staged);
      }
      this.lastProgress.delete(t.id);
      this.log(t);
    }
    this.emitChanged(t);
  }

  private progress(id: TransferId, bytes: number): void {
    if (this.disposed) return;
    const now = this.options.now();
    const last = this.lastProgress.get(id);
    if (last !== undefined && now - last < PROGRESS_INTERVAL_MS) return;
    this.lastProgress.set(id, now);
    this.options.emit({ type: 'transfer.progress', id, bytes });
  }

  private log(t: TransferInfo): void {
    if (!this.options.log || this.logged.has(t.id)) return;
    this.logged.add(t.id);
    const text = this.lineFor(t);
    if (text) this.options.log({ transfer: t, conversationId: t.conversationId, text });
  }

  /** The history line for a finished transfer. */
  lineFor(t: TransferInfo): string | null {
    const name = safeFileName(t.name);
    const size = formatSize(t.size);
    const them = this.options.nameOf(t.peer);
    const out = t.direction === 'outgoing';
    switch (t.state) {
      case 'completed':
        return out ? `You sent ${name} (${size}) to ${them}.` : `You received ${name} (${size}) from ${them}.`;
      case 'declined':
        if (this.tooLarge.has(t.id)) return `${name} (${size}) from ${them} was declined: it is larger than you accept.`;
        return out ? `${them} declined ${name} (${size}).` : `You declined ${name} (${size}) from ${them}.`;
      case 'cancelled':
        return t.reason === 'cancelled-by-peer' ? `${them} cancelled the transfer of ${name}.` : `You cancelled the transfer of ${name}.`;
      case 'failed':
        return `The transfer of ${name} ${out ? 'to' : 'from'} ${them} failed${t.detail ? `: ${t.detail}` : '.'}`;
      default:
        return null;
    }
  }

  /** Offers `source` to `peer`; the staged web upload at `stagedPath` goes when the transfer ends. */
  async send(peer: string, conversationId: string, source: FileSource, stagedPath?: string): Promise<TransferId> {
    let info: TransferInfo;
    try {
      info = await this.options.files.send(peer, source, { conversationId });
    } catch (e) {
      if (stagedPath) this.options.releaseStaged?.(stagedPath);
      throw e;
    }
    if (stagedPath) {
      if (FINAL_TRANSFER_STATES.has(this.options.files.get(info.id)?.state ?? info.state)) this.options.releaseStaged?.(stagedPath);
      else this.staged.set(info.id, stagedPath);
    }
    this.emitChanged(this.options.files.get(info.id) ?? info);
    return info.id;
  }

  private offer(id: TransferId): TransferInfo {
    const t = this.options.files.get(id);
    if (!t) throw new TransferCommandError('not-found', 'There is no such file transfer.');
    return t;
  }

  /** Accept into the download folder; with "ask where to save", the desktop asks first. */
  async accept(id: TransferId): Promise<void> {
    if (this.options.preferences().askWhereToSave && this.options.shell) return this.acceptAs(id);
    const t = this.offer(id);
    await this.acceptInto(t, this.options.downloadFolder(), t.name);
  }

  /** "Save as...": the desktop's Save As dialog; the browser client accepts into the folder. */
  async acceptAs(id: TransferId): Promise<void> {
    const t = this.offer(id);
    const shell = this.options.shell;
    if (!shell) return this.acceptInto(t, this.options.downloadFolder(), t.name);
    const chosen = await shell.chooseSavePath(safeFileName(t.name), this.options.downloadFolder());
    if (chosen === null) return; // the user changed their mind: the offer stays
    // The user picked the folder and name; the name still goes through the same rules, and an
    // existing file is still never overwritten (" (1)").
    await this.acceptInto(this.offer(id), dirname(chosen), basename(chosen));
  }

  private async acceptInto(t: TransferInfo, folder: string, name: string): Promise<void> {
    if (t.state !== 'offered') throw new TransferCommandError('not-offered', 'This file is no longer on offer.');
    let sink: DownloadSink;
    try {
      sink = await DownloadSink.create({ folder, announcedName: name, size: t.size });
    } catch (e) {
      throw new TransferCommandError('write-failed', (e as Error).message);
    }
    this.sinks.set(t.id, sink);
    try {
      await this.options.files.accept(t.id, sink);
    } catch (e) {
      this.sinks.delete(t.id);
      await sink.abort('cancelled-by-me');
      throw e;
    }
  }

  decline(id: TransferId): void {
    this.offer(id);
    this.options.files.decline(id);
  }

  cancel(id: TransferId): void {
    this.offer(id);
    this.options.files.cancel(id);
  }

  private savedPath(id: TransferId): string {
    const p = this.saved.get(id);
    if (!p) throw new TransferCommandError('not-found', 'This file has not been received.');
    return p;
  }

  /** Opens a received file; one the system would run is shown in its folder instead. */
  async open(id: TransferId): Promise<void> {
    const shell = this.requireShell();
    const path = this.savedPath(id);
    if (isExecutableName(path)) shell.showInFolder(path);
    else await shell.openPath(path);
  }

  showInFolder(id: TransferId): void {
    this.requireShell().showInFolder(this.savedPath(id));
  }

  private requireShell(): FileShellPort {
    if (!this.options.shell) throw new TransferCommandError('not-supported', 'Only the desktop app opens files.');
    return this.options.shell;
  }

  /** The web host's link for a received file: `/files/<token>` (token: 32 random bytes). */
  downloadLink(id: TransferId): string {
    this.savedPath(id);
    let token = this.tokenOf.get(id);
    if (!token) {
      token = randomBytes(32).toString('base64url');
      this.tokenOf.set(id, token);
      this.downloadTokens.set(token, id);
    }
    return `/files/${token}`;
  }

  /** What a download link's token stands for, or null. */
  resolveDownload(token: string): { path: string; name: string } | null {
    const id = this.downloadTokens.get(token);
    const path = id === undefined ? undefined : this.saved.get(id);
    return path ? { path, name: basename(path) } : null;
  }

  /** The session ended: unfinished downloads are removed, staged uploads released. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const off of this.unsubscribe) off();
    for (const sink of this.sinks.values()) void sink.abort('peer-gone');
    this.sinks.clear();
    for (const p of this.staged.values()) this.options.releaseStaged?.(p);
    this.staged.clear();
  }
}
