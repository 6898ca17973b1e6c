/**
 * MsnClient: the composition root of the MSN client (model: xmpp.js `packages/client`). It
 * wires the modules (login, challenge, keep-alive, list sync, contacts, presence, conversations,
 * notifications, reconnect policy) around one notification-server session at a time and emits
 * the domain events of shared/model. Its own surface is small: sign in, sign out, state,
 * snapshot, events; features live on `self`, `contacts` and `conversations`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConnectionState, DomainEvent, DomainEventMap, DomainEventType, MyStatus, SessionSnapshot } from '../../../shared/model';
import { DEFAULT_PORT, buildXfrRequest, decodeXfrReply, isCodecError, normalizeHandle, type Command, type Dialect } from '../../../shared/msnp';
import { AddressBookService } from './ab/service';
import { OfflineInbox } from './oim/inbox';
import { OfflineOutbox } from './oim/outbox';
import { syncAddressBook } from './ab/sync';
import type { CachedAddressBook } from './ab/cache';
import { installChallengeResponder } from './challenge';
import { systemClock, type Clock } from './clock';
import { RequestError, connectionTuning, type CloseReason, type Connection, type SocketFactory } from './connection';
import { ContactList } from './contact-list';
import { Contacts } from './contacts';
import { SessionRef, type NsContext } from './context';
import { ConversationsApi } from './conversations-api';
import { TypedEmitter } from './emitter';
import { FileTransferError } from './files/carrier';
import { chooseFileProtocol } from './files/routing';
import { FileTransferRegistry } from './files/transfers';
import type { TransferProtocol } from './files/types';
import { OperationFailure, SignInFailure, closeMessage, decodedOr, malformedReply, signInCodeForClose, toOperationFailure } from './errors';
import { KeepAlive, type KeepAliveOptions } from './keepalive';
import { listCacheKey, usableCache, type CachedContactList, type ListCache } from './list-cache';
import { syncContactList } from './list-sync';
import { login } from './login';
import { MsnftpCarrier, type MsnftpTimeouts } from './msnftp/carrier';
import { conversationInvitations } from './msnftp/channel';
import { Notifications } from './notifications';
import { P2pFileCarrier } from './p2p/file-carrier';
import { P2pManager } from './p2p/manager';
import { Emoticons } from './p2p/emoticons';
import { Pictures } from './p2p/pictures';
import { PassportClient } from './passport-http';
import { machineGuid } from './machine-guid';
import { Presence } from './presence';
import { ReconnectPolicy, Reconnector, type ReconnectPolicyOptions } from './reconnect';
import { webServiceUrls, type ServerProfile } from './server-profile';
import { Switchboard } from './switchboard';
import { SwitchboardManager } from './switchboard-manager';
import type { TokenService } from './sso/token-service';
import type { TrafficTap } from './traffic';

export interface MsnClientOptions {
  readonly server: ServerProfile;
  /** Keeps the contact list between sessions (MSNP.md §4.3). None = always the full list. */
  readonly listCache?: ListCache;
  /** Masked protocol traffic, for a protocol console. */
  readonly tap?: TrafficTap;
  readonly clock?: Clock;
  readonly socketFactory?: SocketFactory;
  /** `false` disables reconnecting; otherwise options for the backoff. */
  readonly reconnect?: ReconnectPolicyOptions | false;
  readonly keepAlive?: KeepAliveOptions;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Switchboard tuning: ACK wait, join wait, typing interval. */
  readonly conversations?: { readonly ackTimeoutMs?: number; readonly joinTimeoutMs?: number; readonly typingIntervalMs?: number };
  readonly newId?: () => string;
  /** P2P tuning (MSNP-P2P.md §12): timeouts and session bounds. */
  readonly p2p?: {
    readonly answerTimeoutMs?: number;
    readonly idleTimeoutMs?: number;
    readonly joinTimeoutMs?: number;
    readonly maxSessionsPerPeer?: number;
    readonly maxSessions?: number;
    readonly lingerMs?: number;
    readonly offerTimeoutMs?: number;
  };
  /** MSNFTP timeouts (MSNP.md §6.10): answer, connect, handshake, idle. */
  readonly msnftp?: MsnftpTimeouts;
  /** Directory for contacts' display pictures, content-addressed by SHA1D; none = memory only. */
  readonly pictureCacheDir?: string;
  /**
   * A secret kept once per installation, from which each account's machine GUID is derived
   * (`machine-guid.ts`, MSNP13-18.md §8.2). None = one made for this client object, so the GUID is
   * stable for its life (reconnects included) but not across app runs.
   */
  readonly installationId?: string;
}

