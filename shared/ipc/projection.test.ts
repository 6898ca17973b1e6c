import { describe, expect, it } from 'vitest';
import { NO_LISTS, type ChatMessage, type Contact } from '../model';
import type { AppEvent } from './events';
import { initialAppState, reduceApp, typingNow, type AppState } from './projection';

const contact = (handle: string, patch: Partial<Contact> = {}): Contact => ({
  handle,
  friendlyName: handle.split('@')[0] ?? handle,
  personalMessage: '',
  currentMedia: null,
  status: 'online',
  groupIds: [],
  lists: { ...NO_LISTS, forward: true, allow: true, reverse: true },
  ...patch,
});

const msg = (id: string, patch: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  conversationId: 'c1',
  direction: 'incoming',
  sender: 'bob@x.com',
  senderName: 'Bob',
  text: 'hi',
  format: null,
  timestamp: 5,
  delivery: 'delivered',
  ...patch,
});

function run(events: AppEvent[], from: AppState = initialAppState): AppState {
  return events.reduce((s, event, i) => reduceApp(s, { event, at: 1000 + i }), from);
}

const synced: AppEvent = {
  type: 'contact-list.synced',
  self: { handle: 'me@x.com', friendlyName: 'Me', personalMessage: '', currentMedia: null, status: 'online' },
  contacts: [
    contact('bob@x.com', { groupIds: ['g1'] }),
    contact('carol@x.com'),
    contact('dave@x.com', { lists: { ...NO_LISTS, reverse: true, pending: true } }),
  ],
  groups: [{ id: 'g1', name: 'Friends' }],
  privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
};

describe('projection: session and contacts', () => {
  it('takes the synced list, with the people waiting for an answer as add requests', () => {
    const s = run([synced]);
    expect(s.session.self?.friendlyName).toBe('Me');
    expect(Object.keys(s.contacts.contacts)).toHaveLength(3);
    expect(s.contacts.addRequests).toEqual([{ handle: 'dave@x.com', friendlyName: 'dave' }]);
  });

  it('applies presence and personal messages, ignoring unknown handles', () => {
    const s = run([
      synced,
      { type: 'presence.changed', handle: 'bob@x.com', status: 'busy', friendlyName: 'Bobby' },
      { type: 'personal-message.changed', handle: 'bob@x.com', personalMessage: 'lunch', currentMedia: null },
      { type: 'presence.changed', handle: 'nobody@x.com', status: 'busy', friendlyName: 'X' },
    ]);
    expect(s.contacts.contacts['bob@x.com']).toMatchObject({ status: 'busy', friendlyName: 'Bobby', personalMessage: 'lunch' });
    expect(s.contacts.contacts['nobody@x.com']).toBeUndefined();
  });

  it('gathers "added me" requests once and clears them when decided', () => {
    const s1 = run([
      synced,
      { type: 'contact.added-me', handle: 'erin@x.com', friendlyName: 'Erin', needsDecision: true },
      { type: 'contact.added-me', handle: 'erin@x.com', friendlyName: 'Erin', needsDecision: true },
      { type: 'contact.added-me', handle: 'fay@x.com', friendlyName: 'Fay', needsDecision: false },
    ]);
    expect(s1.contacts.addRequests.map((r) => r.handle)).toEqual(['dave@x.com', 'erin@x.com']);
    const s2 = run([{ type: 'contact.updated', contact: contact('dave@x.com', { lists: { ...NO_LISTS, reverse: true, allow: true } }) }], s1);
    expect(s2.contacts.addRequests.map((r) => r.handle)).toEqual(['erin@x.com']);
    const s3 = run([{ type: 'contact.removed-me', handle: 'erin@x.com' }], s2);
    expect(s3.contacts.addRequests).toEqual([]);
  });

  it('removes a deleted group from its contacts', () => {
    const s = run([synced, { type: 'group.removed', groupId: 'g1' }]);
    expect(s.contacts.groups).toEqual([]);
    expect(s.contacts.contacts['bob@x.com']?.groupIds).toEqual([]);
  });

  it('keeps the latest server notice until signed out', () => {
    const s = run([synced, { type: 'server.notice', kind: 'maintenance', text: 'Going down', minutes: 5, at: 9 }]);
    expect(s.session.notice).toEqual({ kind: 'maintenance', text: 'Going down', minutes: 5, at: 9 });
    expect(run([{ type: 'connection.changed', state: { status: 'signed-out' } }], s).session.notice).toBeNull();
  });

  it('returns the same state for events it does not use', () => {
    const s = run([synced]);
    expect(reduceApp(s, { event: { type: 'content.unsupported', conversationId: null, sender: 'x', kind: 'unknown', contentType: 'x', summary: 'x', at: 1 }, at: 1 })).toBe(s);
  });
});

