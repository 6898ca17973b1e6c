/**
 * File transfer across IPC (issue 11): what a window may ask (send, accept, decline, cancel, and in
 * web mode stream a file's bytes to the host), and the transfers windows see. One definition for
 * the desktop IPC and the web host's WebSocket (ARCHITECTURE.md §5).
 *
 * A window never names a path on its own: the desktop preload turns a dropped or picked `File`
 * into a path with `webUtils.getPathForFile` and keeps the page from passing any other (it sends
 * only paths it resolved itself); the web host refuses paths altogether, and the page streams the
 * file instead (`beginFileUpload`, `uploadFileChunk`, then `sendFile` with the upload's id).
 */
import { z } from 'zod';

/**
 * One chunk of a streamed file, in bytes. Its base64 (4/3 of it) with the frame's JSON fits the
 * web host's 64 KB frame with room to spare (checked in files.test.ts).
 */
export const MAX_UPLOAD_CHUNK_BYTES = 32 * 1024;
/**
 * A page may have this many chunks of one upload on their way at once (the host's window: a chunk
 * must start at or after the bytes that arrived in order and end within this many chunks of them).
 * One at a time, each chunk waited for the round trip of the one before (~150–300 KB/s); a window
 * keeps the WebSocket busy while bounding what either side holds to this many chunks per upload.
 */
export const MAX_UPLOAD_CHUNKS_IN_FLIGHT = 8;
/** A name as the page gives it (the host reduces it to a safe base name anyway). */
export const MAX_SENT_FILE_NAME = 1024;
/** Paths as the OS gives them (Windows' long paths reach 32,767 UTF-16 units). */
export const MAX_PATH_CHARS = 32_767;
/** Sizes up to this (8 PB) cross as exact integers; both carriers take 64-bit sizes. */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

const id = z.string().min(1).max(200);
const handle = z
  .email()
  .max(129)
  .transform((s) => s.toLowerCase());
const transferId = z.object({ transferId: id }).strict();

const base64Chunk = z
  .string()
  .max(Math.ceil(MAX_UPLOAD_CHUNK_BYTES / 3) * 4, `a chunk is at most ${MAX_UPLOAD_CHUNK_BYTES / 1024} KB`)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64');

/** What to send: a path (desktop, resolved by the preload) or a finished upload (web mode). */
export const fileToSendSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('path'),
      path: z
        .string()
        .min(1)
        .max(MAX_PATH_CHARS)
        .refine((p) => !p.includes('\u0000'), 'a path without NUL'),
    })
    .strict(),
  z.object({ kind: z.literal('upload'), uploadId: id }).strict(),
]);
export type FileToSend = z.output<typeof fileToSendSchema>;

/** The file commands of the contract (spread into contract.ts). */
export const fileCommandInputs = {
  sendFile: z.object({ conversationId: id, handle, file: fileToSendSchema }).strict(),
  beginFileUpload: z
    .object({
      name: z.string().min(1).max(MAX_SENT_FILE_NAME),
      size: z.number().int().min(0).max(MAX_FILE_SIZE),
    })
    .strict(),
  uploadFileChunk: z.object({ uploadId: id, offset: z.number().int().min(0).max(MAX_FILE_SIZE), data: base64Chunk }).strict(),
  cancelFileUpload: z.object({ uploadId: id }).strict(),
  acceptFile: transferId,
  acceptFileAs: transferId,
  declineFile: transferId,
  cancelFile: transferId,
  openReceivedFile: transferId,
  showReceivedFile: transferId,
  fileDownloadLink: transferId,
} as const;

export const TRANSFER_STATES = ['offered', 'waiting', 'connecting', 'transferring', 'completed', 'declined', 'cancelled', 'failed'] as const;
export type TransferStateInfo = (typeof TRANSFER_STATES)[number];
export const FINAL_TRANSFER_STATE_INFOS: ReadonlySet<TransferStateInfo> = new Set(['completed', 'declined', 'cancelled', 'failed']);

export type TransferEndReasonInfo =
  | 'declined'
  | 'cancelled-by-me'
  | 'cancelled-by-peer'
  | 'peer-gone'
  | 'timeout'
  | 'size-mismatch'
  | 'too-large'
  | 'write-failed'
  | 'read-failed'
  | 'not-supported'
  | 'protocol-error';

/** One transfer as windows see it (plain data). */
export interface TransferView {
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly protocol: 'p2p' | 'msnftp';
  /** The other person's handle. */
  readonly peer: string;
  readonly conversationId: string | null;
  /** The name as announced (untrusted for incoming: shown as text only). */
  readonly name: string;
  readonly size: number;
  readonly state: TransferStateInfo;
  readonly bytes: number;
  readonly reason: TransferEndReasonInfo | null;
  readonly detail: string | null;
  /** The sender's preview (incoming), only as a PNG or JPEG `data:` URL, else null. */
  readonly preview: string | null;
  /** Incoming, completed: the name the file got in its folder (after " (n)"). */
  readonly savedName: string | null;
  /** Completed incoming files: Open / Show in folder (desktop) or a download link (web). */
  readonly canOpen: boolean;
  /** Opening would run the file (an executable): Open shows it in its folder instead. */
  readonly executable: boolean;
  /** When bytes started moving (epoch ms; set by the projection). */
  readonly startedAt: number | null;
  /** When `bytes` was last reported (epoch ms; set by the projection). */
  readonly progressAt: number | null;
}

/** What a window is told about transfers. */
export interface TransferEventMap {
  /** A transfer appeared or changed state (or any field but the byte count). */
  'transfer.changed': { readonly transfer: Omit<TransferView, 'startedAt' | 'progressAt'> };
  /** Bytes moved (at most a few times a second per transfer). */
  'transfer.progress': { readonly id: string; readonly bytes: number };
}