export interface Credentials {
  readonly handle: string;
  readonly password: string;
  /** Status to sign in with (default online; `hidden` = appear offline). */
  readonly status?: MyStatus;
}

export class MsnClient {
  private readonly emitter = new TypedEmitter<DomainEventMap>();
  private readonly clock: Clock;
  private readonly list = new ContactList();
  private readonly session = new SessionRef();
  private readonly passport: PassportClient;
  /** See `MsnClientOptions.installationId`. */
  private readonly installationId: string;
  private readonly notifications: Notifications;
  private readonly reconnector: Reconnector;
  private readonly switchboards: SwitchboardManager;
  /** My status, friendly name and personal message. */
  readonly self: Presence;
  /** Contact list, groups and privacy. */
  readonly contacts: Contacts;
  /** Conversations by id. */
  readonly conversations: ConversationsApi;
  /** My display picture and contacts' (MSNP9+, over P2P). */
  readonly pictures: Pictures;
  /** My custom emoticons and contacts' (MSNP9+, over P2P). */
  readonly emoticons: Emoticons;
  /** File transfers (P2P over the switchboard for MSNP9+ peers; MSNFTP registers its carrier here). */
  readonly files: FileTransferRegistry;
  private readonly p2p: P2pManager;
  private readonly msnftp: MsnftpCarrier;
  /** Contacts' client capabilities from ILN/NLN, this session (they choose the file protocol). */
  private readonly peerCaps = new Map<string, number>();
  private stateValue: ConnectionState = { status: 'signed-out' };
  private credentials: Credentials | undefined;
  private everSignedIn = false;
  private lastAbRead: { readonly memberships: 'delta' | 'full'; readonly book: 'delta' | 'full' } | undefined;
  private abort: AbortController | undefined;
  private keepAlive: KeepAlive | undefined;
  private moveTo: { host: string; port: number } | undefined;
  private lastServer: { host: string; port: number } | undefined;
  private sbCount = 0;
  /** MSNP13+: offline messages waiting on the server (oim/inbox.ts). */
  private inbox: OfflineInbox | undefined;
  private outbox: OfflineOutbox | undefined;

