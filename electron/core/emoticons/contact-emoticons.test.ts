import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../shared/ipc';
import { computeSha1d } from '../../../shared/msnp';
import type { EmoticonPort } from '../client-port';
import { P2pError } from '../msn/p2p/errors';
import { ContactEmoticons } from './contact-emoticons';
import { EmoticonCache } from './emoticon-cache';

const gif = (n: number) => new Uint8Array([...Buffer.from('GIF89a', 'latin1'), n, 1, 0, 1, 0]);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const settle = () => new Promise((r) => setImmediate(r));

type Announce = Parameters<Parameters<EmoticonPort['onAnnounced']>[0]>[0];

/** An emoticon port whose fetches the test answers by hand. */
function fakePort() {
  let listener: (e: Announce) => void = () => undefined;
  const pending: { sender: string; shortcut: string; resolve: (v: { sha1d: string; mime: string; bytes: Uint8Array }) => void; reject: (e: Error) => void }[] = [];
  const port: EmoticonPort = {
    supported: () => true,
    define: () => undefined,
    remove: () => undefined,
    fetch: (sender, shortcut) => new Promise((resolve, reject) => pending.push({ sender, shortcut, resolve, reject })),
    onAnnounced: (l) => {
      listener = l;
      return () => (listener = () => undefined);
    },
  };
  return { port, pending, announce: (e: Announce) => listener(e) };
}

describe('ContactEmoticons', () => {
  it('forwards an announcement at once, fetches each new image once, a few at a time, and caches it on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-emoticon-cache-'));
    dirs.push(dir);
    const f = fakePort();
    const events: AppEvent[] = [];
    const shown = new Set<string>();
    const cache = new EmoticonCache(dir);
    const ce = new ContactEmoticons({ port: f.port, cache, isShown: (s) => shown.has(s), emit: (e) => events.push(e), concurrency: 2 });
    const images = [1, 2, 3].map(gif);
    const sha = images.map((b) => computeSha1d(b));
    f.announce({ conversationId: 'c', sender: 'Bob@X.com', emoticons: sha.map((s, i) => ({ shortcut: `(${i})`, sha1d: s })) });
    // The same images announced again while in flight: no second fetch.
    f.announce({ conversationId: 'c', sender: 'bob@x.com', emoticons: [{ shortcut: '(0)', sha1d: sha[0] as string }] });
    expect(events.map((e) => e.type)).toEqual(['emoticon.announced', 'emoticon.announced']);
    expect(events[0]).toMatchObject({ sender: 'bob@x.com', emoticons: [{ shortcut: '(0)' }, { shortcut: '(1)' }, { shortcut: '(2)' }] });
    await vi.waitFor(() => expect(f.pending.map((p) => p.shortcut)).toEqual(['(0)', '(1)']));
    f.pending[0]?.resolve({ sha1d: sha[0] as string, mime: 'image/gif', bytes: images[0] as Uint8Array });
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(events[2]).toEqual({ type: 'emoticon.ready', sha1d: sha[0], dataUrl: `data:image/gif;base64,${Buffer.from(images[0] as Uint8Array).toString('base64')}` });
    await vi.waitFor(() => expect(f.pending.map((p) => p.shortcut)).toEqual(['(0)', '(1)', '(2)']));
    expect(readdirSync(dir)).toHaveLength(1);
    expect((await cache.read(sha[0] as string))?.mime).toBe('image/gif');
    ce.dispose();

    // A new session: the cached image comes from disk, not over P2P.
    const g = fakePort();
    const later: AppEvent[] = [];
    const ce2 = new ContactEmoticons({ port: g.port, cache, isShown: () => false, emit: (e) => later.push(e) });
    g.announce({ conversationId: 'd', sender: 'bob@x.com', emoticons: [{ shortcut: '(0)', sha1d: sha[0] as string }] });
    await vi.waitFor(() => expect(later).toHaveLength(2));
    expect(g.pending).toEqual([]);
    expect(later.map((e) => e.type)).toEqual(['emoticon.announced', 'emoticon.ready']);
    ce2.dispose();
  });

  it('never forwards what is not an image or not the announced bytes, and does not ask again for a bad image', async () => {
    const f = fakePort();
    const events: AppEvent[] = [];
    const warnings: string[] = [];
    const ce = new ContactEmoticons({ port: f.port, cache: null, isShown: () => false, emit: (e) => events.push(e), warn: (m) => warnings.push(m) });
    const svg = new TextEncoder().encode('<svg/>');
    const other = gif(9);
    f.announce({ conversationId: 'c', sender: 'bob@x.com', emoticons: [{ shortcut: '(s)', sha1d: computeSha1d(svg) }, { shortcut: '(o)', sha1d: computeSha1d(gif(1)) }] });
    await vi.waitFor(() => expect(f.pending).toHaveLength(2));
    f.pending[0]?.reject(new P2pError('bad-data', "bob@x.com's emoticon is not a PNG, JPEG, GIF or BMP image"));
    f.pending[1]?.resolve({ sha1d: computeSha1d(other), mime: 'image/gif', bytes: other });
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    await settle();
    expect(events.filter((e) => e.type === 'emoticon.ready')).toEqual([]);
    expect(warnings.join('\n')).toMatch(/\(s\) of bob@x\.com: .*not a PNG/);
    f.announce({ conversationId: 'c', sender: 'bob@x.com', emoticons: [{ shortcut: '(s)', sha1d: computeSha1d(svg) }] });
    await settle();
    expect(f.pending).toHaveLength(2);
    ce.dispose();
  });

  it('a cache file that does not hash to its name is a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-emoticon-cache-'));
    dirs.push(dir);
    const cache = new EmoticonCache(dir);
    const bytes = gif(1);
    const sha1d = computeSha1d(bytes);
    await cache.write({ sha1d, mime: 'image/gif', bytes });
    expect(await cache.read(sha1d)).toBeDefined();
    writeFileSync(join(dir, readdirSync(dir)[0] as string), gif(2));
    expect(await cache.read(sha1d)).toBeUndefined();
    expect(await cache.read('../../etc/passwd')).toBeUndefined();
  });
});
