import { describe, expect, it } from 'vitest';
import { isCodecError } from '../errors';
import { FILE_CONTEXT_LENGTH, decodeFileContext, decodeFileContextBase64, encodeFileContext, encodeFileContextBase64 } from './file-context';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('P2P file context (MSNP-P2P.md §7.2)', () => {
  it('encodes the reference example byte for byte (notes.txt, 2500 bytes, no preview)', () => {
    const bytes = encodeFileContext({ name: 'notes.txt', size: 2500 });
    expect(bytes.length).toBe(FILE_CONTEXT_LENGTH);
    expect(hex(bytes.subarray(0, 38))).toBe('3e02000002000000c409000000000000010000006e006f007400650073002e00740078007400');
    expect(hex(bytes.subarray(38, 40))).toBe('0000');
    expect(hex(bytes.subarray(566))).toBe('00000000ffffffff');
    const b64 = encodeFileContextBase64({ name: 'notes.txt', size: 2500 });
    expect(b64.length).toBe(768);
    expect(b64.startsWith('PgIAAAIAAADECQAAAAAAAAEAAABuAG8AdABl')).toBe(true);
    expect(b64.endsWith('AAAA/////w==')).toBe(true);
  });

  it('round-trips names (untouched, hostile ones included), sizes beyond 4 GiB and a preview', () => {
    for (const name of ['a', '..\\..\\boot.ini', 'C:\\Users\\bob\\Desktop\\report.pdf', 'con.txt', 'tab\there', 'ünïcödé 😀.png', '/etc/passwd']) {
      const c = decodeFileContext(encodeFileContext({ name, size: 1 }));
      expect(c).toMatchObject({ name, size: 1, version: 2 });
    }
    expect(decodeFileContext(encodeFileContext({ name: 'big.iso', size: 5 * 2 ** 30 + 7 }))).toMatchObject({ size: 5 * 2 ** 30 + 7 });
    const preview = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const withPreview = encodeFileContext({ name: 'p.png', size: 10, preview });
    expect(withPreview.length).toBe(FILE_CONTEXT_LENGTH + preview.length);
    expect(new DataView(withPreview.buffer).getUint32(16, true)).toBe(0);
    const d = decodeFileContext(withPreview);
    expect(isCodecError(d) ? undefined : d.preview).toEqual(preview);
  });

  it('a name over 260 UTF-16 units is shortened keeping its extension; a 10,000-character name fits', () => {
    const long = 'x'.repeat(10_000) + '.txt';
    const c = decodeFileContext(encodeFileContext({ name: long, size: 0 }));
    expect(isCodecError(c)).toBe(false);
    if (isCodecError(c)) return;
    expect(c.name.length).toBe(260);
    expect(c.name.endsWith('.txt')).toBe(true);
  });

  it('reads a version-3 context (638 bytes, WLM capture §13.3) and a name field with no terminator', () => {
    const v3 = new Uint8Array(638);
    const dv = new DataView(v3.buffer);
    dv.setUint32(0, 638, true);
    dv.setUint32(4, 3, true);
    dv.setUint32(16, 1, true);
    'a.txt'.split('').forEach((ch, i) => dv.setUint16(20 + 2 * i, ch.charCodeAt(0), true));
    const b64 = Buffer.from(v3).toString('base64');
    expect(b64.startsWith('fgIAAAMAAAAAAAAAAAAAAAEAAABhAC4AdAB4AHQAA')).toBe(true);
    expect(decodeFileContextBase64(b64)).toEqual({ version: 3, size: 0, name: 'a.txt' });
    // Padding left off (Kopete style, §4.3).
    expect(decodeFileContextBase64(b64.replace(/=+$/, ''))).toEqual({ version: 3, size: 0, name: 'a.txt' });
    const full = new Uint8Array(574);
    const fv = new DataView(full.buffer);
    fv.setUint32(4, 2, true);
    for (let i = 20; i < 540; i += 2) fv.setUint16(i, 0x41, true);
    expect(decodeFileContext(full)).toMatchObject({ name: 'A'.repeat(260) });
  });

  it('refuses what it cannot read, without throwing', () => {
    expect(isCodecError(decodeFileContext(new Uint8Array(10)))).toBe(true);
    const bad = encodeFileContext({ name: 'a', size: 1 });
    new DataView(bad.buffer).setUint32(4, 7, true);
    expect(isCodecError(decodeFileContext(bad))).toBe(true);
    const huge = encodeFileContext({ name: 'a', size: 1 });
    new DataView(huge.buffer).setUint32(12, 0xffffffff, true);
    expect(isCodecError(decodeFileContext(huge))).toBe(true);
    expect(isCodecError(decodeFileContextBase64('!!!not base64!!!'))).toBe(true);
    // A preview over 64 KiB is dropped, the rest is read.
    const big = new Uint8Array(574 + 70_000);
    big.set(encodeFileContext({ name: 'a', size: 1 }));
    new DataView(big.buffer).setUint32(16, 0, true);
    expect(decodeFileContext(big)).toEqual({ version: 2, size: 1, name: 'a' });
  });
});
