import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, HistoryEntryInfo } from '../../../shared/ipc';
import { computeSha1d } from '../../../shared/msnp';
import { EmoticonCache } from './emoticon-cache';
import { emoticonImagesFor, HistoryEmoticons } from './history-emoticons';

/** A real 1x1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAUEBAAAACwAAAAAAQABAAACAkQBADs=', 'base64');
const GIF_SHA1D = computeSha1d(GIF);

let dir: string;
let cache: EmoticonCache;
let events: AppEvent[];
let shown: Set<string>;

function message(id: number, text: string, emoticons?: Record<string, string>): HistoryEntryInfo {
  return { id, conversationId: 1, timestamp: id, sender: 'bob@x.com', senderName: 'Bob', kind: 'message', direction: 'incoming', text, format: null, messageId: null, delivery: 'delivered', ...(emoticons ? { emoticons } : {}) };
}

function loader() {
  return new HistoryEmoticons({ cache, isShown: (s) => shown.has(s), emit: (e) => events.push(e) });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-history-emoticons-'));
  cache = new EmoticonCache(dir);
  events = [];
  shown = new Set();
  await cache.write({ sha1d: GIF_SHA1D, mime: 'image/gif', bytes: GIF });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HistoryEmoticons', () => {
  it('hands on the cached images a page uses, once each, as the live ones are', async () => {
    await loader().show([message(1, 'a (ok)', { '(ok)': GIF_SHA1D }), message(2, 'b (ok) (ok)', { '(ok)': GIF_SHA1D }), message(3, 'plain')]);
    expect(events).toEqual([{ type: 'emoticon.ready', sha1d: GIF_SHA1D, dataUrl: `data:image/gif;base64,${GIF.toString('base64')}` }]);
  });

  it('leaves what is not cached, what windows have already, and a cached file that no longer matches its hash', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const l = loader();
    await l.show([message(1, '(no)', { '(no)': missing })]);
    shown.add(GIF_SHA1D);
    await l.show([message(2, '(ok)', { '(ok)': GIF_SHA1D })]);
    expect(events).toEqual([]);

    // A file changed on disk after it was cached: not what the SHA1D names, so not shown.
    shown.clear();
    writeFileSync(join(dir, GIF_SHA1D.replace(/\//g, '_').replace(/\+/g, '-').replace(/=$/, '')), Buffer.concat([GIF, Buffer.from([0])]));
    await l.show([message(3, '(ok)', { '(ok)': GIF_SHA1D })]);
    expect(events).toEqual([]);
  });
});

describe('emoticonImagesFor (the HTML export)', () => {
  it('finds each image a log used once: the windows’ first, then the verified cache; unknown ones stay out', async () => {
    const MINE = 'TUlORU1JTkVNSU5FTUlORU1JTkU=';
    const GONE = 'R09ORUdPTkVHT05FR09ORUdPTkU=';
    const mine = 'data:image/png;base64,iVBORw0KGgo=';
    const looked: string[] = [];
    const images = await emoticonImagesFor(
      [message(1, 'a (ok) (me)', { '(ok)': GIF_SHA1D, '(me)': MINE }), message(2, '(ok) (x)', { '(ok)': GIF_SHA1D, '(x)': GONE }), message(3, 'plain')],
      { read: (s) => (looked.push(s), cache.read(s)) },
      (s) => (s === MINE ? mine : undefined),
    );
    expect(Object.fromEntries(images)).toEqual({ [GIF_SHA1D]: `data:image/gif;base64,${GIF.toString('base64')}`, [MINE]: mine });
    expect(looked.sort()).toEqual([GIF_SHA1D, GONE].sort());
  });

  it('reads nothing without a cache', async () => {
    expect((await emoticonImagesFor([message(1, '(ok)', { '(ok)': GIF_SHA1D })], null, () => undefined)).size).toBe(0);
  });
});
