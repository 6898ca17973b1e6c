/**
 * Which switchboard carries P2P chunks to a peer (MSNP-P2P.md §2.3). P2P state belongs to the
 * peer, not to a switchboard: chunks go on the switchboard the peer last used for P2P if it is
 * still open with them in it, else on any open switchboard with them (a two-person one first),
 * else on a switchboard opened for the purpose (`XFR SB` → `USR` → `CAL` → `JOI`), which no
 * conversation owns, so the user never sees it, and which is closed once the peer has no more
 * sessions. Each chunk is one `MSG t D` (§2.1).
 */
import { normalizeHandle } from '../../../../shared/msnp';
import { buildP2pEnvelopeHead } from '../../../../shared/msnp/p2p';
import { concatBytes } from '../../../../shared/msnp/bytes';
import type { Clock, TimerHandle } from '../clock';
import type { SwitchboardTicket } from '../conversation';
import type { Switchboard, SwitchboardAuth } from '../switchboard';
import { P2pError } from './errors';

export interface TransportDeps {
  readonly requestSwitchboard: () => Promise<SwitchboardTicket>;
  readonly createSwitchboard: (host: string, port: number, auth: SwitchboardAuth) => Switchboard;
  readonly clock: Clock;
  /** How long the peer has to join a switchboard we opened. */
  readonly joinTimeoutMs: number;
  /** How long to wait for the SB's `ACK` of one chunk before counting it as sent anyway. */
  readonly ackTimeoutMs: number;
}

export class P2pTransport {
  /** Every open switchboard we know of (conversations', the peer's, ours). */
  private readonly switchboards = new Set<Switchboard>();
  /** Switchboards opened for P2P, by peer. */
  private readonly own = new Map<string, Switchboard>();
  private readonly opening = new Map<string, Promise<Switchboard>>();
  /** The switchboard each peer last sent P2P on. */
  private readonly lastUsed = new Map<string, Switchboard>();
  private readonly heads = new Map<string, Uint8Array>();
  private readonly closeTimers = new Map<string, TimerHandle>();

  constructor(private readonly deps: TransportDeps) {}

  /** Start knowing a switchboard; forget it when it closes. */
  track(sb: Switchboard, onGone: (peer: string) => void): void {
    this.switchboards.add(sb);
    sb.events.on('left', ({ handle }) => {
      if (!this.reaches(handle)) onGone(handle);
    });
    sb.events.on('closed', () => {
      this.switchboards.delete(sb);
      const peers = [...sb.participants.keys()];
      for (const [peer, s] of this.own) if (s === sb) this.own.delete(peer);
      for (const [peer, s] of this.lastUsed) if (s === sb) this.lastUsed.delete(peer);
      for (const p of peers) if (!this.reaches(p)) onGone(p);
    });
  }

  /** The peer sent P2P on `sb`: answer there while it lasts. */
  noteUsed(peer: string, sb: Switchboard): void {
    this.lastUsed.set(normalizeHandle(peer), sb);
  }

  /** Is the peer in some open switchboard with us? */
  reaches(peer: string): boolean {
    const h = normalizeHandle(peer);
    for (const sb of this.switchboards) if (sb.isOpen && sb.participants.has(h)) return true;
    return false;
  }

  /**
   * Send one chunk to the peer (`MSG t D`, MIME block with `P2P-Dest`, §2.1). With `mayOpen` false
   * (ACKs) a chunk for a peer we share no switchboard with is dropped instead of opening one.
   */
  async send(peer: string, chunk: Uint8Array, mayOpen = true): Promise<void> {
    const h = normalizeHandle(peer);
    if (!mayOpen && !this.reaches(h)) return;
    const sb = await this.switchboardFor(h);
    let head = this.heads.get(h);
    if (head === undefined) {
      head = buildP2pEnvelopeHead(h);
      this.heads.set(h, head);
    }
    const result = await sb.send(concatBytes([head, chunk]), 'D', this.deps.ackTimeoutMs);
    if (result === 'nak') throw new P2pError('disconnected', `the switchboard could not deliver P2P data to ${h}`);
  }

  /** The peer has no sessions left: close the switchboard we opened for them (after a moment for the last ACKs). */
  release(peer: string, lingerMs: number): void {
    const h = normalizeHandle(peer);
    const sb = this.own.get(h);
    if (sb === undefined) return;
    this.deps.clock.clearTimeout(this.closeTimers.get(h));
    this.closeTimers.set(
      h,
      this.deps.clock.setTimeout(() => {
        this.closeTimers.delete(h);
        if (this.own.get(h) === sb) {
          this.own.delete(h);
          sb.close();
        }
      }, lingerMs),
    );
  }

  /** Cancel a pending `release` (a new session started). */
  keep(peer: string): void {
    const h = normalizeHandle(peer);
    this.deps.clock.clearTimeout(this.closeTimers.get(h));
    this.closeTimers.delete(h);
  }

  closeAll(): void {
    for (const t of this.closeTimers.values()) this.deps.clock.clearTimeout(t);
    this.closeTimers.clear();
    for (const sb of this.own.values()) sb.close();
    this.own.clear();
    this.lastUsed.clear();
  }

  private async switchboardFor(peer: string): Promise<Switchboard> {
    const last = this.lastUsed.get(peer);
    if (last !== undefined && last.isOpen && last.participants.has(peer)) return last;
    let best: Switchboard | undefined;
    for (const sb of this.switchboards) {
      if (!sb.isOpen || !sb.participants.has(peer)) continue;
      if (best === undefined || (sb.participants.size === 1 && best.participants.size > 1)) best = sb;
    }
    if (best !== undefined) return best;
    let pending = this.opening.get(peer);
    if (pending === undefined) {
      pending = this.open(peer).finally(() => this.opening.delete(peer));
      this.opening.set(peer, pending);
    }
    return pending;
  }

  /** `XFR SB`, `USR`, `CAL peer`, wait for `JOI` (MSNP.md §6.1). */
  private async open(peer: string): Promise<Switchboard> {
    let sb: Switchboard | undefined;
    try {
      const ticket = await this.deps.requestSwitchboard();
      sb = this.deps.createSwitchboard(ticket.host, ticket.port, { kind: 'caller', cookie: ticket.cookie });
      await sb.open();
      const joined = this.waitForJoin(sb, peer);
      joined.catch(() => undefined); // awaited below; CAL may fail first
      await sb.invite(peer);
      await joined;
    } catch (err) {
      sb?.close();
      if (err instanceof P2pError) throw err;
      throw new P2pError('unreachable', `no switchboard with ${peer}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.own.set(peer, sb);
    return sb;
  }

  private waitForJoin(sb: Switchboard, peer: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const offJoin = sb.events.on('joined', ({ handle }) => {
        if (handle !== peer) return;
        done();
        resolve();
      });
      const offClose = sb.events.on('closed', () => {
        done();
        reject(new P2pError('unreachable', `the switchboard closed before ${peer} joined`));
      });
      const timer = this.deps.clock.setTimeout(() => {
        done();
        reject(new P2pError('unreachable', `${peer} did not join within ${this.deps.joinTimeoutMs} ms`));
      }, this.deps.joinTimeoutMs);
      const done = (): void => {
        offJoin();
        offClose();
        this.deps.clock.clearTimeout(timer);
      };
    });
  }
}
