/**
 * One Notification Server connection: its login state, its dialect, and — once signed in — its
 * presence. It is the core's `Endpoint` for this user: the core tells it what happened and it
 * writes that in its own dialect (MSNP.md §2.7).
 */
import {
  buildAbChangeNotice,
  buildMlPush,
  buildUbn,
  buildXmlNotice,
  LIST_BITS,
  NETWORK,
  splitHandle,
  usesAddressBook,
  buildAdc,
  buildError,
  ErrorCode,
  buildAddReply,
  buildBpr,
  buildFln,
  buildIln,
  buildNln,
  buildOut,
  buildRemReply,
  buildRng,
  buildUbx,
  parseHostPort,
  serialize,
  type Command,
  type CommandInit,
  type Dialect,
  type SignedInState,
  type Verbatim,
} from '../../../shared/msnp/index';
import type { Account } from '../../core/lists';
import { isVisibleOnline, type Endpoint, type FanoutCache, type PresenceView, type ReverseListChange } from '../../core/presence';
import { SlidingWindow } from '../../core/rate';
import type { Connection } from '../connection';
import type { ServerContext } from '../context';
import { dispatch, Reply, type CommandTable, type Dispatching, type Problem } from '../dispatch';
import { hasNetworkId, presenceOf, presenceShape } from '../shapes';

export type NsPhase = 'start' | 'versioned' | 'auth' | 'online';

/** Mutable presence behind the read-only view the core sees. */
interface LivePresence {
  handle: string;
  friendlyName: string;
  state: SignedInState;
  caps: number;
  extendedCaps: number | undefined;
  msnObject: Verbatim | undefined;
  personalMessage: Uint8Array | undefined;
}

/** MSNP.md §5.4: about five quick renames, then 800. */
const RENAMES_PER_WINDOW = 5;
const RENAME_WINDOW_MS = 10_000;
/** `XFR SB` "may be rate-limited" (MSNP.md §6.1); generous for real use. */
const XFRS_PER_WINDOW = 30;
const XFR_WINDOW_MS = 10_000;

/** Session ids: unique within this process's life; the node id makes them unique in a cluster. */
const PROCESS_EPOCH = Date.now().toString(36);
let sessionCounter = 0;

/** Fan-out cache keys per NLN shape (constants: no string built per watcher). */
const NLN_KEYS = { p2: 'NLN:p2', p8: 'NLN:p8', p9: 'NLN:p9', p14: 'NLN:p14' } as const;

export class NsSession implements Endpoint, Dispatching<NsSession, NsPhase> {
  phase: NsPhase = 'start';
  dialect: Dialect | undefined;
  /** The handle named in `USR … I`, then the signed-in handle. */
  handle = '';
  authPackage: 'MD5' | 'TWN' | 'SSO' | undefined;
  loginChallenge: string | undefined;
  /** What `MSPAuth` repeats in the profile (the ticket for TWN). */
  mspAuth = '';
  account: Account | undefined;
  watching = false;
  /** The outstanding `CHL` challenge, if any (MSNP.md §3.5). */
  challenge: string | undefined;
  // Created on first use: most sessions never rename or open a switchboard, and every byte of a
  // held session counts (10,000 users at under 8 KiB each, server/README.md).
  private renameWindow: SlidingWindow | undefined;
  private xfrWindow: SlidingWindow | undefined;
  private live: LivePresence | undefined;
  private registered = false;
  readonly reply: Reply;
  readonly sessionId = `${PROCESS_EPOCH}.${++sessionCounter}`;

  constructor(
    readonly conn: Connection,
    readonly ctx: ServerContext,
    readonly table: CommandTable<NsSession, NsPhase>,
  ) {
    this.reply = new Reply(conn);
    conn.sink = this;
    conn.setTimer('login', ctx.config.loginTimeoutMs, () => conn.end('login timeout'));
  }

  get renames(): SlidingWindow {
    return (this.renameWindow ??= new SlidingWindow(RENAMES_PER_WINDOW, RENAME_WINDOW_MS));
  }

