import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MyEmoticonStore } from './my-emoticon-store';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1').toString('base64');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'monarch-emoticons-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('MyEmoticonStore', () => {
  it('remembers each account’s emoticons in order (handles compared case-insensitively) and forgets them', () => {
    const dir = tempDir();
    const store = new MyEmoticonStore(dir);
    expect(store.load('alice@example.com')).toEqual([]);
    store.save('alice@example.com', [
      { shortcut: '(cat)', data: PNG },
      { shortcut: ':dog:', data: GIF },
    ]);
    store.save('bob@example.com', [{ shortcut: '(b)', data: PNG }]);
    const reopened = new MyEmoticonStore(dir);
    expect(reopened.load('Alice@Example.com')).toEqual([
      { shortcut: '(cat)', data: PNG },
      { shortcut: ':dog:', data: GIF },
    ]);
    expect(reopened.load('bob@example.com')).toEqual([{ shortcut: '(b)', data: PNG }]);
    expect(readdirSync(dir).join(' ')).not.toMatch(/alice|bob/);
    reopened.save('alice@example.com', []);
    expect(reopened.load('alice@example.com')).toEqual([]);
    expect(reopened.load('bob@example.com')).toHaveLength(1);
  });

  it('drops a damaged file, and bad or repeated entries of a good one, instead of trusting them', () => {
    const dir = tempDir();
    const store = new MyEmoticonStore(dir);
    store.save('alice@example.com', [{ shortcut: '(cat)', data: PNG }]);
    const [file] = readdirSync(dir);
    const path = join(dir, file as string);
    for (const content of ['{not json', '', 'null', JSON.stringify({ emoticons: 'x' }), JSON.stringify([{ shortcut: '(cat)', data: PNG }])]) {
      writeFileSync(path, content);
      expect(store.load('alice@example.com'), content).toEqual([]);
    }
    writeFileSync(
      path,
      JSON.stringify({
        emoticons: [
          { shortcut: '(svg)', data: Buffer.from('<svg/>').toString('base64') },
          { shortcut: 'far too long', data: PNG },
          { shortcut: '(cat)', data: PNG },
          { shortcut: '(cat)', data: GIF },
          { shortcut: '(x)', data: PNG, path: '/etc/passwd' },
        ],
      }),
    );
    expect(store.load('alice@example.com')).toEqual([{ shortcut: '(cat)', data: PNG }]);
  });
});
