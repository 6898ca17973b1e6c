import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './passwords';

/** What SecretBox.seal wrote before padding: AES-256-GCM of the bare UTF-8 password. */
function sealUnpadded(key: Buffer, plain: string): Uint8Array {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

describe('SecretBox (sealed MD5-login secrets)', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  // 128 characters is the longest password accounts accept; '€' is 3 bytes, '😀' 4 (2 characters).
  const passwords = ['a', 'monarch', 'x'.repeat(64), 'x'.repeat(128), '€'.repeat(128), '😀'.repeat(64), 'pässwörd ✓'];

  it('opens what it sealed', () => {
    for (const p of passwords) expect(box.open(box.seal(p))).toBe(p);
  });

  it('every sealed secret has the same size, whatever the password’s length', () => {
    const sizes = new Set(passwords.map((p) => box.seal(p).length));
    expect(sizes.size).toBe(1);
    // And the same password never seals to the same bytes twice (fresh IV).
    expect(Buffer.from(box.seal('monarch')).equals(Buffer.from(box.seal('monarch')))).toBe(false);
  });

  it('still opens secrets sealed before padding', () => {
    for (const p of passwords) expect(box.open(sealUnpadded(key, p))).toBe(p);
  });

  it('another key, a changed byte or a short blob open to nothing', () => {
    const sealed = box.seal('monarch');
    expect(new SecretBox(randomBytes(32)).open(sealed)).toBeUndefined();
    for (const at of [0, 14, 40, sealed.length - 1]) {
      const bad = Uint8Array.from(sealed);
      bad[at] = (bad[at] ?? 0) ^ 1;
      expect(box.open(bad)).toBeUndefined();
    }
    expect(box.open(sealed.subarray(0, 27))).toBeUndefined();
    expect(new SecretBox(randomBytes(32)).open(sealUnpadded(key, 'monarch'))).toBeUndefined();
  });
});
