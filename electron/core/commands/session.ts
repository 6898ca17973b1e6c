/**
 * Session commands: the snapshot, the sign-in screen's defaults, signing in (local or custom
 * server, remember me, saved passwords), cancelling, signing out, forgetting an account, and my
 * own status, name and personal message.
 */
import type { ServerProfile } from '../../../shared/ipc';
import type { DomainEvent, MyStatus, SignInError, SignInErrorCode } from '../../../shared/model';
import type { ClientPort, ServerAddress } from '../client-port';
import { HistoryRecorder } from '../history';
import { OfflineAcks } from '../offline-acks';
import { recordInHistory, type CommandContext, type CommandHandlerSet } from './context';
import { startPictures, type SessionPictures } from './pictures';
import { startTransfers } from './files';
import { startEmoticons } from './emoticons';
import { AlreadySignedInError, errorOf, InvalidInputError, SignInBusyError, SignInCancelledError, UnsupportedError } from './errors';

type SessionCommands =
  | 'snapshot'
  | 'signInDefaults'
  | 'signIn'
  | 'cancelSignIn'
  | 'signOut'
  | 'forgetAccount'
  | 'setStatus'
  | 'setFriendlyName'
  | 'setPersonalMessage';

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

export function sessionCommands(ctx: CommandContext): CommandHandlerSet<SessionCommands> {
  const { options, live } = ctx;

  const rememberedAccount = () => {
    const r = options.settings.remembered();
    if (!r) return null;
    const summary = options.settings.accounts().find((a) => a.handle === r.handle);
    return { ...r, passwordSaved: summary?.passwordSaved ?? false, signInAutomatically: summary?.signInAutomatically ?? false };
  };

  const resolveServer = async (profile: ServerProfile, handle: string, password: string, createAccount: boolean): Promise<ServerAddress> => {
    if (profile.kind === 'custom') {
      return { host: profile.host, port: profile.port, ...(profile.nexusUrl ? { nexusUrl: profile.nexusUrl } : {}) };
    }
    const local = options.localServer;
    if (!local) throw new UnsupportedError('This app cannot run the local server.');
    const address = await local.ensure();
    // Only on the user's explicit choice: a typo must not silently become an empty account.
    if (createAccount) await local.prepareAccount(handle, password);
    return address;
  };

  /** What follows every client event besides the state: the history log and the attention policy. */
  const afterClientEvent = (e: DomainEvent, recorder: HistoryRecorder | null, offlineAcks: OfflineAcks | null) => {
    const kept = recordInHistory(recorder, e);
    if (kept && e.type === 'message.received') offlineAcks?.note(e.message.id);
    try {
      ctx.attention.handle(e);
    } catch (err) {
      console.warn(`Notifications: ${(err as Error).message}`);
    }
  };

  /** Starts the client and waits until it is signed in; throws (and lets go of it) otherwise. */
  const connect = async (server: ServerProfile, handle: string, password: string, status: MyStatus, createAccount: boolean, abort: AbortController) => {
    let client: ClientPort | null = null;
    try {
      const address = await resolveServer(server, handle, password, createAccount);
      if (abort.signal.aborted) throw new SignInCancelledError();
      const created = options.createClient(address);
      client = created;
      live.account = handle;
      live.secret = password;
      const history = options.history;
      const recorder = history
        ? new HistoryRecorder({
            store: history,
            account: handle,
            isEnabled: () => options.preferences.get().history.enabled,
            onError: (err) => console.warn(`History: ${(err as Error).message}`),
            now: ctx.now,
            // The state has the message's emoticons by now: events reach it before the recorder.
            emoticonsOf: (messageId) => ctx.state().emoticons.byMessage[messageId],
          })
        : null;
      live.recorder = recorder;
      const acknowledge = created.acknowledgeOfflineMessages?.bind(created);
      const offlineAcks = acknowledge
        ? new OfflineAcks({ acknowledge, onError: (err) => console.warn(`Offline messages: ${(err as Error).message}`) })
        : null;
      live.offlineAcks = offlineAcks;
      let pictures: SessionPictures | null = null;
      live.attach(
        created,
        created.onEvent((e) => {
          ctx.emit(e);
          afterClientEvent(e, recorder, offlineAcks);
          pictures?.afterEvent(e);
          // The session ended without us (signed in elsewhere, server shut down, gave up
          // reconnecting): let go of the client so that a new sign-in can start.
          if (e.type === 'connection.changed' && e.state.status === 'signed-out' && !live.signingIn && live.client === created) {
            live.detach();
            created.dispose();
          }
        }),
      );
      pictures = startPictures(ctx, created, handle);
      live.stopPictures = () => pictures?.stop();
      // Each finished transfer is a line in the history ("You sent report.pdf (1.2 MB) to Bob.").
      live.transfers = startTransfers(ctx, created, ({ transfer, conversationId, text }) =>
        recorder?.recordTransfer({
          ...(conversationId !== undefined ? { conversationId } : {}),
          peer: transfer.peer,
          peerName: ctx.state().contacts.contacts[transfer.peer]?.friendlyName ?? transfer.peer,
          direction: transfer.direction,
          text,
          at: ctx.now(),
        }),
      );
      const emoticons = startEmoticons(ctx, created, handle);
      live.stopEmoticons = () => emoticons.stop();
      await created.signIn({ handle, password, status, signal: abort.signal });
      if (abort.signal.aborted) throw new SignInCancelledError();
    } catch (e) {
      live.recorder = null;
      live.detach();
      client?.dispose();
      const thrown = abort.signal.aborted ? new SignInCancelledError() : e;
      const { code, message } = errorOf(thrown);
      // The client reports its own failures; still, every window must leave "signing in",
      // also when the failure came before the client (the local server would not start).
      const error: SignInError = { code: isSignInErrorCode(code) ? code : 'protocol-error', message };
      ctx.emit({ type: 'connection.changed', state: { status: 'signed-out', error } });
      throw thrown;
    }
  };

  return {
    snapshot: () => ctx.snapshot(),
    signInDefaults: () => ({
      remembered: rememberedAccount(),
      canSavePasswords: options.canSavePasswords ?? false,
      // The sign-in screen offers the local server itself (when this host can run it).
      presets: options.settings.serverPresets().filter((p) => p.server.kind !== 'local'),
      localServerAvailable: !!options.localServer,
      demoAccount: options.localServer ? (options.demoAccount ?? null) : null,
    }),

    signIn: async ({ server, handle, password: typed, status, rememberMe, rememberPassword, signInAutomatically, createAccount }) => {
      if (live.signingIn) throw new SignInBusyError();
      if (live.client) throw new AlreadySignedInError();
      // An empty password means the one saved for this account.
      const password = typed !== '' ? typed : options.settings.password(handle);
      if (!password) throw new InvalidInputError('Type your password.');
      const abort = new AbortController();
      live.signingIn = abort;
      ctx.emit({ type: 'sign-in.started', handle, at: ctx.now() });
      try {
        await connect(server, handle, password, status, createAccount, abort);
      } finally {
        live.signingIn = null;
      }
      let notice: string | null = null;
      if (rememberMe) {
        const keep = rememberPassword || signInAutomatically;
        const outcome = options.settings.rememberAccount({
          handle,
          server,
          status,
          password: keep ? password : null,
          signInAutomatically: keep && signInAutomatically,
        });
        if (keep && !outcome.stored) notice = outcome.message;
      } else {
        options.settings.forget(handle);
      }
      return { notice };
    },
    cancelSignIn: () => {
      live.signingIn?.abort();
      return null;
    },
    signOut: async () => {
      live.signingIn?.abort();
      const client = live.client;
      if (!client) return null;
      // No command may reach a session that is ending; its own events (going offline, closing
      // conversations) still come through until it is gone.
      live.client = null;
      await client.signOut().catch(() => undefined);
      live.detach();
      client.dispose();
      for (const c of Object.values(ctx.state().conversations.conversations)) {
        if (c.open) ctx.emit({ type: 'conversation.closed', conversationId: c.conversation.id });
      }
      if (ctx.state().session.connection.status !== 'signed-out') {
        ctx.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
      }
      return null;
    },
    forgetAccount: ({ handle }) => {
      options.settings.forget(handle);
      return null;
    },

    setStatus: async ({ status }) => {
      await live.connected().setStatus(status);
      return null;
    },
    setFriendlyName: async ({ name }) => {
      await live.connected().setFriendlyName(name);
      return null;
    },
    setPersonalMessage: async ({ text }) => {
      await live.connected().setPersonalMessage(text);
      return null;
    },
  };
}
