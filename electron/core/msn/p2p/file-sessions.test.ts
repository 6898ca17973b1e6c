/**
 * P2P file sessions against scripted peers (MSNP-P2P.md §7, §13.2, §13.4): what we send as sender
 * and receiver, and how we take what other implementations send: aMSN 0.99's `0x30` data with
 * footer 0, 1152-byte chunks and AckIDs per chunk, no BYE; a peer whose ACK and BYE arrive in one
 * read; a peer that never ACKs; out-of-order data.
 */
import { describe, expect, it } from 'vitest';
import { isCodecError } from '../../../../shared/msnp';
import {
  EufGuid,
  P2pFlags,
  P2pReassembler,
  SlpContentType,
  buildP2pAck,
  buildP2pEnvelope,
  buildSlpRequest,
  buildSlpResponse,
  classifyP2pHeader,
  decodeFileContextBase64,
  decodeP2pChunk,
  encodeFileContextBase64,
  encodeP2pChunk,
  parseP2pEnvelope,
  parseSlp,
  slpField,
  splitP2pMessage,
  type P2pChunk,
  type SlpMessage,
} from '../../../../shared/msnp/p2p';
import { systemClock } from '../clock';
import { TypedEmitter } from '../emitter';
import type { FileSink, FileSource, TransferEndReason } from '../files/types';
import type { Switchboard, SwitchboardEvents } from '../switchboard';
import type { FileSessionEvents } from './file-sessions';
import { P2pManager } from './manager';

const ME = 'bob@example.com';
const PEER = 'alice@example.com';

class FakeSb {
  readonly events = new TypedEmitter<SwitchboardEvents>();
  readonly participants = new Map<string, string>([[PEER, 'Alice']]);
  isOpen = true;
  constructor(private readonly onSend: (chunk: P2pChunk) => void) {}
  send(payload: Uint8Array): Promise<'ack'> {
    const env = parseP2pEnvelope(payload);
    if (isCodecError(env)) throw new Error(env.message);
    const c = decodeP2pChunk(env.body);
    if (isCodecError(c)) throw new Error(c.message);
    const copy = { ...c, payload: c.payload.slice() };
    setImmediate(() => this.onSend(copy));
    // The SB's `ACK` comes after the peer has the chunk (so the peer may answer before it).
    return new Promise((r) => setTimeout(() => r('ack'), 5));
  }
  /** Several chunks from the peer in one read (one turn of the event loop). */
  deliver(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) this.events.emit('message', { sender: PEER, senderName: 'Alice', payload: buildP2pEnvelope(ME, chunk) });
  }
}

/** What we sent, as complete messages. */
class PeerView {
  readonly messages: { chunk: P2pChunk; payload: Uint8Array; slp?: SlpMessage }[] = [];
  readonly controls: P2pChunk[] = [];
  private readonly r = new P2pReassembler({ maxMessageSize: () => 64 << 20, maxPartial: 64 });
  onMessage: (m: PeerView['messages'][number]) => void = () => undefined;
  add(c: P2pChunk): void {
    const kind = classifyP2pHeader(c.header);
    if (kind === 'abort') {
      this.controls.push(c);
      return;
    }
    if (kind === 'ack') {
      const m = { chunk: c, payload: c.payload };
      this.messages.push(m);
      this.onMessage(m);
      return;
    }
    const res = this.r.push(c.header, c.payload, c.footer);
    if (isCodecError(res) || res.kind !== 'complete') return;
    const slp = c.header.sessionId === 0 ? parseSlp(res.message.payload) : undefined;
    const m = { chunk: { ...c, header: res.message.header }, payload: res.message.payload, ...(slp !== undefined && !isCodecError(slp) ? { slp } : {}) };
    this.messages.push(m);
    this.onMessage(m);
  }
  slp(pred: (s: SlpMessage) => boolean): SlpMessage | undefined {
    return this.messages.find((m) => m.slp !== undefined && pred(m.slp))?.slp;
  }
}

