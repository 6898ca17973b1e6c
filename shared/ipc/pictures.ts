/**
 * Display pictures across IPC (issue 10): what a window may send as my picture, and the pictures
 * windows show. Pictures reach a window only as `data:` URLs of PNG, JPEG, GIF or BMP (the backend
 * sniffs the bytes); never SVG or HTML from peers, and the CSP (`img-src 'self' data:`) stays.
 */
import { z } from 'zod';

/** The built-in pictures we draw ourselves (renderer/components/pictures), by id. */
export const BUILTIN_PICTURE_IDS = ['butterfly', 'sunflower', 'robot', 'cat', 'planet', 'guitar'] as const;
export type BuiltinPictureId = (typeof BUILTIN_PICTURE_IDS)[number];

/** The page crops and scales every picture to this square before sending it (issue 10). */
export const MY_PICTURE_SIDE = 96;
/**
 * My picture as sent by a window: a 96x96 PNG, at most this many bytes. An uncompressed 96x96 RGBA
 * PNG is about 37 KB, so this is room enough, and its base64 fits the web host's 64 KB frame.
 */
export const MAX_MY_PICTURE_BYTES = 45 * 1024;
/** The base64 of the 8-byte PNG signature (89 50 4E 47 0D 0A 1A 0A) starts with this. */
const PNG_BASE64_PREFIX = 'iVBORw0KGgo';

const pngBase64 = z
  .string()
  .max(Math.ceil(MAX_MY_PICTURE_BYTES / 3) * 4, `a display picture must be at most ${MAX_MY_PICTURE_BYTES / 1024} KB`)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64')
  .refine((s) => s.startsWith(PNG_BASE64_PREFIX), 'a PNG image');

export const myPictureInputSchema = z.discriminatedUnion('kind', [
  /** A picture the page made: from a file, or a built-in one (`builtin` says which, for the chooser). */
  z.object({ kind: z.literal('png'), data: pngBase64, builtin: z.enum(BUILTIN_PICTURE_IDS).optional() }).strict(),
  /** No picture: everyone sees the default one. */
  z.object({ kind: z.literal('none') }).strict(),
]);
export type MyPictureInput = z.output<typeof myPictureInputSchema>;

/** A picture as windows get it: a `data:` URL of one of these types only. */
export const PICTURE_DATA_URL = /^data:image\/(?:png|jpeg|gif|bmp);base64,[A-Za-z0-9+/]+={0,2}$/;
export function isPictureDataUrl(s: string): boolean {
  return PICTURE_DATA_URL.test(s);
}

/** My picture as windows see it. */
export interface MyPictureInfo {
  readonly dataUrl: string;
  /** Which built-in picture it is, if it is one. */
  readonly builtin: BuiltinPictureId | null;
}
