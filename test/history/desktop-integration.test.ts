/**
 * Issue 6 through the real path: real MSN clients against the bundled server on 127.0.0.1, with
 * Alice's domain events driving the history recorder (real SQLite file), the sign-in watcher and
 * the notification decisions, and her protocol traffic going through the protocol console.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/model';
import type { MsnClient } from '../../electron/core/msn/client';
import type { RunningServer } from '../../server/index';
import { ProtocolConsole } from '../../electron/core/console';
import { HistoryRecorder, exportHtml, openHistoryStore, type HistoryStore } from '../../electron/core/history';
import { SignInWatcher, UnreadCounter, decideNotification, type NotificationContext } from '../../electron/core/policies';
import { DEFAULT_PREFERENCES } from '../../electron/core/settings';
import { Recorder, clientFor, startBundled } from '../client/helpers/bundled';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const ALICE_PW = 'alice-secret-pw';

let server: RunningServer | undefined;
let store: HistoryStore | undefined;
let dir = '';
const clients: MsnClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.signOut();
  await server?.stop();
  server = undefined;
  store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each([7, 12] as const)('desktop integration over MSNP%i', (dialect) => {
  it('logs a 1:1 chat that becomes a group, announces only real sign-ins, and masks the console', async () => {
    server = await startBundled();
    await server.accounts.add(ALICE, ALICE_PW, 'Alice');
    await server.accounts.add(BOB, 'bob-pw', 'Bob');
    await server.accounts.add(CAROL, 'carol-pw', 'Carol');
    dir = mkdtempSync(join(tmpdir(), 'monarch-desktop-'));
    store = openHistoryStore(join(dir, 'history.sqlite'));

    const consoleBuffer = new ProtocolConsole({ secrets: () => [ALICE_PW] });
    const make = (tap?: ProtocolConsole['tap']): MsnClient => {
      const c = clientFor(server as RunningServer, dialect, tap ? { tap } : {});
      clients.push(c);
      return c;
    };
    const a = make(consoleBuffer.tap);
    const b = make();
    const c = make();
    const ra = new Recorder(a);
    const rb = new Recorder(b);
    const rc = new Recorder(c);

    // Alice's backend: history, sign-in watcher, notifications, unread counts.
    const errors: unknown[] = [];
    const history = new HistoryRecorder({ store, account: ALICE, selfName: 'Alice', isEnabled: () => true, onError: (e) => errors.push(e) });
    const watcher = new SignInWatcher(Date.now, 1000);
    const toasts: string[] = [];
    const unread = new UnreadCounter();
    const ctx = (initialSync: boolean): NotificationContext => ({
      myStatus: a.self.self.status,
      focus: { appFocused: false, focusedConversationId: null },
      initialSync,
      contactBlocked: false,
      settings: { notifications: DEFAULT_PREFERENCES.notifications, sounds: DEFAULT_PREFERENCES.sounds },
    });
    a.onEvent((e: DomainEvent) => {
      history.handle(e);
      const signedIn = watcher.handle(e);
      const decisions = [];
      if (signedIn) decisions.push(decideNotification({ kind: 'contact-signed-in', ...signedIn }, ctx(signedIn.initialSync)));
      if (e.type === 'message.received') {
        const m = e.message;
        decisions.push(decideNotification({ kind: 'message', conversationId: m.conversationId, direction: m.direction, handle: m.sender, name: m.senderName, text: m.text }, ctx(false)));
      }
      if (e.type === 'nudge.received') decisions.push(decideNotification({ kind: 'nudge', conversationId: e.conversationId, handle: e.handle, name: e.handle }, ctx(false)));
      for (const d of decisions) {
        if (d.toast) toasts.push(d.toast.title);
        unread.add(d.unreadConversationId);
      }
    });

    await b.signIn({ handle: BOB, password: 'bob-pw' });
    await c.signIn({ handle: CAROL, password: 'carol-pw' });
    await a.signIn({ handle: ALICE, password: ALICE_PW });
    await a.contacts.add(BOB);
    await a.contacts.add(CAROL);
    await b.contacts.allow(ALICE);
    await b.contacts.add(ALICE);
    await b.contacts.add(CAROL);
    await c.contacts.allow(ALICE);
    await c.contacts.add(ALICE);
    await c.contacts.add(BOB);

    // Sign in again with Bob and Carol online: their presence is the login burst, no toasts.
    await a.signOut();
    ra.clear();
    await a.signIn({ handle: ALICE, password: ALICE_PW });
    await ra.waitFor('presence.changed', (e) => e.handle === BOB);
    await ra.waitFor('presence.changed', (e) => e.handle === CAROL);
    expect(toasts).toEqual([]);

    // Later, Bob signs out and back in: that one is announced.
    await new Promise((r) => setTimeout(r, 1100));
    await b.signOut();
    await ra.waitFor('presence.changed', (e) => e.handle === BOB && e.status === 'offline');
    await b.signIn({ handle: BOB, password: 'bob-pw' });
    await ra.next('presence.changed', (e) => e.handle === BOB && e.status === 'online');
    expect(toasts).toEqual(['Bob has just signed in.']);

    // A 1:1 chat…
    const conv = a.conversations.start([BOB]);
    const m1 = a.conversations.send(conv.id, 'first from alice');
    await rb.waitFor('message.received', (e) => e.message.text === 'first from alice');
    await ra.waitFor('message.delivery', (e) => e.messageId === m1.id && e.delivery === 'delivered');
    const bobConv = (await rb.waitFor('conversation.started')).conversation;
    b.conversations.send(bobConv.id, 'hi alice, bob here');
    await ra.waitFor('message.received', (e) => e.message.text === 'hi alice, bob here');

    // …becomes a group when Carol is invited.
    await a.conversations.invite(conv.id, CAROL);
    await ra.waitFor('conversation.participant-joined', (e) => e.participant.handle === CAROL);
    const carolConv = (await rc.waitFor('conversation.started')).conversation;
    await rc.waitFor('conversation.participant-joined', (e) => e.participant.handle === BOB);
    c.conversations.send(carolConv.id, 'carol says platypus');
    await ra.waitFor('message.received', (e) => e.message.text === 'carol says platypus');
    c.conversations.nudge(carolConv.id);
    await ra.waitFor('nudge.received', (e) => e.handle === CAROL);
    a.conversations.nudge(conv.id);
    history.handle({ type: 'nudge.sent', conversationId: conv.id, at: Date.now() }); // app-core emits this
    c.conversations.close(carolConv.id);
    await ra.waitFor('conversation.participant-left', (e) => e.handle === CAROL);

    // History: one conversation, one log. The 1:1 part moved into the group log when Carol joined
    // (issue 15 item 6), so Bob's one-to-one log is not left behind with half the chat in it.
    expect(errors).toEqual([]);
    expect(store.findConversation(ALICE, 'one-to-one', BOB)).toBeNull();
    const group = store.findConversation(ALICE, 'group', conv.id)!;
    const lines = (id: number) => store!.recent(id).entries.map((e) => (e.kind === 'message' ? `${e.sender}: ${e.text} (${e.delivery})` : `[${e.kind} ${e.sender}]`));
    expect(lines(group.id)).toEqual([
      `${ALICE}: first from alice (delivered)`,
      `${BOB}: hi alice, bob here (delivered)`,
      `[join ${CAROL}]`,
      `${CAROL}: carol says platypus (delivered)`,
      `[nudge ${CAROL}]`,
      `[nudge ${ALICE}]`,
      `[leave ${CAROL}]`,
    ]);
    expect(group.participants.map((p) => p.handle).sort()).toEqual([BOB, CAROL]);
    const hits = store.search(ALICE, 'platyp');
    expect(hits.map((h) => [h.conversationKey, h.sender])).toEqual([[conv.id, CAROL]]);
    expect(exportHtml(group, store.iterateEntries(group.id))).toContain('carol says platypus');

    // Notifications for the unfocused conversation: two messages and a nudge, all unread.
    expect(toasts).toEqual(['Bob has just signed in.', 'Bob says:', 'Carol says:', `${CAROL} just sent you a nudge!`]);
    expect(unread.get(conv.id)).toBe(3);

    // Console: the traffic is there, secrets are not.
    const report = consoleBuffer.toText();
    expect(report).toContain(dialect >= 8 ? 'TWN' : 'MD5');
    expect(report).toMatch(/XFR \d+ SB \S+ CKI \*\*\*/);
    expect(report).toMatch(/USR \d+ alice@example\.com \*\*\*/);
    expect(report).not.toContain(ALICE_PW);
    expect(report).not.toContain(encodeURIComponent(ALICE_PW));
    expect(report).not.toMatch(/CKI (?!\*\*\*)\S+/);
    // Our login answer is masked (the server's challenge or policy before it is not).
    const answers = consoleBuffer.all().filter((e) => e.direction === 'out' && /^USR \d+ (MD5|TWN) S /.test(e.line));
    expect(answers.length).toBeGreaterThan(0);
    for (const e of consoleBuffer.all()) {
      if (e.direction === 'out' && /^USR \d+ (MD5|TWN) S /.test(e.line)) expect(e.line).toMatch(/ S \*\*\*$/);
      if (e.payload?.includes('MSPAuth')) expect(e.payload).toMatch(/MSPAuth: \*\*\*/);
    }
  }, 60_000);
});