function setup(extra: Partial<ConstructorParameters<typeof P2pManager>[0]> = {}) {
  const view = new PeerView();
  const sb = new FakeSb((c) => view.add(c));
  const m = new P2pManager({
    me: () => ME,
    findPublished: () => undefined,
    requestSwitchboard: () => Promise.reject(new Error('no server in this test')),
    createSwitchboard: () => {
      throw new Error('no server in this test');
    },
    clock: systemClock,
    answerTimeoutMs: 2000,
    idleTimeoutMs: 400,
    ...extra,
  });
  m.track(sb as unknown as Switchboard);
  return { m, sb, view };
}

function recorder(): FileSessionEvents & { log: string[]; outcome: Promise<string> } {
  const log: string[] = [];
  let end: (s: string) => void = () => undefined;
  const outcome = new Promise<string>((r) => (end = r));
  return {
    log,
    outcome,
    accepted: () => log.push('accepted'),
    progress: () => undefined,
    completed: () => {
      log.push('completed');
      end('completed');
    },
    ended: (reason) => {
      log.push(`ended ${reason}`);
      end(reason);
    },
  };
}

const source = (size: number): FileSource => ({
  name: 'notes.txt',
  size,
  async *open() {
    yield Uint8Array.from({ length: size }, (_, i) => i & 0xff);
  },
});

class Sink implements FileSink {
  bytes: number[] = [];
  finished = false;
  aborted: TransferEndReason[] = [];
  async write(c: Uint8Array): Promise<void> {
    this.bytes.push(...c);
  }
  async finish(): Promise<void> {
    this.finished = true;
  }
  async abort(r: TransferEndReason): Promise<void> {
    this.aborted.push(r);
  }
}

