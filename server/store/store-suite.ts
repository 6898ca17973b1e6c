/**
 * The `Store` contract as tests, run unchanged against every engine (sqlite-store.test.ts,
 * postgres-store.test.ts; issue 13: "the store suite runs unchanged against SQLite and
 * PostgreSQL"). What is engine-specific (files and their modes, migrations, pools) stays in
 * each engine's own test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIST_BITS } from '../../shared/msnp/index';
import { DuplicateUserError, type NewOim, type Store } from './store';

/** One empty database per test; `open()` may be called again to reopen the same database. */
export interface StoreHarness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const creds = { passwordHash: 'scrypt$x', md5Secret: new Uint8Array([1, 2, 3]) };
const noMd5 = { passwordHash: 'scrypt$x', md5Secret: undefined };
const LIMITS = { maxCount: 3, maxBytes: 1000 };

let n = 0;
function oim(over: Partial<NewOim> = {}): NewOim {
  n++;
  return {
    messageId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
    sender: 'bob@example.com',
    senderName: 'Bob ☕',
    runId: '{3A0B4C5D-6E7F-4081-92A3-B4C5D6E7F809}',
    runSequence: n,
    content: `MIME-Version: 1.0\nX-OIM-Sequence-Num: ${n}\n\naGk=`,
    origin: '127.0.0.1',
    receivedAt: 1_700_000_000_000 + n,
    ...over,
  };
}

