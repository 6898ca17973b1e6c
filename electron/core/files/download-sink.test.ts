import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskError, DownloadSink, NODE_SINK_FS, PARTIAL_SUFFIX, isDirectlyInside, type SinkFileSystem } from './download-sink';

let root: string;
let folder: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'monarch-sink-'));
  folder = join(root, 'Downloads', 'Monarch');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const bytes = (s: string) => new TextEncoder().encode(s);

async function receive(announcedName: string, content: string, size = Buffer.byteLength(content)): Promise<DownloadSink> {
  const sink = await DownloadSink.create({ folder, announcedName, size });
  await sink.write(bytes(content));
  await sink.finish();
  return sink;
}

/** Every file under `dir`, relative, recursively. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? tree(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

describe('DownloadSink', () => {
  it('creates the folder, writes to an owner-only partial file, and renames it only when complete', async () => {
    const sink = await DownloadSink.create({ folder, announcedName: 'report.pdf', size: 10 });
    await sink.write(bytes('hello'));
    expect(readdirSync(folder)).toEqual([`report.pdf${PARTIAL_SUFFIX}`]);
    expect(lstatSync(join(folder, `report.pdf${PARTIAL_SUFFIX}`)).mode & 0o777).toBe(0o600);
    await sink.write(bytes('world'));
    expect(existsSync(join(folder, 'report.pdf'))).toBe(false);
    await sink.finish();
    expect(readdirSync(folder)).toEqual(['report.pdf']);
    expect(readFileSync(join(folder, 'report.pdf'), 'utf8')).toBe('helloworld');
    expect(sink.savedPath).toBe(join(folder, 'report.pdf'));
  });

  it('receives an empty file', async () => {
    const sink = await DownloadSink.create({ folder, announcedName: 'empty.txt', size: 0 });
    await sink.finish();
    expect(readFileSync(join(folder, 'empty.txt')).length).toBe(0);
  });

  it('never overwrites: " (1)", " (2)"', async () => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'report.pdf'), 'mine');
    await receive('report.pdf', 'first');
    await receive('report.pdf', 'second');
    expect(readFileSync(join(folder, 'report.pdf'), 'utf8')).toBe('mine');
    expect(readFileSync(join(folder, 'report (1).pdf'), 'utf8')).toBe('first');
    expect(readFileSync(join(folder, 'report (2).pdf'), 'utf8')).toBe('second');
  });

  it('two transfers of the same name at once get two files', async () => {
    const a = await DownloadSink.create({ folder, announcedName: 'same.txt', size: 1 });
    const b = await DownloadSink.create({ folder, announcedName: 'same.txt', size: 1 });
    await a.write(bytes('a'));
    await b.write(bytes('b'));
    await b.finish();
    await a.finish();
    const names = readdirSync(folder).sort();
    expect(names).toEqual(['same (1).txt', 'same.txt']);
    expect(names.map((n) => readFileSync(join(folder, n), 'utf8')).sort()).toEqual(['a', 'b']);
  });

  it('does not overwrite a file that appeared under the final name while receiving', async () => {
    const sink = await DownloadSink.create({ folder, announcedName: 'race.txt', size: 3 });
    await sink.write(bytes('new'));
    writeFileSync(join(folder, 'race.txt'), 'someone else');
    await sink.finish();
    expect(readFileSync(join(folder, 'race.txt'), 'utf8')).toBe('someone else');
    expect(readFileSync(join(folder, 'race (1).txt'), 'utf8')).toBe('new');
  });

  it('does not write through a symlink planted under the partial name', async () => {
    mkdirSync(folder, { recursive: true });
    const target = join(root, 'target.txt');
    writeFileSync(target, 'precious');
    symlinkSync(target, join(folder, `x.txt${PARTIAL_SUFFIX}`));
    await receive('x.txt', 'data');
    expect(readFileSync(target, 'utf8')).toBe('precious');
    // The partial file took the next name; the final name was free, so the file has it.
    expect(readFileSync(join(folder, 'x.txt'), 'utf8')).toBe('data');
    expect(lstatSync(join(folder, `x.txt${PARTIAL_SUFFIX}`)).isSymbolicLink()).toBe(true);
  });

  it('lands every hostile name from the issue as a safe name inside the folder, nothing outside', async () => {
    const hostile = [
      '../../../etc/passwd',
      '..\\..\\evil.exe',
      '/absolute/path/secret.txt',
      '..',
      '.',
      'evil\u0000name.txt',
      'bell\u0007\nline.txt',
      'CON',
      'aux.txt',
      'trailing. . ',
      `${'n'.repeat(10_000)}.txt`,
      '',
    ];
    for (const name of hostile) await receive(name, 'x', 1);
    const files = tree(root);
    expect(files.every((f) => f.startsWith('Downloads/Monarch/') && !f.slice('Downloads/Monarch/'.length).includes('/'))).toBe(true);
    expect(files).toHaveLength(hostile.length);
    const names = files.map((f) => f.slice('Downloads/Monarch/'.length));
    expect(names).toContain('passwd');
    expect(names).toContain('evil.exe');
    expect(names).toContain('secret.txt');
    expect(names).toContain('file');
    expect(names).toContain('file (1)');
    expect(names).toContain('file (2)');
    expect(names).toContain('evil_name.txt');
    expect(names).toContain('bell__line.txt');
    expect(names).toContain('_CON');
    expect(names).toContain('_aux.txt');
    expect(names).toContain('trailing');
    expect(names.some((n) => n.startsWith('nnnn') && n.endsWith('.txt') && Buffer.byteLength(n) <= 200)).toBe(true);
    expect(names.some((n) => n.endsWith(PARTIAL_SUFFIX))).toBe(false);
  });

  it('abort removes the partial file and leaves nothing', async () => {
    const sink = await DownloadSink.create({ folder, announcedName: 'half.bin', size: 100 });
    await sink.write(bytes('half'));
    await sink.abort('cancelled-by-peer');
    expect(readdirSync(folder)).toEqual([]);
    await sink.abort('cancelled-by-peer'); // twice is harmless
  });

  it('refuses more bytes than announced, and fewer at the end; nothing under the final name', async () => {
    const more = await DownloadSink.create({ folder, announcedName: 'liar.bin', size: 4 });
    await expect(more.write(bytes('too many'))).rejects.toThrow(/More bytes arrived than the 4 announced/);
    await more.abort('size-mismatch');
    const fewer = await DownloadSink.create({ folder, announcedName: 'short.bin', size: 10 });
    await fewer.write(bytes('abc'));
    await expect(fewer.finish()).rejects.toThrow(/3 bytes arrived where 10 were announced/);
    await fewer.abort('size-mismatch');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a full disk rejects write with a clear message, and abort cleans up', async () => {
    let written = 0;
    const fullDisk: SinkFileSystem = {
      ...NODE_SINK_FS,
      open: async (p, flags, mode) => {
        const real = await NODE_SINK_FS.open(p, flags, mode);
        return {
          sync: () => real.sync(),
          close: () => real.close(),
          write: (async (buf: Uint8Array, offset: number, length: number) => {
            if (written + length > 8) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            written += length;
            return real.write(buf, offset, length);
          }) as never,
        };
      },
    };
    const sink = await DownloadSink.create({ folder, announcedName: 'big.iso', size: 100, fileSystem: fullDisk });
    await sink.write(bytes('12345678'));
    const failure = sink.write(bytes('9'));
    await expect(failure).rejects.toBeInstanceOf(DiskError);
    await expect(failure).rejects.toThrow(`The disk is full: there is no room left in ${folder}.`);
    await sink.abort('write-failed');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a folder it may not write in fails at once with a clear message', async () => {
    mkdirSync(folder, { recursive: true, mode: 0o500 });
    if (process.getuid?.() === 0) return; // root writes anywhere
    await expect(DownloadSink.create({ folder, announcedName: 'x.txt', size: 1 })).rejects.toThrow(`Monarch may not write in ${folder}.`);
  });

  it('a download folder that is a file fails with a clear message', async () => {
    mkdirSync(join(root, 'Downloads'), { recursive: true });
    writeFileSync(folder, 'not a folder');
    await expect(DownloadSink.create({ folder, announcedName: 'x.txt', size: 1 })).rejects.toBeInstanceOf(DiskError);
  });
});

describe('isDirectlyInside', () => {
  it('checks the resolved path', () => {
    expect(isDirectlyInside('/d/f', '/d/f/a.txt')).toBe(true);
    expect(isDirectlyInside('/d/f', '/d/f/../a.txt')).toBe(false);
    expect(isDirectlyInside('/d/f', '/d/f/sub/a.txt')).toBe(false);
    expect(isDirectlyInside('/d/f', '/d/f')).toBe(false);
  });
});
