import { describe, expect, it } from 'vitest';
import { MAX_MY_PICTURE_BYTES, isPictureDataUrl } from './pictures';
import { initialAppState, reduceApp } from './projection';
import { MAX_CLIENT_FRAME_BYTES } from './ws-frames';
import { validateCommand } from './validate';

// The 8-byte PNG signature and a little more: what the page's canvas.toBlob('image/png') starts with.
const PNG = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13));

describe('setDisplayPicture input', () => {
  it('takes a PNG (optionally a built-in one) or none', () => {
    expect(validateCommand('setDisplayPicture', { picture: { kind: 'png', data: PNG } }).ok).toBe(true);
    expect(validateCommand('setDisplayPicture', { picture: { kind: 'png', data: PNG, builtin: 'robot' } }).ok).toBe(true);
    expect(validateCommand('setDisplayPicture', { picture: { kind: 'none' } }).ok).toBe(true);
  });

  it('refuses what is not a PNG: JPEG, SVG, text, broken base64, an unknown built-in, extra fields', () => {
    const jpeg = btoa(String.fromCharCode(0xff, 0xd8, 0xff, 0xe0, 0, 16));
    const svg = btoa('<svg xmlns="http://www.w3.org/2000/svg"/>');
    for (const picture of [
      { kind: 'png', data: jpeg },
      { kind: 'png', data: svg },
      { kind: 'png', data: `${PNG}!` },
      { kind: 'png', data: '' },
      { kind: 'png', data: PNG, builtin: '../../etc' },
      { kind: 'png', data: PNG, path: '/tmp/x.png' },
      { kind: 'svg', data: svg },
      { kind: 'none', data: PNG },
    ]) {
      expect(validateCommand('setDisplayPicture', { picture }), JSON.stringify(picture)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
  });

  it('caps the size', () => {
    const atCap = PNG + 'A'.repeat(Math.floor((MAX_MY_PICTURE_BYTES * 4) / 3 / 4) * 4 - PNG.length);
    expect(validateCommand('setDisplayPicture', { picture: { kind: 'png', data: atCap } }).ok).toBe(true);
    // The largest picture still fits one frame of the web host's WebSocket.
    const frame = JSON.stringify({ id: Number.MAX_SAFE_INTEGER, command: 'setDisplayPicture', input: { picture: { kind: 'png', data: atCap, builtin: 'butterfly' } } });
    expect(new TextEncoder().encode(frame).length).toBeLessThanOrEqual(MAX_CLIENT_FRAME_BYTES);
    const over = atCap + 'AAAA'.repeat(4);
    const r = validateCommand('setDisplayPicture', { picture: { kind: 'png', data: over } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!r.ok) expect(r.error.message).toMatch(/at most 45 KB/);
  });
});

describe('picture data URLs', () => {
  it('are PNG, JPEG, GIF or BMP only', () => {
    expect(isPictureDataUrl(`data:image/png;base64,${PNG}`)).toBe(true);
    expect(isPictureDataUrl('data:image/gif;base64,R0lGODlh')).toBe(true);
    expect(isPictureDataUrl('data:image/svg+xml;base64,PHN2Zz4=')).toBe(false);
    expect(isPictureDataUrl('data:text/html;base64,PGI+')).toBe(false);
    expect(isPictureDataUrl('https://example.com/a.png')).toBe(false);
  });
});

describe('the pictures projection', () => {
  it('keeps mine and each contact’s, forgets contacts at the next sign-in', () => {
    const url = `data:image/png;base64,${PNG}`;
    let s = reduceApp(initialAppState, { at: 1, event: { type: 'picture.mine', picture: { dataUrl: url, builtin: 'cat' } } });
    s = reduceApp(s, { at: 2, event: { type: 'picture.changed', handle: 'Bob@Example.com', dataUrl: url } });
    expect(s.pictures).toEqual({ mine: { dataUrl: url, builtin: 'cat' }, contacts: { 'bob@example.com': url } });
    const dropped = reduceApp(s, { at: 3, event: { type: 'picture.changed', handle: 'bob@example.com', dataUrl: null } });
    expect(dropped.pictures.contacts).toEqual({});
    const next = reduceApp(s, { at: 4, event: { type: 'sign-in.started', handle: 'alice@example.com', at: 4 } });
    expect(next.pictures).toEqual({ mine: { dataUrl: url, builtin: 'cat' }, contacts: {} });
  });
});