export function describeStoreSuite(engine: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${engine}`, () => {
    const opened: Store[] = [];
    let harness: StoreHarness | undefined;
    const open = async (): Promise<Store> => {
      harness ??= await makeHarness();
      const s = await harness.open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await harness?.cleanup();
      harness = undefined;
    });

    it('creates users with group 0, refuses a taken handle, and keeps lists, settings and credentials across a reopen', async () => {
      const store = await open();
      const u = await store.createUser({ handle: 'a@example.com', friendlyName: 'A ☕', credentials: creds, now: 1_700_000_000_123 });
      expect(u).toEqual({ id: u.id, handle: 'a@example.com', friendlyName: 'A ☕', blp: 'AL', gtc: 'A', listVersion: 1, listStamp: 1_700_000_000_123, settingsStamp: 1_700_000_000_123, historySince: 0 });
      await expect(store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1 })).rejects.toThrow(DuplicateUserError);
      await store.saveContact(u.id, { handle: 'b@example.com', lists: LIST_BITS.FL | LIST_BITS.AL, name: 'B', guid: 'g-1', groups: [0, 3] });
      await store.saveGroup(u.id, { id: 3, guid: 'g-3', name: 'Friends' });
      await store.saveProperty(u.id, 'PHH', '555');
      await store.saveProperty(u.id, 'MOB', 'Y');
      await store.saveProperty(u.id, 'MOB', undefined);
      await store.saveUser({ ...u, friendlyName: 'Renamed', blp: 'BL', gtc: 'N', listVersion: 7, listStamp: 1_700_000_000_999, settingsStamp: 1_700_000_001_000, historySince: 1_700_000_000_500 });
      await store.close();

      const again = await open();
      const acc = await again.loadAccount('a@example.com');
      expect(acc?.user).toEqual({ id: u.id, handle: 'a@example.com', friendlyName: 'Renamed', blp: 'BL', gtc: 'N', listVersion: 7, listStamp: 1_700_000_000_999, settingsStamp: 1_700_000_001_000, historySince: 1_700_000_000_500 });
      expect(acc?.contacts).toEqual([{ handle: 'b@example.com', lists: 3, name: 'B', guid: 'g-1', groups: [0, 3] }]);
      expect(acc?.groups).toEqual([
        { id: 0, guid: '00000000-0000-0000-0000-000000000000', name: '~' },
        { id: 3, guid: 'g-3', name: 'Friends' },
      ]);
      expect([...(acc?.properties ?? [])]).toEqual([['PHH', '555']]);
      expect((await again.getCredentials('a@example.com'))?.md5Secret).toEqual(new Uint8Array([1, 2, 3]));
      expect(await again.getUser('nobody@example.com')).toBeUndefined();
      expect(await again.loadAccount('nobody@example.com')).toBeUndefined();
      expect(await again.getCredentials('nobody@example.com')).toBeUndefined();
    });

    it('changes credentials, lists users by handle, and deletes a user with every entry pointing at it', async () => {
      const store = await open();
      const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1 });
      const b = await store.createUser({ handle: 'b@example.com', friendlyName: 'B', credentials: noMd5, now: 1 });
      expect((await store.getCredentials('b@example.com'))?.md5Secret).toBeUndefined();
      expect(await store.setCredentials('b@example.com', { passwordHash: 'scrypt$y', md5Secret: new Uint8Array([9]) })).toBe(true);
      expect(await store.getCredentials('b@example.com')).toEqual({ passwordHash: 'scrypt$y', md5Secret: new Uint8Array([9]) });
      expect(await store.setCredentials('nobody@example.com', noMd5)).toBe(false);
      expect((await store.listUsers()).map((u) => u.handle)).toEqual(['a@example.com', 'b@example.com']);

      await store.saveContact(a.id, { handle: 'b@example.com', lists: LIST_BITS.FL, name: 'B', guid: 'g-ab', groups: [] });
      await store.saveContact(b.id, { handle: 'a@example.com', lists: LIST_BITS.RL, name: 'A', guid: 'g-ba', groups: [] });
      await store.saveGroup(b.id, { id: 1, guid: 'g-b1', name: 'Work' });
      expect(await store.usersListing('b@example.com')).toEqual(['a@example.com']);
      expect(await store.deleteUser('b@example.com')).toBe(true);
      expect(await store.deleteUser('b@example.com')).toBe(false);
      expect(await store.getUser('b@example.com')).toBeUndefined();
      expect((await store.loadAccount('a@example.com'))?.contacts).toEqual([]);
      expect(await store.usersListing('b@example.com')).toEqual([]);
      // A new account with the old handle starts empty.
      await store.createUser({ handle: 'b@example.com', friendlyName: 'B2', credentials: noMd5, now: 2 });
      const fresh = await store.loadAccount('b@example.com');
      expect(fresh?.contacts).toEqual([]);
      expect(fresh?.groups.map((g) => g.id)).toEqual([0]);
    });

    it('keeps the change journal: one row per entry (moved by a later change), forgotten up to a stamp with the user row', async () => {
      const store = await open();
      const u = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
      expect((await store.loadAccount('a@example.com'))?.changes).toEqual([]);
      await store.applyAccountChanges({ ...u, listStamp: 1_700_000_000_005 }, [
        { kind: 'contact', contact: { handle: 'b@example.com', lists: LIST_BITS.FL, name: 'B', guid: 'c-b', groups: [] } },
        { kind: 'ab-change', change: { kind: 'contact', guid: 'c-b', handle: 'b@example.com', changedAt: 1_700_000_000_005 } },
        { kind: 'ab-change', change: { kind: 'group', guid: 'g-1', handle: '', changedAt: 1_700_000_000_005 } },
      ]);
      await store.applyAccountChanges({ ...u, listStamp: 1_700_000_000_009 }, [
        { kind: 'delete-contact', handle: 'b@example.com', guid: 'c-b' },
        { kind: 'ab-change', change: { kind: 'contact', guid: 'c-b', handle: 'b@example.com', changedAt: 1_700_000_000_009 } },
      ]);
      let acc = await store.loadAccount('a@example.com');
      expect(acc?.contacts).toEqual([]);
      expect(acc?.changes).toEqual([
        { kind: 'group', guid: 'g-1', handle: '', changedAt: 1_700_000_000_005 },
        { kind: 'contact', guid: 'c-b', handle: 'b@example.com', changedAt: 1_700_000_000_009 },
      ]);
      await store.applyAccountChanges({ ...u, listStamp: 1_700_000_000_010, historySince: 1_700_000_000_005 }, [{ kind: 'forget-ab-changes', upTo: 1_700_000_000_005 }]);
      acc = await store.loadAccount('a@example.com');
      expect(acc?.changes.map((c) => c.guid)).toEqual(['c-b']);
      expect(acc?.user.historySince).toBe(1_700_000_000_005);
      // The journal goes with the account.
      await store.deleteUser('a@example.com');
      await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 2 });
      expect((await store.loadAccount('a@example.com'))?.changes).toEqual([]);
    });

    it('applies an account change set in order with the user row, all or nothing', async () => {
      const store = await open();
      const u = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
      await store.applyAccountChanges({ ...u, listVersion: 2, listStamp: 5 }, [
        { kind: 'group', group: { id: 1, guid: 'g-1', name: 'One' } },
        { kind: 'contact', contact: { handle: 'b@example.com', lists: LIST_BITS.FL, name: 'B', guid: 'c-b', groups: [1] } },
        { kind: 'property', key: 'PHH', value: '1' },
      ]);
      await store.applyAccountChanges({ ...u, listVersion: 3, listStamp: 6 }, [
        { kind: 'contact', contact: { handle: 'b@example.com', lists: LIST_BITS.FL | LIST_BITS.BL, name: 'B', guid: 'c-b', groups: [] } },
        { kind: 'delete-group', id: 1 },
        { kind: 'property', key: 'PHH', value: undefined },
      ]);
      let acc = await store.loadAccount('a@example.com');
      expect(acc?.user.listVersion).toBe(3);
      expect(acc?.user.listStamp).toBe(6);
      expect(acc?.contacts).toEqual([{ handle: 'b@example.com', lists: LIST_BITS.FL | LIST_BITS.BL, name: 'B', guid: 'c-b', groups: [] }]);
      expect(acc?.groups.map((g) => g.id)).toEqual([0]);
      expect(acc?.properties.size).toBe(0);
      await store.applyAccountChanges({ ...u, listVersion: 4, listStamp: 7 }, [{ kind: 'delete-contact', handle: 'b@example.com' }]);
      acc = await store.loadAccount('a@example.com');
      expect(acc?.contacts).toEqual([]);
      expect(acc?.user.listVersion).toBe(4);

      // A change set that fails part-way (a contact without a name breaks NOT NULL) leaves nothing behind.
      await expect(
        store.applyAccountChanges({ ...u, listVersion: 99 }, [
          { kind: 'contact', contact: { handle: 'c@example.com', lists: LIST_BITS.FL, name: 'C', guid: 'c-c', groups: [] } },
          { kind: 'contact', contact: { handle: 'd@example.com', lists: LIST_BITS.FL, name: null as unknown as string, guid: 'c-d', groups: [] } },
        ]),
      ).rejects.toThrow();
      acc = await store.loadAccount('a@example.com');
      expect(acc?.contacts).toEqual([]);
      expect(acc?.user.listVersion).toBe(4);
    });

    it('two creations of one handle at once: one account, the other refused', async () => {
      const store = await open();
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => store.createUser({ handle: 'same@example.com', friendlyName: `S${i}`, credentials: noMd5, now: 1 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateUserError);
      expect((await store.listUsers()).map((u) => u.handle)).toEqual(['same@example.com']);
    });

    describe('offline messages (MSNP13-18.md §9.3)', () => {
      it('keeps messages in arrival order across a reopen, with what the sender sent', async () => {
        const store = await open();
        const alice = await store.createUser({ handle: 'alice@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
        const first = oim({ receivedAt: 5000 });
        // A later arrival with an earlier clock still lists after: arrival order, not the stamp.
        const second = oim({ receivedAt: 4000, content: 'Grüße\r\n\r\nx' });
        expect(await store.addOim(alice.id, first, LIMITS)).toBe('stored');
        expect(await store.addOim(alice.id, second, LIMITS)).toBe('stored');
        await store.close();

        const again = await open();
        const listed = await again.listOims(alice.id);
        expect(listed.map((m) => m.messageId)).toEqual([first.messageId, second.messageId]);
        expect(listed[1]).toEqual({ ...second, read: false, contentBytes: Buffer.byteLength(second.content) });
        expect(listed[1]?.contentBytes).toBe(second.content.length + 2); // ü and ß are two bytes each
      });

      it('refuses past the count or the size limit and stores nothing then', async () => {
        const store = await open();
        const u = await store.createUser({ handle: 'u@example.com', friendlyName: 'U', credentials: noMd5, now: 1 });
        const v = await store.createUser({ handle: 'v@example.com', friendlyName: 'V', credentials: noMd5, now: 1 });
        expect(await store.addOim(u.id, oim({ content: 'x'.repeat(900) }), LIMITS)).toBe('stored');
        expect(await store.addOim(u.id, oim({ content: 'y'.repeat(101) }), LIMITS)).toBe('size-limit');
        expect(await store.addOim(u.id, oim({ content: 'y'.repeat(100) }), LIMITS)).toBe('stored'); // exactly 1000 bytes
        expect(await store.addOim(u.id, oim({ content: 'z' }), LIMITS)).toBe('size-limit');
        expect((await store.listOims(u.id)).map((m) => m.contentBytes)).toEqual([900, 100]);
        for (let i = 0; i < 3; i++) expect(await store.addOim(v.id, oim(), LIMITS)).toBe('stored');
        expect(await store.addOim(v.id, oim(), LIMITS)).toBe('count-limit');
        expect(await store.listOims(v.id)).toHaveLength(3);
        // Deleting frees room again.
        expect(await store.deleteOims(v.id, [(await store.listOims(v.id))[0]!.messageId])).toBe(1);
        expect(await store.addOim(v.id, oim(), LIMITS)).toBe('stored');
      });

      it('many messages stored at once for one recipient, through two connections to the database (two nodes), never pass the limit', async () => {
        const store = await open();
        const other = await open();
        const u = await store.createUser({ handle: 'u@example.com', friendlyName: 'U', credentials: noMd5, now: 1 });
        // Warm both: every pooled connection open, so the adds below really run side by side.
        await Promise.all([store, other].flatMap((s) => Array.from({ length: 8 }, () => s.getUser('u@example.com'))));
        for (let round = 0; round < 3; round++) {
          const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : other).addOim(u.id, oim(), LIMITS)));
          expect(results.filter((r) => r === 'stored')).toHaveLength(round === 0 ? 3 : 0);
          expect(await store.listOims(u.id)).toHaveLength(3);
        }
      });

      it("never returns, marks or deletes another recipient's message; a delete naming one deletes nothing", async () => {
        const store = await open();
        const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
        const b = await store.createUser({ handle: 'b@example.com', friendlyName: 'B', credentials: noMd5, now: 1 });
        const forA = oim();
        const forB = oim();
        await store.addOim(a.id, forA, LIMITS);
        await store.addOim(b.id, forB, LIMITS);
        expect(await store.getOim(a.id, forB.messageId)).toBeUndefined();
        expect(await store.markOimRead(a.id, forB.messageId)).toBe(false);
        expect(await store.deleteOims(a.id, [forA.messageId, forB.messageId])).toBeUndefined();
        expect((await store.listOims(a.id)).map((m) => m.messageId)).toEqual([forA.messageId]);
        expect((await store.listOims(b.id)).map((m) => m.messageId)).toEqual([forB.messageId]);
        expect(await store.deleteOims(a.id, ['no-such-id'])).toBeUndefined();

        expect(await store.findOim(a.id, forA.sender, forA.runId, forA.runSequence)).toBe(forA.messageId);
        expect(await store.findOim(a.id, forB.sender, forB.runId, forB.runSequence)).toBeUndefined();
        expect(await store.markOimRead(a.id, forA.messageId)).toBe(true);
        expect((await store.getOim(a.id, forA.messageId))?.read).toBe(true);
        expect(await store.deleteOims(a.id, [forA.messageId, forA.messageId])).toBe(1);
        expect(await store.listOims(a.id)).toEqual([]);
        // Deleted once: a second delete of it is an unknown id.
        expect(await store.deleteOims(a.id, [forA.messageId])).toBeUndefined();
      });

      it('two deletes of the same messages at once: one deletes them, the other finds them gone', async () => {
        const store = await open();
        const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
        const ids = [oim(), oim()];
        for (const m of ids) await store.addOim(a.id, m, LIMITS);
        const results = await Promise.all([1, 2, 3].map(() => store.deleteOims(a.id, ids.map((m) => m.messageId))));
        expect(results.filter((r) => r === 2)).toHaveLength(1);
        expect(results.filter((r) => r === undefined)).toHaveLength(2);
      });

      it("goes with the recipient's account, not the sender's", async () => {
        const store = await open();
        const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: noMd5, now: 1 });
        const s = await store.createUser({ handle: 'bob@example.com', friendlyName: 'B', credentials: noMd5, now: 1 });
        await store.addOim(a.id, oim({ sender: 'bob@example.com' }), LIMITS);
        await store.addOim(s.id, oim({ sender: 'a@example.com' }), LIMITS);
        expect(await store.deleteUser('bob@example.com')).toBe(true);
        expect(await store.listOims(a.id)).toHaveLength(1);
        expect(await store.listOims(s.id)).toEqual([]);
      });
    });
  });
}
