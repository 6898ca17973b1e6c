/**
 * Turns a picture file into one of my emoticons' images (issue 10): PNG, JPEG, GIF or BMP,
 * decoded by the browser (by content, not by name). A file that is already small (at most 19x19
 * and 16 KB) is kept as it is, so an animated GIF keeps its frames; anything larger is scaled to
 * fit 19x19 (proportions kept) and sent as a PNG. The backend checks the bytes again.
 */
import { EMOTICON_SIDE, MAX_MY_EMOTICON_BYTES } from '../../../shared/ipc';
import { canvasPng, decodePictureFile } from '../pictures/make-picture';

export { PICTURE_FILE_ACCEPT as EMOTICON_FILE_ACCEPT, PictureError as EmoticonError } from '../pictures/make-picture';

/** The image type of an emoticon's base64 (by the signature it starts with). */
export function imageMimeOf(data: string): string {
  if (data.startsWith('/9j/')) return 'image/jpeg';
  if (data.startsWith('R0lGOD')) return 'image/gif';
  if (data.startsWith('Qk')) return 'image/bmp';
  return 'image/png';
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The largest size within side x side with the picture's proportions (at least 1 px each way). */
export function fitWithin(width: number, height: number, side: number = EMOTICON_SIDE): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A picture file → the emoticon image (base64); throws a PictureError with a message for the user. */
export async function emoticonFromFile(file: File): Promise<string> {
  const bitmap = await decodePictureFile(file);
  try {
    if (bitmap.width <= EMOTICON_SIDE && bitmap.height <= EMOTICON_SIDE && file.size <= MAX_MY_EMOTICON_BYTES) {
      return base64(new Uint8Array(await file.arrayBuffer()));
    }
    const size = fitWithin(bitmap.width, bitmap.height);
    return canvasPng((ctx) => ctx.drawImage(bitmap, 0, 0, size.width, size.height), size.width, size.height);
  } finally {
    bitmap.close();
  }
}
