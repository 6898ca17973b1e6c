/**
 * Issue 10, custom emoticons through the real path: Alice defines `(tux)`, sends a message using it
 * in a three-person chat on the bundled server; the `text/x-mms-emoticon` announcement reaches Bob
 * and Carol before the text, and both fetch the image from Alice over P2P (MSNObject type 2) on the
 * chat's switchboard, each filtering the other's relayed chunks by `P2P-Dest`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MsnClient } from '../../electron/core/msn/client';
import type { EmoticonEvents } from '../../electron/core/msn/p2p/emoticons';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('base64');

/** A GIF-signed image of `size` bytes. */
function gif(size: number): Uint8Array {
  const out = Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) & 0xff);
  out.set(new TextEncoder().encode('GIF89a'));
  return out;
}

describe.each([9, 12] as const)('custom emoticons over MSNP%i', (dialect) => {
  it('an emoticon used in a 3-party chat reaches both others', async () => {
    const server = await startBundled();
    scope.server = server;
    const names = ['alice', 'bob', 'carol'];
    const clients = new Map<string, MsnClient>();
    for (const n of names) {
      await server.accounts.add(`${n}@example.com`, 'pw', n);
      const c = clientFor(server, dialect);
      scope.clients.push(c);
      clients.set(n, c);
      await c.signIn({ handle: `${n}@example.com`, password: 'pw' });
    }
    const get = (n: string): MsnClient => clients.get(n) as MsnClient;
    for (const n of names) for (const m of names) if (m !== n) await get(n).contacts.add(`${m}@example.com`);
    for (const n of names) for (const m of names) if (m !== n) await waitUntil(() => get(n).contacts.get(`${m}@example.com`)?.status === 'online', 10_000);

    const tux = gif(6000);
    get('alice').emoticons.define('(tux)', tux);
    expect(() => get('alice').emoticons.define('(toolong)', tux)).toThrow(/1 to 7/);
    expect(() => get('alice').emoticons.define('(svg)', new TextEncoder().encode('<svg/>'))).toThrow(/PNG, JPEG, GIF or BMP/);

    const announced = new Map<string, EmoticonEvents['announced']>();
    for (const n of ['bob', 'carol']) get(n).emoticons.events.on('announced', (e) => announced.set(n, e));
    const rb = new Recorder(get('bob'));
    const rc = new Recorder(get('carol'));
    const conv = get('alice').conversations.start(['bob@example.com', 'carol@example.com']);
    get('alice').conversations.send(conv.id, 'look, a penguin (tux)!');
    await rb.waitFor('message.received', (e) => e.message.text === 'look, a penguin (tux)!');
    await rc.waitFor('message.received', (e) => e.message.text === 'look, a penguin (tux)!');
    await waitUntil(() => announced.size === 2);
    for (const n of ['bob', 'carol']) {
      expect(announced.get(n)).toMatchObject({ sender: 'alice@example.com', emoticons: [{ shortcut: '(tux)', object: { type: 2, size: 6000, sha1d: sha1(tux) } }] });
    }
    const [b, c] = await Promise.all([get('bob').emoticons.fetch('alice@example.com', '(tux)'), get('carol').emoticons.fetch('alice@example.com', '(tux)')]);
    expect(sha1(b.bytes)).toBe(sha1(tux));
    expect(sha1(c.bytes)).toBe(sha1(tux));
    expect(b.mime).toBe('image/gif');
    // Unknown shortcut: a clear error, no transfer.
    await expect(get('bob').emoticons.fetch('alice@example.com', '(nope)')).rejects.toMatchObject({ code: 'no-object' });
    // The announcement is handled, not shown as content Monarch cannot show.
    expect(rb.of('content.unsupported')).toEqual([]);
    expect(rc.of('content.unsupported')).toEqual([]);
    // The bystander of each transfer dropped the other's chunks.
    expect(get('bob').p2pStats().notForMe + get('carol').p2pStats().notForMe).toBeGreaterThan(0);
  });
});
