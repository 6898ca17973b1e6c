/**
 * What kind of image a peer's bytes are, by their magic numbers only (MSNP-P2P.md §12): PNG, JPEG,
 * GIF and BMP are the formats a display picture may be; anything else (SVG, HTML, a renamed file)
 * is refused whatever its MSNObject or file name says, so nothing but these four ever reaches an
 * image decoder.
 */
export type PictureMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/bmp';

export function sniffPicture(bytes: Uint8Array): PictureMime | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return 'image/png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  // GIF87a / GIF89a
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38 && (b(4) === 0x37 || b(4) === 0x39) && b(5) === 0x61) return 'image/gif';
  // BMP: "BM" and a file size field that is not absurd (a text file starting "BM…" is not a bitmap).
  if (b(0) === 0x42 && b(1) === 0x4d && bytes.length >= 26) {
    const declared = b(2) | (b(3) << 8) | (b(4) << 16) | (b(5) << 24);
    const dataOffset = b(10) | (b(11) << 8) | (b(12) << 16) | (b(13) << 24);
    if (declared >>> 0 <= bytes.length + 16 && dataOffset >= 26 && dataOffset < bytes.length) return 'image/bmp';
  }
  return undefined;
}

/** Display pictures and their data are capped at 1 MB (issue 10; §12). */
export const MAX_PICTURE_BYTES = 1024 * 1024;
