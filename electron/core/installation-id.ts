/**
 * This installation's secret (a random 128-bit value kept in the data folder, owner-only), from
 * which the client derives each account's MSNP13+ machine GUID (`msn/machine-guid.ts`). Made once,
 * at the first run; a missing or unreadable file gets a new one (the GUID then changes, which
 * costs nothing but a new endpoint identity).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'installation-id';

export function loadInstallationId(dataDir: string): string | undefined {
  const file = join(dataDir, FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(existing)) return existing;
  } catch {
    // none yet
  }
  const made = randomBytes(16).toString('hex');
  try {
    writeFileSync(file, `${made}\n`, { mode: 0o600 });
    return made;
  } catch {
    return undefined;
  }
}
