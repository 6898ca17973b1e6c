/**
 * Sample application states for the renderer benchmark and visual checks: a contact list of any
 * size and conversations of any length, built through the real projection reducers.
 */
import {
  initialAppState,
  reduceApp,
  type AppEvent,
  type AppSnapshot,
  type AppState,
  type SequencedEvent,
} from '../../shared/ipc';
import { NO_LISTS, type ChatMessage, type Contact, type ContactStatus, type Group, type TextFormat } from '../../shared/model';

const FIRST = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil', 'Trent', 'Victor', 'Walter', 'Yasmin'];
const PSM = ['', 'at work :(', 'Holidays!! (H)', 'listening to music (8)', 'brb', '', 'Happy birthday Sam (^)', 'exams... :S', '', 'Go team (Y)'];
const STATUSES: ContactStatus[] = ['online', 'online', 'away', 'busy', 'offline', 'offline', 'brb', 'phone', 'online', 'offline'];
const TEXTS = [
  'hey! how are you? :)',
  'good thanks, you?',
  'did you see the match last night? (Y)',
  'haha yes :D that last goal was unreal',
  'are we still on for saturday?',
  'sure, 8 at the usual place ;)',
  'can you bring the (B) this time',
  'lol ok',
  'This is a longer message that wraps over more than one line, to make the transcript look like a real conversation between friends who type a lot.',
  'brb (C)',
];

export function sampleContacts(n: number, groups: readonly Group[]): Contact[] {
  const out: Contact[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length] ?? 'Friend';
    const handle = `${first.toLowerCase()}${i}@example.com`;
    const group = groups[i % Math.max(1, groups.length)];
    out.push({
      handle,
      friendlyName: i < FIRST.length ? first : `${first} ${i}`,
      personalMessage: PSM[i % PSM.length] ?? '',
      currentMedia: null,
      status: STATUSES[i % STATUSES.length] ?? 'online',
      groupIds: group ? [group.id] : [],
      lists: { ...NO_LISTS, forward: true, allow: true, reverse: true },
    });
  }
  return out;
}

export const SAMPLE_GROUPS: readonly Group[] = [
  { id: 'g1', name: 'Friends' },
  { id: 'g2', name: 'Family' },
  { id: 'g3', name: 'Coworkers' },
];

const BLUE: TextFormat = { font: 'Segoe UI', bold: false, italic: false, underline: false, strikethrough: false, color: '#1f3a93' };

export function sampleMessages(conversationId: string, n: number, me: string, them: string, start = Date.UTC(2026, 10, 20, 18)): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < n; i++) {
    const mine = i % 2 === 1;
    out.push({
      id: `m${i}`,
      conversationId,
      direction: mine ? 'outgoing' : 'incoming',
      sender: mine ? me : them,
      senderName: mine ? 'Me' : them,
      text: TEXTS[i % TEXTS.length] ?? 'hi',
      format: mine ? BLUE : null,
      timestamp: start + i * 20_000,
      delivery: 'delivered',
    });
  }
  return out;
}

/** The events of signing in to an account with `contacts` contacts, numbered from 1. */
export function sampleSignInEvents(contacts: number): SequencedEvent[] {
  const events: AppEvent[] = [
    { type: 'sign-in.started', handle: 'me@example.com', at: 0 },
    {
      type: 'contact-list.synced',
      self: { handle: 'me@example.com', friendlyName: 'Sam', personalMessage: 'Monarch rocks (Y)', currentMedia: null, status: 'online' },
      contacts: sampleContacts(contacts, SAMPLE_GROUPS),
      groups: SAMPLE_GROUPS,
      privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
    },
    { type: 'connection.changed', state: { status: 'online', protocol: 'MSNP12' } },
  ];
  return events.map((event, i) => ({ seq: i + 1, at: i + 1, event }));
}

/** A signed-in session with `contacts` contacts and one conversation of `messages` messages. */
export function sampleSnapshot({ contacts, messages }: { contacts: number; messages: number }): AppSnapshot {
  const me = 'me@example.com';
  const list = sampleContacts(contacts, SAMPLE_GROUPS);
  const them = list[0]?.handle ?? 'alice0@example.com';
  const events: AppEvent[] = [
    { type: 'sign-in.started', handle: me, at: 0 },
    {
      type: 'contact-list.synced',
      self: { handle: me, friendlyName: 'Sam', personalMessage: 'Monarch rocks (Y)', currentMedia: null, status: 'online' },
      contacts: list,
      groups: SAMPLE_GROUPS,
      privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
    },
    { type: 'connection.changed', state: { status: 'online', protocol: 'MSNP12' } },
    {
      type: 'conversation.started',
      conversation: { id: 'c1', participants: [{ handle: them, friendlyName: 'Alice' }], startedBy: 'me', startedAt: 0 },
    },
  ];
  let state: AppState = initialAppState;
  let seq = 0;
  for (const event of events) state = reduceApp(state, { event, at: ++seq });
  // Appending 10,000 messages one by one through the reducer is quadratic; build the entries directly.
  const conv = state.conversations.conversations.c1;
  if (conv) {
    const entries = sampleMessages('c1', messages, me, them).map((message) => ({ kind: 'message' as const, message }));
    state = { ...state, conversations: { conversations: { c1: { ...conv, entries, lastActivity: Date.now() } } } };
  }
  return { seq, state };
}
