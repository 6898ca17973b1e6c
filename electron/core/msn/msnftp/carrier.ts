/**
 * The MSNFTP carrier (MSNP.md §6.10): file transfer with peers that have no P2P (MSNP2–8, or
 * capabilities without MSNC), behind `client.files`.
 *
 * Sender:   INVITE (Application-GUID = file transfer, cookie, name, size) in a conversation
 *           ← ACCEPT: listen on an OS-chosen port of the address our NS connection uses, send
 *           ACCEPT with IP-Address / Port / AuthCookie, serve one MSNFTP session (send-session.ts).
 *           ← CANCEL REJECT: declined.
 * Receiver: INVITE → an offer (`offered`); accept → ACCEPT; ← ACCEPT with the address → connect,
 *           receive into the sink (receive-session.ts); decline → CANCEL REJECT.
 * Cancel:   before the TCP session, `CANCEL OUTBANDCANCEL` in the conversation (what libmsn and the
 *           official client send when a transfer is cancelled outside its session); during it, `CCL`
 *           (receiver) or the abort block `01 00 00` (sender) on the session. A failure on our side
 *           (timeout, garbage, sizes that lie) sends `CANCEL FTTIMEOUT` ("error during the transfer").
 *
 * Bounded: one listener per accepted transfer, which takes one connection and closes; a connection
 * that does not finish the handshake in time is dropped (the transfer fails); every wait has a timeout.
 */
import { randomInt } from 'node:crypto';
import { createServer, isIP, Socket, type Server } from 'node:net';
import type { InviteMessage } from '../../../../shared/msnp';
import { isCodecError, normalizeHandle } from '../../../../shared/msnp';
import {
  buildCancel,
  buildFileInvite,
  buildReceiverAccept,
  buildSenderAccept,
  parseInvitation,
  type AcceptInvitation,
  type CancelCode,
  type CancelInvitation,
} from '../../../../shared/msnp/msnftp';
import { Timers, type Clock, type TimerHandle } from '../clock';
import { FileTransferError, type CarrierHost, type FileCarrier, type TransferReporter } from '../files/carrier';
import type { FileSink, FileSource, SendFileOptions, TransferId } from '../files/types';
import type { MimeHeader } from '../../../../shared/msnp';
import type { SessionOutcome, SessionTimeouts } from './outcome';
import { ReceiveSession } from './receive-session';
import { SendSession } from './send-session';

/** Sends invitation fields to a peer in a conversation; resolves with the conversation used. */
export interface InvitationChannel {
  send(peer: string, conversationId: string | undefined, fields: readonly MimeHeader[]): Promise<string>;
}

export interface MsnftpTimeouts {
  /** The peer answers our INVITE (then `CANCEL TIMEOUT`). Default 5 min. */
  readonly answerMs?: number;
  /** After ACCEPTs: the receiver connects to us / the sender sends its address. Default 60 s. */
  readonly connectMs?: number;
  /** From the TCP connection to `TFR`. Default 30 s. */
  readonly handshakeMs?: number;
  /** No progress in the data phase, or no `BYE` after the last block. Default 60 s. */
  readonly idleMs?: number;
}

export interface MsnftpCarrierDeps {
  /** My handle (lower-cased); throws when signed out. */
  readonly me: () => string;
  /** The local address of the NS connection's socket (where peers can reach us). */
  readonly localAddress: () => string | undefined;
  readonly invitations: InvitationChannel;
  readonly clock: Clock;
  readonly timeouts?: MsnftpTimeouts;
  /** Cookies (Invitation-Cookie, AuthCookie); default crypto-random 1…2^32−1. */
  readonly randomCookie?: () => number;
}

type Phase =
  | 'invited' // outgoing: INVITE out, waiting for ACCEPT
  | 'listening' // outgoing: ACCEPT with our address out, waiting for the connection
  | 'offered' // incoming: waiting for the user
  | 'accepted' // incoming: our ACCEPT out, waiting for the sender's address
  | 'session' // the TCP session runs
  | 'ended';

interface Entry {
  readonly id: TransferId;
  readonly direction: 'outgoing' | 'incoming';
  readonly peer: string;
  readonly cookie: number;
  conversationId: string | undefined;
  readonly reporter: TransferReporter;
  readonly name: string;
  readonly size: number;
  phase: Phase;
  source?: FileSource;
  sink?: FileSink;
  timer?: TimerHandle;
  server?: Server;
  session?: SendSession | ReceiveSession;
}

/** Cookies of ended transfers remembered, so late answers to them are not shown as unsupported. */
const REMEMBER_ENDED = 64;