  get xfrs(): SlidingWindow {
    return (this.xfrWindow ??= new SlidingWindow(XFRS_PER_WINDOW, XFR_WINDOW_MS));
  }

  get presence(): PresenceView | undefined {
    return this.live;
  }

  /** The dialect agreed in `VER` (handlers after `VER` only). */
  get negotiatedDialect(): Dialect {
    if (this.dialect === undefined) throw new Error('dialect not negotiated');
    return this.dialect;
  }

  /** The signed-in account (handlers in the `online` phase only). */
  get me(): Account {
    if (this.account === undefined) throw new Error('not signed in');
    return this.account;
  }

  // ---- CommandSink ------------------------------------------------------------------------

  onCommand(cmd: Command): void | Promise<void> {
    return dispatch(this, cmd);
  }

  onClose(reason: string): void {
    this.signOut(reason);
  }

  /**
   * A failed precondition. MSNP.md §1.6: before sign-in, a known command out of order → `715`
   * and close, an unknown one → close. After: a second `USR` → `207` (§3); other login-stage
   * commands → `715`. Commands the dialect lacks, unknown or malformed ones → close (§1.2).
   */
  reject(cmd: Command, problem: Problem): void {
    if (problem === 'wrong-phase') {
      if (this.phase !== 'online') {
        this.conn.end(`${cmd.verb} out of order`, buildError({ code: ErrorCode.NOT_EXPECTED, trId: cmd.trId }));
      } else {
        this.conn.error(cmd.verb === 'USR' ? 207 : 715, cmd.trId);
      }
      return;
    }
    this.conn.end(`${problem} command ${cmd.verb}`);
  }

  // ---- presence ---------------------------------------------------------------------------

  /** Registers this session as the user's endpoint, kicking an older one (`OUT OTH`, §5.5). */
  signIn(account: Account): void {
    this.account = account;
    this.handle = account.handle;
    this.conn.userHandle = account.handle;
    this.phase = 'online';
    this.conn.clearTimer('login');
    if (this.ctx.config.nsIdleTimeoutMs > 0) {
      this.conn.setIdleTimer(this.ctx.config.nsIdleTimeoutMs, () => this.conn.end('idle timeout'));
    }
    const node = this.ctx.cluster;
    if (node !== undefined && !node.cluster.serving) {
      // Cut off from the cluster (fenced): another node must take this user.
      this.conn.log('warn', 'signin-refused', { reason: 'node fenced' });
      this.conn.end('node fenced', buildOut({ reason: 'SSD' }, this.negotiatedDialect));
      return;
    }
    const previous = this.ctx.presence.register(this);
    this.registered = true;
    // On another node: signed out there (`OUT OTH`), its presence handed to me (`holdPresence`).
    node?.signedIn(this);
    if (previous !== undefined) {
      // Signing in again (another computer, a reconnect): I take over the presence the old session
      // showed, so my contacts never see me offline in between (no FLN then NLN); my first `CHG`
      // replaces it, and if I go before sending one, my contacts get the FLN then.
      const held = previous.presence;
      this.live = held === undefined ? undefined : { ...held };
      previous.kick('OTH');
    }
  }

  /** My predecessor on another node showed this: I show it until my first `CHG` (as `signIn` does here). */
  holdPresence(view: PresenceView): void {
    if (this.live !== undefined || this.watching || !this.registered) return;
    this.live = { ...view };
  }

  /** `ILN t …` (+ `UBX` 11+) for a contact signed in on another node, after my first `CHG`. */
  initialContact(view: PresenceView, trId: number): void {
    const d = this.negotiatedDialect;
    this.conn.send(buildIln({ ...presenceOf(view), trId }, d));
    if (d >= 11 && view.personalMessage !== undefined) this.conn.send(buildUbx({ handle: view.handle, status: view.personalMessage }, d));
  }

