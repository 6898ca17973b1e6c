import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSourceFromPath } from './file-source';
import { UploadStaging } from './upload-staging';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'monarch-staging-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function readAll(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('fileSourceFromPath', () => {
  it('reads the file from an offset, never past the size taken at the start', async () => {
    const p = join(root, 'a.bin');
    const data = randomBytes(200_000);
    writeFileSync(p, data);
    const source = await fileSourceFromPath(p);
    expect(source.name).toBe('a.bin');
    expect(source.size).toBe(200_000);
    expect((await readAll(source.open())).equals(data)).toBe(true);
    expect((await readAll(source.open(150_000))).equals(data.subarray(150_000))).toBe(true);
    writeFileSync(p, Buffer.concat([data, Buffer.from('grown')]));
    expect((await readAll(source.open())).length).toBe(200_000);
  });

  it('an empty file reads as nothing', async () => {
    const p = join(root, 'empty');
    writeFileSync(p, '');
    const source = await fileSourceFromPath(p);
    expect(source.size).toBe(0);
    expect((await readAll(source.open())).length).toBe(0);
  });

  it('refuses a folder and a missing file with a clear message', async () => {
    mkdirSync(join(root, 'dir'));
    await expect(fileSourceFromPath(join(root, 'dir'))).rejects.toThrow('dir is not a file.');
    await expect(fileSourceFromPath(join(root, 'gone.txt'))).rejects.toThrow('gone.txt does not exist any more.');
  });
});

describe('UploadStaging (web mode: the page streams the file)', () => {
  it('assembles chunks in order into a private temporary file, then removes it on release', async () => {
    const staging = new UploadStaging({ parent: root });
    const data = randomBytes(100_000);
    const id = await staging.begin('../holiday.jpg', data.length);
    for (let o = 0; o < data.length; o += 32_768) await staging.chunk(id, o, data.subarray(o, o + 32_768));
    const source = await staging.complete(id);
    expect(source.name).toBe('holiday.jpg');
    expect(source.size).toBe(data.length);
    expect(createHash('sha256').update(await readAll(source.open())).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(existsSync(source.path)).toBe(true);
    staging.release(source.path);
    await expect.poll(() => existsSync(source.path)).toBe(false);
    staging.dispose();
  });

  it('takes several chunks at once, in any order, within the window, and tells the bytes that arrived in order', async () => {
    const staging = new UploadStaging({ parent: root, windowBytes: 4 * 1000 });
    const data = randomBytes(10_000);
    const id = await staging.begin('pipelined.bin', data.length);
    const chunk = (o: number) => staging.chunk(id, o, data.subarray(o, o + 1000));
    // Four at once, the last first: the bytes in order count only what follows on from the start.
    const answers = await Promise.all([chunk(3000), chunk(2000), chunk(1000), chunk(0)]);
    expect(Math.max(...answers.map((a) => a.received))).toBe(4000);
    expect(answers.every((a) => a.received % 1000 === 0)).toBe(true);
    // The window moved on: a chunk past it, one before the bytes in order, and an overlap are refused.
    await expect(chunk(8000)).rejects.toThrow('Expected a chunk from 4000 to 8000, got 8000 to 9000.');
    await expect(chunk(3000)).rejects.toMatchObject({ code: 'invalid-input' });
    const pending = chunk(5000);
    await expect(staging.chunk(id, 5500, data.subarray(5500, 6500))).rejects.toThrow('The chunk at 5500 overlaps the one at 5000.');
    await pending;
    await expect(staging.complete(id)).rejects.toThrow('Only 4000 of 10000 bytes arrived.');
    for (const o of [4000, 6000, 7000, 8000, 9000]) await chunk(o);
    const source = await staging.complete(id);
    expect((await readAll(source.open())).equals(data)).toBe(true);
    staging.dispose();
  });

  it('a cancel while chunks are being written answers them as cancelled, and leaves no file', async () => {
    const staging = new UploadStaging({ parent: root });
    const data = randomBytes(8 * 32_768);
    const id = await staging.begin('gone.bin', data.length);
    const writes = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => staging.chunk(id, i * 32_768, data.subarray(i * 32_768, (i + 1) * 32_768)).catch((e: { code: string }) => e.code));
    await staging.cancel(id);
    for (const r of await Promise.all(writes)) expect(typeof r === 'string' ? r : 'ok').toMatch(/^(ok|not-found)$/);
    const [dir] = readdirSync(root);
    expect(readdirSync(join(root, dir as string))).toEqual([]);
    staging.dispose();
  });

  it('refuses chunks outside the window, past the size, for an unknown upload, and an incomplete upload', async () => {
    const staging = new UploadStaging({ parent: root, windowBytes: 2 });
    const id = await staging.begin('a.txt', 4);
    await expect(staging.chunk(id, 2, new Uint8Array(2))).rejects.toThrow('Expected a chunk from 0 to 2, got 2 to 4.');
    await expect(staging.chunk(id, 0, new Uint8Array(5))).rejects.toThrow(/More bytes/);
    await staging.chunk(id, 0, new Uint8Array(2));
    await staging.chunk(id, 2, new Uint8Array(1));
    await expect(staging.complete(id)).rejects.toThrow('Only 3 of 4 bytes arrived.');
    await expect(staging.chunk('nope', 0, new Uint8Array(1))).rejects.toMatchObject({ code: 'not-found' });
    await staging.cancel(id);
    expect(staging.pending).toBe(0);
    staging.dispose();
  });

  it('drops an abandoned upload and its file', async () => {
    const staging = new UploadStaging({ parent: root, idleMs: 30 });
    await staging.begin('a.txt', 10);
    expect(staging.pending).toBe(1);
    await expect.poll(() => staging.pending).toBe(0);
    const [dir] = readdirSync(root);
    await expect.poll(() => readdirSync(join(root, dir as string))).toEqual([]);
    staging.dispose();
    expect(readdirSync(root)).toEqual([]);
  });

  it('limits how many uploads run at once', async () => {
    const staging = new UploadStaging({ parent: root, maxUploads: 2 });
    await staging.begin('a', 1);
    await staging.begin('b', 1);
    await expect(staging.begin('c', 1)).rejects.toMatchObject({ code: 'busy' });
    staging.dispose();
  });
});
