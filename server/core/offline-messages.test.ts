import { describe, expect, it } from 'vitest';
import { LIST_BITS } from '../../shared/msnp/index';
import { openSqliteStore } from '../store/sqlite-store';
import { ListManager } from './lists';
import { OfflineMessages } from './offline-messages';
import { PresenceHub, type Endpoint, type PresenceView } from './presence';

const creds = { passwordHash: 'scrypt$x', md5Secret: undefined };
const RUN = '{3A0B4C5D-6E7F-4081-92A3-B4C5D6E7F809}';

function setup(limits = { maxPerRecipient: 100, maxBytesPerRecipient: 1 << 20, sendsPerMinute: 30 }) {
  const store = openSqliteStore(undefined);
  for (const h of ['alice@x.com', 'bob@x.com', 'carol@x.com']) store.createUser({ handle: h, friendlyName: h.split('@')[0]!.toUpperCase(), credentials: creds, now: 1 });
  const lists = new ListManager(store, () => 1);
  const presence = new PresenceHub(lists);
  let t = 0;
  const offline = new OfflineMessages(store, lists, presence, limits, () => t);
  const msg = (sender: string, recipient: string, runSequence = 1) => ({ sender, recipient, runId: RUN, runSequence, content: `X-OIM-Sequence-Num: ${runSequence}\n\nx`, origin: '10.0.0.1' });
  const signIn = (handle: string, state: PresenceView['state']) => {
    const account = lists.acquire(handle)!;
    const ep = { handle, watching: true, presence: { handle, friendlyName: handle, state, caps: 0, extendedCaps: undefined, msnObject: undefined, personalMessage: undefined } } as unknown as Endpoint;
    presence.register(ep);
    return account;
  };
  return { store, lists, presence, offline, msg, signIn, advance: (ms: number) => (t += ms) };
}

describe('OfflineMessages (MSNP13-18.md §9.3)', () => {
  it("stores with the sender's own name, in order, and tells the listener; the recipient alone lists, reads and deletes", () => {
    const { offline, msg } = setup();
    const stored: string[] = [];
    const deleted: Array<[string, number]> = [];
    offline.onStored = (r, rec) => stored.push(`${r}:${rec.senderName}`);
    offline.onDeleted = (r, n) => deleted.push([r, n]);
    const a = offline.leave(msg('bob@x.com', 'alice@x.com', 1));
    const b = offline.leave(msg('carol@x.com', 'alice@x.com', 1));
    expect(a.kind).toBe('stored');
    expect(stored).toEqual(['alice@x.com:BOB', 'alice@x.com:CAROL']);
    const ids = offline.list('alice@x.com').map((m) => m.messageId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(offline.list('bob@x.com')).toEqual([]);
    expect(offline.get('bob@x.com', ids[0]!, true)).toBeUndefined();
    expect(offline.get('alice@x.com', ids[0]!, false)?.read).toBe(false);
    expect(offline.get('alice@x.com', ids[0]!, true)?.read).toBe(true);
    expect(offline.delete('bob@x.com', ids)).toBeUndefined();
    expect(deleted).toEqual([]);
    expect(offline.delete('alice@x.com', ids)).toBe(2);
    expect(deleted).toEqual([['alice@x.com', 2]]);
    expect(b.kind).toBe('stored');
  });

  it('a resend of the same run and sequence is acknowledged, not stored twice', () => {
    const { offline, msg } = setup();
    const first = offline.leave(msg('bob@x.com', 'alice@x.com', 3));
    const again = offline.leave(msg('bob@x.com', 'alice@x.com', 3));
    expect(again).toEqual({ kind: 'duplicate', messageId: first.kind === 'stored' ? first.record.messageId : '' });
    expect(offline.list('alice@x.com')).toHaveLength(1);
  });

  it('privacy: BL and BLP=BL refuse like an unknown recipient; AL lets through BLP=BL', () => {
    const { offline, lists, msg } = setup();
    const alice = lists.acquire('alice@x.com')!;
    lists.addToList(alice, 'BL', 'bob@x.com', 'bob@x.com', undefined, true);
    expect(offline.leave(msg('bob@x.com', 'alice@x.com'))).toEqual({ kind: 'unavailable' });
    expect(offline.leave(msg('bob@x.com', 'nobody@x.com'))).toEqual({ kind: 'unavailable' });
    expect(offline.leave(msg('bob@x.com', 'bob@x.com'))).toEqual({ kind: 'unavailable' });
    lists.setPrivacy(alice, 'BL');
    expect(offline.leave(msg('carol@x.com', 'alice@x.com'))).toEqual({ kind: 'unavailable' });
    lists.addToList(alice, 'AL', 'carol@x.com', 'carol@x.com', undefined, true);
    expect(alice.contacts.get('carol@x.com')!.lists & LIST_BITS.AL).toBeTruthy();
    expect(offline.leave(msg('carol@x.com', 'alice@x.com')).kind).toBe('stored');
    expect(offline.list('alice@x.com')).toHaveLength(1);
  });

  it('a visibly online recipient is refused; a hidden one gets the message', () => {
    const { offline, msg, signIn } = setup();
    signIn('alice@x.com', 'NLN');
    expect(offline.leave(msg('bob@x.com', 'alice@x.com'))).toEqual({ kind: 'recipient-online' });
    const fresh = setup();
    fresh.signIn('alice@x.com', 'HDN');
    expect(fresh.offline.leave(msg('bob@x.com', 'alice@x.com')).kind).toBe('stored');
  });

  it('limits: the box per recipient, the rate per sender', () => {
    const { offline, msg, advance } = setup({ maxPerRecipient: 2, maxBytesPerRecipient: 1 << 20, sendsPerMinute: 3 });
    expect(offline.leave(msg('bob@x.com', 'alice@x.com', 1)).kind).toBe('stored');
    expect(offline.leave(msg('bob@x.com', 'alice@x.com', 2)).kind).toBe('stored');
    expect(offline.leave(msg('bob@x.com', 'alice@x.com', 3))).toEqual({ kind: 'box-full', limit: 'count' });
    expect(offline.leave(msg('bob@x.com', 'carol@x.com', 4))).toEqual({ kind: 'too-fast' });
    advance(60_000);
    expect(offline.leave(msg('bob@x.com', 'carol@x.com', 5)).kind).toBe('stored');
  });
});