  /** Sets my presence (first `CHG` included); returns whether I was visible before. */
  setPresence(state: SignedInState, caps: number, msnObject: Verbatim | undefined, extendedCaps?: number): { wasVisible: boolean; changed: boolean } {
    const wasVisible = isVisibleOnline(this.live);
    const me = this.me;
    if (this.live === undefined) {
      this.live = { handle: me.handle, friendlyName: me.user.friendlyName, state, caps, extendedCaps, msnObject, personalMessage: undefined };
      return { wasVisible, changed: true };
    }
    const l = this.live;
    const changed = l.state !== state || l.caps !== caps || l.extendedCaps !== extendedCaps || l.msnObject?.wire !== msnObject?.wire;
    l.state = state;
    l.caps = caps;
    l.extendedCaps = extendedCaps;
    l.msnObject = msnObject;
    return { wasVisible, changed };
  }

  /** After my friendly name changed: tell watchers (NLN with the new name, MSNP.md §5.4). */
  friendlyNameChanged(): void {
    if (this.live === undefined) return;
    this.live.friendlyName = this.me.user.friendlyName;
    this.ctx.presence.broadcast(this.me, this.live, isVisibleOnline(this.live));
  }

  setPersonalMessage(payload: Uint8Array): boolean {
    if (this.live === undefined) return false;
    const old = this.live.personalMessage;
    if (old !== undefined && equalBytes(old, payload)) return false;
    // A copy: the parser's payload is a view of the socket's read buffer (up to 64 KiB), which a
    // kept view would keep alive for as long as the user stays signed in.
    this.live.personalMessage = payload.slice();
    return true;
  }

  private signOut(reason: string, replacedElsewhere = false): void {
    if (!this.registered || this.account === undefined) return;
    this.registered = false;
    const account = this.account;
    const wasVisible = isVisibleOnline(this.live);
    // A replaced session (OUT OTH) owes its watchers nothing: its successor holds its presence.
    const replacedHere = !this.ctx.presence.unregister(this);
    const replaced = replacedHere || replacedElsewhere;
    const node = this.ctx.cluster;
    if (node !== undefined && !replacedHere && node.cluster.serving) node.signedOut(account.handle, this.sessionId);
    this.live = undefined;
    this.watching = false;
    if (wasVisible && !replaced) this.ctx.presence.broadcast(account, undefined, true);
    this.ctx.lists.release(account.handle);
    this.conn.log('info', 'signout', { reason });
  }

  // ---- Endpoint: events about others, written in my dialect -------------------------------

