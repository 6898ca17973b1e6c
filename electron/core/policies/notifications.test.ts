import { describe, expect, it } from 'vitest';
import type { Contact, DomainEvent } from '../../../shared/model';
import { NO_LISTS } from '../../../shared/model';
import { decideNotification, toastText, type NotificationContext, type NotificationEvent, type NotificationSettings } from './notifications';
import { SignInWatcher } from './sign-in-watcher';
import { UnreadCounter } from './unread';

const SETTINGS: NotificationSettings = {
  notifications: { contactSignIn: true, messages: true, nudges: true, showMessageText: true, doNotDisturbWhenBusy: true },
  sounds: { muted: false, contactSignIn: true, message: true, nudge: true },
};

function ctx(over: Partial<NotificationContext> = {}, settings: Partial<{ [K in keyof NotificationSettings]: Partial<NotificationSettings[K]> }> = {}): NotificationContext {
  return {
    myStatus: 'online',
    focus: { appFocused: true, focusedConversationId: null },
    initialSync: false,
    contactBlocked: false,
    settings: {
      notifications: { ...SETTINGS.notifications, ...settings.notifications },
      sounds: { ...SETTINGS.sounds, ...settings.sounds },
    },
    ...over,
  };
}

const signedIn: NotificationEvent = { kind: 'contact-signed-in', handle: 'bob@example.com', name: 'Bob', status: 'online' };
const message: NotificationEvent = { kind: 'message', conversationId: 'c1', direction: 'incoming', handle: 'bob@example.com', name: 'Bob', text: 'Hi there!' };
const nudge: NotificationEvent = { kind: 'nudge', conversationId: 'c1', handle: 'bob@example.com', name: 'Bob' };

describe('decideNotification: contact signed in', () => {
  it('toasts and plays the sign-in sound; clicking starts a conversation', () => {
    const d = decideNotification(signedIn, ctx());
    expect(d.toast).toEqual({ title: 'Bob has just signed in.', body: '', action: { type: 'start-conversation', handle: 'bob@example.com' }, tag: 'presence:bob@example.com' });
    expect(d.sound).toBe('contact-sign-in');
    expect(d.unreadConversationId).toBeNull();
    expect(decideNotification({ ...signedIn, status: 'busy' }, ctx()).toast?.body).toBe('Busy');
  });

  it('says nothing for contacts already online at my sign-in', () => {
    expect(decideNotification(signedIn, ctx({ initialSync: true }))).toMatchObject({ toast: null, sound: null, reason: 'already online when I signed in' });
  });

  it('says nothing about blocked contacts, when signed out, or for an offline status', () => {
    expect(decideNotification(signedIn, ctx({ contactBlocked: true })).toast).toBeNull();
    expect(decideNotification(signedIn, ctx({ myStatus: null })).sound).toBeNull();
    expect(decideNotification({ ...signedIn, status: 'offline' }, ctx()).toast).toBeNull();
  });

  it('follows its own toast and sound settings', () => {
    expect(decideNotification(signedIn, ctx({}, { notifications: { contactSignIn: false } }))).toMatchObject({ toast: null, sound: 'contact-sign-in' });
    expect(decideNotification(signedIn, ctx({}, { sounds: { contactSignIn: false } }))).toMatchObject({ sound: null });
    expect(decideNotification(signedIn, ctx({}, { sounds: { muted: true } })).sound).toBeNull();
    expect(decideNotification(signedIn, ctx({}, { sounds: { muted: true } })).toast).not.toBeNull();
  });
});

