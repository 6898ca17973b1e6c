/**
 * The backend's composition root (ARCHITECTURE.md §1, §5): builds the session of this run, the
 * attention policy and every domain's command handlers (./commands), keeps the state a window can
 * ask for (`snapshot`) by projecting every event, numbers the events, and answers every command of
 * the contract as data. The Electron shell and the web host both serve this same object.
 */
import {
  DEFAULT_CONTACT_LIST_VIEW,
  initialAppState,
  ok,
  reduceApp,
  type AppEvent,
  type AppSnapshot,
  type AppState,
  type Backend,
  type CommandName,
  type EventListener,
  type Preferences,
  type Result,
  type SequencedEvent,
  type ValidCommand,
} from '../../shared/ipc';
import type { AppCoreOptions } from './app-core-options';
import { AttentionPolicy } from './attention';
import { commandHandlers, LiveSession, toFailure, type CommandContext, type CommandHandlerSet } from './commands';

export type { AppCoreOptions, LocalServerLauncher, PreferenceSettings, SignInSettings } from './app-core-options';

export class AppCore implements Backend {
  private seq = 0;
  private state: AppState = initialAppState;
  private readonly listeners = new Set<EventListener>();
  private readonly now: () => number;
  private readonly live = new LiveSession();
  private readonly attention: AttentionPolicy;
  private readonly handlers: CommandHandlerSet<CommandName>;

  constructor(private readonly options: AppCoreOptions) {
    this.now = options.now ?? Date.now;
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
    const context: CommandContext = {
      options,
      live: this.live,
      attention: this.attention,
      snapshot: () => this.snapshot(),
      state: () => this.state,
      emit: (e) => this.emit(e),
      now: this.now,
      preferences: () => this.preferences(),
    };
    this.handlers = commandHandlers(context);
    this.emit({ type: 'preferences.changed', preferences: this.preferences() });
  }

  /** Secrets the protocol console masks wherever they appear. */
  secrets(): readonly string[] {
    return this.live.secret ? [this.live.secret] : [];
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

  /** Runs one validated command; whatever its handler throws becomes a failure result here. */
  async execute(command: ValidCommand): Promise<Result<unknown>> {
    const handler = this.handlers[command.name] as (input: unknown) => unknown;
    try {
      return ok(await handler(command.input));
    } catch (e) {
      return toFailure(e);
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

  /**
   * What a web host download link's token stands for (a file received in this session), or null.
   * The web host serves it (same origin, the page's own cookie checked first).
   */
  resolveDownload(token: string): { path: string; name: string } | null {
    return this.live.transfers?.resolveDownload(token) ?? null;
  }

  /** Signs out and stops the local server (app quit, web host shutdown). */
  async dispose(): Promise<void> {
    this.live.signingIn?.abort();
    const client = this.live.client;
    this.live.detach();
    this.live.disposeStaging?.();
    if (client) {
      await client.signOut().catch(() => undefined);
      client.dispose();
    }
    await this.options.localServer?.stop();
    this.options.history?.close();
    this.options.dataDirLock?.release();
  }

  /** The installation's preferences, and the contact list view of the account signing in or signed in. */
  private preferences(): Preferences {
    const p = this.options.preferences.get();
    const handle = this.state.session.handle;
    const contactList = handle === null ? DEFAULT_CONTACT_LIST_VIEW : this.options.preferences.contactListView(handle);
    return { notifications: p.notifications, sounds: p.sounds, history: p.history, idle: p.idle, appearance: p.appearance, files: p.files, contactList };
  }

  private emit(event: AppEvent): void {
    const sequenced: SequencedEvent = { seq: ++this.seq, at: this.now(), event };
    const handleBefore = this.state.session.handle;
    this.state = reduceApp(this.state, sequenced);
    for (const l of [...this.listeners]) {
      try {
        l(sequenced);
      } catch (e) {
        console.error('An event listener failed:', (e as Error).message);
      }
    }
    // Another account signing in: its own contact list view (kept per account) applies now.
    if (this.state.session.handle !== handleBefore && event.type !== 'preferences.changed') {
      this.emit({ type: 'preferences.changed', preferences: this.preferences() });
    }
  }
}