  constructor(private readonly options: MsnClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.installationId = options.installationId ?? randomBytes(16).toString('hex');
    this.passport = new PassportClient(options.tap !== undefined ? { tap: options.tap } : {});
    this.reconnector = new Reconnector({
      policy: options.reconnect === false ? undefined : new ReconnectPolicy(options.reconnect ?? {}),
      clock: this.clock,
      connect: () => this.reconnect(),
      onWaiting: (attempt, retryAt, error) => this.setState({ status: 'reconnecting', attempt, retryAt, ...(error !== undefined ? { error } : {}) }),
      onGiveUp: (error) => {
        this.switchboards.closeAll();
        this.setState({ status: 'signed-out', error });
      },
    });
    const emit = <K extends keyof DomainEventMap>(type: K, payload: DomainEventMap[K]): void => this.emitter.emit(type, payload);
    this.notifications = new Notifications(emit, this.clock, () => this.onAddressBookChanged(), (value) => {
      this.inbox?.onMailData(value).catch(() => undefined);
    });
    this.pictures = new Pictures({
      manager: () => this.p2p,
      me: () => this.session.value?.handle,
      announce: () => this.announcePicture(),
      ...(options.pictureCacheDir !== undefined ? { cacheDir: options.pictureCacheDir } : {}),
    });
    this.emoticons = new Emoticons({ manager: () => this.p2p, me: () => this.session.value?.handle });
    this.self = new Presence(this.session, this.list, emit, {
      myMsnObject: () => this.pictures.myObjectXml,
      contactMsnObject: (handle, obj) => this.pictures.noteContactObject(handle, obj),
      contactCapabilities: (handle, caps) => {
        if (caps === undefined) this.peerCaps.delete(normalizeHandle(handle));
        else this.peerCaps.set(normalizeHandle(handle), caps);
      },
      machineGuid: () => {
        const handle = this.session.value?.handle;
        return handle === undefined ? undefined : machineGuid(this.installationId, handle);
      },
    });
    this.contacts = new Contacts(this.session, this.list, emit, () => this.saveCache());
    const newId = options.newId ?? randomUUID;
    const conv = options.conversations ?? {};
    this.switchboards = new SwitchboardManager({
      me: () => ({ handle: this.self.self.handle, friendlyName: this.self.self.friendlyName }),
      dialect: () => this.session.require().dialect,
      requestSwitchboard: () => this.requestSwitchboard(),
      createSwitchboard: (host, port, auth) => this.createSwitchboard(host, port, auth),
      emit,
      clock: this.clock,
      newId,
      ...(conv.ackTimeoutMs !== undefined ? { ackTimeoutMs: conv.ackTimeoutMs } : {}),
      ...(conv.joinTimeoutMs !== undefined ? { joinTimeoutMs: conv.joinTimeoutMs } : {}),
      ...(conv.typingIntervalMs !== undefined ? { typingIntervalMs: conv.typingIntervalMs } : {}),
      // Custom emoticons need P2P (MSNP9+) on both sides.
      emoticonAnnouncement: (text) => ((this.session.value?.dialect ?? 0) >= 9 ? this.emoticons.announcementFor(text) : undefined),
      onEmoticons: (conversationId, sender, items) => {
        // Below MSNP9 nothing can be fetched: the shortcuts stay text, and the notice says so.
        if ((this.session.value?.dialect ?? 0) < 9) return false;
        this.emoticons.onAnnouncement(conversationId, sender, items);
        return true;
      },
      // MSNP13+: a contact who cannot be invited (offline) gets the text as an offline message.
      saveOffline: (to, text) => this.outbox?.send(to, text),
      // File invitations and the answers to ours (MSNP.md §6.10).
      onInvitation: (conversationId, sender, message) => this.msnftp.onInvitation(conversationId, sender, message),
    });
    this.conversations = new ConversationsApi(this.switchboards);
    this.p2p = new P2pManager({
      me: () => this.session.require().handle,
      findPublished: (sha1d, type) => this.pictures.findPublished(sha1d, type) ?? this.emoticons.findPublished(sha1d, type),
      requestSwitchboard: () => this.requestSwitchboard(),
      createSwitchboard: (host, port, auth) => this.createSwitchboard(host, port, auth),
      clock: this.clock,
      ...(conv.ackTimeoutMs !== undefined ? { ackTimeoutMs: conv.ackTimeoutMs } : {}),
      ...(options.p2p ?? {}),
      onFileOffer: (offer) => p2pFiles.onOffer(offer),
    });
    const p2pFiles = new P2pFileCarrier(() => this.p2p);
    this.files = new FileTransferRegistry({ clock: this.clock, route: (peer) => this.fileRoute(peer), newId });
    this.files.registerCarrier(p2pFiles);
    // A contact who went offline can no longer answer or finish a file offer.
    this.emitter.on('presence.changed', ({ handle, status }) => {
      if (status === 'offline') this.p2p.peerOffline(handle);
    });
    this.msnftp = new MsnftpCarrier({
      me: () => this.session.require().handle,
      localAddress: () => this.session.value?.conn.localAddress,
      invitations: conversationInvitations(() => this.switchboards),
      clock: this.clock,
      ...(options.msnftp !== undefined ? { timeouts: options.msnftp } : {}),
    });
    this.files.registerCarrier(this.msnftp);
  }

  // ----- events -----

  on<K extends DomainEventType>(type: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    return this.emitter.on(type, listener);
  }

