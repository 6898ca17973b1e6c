/**
 * The P2P session manager (MSNP-P2P.md §4–§6): MSNSLP sessions with each peer, over links keyed by
 * peer (never by switchboard, §2.3), for MSNObject transfers (display pictures, custom emoticons)
 * in both roles:
 * - fetching (we are the RC, §5.1): INVITE → 200 OK → data preparation → data → our ACK → BYE;
 * - serving (we are the SC): ACK, then 200 OK and the data for an object we publish, `603 Decline`
 *   for anything else (every INVITE gets an answer, §4.5), `500` for a SessionID already in use.
 *
 * Liberal in what it accepts (§13.4, §15): any footer, data flagged 0x30, opaque Call-IDs, eager
 * senders that do not wait for our ACKs, ACKs with TotalSize 0, a sender that sends BYE itself,
 * several INVITEs for one object, answers on another switchboard than the request, P2P from any
 * switchboard as long as `P2P-Dest` is us. Bounded (§12): sessions per peer and in total, unfinished
 * messages per peer, message sizes, and an idle timeout on every session.
 *
 * File sessions (§7) share this bookkeeping (slots, Call-IDs, SessionIDs, timeouts, BYE); their
 * protocol is in file-sessions.ts.
 */
import { randomInt, randomUUID } from 'node:crypto';
import {
  computeSha1d,
  isCodecError,
  normalizeHandle,
  parseMsnObject,
  type MsnObject,
} from '../../../../shared/msnp';
import {
  EufGuid,
  P2pFlags,
  P2pFooter,
  SlpContentType,
  SlpStatus,
  buildSlpRequest,
  buildSlpResponse,
  decodeMsnObjectContext,
  decodeP2pChunk,
  encodeMsnObjectContext,
  isP2pForMe,
  parseP2pEnvelope,
  parseSlp,
  slpField,
  slpSessionId,
  type CompleteP2pMessage,
  type P2pHeader,
  type SlpMessage,
  type SlpRequest,
} from '../../../../shared/msnp/p2p';
import type { Clock, TimerHandle } from '../clock';
import type { FileSink, FileSource } from '../files/types';
import type { Switchboard } from '../switchboard';
import { P2pError, type P2pErrorCode } from './errors';
import { FileSessions, type FileOffer, type FileSession, type FileSessionEvents } from './file-sessions';
import { P2pLink } from './link';
import { P2pTransport, type TransportDeps } from './transport';

/** An object we serve: its MSNObject (as published) and its bytes. */
export interface PublishedObject {
  readonly object: MsnObject;
  readonly xml: string;
  readonly data: Uint8Array;
}

export interface P2pManagerOptions extends Omit<TransportDeps, 'joinTimeoutMs' | 'ackTimeoutMs'> {
  /** My handle (lower-cased). */
  readonly me: () => string;
  /** Objects I serve, found by SHA1D (and Type). */
  readonly findPublished: (sha1d: string, type: number) => PublishedObject | undefined;
  readonly joinTimeoutMs?: number;
  readonly ackTimeoutMs?: number;
  /** An INVITE with no answer is given up after this (§4.6: 60–120 s). Default 60 s. */
  readonly answerTimeoutMs?: number;
  /** A session without progress is ended after this (§12: 60 s). Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** Default 8 per peer and 64 in total (§12). */
  readonly maxSessionsPerPeer?: number;
  readonly maxSessions?: number;
  /** SB messages in flight per peer. Default 16. */
  readonly window?: number;
  /** How long a switchboard opened for P2P stays after the peer's last session. Default 2 s. */
  readonly lingerMs?: number;
  /** Reports a peer's malformed or refused P2P input (for logs); nothing else happens. */
  readonly onRejected?: (peer: string, reason: string) => void;
  /** A file offer (§7): the events of the new transfer, or undefined to decline it. None = decline every offer. */
  readonly onFileOffer?: (offer: FileOffer) => FileSessionEvents | undefined;
  /** How long a file offer waits for the other user (§4.6: ~5 min). Default 300 s. */
  readonly offerTimeoutMs?: number;
}

