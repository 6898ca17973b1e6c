import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MyPictureStore } from './my-picture-store';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'monarch-pictures-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('MyPictureStore', () => {
  it('remembers a picture per account (handles compared case-insensitively) and forgets it', () => {
    const dir = tempDir();
    const store = new MyPictureStore(dir);
    expect(store.load('alice@example.com')).toBeNull();
    store.save('alice@example.com', { png: PNG, builtin: 'robot' });
    store.save('bob@example.com', { png: PNG, builtin: null });
    const reopened = new MyPictureStore(dir);
    expect(reopened.load('Alice@Example.com')).toEqual({ png: PNG, builtin: 'robot' });
    expect(reopened.load('bob@example.com')).toEqual({ png: PNG, builtin: null });
    expect(reopened.load('carol@example.com')).toBeNull();
    // File names do not show whose picture it is.
    expect(readdirSync(dir).join(' ')).not.toMatch(/alice|bob/);
    reopened.save('alice@example.com', null);
    expect(reopened.load('alice@example.com')).toBeNull();
    expect(reopened.load('bob@example.com')).not.toBeNull();
  });

  it('ignores a damaged or foreign file instead of trusting it', () => {
    const dir = tempDir();
    const store = new MyPictureStore(dir);
    store.save('alice@example.com', { png: PNG, builtin: null });
    const [file] = readdirSync(dir);
    for (const content of ['{not json', JSON.stringify({ kind: 'png', data: Buffer.from('<svg/>').toString('base64') }), JSON.stringify({ kind: 'png', data: PNG, builtin: 'x' }), '']) {
      writeFileSync(join(dir, file as string), content);
      expect(store.load('alice@example.com'), content).toBeNull();
    }
  });
});