  /** Every domain event as one `{ type, …payload }` object, in order (for IPC forwarding). */
  onEvent(listener: (event: DomainEvent) => void): () => void {
    return this.emitter.onAny((type, payload) => listener({ type, ...payload } as DomainEvent));
  }

  // ----- state -----

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The negotiated dialect of the current session, if signed in. */
  get dialect(): Dialect | undefined {
    return this.session.value?.dialect;
  }

  snapshot(): SessionSnapshot {
    return {
      connection: this.stateValue,
      self: this.everSignedIn ? this.self.self : null,
      contacts: this.list.allContacts(),
      groups: this.list.allGroups(),
      privacy: this.list.privacy,
      conversations: this.switchboards.toModel(),
    };
  }

  // ----- sign in / out -----

  /** Sign in; rejects with a SignInFailure (`code` from shared/model) when it cannot. */
  async signIn(credentials: Credentials): Promise<void> {
    if (this.stateValue.status !== 'signed-out') throw new SignInFailure('cancelled', `already ${this.stateValue.status}`);
    const handle = normalizeHandle(credentials.handle.trim());
    if (this.credentials !== undefined && this.credentials.handle !== handle) {
      // Another account: forget the previous one's list and conversations.
      this.switchboards.closeAll();
      this.list.clear();
      this.everSignedIn = false;
    }
    this.credentials = { ...credentials, handle };
    this.reconnector.reset();
    this.moveTo = undefined;
    try {
      await this.connectSession(credentials.status ?? 'online', false);
    } catch (err) {
      const failure = asSignInFailure(err);
      this.teardownSession();
      this.setState({ status: 'signed-out', error: failure.toModel() });
      throw failure;
    }
  }

  /** Sign out (sends `OUT`), or stop signing in / reconnecting. Conversations are closed. */
  async signOut(): Promise<void> {
    this.reconnector.cancel();
    this.abort?.abort();
    this.msnftp.closeAll('you signed out');
    this.switchboards.closeAll();
    const ctx = this.session.value;
    this.teardownSession();
    if (ctx !== undefined && ctx.conn.isOpen) {
      const closed = new Promise<void>((resolve) => ctx.conn.events.once('close', () => resolve()));
      ctx.conn.close({ kind: 'local', message: 'signed out' }, true);
      await closed;
    }
    this.setState({ status: 'signed-out' });
  }

  // ----- internals -----