const MAX_SLP_MESSAGE = 64 * 1024; // §12
const MAX_PARTIAL_PER_PEER = 16; // §12

interface SessionBase {
  readonly peer: string;
  readonly callId: string;
  readonly sessionId: number;
  readonly branch: string;
  timer: TimerHandle | undefined;
}

interface FetchSession extends SessionBase {
  readonly role: 'fetch';
  readonly object: MsnObject;
  readonly maxSize: number;
  state: 'inviting' | 'accepted';
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (err: P2pError) => void;
}

interface ServeSession extends SessionBase {
  readonly role: 'serve';
  readonly published: PublishedObject;
  readonly footer: number;
  state: 'answering' | 'sending' | 'sent';
  dataIdentifier: number | undefined;
}

type Session = FetchSession | ServeSession | FileSession;

interface Peer {
  readonly handle: string;
  readonly link: P2pLink;
  readonly byCallId: Map<string, Session>;
  readonly bySessionId: Map<number, Session>;
}

export class P2pManager {
  readonly transport: P2pTransport;
  private readonly peers = new Map<string, Peer>();
  private readonly options: Required<Omit<P2pManagerOptions, 'onRejected' | 'onFileOffer'>> & Pick<P2pManagerOptions, 'onRejected' | 'onFileOffer'>;
  private readonly files: FileSessions;
  private sessionCount = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(options: P2pManagerOptions) {
    this.options = {
      joinTimeoutMs: 15_000,
      ackTimeoutMs: 10_000,
      answerTimeoutMs: 60_000,
      idleTimeoutMs: 60_000,
      maxSessionsPerPeer: 8,
      maxSessions: 64,
      window: 16,
      lingerMs: 2_000,
      offerTimeoutMs: 300_000,
      ...options,
    };
    this.files = new FileSessions(
      {
        me: () => this.options.me(),
        isClosed: () => this.closed,
        link: (peer) => this.peer(peer).link,
        hasSlot: (peer) => this.hasSlot(peer),
        newSessionId: (peer) => this.newSessionId(this.peer(peer)),
        add: (s) => this.add(this.peer(s.peer), s),
        isLive: (s) => this.isLive(s),
        end: (s, sayBye) => this.end(s, sayBye),
        arm: (s, ms, what) => this.arm(s, ms, what),
        respond: (peer, invite, status, sessionId) => this.respond(this.peer(peer), invite, status, sessionId),
        guid,
        onRejected: options.onRejected,
      },
      { offerTimeoutMs: this.options.offerTimeoutMs, idleTimeoutMs: this.options.idleTimeoutMs, onOffer: (o) => this.options.onFileOffer?.(o) },
    );
    this.transport = new P2pTransport({
      requestSwitchboard: options.requestSwitchboard,
      createSwitchboard: options.createSwitchboard,
      clock: options.clock,
      joinTimeoutMs: this.options.joinTimeoutMs,
      ackTimeoutMs: this.options.ackTimeoutMs,
    });
  }

  private get clock(): Clock {
    return this.options.clock;
  }

  /** Every switchboard of the session comes through here, so P2P on any of them is seen. */
  track(sb: Switchboard): void {
    this.transport.track(sb, (peer) => this.peerGone(peer));
    sb.events.on('message', ({ sender, payload }) => this.onSbMessage(sb, sender, payload));
  }

  /** Live sessions (for tests and diagnostics). */
  get activeSessions(): number {
    return this.sessionCount;
  }

  /** P2P messages relayed to us that were addressed to someone else (§2.1), dropped. */
  notForMe = 0;

  /** Unfinished incoming messages held, over all peers. */
  get partialMessages(): number {
    let n = 0;
    for (const p of this.peers.values()) n += p.link.partialCount;
    return n;
  }

