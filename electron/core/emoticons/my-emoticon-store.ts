/**
 * My custom emoticons, kept per account in the user data directory (issue 10), like my display
 * picture (../pictures/my-picture-store.ts): one small JSON file per account
 * (`<dir>/<sha256 of the handle>.json`) holding the shortcuts and images, re-applied at every
 * sign-in of that account. What is read back is validated like IPC input: a damaged or foreign
 * file, or a bad entry in it, is dropped, never trusted.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MY_EMOTICONS, myEmoticonInputSchema, type MyEmoticonInput } from '../../../shared/ipc';
import { writeFileAtomic } from '../settings/atomic-file';

/** One of my emoticons as kept: its shortcut and the image's base64. */
export type StoredEmoticon = MyEmoticonInput;

export class MyEmoticonStore {
  constructor(private readonly dir: string) {}

  /** The account's emoticons in the order they were defined (none when there is no good file). */
  load(account: string): StoredEmoticon[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.pathOf(account), 'utf8'));
    } catch {
      return [];
    }
    const list = (raw as { emoticons?: unknown } | null)?.emoticons;
    if (!Array.isArray(list)) return [];
    const out: StoredEmoticon[] = [];
    const seen = new Set<string>();
    for (const item of list.slice(0, MAX_MY_EMOTICONS)) {
      const parsed = myEmoticonInputSchema.safeParse(item);
      if (!parsed.success || seen.has(parsed.data.shortcut)) continue;
      seen.add(parsed.data.shortcut);
      out.push(parsed.data);
    }
    return out;
  }

  /** Keeps the account's emoticons (none: the file goes); throws when the file cannot be written. */
  save(account: string, emoticons: readonly StoredEmoticon[]): void {
    if (emoticons.length === 0) {
      rmSync(this.pathOf(account), { force: true });
      return;
    }
    writeFileAtomic(this.pathOf(account), JSON.stringify({ emoticons: emoticons.map(({ shortcut, data }) => ({ shortcut, data })) }));
  }

  /** Handles are e-mail addresses: hashed, they make safe file names and say nothing in a listing. */
  private pathOf(account: string): string {
    const name = createHash('sha256').update(account.trim().toLowerCase()).digest('hex');
    return join(this.dir, `${name}.json`);
  }
}