const until = async (pred: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('sending a file', () => {
  it('sends the §13.2 INVITE, then the data flagged 0x01000030 with footer 2; an ACK and a BYE in one read complete it', async () => {
    const { m, sb, view } = setup();
    const ev = recorder();
    let invite: SlpMessage | undefined;
    view.onMessage = (msg) => {
      if (msg.slp?.kind === 'request' && msg.slp.method === 'INVITE') {
        invite = msg.slp;
        sb.deliver(
          buildP2pAck(msg.chunk.header, 0x1f3a8c10),
          ...splitP2pMessage({
            sessionId: 0,
            identifier: 0x1f3a8c11,
            flags: 0,
            ackId: 7,
            footer: 0,
            payload: buildSlpResponse({ status: { code: 200, reason: 'OK' }, to: ME, from: PEER, branch: msg.slp.branch, cseq: 1, callId: msg.slp.callId, contentType: SlpContentType.SESSION_REQUEST, fields: [{ name: 'SessionID', value: slpField(msg.slp, 'SessionID') ?? '' }] }),
          }),
        );
      }
      if (msg.chunk.header.sessionId !== 0 && classifyP2pHeader(msg.chunk.header) === 'data' && invite !== undefined) {
        // The receiver's ACK and its BYE, in the same read (as they often come off the SB).
        const bye = buildSlpRequest({ method: 'BYE', to: ME, from: PEER, branch: '{B}', callId: invite.callId, contentType: SlpContentType.SESSION_CLOSE, fields: [] });
        sb.deliver(buildP2pAck(msg.chunk.header, 0x1f3a8c12), ...splitP2pMessage({ sessionId: 0, identifier: 0x1f3a8c13, flags: 0, ackId: 8, footer: 0, payload: bye }));
      }
    };
    await m.sendFile(PEER, source(2500), ev);
    expect(await ev.outcome).toBe('completed');
    expect(ev.log).toEqual(['accepted', 'completed']);
    expect(invite).toBeDefined();
    if (invite === undefined) return;
    expect(slpField(invite, 'EUF-GUID')).toBe(EufGuid.FILE_TRANSFER);
    expect(slpField(invite, 'AppID')).toBe('2');
    const ctx = decodeFileContextBase64(slpField(invite, 'Context') ?? '');
    expect(ctx).toEqual({ version: 2, size: 2500, name: 'notes.txt' });
    expect(slpField(invite, 'Context')?.startsWith('PgIAAAIAAADECQAAAAAAAAEAAABuAG8AdABl')).toBe(true);
    const data = view.messages.find((x) => x.chunk.header.sessionId !== 0 && classifyP2pHeader(x.chunk.header) === 'data');
    expect(data?.chunk.header).toMatchObject({ flags: P2pFlags.FILE_DATA, totalSize: 2500 });
    expect(data?.chunk.footer).toBe(2);
    expect(data?.payload).toEqual(Uint8Array.from({ length: 2500 }, (_, i) => i & 0xff));
    // No data-preparation message for files (§7.1 step 5).
    expect(view.messages.filter((x) => x.chunk.header.sessionId !== 0 && classifyP2pHeader(x.chunk.header) !== 'ack')).toHaveLength(1);
    await until(() => m.activeSessions === 0);
  });

  it('a receiver that never ACKs (retro-prpl): complete once all chunks went out and the session stays quiet (§7.5)', async () => {
    const { m, sb, view } = setup();
    const ev = recorder();
    view.onMessage = (msg) => {
      if (msg.slp?.kind === 'request' && msg.slp.method === 'INVITE') {
        sb.deliver(
          ...splitP2pMessage({
            sessionId: 0,
            identifier: 5,
            flags: 0,
            ackId: 7,
            footer: 0,
            payload: buildSlpResponse({ status: { code: 200, reason: 'OK' }, to: ME, from: PEER, branch: msg.slp.branch, cseq: 1, callId: msg.slp.callId, contentType: SlpContentType.SESSION_REQUEST, fields: [] }),
          }),
        );
      }
    };
    await m.sendFile(PEER, source(3000), ev);
    expect(await ev.outcome).toBe('completed');
  });
});

describe('receiving a file', () => {
  function offer(sb: FakeSb, size: number, name = 'file-from-alice.bin') {
    const callId = '{5E1D2C3B-4A59-4687-9596-A4B3C2D1E0F9}';
    const invite = buildSlpRequest({
      method: 'INVITE',
      to: ME,
      from: PEER,
      branch: '{B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5E}',
      callId,
      contentType: SlpContentType.SESSION_REQUEST,
      fields: [
        { name: 'EUF-GUID', value: EufGuid.FILE_TRANSFER },
        { name: 'SessionID', value: '1473470302' },
        { name: 'AppID', value: '2' },
        { name: 'Context', value: encodeFileContextBase64({ name, size }) },
      ],
    });
    // aMSN 0.99 splits its INVITE in 1152-byte chunks (§13.4).
    sb.deliver(...splitP2pMessage({ sessionId: 0, identifier: 0x0ae68a40, flags: 0, ackId: 3, footer: 0, payload: invite }, 1152));
    return { callId, sessionId: 1473470302 };
  }

  /** Data as aMSN 0.99 sends it: flags 0x30, footer 0, 1152-byte chunks, AckID +1 per chunk. */
  function amsnData(sessionId: number, bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let off = from, n = 0; off < to; off += 1152, n++) {
      const len = Math.min(1152, bytes.length - off);
      out.push(encodeP2pChunk({ sessionId, identifier: 0x36636c20, offset: off, totalSize: bytes.length, length: len, flags: P2pFlags.FILE_DATA_LEGACY, ackId: 0x25c469b8 + n, ackUid: 0, ackSize: 0 }, bytes.subarray(off, off + len), 0));
    }
    return out;
  }

  it('takes aMSN 0.99’s file (0x30, footer 0, 1152-byte chunks, no BYE): one ACK with AckSize = size, then our BYE', async () => {
    let events = recorder();
    let offered: { callId: string; name: string; size: number } | undefined;
    const { m, sb, view } = setup({
      onFileOffer: (o) => {
        offered = o;
        events = recorder();
        return events;
      },
    });
    const { callId, sessionId } = offer(sb, 5017);
    await until(() => offered !== undefined);
    expect(offered).toMatchObject({ name: 'file-from-alice.bin', size: 5017, callId });
    // The INVITE was ACKed at once, before the user answered (§7.1 step 2).
    await until(() => view.messages.some((x) => classifyP2pHeader(x.chunk.header) === 'ack'));
    const sink = new Sink();
    m.acceptFile(PEER, callId, sink);
    await until(() => view.slp((s) => s.kind === 'response') !== undefined);
    const ok = view.slp((s) => s.kind === 'response' && s.contentType === SlpContentType.SESSION_REQUEST);
    expect(ok).toMatchObject({ kind: 'response', status: 200, callId, cseq: 1, contentType: SlpContentType.SESSION_REQUEST });
    // §13.4: then aMSN offers a direct connection in the same Call-ID; we are not listening.
    const transreq = buildSlpRequest({
      method: 'INVITE',
      to: ME,
      from: PEER,
      branch: '{B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5E}',
      callId,
      contentType: SlpContentType.TRANSPORT_REQUEST,
      fields: [
        { name: 'NetID', value: '-1388627126' },
        { name: 'Bridges', value: 'TCPv1 SBBridge' },
        { name: 'Conn-Type', value: 'Firewall' },
        { name: 'Nonce', value: '{7C2C9B8A-0F4E-4E0B-9F5B-3B5E2D1C0A99}' },
      ],
    });
    sb.deliver(...splitP2pMessage({ sessionId: 0, identifier: 0x0ae68a41, flags: 0, ackId: 4, footer: 0, payload: transreq }, 1152));
    await until(() => view.slp((s) => s.kind === 'response' && s.contentType === SlpContentType.TRANSPORT_RESPONSE) !== undefined);
    const transresp = view.slp((s) => s.kind === 'response' && s.contentType === SlpContentType.TRANSPORT_RESPONSE);
    expect(transresp).toMatchObject({ status: 200, callId });
    expect(slpField(transresp as SlpMessage, 'Listening')).toBe('false');
    const bytes = Uint8Array.from({ length: 5017 }, (_, i) => (i * 31) & 0xff);
    sb.deliver(...amsnData(sessionId, bytes));
    expect(await events.outcome).toBe('completed');
    expect(sink.finished).toBe(true);
    expect(Uint8Array.from(sink.bytes)).toEqual(bytes);
    await until(() => view.slp((s) => s.kind === 'request' && s.method === 'BYE') !== undefined);
    const acks = view.messages.filter((x) => classifyP2pHeader(x.chunk.header) === 'ack' && x.chunk.header.sessionId === sessionId);
    expect(acks).toHaveLength(1);
    expect(acks[0]?.chunk.header).toMatchObject({ ackId: 0x36636c20, ackSize: 5017, totalSize: 5017, ackUid: 0x25c469b8 + 4 });
    await until(() => m.activeSessions === 0);
  });

  it('data out of order, or more than announced, ends the session and tells the sender (BYE + 0x80)', async () => {
    let events = recorder();
    const { m, sb, view } = setup({ onFileOffer: () => (events = recorder()) });
    const { callId, sessionId } = offer(sb, 5000);
    await until(() => m.activeSessions === 1);
    m.acceptFile(PEER, callId, new Sink());
    const bytes = new Uint8Array(5000);
    const chunks = amsnData(sessionId, bytes);
    sb.deliver(chunks[0] as Uint8Array, chunks[2] as Uint8Array);
    expect(await events.outcome).toBe('protocol-error');
    await until(() => view.slp((s) => s.kind === 'request' && s.method === 'BYE') !== undefined && view.controls.length > 0);
    expect(view.controls[0]?.header).toMatchObject({ sessionId, flags: P2pFlags.TLP_ERROR, ackId: 0x36636c20 });

    const second = offer(sb, 100);
    await until(() => m.activeSessions === 1);
    const sink = new Sink();
    m.acceptFile(PEER, second.callId, sink);
    sb.deliver(...amsnData(second.sessionId, new Uint8Array(200)));
    expect(await events.outcome).toBe('size-mismatch');
    expect(sink.bytes).toHaveLength(0);
  });
});