  /**
   * Fetch the data of `object` from its creator (§5.1, §6.2): resolves with bytes whose size and
   * SHA1D match the object; rejects with a P2pError. At most `maxSize` bytes are accepted.
   */
  async fetchObject(object: MsnObject, xml: string, maxSize: number): Promise<Uint8Array> {
    if (this.closed) throw new P2pError('not-available', 'signed out');
    const peerHandle = normalizeHandle(object.creator);
    if (object.size > maxSize) throw new P2pError('bad-data', `${peerHandle}'s object is ${object.size} bytes, over the limit of ${maxSize}`);
    if (object.size === 0) throw new P2pError('bad-data', `${peerHandle}'s object is empty`);
    await this.slot(peerHandle);
    const peer = this.peer(peerHandle);
    const sessionId = this.newSessionId(peer);
    const callId = guid();
    let resolveFn: (d: Uint8Array) => void = () => undefined;
    let rejectFn: (e: P2pError) => void = () => undefined;
    const done = new Promise<Uint8Array>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    const s: FetchSession = {
      role: 'fetch',
      peer: peerHandle,
      callId,
      sessionId,
      branch: guid(),
      object,
      maxSize,
      state: 'inviting',
      timer: undefined,
      resolve: resolveFn,
      reject: rejectFn,
    };
    this.add(peer, s);
    this.arm(s, this.options.answerTimeoutMs, 'no answer to the invitation');
    const invite = buildSlpRequest({
      method: 'INVITE',
      to: peerHandle,
      from: this.options.me(),
      branch: s.branch,
      callId,
      contentType: SlpContentType.SESSION_REQUEST,
      fields: [
        { name: 'EUF-GUID', value: EufGuid.MSNOBJECT },
        { name: 'SessionID', value: String(sessionId) },
        // §15.2: AppID 1 for MSNP≤15 peers (widest compatibility); 11 would be WLM's for emoticons.
        { name: 'AppID', value: '1' },
        { name: 'Context', value: encodeMsnObjectContext(xml) },
      ],
    });
    peer.link.send({ sessionId: 0, flags: P2pFlags.NONE, payload: invite, footer: P2pFooter.SIGNALLING }).written.catch((err: unknown) => {
      this.fail(s, err instanceof P2pError ? err.code : 'unreachable', err instanceof Error ? err.message : String(err));
    });
    return done;
  }

  // ----- files (§7; the protocol is in file-sessions.ts) -----

  /** Offer a file; resolves with the session's Call-ID once the INVITE is out. Rejects with a P2pError. */
  sendFile(peer: string, source: FileSource, events: FileSessionEvents): Promise<string> {
    return this.files.send(normalizeHandle(peer), source, events);
  }

  /** Accept an offer made by `peer` (its Call-ID from `onFileOffer`). */
  acceptFile(peer: string, callId: string, sink: FileSink): void {
    const s = this.fileSession(peer, callId);
    if (s?.role !== 'file-in') throw new P2pError('not-available', 'the offer is no longer open');
    this.files.accept(s, sink);
  }

  declineFile(peer: string, callId: string): void {
    const s = this.fileSession(peer, callId);
    if (s?.role === 'file-in') this.files.decline(s);
  }

  /** Cancel a file session in either direction, telling the peer (§7.4). */
  cancelFile(peer: string, callId: string): void {
    const s = this.fileSession(peer, callId);
    if (s !== undefined) this.files.cancel(s);
  }

  /** The peer signed out or went hidden (`FLN`): its file offers and transfers end (§7.4: "leaving"). */
  peerOffline(peer: string): void {
    const p = this.peers.get(normalizeHandle(peer));
    if (p === undefined) return;
    for (const s of [...p.byCallId.values()]) if (isFile(s)) this.files.onPeerOffline(s);
  }

  private fileSession(peer: string, callId: string): FileSession | undefined {
    const s = this.peers.get(normalizeHandle(peer))?.byCallId.get(callId.toLowerCase());
    return s !== undefined && isFile(s) ? s : undefined;
  }

