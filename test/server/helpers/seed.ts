/**
 * Seeds many accounts into a data directory before the server opens it: one scrypt hash and one
 * sealed MD5 secret shared by all (accounts.add() would spend a scrypt hash on each, ~25 ms).
 * The server then reads them as it reads any stored account.
 */
import { hashPassword, SecretBox } from '../../../server/core/passwords';
import { openSqliteStore } from '../../../server/store/sqlite-store';

export async function seedAccounts(dataDir: string, handles: readonly string[], password: string): Promise<void> {
  const store = openSqliteStore(dataDir);
  try {
    const credentials = { passwordHash: await hashPassword(password), md5Secret: SecretBox.open(dataDir).seal(password) };
    const now = Date.now();
    for (const handle of handles) await store.createUser({ handle, friendlyName: handle, credentials, now });
  } finally {
    await store.close();
  }
}
