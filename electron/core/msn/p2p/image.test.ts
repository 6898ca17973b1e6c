import { describe, expect, it } from 'vitest';
import { sniffPicture } from './image';

const bytes = (...b: number[]): Uint8Array => new Uint8Array([...b, ...new Array<number>(40).fill(0)]);

describe('sniffPicture', () => {
  it('knows PNG, JPEG, GIF and BMP by their magic bytes', () => {
    expect(sniffPicture(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffPicture(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffPicture(new TextEncoder().encode('GIF89a' + ' '.repeat(20)))).toBe('image/gif');
    const bmp = new Uint8Array(60);
    bmp.set([0x42, 0x4d, 60, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0]);
    expect(sniffPicture(bmp)).toBe('image/bmp');
  });

  it('refuses SVG, HTML, text that starts like a bitmap, and nothing', () => {
    for (const s of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<!DOCTYPE html><script>alert(1)</script>', 'BMW is a car maker, not a bitmap at all', '']) {
      expect(sniffPicture(new TextEncoder().encode(s))).toBeUndefined();
    }
  });
});