  private async connectSession(status: MyStatus, isReconnect: boolean): Promise<void> {
    const creds = this.credentials;
    if (creds === undefined) throw new SignInFailure('cancelled', 'no credentials');
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.setState({ status: 'connecting' });
    const startAt = this.moveTo;
    this.moveTo = undefined;
    const result = await login({
      profile: this.options.server,
      handle: creds.handle,
      password: creds.password,
      passport: this.passport,
      signal,
      ...(startAt !== undefined ? { startAt } : {}),
      ...connectionTuning(this.options),
      prepare: (conn, ref) => {
        // Things the server may push right after USR OK (same TCP chunk): install them first.
        this.notifications.install(conn);
        installChallengeResponder(conn, () => ref.dialect);
        conn.events.on('status', ({ status: s }) => {
          if (s === 'authenticating' && ref.dialect !== undefined) this.setState({ status: 'authenticating', protocol: `MSNP${ref.dialect}` });
        });
      },
    });
    const conn = result.connection;
    const handle = normalizeHandle(result.handle);
    // MSNP13+: the lists live in the SOAP address book, reached with the token service's tickets.
    const ab = result.tokens !== undefined ? this.addressBookFor(result.tokens, handle) : undefined;
    const ctx: NsContext = { conn, dialect: result.dialect, handle, ...(result.tokens !== undefined ? { tokens: result.tokens } : {}), ...(ab !== undefined ? { ab } : {}) };
    const protocol = `MSNP${result.dialect}`;
    this.p2p.reopen();
    this.peerCaps.clear();
    this.inbox = result.tokens !== undefined ? this.offlineInboxFor(result.tokens) : undefined;
    this.outbox = result.tokens !== undefined ? this.offlineOutboxFor(result.tokens, result.dialect) : undefined;
    this.lastServer = { host: result.host, port: result.port };
    try {
      this.session.set(ctx);
      this.setState({ status: 'syncing', protocol });
      const keepAlive = new KeepAlive(conn, this.clock, this.options.keepAlive ?? {});
      this.keepAlive = keepAlive;
      this.self.install();
      this.contacts.install();
      /** RNG session-id host:port CKI cookie caller-handle caller-friendly (MSNP.md §6.2) */
      conn.handle('RNG', (cmd) => this.switchboards.onRing(cmd));
      /** XFR 0 NS host:port …: move to another NS (MSNP.md §1.6) */
      conn.handle('XFR', (cmd) => this.onMove(conn, cmd, result.dialect));
      conn.handle('OUT', () => undefined);
      conn.events.on('close', (reason) => this.onSessionClosed(conn, reason));

      this.self.begin(handle, result.friendlyName, status);
      this.pictures.onSignedIn();
      const timeout = this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {};
      let synced: { fromCache: boolean };
      let abCache: CachedAddressBook | undefined;
      if (ab !== undefined) {
        // MSNP13-18.md §5.3: FindMembership + ABFindAll (only their changes since the cached copy), BLP, the initial ADL, PRP MFN.
        const cachedBook = (await this.loadCache(this.cacheKey(handle), result.dialect))?.addressBook;
        const read = await syncAddressBook({ conn, dialect: result.dialect, list: this.list, ab, myHandle: handle, ...timeout, ...(cachedBook !== undefined ? { cached: cachedBook } : {}) });
        this.contacts.addressBook.meId = read.snapshot.meId;
        this.lastAbRead = { memberships: read.memberships, book: read.book };
        // Written again only when the deltas changed it (or it was read in full).
        if (read.cacheChanged) abCache = read.cache;
        synced = { fromCache: false };
      } else {
        const cached = await this.loadCache(this.cacheKey(handle), result.dialect);
        synced = await syncContactList({ conn, dialect: result.dialect, list: this.list, cached, barrier: () => keepAlive.barrier(), ...timeout });
      }
      this.self.setServerName(this.list.selfName);
      this.everSignedIn = true;
      this.emitter.emit('contact-list.synced', {
        self: { ...this.self.self, status },
        contacts: this.list.allContacts(),
        groups: this.list.allGroups(),
        privacy: this.list.privacy,
      });
      // Written after the list is shown (the store writes synchronously), and only when the list
      // came from the server: a list the short SYN answer confirmed is the cached copy already.
      if (!synced.fromCache) this.saveCache();
      // MSNP13+: the address book as read, for the next sign-in's delta requests.
      if (ab !== undefined) this.saveAbCache(handle, result.dialect, abCache);
      // CHG makes the server send ILN for everyone online (MSNP.md §5.2).
      await this.self.setStatus(status);
      if (isReconnect) await this.restoreProfile(result.dialect);
      // From 13 the UUX after the first CHG is always sent (MSNP13-18.md §5.3 step 9, §13.1): it carries the machine GUID.
      else if (result.dialect >= 13 || (result.dialect >= 11 && this.self.desiredPersonalMessage !== '')) await this.self.setPersonalMessage(this.self.desiredPersonalMessage);
      keepAlive.start();
      this.reconnector.reset();
      this.setState({ status: 'online', protocol });
    } catch (err) {
      conn.destroy({ kind: 'local', message: 'sign-in failed' });
      if (err instanceof SignInFailure) throw err;
      if (err instanceof OperationFailure) throw new SignInFailure(err.code === 'timeout' ? 'timeout' : 'protocol-error', err.message);
      if (err instanceof RequestError) {
        if (err.kind === 'timeout') throw new SignInFailure('timeout', err.message);
        throw new SignInFailure(signInCodeForClose(err.closeReason), err.message);
      }
      throw new SignInFailure('protocol-error', err instanceof Error ? err.message : String(err));
    }
  }

