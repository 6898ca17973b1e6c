/**
 * The backend's composition root (ARCHITECTURE.md §1, §5): owns the MSN client of the session, the
 * bundled-server launcher and the settings, projects every event into the state a window can ask
 * for (`snapshot`), numbers the events, and answers every command of the contract as data. The
 * Electron shell and the web host both serve this same object.
 */
import {
  CONTRACT_ERRORS,
  fail,
  initialAppState,
  ok,
  reduceApp,
  type AppEvent,
  type AppSnapshot,
  type AppState,
  type Backend,
  type CommandHandlers,
  type EventListener,
  type Result,
  type SequencedEvent,
  type ServerPreset,
  type ServerProfile,
  type ValidCommand,
  type Preferences,
  type PreferencesPatch,
} from '../../shared/ipc';
import type { DomainEvent, MyStatus, SignInError, SignInErrorCode } from '../../shared/model';
import { AttentionPolicy } from './attention';
import type { ClientFactory, ClientPort, ServerAddress } from './client-port';
import type { ProtocolConsole } from './console';
import { exportHtml, exportText, HistoryRecorder, suggestedExportName, type HistoryStore } from './history';

/** What app-core needs from the settings (electron/core/settings' SettingsStore provides it). */
export interface SignInSettings {
  /** The account the sign-in screen shows. */
  remembered(): { handle: string; server: ServerProfile; status: MyStatus } | null;
  accounts(): readonly { handle: string; passwordSaved: boolean; signInAutomatically: boolean }[];
  /** Keeps the account, and the password only when given (sealed by the keychain). */
  rememberAccount(input: {
    handle: string;
    server: ServerProfile;
    status: MyStatus;
    password?: string | null;
    signInAutomatically?: boolean;
  }): { stored: true } | { stored: false; reason: string; message: string };
  /** The saved password, or null. */
  password(handle: string): string | null;
  /** The account to sign in at start-up, with its password. */
  autoSignIn(): { handle: string; server: ServerProfile; status: MyStatus; password: string } | null;
  forget(handle: string): void;
  serverPresets(): readonly ServerPreset[];
}

/** The preferences sections of the settings (electron/core/settings' SettingsStore provides it). */
export interface PreferenceSettings {
  get(): Readonly<Preferences>;
  /** Validates strictly; throws (and changes nothing) on a bad value or a failed write. */
  updatePreferences(patch: PreferencesPatch): Readonly<Preferences>;
}

/** Starts the bundled server on loopback when the user picks "Local server on this computer". */
export interface LocalServerLauncher {
  /** Starts it once; later calls return the same address. */
  ensure(): Promise<ServerAddress>;
  /**
   * The local server is the user's own: "Create this account on the local server" creates the
   * account with that password (an existing account keeps its password and is checked as usual).
   */
  prepareAccount(handle: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AppCoreOptions {
  createClient: ClientFactory;
  settings: SignInSettings;
  /** Null where the bundled server cannot run. */
  localServer: LocalServerLauncher | null;
  /** Whether the settings can keep passwords (an OS keychain is there). */
  canSavePasswords?: boolean;
  /** The preferences (notifications, sounds, history logging, idle, appearance). */
  preferences: PreferenceSettings;
  /** The conversation logs; null = no history (the store could not open). */
  history?: HistoryStore | null;
  /** The protocol console's buffer (masked traffic), fed by the client's traffic tap. */
  protocolConsole?: ProtocolConsole | null;
  /** The local server's demo account, prefilled on the sign-in screen when nothing is remembered. */
  demoAccount?: { handle: string; password: string } | null;
  now?: () => number;
}

const SIGN_IN_ERROR_CODES: readonly SignInErrorCode[] = [
  'wrong-password',
  'unknown-account',
  'server-unreachable',
  'passport-unreachable',
  'no-common-version',
  'signed-in-elsewhere',
  'server-shutting-down',
  'server-busy',
  'account-restricted',
  'timeout',
  'connection-lost',
  'protocol-error',
  'cancelled',
];

function isSignInErrorCode(code: string): code is SignInErrorCode {
  return (SIGN_IN_ERROR_CODES as readonly string[]).includes(code);
}

function cancelled(): Error {
  return Object.assign(new Error('Sign-in cancelled.'), { code: 'cancelled' });
}

/** Turns whatever a client call threw into a result; errors from the client carry model codes. */
function failure(e: unknown): { ok: false; error: { code: string; message: string } } {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : CONTRACT_ERRORS.internal;
  const message = typeof err?.message === 'string' ? err.message : 'Something went wrong.';
  return fail(code, message);
}

async function attempt<T>(f: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await f());
  } catch (e) {
    return failure(e);
  }
}

