/**
 * The `Context` of a P2P file-transfer INVITE (MSNP-P2P.md §7.2): a 574-byte little-endian
 * structure, base64-encoded in the INVITE body, optionally followed by a PNG preview.
 *
 *   off 0 u32 length (574)   4 u32 version (2)   8 u64 file size   16 u32 type (0 = preview follows, 1 = none)
 *   off 20 520 bytes name, UTF-16LE, NUL-padded (≤ 260 code units)   540 30 reserved zeros   570 u32 FF FF FF FF
 *   off 574 (or the length field, for version 3) … preview
 *
 * Readers (§7.2): the name up to the first `00 00`, size from offset 8, versions 2 and 3 (WLM 8.5+
 * sends 638 bytes), the preview only when type is 0 and bytes remain, capped at 64 KiB (§12). The
 * name and size are the sender's claims, returned untouched: sanitising the name is the caller's
 * job, and the size is advisory (the receiver counts bytes itself).
 */
import { base64Decode, base64Encode } from '../bytes';
import { codecError, type CodecError } from '../errors';

export const FILE_CONTEXT_LENGTH = 574;
const NAME_OFFSET = 20;
const NAME_BYTES = 520;
/** Windows MAX_PATH, the most UTF-16 code units the name field holds (§7.2). */
export const FILE_CONTEXT_MAX_NAME_UNITS = NAME_BYTES / 2;
/** §12: previews are untrusted; larger ones are dropped. */
export const FILE_CONTEXT_MAX_PREVIEW = 64 * 1024;

export interface FileContext {
  /** 2 (what we send) or 3 (WLM 8.5/2009). */
  readonly version: number;
  readonly size: number;
  /** As sent (may hold paths, `..`, control characters). */
  readonly name: string;
  readonly preview?: Uint8Array;
}

/**
 * Encode a version-2 context. A name longer than 260 UTF-16 code units is shortened from the
 * middle, keeping its extension; a preview over 64 KiB is left out.
 */
export function encodeFileContext(c: { readonly name: string; readonly size: number; readonly preview?: Uint8Array | undefined }): Uint8Array {
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`file size ${c.size} is not a non-negative safe integer`);
  const preview = c.preview !== undefined && c.preview.length > 0 && c.preview.length <= FILE_CONTEXT_MAX_PREVIEW ? c.preview : undefined;
  const out = new Uint8Array(FILE_CONTEXT_LENGTH + (preview?.length ?? 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, FILE_CONTEXT_LENGTH, true);
  v.setUint32(4, 2, true);
  v.setUint32(8, c.size % 0x1_0000_0000, true);
  v.setUint32(12, Math.floor(c.size / 0x1_0000_0000), true);
  v.setUint32(16, preview !== undefined ? 0 : 1, true);
  const name = fitName(c.name);
  for (let i = 0; i < name.length; i++) v.setUint16(NAME_OFFSET + 2 * i, name.charCodeAt(i), true);
  v.setUint32(570, 0xffffffff, true);
  if (preview !== undefined) out.set(preview, FILE_CONTEXT_LENGTH);
  return out;
}

function fitName(name: string): string {
  if (name.length <= FILE_CONTEXT_MAX_NAME_UNITS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let head = name.slice(0, FILE_CONTEXT_MAX_NAME_UNITS - ext.length);
  // Do not leave half a surrogate pair at the cut.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return head + ext;
}

/** Decode a context's bytes. Errors: too short for the name field, a version other than 2 or 3, a size beyond 2^53. */
export function decodeFileContext(bytes: Uint8Array): FileContext | CodecError {
  if (bytes.length < NAME_OFFSET + 2) return codecError('BAD_PAYLOAD', `file context of ${bytes.length} bytes is too short`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declaredLength = v.getUint32(0, true);
  const version = v.getUint32(4, true);
  if (version !== 2 && version !== 3) return codecError('BAD_PAYLOAD', `file context version ${version} is not 2 or 3`);
  const lo = v.getUint32(8, true);
  const hi = v.getUint32(12, true);
  if (hi > 0x1fffff) return codecError('BAD_PAYLOAD', 'file size beyond 2^53');
  const size = hi * 0x1_0000_0000 + lo;
  const type = v.getUint32(16, true);
  const nameEnd = Math.min(bytes.length, NAME_OFFSET + NAME_BYTES);
  let name = '';
  for (let at = NAME_OFFSET; at + 1 < nameEnd; at += 2) {
    const unit = v.getUint16(at, true);
    if (unit === 0) break;
    name += String.fromCharCode(unit);
  }
  // §7.2: the preview starts at the length field's offset (≥ 574), when type says there is one.
  const previewAt = Math.max(FILE_CONTEXT_LENGTH, declaredLength);
  let preview: Uint8Array | undefined;
  if (type === 0 && previewAt < bytes.length && bytes.length - previewAt <= FILE_CONTEXT_MAX_PREVIEW) preview = bytes.slice(previewAt);
  return { version, size, name, ...(preview !== undefined ? { preview } : {}) };
}

/** `Context:` value: base64 of the structure. */
export function encodeFileContextBase64(c: Parameters<typeof encodeFileContext>[0]): string {
  return base64Encode(encodeFileContext(c));
}

/** From a `Context:` value (padding restored when a client left it off, §4.3). */
export function decodeFileContextBase64(context: string): FileContext | CodecError {
  const s = context.trim();
  const bytes = base64Decode(s + '='.repeat((4 - (s.length % 4)) % 4));
  if (bytes === undefined) return codecError('BAD_PAYLOAD', 'file context is not base64');
  return decodeFileContext(bytes);
}
