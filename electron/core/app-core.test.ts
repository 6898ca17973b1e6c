/**
 * app-core with a scripted client behind its port: sign-in results as data, cancel, remember me,
 * sequence numbers and the snapshot, commands refused while signed out, nudges noted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { DomainEvent, MyStatus } from '../../shared/model';
import { DEFAULT_CONTACT_LIST_VIEW, type ContactListView, type Preferences, type Result, type SequencedEvent, type ServerProfile, type ValidCommand } from '../../shared/ipc';
import { AppCore, type PreferenceSettings, type SignInSettings } from './app-core';
import { DEFAULT_PREFERENCES, NO_KEYCHAIN, SettingsStore } from './settings';
import { openHistoryStore } from './history';
import type { ClientPort, ServerAddress, SignInOptions } from './client-port';

class ScriptedClient implements ClientPort {
  private listeners = new Set<(e: DomainEvent) => void>();
  signInImpl: (o: SignInOptions) => Promise<void> = async () => {
    this.emit({ type: 'connection.changed', state: { status: 'online' } });
  };
  calls: string[] = [];
  emit(e: DomainEvent) {
    for (const l of this.listeners) l(e);
  }
  onEvent(l: (e: DomainEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  signIn(o: SignInOptions) {
    return this.signInImpl(o);
  }
  signOut = vi.fn(async () => {
    this.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
  });
  private record = (name: string) => async (...args: unknown[]) => {
    this.calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
  };
  setStatus = this.record('setStatus');
  setFriendlyName = this.record('setFriendlyName');
  setPersonalMessage = this.record('setPersonalMessage');
  addContact = this.record('addContact');
  removeContact = this.record('removeContact');
  allow = this.record('allow');
  block = this.record('block');
  unblock = this.record('unblock');
  copyToGroup = this.record('copyToGroup');
  moveToGroup = this.record('moveToGroup');
  createGroup = async (name: string) => ({ id: 'g1', name });
  renameGroup = this.record('renameGroup');
  removeGroup = this.record('removeGroup');
  openConversation = async () => 'c1';
  sendMessage = async () => 'm1';
  retryMessage = async (_c: string, m: string) => m === 'failed-one';
  sendTyping = this.record('sendTyping');
  sendNudge = this.record('sendNudge');
  invite = this.record('invite');
  closeConversation = this.record('closeConversation');
  dispose = vi.fn();
}

interface Stored {
  handle: string;
  server: ServerProfile;
  status: MyStatus;
  password: string | null;
  auto: boolean;
}

function settings(keychain = true): SignInSettings & { saved: Stored | null } {
  return {
    saved: null,
    remembered() {
      return this.saved && { handle: this.saved.handle, server: this.saved.server, status: this.saved.status };
    },
    accounts() {
      return this.saved ? [{ handle: this.saved.handle, passwordSaved: this.saved.password !== null, signInAutomatically: this.saved.auto }] : [];
    },
    rememberAccount(a) {
      const password = keychain ? (a.password ?? null) : null;
      this.saved = { handle: a.handle, server: a.server, status: a.status, password, auto: password !== null && !!a.signInAutomatically };
      return a.password && !keychain ? { stored: false, reason: 'keychain-unavailable', message: 'No keychain here.' } : { stored: true };
    },
    password(h) {
      return this.saved?.handle === h ? this.saved.password : null;
    },
    autoSignIn() {
      const a = this.saved;
      return a && a.auto && a.password ? { handle: a.handle, server: a.server, status: a.status, password: a.password } : null;
    },
    forget(h) {
      if (this.saved?.handle === h) this.saved = null;
    },
    serverPresets: () => [
      { id: 'local', label: 'Local', server: { kind: 'local' } },
      { id: 'escargot', label: 'Escargot', server: { kind: 'custom', host: 'm1.escargot.chat', port: 1863 } },
    ],
  };
}

const signInCmd = (status: MyStatus = 'online', rememberMe = true, more: { password?: string; rememberPassword?: boolean; signInAutomatically?: boolean } = {}): ValidCommand => ({
  name: 'signIn',
  input: {
    server: { kind: 'custom', host: '127.0.0.1', port: 1863 },
    handle: 'me@x.com',
    password: more.password ?? 'pw',
    status,
    rememberMe,
    rememberPassword: more.rememberPassword ?? false,
    signInAutomatically: more.signInAutomatically ?? false,
    createAccount: false,
  },
});

/** Preferences held in memory, validated like the settings file (a bad minutes value throws). */
function preferences(): PreferenceSettings {
  let p: Omit<Preferences, 'contactList'> = structuredClone(DEFAULT_PREFERENCES);
  const views = new Map<string, ContactListView>();
  return {
    get: () => p,
    contactListView: (handle) => views.get(handle) ?? DEFAULT_CONTACT_LIST_VIEW,
    updateContactListView(handle, patch) {
      const view = { ...(views.get(handle) ?? DEFAULT_CONTACT_LIST_VIEW), ...patch };
      views.set(handle, view);
      return view;
    },
    updatePreferences(patch) {
      const next = structuredClone(p) as { -readonly [K in keyof typeof p]: (typeof p)[K] };
      for (const [k, v] of Object.entries(patch)) Object.assign(next[k as keyof typeof p], v);
      if (next.idle.minutes < 1 || next.idle.minutes > 240) throw new Error('idle.minutes: out of range');
      p = next;
      return p;
    },
  };
}