  /** After a reconnect: the name and personal message the user had set (status went with CHG). */
  private async restoreProfile(dialect: Dialect): Promise<void> {
    const name = this.self.desiredName;
    if (name !== undefined && name !== this.self.self.friendlyName) await this.self.setFriendlyName(name).catch(() => undefined);
    if (dialect >= 13 || (dialect >= 11 && this.self.desiredPersonalMessage !== '')) await this.self.setPersonalMessage(this.self.desiredPersonalMessage).catch(() => undefined);
  }

  /** `XFR 0 NS host:port …` while signed in: reconnect there now (MSNP.md §1.6). */
  private onMove(conn: Connection, cmd: Command, dialect: Dialect): void {
    const xfr = decodeXfrReply(cmd, dialect);
    // A malformed or unsolicited XFR is ignored (a bad line never ends the session, MSNP.md §1.7).
    // `XFR 0 NS 0` ("restart the login from VER", §1.6) is a reconnect to the same server.
    if (isCodecError(xfr) || xfr.type !== 'XFR_NS') return;
    const to = xfr.address ?? { host: conn.host, port: conn.port };
    this.moveTo = { host: to.host, port: to.port };
    conn.close({ kind: 'local', message: `moved to ${to.host}:${to.port}` });
  }

  private onSessionClosed(conn: Connection, reason: CloseReason): void {
    if (this.session.value?.conn !== conn) return; // an old or abandoned connection
    this.teardownSession();
    if (this.moveTo !== undefined) {
      this.reconnector.now();
      return;
    }
    // OUT RCT n: "reconnect after n minutes" (MSNP.md §5.5): the earliest we may come back.
    const serverDelayMs = reason.outCode === 'RCT' && reason.outMinutes !== undefined ? reason.outMinutes * 60_000 : undefined;
    this.reconnector.afterDrop({ code: signInCodeForClose(reason), message: closeMessage(reason) }, serverDelayMs);
  }

  /** One reconnect attempt (the Reconnector's loop): the status the user wanted, name and PSM restored. */
  private async reconnect(): Promise<void> {
    try {
      await this.connectSession(this.self.desiredStatus, true);
    } catch (err) {
      this.teardownSession();
      throw asSignInFailure(err);
    }
  }

  private teardownSession(): void {
    this.session.value?.tokens?.stop();
    this.p2p.close();
    this.keepAlive?.stop();
    this.keepAlive = undefined;
    if (this.session.value !== undefined) {
      this.session.set(undefined);
      this.self.resetContacts();
    }
  }

  /** XFR t SB → XFR t SB host:port CKI cookie (MSNP.md §6.1). */
  private async requestSwitchboard(): Promise<{ host: string; port: number; cookie: string }> {
    const { conn, dialect } = this.session.require();
    let reply: Command;
    try {
      reply = await conn.call((trId) => buildXfrRequest({ trId, target: 'SB' }, dialect));
    } catch (err) {
      // 913: no conversations while appearing offline (MSNP.md §5.1, §6.1).
      if (err instanceof RequestError && err.code === 913) {
        throw new OperationFailure('not-allowed', 'conversations cannot be started while you appear offline', 913);
      }
      throw toOperationFailure(err, 'starting a conversation');
    }
    const xfr = decodedOr(decodeXfrReply(reply, dialect), malformedReply('starting a conversation'));
    if (xfr.type !== 'XFR_SB') throw new OperationFailure('server-error', `starting a conversation: unexpected XFR reply ${reply.params.join(' ')}`);
    return { host: xfr.address.host, port: xfr.address.port, cookie: xfr.cookie };
  }

  private createSwitchboard(host: string, port: number, auth: ConstructorParameters<typeof Switchboard>[0]['auth']): Switchboard {
    const ctx = this.session.require();
    this.sbCount += 1;
    const sb = new Switchboard({
      host,
      port,
      me: ctx.handle,
      dialect: ctx.dialect,
      auth,
      name: `sb#${this.sbCount}`,
      ...connectionTuning(this.options),
    });
    // P2P may arrive on any switchboard (MSNP-P2P.md §2.3): the manager sees them all.
    if (ctx.dialect >= 9) this.p2p.track(sb);
    return sb;
  }