  /** Sign-out: every session fails, every link and our switchboards close. */
  close(): void {
    this.closed = true;
    for (const peer of [...this.peers.values()]) {
      for (const s of [...peer.byCallId.values()]) this.fail(s, 'not-available', 'signed out');
      peer.link.close();
    }
    this.peers.clear();
    for (const w of this.waiting.splice(0)) w();
    this.transport.closeAll();
  }

  /** A new session may start (after close(): a fresh sign-in). */
  reopen(): void {
    this.closed = false;
  }

  // ----- receiving -----

  private onSbMessage(sb: Switchboard, sender: string, payload: Uint8Array): void {
    if (this.closed) return;
    const env = parseP2pEnvelope(payload);
    if (isCodecError(env)) return; // not P2P: the conversation's business
    // §2.1: the SB relays to everyone; drop what is not addressed to us.
    if (!isP2pForMe(env.dest, this.options.me())) {
      this.notForMe++;
      return;
    }
    const chunk = decodeP2pChunk(env.body);
    const peerHandle = normalizeHandle(sender);
    if (isCodecError(chunk)) {
      this.options.onRejected?.(peerHandle, chunk.message);
      return;
    }
    this.transport.noteUsed(peerHandle, sb);
    this.peer(peerHandle).link.receive(chunk);
  }

  private peer(handle: string): Peer {
    let p = this.peers.get(handle);
    if (p !== undefined) return p;
    const byCallId = new Map<string, Session>();
    const bySessionId = new Map<number, Session>();
    const link: P2pLink = new P2pLink(
      (chunk, mayOpen) => this.transport.send(handle, chunk, mayOpen),
      {
        message: (kind, m) => this.onMessage(handle, kind, m),
        abort: (sessionId) => {
          const s = bySessionId.get(sessionId);
          if (s !== undefined && isFile(s)) this.files.onAbort(s);
          else if (s !== undefined) this.fail(s, 'disconnected', `${handle} cancelled the transfer`);
        },
        stream: (chunk) => {
          const s = bySessionId.get(chunk.header.sessionId);
          return s !== undefined && isFile(s) && this.files.onChunk(s, chunk);
        },
        progress: (sessionId) => {
          const s = bySessionId.get(sessionId);
          if (s !== undefined) this.arm(s, this.options.idleTimeoutMs, 'the transfer stalled');
        },
        rejected: (err, h) => {
          this.options.onRejected?.(handle, err.message);
          const s = h !== undefined ? bySessionId.get(h.sessionId) : undefined;
          if (s !== undefined && s.role === 'fetch') this.fail(s, 'bad-data', `${handle} sent malformed data: ${err.message}`);
        },
      },
      {
        maxMessageSize: (h) => this.maxMessageSize(handle, h),
        maxPartial: MAX_PARTIAL_PER_PEER,
        window: this.options.window,
      },
    );
    p = { handle, link, byCallId, bySessionId };
    this.peers.set(handle, p);
    return p;
  }

  /** §3.6/§12: never allocate from a peer's TotalSize before checking it. */
  private maxMessageSize(peer: string, h: P2pHeader): number {
    if (h.sessionId === 0) return MAX_SLP_MESSAGE;
    const s = this.peers.get(peer)?.bySessionId.get(h.sessionId);
    if (s?.role === 'file-in') return 4; // only a stray data-preparation message is reassembled; file data is streamed
    if (s === undefined || s.role !== 'fetch' || s.state !== 'accepted') return 0;
    return Math.min(s.maxSize, Math.max(4, s.object.size));
  }