function setup(keychain = true, prefs: PreferenceSettings = preferences()) {
  const client = new ScriptedClient();
  const servers: ServerAddress[] = [];
  const s = settings(keychain);
  const core = new AppCore({
    createClient: (server) => {
      servers.push(server);
      return client;
    },
    settings: s,
    localServer: null,
    preferences: prefs,
    canSavePasswords: keychain,
    now: () => 42,
  });
  const events: SequencedEvent[] = [];
  core.subscribe((e) => events.push(e));
  return { core, client, servers, s, events };
}

describe('app-core', () => {
  it('signs in, remembers the account (never the password), numbers events and reflects them in the snapshot', async () => {
    const { core, servers, s, events } = setup();
    expect(await core.execute(signInCmd('busy'))).toEqual({ ok: true, value: { notice: null } });
    expect(servers).toEqual([{ host: '127.0.0.1', port: 1863 }]);
    expect(s.saved).toEqual({ handle: 'me@x.com', server: { kind: 'custom', host: '127.0.0.1', port: 1863 }, status: 'busy', password: null, auto: false });
    expect(events.map((e) => e.seq)).toEqual([2, 3, 4]); // seq 1: the preferences at start-up;
    // The account's own contact list view comes with its sign-in.
    expect(events.map((e) => e.event.type)).toEqual(['sign-in.started', 'preferences.changed', 'connection.changed']);
    const snap = await core.execute({ name: 'snapshot', input: {} });
    expect(snap).toMatchObject({ ok: true, value: { seq: 4, state: { session: { handle: 'me@x.com', connection: { status: 'online' } } } } });
  });

  it("keeps each account's contact list view (sort, offline contacts) in the settings file, across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-view-'));
    try {
      const file = join(dir, 'settings.json');
      const view = (r: Result<unknown>) => (r.ok ? (r.value as Preferences).contactList : r.error.code);
      const first = setup(true, SettingsStore.open(file, { keychain: NO_KEYCHAIN }));
      // Signed out there is no account to keep it for.
      expect(view(await first.core.execute({ name: 'updatePreferences', input: { contactList: { sortBy: 'status' } } }))).toBe('invalid-input');
      await first.core.execute(signInCmd());
      expect(view(await first.core.execute({ name: 'updatePreferences', input: { contactList: { sortBy: 'status', showOffline: false } } }))).toEqual({
        sortBy: 'status',
        showOffline: false,
      });
      expect(first.events.at(-1)?.event).toMatchObject({ type: 'preferences.changed', preferences: { contactList: { sortBy: 'status', showOffline: false } } });
      await first.core.execute({ name: 'signOut', input: {} });
      // Another account on the same computer has its own view (the default).
      await first.core.execute({ ...signInCmd(), input: { ...(signInCmd().input as object), handle: 'other@x.com' } } as ValidCommand);
      expect(first.core.snapshot().state.desktop.preferences?.contactList).toEqual({ sortBy: 'group', showOffline: true });
      await first.core.dispose();
      // A new run (the app restarted) reads it back for the account that set it.
      const second = setup(true, SettingsStore.open(file, { keychain: NO_KEYCHAIN }));
      expect(second.core.snapshot().state.desktop.preferences?.contactList).toEqual({ sortBy: 'group', showOffline: true });
      await second.core.execute(signInCmd());
      expect(second.core.snapshot().state.desktop.preferences?.contactList).toEqual({ sortBy: 'status', showOffline: false });
      expect(view(await second.core.execute({ name: 'updatePreferences', input: { contactList: { sortBy: 'alphabet' } } } as unknown as ValidCommand))).toBe('invalid-input');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the password only when asked, signs in with it later, and signs in automatically at start', async () => {
    const first = setup();
    await first.core.execute(signInCmd('online', true, { rememberPassword: true, signInAutomatically: true }));
    expect(first.s.saved).toMatchObject({ password: 'pw', auto: true });
    expect(await first.core.execute({ name: 'signInDefaults', input: {} })).toMatchObject({
      ok: true,
      value: { canSavePasswords: true, remembered: { handle: 'me@x.com', passwordSaved: true, signInAutomatically: true } },
    });

    // The next run of the app: the same settings, a new core.
    const client = new ScriptedClient();
    let signedInWith: SignInOptions | undefined;
    client.signInImpl = async (o) => {
      signedInWith = o;
    };
    const next = new AppCore({ createClient: () => client, settings: first.s, localServer: null, preferences: preferences(), canSavePasswords: true });
    expect(await next.autoSignIn()).toEqual({ ok: true, value: { notice: null } });
    expect(signedInWith).toMatchObject({ handle: 'me@x.com', password: 'pw' });
  });

  it('signs in with the saved password when none is typed, and says when none is saved', async () => {
    const { core, s, client } = setup();
    let used = '';
    client.signInImpl = async (o) => {
      used = o.password;
    };
    expect(await core.execute(signInCmd('online', true, { password: '' }))).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    s.saved = { handle: 'me@x.com', server: { kind: 'local' }, status: 'online', password: 'kept', auto: false };
    expect(await core.execute(signInCmd('online', true, { password: '', rememberPassword: true }))).toMatchObject({ ok: true });
    expect(used).toBe('kept');
  });

  it('tells the user when a password could not be saved (no keychain)', async () => {
    const { core, s } = setup(false);
    expect(await core.execute(signInCmd('online', true, { rememberPassword: true }))).toEqual({ ok: true, value: { notice: 'No keychain here.' } });
    expect(s.saved?.password).toBeNull();
  });

  it('returns a failed sign-in as data with the client error code, and leaves "signing in"', async () => {
    const { core, client, events } = setup();
    client.signInImpl = async () => {
      throw Object.assign(new Error('bad password'), { code: 'wrong-password' });
    };
    expect(await core.execute(signInCmd())).toEqual({ ok: false, error: { code: 'wrong-password', message: 'bad password' } });
    expect(client.dispose).toHaveBeenCalled();
    expect(core.snapshot().state.session.connection).toEqual({ status: 'signed-out', error: { code: 'wrong-password', message: 'bad password' } });
    expect(events.at(-1)?.event.type).toBe('connection.changed');
    // And commands are refused while signed out.
    expect(await core.execute({ name: 'setStatus', input: { status: 'away' } })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
  });

  it('cancels a sign-in in progress', async () => {
    const { core, client } = setup();
    client.signInImpl = (o) =>
      new Promise((_resolve, reject) => o.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'connection-lost' }))));
    const pending = core.execute(signInCmd());
    await Promise.resolve();
    await core.execute({ name: 'cancelSignIn', input: {} });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('refuses the local server where it cannot run it', async () => {
    const { core } = setup();
    const r = await core.execute({ name: 'signIn', input: { ...(signInCmd().input as object), server: { kind: 'local' } } } as ValidCommand);
    expect(r).toMatchObject({ ok: false, error: { code: 'not-supported' } });
    expect(await core.execute({ name: 'signInDefaults', input: {} })).toMatchObject({
      ok: true,
      value: { localServerAvailable: false, presets: [{ id: 'escargot' }] },
    });
  });

  it('maps contact commands onto the client, and notes my nudges', async () => {
    const { core, client, events } = setup();
    await core.execute(signInCmd());
    await core.execute({ name: 'answerAddRequest', input: { handle: 'bob@x.com', decision: 'allow-and-add' } });
    await core.execute({ name: 'answerAddRequest', input: { handle: 'eve@x.com', decision: 'block' } });
    await core.execute({ name: 'moveContact', input: { handle: 'bob@x.com', fromGroupId: null, toGroupId: 'g1' } });
    expect(client.calls).toEqual(['allow("bob@x.com")', 'addContact("bob@x.com")', 'block("eve@x.com")', 'moveToGroup("bob@x.com",null,"g1")']);
    expect(await core.execute({ name: 'sendNudge', input: { conversationId: 'c1' } })).toEqual({ ok: true, value: null });
    expect(events.at(-1)?.event).toEqual({ type: 'nudge.sent', conversationId: 'c1', at: 42 });
    expect(await core.execute({ name: 'retryMessage', input: { conversationId: 'c1', messageId: 'failed-one' } })).toEqual({ ok: true, value: { messageId: 'failed-one' } });
    expect(await core.execute({ name: 'retryMessage', input: { conversationId: 'c1', messageId: 'other' } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await core.execute({ name: 'showConversation', input: { conversationId: 'c1' } })).toMatchObject({ ok: false, error: { code: 'not-supported' } });
  });

  it('turns a client exception into an error result with its code', async () => {
    const { core, client } = setup();
    await core.execute(signInCmd());
    client.addContact = async () => {
      throw Object.assign(new Error('no such account'), { code: 'unknown-account' });
    };
    expect(await core.execute({ name: 'addContact', input: { handle: 'zed@x.com' } })).toEqual({
      ok: false,
      error: { code: 'unknown-account', message: 'no such account' },
    });
  });

  it('lets go of a session that ended on its own, so that signing in again works', async () => {
    const { core, client } = setup();
    await core.execute(signInCmd());
    client.emit({ type: 'connection.changed', state: { status: 'signed-out', error: { code: 'signed-in-elsewhere', message: 'OUT OTH' } } });
    expect(client.dispose).toHaveBeenCalled();
    expect(core.snapshot().state.session.connection.error?.code).toBe('signed-in-elsewhere');
    expect(await core.execute({ name: 'setStatus', input: { status: 'away' } })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
    expect(await core.execute(signInCmd())).toMatchObject({ ok: true });
  });

  it('signs out, closing open conversations', async () => {
    const { core, client } = setup();
    await core.execute(signInCmd());
    client.emit({ type: 'conversation.started', conversation: { id: 'c1', participants: [], startedBy: 'me', startedAt: 1 } });
    expect(await core.execute({ name: 'signOut', input: {} })).toEqual({ ok: true, value: null });
    expect(client.signOut).toHaveBeenCalled();
    const state = core.snapshot().state;
    expect(state.conversations.conversations.c1?.open).toBe(false);
    expect(state.session.connection.status).toBe('signed-out');
    expect(await core.execute({ name: 'setStatus', input: { status: 'away' } })).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
  });

  it('asks for attention and counts unread through the policies, following the window focus and the preferences', async () => {
    const { core, client, events } = setup();
    await core.execute(signInCmd());
    const message = (id: string, conversationId = 'c1'): DomainEvent => ({
      type: 'message.received',
      message: { id, conversationId, direction: 'incoming', sender: 'bob@x.com', senderName: 'Bob', text: 'hi there', format: null, timestamp: 1, delivery: 'delivered' },
    });
    const of = (type: string) => events.filter((e) => e.event.type === type).map((e) => e.event);

    await core.execute({ name: 'windowFocused', input: { target: 'contact-list' } });
    client.emit(message('m1'));
    expect(of('attention.requested')).toEqual([
      { type: 'attention.requested', kind: 'message', conversationId: 'c1', handle: 'bob@x.com', title: 'Bob says:', body: 'hi there', sound: 'message', toast: true, flash: true, tag: 'conversation:c1' },
    ]);
    expect(core.snapshot().state.desktop.unread).toEqual({ total: 1, byConversation: { c1: 1 } });

    // Focusing the conversation marks it read; a message there then asks for nothing.
    await core.execute({ name: 'windowFocused', input: { target: 'c1' } });
    expect(core.snapshot().state.desktop.unread).toEqual({ total: 0, byConversation: {} });
    client.emit(message('m2'));
    expect(of('attention.requested')).toHaveLength(1);

    // Muted: still a toast and an unread count, no sound.
    expect(await core.execute({ name: 'updatePreferences', input: { sounds: { muted: true } } })).toMatchObject({ ok: true, value: { sounds: { muted: true } } });
    expect(core.snapshot().state.desktop.preferences?.sounds.muted).toBe(true);
    await core.execute({ name: 'windowFocused', input: { target: null } });
    client.emit(message('m3', 'c2'));
    expect(of('attention.requested').at(-1)).toMatchObject({ kind: 'message', conversationId: 'c2', sound: null, toast: true });
    await core.execute({ name: 'markConversationRead', input: { conversationId: 'c2' } });
    expect(core.snapshot().state.desktop.unread.total).toBe(0);

    // A bad value changes nothing and says why.
    expect(await core.execute({ name: 'updatePreferences', input: { idle: { minutes: 999 } } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(core.snapshot().state.desktop.preferences?.idle.minutes).toBe(5);
  });

  it('creates a local-server account only when asked to', async () => {
    const prepared: string[] = [];
    const client = new ScriptedClient();
    const core = new AppCore({
      createClient: () => client,
      settings: settings(),
      preferences: preferences(),
      localServer: { ensure: async () => ({ host: '127.0.0.1', port: 1 }), prepareAccount: async (h) => void prepared.push(h), stop: async () => undefined },
      demoAccount: { handle: 'you@monarch.local', password: 'monarch' },
    });
    const local = (createAccount: boolean): ValidCommand => ({ ...signInCmd(), input: { ...(signInCmd().input as object), server: { kind: 'local' }, createAccount } } as ValidCommand);
    expect(await core.execute({ name: 'signInDefaults', input: {} })).toMatchObject({ ok: true, value: { demoAccount: { handle: 'you@monarch.local', password: 'monarch' } } });
    await core.execute(local(false));
    expect(prepared).toEqual([]);
    await core.execute({ name: 'signOut', input: {} });
    await core.execute(local(true));
    expect(prepared).toEqual(['me@x.com']);
  });

  it("logs the session's conversations, answers the history commands for the signed-in account only, and honours logging off", async () => {
    const history = openHistoryStore(':memory:');
    const client = new ScriptedClient();
    const prefs = preferences();
    const core = new AppCore({ createClient: () => client, settings: settings(), preferences: prefs, localServer: null, history });
    // Someone else's log in the same file must stay out of reach.
    const other = history.openConversation({ account: 'other@x.com', kind: 'one-to-one', peer: { handle: 'bob@x.com', displayName: 'Bob' }, at: 1 });
    const otherEntry = history.appendMessage(other.id, { direction: 'incoming', sender: 'bob@x.com', senderName: 'Bob', text: 'private pineapple', format: null, timestamp: 1 });

    await core.execute(signInCmd());
    const say = (id: string, text: string): DomainEvent => ({
      type: 'message.received',
      message: { id, conversationId: 'c1', direction: 'incoming', sender: 'bob@x.com', senderName: 'Bob', text, format: null, timestamp: 5 },
    } as DomainEvent);
    client.emit({ type: 'conversation.started', conversation: { id: 'c1', participants: [{ handle: 'bob@x.com', friendlyName: 'Bob' }], startedBy: 'bob@x.com', startedAt: 5 } } as DomainEvent);
    client.emit(say('m1', 'a public pineapple'));

    const list = await core.execute({ name: 'historyList', input: { limit: 10, offset: 0 } });
    expect(list).toMatchObject({ ok: true, value: [{ account: 'me@x.com', key: 'bob@x.com', entryCount: 1 }] });
    const hits = await core.execute({ name: 'historySearch', input: { query: 'pineapple', limit: 10 } });
    expect(hits.ok && (hits.value as { snippet: { text: string }[] }[]).map((h) => h.snippet.map((x) => x.text).join(''))).toEqual(['a public pineapple']);
    expect(await core.execute({ name: 'historyAround', input: { entryId: otherEntry.id, before: 5, after: 5 } })).toEqual({ ok: true, value: null });
    expect(await core.execute({ name: 'historyDelete', input: { historyId: other.id } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await core.execute({ name: 'historyExport', input: { historyId: other.id, format: 'text' } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const recent = await core.execute({ name: 'historyRecent', input: { liveConversationId: 'c1', limit: 10 } });
    expect(recent).toMatchObject({ ok: true, value: { conversation: { key: 'bob@x.com' }, entries: [{ text: 'a public pineapple' }] } });
    // A conversation the app opened itself (a file offer, offline messages), nobody joined yet:
    // the client says whom it is with, and that is the log.
    client.emit({ type: 'conversation.started', conversation: { id: 'c9', participants: [], invited: ['Bob@x.com'], startedBy: 'me', startedAt: 9 } } as DomainEvent);
    const opened = await core.execute({ name: 'historyRecent', input: { liveConversationId: 'c9', limit: 10 } });
    expect(opened).toMatchObject({ ok: true, value: { conversation: { key: 'bob@x.com' }, entries: [{ text: 'a public pineapple' }] } });

    await core.execute({ name: 'updatePreferences', input: { history: { enabled: false } } });
    client.emit(say('m2', 'off the record mango'));
    expect(await core.execute({ name: 'historySearch', input: { query: 'mango', limit: 10 } })).toEqual({ ok: true, value: [] });
    expect(history.getConversation(other.id)?.entryCount).toBe(1);
    history.close();
  });
  it('deletes offline messages on the server only once the history kept them, in one batch, and not when the write failed', async () => {
    const history = openHistoryStore(':memory:');
    const client = new ScriptedClient();
    const acked: string[][] = [];
    Object.assign(client, { acknowledgeOfflineMessages: async (ids: readonly string[]) => void acked.push([...ids]) });
    const core = new AppCore({ createClient: () => client, settings: settings(), preferences: preferences(), localServer: null, history });
    await core.execute(signInCmd());
    const say = (id: string, text: string): DomainEvent => ({
      type: 'message.received',
      message: { id, conversationId: 'c1', direction: 'incoming', sender: 'bob@x.com', senderName: 'Bob', text, format: null, timestamp: 5 },
    } as DomainEvent);
    client.emit({ type: 'conversation.started', conversation: { id: 'c1', participants: [{ handle: 'bob@x.com', friendlyName: 'Bob' }], startedBy: 'bob@x.com', startedAt: 5 } } as DomainEvent);
    client.emit(say('oim-1', 'left while you were away'));
    client.emit(say('oim-2', 'and another'));
    await vi.waitFor(() => expect(acked).toEqual([['oim-1', 'oim-2']]));
    expect((await core.execute({ name: 'historySearch', input: { query: 'away', limit: 10 } })).ok).toBe(true);

    // The history cannot write: the message is not acknowledged (the server offers it again next time).
    const append = history.appendMessage.bind(history);
    history.appendMessage = () => {
      throw new Error('disk full');
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    client.emit(say('oim-3', 'not kept'));
    history.appendMessage = append;
    client.emit(say('oim-4', 'kept again'));
    await vi.waitFor(() => expect(acked).toEqual([['oim-1', 'oim-2'], ['oim-4']]));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('disk full'));
    warn.mockRestore();
    history.close();
  });
});
