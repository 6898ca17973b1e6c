import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';
import type { NewOim } from './store';

const creds = { passwordHash: 'scrypt$x', md5Secret: undefined };
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

describe('SqliteStore offline messages (MSNP13-18.md §9.3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-oim-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps messages in arrival order across a reopen, with what the sender sent', async () => {
    const store = openSqliteStore(dir);
    const alice = await store.createUser({ handle: 'alice@example.com', friendlyName: 'A', credentials: creds, now: 1 });
    const first = oim({ receivedAt: 5000 });
    // A later arrival with an earlier clock still lists after: arrival order, not the stamp.
    const second = oim({ receivedAt: 4000, content: 'Grüße\r\n\r\nx' });
    expect(await store.addOim(alice.id, first, LIMITS)).toBe('stored');
    expect(await store.addOim(alice.id, second, LIMITS)).toBe('stored');
    await store.close();

    const again = openSqliteStore(dir);
    const listed = await again.listOims(alice.id);
    expect(listed.map((m) => m.messageId)).toEqual([first.messageId, second.messageId]);
    expect(listed[1]).toEqual({ ...second, read: false, contentBytes: Buffer.byteLength(second.content) });
    expect(listed[1]?.contentBytes).toBe(second.content.length + 2); // ü and ß are two bytes each
    await again.close();
  });

  it('refuses past the count or the size limit and stores nothing then', async () => {
    const store = openSqliteStore(undefined);
    const u = await store.createUser({ handle: 'u@example.com', friendlyName: 'U', credentials: creds, now: 1 });
    const big = oim({ content: 'x'.repeat(900) });
    expect(await store.addOim(u.id, big, LIMITS)).toBe('stored');
    expect(await store.addOim(u.id, oim({ content: 'y'.repeat(101) }), LIMITS)).toBe('size-limit');
    expect(await store.addOim(u.id, oim({ content: 'y'.repeat(100) }), LIMITS)).toBe('stored'); // exactly 1000 bytes
    expect(await store.addOim(u.id, oim({ content: 'z' }), LIMITS)).toBe('size-limit');
    expect((await store.listOims(u.id)).map((m) => m.contentBytes)).toEqual([900, 100]);
    const small = openSqliteStore(undefined);
    const v = await small.createUser({ handle: 'v@example.com', friendlyName: 'V', credentials: creds, now: 1 });
    for (let i = 0; i < 3; i++) expect(await small.addOim(v.id, oim(), LIMITS)).toBe('stored');
    expect(await small.addOim(v.id, oim(), LIMITS)).toBe('count-limit');
    expect(await small.listOims(v.id)).toHaveLength(3);
    // Deleting frees room again.
    expect(await small.deleteOims(v.id, [(await small.listOims(v.id))[0]!.messageId])).toBe(1);
    expect(await small.addOim(v.id, oim(), LIMITS)).toBe('stored');
    await store.close();
    await small.close();
  });

  it("never returns, marks or deletes another recipient's message; a delete naming one deletes nothing", async () => {
    const store = openSqliteStore(undefined);
    const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1 });
    const b = await store.createUser({ handle: 'b@example.com', friendlyName: 'B', credentials: creds, now: 1 });
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
    await store.close();
  });

  it("goes with the recipient's account, not the sender's", async () => {
    const store = openSqliteStore(undefined);
    const a = await store.createUser({ handle: 'a@example.com', friendlyName: 'A', credentials: creds, now: 1 });
    const s = await store.createUser({ handle: 'bob@example.com', friendlyName: 'B', credentials: creds, now: 1 });
    await store.addOim(a.id, oim({ sender: 'bob@example.com' }), LIMITS);
    await store.addOim(s.id, oim({ sender: 'a@example.com' }), LIMITS);
    expect(await store.deleteUser('bob@example.com')).toBe(true);
    expect(await store.listOims(a.id)).toHaveLength(1);
    expect(await store.listOims(s.id)).toEqual([]);
    await store.close();
  });
});
