import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../shared/ipc';
import type { PicturePort } from '../client-port';
import { ContactPictures } from './contact-pictures';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A picture port whose fetches the test finishes by hand. */
function fakePort() {
  const objects = new Map<string, string>();
  const pending = new Map<string, (bytes: { mime: string; bytes: Uint8Array }) => void>();
  let listener: (handle: string, has: boolean) => void = () => undefined;
  let maxRunning = 0;
  const port: PicturePort = {
    supported: () => true,
    setMine: async () => undefined,
    currentSha1d: (h) => objects.get(h),
    fetch: (h) => {
      const sha1d = objects.get(h) as string;
      maxRunning = Math.max(maxRunning, pending.size + 1);
      return new Promise((resolve) => pending.set(h, (p) => (pending.delete(h), resolve({ sha1d, ...p }))));
    },
    onChanged: (l) => {
      listener = l;
      return () => (listener = () => undefined);
    },
  };
  return {
    port,
    pending,
    maxRunning: () => maxRunning,
    announce(handle: string, sha1d: string | undefined) {
      if (sha1d === undefined) objects.delete(handle);
      else objects.set(handle, sha1d);
      listener(handle, sha1d !== undefined);
    },
  };
}
const settle = () => new Promise((r) => setImmediate(r));

describe('ContactPictures', () => {
  it('fetches a few at a time, only contacts that are fetchable, and forwards data URLs', async () => {
    const f = fakePort();
    const events: AppEvent[] = [];
    const fetchable = new Set(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
    const cp = new ContactPictures({ port: f.port, isFetchable: (h) => fetchable.has(h), emit: (e) => events.push(e), concurrency: 2 });
    for (const h of ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com', 'stranger@x.com']) f.announce(h, `${h}-1`);
    await settle();
    expect([...f.pending.keys()]).toEqual(['a@x.com', 'b@x.com']);
    f.pending.get('a@x.com')?.({ mime: 'image/png', bytes: PNG });
    await settle();
    expect(events).toEqual([{ type: 'picture.changed', handle: 'a@x.com', dataUrl: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}` }]);
    for (const h of ['b@x.com', 'c@x.com', 'd@x.com']) {
      await settle();
      f.pending.get(h)?.({ mime: 'image/png', bytes: PNG });
    }
    await settle();
    expect(f.maxRunning()).toBe(2);
    expect(events).toHaveLength(4);
    // The stranger waits until they are fetchable (on my list and online).
    fetchable.add('stranger@x.com');
    cp.recheck();
    expect([...f.pending.keys()]).toEqual(['stranger@x.com']);
    cp.dispose();
  });

  it('drops a fetch overtaken by a newer picture, never forwards a non-image type, and clears a dropped picture', async () => {
    const f = fakePort();
    const events: AppEvent[] = [];
    const cp = new ContactPictures({ port: f.port, isFetchable: () => true, emit: (e) => events.push(e) });
    f.announce('a@x.com', 'one');
    await settle();
    f.announce('a@x.com', 'two');
    f.pending.get('a@x.com')?.({ mime: 'image/png', bytes: PNG });
    await settle();
    expect(events).toEqual([]);
    await settle();
    f.pending.get('a@x.com')?.({ mime: 'image/svg+xml', bytes: PNG });
    await settle();
    expect(events).toEqual([]);
    f.announce('a@x.com', 'three');
    await settle();
    f.pending.get('a@x.com')?.({ mime: 'image/gif', bytes: PNG });
    await settle();
    expect(events).toHaveLength(1);
    f.announce('a@x.com', undefined);
    expect(events[1]).toEqual({ type: 'picture.changed', handle: 'a@x.com', dataUrl: null });
    cp.dispose();
  });
});
