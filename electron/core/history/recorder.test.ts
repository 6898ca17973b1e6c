import { describe, expect, it } from 'vitest';
import type { ChatMessage, Conversation, DomainEvent } from '../../../shared/model';
import { HistoryRecorder, type RecordableEvent } from './recorder';
import { openHistoryStore } from './sqlite-history-store';
import type { HistoryStore, MessageEntry } from './types';

const ME = 'alice@example.com';
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const bob = { handle: 'bob@example.com', friendlyName: 'Bob' };
const carol = { handle: 'carol@example.com', friendlyName: 'Carol' };

function message(conversationId: string, id: string, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    conversationId,
    direction: 'incoming',
    sender: bob.handle,
    senderName: 'Bob',
    text: `text of ${id}`,
    format: null,
    timestamp: T0,
    delivery: 'delivered',
    ...over,
  };
}

function mine(conversationId: string, id: string, text = `mine ${id}`): ChatMessage {
  return message(conversationId, id, { direction: 'outgoing', sender: ME, senderName: 'Alice', text, delivery: 'sending' });
}

function started(id: string, participants: Conversation['participants'] = []): DomainEvent {
  return { type: 'conversation.started', conversation: { id, participants, startedBy: 'me', startedAt: T0 } };
}

function setup(enabled = { on: true }) {
  const store = openHistoryStore(':memory:');
  const errors: unknown[] = [];
  let clock = T0;
  const rec = new HistoryRecorder({
    store,
    account: ME,
    selfName: 'Alice',
    isEnabled: () => enabled.on,
    onError: (e) => errors.push(e),
    now: () => (clock += 1000),
  });
  const feed = (...events: RecordableEvent[]) => events.forEach((e) => rec.handle(e));
  return { store, rec, feed, errors, enabled };
}

function texts(store: HistoryStore, id: number): string[] {
  return store.recent(id).entries.map((e) => (e.kind === 'message' ? e.text : `[${e.kind} ${e.sender}]`));
}