describe('decideNotification: messages', () => {
  it('toasts, sounds, counts unread and flashes when the conversation is not focused', () => {
    for (const focus of [
      { appFocused: true, focusedConversationId: null },
      { appFocused: true, focusedConversationId: 'other' },
      { appFocused: false, focusedConversationId: 'c1' }, // its window was last active, but I am in another app
    ]) {
      const d = decideNotification(message, ctx({ focus }));
      expect(d).toMatchObject({ sound: 'message', unreadConversationId: 'c1', attention: true });
      expect(d.toast).toEqual({ title: 'Bob says:', body: 'Hi there!', action: { type: 'open-conversation', conversationId: 'c1' }, tag: 'conversation:c1' });
    }
  });

  it('does nothing for the conversation I am looking at, or for my own messages', () => {
    expect(decideNotification(message, ctx({ focus: { appFocused: true, focusedConversationId: 'c1' } }))).toMatchObject({
      toast: null,
      sound: null,
      unreadConversationId: null,
      attention: false,
    });
    expect(decideNotification({ ...message, direction: 'outgoing' }, ctx()).unreadConversationId).toBeNull();
  });

  it('keeps quiet while Busy (do not disturb) but still counts unread', () => {
    const d = decideNotification(message, ctx({ myStatus: 'busy' }));
    expect(d).toMatchObject({ toast: null, sound: null, unreadConversationId: 'c1', attention: true, reason: 'busy: do not disturb' });
    // With do-not-disturb off, Busy notifies like Online; other away-like statuses always notify.
    expect(decideNotification(message, ctx({ myStatus: 'busy' }, { notifications: { doNotDisturbWhenBusy: false } })).toast).not.toBeNull();
    expect(decideNotification(message, ctx({ myStatus: 'away' })).sound).toBe('message');
  });

  it('can hide the message text, and shows it as one short plain line', () => {
    expect(decideNotification(message, ctx({}, { notifications: { showMessageText: false } })).toast?.body).toBe('New message');
    const long = { ...message, text: `line one\r\nline\ttwo\u001b[31m ${'x'.repeat(300)}` };
    const body = decideNotification(long, ctx()).toast!.body;
    expect(body.startsWith('line one line two [31m x')).toBe(true);
    expect([...body]).toHaveLength(100);
    expect(body.endsWith('…')).toBe(true);
    expect(toastText('😀'.repeat(150))).toBe(`${'😀'.repeat(99)}…`);
    expect(decideNotification({ ...message, name: '  ' }, ctx()).toast?.title).toBe('bob@example.com says:');
  });

  it('follows the messages toast and sound settings', () => {
    expect(decideNotification(message, ctx({}, { notifications: { messages: false } }))).toMatchObject({ toast: null, sound: 'message', unreadConversationId: 'c1' });
    expect(decideNotification(message, ctx({}, { sounds: { message: false } }))).toMatchObject({ sound: null });
  });
});

describe('decideNotification: nudges', () => {
  it('in the focused conversation: only the nudge sound (the window shakes)', () => {
    expect(decideNotification(nudge, ctx({ focus: { appFocused: true, focusedConversationId: 'c1' } }))).toMatchObject({
      toast: null,
      sound: 'nudge',
      unreadConversationId: null,
    });
  });

  it('elsewhere: toast, sound, unread; silenced by mute, Busy, or its settings', () => {
    expect(decideNotification(nudge, ctx())).toMatchObject({ toast: { title: 'Bob just sent you a nudge!' }, sound: 'nudge', unreadConversationId: 'c1' });
    expect(decideNotification(nudge, ctx({}, { sounds: { muted: true } })).sound).toBeNull();
    expect(decideNotification(nudge, ctx({ myStatus: 'busy' }))).toMatchObject({ toast: null, sound: null, unreadConversationId: 'c1' });
    expect(decideNotification(nudge, ctx({}, { notifications: { nudges: false }, sounds: { nudge: false } }))).toMatchObject({ toast: null, sound: null });
  });
});

describe('decideNotification: file offers', () => {
  const offer: NotificationEvent = { kind: 'file-offer', conversationId: 'c1', handle: 'bob@example.com', name: 'Bob', fileName: 'report\n.pdf', sizeText: '1.2 MB' };

  it('gets a message\'s attention when the conversation is not focused: toast, sound, unread, flash', () => {
    for (const focus of [
      { appFocused: false, focusedConversationId: null },
      { appFocused: true, focusedConversationId: null },
      { appFocused: true, focusedConversationId: 'c2' },
      { appFocused: false, focusedConversationId: 'c1' },
    ]) {
      expect(decideNotification(offer, ctx({ focus }))).toMatchObject({
        toast: { title: 'Bob wants to send you a file:', body: 'report .pdf (1.2 MB)', action: { type: 'open-conversation', conversationId: 'c1' }, tag: 'conversation:c1' },
        sound: 'message',
        unreadConversationId: 'c1',
        attention: true,
      });
    }
  });

  it('does nothing in the conversation I am looking at (the offer shows there)', () => {
    expect(decideNotification(offer, ctx({ focus: { appFocused: true, focusedConversationId: 'c1' } }))).toMatchObject({ toast: null, sound: null, unreadConversationId: null, attention: false });
  });

  it('follows mute, Busy, blocked and the messages settings', () => {
    expect(decideNotification(offer, ctx({}, { sounds: { muted: true } }))).toMatchObject({ sound: null, attention: true });
    expect(decideNotification(offer, ctx({ myStatus: 'busy' }))).toMatchObject({ toast: null, sound: null, unreadConversationId: 'c1' });
    expect(decideNotification(offer, ctx({}, { notifications: { messages: false } }))).toMatchObject({ toast: null, sound: 'message' });
    expect(decideNotification(offer, ctx({}, { sounds: { message: false } }))).toMatchObject({ sound: null });
    expect(decideNotification(offer, ctx({ contactBlocked: true }))).toMatchObject({ toast: null, sound: null, unreadConversationId: null });
    expect(decideNotification(offer, ctx({ myStatus: null }))).toMatchObject({ toast: null, sound: null });
  });
});

