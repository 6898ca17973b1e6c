/**
 * P2P file sessions (MSNP-P2P.md §7) on top of the session manager's bookkeeping: the file INVITE
 * with its 574-byte context, the user's accept (`200 OK`) or decline (`603`), the data as one
 * message flagged `0x01000030` with footer 2 streamed from the source through the link's window,
 * the receiver's one ACK, and BYE; cancel from either side at any point (§7.4: BYE, plus a `0x40`
 * control message from the sender or `0x80` from the receiver while data flows), peer-gone and
 * idle timeouts.
 *
 * The receiver streams into the sink (never holding the file), takes the data only in order,
 * checks TotalSize against the announced size before the first byte is written, and refuses any
 * byte beyond it (`size-mismatch`). Liberal in what it accepts (§13.4, §15): data flagged `0x30`
 * or `0x01000030`, any footer, a stray data-preparation message, ACKs with TotalSize 0, no BYE
 * after the data, a BYE instead of the ACK (§7.5), `603` from a sender that cancels its own offer,
 * a direct-connection offer (transreqbody) in the session, answered "not listening" by the
 * manager so the data stays on the switchboard (§8.1; direct connections are not built).
 */
import { isCodecError } from '../../../../shared/msnp';
import {
  EufGuid,
  P2pFlags,
  P2pFooter,
  SlpContentType,
  SlpStatus,
  buildP2pAbort,
  buildSlpRequest,
  decodeFileContextBase64,
  encodeFileContextBase64,
  slpField,
  type P2pChunk,
  type P2pHeader,
  type SlpRequest,
} from '../../../../shared/msnp/p2p';
import type { TimerHandle } from '../clock';
import type { FileSink, FileSource, TransferEndReason } from '../files/types';
import { P2pError, type P2pErrorCode } from './errors';
import { StreamSourceError, type P2pLink, type SentStream } from './link';

/** What a file session reports (the P2P carrier turns it into transfer states). */
export interface FileSessionEvents {
  /** The data path is open: outgoing, the peer accepted; incoming, our `200 OK` is out. */
  accepted(): void;
  /** Bytes taken by the switchboard (outgoing) or written to the sink (incoming). */
  progress(bytes: number): void;
  completed(): void;
  ended(reason: TransferEndReason, detail: string): void;
}

export interface FileOffer {
  readonly peer: string;
  /** Names the session in `accept`/`decline`/`cancel` (with the peer). */
  readonly callId: string;
  readonly name: string;
  readonly size: number;
  readonly preview?: Uint8Array;
}

interface FileSessionBase {
  readonly peer: string;
  readonly callId: string;
  readonly sessionId: number;
  readonly branch: string;
  timer: TimerHandle | undefined;
  events: FileSessionEvents;
}

export interface FileOutSession extends FileSessionBase {
  readonly role: 'file-out';
  state: 'inviting' | 'sending' | 'sent';
  readonly source: FileSource;
  stream: SentStream | undefined;
}

export interface FileInSession extends FileSessionBase {
  readonly role: 'file-in';
  state: 'offered' | 'receiving' | 'finishing';
  readonly size: number;
  readonly invite: SlpRequest;
  sink: FileSink | undefined;
  /** The Identifier of the data message, once its first chunk arrived. */
  dataIdentifier: number | undefined;
  /** Bytes taken from the wire / written to the sink / waiting to be written. */
  received: number;
  written: number;
  queued: number;
  writing: Promise<void>;
}

export type FileSession = FileOutSession | FileInSession;

/** What the session manager lends the file sessions. */
export interface FileSessionHost {
  readonly me: () => string;
  readonly isClosed: () => boolean;
  link(peer: string): P2pLink;
  hasSlot(peer: string): boolean;
  newSessionId(peer: string): number;
  add(s: FileSession): void;
  isLive(s: FileSession): boolean;
  /** Remove the session; `sayBye` sends our BYE for its Call-ID. */
  end(s: FileSession, sayBye: boolean): void;
  arm(s: FileSession, ms: number, what: string): void;
  /** Answer an INVITE (§4.2: its branch and Call-ID, CSeq + 1, sessionreqbody, `SessionID`). */
  respond(peer: string, invite: SlpRequest, status: { code: number; reason: string }, sessionId: number): void;
  guid(): string;
  readonly onRejected?: ((peer: string, reason: string) => void) | undefined;
}

export interface FileSessionOptions {
  /** An offer waits this long for an answer (§4.6: file offers wait for the user, ~5 min). */
  readonly offerTimeoutMs: number;
  /** No progress for this long ends a transfer (§12: 60 s). */
  readonly idleTimeoutMs: number;
  /** A new incoming offer; undefined = refuse it (603). */
  readonly onOffer?: ((offer: FileOffer) => FileSessionEvents | undefined) | undefined;
}