export class AppCore implements Backend {
  private seq = 0;
  private state: AppState = initialAppState;
  private readonly listeners = new Set<EventListener>();
  private client: ClientPort | null = null;
  private unsubscribeClient: (() => void) | null = null;
  private signingIn: AbortController | null = null;
  private readonly now: () => number;
  private readonly handlers: CommandHandlers;
  private readonly attention: AttentionPolicy;
  private recorder: HistoryRecorder | null = null;
  /** The handle of the signed-in (or signing-in) account: whose history the commands read. */
  private account: string | null = null;
  /** Whom each conversation I opened was opened with (before they join, its participants are empty). */
  private readonly openedWith = new Map<string, readonly string[]>();
  /** The password being signed in with, masked in the protocol console. */
  private secret: string | null = null;

  constructor(private readonly options: AppCoreOptions) {
    this.now = options.now ?? Date.now;
    this.handlers = this.buildHandlers();
    this.attention = new AttentionPolicy(
      {
        myStatus: () => (this.state.session.connection.status === 'online' ? (this.state.session.self?.status ?? 'online') : null),
        isBlocked: (handle) => this.state.contacts.contacts[handle.toLowerCase()]?.lists.block ?? false,
        contactName: (handle) => this.state.contacts.contacts[handle.toLowerCase()]?.friendlyName ?? handle,
        settings: () => {
          const p = this.options.preferences.get();
          return { notifications: p.notifications, sounds: p.sounds };
        },
      },
      (e) => this.emit(e),
      this.now,
    );
    this.emit({ type: 'preferences.changed', preferences: this.preferences() });
  }

  /** Secrets the protocol console masks wherever they appear. */
  secrets(): readonly string[] {
    return this.secret ? [this.secret] : [];
  }

  private preferences(): Preferences {
    const p = this.options.preferences.get();
    return { notifications: p.notifications, sounds: p.sounds, history: p.history, idle: p.idle, appearance: p.appearance };
  }

  /** The history of the signed-in account, or a result saying why there is none. */
  private withHistory<T>(f: (store: HistoryStore, account: string) => T): Promise<Result<T>> {
    const store = this.options.history;
    if (!store) return Promise.resolve(fail(CONTRACT_ERRORS.unsupported, 'History is not available.'));
    const account = this.account ?? this.state.session.handle;
    if (!account) return Promise.resolve(fail('not-signed-in', 'Sign in to see your history.'));
    return attempt(async () => f(store, account));
  }

  /** The history log a live conversation is written to (1:1 by contact, group by id). */
  private liveLogId(store: HistoryStore, account: string, conversationId: string): number | null {
    const live = this.state.conversations.conversations[conversationId];
    const group = store.findConversation(account, 'group', conversationId);
    if (!live) return group?.id ?? null;
    const joined = live.conversation.participants.map((p) => p.handle.toLowerCase());
    const others = joined.length > 0 ? joined : (this.openedWith.get(conversationId) ?? []);
    if (others.length === 1 && others[0]) {
      return store.findConversation(account, 'one-to-one', others[0])?.id ?? group?.id ?? null;
    }
    return group?.id ?? null;
  }