  contactOnline(view: PresenceView, cache: FanoutCache, withPersonalMessage: boolean): void {
    const d = this.negotiatedDialect;
    const key = NLN_KEYS[presenceShape(d)];
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = serialize(buildNln(presenceOf(view), d), 'toClient');
      cache.set(key, bytes);
    }
    this.conn.write(bytes);
    if (withPersonalMessage) this.contactPersonalMessage(view, cache);
  }

  contactOffline(handle: string, cache: FanoutCache): void {
    // FLN has one shape in MSNP2–13 (MSNP.md §5.3) and another in 14–15 (`FLN handle 1 0`).
    const key = hasNetworkId(this.negotiatedDialect) ? 'FLN:14' : 'FLN';
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = serialize(buildFln({ handle }, this.negotiatedDialect), 'toClient');
      cache.set(key, bytes);
    }
    this.conn.write(bytes);
  }

  /** `UBX handle len` + the `UUX` document (MSNP11+, MSNP.md §2.10). */
  contactPersonalMessage(view: PresenceView, cache: FanoutCache): void {
    if (this.negotiatedDialect < 11 || view.personalMessage === undefined) return;
    const key = hasNetworkId(this.negotiatedDialect) ? 'UBX:14' : 'UBX';
    let bytes = cache.get(key);
    if (bytes === undefined) {
      // The owner's `UUX` document, relayed byte for byte (MSNP.md §2.10).
      bytes = serialize(buildUbx({ handle: view.handle, status: view.personalMessage }, this.negotiatedDialect), 'toClient');
      cache.set(key, bytes);
    }
    this.conn.write(bytes);
  }

  /** `BPR` (MSNP5+): a contact's phone property changed (MSNP.md §4.8). */
  contactProperty(handle: string, key: string, value: string | undefined): void {
    const d = this.negotiatedDialect;
    if (d < 5) return;
    this.conn.send(buildBpr({ version: this.me.user.listVersion, handle, key, value }, d));
  }

  /**
   * `ADD 0 RL …` / `ADC 0 RL …` / `REM 0 RL …` (MSNP.md §4.6). 13+: `ADL 0` / `RML 0` with the
   * contact on RL (`l="8"`, network 1, its name URL-encoded in `f`), then the address book's `NOT`
   * so the client re-reads its memberships (MSNP13-18.md §6.7, §6.8).
   */
  reverseListChanged(c: ReverseListChange): void {
    const d = this.negotiatedDialect;
    let cmd: CommandInit;
    if (usesAddressBook(d)) {
      const contact = { handle: c.handle, lists: LIST_BITS.RL, network: NETWORK.PASSPORT, ...(c.kind === 'added' ? { friendlyName: c.friendlyName } : {}) };
      // A handle `<ml>` cannot spell (MSNP13-18.md §7.1) gets only the NOT: the client finds it
      // in its memberships. (The adder's command must not fail for the receiver's dialect.)
      if (splitHandle(c.handle) !== undefined) {
        this.conn.send(buildMlPush({ type: c.kind === 'added' ? 'ADL' : 'RML', trId: 0, list: { initial: false, contacts: [contact] } }, d));
      }
      this.addressBookChanged();
      return;
    }
    if (c.kind === 'added') {
      cmd =
        d >= 10
          ? buildAdc({ trId: 0, list: 'RL', handle: c.handle, friendlyName: c.friendlyName }, d)
          : buildAddReply({ trId: 0, list: 'RL', version: c.listVersion, handle: c.handle, friendlyName: c.friendlyName }, d);
    } else {
      cmd = buildRemReply({ trId: 0, list: 'RL', version: c.listVersion, contact: c.handle }, d);
    }
    this.conn.send(cmd);
  }

  get receivesUnified(): boolean {
    return this.dialect !== undefined && usesAddressBook(this.dialect);
  }

  /** `UBN sender type len` + payload (MSNP13+, MSNP13-18.md §8.4). */
  unifiedNotification(from: string, type: number, payload: Uint8Array): void {
    this.conn.send(buildUbn({ from, notification: type, payload }, this.negotiatedDialect));
  }

  /** 13+: `NOT` with the `ABCHInternal` notice: the address book changed, re-read it (MSNP13-18.md §6.8). */
  addressBookChanged(): void {
    const d = this.negotiatedDialect;
    if (!usesAddressBook(d) || this.account === undefined) return;
    const u = this.account.user;
    const xml = buildAbChangeNotice({
      to: u.handle,
      memberIdLow: u.id,
      memberIdHigh: 0,
      cid: String(u.id),
      lastModified: new Date(Math.max(u.listStamp, u.settingsStamp)).toISOString(),
    });
    this.conn.send(buildXmlNotice({ type: 'NOT', xml }, d));
  }

  /** `RNG session-id host:port CKI cookie caller-handle caller-name` (MSNP.md §6.2). */
  invited(sessionId: string, cookie: string, caller: string, callerName: string, sbAddress = this.ctx.sbAddress): void {
    const address = parseHostPort(sbAddress);
    if (address === undefined) throw new Error(`switchboard address ${sbAddress} is not host:port`);
    this.conn.send(buildRng({ sessionId, address, cookie, callerHandle: caller, callerFriendlyName: callerName }, this.negotiatedDialect));
  }

  kick(reason: 'OTH' | 'SSD', replaced = false): void {
    this.conn.log('info', 'kicked', { reason });
    // Synchronously, so this session's FLN cannot reach watchers after its successor's NLN.
    this.signOut(`OUT ${reason}`, replaced);
    this.conn.end(`OUT ${reason}`, buildOut({ reason }, this.negotiatedDialect));
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
