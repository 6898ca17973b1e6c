/**
 * The contract over a WebSocket (the web host, ARCHITECTURE.md §1): JSON text frames.
 * Client → host: `{ id, command, input }`. Host → client: `{ id, result }` or `{ event }`.
 */
import { z } from 'zod';
import type { SequencedEvent } from './contract';
import type { Result } from './result';

/** Bounds a frame from the browser; the largest command (a message) is far below it. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

export const clientFrameSchema = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    command: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type HostFrame = { readonly id: number; readonly result: Result<unknown> } | { readonly event: SequencedEvent };

/** The WebSocket path on the web host. */
export const WS_PATH = '/ws';
