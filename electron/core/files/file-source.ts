/**
 * What the client core sends from (`FileSource`, issue 11): a file on disk, read as the transfer
 * goes (a stream with backpressure; a file is never held in memory whole). The size is taken once,
 * when the offer is made, and never more than that is read, so a file that grows meanwhile still
 * matches its announced size (one that shrinks ends as `size-mismatch` in the carrier).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { FileSource } from '../msn/files/types';

/** Read in chunks of this size (the carriers cut their own packets from them). */
const READ_CHUNK = 64 * 1024;

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** A regular file at `path`, announced as `name` (default: its base name). */
export async function fileSourceFromPath(path: string, name: string = basename(path)): Promise<FileSource & { readonly path: string }> {
  let size: number;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw new SourceError(`${basename(path)} is not a file.`);
    size = st.size;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SourceError(
      code === 'ENOENT' ? `${basename(path)} does not exist any more.` : code === 'EACCES' || code === 'EPERM' ? `Monarch may not read ${basename(path)}.` : `${basename(path)} cannot be read.`,
    );
  }
  return {
    path,
    name,
    size,
    open(offset = 0): AsyncIterable<Uint8Array> {
      if (offset >= size) return (async function* () {})();
      return createReadStream(path, { start: offset, end: size - 1, highWaterMark: READ_CHUNK }) as AsyncIterable<Uint8Array>;
    },
  };
}