/**
 * Received bytes waiting for a slow sink. The switchboard relay gives no way to slow the sender
 * down (its window is the SB's `ACK`), so a sink that falls this far behind fails the transfer
 * (`write-failed`) instead of letting memory grow.
 */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export class FileSessions {
  constructor(
    private readonly host: FileSessionHost,
    private readonly options: FileSessionOptions,
  ) {}

  // ----- sending (we are the SC, §7.1) -----

  /** Send the INVITE; resolves with the Call-ID once it is with the switchboard. */
  async send(peer: string, source: FileSource, events: FileSessionEvents): Promise<string> {
    const host = this.host;
    if (host.isClosed()) throw new P2pError('not-available', 'signed out');
    if (!host.hasSlot(peer)) throw new P2pError('busy', `too many P2P sessions with ${peer}`);
    const link = host.link(peer);
    const s: FileOutSession = {
      role: 'file-out',
      peer,
      callId: host.guid(),
      sessionId: host.newSessionId(peer),
      branch: host.guid(),
      timer: undefined,
      events,
      state: 'inviting',
      source,
      stream: undefined,
    };
    const invite = buildSlpRequest({
      method: 'INVITE',
      to: peer,
      from: host.me(),
      branch: s.branch,
      callId: s.callId,
      contentType: SlpContentType.SESSION_REQUEST,
      fields: [
        { name: 'EUF-GUID', value: EufGuid.FILE_TRANSFER },
        { name: 'SessionID', value: String(s.sessionId) },
        { name: 'AppID', value: '2' },
        { name: 'Context', value: encodeFileContextBase64({ name: source.name, size: source.size, preview: source.preview }) },
      ],
    });
    host.add(s);
    host.arm(s, this.options.offerTimeoutMs, 'no answer to the file offer');
    try {
      await link.send({ sessionId: 0, flags: P2pFlags.NONE, payload: invite, footer: P2pFooter.SIGNALLING }).written;
    } catch (err) {
      host.end(s, false);
      throw err instanceof P2pError ? err : new P2pError('unreachable', err instanceof Error ? err.message : String(err));
    }
    return s.callId;
  }

  /** The answer to our INVITE (§7.3): 200 → data; anything else → declined. */
  onResponse(s: FileOutSession, status: number, reason: string): void {
    if (s.state !== 'inviting') return;
    if (status !== 200) {
      this.host.end(s, false);
      s.events.ended('declined', `${s.peer} declined (${status} ${reason})`);
      return;
    }
    s.state = 'sending';
    s.events.accepted();
    this.host.arm(s, this.options.idleTimeoutMs, 'the peer stopped reading');
    let source: AsyncIterable<Uint8Array>;
    try {
      source = s.source.open(0);
    } catch (err) {
      this.finish(s, 'read-failed', err instanceof Error ? err.message : String(err), true);
      return;
    }
    // §7.1 step 5: no data-preparation message; one message of the file's size, flags 0x01000030, footer 2.
    const stream = this.host.link(s.peer).sendStream({
      sessionId: s.sessionId,
      flags: P2pFlags.FILE_DATA,
      footer: P2pFooter.FILE,
      totalSize: s.source.size,
      source,
      onProgress: (bytes) => {
        if (!this.host.isLive(s)) return;
        this.host.arm(s, this.options.idleTimeoutMs, 'the peer stopped reading');
        s.events.progress(bytes);
      },
    });
    s.stream = stream;
    stream.written.then(
      () => {
        if (!this.host.isLive(s) || s.state !== 'sending') return;
        s.state = 'sent';
        // §7.5: the receiver's ACK confirms; without one, quiet after the last chunk counts as done.
        this.host.arm(s, this.options.idleTimeoutMs, 'no ACK after the data');
      },
      (err: unknown) => {
        if (!this.host.isLive(s)) return;
        if (err instanceof StreamSourceError) this.finish(s, 'read-failed', err.message, true);
        else this.finish(s, 'peer-gone', `the data could not be sent: ${err instanceof Error ? err.message : String(err)}`, false);
      },
    );
    stream.acked.then(() => this.completeOut(s)).catch(() => undefined);
  }

  private completeOut(s: FileOutSession): void {
    if (!this.host.isLive(s)) return;
    s.events.progress(s.source.size);
    // The receiver sends the BYE (§7.1 step 7); we ACK it at the binary level when it comes.
    this.host.end(s, false);
    s.events.completed();
  }

  // ----- receiving (we are the RC) -----

  /** A file INVITE (§7.1 step 1; its ACK is already out): ask the user, or decline. */
  onInvite(peer: string, invite: SlpRequest, sessionId: number): void {
    const host = this.host;
    if (this.options.onOffer === undefined || !host.hasSlot(peer)) {
      host.respond(peer, invite, SlpStatus.DECLINE, sessionId);
      return;
    }
    const context = decodeFileContextBase64(slpField(invite, 'Context') ?? '');
    if (isCodecError(context)) {
      host.onRejected?.(peer, `file offer with a bad context: ${context.message}`);
      host.respond(peer, invite, SlpStatus.DECLINE, sessionId);
      return;
    }
    const s: FileInSession = {
      role: 'file-in',
      peer,
      callId: invite.callId,
      sessionId,
      branch: invite.branch,
      timer: undefined,
      events: NO_EVENTS,
      state: 'offered',
      size: context.size,
      invite,
      sink: undefined,
      dataIdentifier: undefined,
      received: 0,
      written: 0,
      queued: 0,
      writing: Promise.resolve(),
    };
    host.add(s);
    const events = this.options.onOffer({
      peer,
      callId: invite.callId,
      name: context.name,
      size: context.size,
      ...(context.preview !== undefined ? { preview: context.preview } : {}),
    });
    if (events === undefined) {
      host.end(s, false);
      host.respond(peer, invite, SlpStatus.DECLINE, sessionId);
      return;
    }
    s.events = events;
    // The sender gives up after its own timeout (§4.6); we withdraw the offer a little later.
    host.arm(s, this.options.offerTimeoutMs, 'the offer was not answered');
  }

  /** The user accepted (§7.3): `200 OK`, then the data goes to `sink`. */
  accept(s: FileInSession, sink: FileSink): void {
    if (s.state !== 'offered') throw new P2pError('not-available', 'the offer is no longer open');
    s.sink = sink;
    s.state = 'receiving';
    this.host.respond(s.peer, s.invite, SlpStatus.OK, s.sessionId);
    this.host.arm(s, this.options.idleTimeoutMs, 'the transfer did not start');
    s.events.accepted();
  }

  /** The user declined (§7.3): `603 Decline`. */
  decline(s: FileInSession): void {
    if (s.state !== 'offered') return;
    this.host.end(s, false);
    this.host.respond(s.peer, s.invite, SlpStatus.DECLINE, s.sessionId);
  }

  /**
   * A data chunk for one of our sessions (before reassembly). False: not a file session's, the
   * link handles it as usual.
   */
  onChunk(s: FileSession, chunk: P2pChunk): boolean {
    if (s.role !== 'file-in') return false;
    const h = chunk.header;
    // A data-preparation message some senders may add (§5.3): ACKed by the link, then ignored.
    if (h.flags === P2pFlags.NONE && h.totalSize === 4 && s.size !== 4 && s.dataIdentifier === undefined) return false;
    if (s.state === 'offered') return true; // data before our 200 OK: dropped
    if (s.state === 'finishing') {
      this.finish(s, 'size-mismatch', `${s.peer} sent more than the ${s.size} bytes announced`, true);
      return true;
    }
    if (s.dataIdentifier === undefined) {
      if (h.totalSize !== s.size) {
        this.finish(s, 'size-mismatch', `${s.peer} is sending ${h.totalSize} bytes for a file announced as ${s.size}`, true);
        return true;
      }
      s.dataIdentifier = h.identifier;
    } else if (h.identifier !== s.dataIdentifier || h.totalSize !== s.size) {
      this.finish(s, 'size-mismatch', `${s.peer} sent data beyond the ${s.size} bytes announced`, true);
      return true;
    }
    // §3.6: in order only (the SB keeps order; anything else is a broken or hostile sender).
    if (h.offset !== s.received || (h.length === 0 && s.size > 0)) {
      this.finish(s, 'protocol-error', `${s.peer} sent file data at offset ${h.offset}+${h.length}, expected ${s.received}`, true);
      return true;
    }
    s.received += h.length;
    this.host.arm(s, this.options.idleTimeoutMs, 'the transfer stalled');
    if (h.length > 0) this.write(s, chunk.payload.slice());
    if (s.received === s.size) {
      s.state = 'finishing';
      this.completeIn(s, h);
    }
    return true;
  }

  private write(s: FileInSession, bytes: Uint8Array): void {
    const sink = s.sink as FileSink;
    s.queued += bytes.length;
    if (s.queued > MAX_QUEUED_BYTES) {
      this.finish(s, 'write-failed', `the file cannot be written as fast as it arrives (${s.queued} bytes waiting)`, true);
      return;
    }
    s.writing = s.writing
      .then(async () => {
        if (!this.host.isLive(s)) return;
        await sink.write(bytes);
        s.queued -= bytes.length;
        s.written += bytes.length;
        if (this.host.isLive(s)) s.events.progress(s.written);
      })
      .catch((err: unknown) => {
        if (this.host.isLive(s)) this.finish(s, 'write-failed', err instanceof Error ? err.message : String(err), true);
      });
  }

  /** §7.5: all bytes arrived → flush and close the file → the one ACK → complete → BYE. */
  private completeIn(s: FileInSession, last: P2pHeader): void {
    const sink = s.sink as FileSink;
    void s.writing.then(async () => {
      if (!this.host.isLive(s)) return;
      try {
        await sink.finish();
      } catch (err) {
        if (this.host.isLive(s)) this.finish(s, 'write-failed', err instanceof Error ? err.message : String(err), true);
        return;
      }
      if (!this.host.isLive(s)) return;
      this.host.link(s.peer).acknowledge(last);
      this.host.end(s, true);
      s.events.completed();
    });
  }

  // ----- either side -----

  /** The user cancelled (§7.4). */
  cancel(s: FileSession): void {
    if (s.role === 'file-in' && s.state === 'offered') {
      this.decline(s);
      return;
    }
    this.finish(s, 'cancelled-by-me', 'cancelled', true);
  }

  /** The peer's BYE for the session (already ACKed at the binary level). */
  onBye(s: FileSession): void {
    // §7.5: BYE after all chunks were sent = complete; so is a BYE right behind the ACK (the
    // ACK's promise callbacks have not run yet when both came in one read).
    if (s.role === 'file-out' && (s.state === 'sent' || s.stream?.isAcked() === true)) {
      this.completeOut(s);
      return;
    }
    if (s.role === 'file-in' && s.state === 'finishing') return; // we are completing it
    this.finish(s, 'cancelled-by-peer', `${s.peer} cancelled`, false);
  }

  /** The peer aborted at the binary level (flags 0x01/0x08/0x40/0x80, §3.8). */
  onAbort(s: FileSession): void {
    if (s.role === 'file-in' && s.state === 'finishing') return;
    if (s.role === 'file-out' && s.state === 'sent') return; // the ACK or BYE (or the timeout) decides
    this.finish(s, 'cancelled-by-peer', `${s.peer} cancelled`, false);
  }

  /** The peer left every switchboard we share. Offers survive (the answer may come on another one, §2.3). */
  onPeerGone(s: FileSession): void {
    if (s.state === 'inviting' || s.state === 'offered' || s.state === 'finishing') return;
    this.finish(s, 'peer-gone', `${s.peer} left before the transfer finished`, false);
  }

  /** The peer went offline (`FLN`): nothing of the session can still happen, offers included. */
  onPeerOffline(s: FileSession): void {
    if (s.role === 'file-in' && s.state === 'finishing') return;
    this.finish(s, 'peer-gone', `${s.peer} went offline`, false);
  }

  /** The manager's failure codes (timeouts, sign-out) as transfer endings. */
  fail(s: FileSession, code: P2pErrorCode, message: string): void {
    if (code === 'timeout' && s.role === 'file-out' && s.state === 'sent') {
      this.completeOut(s); // §7.5: complete but unconfirmed (a peer that never ACKs)
      return;
    }
    const reason: TransferEndReason = code === 'timeout' ? 'timeout' : code === 'bad-data' ? 'protocol-error' : code === 'declined' ? 'declined' : 'peer-gone';
    this.finish(s, reason, message, code === 'timeout' || code === 'bad-data');
  }

  /** End the session; with `tellPeer`, what §7.4 says this side sends. */
  private finish(s: FileSession, reason: TransferEndReason, detail: string, tellPeer: boolean): void {
    const host = this.host;
    if (!host.isLive(s)) return;
    if (s.role === 'file-out') s.stream?.cancel();
    if (s.role === 'file-in' && s.state === 'offered') {
      host.end(s, false);
      if (tellPeer) host.respond(s.peer, s.invite, SlpStatus.DECLINE, s.sessionId);
    } else {
      host.end(s, tellPeer);
      const dataId = s.role === 'file-out' ? s.stream?.identifier : s.dataIdentifier;
      if (tellPeer && dataId !== undefined && !host.isClosed()) {
        // §3.8: 0x40 from the sender of data, 0x80 from its receiver, AckID = the data message's Identifier.
        const link = host.link(s.peer);
        link.sendControl(buildP2pAbort(s.sessionId, link.takeId(), dataId, s.role === 'file-out' ? P2pFlags.CLOSE : P2pFlags.TLP_ERROR));
      }
    }
    s.events.ended(reason, detail);
  }
}

const NO_EVENTS: FileSessionEvents = {
  accepted: () => undefined,
  progress: () => undefined,
  completed: () => undefined,
  ended: () => undefined,
};
