/**
 * Turns what the user chose into my display picture (issue 10): a file (PNG, JPEG, GIF or BMP),
 * decoded by the browser, cropped to its centred square and scaled to 96x96; or a built-in picture
 * drawn at 96x96. Both are sent as PNG (base64), which the backend checks again.
 */
import { MY_PICTURE_SIDE } from '../../../shared/ipc';

export const PICTURE_FILE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/bmp'] as const;
/** What a file chooser offers (and what a dropped file's name may end with). */
export const PICTURE_FILE_ACCEPT = '.png,.jpg,.jpeg,.gif,.bmp,image/png,image/jpeg,image/gif,image/bmp';
/** A picture file larger than this is refused before decoding (the result is 96x96 anyway). */
export const MAX_PICTURE_FILE_BYTES = 20 * 1024 * 1024;

export class PictureError extends Error {}

/** A PNG (base64) of `width` x `height` drawn by `draw`. */
export function canvasPng(draw: (ctx: CanvasRenderingContext2D) => void, width: number = MY_PICTURE_SIDE, height: number = width): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new PictureError('This window cannot draw pictures.');
  ctx.imageSmoothingQuality = 'high';
  draw(ctx);
  // A data URL of a PNG: the base64 after the comma is what the command takes.
  const url = canvas.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}

/**
 * A picture file the user chose, checked (type, size) and decoded by the browser; throws a
 * PictureError with a message for the user. The caller closes the bitmap.
 */
export async function decodePictureFile(file: File): Promise<ImageBitmap> {
  const unreadable = `"${file.name}" is not a picture Monarch can use. Choose a PNG, JPEG, GIF or BMP image.`;
  if (file.type !== '' && !(PICTURE_FILE_TYPES as readonly string[]).includes(file.type)) throw new PictureError(unreadable);
  if (file.size === 0) throw new PictureError(unreadable);
  if (file.size > MAX_PICTURE_FILE_BYTES) throw new PictureError(`"${file.name}" is too large (at most ${MAX_PICTURE_FILE_BYTES / 1024 / 1024} MB).`);
  let bitmap: ImageBitmap;
  try {
    // Decodes by content, not by name: a text file called .png does not decode.
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PictureError(unreadable);
  }
  if (bitmap.width === 0 || bitmap.height === 0) {
    bitmap.close();
    throw new PictureError(unreadable);
  }
  return bitmap;
}

/** A picture file → 96x96 PNG (base64); throws a PictureError with a message for the user. */
export async function pictureFromFile(file: File): Promise<string> {
  const bitmap = await decodePictureFile(file);
  try {
    const side = Math.min(bitmap.width, bitmap.height);
    const sx = (bitmap.width - side) / 2;
    const sy = (bitmap.height - side) / 2;
    return canvasPng((ctx) => ctx.drawImage(bitmap, sx, sy, side, side, 0, 0, MY_PICTURE_SIDE, MY_PICTURE_SIDE));
  } finally {
    bitmap.close();
  }
}

/** One of our SVG pictures → 96x96 PNG (base64). */
export async function pictureFromSvg(svgText: string): Promise<string> {
  const img = new Image(MY_PICTURE_SIDE, MY_PICTURE_SIDE);
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  try {
    await img.decode();
  } catch {
    throw new PictureError('The picture could not be drawn.');
  }
  return canvasPng((ctx) => ctx.drawImage(img, 0, 0, MY_PICTURE_SIDE, MY_PICTURE_SIDE));
}