  snapshot(): AppSnapshot {
    return { seq: this.seq, state: this.state };
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async execute(command: ValidCommand): Promise<Result<unknown>> {
    const handler = this.handlers[command.name] as (input: unknown) => Promise<Result<unknown>>;
    try {
      return await handler(command.input);
    } catch (e) {
      return failure(e);
    }
  }

  /**
   * "Sign me in automatically": at start-up, signs in to the account saved for it, if any.
   * Windows follow through the events, like any sign-in.
   */
  async autoSignIn(): Promise<Result<unknown> | null> {
    const account = this.options.settings.autoSignIn();
    if (!account) return null;
    return this.execute({
      name: 'signIn',
      input: { ...account, rememberMe: true, rememberPassword: true, signInAutomatically: true, createAccount: false },
    });
  }

  /** Signs out and stops the local server (app quit, web host shutdown). */
  async dispose(): Promise<void> {
    this.signingIn?.abort();
    const client = this.client;
    this.detachClient();
    if (client) {
      await client.signOut().catch(() => undefined);
      client.dispose();
    }
    await this.options.localServer?.stop();
    this.options.history?.close();
  }

  private emit(event: AppEvent): void {
    const sequenced: SequencedEvent = { seq: ++this.seq, at: this.now(), event };
    this.state = reduceApp(this.state, sequenced);
    for (const l of [...this.listeners]) {
      try {
        l(sequenced);
      } catch (e) {
        console.error('An event listener failed:', (e as Error).message);
      }
    }
  }

  private afterClientEvent(e: DomainEvent, recorder: HistoryRecorder | null): void {
    try {
      recorder?.handle(e);
    } catch (err) {
      console.warn(`History: ${(err as Error).message}`);
    }
    try {
      this.attention.handle(e);
    } catch (err) {
      console.warn(`Notifications: ${(err as Error).message}`);
    }
  }

  private detachClient(): void {
    this.unsubscribeClient?.();
    this.unsubscribeClient = null;
    this.client = null;
  }

  /** The client of a signed-in (or reconnecting) session, or a `not-signed-in` result. */
  private session<T>(f: (c: ClientPort) => Promise<T>): Promise<Result<T>> {
    const c = this.client;
    if (!c || this.signingIn) return Promise.resolve(fail('not-signed-in', 'You are not signed in.'));
    return attempt(() => f(c));
  }

  private rememberedAccount() {
    const r = this.options.settings.remembered();
    if (!r) return null;
    const summary = this.options.settings.accounts().find((a) => a.handle === r.handle);
    return { ...r, passwordSaved: summary?.passwordSaved ?? false, signInAutomatically: summary?.signInAutomatically ?? false };
  }

  private async resolveServer(profile: ServerProfile, handle: string, password: string, createAccount: boolean): Promise<ServerAddress> {
    if (profile.kind === 'custom') {
      return { host: profile.host, port: profile.port, ...(profile.nexusUrl ? { nexusUrl: profile.nexusUrl } : {}) };
    }
    const local = this.options.localServer;
    if (!local) throw Object.assign(new Error('This app cannot run the local server.'), { code: 'not-supported' });
    const address = await local.ensure();
    // Only on the user's explicit choice: a typo must not silently become an empty account.
    if (createAccount) await local.prepareAccount(handle, password);
    return address;
  }

  private buildHandlers(): CommandHandlers {
    return {
      snapshot: async () => ok(this.snapshot()),
      signInDefaults: async () =>
        ok({
          remembered: this.rememberedAccount(),
          canSavePasswords: this.options.canSavePasswords ?? false,
          // The sign-in screen offers the local server itself (when this host can run it).
          presets: this.options.settings.serverPresets().filter((p) => p.server.kind !== 'local'),
          localServerAvailable: !!this.options.localServer,
          demoAccount: this.options.localServer ? (this.options.demoAccount ?? null) : null,
        }),

      signIn: async ({ server, handle, password: typed, status, rememberMe, rememberPassword, signInAutomatically, createAccount }) => {
        if (this.signingIn) return fail('busy', 'Already signing in.');
        if (this.client) return fail('already-signed-in', 'Sign out first.');
        // An empty password means the one saved for this account.
        const password = typed !== '' ? typed : this.options.settings.password(handle);
        if (!password) return fail('invalid-input', 'Type your password.');
        const abort = new AbortController();
        this.signingIn = abort;
        this.emit({ type: 'sign-in.started', handle, at: this.now() });
        let client: ClientPort | null = null;
        try {
          const address = await this.resolveServer(server, handle, password, createAccount);
          if (abort.signal.aborted) throw cancelled();
          const created = this.options.createClient(address);
          client = created;
          this.client = created;
          this.account = handle;
          this.secret = password;
          const history = this.options.history;
          const recorder = history
            ? new HistoryRecorder({
                store: history,
                account: handle,
                isEnabled: () => this.options.preferences.get().history.enabled,
                onError: (err) => console.warn(`History: ${(err as Error).message}`),
                now: this.now,
              })
            : null;
          this.recorder = recorder;
          this.unsubscribeClient = created.onEvent((e) => {
            this.emit(e);
            this.afterClientEvent(e, recorder);
            // The session ended without us (signed in elsewhere, server shut down, gave up
            // reconnecting): let go of the client so that a new sign-in can start.
            if (e.type === 'connection.changed' && e.state.status === 'signed-out' && !this.signingIn && this.client === created) {
              this.detachClient();
              created.dispose();
            }
          });
          await client.signIn({ handle, password, status, signal: abort.signal });
          if (abort.signal.aborted) throw cancelled();
        } catch (e) {
          this.recorder = null;
          this.detachClient();
          client?.dispose();
          const result = failure(abort.signal.aborted ? cancelled() : e);
          // The client reports its own failures; still, every window must leave "signing in",
          // also when the failure came before the client (the local server would not start).
          const error: SignInError = { code: isSignInErrorCode(result.error.code) ? result.error.code : 'protocol-error', message: result.error.message };
          this.emit({ type: 'connection.changed', state: { status: 'signed-out', error } });
          return result;
        } finally {
          this.signingIn = null;
        }
        let notice: string | null = null;
        if (rememberMe) {
          const keep = rememberPassword || signInAutomatically;
          const outcome = this.options.settings.rememberAccount({
            handle,
            server,
            status,
            password: keep ? password : null,
            signInAutomatically: keep && signInAutomatically,
          });
          if (keep && !outcome.stored) notice = outcome.message;
        } else {
          this.options.settings.forget(handle);
        }
        return ok({ notice });
      },
      cancelSignIn: async () => {
        this.signingIn?.abort();
        return ok(null);
      },
      signOut: async () => {
        this.signingIn?.abort();
        const client = this.client;
        if (!client) return ok(null);
        // No command may reach a session that is ending; its own events (going offline, closing
        // conversations) still come through until it is gone.
        this.client = null;
        await client.signOut().catch(() => undefined);
        this.detachClient();
        client.dispose();
        for (const c of Object.values(this.state.conversations.conversations)) {
          if (c.open) this.emit({ type: 'conversation.closed', conversationId: c.conversation.id });
        }
        if (this.state.session.connection.status !== 'signed-out') {
          this.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
        }
        return ok(null);
      },
      forgetAccount: async ({ handle }) => {
        this.options.settings.forget(handle);
        return ok(null);
      },

      setStatus: ({ status }) => this.session((c) => c.setStatus(status).then(() => null)),
      setFriendlyName: ({ name }) => this.session((c) => c.setFriendlyName(name).then(() => null)),
      setPersonalMessage: ({ text }) => this.session((c) => c.setPersonalMessage(text).then(() => null)),

      addContact: ({ handle, groupId }) => this.session((c) => c.addContact(handle, groupId).then(() => null)),
      removeContact: ({ handle }) => this.session((c) => c.removeContact(handle).then(() => null)),
      blockContact: ({ handle }) => this.session((c) => c.block(handle).then(() => null)),
      unblockContact: ({ handle }) => this.session((c) => c.unblock(handle).then(() => null)),
      moveContact: ({ handle, fromGroupId, toGroupId }) =>
        this.session((c) => (fromGroupId === toGroupId ? Promise.resolve(null) : c.moveToGroup(handle, fromGroupId, toGroupId).then(() => null))),
      copyContact: ({ handle, toGroupId }) => this.session((c) => c.copyToGroup(handle, toGroupId).then(() => null)),
      answerAddRequest: ({ handle, decision }) =>
        this.session(async (c) => {
          if (decision === 'block') await c.block(handle);
          else await c.allow(handle);
          if (decision === 'allow-and-add') await c.addContact(handle);
          return null;
        }),

      createGroup: ({ name }) => this.session((c) => c.createGroup(name)),
      renameGroup: ({ groupId, name }) => this.session((c) => c.renameGroup(groupId, name).then(() => null)),
      removeGroup: ({ groupId }) => this.session((c) => c.removeGroup(groupId).then(() => null)),

      openConversation: ({ handles }) =>
        this.session(async (c) => {
          const peers = [...new Set(handles)];
          const conversationId = await c.openConversation(peers);
          this.openedWith.set(conversationId, peers);
          return { conversationId };
        }),
      sendMessage: ({ conversationId, text, format }) =>
        this.session(async (c) => ({ messageId: await c.sendMessage(conversationId, text, format) })),
      retryMessage: ({ conversationId, messageId }) =>
        this.session(async (c) => {
          if (!(await c.retryMessage(conversationId, messageId))) {
            throw Object.assign(new Error('That message cannot be sent again.'), { code: 'not-found' });
          }
          return { messageId };
        }),
      sendTyping: ({ conversationId }) => this.session((c) => c.sendTyping(conversationId).then(() => null)),
      sendNudge: ({ conversationId }) =>
        this.session(async (c) => {
          await c.sendNudge(conversationId);
          const sent = { type: 'nudge.sent', conversationId, at: this.now() } as const;
          this.emit(sent);
          try {
            this.recorder?.handle(sent);
          } catch (err) {
            console.warn(`History: ${(err as Error).message}`);
          }
          return null;
        }),
      inviteToConversation: ({ conversationId, handle }) =>
        this.session((c) => c.invite(conversationId, handle).then(() => null)),
      closeConversation: ({ conversationId }) =>
        this.session((c) => c.closeConversation(conversationId).then(() => null)),
      showConversation: async () => fail(CONTRACT_ERRORS.unsupported, 'Conversations open in this page.'),

      windowFocused: async ({ target }) => {
        this.attention.setFocus(target);
        return ok(null);
      },
      // The page's activity is an idle source for automatic Away, which the hosts run (the web
      // host tracks its pages; the desktop app uses the system idle time): nothing to do here.
      reportActivity: async () => ok(null),
      markConversationRead: async ({ conversationId }) => {
        this.attention.markRead(conversationId);
        return ok(null);
      },
      getPreferences: async () => ok(this.preferences()),
      updatePreferences: async (patch) => {
        try {
          this.options.preferences.updatePreferences(patch);
        } catch (e) {
          return fail(CONTRACT_ERRORS.invalidInput, (e as Error).message);
        }
        const preferences = this.preferences();
        this.emit({ type: 'preferences.changed', preferences });
        return ok(preferences);
      },

      historyList: ({ limit, offset }) => this.withHistory((store, account) => store.listConversations(account, { limit, offset })),
      historyRecent: ({ historyId, liveConversationId, limit, beforeEntryId }) =>
        this.withHistory((store, account) => {
          const id = historyId ?? (liveConversationId ? this.liveLogId(store, account, liveConversationId) : null);
          if (id === null || id === undefined) return null;
          const conversation = store.getConversation(id);
          if (!conversation || conversation.account !== account) return null;
          return { conversation, ...store.recent(id, { limit, ...(beforeEntryId ? { beforeEntryId } : {}) }) };
        }),
      historyAround: ({ entryId, before, after }) =>
        this.withHistory((store, account) => {
          const page = store.around(entryId, { before, after });
          return page && page.conversation.account === account ? page : null;
        }),
      historySearch: ({ query, historyId, limit }) =>
        this.withHistory((store, account) => (query.trim() === '' ? [] : store.search(account, query, { limit, ...(historyId ? { conversationId: historyId } : {}) }))),
      historyExport: ({ historyId, format }) =>
        this.withHistory((store, account) => {
          const conversation = store.getConversation(historyId);
          if (!conversation || conversation.account !== account) throw Object.assign(new Error('No such conversation.'), { code: 'not-found' });
          const entries = store.iterateEntries(historyId);
          return format === 'html'
            ? { content: exportHtml(conversation, entries), suggestedName: suggestedExportName(conversation, 'html'), mimeType: 'text/html' as const }
            : { content: exportText(conversation, entries), suggestedName: suggestedExportName(conversation, 'text'), mimeType: 'text/plain' as const };
        }),
      historyDelete: ({ historyId }) =>
        this.withHistory((store, account) => {
          const conversation = store.getConversation(historyId);
          if (!conversation || conversation.account !== account) throw Object.assign(new Error('No such conversation.'), { code: 'not-found' });
          store.deleteConversation(historyId);
          return null;
        }),
      historyDeleteAll: () =>
        this.withHistory((store, account) => {
          store.deleteAll(account);
          return null;
        }),

      consoleEntries: async ({ sinceSeq }) => {
        const c = this.options.protocolConsole;
        if (!c) return fail(CONTRACT_ERRORS.unsupported, 'The protocol console is not available.');
        return ok(c.since(sinceSeq));
      },
      consoleReport: async () => {
        const c = this.options.protocolConsole;
        if (!c) return fail(CONTRACT_ERRORS.unsupported, 'The protocol console is not available.');
        return ok(c.toText());
      },
      consoleClear: async () => {
        this.options.protocolConsole?.clear();
        return ok(null);
      },
    };
  }
}