describe('HistoryRecorder', () => {
  it('writes a 1:1 chat to the contact’s log as it happens, with delivery updates, across sessions', () => {
    const { store, feed, errors } = setup();
    feed(
      started('c1', [bob]),
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'message.received', message: message('c1', 'r1') },
      { type: 'message.queued', message: mine('c1', 'm1') },
    );
    const log = store.findConversation(ME, 'one-to-one', bob.handle);
    expect(log).not.toBeNull();
    expect(texts(store, log!.id)).toEqual(['text of r1', 'mine m1']);
    feed({ type: 'message.delivery', conversationId: 'c1', messageId: 'm1', delivery: 'failed', failure: { reason: 'timeout', message: 'x' } });
    expect((store.recent(log!.id).entries[1] as MessageEntry).delivery).toBe('failed');

    // A later chat with Bob (another conversation id) continues the same log.
    feed(
      { type: 'conversation.closed', conversationId: 'c1' },
      started('c2', [bob]),
      { type: 'nudge.received', conversationId: 'c2', handle: bob.handle, at: T0 + 5 },
      { type: 'nudge.sent', conversationId: 'c2', at: T0 + 6 },
    );
    expect(texts(store, log!.id)).toEqual(['text of r1', 'mine m1', '[nudge bob@example.com]', '[nudge alice@example.com]']);
    expect(store.recent(log!.id).entries[3]).toMatchObject({ kind: 'nudge', direction: 'outgoing', senderName: 'Alice' });
    expect(store.listConversations(ME)).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('moves to a group log when a second person joins, taking the chat so far along: one conversation, one log', () => {
    const { store, feed } = setup();
    feed(
      // An earlier chat with Bob stays in his log.
      started('c0', [bob]),
      { type: 'message.received', message: message('c0', 'r0', { text: 'yesterday' }) },
      { type: 'conversation.closed', conversationId: 'c0' },
      started('c1', [bob]),
      { type: 'message.received', message: message('c1', 'r1', { text: 'just us' }) },
      { type: 'message.queued', message: mine('c1', 'm0', 'shall we ask Carol?') },
      { type: 'nudge.received', conversationId: 'c1', handle: bob.handle, at: T0 + 1 },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: carol },
      { type: 'message.received', message: message('c1', 'r2', { sender: carol.handle, senderName: 'Carol', text: 'hi all' }) },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: carol.handle, idle: true },
      { type: 'message.queued', message: mine('c1', 'm1', 'still here') },
      // A delivery update for a message written before the move reaches it in its new log.
      { type: 'message.delivery', conversationId: 'c1', messageId: 'm0', delivery: 'delivered' },
    );
    const oneToOne = store.findConversation(ME, 'one-to-one', bob.handle)!;
    const group = store.findConversation(ME, 'group', 'c1')!;
    expect(texts(store, oneToOne.id)).toEqual(['yesterday']);
    expect(oneToOne.entryCount).toBe(1);
    expect(texts(store, group.id)).toEqual([
      'just us',
      'shall we ask Carol?',
      '[nudge bob@example.com]',
      '[join carol@example.com]',
      'hi all',
      '[leave carol@example.com]',
      'still here',
    ]);
    expect(group.entryCount).toBe(7);
    expect(store.recent(group.id).entries[1]).toMatchObject({ kind: 'message', delivery: 'delivered' });
    expect(store.recent(group.id).entries[5]).toMatchObject({ kind: 'leave', idle: true, senderName: 'Carol' });
    expect(group.participants.map((p) => p.handle)).toEqual([bob.handle, carol.handle]);
    // Search finds the moved lines in the group conversation.
    expect(store.search(ME, 'just').map((h) => h.conversationId)).toEqual([group.id]);
    expect(store.listConversations(ME)).toHaveLength(2);
  });

  it('lists a chat that became a group chat once, with no empty one-to-one log left behind', () => {
    const { store, feed } = setup();
    feed(
      started('c1', [bob]),
      { type: 'message.received', message: message('c1', 'r1', { text: 'just us' }) },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: carol },
    );
    expect(store.findConversation(ME, 'one-to-one', bob.handle)).toBeNull();
    expect(store.listConversations(ME).map((c) => c.kind)).toEqual(['group']);
  });

  it('writes nothing while logging is off, and resumes when it is turned back on', () => {
    const { store, feed, enabled } = setup({ on: false });
    feed(started('c1', [bob]), { type: 'message.received', message: message('c1', 'r1') }, { type: 'nudge.sent', conversationId: 'c1', at: T0 });
    expect(store.listConversations(ME)).toEqual([]);
    enabled.on = true;
    feed({ type: 'message.received', message: message('c1', 'r2') });
    expect(texts(store, store.findConversation(ME, 'one-to-one', bob.handle)!.id)).toEqual(['text of r2']);
  });

  it('holds messages queued before anyone joined, and never drops them', () => {
    const { store, feed } = setup();
    feed(started('c1'), { type: 'message.queued', message: mine('c1', 'm1', 'are you there?') });
    expect(store.listConversations(ME)).toEqual([]);
    feed(
      { type: 'message.delivery', conversationId: 'c1', messageId: 'm1', delivery: 'sent' },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
    );
    const log = store.findConversation(ME, 'one-to-one', bob.handle)!;
    expect(store.recent(log.id).entries).toMatchObject([{ text: 'are you there?', delivery: 'sent' }]);

    // Nobody ever joins c2: on close the message goes to a log of its own.
    feed(started('c2'), { type: 'message.queued', message: mine('c2', 'm2', 'hello?') }, { type: 'conversation.closed', conversationId: 'c2' });
    const orphan = store.findConversation(ME, 'group', 'c2')!;
    expect(texts(store, orphan.id)).toEqual(['hello?']);
  });

  it('files a message from an unannounced conversation under its sender', () => {
    const { store, feed } = setup();
    feed({ type: 'message.received', message: message('c9', 'r1', { sender: 'Dave@Example.com', senderName: 'Dave' }) });
    expect(store.findConversation(ME, 'one-to-one', 'dave@example.com')?.participants).toEqual([{ handle: 'dave@example.com', displayName: 'Dave' }]);
  });

  it('reports a failed write and keeps going', () => {
    const { store, feed, errors } = setup();
    store.close();
    feed(started('c1', [bob]), { type: 'message.received', message: message('c1', 'r1') });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/closed/);
  });
});

describe('HistoryRecorder: custom emoticons', () => {
  it('keeps with each message the emoticons its text used (mine and a contact’s), held or written at once', () => {
    const store = openHistoryStore(':memory:');
    const SUN = 'q1f8xHnbnRxZsVbTBoDmjmM5yX8=';
    const byMessage: Record<string, Record<string, string>> = { m1: { '(sun)': SUN }, m2: { '(sun)': SUN } };
    const rec = new HistoryRecorder({ store, account: ME, selfName: 'Alice', isEnabled: () => true, emoticonsOf: (id) => byMessage[id] });
    // Mine, queued before Bob joined (held, then written), and Bob's.
    rec.handle(started('c1'));
    rec.handle({ type: 'message.queued', message: mine('c1', 'm1', 'here (sun)') });
    rec.handle({ type: 'conversation.participant-joined', conversationId: 'c1', participant: bob });
    rec.handle({ type: 'message.received', message: message('c1', 'm2', { text: 'back (sun)' }) });
    rec.handle({ type: 'message.received', message: message('c1', 'm3', { text: 'no (sun) here' }) });
    const log = store.findConversation(ME, 'one-to-one', bob.handle);
    const entries = store.recent(log!.id).entries as MessageEntry[];
    expect(entries.map((e) => [e.text, e.emoticons])).toEqual([
      ['here (sun)', { '(sun)': SUN }],
      ['back (sun)', { '(sun)': SUN }],
      ['no (sun) here', undefined],
    ]);
  });
});
