/**
 * app-core with a scripted client behind its port: sign-in results as data, cancel, remember me,
 * sequence numbers and the snapshot, commands refused while signed out, nudges noted.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DomainEvent, MyStatus } from '../../shared/model';
import type { SequencedEvent, SignInDefaults, ValidCommand } from '../../shared/ipc';
import { AppCore, type SignInSettings } from './app-core';
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

function settings(): SignInSettings & { saved: SignInDefaults['remembered'] } {
  return {
    saved: null,
    remembered() {
      return this.saved;
    },
    remember(a) {
      this.saved = a;
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

const signInCmd = (status: MyStatus = 'online', rememberMe = true): ValidCommand => ({
  name: 'signIn',
  input: { server: { kind: 'custom', host: '127.0.0.1', port: 1863 }, handle: 'me@x.com', password: 'pw', status, rememberMe },
});

function setup() {
  const client = new ScriptedClient();
  const servers: ServerAddress[] = [];
  const s = settings();
  const core = new AppCore({
    createClient: (server) => {
      servers.push(server);
      return client;
    },
    settings: s,
    localServer: null,
    now: () => 42,
  });
  const events: SequencedEvent[] = [];
  core.subscribe((e) => events.push(e));
  return { core, client, servers, s, events };
}

describe('app-core', () => {
  it('signs in, remembers the account (never the password), numbers events and reflects them in the snapshot', async () => {
    const { core, servers, s, events } = setup();
    expect(await core.execute(signInCmd('busy'))).toEqual({ ok: true, value: null });
    expect(servers).toEqual([{ host: '127.0.0.1', port: 1863 }]);
    expect(s.saved).toEqual({ handle: 'me@x.com', server: { kind: 'custom', host: '127.0.0.1', port: 1863 }, status: 'busy' });
    expect(JSON.stringify(s.saved)).not.toContain('pw');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.event.type)).toEqual(['sign-in.started', 'connection.changed']);
    const snap = await core.execute({ name: 'snapshot', input: {} });
    expect(snap).toMatchObject({ ok: true, value: { seq: 2, state: { session: { handle: 'me@x.com', connection: { status: 'online' } } } } });
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
});
