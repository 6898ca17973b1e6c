/**
 * Issue 6 (first run): the scripted demo contacts against the real bundled server on 127.0.0.1,
 * with a real MsnClient as the user. Timings are scaled down (×0.02) so the script runs in
 * seconds; choices come from a seeded random source.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MsnClient } from '../../electron/core/msn/client';
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import { DEMO_CAST, DEMO_USER, demoPicture, provisionDemo, seededRandom, startDemoBots, type DemoBotsController, type DemoProvision } from '../../electron/core/demo';
import type { RunningServer } from '../../server/index';
import { Recorder, startBundled } from '../client/helpers/bundled';

const ADA = 'ada@monarch.local';
const GRACE = 'grace@monarch.local';
const LINUS = 'linus@monarch.local';
const BOTS = DEMO_CAST.map((c) => c.handle);
const FAST = { scale: 0.02 } as const;

let server: RunningServer | undefined;
let controller: DemoBotsController | undefined;
const clients: MsnClient[] = [];

afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  for (const c of clients.splice(0)) await c.signOut();
  await server?.stop();
  server = undefined;
});

function address(s: RunningServer) {
  return { host: s.host, nsPort: s.nsPort, nexusUrl: s.nexusUrl };
}

function userClient(s: RunningServer): MsnClient {
  const c = new MsnClient({ server: { host: s.host, port: s.nsPort, nexusUrl: s.nexusUrl }, reconnect: false, requestTimeoutMs: 5_000 });
  clients.push(c);
  return c;
}

async function provisioned(): Promise<{ s: RunningServer; demo: DemoProvision }> {
  const s = await startBundled();
  server = s;
  const demo = await provisionDemo(s.accounts, { server: address(s) });
  return { s, demo };
}

function lines(handle: string) {
  const c = DEMO_CAST.find((x) => x.handle === handle);
  if (c === undefined) throw new Error(handle);
  return c.lines;
}

async function waitUntil(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('provisionDemo', () => {
  it('creates the demo user and contacts, with each on the other’s list, once', async () => {
    const { s, demo } = await provisioned();
    expect(demo.user).toMatchObject({ handle: DEMO_USER.handle, password: DEMO_USER.password, created: true });
    expect(demo.bots.map((b) => b.handle)).toEqual(BOTS);
    expect(new Set(demo.linked)).toEqual(new Set(BOTS));
    expect(demo.warnings).toEqual([]);
    const names = new Map((await s.accounts.list()).map((a) => [a.handle, a.friendlyName]));
    expect(names.get(DEMO_USER.handle)).toBe(DEMO_USER.friendlyName);
    for (const c of DEMO_CAST) expect(names.get(c.handle)).toBe(c.friendlyName);

    // The user's first sign-in: every demo contact is there, in its group, nothing to decide.
    const user = userClient(s);
    const ru = new Recorder(user);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    const groups = new Map(user.contacts.groups().map((g) => [g.id, g.name]));
    for (const c of DEMO_CAST) {
      const contact = user.contacts.get(c.handle);
      expect(contact?.lists).toEqual({ forward: true, allow: true, block: false, reverse: true, pending: false });
      expect(contact?.groupIds.map((id) => groups.get(id))).toEqual([c.group]);
    }
    expect(ru.of('contact.added-me')).toEqual([]);
    await user.signOut();

    // Again: nothing new to link, the same groups, fresh contact passwords.
    const again = await provisionDemo(s.accounts, { server: address(s) });
    expect(again.user.created).toBe(false);
    expect(again.linked).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(again.bots.map((b) => b.password)).not.toEqual(demo.bots.map((b) => b.password));

    // A contact the user removed stays removed.
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    await user.contacts.remove(GRACE);
    await user.signOut();
    const third = await provisionDemo(s.accounts, { server: address(s) });
    expect(third.linked).toEqual([]);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    expect(user.contacts.get(GRACE)?.lists.forward).toBe(false);
    expect(user.contacts.groups().map((g) => g.name).sort()).toEqual(['Co-workers', 'Friends']);
  });

  it('reports, without failing, a demo user whose password was changed', async () => {
    const s = await startBundled();
    server = s;
    await s.accounts.add(DEMO_USER.handle, 'changed-by-the-user');
    const demo = await provisionDemo(s.accounts, { server: address(s) });
    expect(demo.user.created).toBe(false);
    expect(demo.warnings).toHaveLength(1);
    expect(demo.warnings[0]).toContain('could not add the demo contacts');
    expect(demo.warnings.join(' ')).not.toContain('changed-by-the-user');
    // The contacts still put the user on their lists: the user is asked about them.
    expect(new Set(demo.linked)).toEqual(new Set(BOTS));
    const user = userClient(s);
    await user.signIn({ handle: DEMO_USER.handle, password: 'changed-by-the-user' });
    for (const h of BOTS) expect(user.contacts.get(h)?.lists).toMatchObject({ forward: false, reverse: true });
  });
});

describe('startDemoBots', () => {
  it('comes online, answers, nudges, joins a three-party chat, and signs out on stop()', async () => {
    const { s, demo } = await provisioned();
    const user = userClient(s);
    const ru = new Recorder(user);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });

    controller = startDemoBots({ ...address(s), userHandle: demo.user.handle, bots: demo.bots, random: seededRandom(6), timings: FAST });

    // Presence and personal messages, live.
    for (const c of DEMO_CAST) {
      await ru.waitFor('presence.changed', (e) => e.handle === c.handle && e.status !== 'offline' && e.friendlyName === c.friendlyName);
      await ru.waitFor('personal-message.changed', (e) => e.handle === c.handle && e.personalMessage === c.personalMessage);
    }
    expect(controller.status().every((b) => b.phase === 'online')).toBe(true);

    // Grace says hello and nudges, once.
    const nudge = await ru.waitFor('nudge.received', (e) => e.handle === GRACE);
    const hello = await ru.waitFor('message.received', (e) => e.message.sender === GRACE);
    expect(hello.message.conversationId).toBe(nudge.conversationId);
    expect(hello.message.text).toBe(DEMO_CAST.find((c) => c.handle === GRACE)?.nudgeLine);

    // Writing to Ada: a typing notice, then an answer that fits the text.
    const conv = user.conversations.start([ADA]);
    user.conversations.send(conv.id, 'Hi Ada! How are you?');
    const typing = await ru.waitFor('typing.received', (e) => e.conversationId === conv.id && e.handle === ADA);
    const answer = await ru.waitFor('message.received', (e) => e.message.conversationId === conv.id && e.message.sender === ADA);
    expect(answer.message.timestamp).toBeGreaterThanOrEqual(typing.at);
    expect(lines(ADA).howAreYou).toContain(answer.message.text);

    // Ada brings Linus (her partner) in: three people, and Linus speaks.
    const joined = await ru.waitFor('conversation.participant-joined', (e) => e.conversationId === conv.id && e.participant.handle === LINUS);
    expect(joined.participant.friendlyName).toBe('Linus Kettle');
    expect(user.conversations.get(conv.id)?.participants.map((p) => p.handle).sort()).toEqual([ADA, LINUS]);
    const linusHello = await ru.waitFor('message.received', (e) => e.message.conversationId === conv.id && e.message.sender === LINUS);
    expect(linusHello.message.text).toBe('Hi. Ada pulled me in here, what did I miss?');

    // In the group, the one named answers.
    ru.clear();
    user.conversations.send(conv.id, 'Linus, thanks for coming!');
    await ru.waitFor('message.received', (e) => e.message.conversationId === conv.id && e.message.sender === LINUS && lines(LINUS).thanks.includes(e.message.text));

    // Later Linus says goodbye and leaves; Ada stays.
    const bye = await ru.waitFor('message.received', (e) => e.message.conversationId === conv.id && e.message.sender === LINUS && lines(LINUS).joinBye.includes(e.message.text));
    expect(bye).toBeDefined();
    await ru.waitFor('conversation.participant-left', (e) => e.conversationId === conv.id && e.handle === LINUS);
    expect(user.conversations.get(conv.id)?.participants.map((p) => p.handle)).toEqual([ADA]);
    expect(ru.of('message.received').filter((e) => e.message.sender === ADA)).toEqual([]);

    // Statuses and personal messages change over time (moods every ~0.5–1.2 s here).
    await ru.waitFor('presence.changed', (e) => BOTS.includes(e.handle) && (e.status === 'away' || e.status === 'busy' || e.status === 'phone' || e.status === 'lunch' || e.status === 'brb'));
    await ru.waitFor('personal-message.changed', (e) => BOTS.includes(e.handle) && !DEMO_CAST.some((c) => c.personalMessage === e.personalMessage));

    // Only one group chat and one nudge per run.
    expect(ru.of('nudge.received')).toHaveLength(0);

    // stop(): everyone signs out, no timer left.
    ru.clear();
    await controller.stop();
    for (const h of BOTS) await ru.waitFor('presence.changed', (e) => e.handle === h && e.status === 'offline');
    expect(controller.status().every((b) => b.phase === 'stopped')).toBe(true);
    expect(controller.bots.map((b) => b.liveTimers)).toEqual([0, 0, 0, 0]);
    expect(controller.bots.every((b) => b.msn.state.status === 'signed-out')).toBe(true);
  });

  it('is already there when the user signs in later, and still nudges once', async () => {
    const { s, demo } = await provisioned();
    controller = startDemoBots({ ...address(s), userHandle: demo.user.handle, bots: demo.bots, random: seededRandom(1), timings: { ...FAST, moodMinMs: 600_000, moodMaxMs: 600_000 } });
    await waitUntil(() => controller?.status().every((b) => b.phase === 'online') === true);

    const user = userClient(s);
    const ru = new Recorder(user);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    for (const c of DEMO_CAST) {
      await waitUntil(() => user.contacts.get(c.handle)?.status === c.firstStatus);
      await waitUntil(() => user.contacts.get(c.handle)?.personalMessage === c.personalMessage);
    }
    await ru.waitFor('nudge.received', (e) => e.handle === GRACE);

    // Nudging a demo contact back gets an answer too.
    const conv = user.conversations.start([GRACE]);
    user.conversations.nudge(conv.id);
    const answer = await ru.waitFor('message.received', (e) => e.message.sender === GRACE && lines(GRACE).nudged.includes(e.message.text));
    expect(answer).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(ru.of('nudge.received')).toHaveLength(1);
  });

  it('keeps the others going when one contact cannot sign in', async () => {
    const { s, demo } = await provisioned();
    const warnings: string[] = [];
    const bots = demo.bots.map((b) => (b.handle === GRACE ? { ...b, password: 'not-her-password' } : b));
    controller = startDemoBots({ ...address(s), userHandle: demo.user.handle, bots, random: seededRandom(2), timings: FAST, log: (level, message) => level === 'warn' && warnings.push(message) });
    await waitUntil(() => controller?.status().find((b) => b.handle === GRACE)?.phase === 'failed');
    await waitUntil(() => controller?.status().filter((b) => b.handle !== GRACE).every((b) => b.phase === 'online') === true);
    expect(warnings.some((w) => w.includes(GRACE) && w.includes('giving up'))).toBe(true);
    expect(warnings.join(' ')).not.toContain('not-her-password');
  });
});

describe('the demo on an old dialect', () => {
  it('each contact has a display picture of our own artwork, which the user fetches over P2P (MSNP12)', async () => {
    const { s, demo } = await provisioned();
    const user = userClient(s);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    controller = startDemoBots({ ...address(s), userHandle: demo.user.handle, bots: demo.bots, random: seededRandom(4), timings: FAST });
    const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('base64');
    const seen = new Set<string>();
    for (const c of DEMO_CAST) {
      const art = demoPicture(c.handle);
      expect(art, c.handle).toBeDefined();
      const decoded = PNG.sync.read(Buffer.from(art as Uint8Array));
      expect([decoded.width, decoded.height]).toEqual([96, 96]);
      seen.add(sha1(art as Uint8Array));
      // Announced in the contact's presence, then fetched peer to peer and checked by SHA1D.
      await waitUntil(() => user.pictures.objectOf(c.handle) !== undefined);
      expect(user.pictures.objectOf(c.handle)?.sha1d).toBe(sha1(art as Uint8Array));
      const got = await user.pictures.fetch(c.handle);
      expect(got.mime).toBe('image/png');
      expect(Buffer.from(got.bytes).equals(Buffer.from(art as Uint8Array))).toBe(true);
    }
    // Four different pictures.
    expect(seen.size).toBe(DEMO_CAST.length);
    // Every transfer finished and nothing is left half-received.
    expect(user.p2pStats()).toMatchObject({ sessions: 0, partialMessages: 0 });
  });

  it('runs on MSNP7 (MD5 sign-in, groups, no personal messages)', async () => {
    const s = await startBundled();
    server = s;
    const old = { host: s.host, nsPort: s.nsPort, dialect: 7 as const };
    const demo = await provisionDemo(s.accounts, { server: old });
    expect(demo.warnings).toEqual([]);
    controller = startDemoBots({ ...old, userHandle: demo.user.handle, bots: demo.bots, random: seededRandom(3), timings: FAST });
    const user = new MsnClient({ server: { host: s.host, port: s.nsPort, dialects: { min: 7, max: 7 } }, reconnect: false });
    clients.push(user);
    const ru = new Recorder(user);
    await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password });
    expect(user.contacts.groups().map((g) => g.name).sort()).toEqual(expect.arrayContaining(['Co-workers', 'Friends']));
    await waitUntil(() => user.contacts.get(ADA)?.status === 'online');
    const conv = user.conversations.start([ADA]);
    user.conversations.send(conv.id, 'thanks!');
    const answer = await ru.waitFor('message.received', (e) => e.message.sender === ADA);
    expect(lines(ADA).thanks).toContain(answer.message.text);
    expect(ru.of('personal-message.changed')).toEqual([]);
    // No MSNObject below MSNP9: the demo contacts show the default picture there.
    expect(user.pictures.objectOf(ADA)).toBeUndefined();
  });
});
