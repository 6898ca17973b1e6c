/**
 * Custom emoticons across IPC (issue 10): what a window may send as one of my emoticons, and the
 * emoticons windows show. Like display pictures, images reach a window only as `data:` URLs of
 * PNG, JPEG, GIF or BMP (the backend sniffs the bytes); never SVG or HTML from peers, and the CSP
 * (`img-src 'self' data:`) stays.
 */
import { z } from 'zod';

/** The classic client's shortcut limit (MSNP-P2P.md §6; the client core checks it again). */
export const MAX_EMOTICON_SHORTCUT = 7;
/** The side the page scales a larger image down to (the classic client's 19x19). */
export const EMOTICON_SIDE = 19;
/**
 * One of my emoticons as sent by a window: the image file as it was when already small (an
 * animated GIF keeps its frames), else the page's 19x19 PNG. Its base64 fits a web-host frame.
 */
export const MAX_MY_EMOTICON_BYTES = 16 * 1024;
/** Emoticons one account may define (each travels in every snapshot). */
export const MAX_MY_EMOTICONS = 64;

/**
 * Base64 openings of the four image signatures (PNG 89 50 4E 47 0D 0A 1A 0A, JPEG FF D8 FF,
 * GIF87a / GIF89a, BMP "BM"): a first check at the boundary; the backend sniffs the bytes again.
 */
const IMAGE_BASE64_PREFIXES = ['iVBORw0KGgo', '/9j/', 'R0lGODdh', 'R0lGODlh', 'Qk'] as const;

const imageBase64 = z
  .string()
  .max(Math.ceil(MAX_MY_EMOTICON_BYTES / 3) * 4, `an emoticon image must be at most ${MAX_MY_EMOTICON_BYTES / 1024} KB`)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64')
  .refine((s) => IMAGE_BASE64_PREFIXES.some((p) => s.startsWith(p)), 'a PNG, JPEG, GIF or BMP image');

/**
 * A shortcut: 1 to 7 characters (counted as the user sees them, by code point), no control
 * characters (the announcement separates items with tabs, MSNP-P2P.md §6.1), no leading or
 * trailing space (it would never match what people type).
 */
export const emoticonShortcutSchema = z
  .string()
  .min(1, 'a shortcut is 1 to 7 characters')
  .refine((s) => [...s].length <= MAX_EMOTICON_SHORTCUT, `a shortcut is 1 to ${MAX_EMOTICON_SHORTCUT} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a shortcut has no tabs, line breaks or control characters')
  .refine((s) => s.trim() === s, 'a shortcut does not start or end with a space');

export const myEmoticonInputSchema = z.object({ shortcut: emoticonShortcutSchema, data: imageBase64 }).strict();
export type MyEmoticonInput = z.output<typeof myEmoticonInputSchema>;

/** My emoticon as windows see it. */
export interface MyEmoticonInfo {
  readonly shortcut: string;
  /** Its SHA1D (base64 SHA-1 of the image), as peers see it in the MSNObject. */
  readonly sha1d: string;
  readonly dataUrl: string;
}

/** A contact's emoticon as announced: which shortcut stands for which image (by SHA1D). */
export interface AnnouncedEmoticonInfo {
  readonly shortcut: string;
  readonly sha1d: string;
}