  /** MSNP-P2P.md §1.2: P2P for MSNP9+ peers with an MSNC nibble, MSNFTP for the rest. */
  private fileRoute(peer: string): TransferProtocol {
    const ctx = this.session.value;
    if (ctx === undefined || !ctx.conn.isOpen) throw new FileTransferError('not-signed-in', 'not signed in');
    return chooseFileProtocol(ctx.dialect, this.peerCaps.get(normalizeHandle(peer)));
  }

  /** My picture changed: `CHG` again with the new MSNObject when signed in at MSNP9+ (MSNP.md §2.9). */
  private async announcePicture(): Promise<void> {
    const ctx = this.session.value;
    if (ctx === undefined || !ctx.conn.isOpen || ctx.dialect < 9 || this.stateValue.status !== 'online') return;
    await this.self.setStatus(this.self.desiredStatus);
  }

  /**
   * `NOT` … `ABCHInternal`: the server's copy of my lists changed. In MSNP10–12 the changes that
   * concern this session also come as `ADC`/`REM` pushes (MSNP.md §4.6), so the list shown stays
   * right; what the hint changes is the cache: it may now miss something, so the next sign-in
   * downloads the whole list instead of trusting the short `SYN` answer.
   */
  private onAddressBookChanged(): void {
    // MSNP13+: the address book is the only source of list changes besides RL pushes: read it again.
    if (this.session.value?.ab !== undefined) {
      this.contacts.resync().catch(() => undefined);
      return;
    }
    this.list.markStale();
    this.saveCache();
  }

  /**
   * MSNP13+: the app has stored these offline messages (the `message.received` ids): delete them on
   * the server. Until then the server keeps them and offers them again at the next sign-in.
   */
  async acknowledgeOfflineMessages(messageIds: readonly string[]): Promise<void> {
    const inbox = this.inbox;
    if (inbox === undefined) return;
    try {
      await inbox.acknowledge(messageIds);
    } catch (err) {
      throw toOperationFailure(err, 'deleting stored offline messages');
    }
  }

  /**
   * MSNP13+: leave `text` for `handle`, who is offline, as an offline message (`Store2`,
   * MSNP13-18.md §9.2). Resolves once the service stored it; rejects with OperationFailure
   * (`not-supported` before MSNP13, `not-allowed` when the recipient does not take messages from me).
   */
  async sendOfflineMessage(handle: string, text: string): Promise<void> {
    const outbox = this.outbox;
    const ctx = this.session.require();
    if (outbox === undefined) throw new OperationFailure('not-supported', `offline messages need MSNP13 or later (this server speaks MSNP${ctx.dialect})`);
    await outbox.send(normalizeHandle(handle), text);
  }

  private offlineOutboxFor(tokens: TokenService, dialect: Dialect): OfflineOutbox {
    const server = this.options.server;
    return new OfflineOutbox({
      oimUrl: webServiceUrls(server).oim,
      tokens,
      clock: this.clock,
      dialect,
      me: () => ({ handle: this.self.self.handle, friendlyName: this.self.self.friendlyName }),
      ...(server.tls !== undefined ? { tls: server.tls } : {}),
      ...(this.options.tap !== undefined ? { tap: this.options.tap } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {}),
    });
  }

  private offlineInboxFor(tokens: TokenService): OfflineInbox {
    const server = this.options.server;
    return new OfflineInbox({
      rsiUrl: webServiceUrls(server).rsi,
      tokens,
      clock: this.clock,
      deliver: (m) => this.switchboards.start([m.from]).receiveOffline({ id: m.id, sender: m.from, senderName: m.fromName, text: m.text, sentAt: m.sentAt }),
      problem: (message) => this.emitter.emit('content.unsupported', { conversationId: null, sender: 'server', kind: 'server-notification', contentType: 'text/x-msmsgsoimnotification', summary: `An offline message could not be fetched: ${message}`, at: this.clock.now() }),
      ...(server.tls !== undefined ? { tls: server.tls } : {}),
      ...(this.options.tap !== undefined ? { tap: this.options.tap } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {}),
    });
  }

