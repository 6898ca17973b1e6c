/**
 * Who is signed in, what they look like to others, and who is told when that changes
 * (MSNP.md §5). Protocol-free: each signed-in session is an `Endpoint` that formats the events
 * in its own dialect.
 *
 * Rules (MSNP.md §4.2, §5.2): W is told about U iff W has U on its FL (U has W on its RL), W has
 * finished its first `CHG` (before that, its `ILN` snapshot will carry the state), and U allows W.
 * `HDN` is offline to everyone.
 */
import { LIST_BITS, type Dialect, type SignedInState, type Verbatim } from '../../shared/msnp/index';
import type { Account, ListManager } from './lists';

export interface PresenceView {
  readonly handle: string;
  /** Decoded friendly name. */
  readonly friendlyName: string;
  /** The state the user set with `CHG`, `HDN` included (offline to others). */
  readonly state: SignedInState;
  /** Client capabilities (MSNP8+): the client id, for the switchboard's `IRO`/`JOI`. */
  readonly caps: number;
  /**
   * The extended capabilities when the client sent `caps:extcaps` (MSNP13-18.md §8.1): relayed
   * beside `caps` in `ILN`/`NLN` as `caps:extcaps`; undefined when it sent plain `caps`.
   */
  readonly extendedCaps: number | undefined;
  /** The MSNObject (MSNP9+) as the client's wire token, still URL-encoded, relayed verbatim (MSNP.md §2.9); or undefined. */
  readonly msnObject: Verbatim | undefined;
  /** The `UUX` document (MSNP11+), or undefined. */
  readonly personalMessage: Uint8Array | undefined;
}

/**
 * Per-event scratch space: endpoints of the same dialect serialise an event once and share the
 * bytes (the presence fan-out is a hot path).
 */
export type FanoutCache = Map<string, Uint8Array>;

/** Someone (`handle`) put me on their forward list or took me off it. */
export interface ReverseListEdit {
  readonly kind: 'added' | 'removed';
  readonly handle: string;
  readonly friendlyName: string;
}

export interface ReverseListChange extends ReverseListEdit {
  /** The receiver's list version after the change (MSNP2–9 print it). */
  readonly listVersion: number;
}

export interface Endpoint {
  readonly handle: string;
  /** This sign-in, unique in the cluster together with the node id (the session directory's value). */
  readonly sessionId: string;
  /** The signed-in account (its lists), once signed in. */
  readonly account: Account | undefined;
  /** True once the first `CHG` was answered: from then on it receives NLN/FLN/UBX. */
  readonly watching: boolean;
  /** My presence, or undefined before my first `CHG`. */
  readonly presence: PresenceView | undefined;
  contactOnline(view: PresenceView, cache: FanoutCache, withPersonalMessage: boolean): void;
  contactOffline(handle: string, cache: FanoutCache): void;
  contactPersonalMessage(view: PresenceView, cache: FanoutCache): void;
  contactProperty(handle: string, key: string, value: string | undefined, cache: FanoutCache): void;
  reverseListChanged(change: ReverseListChange): void;
  /** Whether this session takes `UBN` (MSNP13+). */
  readonly receivesUnified: boolean;
  /** Another user's `UUN` for me (MSNP13-18.md §8.4): relay it as `UBN`. */
  unifiedNotification(from: string, type: number, payload: Uint8Array): void;
  /** My friendly name changed from elsewhere (the address book's `Me` contact): tell my watchers. */
  friendlyNameChanged(): void;
  /**
   * Signed out by the server: another sign-in (`OTH`) or shutdown (`SSD`). `replaced`: another
   * session, on another node, holds my presence now, so my watchers are owed no `FLN`.
   */
  kick(reason: 'OTH' | 'SSD', replaced?: boolean): void;
  /** Another node handed me my predecessor's presence (a sign-in there replaced by mine here). */
  holdPresence(view: PresenceView): void;
  /** The dialect my client speaks (recorded with my switchboard invitations), once known. */
  readonly dialect: Dialect | undefined;
  /** `RNG`: `caller` invites me into switchboard `sessionId` at `sbAddress` (`host:port`; default this node's). */
  invited(sessionId: string, cookie: string, caller: string, callerName: string, sbAddress?: string): void;
  /** A contact's presence from another node, for my initial `ILN`s (the first `CHG`'s TrID). */
  initialContact(view: PresenceView, trId: number): void;
}