  private onMessage(peer: string, kind: 'signalling' | 'data-preparation' | 'data', m: CompleteP2pMessage): void {
    if (kind === 'signalling') {
      const slp = parseSlp(m.payload);
      if (isCodecError(slp)) {
        this.options.onRejected?.(peer, slp.message);
        return;
      }
      this.onSlp(peer, slp);
      return;
    }
    const s = this.peers.get(peer)?.bySessionId.get(m.header.sessionId);
    if (s === undefined || s.role !== 'fetch') return; // unknown or finished session: already ACKed, nothing else
    if (kind === 'data-preparation' && m.payload.every((b) => b === 0) && s.object.size !== 4) {
      this.arm(s, this.options.idleTimeoutMs, 'the transfer stalled');
      return; // §5.3: not the picture
    }
    this.completeFetch(s, m.payload);
  }

  private completeFetch(s: FetchSession, data: Uint8Array): void {
    // §5.4: verify Size and SHA1D before using the data.
    if (data.length !== s.object.size) {
      this.fail(s, 'bad-data', `${s.peer} sent ${data.length} bytes for an object of ${s.object.size}`);
      return;
    }
    if (computeSha1d(data) !== s.object.sha1d) {
      this.fail(s, 'bad-data', `${s.peer} sent data whose SHA1D does not match the object`);
      return;
    }
    const copy = data.slice();
    this.end(s, true);
    s.resolve(copy);
  }

  private onSlp(peer: string, slp: SlpMessage): void {
    const p = this.peer(peer);
    const s = p.byCallId.get(slp.callId.toLowerCase());
    if (slp.kind === 'response') {
      if (s?.role === 'file-out') {
        this.files.onResponse(s, slp.status, slp.reason);
        return;
      }
      if (s === undefined || s.role !== 'fetch' || s.state !== 'inviting') return;
      if (slp.status === 200) {
        s.state = 'accepted';
        this.arm(s, this.options.idleTimeoutMs, 'the transfer did not start');
        return;
      }
      this.fail(s, 'declined', `${peer} declined (${slp.status} ${slp.reason})`);
      return;
    }
    if (slp.method === 'BYE') {
      // §4.6: a BYE (even for an unknown Call-ID) was already ACKed; end the session.
      if (s === undefined) return;
      if (isFile(s)) this.files.onBye(s);
      else if (s.role === 'serve') this.end(s, false);
      else this.fail(s, 'disconnected', `${peer} ended the session before the data arrived`);
      return;
    }
    if (slp.method === 'INVITE') {
      this.onInvite(p, slp);
      return;
    }
    // ACK and unknown methods: nothing to do (already acknowledged at the binary level).
  }

