import { describe, expect, it } from 'vitest';
import { checkFriendlyName, checkHandle, decodeName, encodeName } from './names';

describe('names (MSNP.md §5.4)', () => {
  it('encodes like the reference transcript', () => {
    expect(encodeName('Alice :)')).toBe('Alice%20%3A)');
    expect(encodeName('Alice in Wonderland')).toBe('Alice%20in%20Wonderland');
  });
  it('round-trips unicode and never leaves whitespace', () => {
    for (const s of ['é ☺ 😀', 'a\r\nb', 'tab\there', '100%']) {
      const e = encodeName(s);
      expect(e).not.toMatch(/\s/);
      expect(decodeName(e)).toBe(s);
    }
  });
  it('tolerates malformed escapes', () => {
    expect(decodeName('100%')).toBe('100%');
    expect(decodeName('%zz%4')).toBe('%zz%4');
    expect(decodeName('%C3%A9%')).toBe('é%');
    expect(decodeName('caf%E9')).toBe('café'); // Windows-1252 fallback for old clients
    expect(decodeName('😀%20x')).toBe('😀 x');
  });
  it('enforces length limits', () => {
    expect(checkFriendlyName('x'.repeat(129))).toBeUndefined();
    expect(checkFriendlyName('x'.repeat(130))).toBe('too-long');
    expect(checkFriendlyName('☺'.repeat(100))).toBe('too-long'); // 900 bytes encoded
    expect(checkFriendlyName('  ')).toBe('empty');
  });
  it('checks handles', () => {
    expect(checkHandle('alice@hotmail.com')).toBeUndefined();
    expect(checkHandle('alice')).toBe('missing-domain');
    expect(checkHandle('al ice@x.com')).toBe('invalid');
    expect(checkHandle(`${'a'.repeat(130)}@x.com`)).toBe('too-long');
  });
});

describe('decodeName Windows-1252 fallback', () => {
  it('maps the 0x80–0x9F row to Windows-1252, not ISO-8859-1', () => {
    expect(decodeName('%80%93x%94')).toBe('€“x”');
  });
});