/**
 * Presence beyond this process (server/cluster/node.ts): the hub tells it what it told local
 * watchers, and it tells the watchers signed in on other nodes. Absent in one process.
 */
export interface RemoteWatchers {
  /** `owner`'s presence changed (`view` undefined: offline or hidden; `fresh`: it was not visible before). */
  presence(owner: Account, view: PresenceView | undefined, fresh: boolean, only?: string): void;
  personalMessage(owner: Account, view: PresenceView): void;
  property(owner: Account, key: string, value: string | undefined): void;
  /** `owner`, not signed in here, may be elsewhere: its node sends `watcher` its presence (`NLN`) if allowed. */
  ask(owner: string, watcher: string): void;
  /** `target`, not signed in here, may be elsewhere: its node applies the reverse-list change to its lists and tells it. */
  reverse(target: string, change: ReverseListChange): void;
  /**
   * `target` is not signed in here: if it is signed in on another node, that node makes the change
   * (the one write) and tells it, and this resolves true; false when this node must write it.
   */
  applyReverse(target: string, edit: ReverseListEdit): Promise<boolean>;
}

/** Online for others: past the first CHG and not hidden. */
export function isVisibleOnline(view: PresenceView | undefined): view is PresenceView {
  return view !== undefined && view.state !== 'HDN';
}

export class PresenceHub {
  private readonly endpoints = new Map<string, Endpoint>();
  /** Set by the composition root when the server is one node of several. */
  remote: RemoteWatchers | undefined;

  constructor(private readonly lists: ListManager) {}

  get size(): number {
    return this.endpoints.size;
  }

  get(handle: string): Endpoint | undefined {
    return this.endpoints.get(handle);
  }

  all(): IterableIterator<Endpoint> {
    return this.endpoints.values();
  }

  /** Registers a signed-in session; returns the one it replaces (to be kicked with OTH). */
  register(ep: Endpoint): Endpoint | undefined {
    const previous = this.endpoints.get(ep.handle);
    this.endpoints.set(ep.handle, ep);
    return previous === ep ? undefined : previous;
  }

  /** Only removes `ep` if it is still the registered one (a replaced session must not evict its successor). */
  unregister(ep: Endpoint): boolean {
    if (this.endpoints.get(ep.handle) !== ep) return false;
    this.endpoints.delete(ep.handle);
    return true;
  }

  /** The presence of `owner` as `watcher` may see it, or undefined (offline, hidden, blocking). */
  visibleTo(owner: string, watcher: string): PresenceView | undefined {
    const ep = this.endpoints.get(owner);
    const view = ep?.presence;
    if (!isVisibleOnline(view)) return undefined;
    const account = this.lists.peek(owner);
    return account !== undefined && account.allows(watcher) ? view : undefined;
  }

  /**
   * `owner`'s properties (phone numbers) as `watcher` may see them in its `SYN`: only while `owner`
   * is online, visible and allows `watcher`, exactly when its presence is visible. Hidden and
   * signed out look the same (issue 15 item 22).
   */
  visibleProperties(owner: string, watcher: string): ReadonlyMap<string, string> | undefined {
    return this.visibleTo(owner, watcher) === undefined ? undefined : this.lists.peek(owner)?.properties;
  }

  /**
   * `owner` was just put on `watcher`'s forward list and is not visible here: in a cluster it may
   * be signed in on another node, which then sends `watcher` its presence.
   */
  askRemote(owner: string, watcher: string): void {
    if (this.remote !== undefined && !this.endpoints.has(owner)) this.remote.ask(owner, watcher);
  }

  /** Tells `target` its reverse list changed: here, or through its node in a cluster. */
  reverseListChanged(target: string, change: ReverseListChange): void {
    const ep = this.endpoints.get(target);
    if (ep !== undefined) ep.reverseListChanged(change);
    else this.remote?.reverse(target, change);
  }