describe('SignInWatcher', () => {
  const contact = (handle: string, status: Contact['status']): Contact => ({
    handle,
    friendlyName: handle,
    personalMessage: '',
    currentMedia: null,
    status,
    groupIds: [],
    lists: { ...NO_LISTS, forward: true },
  });
  const presence = (handle: string, status: Contact['status']): DomainEvent => ({ type: 'presence.changed', handle, status, friendlyName: handle.split('@')[0]! });
  const synced = (contacts: Contact[]): DomainEvent => ({
    type: 'contact-list.synced',
    self: { handle: 'me@example.com', friendlyName: 'Me', personalMessage: '', currentMedia: null, status: 'online' },
    contacts,
    groups: [],
    privacy: { visibility: 'all-but-blocked', promptOnAdd: true },
  });

  it('marks the presence burst after sign-in as initial, later sign-ins as real', () => {
    let now = 0;
    const w = new SignInWatcher(() => now, 5000);
    expect(w.handle(presence('early@example.com', 'online'))?.initialSync).toBe(true); // before the list
    w.handle(synced([contact('bob@example.com', 'offline'), contact('carol@example.com', 'offline')]));
    now = 1000;
    expect(w.handle(presence('bob@example.com', 'online'))).toEqual({ handle: 'bob@example.com', name: 'bob', status: 'online', initialSync: true });
    now = 60_000;
    expect(w.handle(presence('bob@example.com', 'away'))).toBeNull(); // online → away is not a sign-in
    expect(w.handle(presence('carol@example.com', 'busy'))).toMatchObject({ handle: 'carol@example.com', status: 'busy', initialSync: false });
    expect(w.handle(presence('carol@example.com', 'offline'))).toBeNull();
    expect(w.handle(presence('carol@example.com', 'online'))?.initialSync).toBe(false);
  });

  it('starts a new burst after a reconnect', () => {
    let now = 0;
    const w = new SignInWatcher(() => now, 5000);
    w.handle(synced([contact('bob@example.com', 'online')]));
    now = 100_000;
    w.handle({ type: 'connection.changed', state: { status: 'reconnecting', attempt: 1, retryAt: now + 1000 } });
    w.handle(synced([contact('bob@example.com', 'offline')]));
    now += 500;
    expect(w.handle(presence('bob@example.com', 'online'))?.initialSync).toBe(true);
  });

  it('together with decideNotification: no toasts at login, a toast for a later sign-in', () => {
    let now = 0;
    const w = new SignInWatcher(() => now, 5000);
    w.handle(synced([contact('bob@example.com', 'offline'), contact('carol@example.com', 'offline')]));
    const toasts: string[] = [];
    const feed = (e: DomainEvent) => {
      const s = w.handle(e);
      if (!s) return;
      const d = decideNotification({ kind: 'contact-signed-in', handle: s.handle, name: s.name, status: s.status }, ctx({ initialSync: s.initialSync }));
      if (d.toast) toasts.push(d.toast.title);
    };
    now = 200;
    feed(presence('bob@example.com', 'online'));
    now = 30_000;
    feed(presence('carol@example.com', 'online'));
    expect(toasts).toEqual(['carol has just signed in.']);
  });
});

describe('UnreadCounter', () => {
  it('counts per conversation, totals for the badge, and clears on read', () => {
    const u = new UnreadCounter();
    const totals: number[] = [];
    u.subscribe((t) => totals.push(t));
    u.add('c1');
    u.add('c1');
    u.add('c2');
    u.add(null);
    expect([u.get('c1'), u.get('c2'), u.total, u.badge]).toEqual([2, 1, 3, '3']);
    u.markRead('c1');
    u.markRead('c1');
    expect(u.badge).toBe('1');
    for (let i = 0; i < 120; i++) u.add('c3');
    expect(u.badge).toBe('99+');
    u.clear();
    expect(u.badge).toBe('');
    expect(totals.slice(0, 4)).toEqual([1, 2, 3, 1]);
  });
});