  private addressBookFor(tokens: TokenService, handle: string): AddressBookService {
    const server = this.options.server;
    return new AddressBookService({
      urls: webServiceUrls(server),
      tokens,
      ownerEmail: handle,
      clock: this.clock,
      ...(server.tls !== undefined ? { tls: server.tls } : {}),
      ...(this.options.tap !== undefined ? { tap: this.options.tap } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {}),
    });
  }

  /** The cached list if it can be trusted in this session (`usableCache`); a failing cache is no cache. */
  private async loadCache(key: string, dialect: Dialect): Promise<CachedContactList | undefined> {
    const cache = this.options.listCache;
    if (cache === undefined) return undefined;
    try {
      return usableCache(await cache.load(key), dialect);
    } catch {
      return undefined;
    }
  }

  /**
   * MSNP13+: the address book as read at sign-in (ab/cache.ts), with the list made from it. Saved
   * right after the read, never later: its lastChange times must be those of what it holds, so a
   * change made afterwards (here or elsewhere) is what the next sign-in's delta request reports.
   */
  private saveAbCache(handle: string, dialect: Dialect, book: CachedAddressBook | undefined): void {
    const cache = this.options.listCache;
    if (cache === undefined || book === undefined) return;
    // The list is made from `addressBook` at 13+ (snapshotOf), so it is not kept twice.
    const entry: CachedContactList = {
      dialect,
      version: `${book.membershipsLastChange} ${book.bookLastChange}`,
      contacts: [],
      groups: [],
      privacy: this.list.privacy,
      ...(this.list.selfName !== undefined ? { selfName: this.list.selfName } : {}),
      addressBook: book,
    };
    this.writeCache(cache, this.cacheKey(handle), () => entry);
  }

  private saveCache(): void {
    const cache = this.options.listCache;
    const ctx = this.session.value;
    // MSNP13+ lists always come from the address book (no SYN version to check a copy against).
    if (cache === undefined || ctx === undefined || ctx.ab !== undefined) return;
    this.writeCache(cache, this.cacheKey(ctx.handle), () => this.list.toCache(ctx.dialect));
  }

  /**
   * Only a cache: a store that fails, synchronously (SqliteListCache on a full disk or a read-only
   * file) or not, is logged and skipped, never a failed sign-in or list change. The next change
   * tries again; until a write succeeds the next sign-in may download the whole list (a copy older
   * than the server's version is never used, MSNP.md §4.3). The log names the error, never the list.
   */
  private writeCache(cache: ListCache, key: string, entry: () => CachedContactList): void {
    const failed = (err: unknown): void => console.warn(`monarch/msn: could not save the contact list cache: ${err instanceof Error ? err.message : String(err)}`);
    try {
      Promise.resolve(cache.save(key, entry())).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /** The list is cached per account and configured server (not per NS we were moved to). */
  private cacheKey(handle: string): string {
    return listCacheKey(handle, this.options.server.host, this.options.server.port ?? DEFAULT_PORT);
  }

  private setState(state: ConnectionState): void {
    this.stateValue = state;
    this.emitter.emit('connection.changed', { state });
  }

  /** MSNP13+: how the last sign-in read each service (a delta applied to the cached copy, or in full); for diagnostics, tests and the benchmark. */
  get addressBookRead(): { readonly memberships: 'delta' | 'full'; readonly book: 'delta' | 'full' } | undefined {
    return this.lastAbRead;
  }

  /** P2P bookkeeping, for diagnostics and tests: live sessions, unfinished messages held, relayed P2P for others dropped. */
  p2pStats(): { sessions: number; partialMessages: number; notForMe: number } {
    return { sessions: this.p2p.activeSessions, partialMessages: this.p2p.partialMessages, notForMe: this.p2p.notForMe };
  }

  /** Where the current (or last) session is connected. */
  get server(): { host: string; port: number } | undefined {
    return this.lastServer;
  }
}

function asSignInFailure(err: unknown): SignInFailure {
  return err instanceof SignInFailure ? err : new SignInFailure('protocol-error', err instanceof Error ? err.message : String(err));
}