  /** Signed-in watchers of `owner` who may see it: on its RL, watching, allowed. */
  *watchers(owner: Account): Generator<Endpoint> {
    for (const c of owner.contacts.values()) {
      if (!(c.lists & LIST_BITS.RL)) continue;
      const ep = this.endpoints.get(c.handle);
      if (ep === undefined || !ep.watching) continue;
      if (!owner.allows(c.handle)) continue;
      yield ep;
    }
  }

  /**
   * Tell `owner`'s watchers its current presence: `NLN` when online (also for a name, caps or
   * picture change), `FLN` when it went hidden or offline and had been visible.
   */
  broadcast(owner: Account, view: PresenceView | undefined, wasVisible: boolean): void {
    const online = isVisibleOnline(view);
    if (!online && !wasVisible) return;
    // Other nodes first: their message leaves before the local writes below, rather than after
    // them (cross-node latency, bench/README.md "Cluster"); the two sets of watchers are disjoint.
    this.remote?.presence(owner, online ? view : undefined, !wasVisible);
    const cache: FanoutCache = new Map();
    // The hot path of a presence storm: the same test as `watchers`, without a generator.
    for (const c of owner.contacts.values()) {
      if (!(c.lists & LIST_BITS.RL)) continue;
      const w = this.endpoints.get(c.handle);
      if (w === undefined || !w.watching || !owner.allows(c.handle)) continue;
      if (online) w.contactOnline(view, cache, !wasVisible);
      else w.contactOffline(owner.handle, cache);
    }
  }

  broadcastPersonalMessage(owner: Account, view: PresenceView | undefined): void {
    if (!isVisibleOnline(view)) return;
    this.remote?.personalMessage(owner, view);
    const cache: FanoutCache = new Map();
    for (const w of this.watchers(owner)) w.contactPersonalMessage(view, cache);
  }

  /**
   * A phone-number change (`BPR`), told only while `owner` is visibly online: a hidden user must
   * be indistinguishable from a signed-out one (issue 15 item 22), and a signed-out one changes
   * nothing. Watchers see the new number at their next `SYN` once `owner` is visible.
   */
  broadcastProperty(owner: Account, key: string, value: string | undefined): void {
    if (!isVisibleOnline(this.endpoints.get(owner.handle)?.presence)) return;
    this.remote?.property(owner, key, value);
    const cache: FanoutCache = new Map();
    for (const w of this.watchers(owner)) w.contactProperty(owner.handle, key, value, cache);
  }

  /**
   * After a privacy edit that may change what `watcher` sees of `owner`: send `NLN` or `FLN` if
   * visibility flipped. `before` is `owner.allows(watcher)` from before the edit.
   */
  refreshOne(owner: Account, watcher: string, before: boolean): void {
    const after = owner.allows(watcher);
    if (after === before) return;
    const view = this.endpoints.get(owner.handle)?.presence;
    if (!isVisibleOnline(view)) return;
    const w = this.endpoints.get(watcher);
    const entry = owner.contacts.get(watcher);
    if (entry === undefined || !(entry.lists & LIST_BITS.RL)) return;
    if (w === undefined) {
      // Perhaps signed in on another node: its node checks that it is watching.
      this.remote?.presence(owner, after ? view : undefined, true, watcher);
      return;
    }
    if (!w.watching) return;
    const cache: FanoutCache = new Map();
    if (after) w.contactOnline(view, cache, true);
    else w.contactOffline(owner.handle, cache);
  }

  /** Snapshot of who may see `owner` now, for `refreshAll` after a `BLP` change. */
  allowedSnapshot(owner: Account): Map<string, boolean> {
    const m = new Map<string, boolean>();
    for (const c of owner.contacts.values()) if (c.lists & LIST_BITS.RL) m.set(c.handle, owner.allows(c.handle));
    return m;
  }

  refreshAll(owner: Account, before: ReadonlyMap<string, boolean>): void {
    for (const [watcher, was] of before) this.refreshOne(owner, watcher, was);
  }
}
