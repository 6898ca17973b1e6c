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
} from '../../shared/ipc';
import type { MyStatus, SignInError, SignInErrorCode } from '../../shared/model';
import type { ClientFactory, ClientPort, ServerAddress } from './client-port';

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

/** Starts the bundled server on loopback when the user picks "Local server on this computer". */
export interface LocalServerLauncher {
  /** Starts it once; later calls return the same address. */
  ensure(): Promise<ServerAddress>;
  /**
   * The local server is the user's own: signing in with a new e-mail address there creates the
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

  constructor(private readonly options: AppCoreOptions) {
    this.now = options.now ?? Date.now;
    this.handlers = this.buildHandlers();
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
      input: { ...account, rememberMe: true, rememberPassword: true, signInAutomatically: true },
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

  private async resolveServer(profile: ServerProfile, handle: string, password: string): Promise<ServerAddress> {
    if (profile.kind === 'custom') {
      return { host: profile.host, port: profile.port, ...(profile.nexusUrl ? { nexusUrl: profile.nexusUrl } : {}) };
    }
    const local = this.options.localServer;
    if (!local) throw Object.assign(new Error('This app cannot run the local server.'), { code: 'not-supported' });
    const address = await local.ensure();
    await local.prepareAccount(handle, password);
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
        }),

      signIn: async ({ server, handle, password: typed, status, rememberMe, rememberPassword, signInAutomatically }) => {
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
          const address = await this.resolveServer(server, handle, password);
          if (abort.signal.aborted) throw cancelled();
          const created = this.options.createClient(address);
          client = created;
          this.client = created;
          this.unsubscribeClient = created.onEvent((e) => {
            this.emit(e);
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
        this.session(async (c) => ({ conversationId: await c.openConversation([...new Set(handles)]) })),
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
          this.emit({ type: 'nudge.sent', conversationId, at: this.now() });
          return null;
        }),
      inviteToConversation: ({ conversationId, handle }) =>
        this.session((c) => c.invite(conversationId, handle).then(() => null)),
      closeConversation: ({ conversationId }) =>
        this.session((c) => c.closeConversation(conversationId).then(() => null)),
      showConversation: async () => fail(CONTRACT_ERRORS.unsupported, 'Conversations open in this page.'),
    };
  }
}
