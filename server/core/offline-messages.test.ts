import { describe, expect, it } from 'vitest';
import { LIST_BITS } from '../../shared/msnp/index';
import { openSqliteStore } from '../store/sqlite-store';
import { ListManager } from './lists';
import { OfflineMessages } from './offline-messages';
import { PresenceHub, type Endpoint, type PresenceView } from './presence';

const creds = { passwordHash: 'scrypt$x', md5Secret: undefined };
const RUN = '{3A0B4C5D-6E7F-4081-92A3-B4C5D6E7F809}';

async function setup(limits = { maxPerRecipient: 100, maxBytesPerRecipient: 1 << 20, sendsPerMinute: 30 }) {
  const store = openSqliteStore(undefined);
  for (const h of ['alice@x.com', 'bob@x.com', 'carol@x.com']) await store.createUser({ handle: h, friendlyName: h.split('@')[0]!.toUpperCase(), credentials: creds, now: 1 });
  const lists = new ListManager(store, () => 1);
  const presence = new PresenceHub(lists);
  let t = 0;
  const offline = new OfflineMessages(store, lists, presence, limits, () => t);
  const msg = (sender: string, recipient: string, runSequence = 1) => ({ sender, recipient, runId: RUN, runSequence, content: `X-OIM-Sequence-Num: ${runSequence}\n\nx`, origin: '10.0.0.1' });
  const signIn = async (handle: string, state: PresenceView['state']) => {
    const account = (await lists.acquire(handle))!;
    const ep = { handle, watching: true, presence: { handle, friendlyName: handle, state, caps: 0, extendedCaps: undefined, msnObject: undefined, personalMessage: undefined } } as unknown as Endpoint;
    presence.register(ep);
    return account;
  };
  return { store, lists, presence, offline, msg, signIn, advance: (ms: number) => (t += ms) };
}

describe('OfflineMessages (MSNP13-18.md §9.3)', () => {
  it("stores with the sender's own name, in order, and tells the listener; the recipient alone lists, reads and deletes", async () => {
    const { offline, msg } = await setup();
    const stored: string[] = [];
    const deleted: Array<[string, number]> = [];
    offline.onStored = (r, rec) => stored.push(`${r}:${rec.senderName}`);
    offline.onDeleted = (r, n) => deleted.push([r, n]);
    const a = await offline.leave(msg('bob@x.com', 'alice@x.com', 1));
    const b = await offline.leave(msg('carol@x.com', 'alice@x.com', 1));
    expect(a.kind).toBe('stored');
    expect(stored).toEqual(['alice@x.com:BOB', 'alice@x.com:CAROL']);
    const ids = (await offline.list('alice@x.com')).map((m) => m.messageId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(await offline.list('bob@x.com')).toEqual([]);
    expect(await offline.get('bob@x.com', ids[0]!, true)).toBeUndefined();
    expect((await offline.get('alice@x.com', ids[0]!, false))?.read).toBe(false);
    expect((await offline.get('alice@x.com', ids[0]!, true))?.read).toBe(true);
    expect(await offline.delete('bob@x.com', ids)).toBeUndefined();
    expect(deleted).toEqual([]);
    expect(await offline.delete('alice@x.com', ids)).toBe(2);
    expect(deleted).toEqual([['alice@x.com', 2]]);
    expect(b.kind).toBe('stored');
  });

  it('a resend of the same run and sequence is acknowledged, not stored twice', async () => {
    const { offline, msg } = await setup();
    const first = await offline.leave(msg('bob@x.com', 'alice@x.com', 3));
    const again = await offline.leave(msg('bob@x.com', 'alice@x.com', 3));
    expect(again).toEqual({ kind: 'duplicate', messageId: first.kind === 'stored' ? first.record.messageId : '' });
    expect(await offline.list('alice@x.com')).toHaveLength(1);
  });

  it('privacy: BL and BLP=BL refuse like an unknown recipient; AL lets through BLP=BL', async () => {
    const { offline, lists, msg } = await setup();
    const alice = (await lists.acquire('alice@x.com'))!;
    await lists.addToList(alice, 'BL', 'bob@x.com', 'bob@x.com', undefined, true);
    expect(await offline.leave(msg('bob@x.com', 'alice@x.com'))).toEqual({ kind: 'unavailable' });
    expect(await offline.leave(msg('bob@x.com', 'nobody@x.com'))).toEqual({ kind: 'unavailable' });
    expect(await offline.leave(msg('bob@x.com', 'bob@x.com'))).toEqual({ kind: 'unavailable' });
    await lists.setPrivacy(alice, 'BL');
    expect(await offline.leave(msg('carol@x.com', 'alice@x.com'))).toEqual({ kind: 'unavailable' });
    await lists.addToList(alice, 'AL', 'carol@x.com', 'carol@x.com', undefined, true);
    expect(alice.contacts.get('carol@x.com')!.lists & LIST_BITS.AL).toBeTruthy();
    expect((await offline.leave(msg('carol@x.com', 'alice@x.com'))).kind).toBe('stored');
    expect(await offline.list('alice@x.com')).toHaveLength(1);
  });

  it('a visibly online recipient is refused; a hidden one gets the message', async () => {
    const { offline, msg, signIn } = await setup();
    await signIn('alice@x.com', 'NLN');
    expect(await offline.leave(msg('bob@x.com', 'alice@x.com'))).toEqual({ kind: 'recipient-online' });
    const fresh = await setup();
    await fresh.signIn('alice@x.com', 'HDN');
    expect((await fresh.offline.leave(msg('bob@x.com', 'alice@x.com'))).kind).toBe('stored');
  });

  it('limits: the box per recipient, the rate per sender', async () => {
    const { offline, msg, advance } = await setup({ maxPerRecipient: 2, maxBytesPerRecipient: 1 << 20, sendsPerMinute: 3 });
    expect((await offline.leave(msg('bob@x.com', 'alice@x.com', 1))).kind).toBe('stored');
    expect((await offline.leave(msg('bob@x.com', 'alice@x.com', 2))).kind).toBe('stored');
    expect(await offline.leave(msg('bob@x.com', 'alice@x.com', 3))).toEqual({ kind: 'box-full', limit: 'count' });
    expect(await offline.leave(msg('bob@x.com', 'carol@x.com', 4))).toEqual({ kind: 'too-fast' });
    advance(60_000);
    expect((await offline.leave(msg('bob@x.com', 'carol@x.com', 5))).kind).toBe('stored');
  });
});
