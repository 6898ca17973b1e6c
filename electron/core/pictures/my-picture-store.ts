/**
 * My display picture, kept per account in the user data directory (issue 10): one small JSON file
 * per account (`<dir>/<sha256 of the handle>.json`), so the picture is re-applied at every sign-in
 * of that account. What is read back is validated like IPC input: a damaged or foreign file is
 * ignored (the default picture shows), never trusted.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { myPictureInputSchema, type BuiltinPictureId } from '../../../shared/ipc';
import { writeFileAtomic } from '../settings/atomic-file';

export interface StoredPicture {
  /** The 96x96 PNG, base64. */
  readonly png: string;
  readonly builtin: BuiltinPictureId | null;
}

export class MyPictureStore {
  constructor(private readonly dir: string) {}

  load(account: string): StoredPicture | null {
    let raw: string;
    try {
      raw = readFileSync(this.pathOf(account), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = myPictureInputSchema.safeParse(JSON.parse(raw));
      if (!parsed.success || parsed.data.kind !== 'png') return null;
      return { png: parsed.data.data, builtin: parsed.data.builtin ?? null };
    } catch {
      return null;
    }
  }

  /** Keeps (or with null, forgets) the account's picture; throws when the file cannot be written. */
  save(account: string, picture: StoredPicture | null): void {
    if (picture === null) {
      rmSync(this.pathOf(account), { force: true });
      return;
    }
    const record = { kind: 'png', data: picture.png, ...(picture.builtin ? { builtin: picture.builtin } : {}) };
    writeFileAtomic(this.pathOf(account), JSON.stringify(record));
  }

  /** Handles are e-mail addresses: hashed, they make safe file names and say nothing in a listing. */
  private pathOf(account: string): string {
    const name = createHash('sha256').update(account.trim().toLowerCase()).digest('hex');
    return join(this.dir, `${name}.json`);
  }
}