describe('projection: conversations', () => {
  const started: AppEvent = {
    type: 'conversation.started',
    conversation: { id: 'c1', participants: [], startedBy: 'me', startedAt: 1 },
  };
  const bob = { handle: 'bob@x.com', friendlyName: 'Bob' };
  const carol = { handle: 'carol@x.com', friendlyName: 'Carol' };

  it('notes a join only once it makes a group chat, and every leave after that', () => {
    const s = run([
      started,
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: carol },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'carol@x.com', idle: false },
    ]);
    const c = s.conversations.conversations.c1!;
    expect(c.conversation.participants).toEqual([bob]);
    expect(c.entries.map((e) => (e.kind === 'notice' ? `${e.notice.kind}:${e.notice.name}:${e.notice.at}` : 'message'))).toEqual([
      'joined:Carol:1002',
      'left:Carol:1003',
    ]);
  });

  it('keeps the last person as the addressee when they leave a one-to-one chat, with no line (they only closed their window)', () => {
    const s = run([
      started,
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'bob@x.com', idle: false },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
    ]);
    const c = s.conversations.conversations.c1!;
    expect(c.conversation.participants).toEqual([bob]);
    expect(c.entries).toEqual([]);
  });

  it('writes no line when the last one of a group chat leaves (it is one-to-one by then)', () => {
    const s = run([
      started,
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: carol },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'carol@x.com', idle: false },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'bob@x.com', idle: false },
    ]);
    const c = s.conversations.conversations.c1!;
    expect(c.conversation.participants).toEqual([bob]);
    expect(c.entries.map((e) => (e.kind === 'notice' ? `${e.notice.kind}:${e.notice.name}` : 'message'))).toEqual(['joined:Carol', 'left:Carol']);
  });

  it('keeps everyone of a chat the server closed for inactivity (they are invited again)', () => {
    const s = run([
      started,
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: carol },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'bob@x.com', idle: true },
      { type: 'conversation.participant-left', conversationId: 'c1', handle: 'carol@x.com', idle: true },
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
    ]);
    expect(s.conversations.conversations.c1!.conversation.participants).toEqual([bob, carol]);
    expect(s.conversations.conversations.c1!.entries.map((e) => (e.kind === 'notice' ? e.notice.kind : ''))).toEqual(['joined']);
  });

  it('appends messages, tracks delivery, and clears typing when the typist speaks', () => {
    const s = run([
      started,
      { type: 'typing.received', conversationId: 'c1', handle: 'bob@x.com', at: 10 },
      { type: 'message.queued', message: msg('m1', { direction: 'outgoing', sender: 'me@x.com', delivery: 'sending' }) },
      { type: 'message.delivery', conversationId: 'c1', messageId: 'm1', delivery: 'failed', failure: { reason: 'not-delivered', message: 'NAK' } },
    ]);
    const c = s.conversations.conversations.c1!;
    expect(typingNow(c, 100)).toEqual(['bob@x.com']);
    expect(typingNow(c, 10 + 6000)).toEqual([]);
    expect(c.entries[0]).toMatchObject({ kind: 'message', message: { id: 'm1', delivery: 'failed', failure: { reason: 'not-delivered' } } });
    const s2 = run([{ type: 'message.received', message: msg('m2') }], s);
    expect(s2.conversations.conversations.c1!.typing).toEqual({});
    expect(s2.conversations.conversations.c1!.entries).toHaveLength(2);
  });

  it('notes nudges both ways and unsupported content, and ends a closed conversation', () => {
    const s = run([
      started,
      { type: 'conversation.participant-joined', conversationId: 'c1', participant: bob },
      { type: 'nudge.received', conversationId: 'c1', handle: 'bob@x.com', at: 7 },
      { type: 'nudge.sent', conversationId: 'c1', at: 8 },
      {
        type: 'content.unsupported',
        conversationId: 'c1',
        sender: 'bob@x.com',
        kind: 'invitation',
        contentType: 'text/x-msmsgsinvite',
        summary: 'Bob wants to send you "a.txt"',
        at: 9,
      },
      { type: 'conversation.closed', conversationId: 'c1' },
    ]);
    const c = s.conversations.conversations.c1!;
    expect(c.open).toBe(false);
    expect(c.entries.map((e) => (e.kind === 'notice' ? e.notice.kind : ''))).toEqual(['nudge-received', 'nudge-sent', 'unsupported']);
    expect(new Set(c.entries.map((e) => (e.kind === 'notice' ? e.notice.id : ''))).size).toBe(3);
  });

  it('ignores events for conversations it does not know', () => {
    const s = run([{ type: 'message.received', message: msg('m1', { conversationId: 'nope' }) }]);
    expect(s).toBe(initialAppState);
  });
});
