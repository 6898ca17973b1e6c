import { describe, expect, it } from 'vitest';
import { sha1 } from '@noble/hashes/legacy.js';
import {
  buildMsnObject,
  computeSha1c,
  computeSha1d,
  decodeMsnObjectFriendly,
  encodeMsnObjectFriendly,
  formatMsnObject,
  parseMsnObject,
  verifySha1c,
  type MsnObject,
} from './msnobject';
import { base64Decode, base64Encode, utf8Bytes } from './bytes';
import { isCodecError } from './errors';

// MSNP.md §2.9, verbatim.
const EXAMPLE =
  '<msnobj Creator="buddy1@hotmail.com" Size="24539" Type="3" Location="TFR2C.tmp" Friendly="AAA=" SHA1D="trC8SlFx2sWQxZMIBAWSEnXc8oQ=" SHA1C="U32o6bosZzluJq82eAtMpx5dIEI="/>';

describe('MSNObject (MSNP.md §2.9)', () => {
  it('parses the reference object', () => {
    const o = parseMsnObject(EXAMPLE) as MsnObject;
    expect(o).toMatchObject({
      creator: 'buddy1@hotmail.com',
      size: 24539,
      type: 3,
      location: 'TFR2C.tmp',
      friendly: 'AAA=',
      sha1d: 'trC8SlFx2sWQxZMIBAWSEnXc8oQ=',
      sha1c: 'U32o6bosZzluJq82eAtMpx5dIEI=',
    });
    expect([...o.attributes.keys()]).toEqual(['Creator', 'Size', 'Type', 'Location', 'Friendly', 'SHA1D', 'SHA1C']);
  });

  it('computes the reference SHA1C and rebuilds the object byte for byte', () => {
    const o = parseMsnObject(EXAMPLE) as MsnObject;
    expect(computeSha1c(o)).toBe('U32o6bosZzluJq82eAtMpx5dIEI=');
    expect(verifySha1c(o)).toBe(true);
    expect(buildMsnObject(o)).toBe(EXAMPLE);
  });

  it('detects a tampered object', () => {
    const o = parseMsnObject(EXAMPLE.replace('Size="24539"', 'Size="24540"')) as MsnObject;
    expect(verifySha1c(o)).toBe(false);
  });

  it('treats 0 and empty as none', () => {
    expect(parseMsnObject('0')).toBeUndefined();
    expect(parseMsnObject('')).toBeUndefined();
  });

  it('rejects junk with an error value', () => {
    for (const bad of ['<msnobj', '<msnobj Creator="a"/>', '<img src="x"/>', '<msnobjCreator="a"/>', 'msnobj', '<msnobj Size="x" Type="3" Creator="a" SHA1D="b"/>', `<msnobj${' '.repeat(5000)}x`]) {
      const r = parseMsnObject(bad);
      expect(isCodecError(r), bad).toBe(true);
    }
  });

  it('accepts single quotes, entities, an explicit close tag and extra attributes', () => {
    const o = parseMsnObject(
      `<msnobj Creator='a&amp;b@x.com' Size="1" Type="2" Location="0" Friendly="AAA=" SHA1D="x" Stamp="s"></msnobj>`,
    ) as MsnObject;
    expect(o.creator).toBe('a&b@x.com');
    expect(o.attributes.get('Stamp')).toBe('s');
    expect(o.sha1c).toBeUndefined();
  });

  it('writes a parsed object back from its attributes: the reference object character for character', () => {
    expect(formatMsnObject(parseMsnObject(EXAMPLE) as MsnObject)).toBe(EXAMPLE);
  });

  it('keeps attributes buildMsnObject does not know, in order, and re-escapes values', () => {
    const o = parseMsnObject(
      `<msnobj Creator='a&amp;b@x.com' Size="1" Type="2" Location="0" Friendly="AAA=" SHA1D="x" Stamp="s&quot;t"></msnobj>`,
    ) as MsnObject;
    const text = formatMsnObject(o);
    expect(text).toBe('<msnobj Creator="a&amp;b@x.com" Size="1" Type="2" Location="0" Friendly="AAA=" SHA1D="x" Stamp="s&quot;t"/>');
    expect(parseMsnObject(text)).toEqual(o);
  });

  it('encodes friendly names as NUL-terminated UTF-16LE base64', () => {
    expect(encodeMsnObjectFriendly('')).toBe('AAA=');
    expect(decodeMsnObjectFriendly('AAA=')).toBe('');
    const name = 'Zoë ☺';
    expect(decodeMsnObjectFriendly(encodeMsnObjectFriendly(name))).toBe(name);
  });

  it('computes SHA1D as base64 SHA-1 of the data', () => {
    const data = utf8Bytes('abc');
    expect(computeSha1d(data)).toBe('qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
    expect(base64Decode(computeSha1d(data))).toEqual(sha1(data));
  });
});

describe('base64 (RFC 4648 §10 vectors)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('%s ↔ %s', (plain, b64) => {
    expect(base64Encode(utf8Bytes(plain))).toBe(b64);
    expect(base64Decode(b64)).toEqual(utf8Bytes(plain));
  });
  it('rejects malformed input', () => {
    expect(base64Decode('Zm9v!')).toBeUndefined();
    expect(base64Decode('Z')).toBeUndefined();
  });
});