  /** §5.2: serve an object we publish, decline everything else. */
  private onInvite(p: Peer, invite: SlpRequest): void {
    const me = this.options.me();
    const sessionId = slpSessionId(invite);
    const answer = (status: { code: number; reason: string }): void => this.respond(p, invite, status, sessionId ?? 0);
    if (invite.contentType === SlpContentType.TRANSPORT_REQUEST) {
      // §8.1: a direct-connection offer inside a file session. We never build direct connections:
      // "not listening" with a zero nonce (retro-prpl without DC, msnp11-sdk) keeps the data on the
      // switchboard without ending the session, which a 603 on its Call-ID might do.
      const live = p.byCallId.get(invite.callId.toLowerCase());
      if (live === undefined || !isFile(live)) return answer(SlpStatus.DECLINE);
      return this.respond(p, invite, SlpStatus.OK, live.sessionId, [
        { name: 'Bridge', value: 'TCPv1' },
        { name: 'Listening', value: 'false' },
        { name: 'Nonce', value: '{00000000-0000-0000-0000-000000000000}' },
      ]);
    }
    if (invite.contentType !== SlpContentType.SESSION_REQUEST) return answer(SlpStatus.DECLINE);
    if (sessionId === undefined || sessionId === 0) return answer(SlpStatus.INTERNAL_ERROR);
    // §4.4: a SessionID that is live → 500.
    if (p.bySessionId.has(sessionId) || p.byCallId.has(invite.callId.toLowerCase())) return answer(SlpStatus.INTERNAL_ERROR);
    const euf = slpField(invite, 'EUF-GUID')?.toUpperCase();
    if (euf === EufGuid.FILE_TRANSFER) return this.files.onInvite(p.handle, invite, sessionId);
    if (euf !== EufGuid.MSNOBJECT) return answer(SlpStatus.DECLINE);
    const context = slpField(invite, 'Context');
    const xml = context === undefined ? undefined : decodeMsnObjectContext(context);
    const obj = xml === undefined ? undefined : parseMsnObject(xml);
    if (obj === undefined || isCodecError(obj) || normalizeHandle(obj.creator) !== me) return answer(SlpStatus.DECLINE);
    // Compare by SHA1D and Type, not byte for byte: the requester may have re-serialised it (§5.2).
    const published = this.options.findPublished(obj.sha1d, obj.type);
    if (published === undefined) return answer(SlpStatus.DECLINE);
    if (!this.hasSlot(p.handle)) return answer(SlpStatus.DECLINE);
    const appId = Number(slpField(invite, 'AppID') ?? '1');
    // §3.3: the data footer is the INVITE's AppID (1, 11, 12), else 1.
    const footer = appId === 11 || appId === 12 ? appId : P2pFooter.MSNOBJECT;
    const s: ServeSession = {
      role: 'serve',
      peer: p.handle,
      callId: invite.callId,
      sessionId,
      branch: invite.branch,
      published,
      footer,
      state: 'answering',
      timer: undefined,
      dataIdentifier: undefined,
    };
    this.add(p, s);
    this.arm(s, this.options.idleTimeoutMs, 'the peer stopped answering');
    answer(SlpStatus.OK);
    this.serve(p, s).catch(() => this.end(s, false));
  }

  /** Answer an INVITE: its branch and Call-ID, CSeq + 1 (§4.2), `SessionID` in the body. */
  private respond(p: Peer, invite: SlpRequest, status: { code: number; reason: string }, sessionId: number, before: readonly { name: string; value: string }[] = []): void {
    const body = buildSlpResponse({
      status,
      to: p.handle,
      from: this.options.me(),
      branch: invite.branch || guid(),
      cseq: invite.cseq + 1,
      callId: invite.callId,
      contentType: invite.contentType === SlpContentType.TRANSPORT_REQUEST ? SlpContentType.TRANSPORT_RESPONSE : SlpContentType.SESSION_REQUEST,
      fields: [...before, { name: 'SessionID', value: String(sessionId) }],
    });
    p.link.send({ sessionId: 0, flags: P2pFlags.NONE, payload: body, footer: P2pFooter.SIGNALLING });
  }

  /** §5.1 steps 3–8: after our 200 OK, data preparation, then the data; wait for the ACKs between. */
  private async serve(p: Peer, s: ServeSession): Promise<void> {
    const prep = p.link.send({ sessionId: s.sessionId, flags: P2pFlags.NONE, payload: new Uint8Array(4), footer: s.footer });
    await prep.written;
    // Wait for the ACK of the data preparation (legacy aMSN and the official flow do; §15.8).
    await prep.acked;
    if (!this.isLive(s)) return;
    s.state = 'sending';
    this.arm(s, this.options.idleTimeoutMs, 'the peer stopped reading');
    const data = p.link.send({ sessionId: s.sessionId, flags: P2pFlags.MSNOBJECT_DATA, payload: s.published.data, footer: s.footer });
    s.dataIdentifier = data.identifier;
    await data.written;
    if (!this.isLive(s)) return;
    s.state = 'sent';
    // §5.1: the RC ACKs and sends BYE; retro-prpl does neither, so the timeout ends it then.
    this.arm(s, this.options.idleTimeoutMs, 'no BYE after the data');
    await data.acked;
  }

  // ----- bookkeeping -----

  private add(p: Peer, s: Session): void {
    p.byCallId.set(s.callId.toLowerCase(), s);
    p.bySessionId.set(s.sessionId, s);
    this.sessionCount++;
    this.transport.keep(p.handle);
  }

