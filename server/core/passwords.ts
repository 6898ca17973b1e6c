/**
 * Password storage.
 *
 * - Passport (TWN, MSNP8–12) logins check a slow hash: scrypt from node:crypto, run on libuv's
 *   thread pool so it never blocks the event loop.
 * - MD5 (MSNP2–7) logins need `md5(challenge + password)` (MSNP.md §3.2), which no one-way hash of
 *   the password can produce: the server must hold a password equivalent. We keep the password
 *   sealed with AES-256-GCM under a key kept beside (not inside) the database, so a copy of the
 *   database alone does not reveal passwords; whoever has both files has the passwords. This is
 *   the trade-off server/README.md documents; `md5Login: false` stores no secret at all.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** scrypt parameters: N=2^14, r=8, p=1 (the node:crypto defaults, ~16 MiB, tens of ms). */
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] as string, 'base64');
  const expected = Buffer.from(parts[5] as string, 'base64');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length === 0) return false;
  const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

/**
 * Marks a padded secret: authenticated with the ciphertext, so a secret sealed before padding (no
 * additional data) fails this check and is read the old way instead.
 */
const PADDED_AAD = Buffer.from('monarch md5 secret, padded v2', 'utf8');
/**
 * Padded plaintexts are a whole number of these: 2 length bytes + up to 510 bytes of UTF-8 holds
 * any password the server accepts (128 characters, at most 3 bytes each; 4 for a surrogate pair
 * that counts as 2), so every sealed secret has the same size and its length reveals nothing.
 */
const PAD_BLOCK = 512;

/** `length (u16 BE) || UTF-8 || zeros` up to a multiple of PAD_BLOCK. */
function pad(plain: string): Buffer {
  const text = Buffer.from(plain, 'utf8');
  if (text.length > 0xffff) throw new Error('secret too long to seal');
  const padded = Buffer.alloc(Math.ceil((2 + text.length) / PAD_BLOCK) * PAD_BLOCK);
  padded.writeUInt16BE(text.length, 0);
  text.copy(padded, 2);
  return padded;
}

function unpad(padded: Buffer): string | undefined {
  if (padded.length < 2) return undefined;
  const length = padded.readUInt16BE(0);
  return 2 + length <= padded.length ? padded.subarray(2, 2 + length).toString('utf8') : undefined;
}

/**
 * Seals MD5-login secrets with AES-256-GCM: `iv(12) || tag(16) || ciphertext`, the plaintext
 * padded (see PAD_BLOCK). Secrets sealed by earlier versions (unpadded) still open.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  /** The key file `md5-secret.key` in `dataDir` (created, mode 0600), or a fresh key in memory. */
  static open(dataDir: string | undefined): SecretBox {
    if (dataDir === undefined) return new SecretBox(randomBytes(32));
    const file = join(dataDir, 'md5-secret.key');
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return new SecretBox(readFileSync(file));
  }

  seal(plain: string): Uint8Array {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(PADDED_AAD);
    const body = Buffer.concat([c.update(pad(plain)), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  /** Undefined when the secret was sealed under another key or is corrupt. */
  open(sealed: Uint8Array): string | undefined {
    if (sealed.length < 28) return undefined;
    const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    const padded = this.decrypt(b, PADDED_AAD);
    if (padded !== undefined) return unpad(padded);
    // Sealed before padding: the UTF-8 password itself, no additional data.
    return this.decrypt(b, undefined)?.toString('utf8');
  }

  private decrypt(b: Buffer, aad: Buffer | undefined): Buffer | undefined {
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
      if (aad) d.setAAD(aad);
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]);
    } catch {
      return undefined;
    }
  }
}
