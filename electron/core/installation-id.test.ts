import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInstallationId } from './installation-id';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadInstallationId', () => {
  it('is made once, owner-only, and the same at every later run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-install-'));
    dirs.push(dir);
    const first = loadInstallationId(dir);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(loadInstallationId(dir)).toBe(first);
    expect(readFileSync(join(dir, 'installation-id'), 'utf8').trim()).toBe(first);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'installation-id')).mode & 0o777).toBe(0o600);
  });

  it('a damaged file is replaced by a new id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-install-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'installation-id'), 'not an id');
    expect(loadInstallationId(dir)).toMatch(/^[0-9a-f]{32}$/);
  });
});