  private isLive(s: Session): boolean {
    return this.peers.get(s.peer)?.byCallId.get(s.callId.toLowerCase()) === s;
  }

  /** Remove a session; `sayBye` sends our BYE (the RC ends a completed transfer, §5.1 step 9). */
  private end(s: Session, sayBye: boolean): void {
    const p = this.peers.get(s.peer);
    if (p === undefined || p.byCallId.get(s.callId.toLowerCase()) !== s) return;
    p.byCallId.delete(s.callId.toLowerCase());
    p.bySessionId.delete(s.sessionId);
    p.link.dropSession(s.sessionId);
    if (s.role === 'serve' && s.dataIdentifier !== undefined) p.link.forgetAck(s.dataIdentifier);
    if (s.role === 'file-out' && s.stream !== undefined) p.link.forgetAck(s.stream.identifier);
    this.clock.clearTimeout(s.timer);
    this.sessionCount--;
    if (sayBye && !this.closed) {
      const bye = buildSlpRequest({
        method: 'BYE',
        to: s.peer,
        from: this.options.me(),
        branch: guid(),
        callId: s.callId,
        contentType: SlpContentType.SESSION_CLOSE,
        fields: [],
      });
      p.link.send({ sessionId: 0, flags: P2pFlags.NONE, payload: bye, footer: P2pFooter.SIGNALLING });
    }
    if (p.byCallId.size === 0) {
      // Nothing left with this peer: close the switchboard we opened for them shortly (after the BYE and its ACK).
      this.transport.release(p.handle, this.options.lingerMs);
    }
    const next = this.waiting.shift();
    next?.();
  }

  private fail(s: Session, code: P2pErrorCode, message: string): void {
    if (!this.isLive(s)) return;
    if (isFile(s)) {
      this.files.fail(s, code, message);
      return;
    }
    // Tell the peer we stopped (§3.8: BYE is what every implementation reacts to).
    this.end(s, code !== 'declined' && code !== 'not-available' && code !== 'disconnected');
    if (s.role === 'fetch') s.reject(new P2pError(code, message));
  }

  private arm(s: Session, ms: number, what: string): void {
    this.clock.clearTimeout(s.timer);
    s.timer = this.clock.setTimeout(() => this.fail(s, 'timeout', `${s.peer}: ${what} within ${ms} ms`), ms);
  }

  /** The peer left every switchboard we share: transfers in progress cannot finish (§2.3). */
  private peerGone(peer: string): void {
    const p = this.peers.get(normalizeHandle(peer));
    if (p === undefined) return;
    for (const s of [...p.byCallId.values()]) {
      if (isFile(s)) this.files.onPeerGone(s);
      else if (s.role === 'fetch' && s.state === 'accepted') this.fail(s, 'disconnected', `${peer} left before the transfer finished`);
      else if (s.role === 'serve' && s.state !== 'answering') this.end(s, false);
    }
    if (p.byCallId.size === 0) {
      p.link.close();
      this.peers.delete(p.handle);
    }
  }

  private hasSlot(peer: string): boolean {
    const p = this.peers.get(peer);
    return this.sessionCount < this.options.maxSessions && (p?.byCallId.size ?? 0) < this.options.maxSessionsPerPeer;
  }

  /** Wait until a session with `peer` may start (our own fetches queue; a peer's INVITEs are declined). */
  private async slot(peer: string): Promise<void> {
    while (!this.hasSlot(peer)) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed) throw new P2pError('not-available', 'signed out');
    }
  }

  private newSessionId(p: Peer): number {
    for (;;) {
      const id = randomInt(4, 0xffffff00); // §4.4: random, non-zero, unique among live sessions
      if (!p.bySessionId.has(id)) return id;
    }
  }
}

function isFile(s: Session): s is FileSession {
  return s.role === 'file-in' || s.role === 'file-out';
}

/** `{XXXXXXXX-…}`, upper-case, from a CSPRNG (§4.1). */
function guid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}