export class MsnftpCarrier implements FileCarrier {
  readonly protocol = 'msnftp' as const;
  private host: CarrierHost | undefined;
  private readonly byId = new Map<TransferId, Entry>();
  /** `peer cookie` → entry. */
  private readonly byCookie = new Map<string, Entry>();
  private readonly ended: string[] = [];
  private readonly timers: Timers;
  private readonly t: Required<MsnftpTimeouts>;

  constructor(private readonly deps: MsnftpCarrierDeps) {
    this.timers = new Timers(deps.clock);
    this.t = {
      answerMs: deps.timeouts?.answerMs ?? 5 * 60_000,
      connectMs: deps.timeouts?.connectMs ?? 60_000,
      handshakeMs: deps.timeouts?.handshakeMs ?? 30_000,
      idleMs: deps.timeouts?.idleMs ?? 60_000,
    };
  }

  attach(host: CarrierHost): void {
    this.host = host;
  }

  /** Transfers not yet ended (diagnostics and tests). */
  get active(): number {
    return this.byId.size;
  }

  // ----- sending -----

  async send(peer: string, source: FileSource, options: SendFileOptions, reporter: TransferReporter): Promise<void> {
    const me = this.me();
    const handle = normalizeHandle(peer);
    if (handle === me) throw new FileTransferError('not-supported', 'cannot send a file to yourself');
    const cookie = this.freshCookie(handle);
    const entry: Entry = {
      id: reporter.id,
      direction: 'outgoing',
      peer: handle,
      cookie,
      conversationId: options.conversationId,
      reporter,
      name: source.name,
      size: source.size,
      phase: 'invited',
      source,
    };
    this.add(entry);
    try {
      entry.conversationId = await this.deps.invitations.send(handle, options.conversationId, buildFileInvite({ cookie, name: source.name, size: source.size }));
    } catch (err) {
      this.forget(entry);
      throw new FileTransferError('peer-gone', `the invitation could not be sent: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (entry.phase !== 'invited') return; // cancelled while the switchboard opened
    entry.timer = this.timers.set(() => {
      this.tell(entry, 'TIMEOUT');
      this.finish(entry, { kind: 'failed', reason: 'timeout', detail: `${handle} did not answer the offer`, tellPeer: false });
    }, this.t.answerMs);
  }

  private onAcceptFromReceiver(entry: Entry): void {
    if (entry.phase !== 'invited') return;
    this.timers.clear(entry.timer);
    entry.reporter.connecting();
    const address = this.listenAddress();
    if (address === undefined) {
      this.tell(entry, 'FTTIMEOUT');
      this.finish(entry, { kind: 'failed', reason: 'not-supported', detail: 'no local address to listen on', tellPeer: false });
      return;
    }
    const authCookie = this.cookie();
    const server = createServer({ noDelay: true });
    server.maxConnections = 1;
    entry.server = server;
    entry.phase = 'listening';
    server.on('error', (err) => {
      this.tell(entry, 'FTTIMEOUT');
      this.finish(entry, { kind: 'failed', reason: 'peer-gone', detail: `could not listen for the receiver: ${err.message}`, tellPeer: false });
    });
    server.once('connection', (socket: Socket) => {
      // One connection per transfer: stop listening at once.
      this.closeServer(entry);
      if (entry.phase !== 'listening' || entry.source === undefined) {
        socket.destroy();
        return;
      }
      this.timers.clear(entry.timer);
      entry.phase = 'session';
      const session = new SendSession({
        socket,
        peer: entry.peer,
        authCookie,
        source: entry.source,
        clock: this.deps.clock,
        timeouts: this.sessionTimeouts(),
        events: { transferring: () => entry.reporter.transferring(), progress: (n) => entry.reporter.progress(n) },
      });
      entry.session = session;
      void session.outcome.then((o) => this.finish(entry, o));
    });
    server.listen({ host: address, port: 0 }, () => {
      if (entry.phase !== 'listening') return;
      const port = (server.address() as { port: number }).port;
      const fields = buildSenderAccept({ cookie: entry.cookie, ipAddress: address, port, authCookie });
      this.deps.invitations.send(entry.peer, entry.conversationId, fields).catch((err: unknown) => {
        this.finish(entry, { kind: 'failed', reason: 'peer-gone', detail: `could not tell ${entry.peer} where to connect: ${String(err)}`, tellPeer: false });
      });
      entry.timer = this.timers.set(() => {
        this.tell(entry, 'FTTIMEOUT');
        this.finish(entry, { kind: 'failed', reason: 'timeout', detail: `${entry.peer} did not connect`, tellPeer: false });
      }, this.t.connectMs);
    });
  }

  // ----- receiving -----

  private onInvite(conversationId: string, sender: string, cookie: number, file: { name: string; size: number }): void {
    const key = keyOf(sender, cookie);
    if (this.byCookie.has(key)) return; // a repeated INVITE
    const me = this.tryMe();
    if (me === undefined) return;
    // The registry emits `offered` after this returns, so the entry is recorded before the app can answer.
    const reporter = this.host?.offer({ peer: sender, name: file.name, size: file.size, conversationId });
    if (reporter === undefined) {
      // Too many offers waiting for the user (or no registry): say no.
      this.post(sender, conversationId, buildCancel(cookie, 'REJECT'));
      this.remember(key);
      return;
    }
    this.add({ id: reporter.id, direction: 'incoming', peer: sender, cookie, conversationId, reporter, name: file.name, size: file.size, phase: 'offered' });
  }

  async accept(id: TransferId, sink: FileSink): Promise<void> {
    const entry = this.byId.get(id);
    if (entry === undefined || entry.direction !== 'incoming') throw new FileTransferError('unknown-transfer', `no MSNFTP offer ${id}`);
    if (entry.phase !== 'offered') throw new FileTransferError('bad-state', `transfer ${id} is not waiting for an answer`);
    entry.sink = sink;
    entry.phase = 'accepted';
    try {
      entry.conversationId = await this.deps.invitations.send(entry.peer, entry.conversationId, buildReceiverAccept(entry.cookie));
    } catch (err) {
      this.forget(entry);
      throw new FileTransferError('peer-gone', `the answer could not be sent: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (entry.phase !== 'accepted') return;
    entry.timer = this.timers.set(() => {
      this.tell(entry, 'FTTIMEOUT');
      this.finish(entry, { kind: 'failed', reason: 'timeout', detail: `${entry.peer} did not send an address to connect to`, tellPeer: false });
    }, this.t.connectMs);
  }

  private onAcceptFromSender(entry: Entry, accept: AcceptInvitation): void {
    if (entry.phase !== 'accepted' || entry.sink === undefined) return;
    this.timers.clear(entry.timer);
    const me = this.tryMe();
    if (accept.ipAddress === undefined || accept.port === undefined || accept.authCookie === undefined || me === undefined) {
      // MSN 5's `Sender-Connect` (we would listen instead) is not implemented: both sides must know.
      this.tell(entry, 'FAIL');
      const detail = accept.senderConnect === true ? 'the sender cannot accept connections (Sender-Connect is not supported)' : 'the sender gave no address to connect to';
      this.finish(entry, { kind: 'failed', reason: accept.senderConnect === true ? 'not-supported' : 'protocol-error', detail, tellPeer: false });
      return;
    }
    if (isIP(accept.ipAddress) === 0) {
      // An address, never a name: a peer's invitation must not make us look names up.
      this.tell(entry, 'FAIL');
      this.finish(entry, { kind: 'failed', reason: 'protocol-error', detail: 'the sender gave a host name instead of an IP address', tellPeer: false });
      return;
    }
    entry.phase = 'session';
    const socket = new Socket();
    const session = new ReceiveSession({
      socket,
      me,
      authCookie: accept.authCookie,
      size: entry.size,
      sink: entry.sink,
      clock: this.deps.clock,
      timeouts: this.sessionTimeouts(),
      events: { transferring: () => entry.reporter.transferring(), progress: (n) => entry.reporter.progress(n) },
    });
    entry.session = session;
    void session.outcome.then((o) => this.finish(entry, o));
    socket.connect({ host: accept.ipAddress, port: accept.port });
  }

  decline(id: TransferId): void {
    const entry = this.byId.get(id);
    if (entry === undefined || entry.phase !== 'offered') return;
    this.tell(entry, 'REJECT');
    this.end(entry);
  }

  cancel(id: TransferId): void {
    const entry = this.byId.get(id);
    if (entry === undefined || entry.phase === 'ended') return;
    if (entry.phase === 'offered') {
      this.decline(id);
      return;
    }
    if (entry.session !== undefined) entry.session.cancel();
    else this.tell(entry, 'OUTBANDCANCEL');
    this.end(entry);
  }

  // ----- invitations from the conversation -----

  /**
   * A `text/x-msmsgsinvite` message (conversation.ts hook). True when it was ours: a file INVITE,
   * or an ACCEPT/CANCEL for a cookie we know (live or recently ended).
   */
  onInvitation(conversationId: string, sender: string, message: InviteMessage): boolean {
    const inv = parseInvitation(message.fields);
    if (isCodecError(inv)) return false;
    const peer = normalizeHandle(sender);
    if (inv.command === 'INVITE') {
      if (inv.file === undefined) return false; // another application: shown as unsupported
      this.onInvite(conversationId, peer, inv.cookie, inv.file);
      return true;
    }
    const key = keyOf(peer, inv.cookie);
    const entry = this.byCookie.get(key);
    if (entry === undefined) return this.ended.includes(key);
    if (inv.command === 'ACCEPT') {
      if (entry.direction === 'outgoing') this.onAcceptFromReceiver(entry);
      else this.onAcceptFromSender(entry, inv);
      return true;
    }
    this.onCancel(entry, inv);
    return true;
  }

  private onCancel(entry: Entry, c: CancelInvitation): void {
    entry.session?.cancel();
    const code = c.cancelCode;
    if (entry.direction === 'outgoing' && entry.phase === 'invited' && code === 'REJECT') {
      entry.reporter.declined(`${entry.peer} declined`);
    } else if (code === 'REJECT_NOT_INSTALLED' || code === 'FAIL') {
      entry.reporter.failed('not-supported', `${entry.peer} cannot receive files this way (${code})`);
    } else if (code === 'FTTIMEOUT') {
      entry.reporter.failed('timeout', `${entry.peer} reported a failure of the transfer (FTTIMEOUT)`);
    } else {
      entry.reporter.cancelledByPeer(`${entry.peer} cancelled${code !== '' ? ` (${code})` : ''}`);
    }
    this.end(entry);
  }

  // ----- internals -----

  private finish(entry: Entry, o: SessionOutcome): void {
    if (entry.phase === 'ended') return;
    if (o.kind === 'completed') entry.reporter.completed();
    else if (o.kind === 'cancelled-by-peer') entry.reporter.cancelledByPeer(o.detail);
    else {
      if (o.tellPeer) this.tell(entry, 'FTTIMEOUT');
      entry.reporter.failed(o.reason, o.detail);
    }
    this.end(entry);
  }

  /** Invitation answer to the peer; failures are ignored (the peer's own timeouts cover them). */
  private tell(entry: Entry, code: CancelCode): void {
    this.post(entry.peer, entry.conversationId, buildCancel(entry.cookie, code));
  }

  private post(peer: string, conversationId: string | undefined, fields: readonly MimeHeader[]): void {
    this.deps.invitations.send(peer, conversationId, fields).catch(() => undefined);
  }

  private add(entry: Entry): void {
    this.byId.set(entry.id, entry);
    this.byCookie.set(keyOf(entry.peer, entry.cookie), entry);
  }

  private end(entry: Entry): void {
    entry.phase = 'ended';
    this.timers.clear(entry.timer);
    this.closeServer(entry);
    this.forget(entry);
    this.remember(keyOf(entry.peer, entry.cookie));
  }

  private forget(entry: Entry): void {
    this.timers.clear(entry.timer);
    this.closeServer(entry);
    if (this.byId.get(entry.id) === entry) this.byId.delete(entry.id);
    const key = keyOf(entry.peer, entry.cookie);
    if (this.byCookie.get(key) === entry) this.byCookie.delete(key);
    if (entry.phase !== 'ended') entry.phase = 'ended';
  }

  private remember(key: string): void {
    this.ended.push(key);
    if (this.ended.length > REMEMBER_ENDED) this.ended.shift();
  }

  private closeServer(entry: Entry): void {
    const s = entry.server;
    entry.server = undefined;
    s?.close();
  }

  /** Signed out: every transfer ends (its sessions are cut). */
  closeAll(detail = 'signed out'): void {
    for (const entry of [...this.byId.values()]) {
      entry.session?.cancel();
      entry.reporter.failed('peer-gone', detail);
      this.end(entry);
    }
  }

  private sessionTimeouts(): SessionTimeouts {
    return { handshakeMs: this.t.handshakeMs, idleMs: this.t.idleMs };
  }

  /** Our end of the NS connection, as a plain IPv4 address when it is one mapped into IPv6. */
  private listenAddress(): string | undefined {
    const a = this.deps.localAddress();
    if (a === undefined || a === '') return undefined;
    return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
  }

  private me(): string {
    try {
      return normalizeHandle(this.deps.me());
    } catch {
      throw new FileTransferError('not-signed-in', 'not signed in');
    }
  }

  private tryMe(): string | undefined {
    try {
      return normalizeHandle(this.deps.me());
    } catch {
      return undefined;
    }
  }

  private cookie(): number {
    return this.deps.randomCookie?.() ?? randomInt(1, 0xffffffff);
  }

  private freshCookie(peer: string): number {
    for (;;) {
      const c = this.cookie();
      if (!this.byCookie.has(keyOf(peer, c))) return c;
    }
  }
}

function keyOf(peer: string, cookie: number): string {
  return `${peer} ${cookie}`;
}
