/**
 * This server as one node of a cluster: what its sessions do that other nodes must hear, and what
 * it does with what they send (the design is in `cluster.ts` and server/README.md, "Cluster").
 *
 * - **Sign-in.** The directory claim names the previous holder; if it is on another node, that
 *   node is sent `kick`: it signs its session out with `OUT OTH` without telling anyone the user
 *   went offline, and hands the session's presence back (`handover`), which the new session holds
 *   until its first `CHG`, as one node does (`NsSession.signIn`).
 * - **Presence.** The node holding a user is the only writer of its presence. A change is told to
 *   the local watchers by the `PresenceHub`, then here to the others: the user's reverse list
 *   minus the local endpoints and those the user does not allow (privacy applied here, by the
 *   owner's node) is located in one round trip, and each node holding some of them gets one
 *   message listing them. The receiving node writes it to those of them that are watching.
 * - **Initial presence.** At the first `CHG`, the forward-list contacts signed in elsewhere are
 *   located and each of their nodes is asked (`iln-request`) which of them the new watcher may see;
 *   the answers come back as `ILN`s. A node's messages arrive in order, so an answer never
 *   overtakes a later change of the same contact.
 * - **Reverse lists: one writer.** Someone adds or removes a user signed in on another node: that
 *   node, which holds the user's lists and queues their writes, makes the change (one write, in
 *   order with the user's own) and tells the user; the adder's node waits for its answer before
 *   acknowledging, as one node waits for its own write (`applyReverse`). Only when the user is
 *   signed in nowhere (or its node does not answer) does the adder's node write it.
 * - **A user's own address-book edits** (SOAP, MSNP13+) that reach another node's HTTP port are
 *   run by the node holding the user's NS session (`atOwner`), on its copy of the lists, so
 *   privacy, names and reverse lists follow exactly as on one node.
 * - **Calls.** Both are request and answer over the inboxes (`call`, answered by `reply`), bounded
 *   by a timeout.
 * - **Dead nodes.** Their users are shown offline to this node's watchers (`nodeDown`).
 * - **Directory audit.** The cluster reconciles the directory with this node's live sessions once
 *   per TTL (`liveHandles`/`liveSession`, cluster.ts "Directory audit"); a user whose entry it had
 *   to restore is announced to other nodes' watchers again (`audited`), since the clean-up that
 *   removed the entry may have shown the user offline there.
 * - **Fencing.** Cut off from the directory for longer than the TTL: every session is signed out
 *   (`OUT SSD`, clients reconnect, to another node) and sign-ins are refused until recovery, when
 *   live sessions (none after a fence; all of them after a Redis restart within the TTL) are
 *   claimed again.
 *
 * Messages from other nodes are trusted (the cluster is one operator's) but still checked for
 * shape: a malformed one is logged and dropped, never thrown into the event loop.
 */
import { LIST_BITS, verbatim, type Dialect, type SignedInState } from '../../shared/msnp/index';
import { StoreUnavailableError } from '../core/errors';
import type { Account, ListManager } from '../core/lists';
import { isVisibleOnline, type Endpoint, type FanoutCache, type PresenceHub, type PresenceView, type RemoteWatchers, type ReverseListChange, type ReverseListEdit } from '../core/presence';
import type { Logger } from '../logger';
import type { ForwardedSoapRequest } from '../soap/router';
import type { AuditReport, Cluster, ClusterEvents, ClusterMessage, SessionRef } from './cluster';
import type { SignedTokens } from './tokens';

/** What a switchboard cookie grants: the holder's dialect, name and capabilities (`SbGrant`). */
export interface CookieGrant {
  readonly dialect: Dialect;
  readonly friendlyName: string;
  readonly caps: number;
}

export interface SwitchboardKeys {
  /** Signs the cookies (the key every node shares). */
  readonly tokens: SignedTokens;
  readonly cookieLifetimeMs: number;
}

/** How long a `CAL` waits for the invitee's node to ring it; then `217`, as for someone offline. */
const RING_TIMEOUT_MS = 5000;
/** How long a `UUN` waits for the target's node to deliver it; then `217`, as for someone offline. */
const UUN_TIMEOUT_MS = 5000;
/** How long a reverse-list change waits for the contact's node; then this node writes it. */
const REVERSE_TIMEOUT_MS = 5000;
/** How long a forwarded address-book request waits for the owner's node (its store has 5 s pool waits). */
const SOAP_TIMEOUT_MS = 20_000;

/** A SOAP request another node received for a user signed in here (`SoapRouter.serveForwarded`). */
export type ForwardedRequest = ForwardedSoapRequest;

export interface ForwardedReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}
/** The node list (for picking a switchboard) is read at most this often. */
const NODES_CACHE_MS = 1000;

/** A `PresenceView` as it travels: short keys, bytes as base64. */
interface WireView {
  readonly h: string;
  readonly n: string;
  readonly s: string;
  readonly c: number;
  readonly x?: number;
  readonly o?: string;
  readonly p?: string;
}

const STATES = new Set(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN']);

export function toWire(v: PresenceView): WireView {
  return {
    h: v.handle,
    n: v.friendlyName,
    s: v.state,
    c: v.caps,
    ...(v.extendedCaps === undefined ? {} : { x: v.extendedCaps }),
    ...(v.msnObject === undefined ? {} : { o: v.msnObject.wire }),
    ...(v.personalMessage === undefined ? {} : { p: Buffer.from(v.personalMessage).toString('base64') }),
  };
}

export function fromWire(w: unknown): PresenceView {
  const v = w as Partial<WireView> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    typeof v.h !== 'string' ||
    typeof v.n !== 'string' ||
    typeof v.s !== 'string' ||
    !STATES.has(v.s) ||
    typeof v.c !== 'number' ||
    (v.x !== undefined && typeof v.x !== 'number') ||
    (v.o !== undefined && typeof v.o !== 'string') ||
    (v.p !== undefined && typeof v.p !== 'string')
  ) {
    throw new Error('malformed presence');
  }
  return {
    handle: v.h,
    friendlyName: v.n,
    state: v.s as SignedInState,
    caps: v.c,
    extendedCaps: v.x,
    msnObject: v.o === undefined ? undefined : verbatim(v.o),
    personalMessage: v.p === undefined ? undefined : new Uint8Array(Buffer.from(v.p, 'base64')),
  };
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error('malformed handle list');
  return v as string[];
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Error('malformed field');
  return v;
}

export class ClusterNode implements ClusterEvents, RemoteWatchers {
  /**
   * The node list as last read, with each node's load raised by the conversations this node has
   * sent there since: every `XFR SB` within one read would otherwise go to the same node.
   */
  private nodesCache: { at: number; nodes: Array<{ id: string; sb: string; load: number }> } | undefined;
  /** The read of the node list under way, shared by every `pickSwitchboard` waiting for it. */
  private nodesRead: Promise<void> | undefined;
  private readonly calls = new Map<number, (answer: ClusterMessage | undefined) => void>();
  private nextCall = 0;
  /** Serves an address-book request forwarded here (set by the composition root). */
  serveForwarded: ((request: ForwardedRequest) => Promise<ForwardedReply>) | undefined;

  constructor(
    readonly cluster: Cluster,
    private readonly hub: PresenceHub,
    private readonly lists: ListManager,
    private readonly logger: Logger,
    private readonly keys: SwitchboardKeys,
  ) {}

  // ---- switchboards -------------------------------------------------------------------------

  /** Where a new conversation opens: the least loaded live node, this one on a tie. */
  async pickSwitchboard(ownAddress: string): Promise<{ node: string; address: string }> {
    const now = Date.now();
    if (this.nodesCache === undefined || now - this.nodesCache.at > NODES_CACHE_MS) {
      // One read for every XFR SB waiting on it: each reading its own list would see the same
      // loads and pick the same node (bench:server --cluster 2 sent 50 conversations opened at
      // once all to one node).
      this.nodesRead ??= this.cluster
        .nodes()
        .then((nodes) => void (this.nodesCache = { at: now, nodes: nodes.map((n) => ({ id: n.id, sb: n.sb, load: n.load })) }))
        .finally(() => (this.nodesRead = undefined));
      try {
        await this.nodesRead;
      } catch (err) {
        // The directory is out of reach: this node's own switchboard still works.
        this.logger.log('warn', 'cluster-nodes-failed', { error: String(err) });
        return { node: this.nodeId, address: ownAddress };
      }
    }
    let best: { id: string; sb: string; load: number } | undefined;
    for (const n of this.nodesCache?.nodes ?? []) {
      if (best === undefined || n.load < best.load || (n.load === best.load && n.id === this.nodeId)) best = n;
    }
    // Each conversation is one switchboard session there, which its next load report will count.
    if (best !== undefined) best.load++;
    return best === undefined ? { node: this.nodeId, address: ownAddress } : { node: best.id, address: best.sb };
  }

  /** `XFR SB`'s cookie for a switchboard on `node`. */
  callerCookie(handle: string, grant: CookieGrant, node: string): string {
    return this.keys.tokens.issue('sb-caller', [handle, String(grant.dialect), String(grant.caps), grant.friendlyName, node], this.keys.cookieLifetimeMs);
  }

  /** SB `USR handle cookie` with a cookie another node (or this one) signed: its grant, once. */
  async redeemCallerCookie(cookie: string, handle: string): Promise<CookieGrant | undefined> {
    const t = await this.spend('sb-caller', cookie, 5);
    if (t === undefined) return undefined;
    const [h, dialect, caps, friendlyName, node] = t.fields as [string, string, string, string, string];
    if (h !== handle || node !== this.nodeId) return undefined;
    return grantOf(dialect, caps, friendlyName);
  }

  /** SB `ANS handle cookie session` with an invitation another node signed: its grant, once. */
  async redeemInviteCookie(cookie: string, handle: string, sessionId: string): Promise<CookieGrant | undefined> {
    const t = await this.spend('sb-invite', cookie, 6);
    if (t === undefined) return undefined;
    const [h, session, node, dialect, caps, friendlyName] = t.fields as [string, string, string, string, string, string];
    if (h !== handle || session !== sessionId || node !== this.nodeId) return undefined;
    return grantOf(dialect, caps, friendlyName);
  }

  /** A signed cookie checked and spent; undefined when forged, expired, spent, or the directory is out of reach. */
  private async spend(purpose: string, cookie: string, fields: number): Promise<{ fields: readonly string[] } | undefined> {
    try {
      return await this.keys.tokens.redeemOnce(this.cluster, purpose, cookie, fields);
    } catch (err) {
      this.logger.log('warn', 'cluster-cookie-check-failed', { error: String(err) });
      return undefined;
    }
  }

  /**
   * `CAL` for `target`, who is not signed in here: its node checks its privacy and sends `RNG`.
   * True when it rang; false when `target` is offline, hidden, not allowing `caller` or unreachable.
   */
  async ring(target: string, caller: string, callerName: string, sessionId: string, sbAddress: string): Promise<boolean> {
    const where = await this.elsewhere(target);
    if (where === undefined) return false;
    const answer = await this.call(where.node, { type: 'ring', target, caller, callerName, sessionId, sbAddress }, RING_TIMEOUT_MS);
    return answer?.ok === true;
  }

  /**
   * `UUN` for `target`, who is not signed in here (MSNP13-18.md §8.4): its node checks that
   * `target` allows `from` and is signed in at MSNP13+, and sends the `UBN`. True when delivered;
   * false when `target` is offline, not allowing `from`, too old a dialect, or unreachable.
   */
  async unified(target: string, from: string, notification: number, payload: Uint8Array): Promise<boolean> {
    // Copied now: the payload is a view of the read buffer, reused once this turn ends.
    const data = Buffer.from(payload).toString('base64');
    const where = await this.elsewhere(target);
    if (where === undefined) return false;
    const answer = await this.call(where.node, { type: 'uun', target, from, notification, data }, UUN_TIMEOUT_MS);
    return answer?.ok === true;
  }

  get nodeId(): string {
    return this.cluster.nodeId;
  }

  // ---- what local sessions do -------------------------------------------------------------

  /** After a local sign-in: claim the user; a holder on another node is signed out there. */
  signedIn(ep: Endpoint): void {
    this.cluster.claim(ep.handle, ep.sessionId).then(
      (previous) => {
        if (previous === undefined || (previous.node === this.nodeId && previous.session === ep.sessionId)) return;
        // A previous session on this node was replaced by the hub already (`NsSession.signIn`).
        if (previous.node === this.nodeId) return;
        // The user has no session here any more (this one signed out, or signed out by a fence
        // while the claim waited on a stalled link): nobody to hand the user to, and the previous
        // holder may be a sign-in made since, elsewhere. It stays; the directory audit writes its
        // entry back. (A newer session here that replaced this one still needs the kick.)
        if (this.hub.get(ep.handle) === undefined) return;
        this.cluster.send(previous.node, { type: 'kick', handle: ep.handle, session: previous.session, successor: ep.sessionId });
      },
      (err: unknown) => {
        this.logger.log('warn', 'cluster-claim-failed', { handle: ep.handle, error: String(err) });
        // Without the claim no other node can find this session: it must not go on.
        if (this.hub.get(ep.handle) === ep) ep.kick('SSD');
      },
    );
  }

  signedOut(handle: string, sessionId: string): void {
    this.cluster.release(handle, sessionId).catch((err: unknown) => this.logger.log('warn', 'cluster-release-failed', { handle, error: String(err) }));
  }

  /**
   * The first `CHG`: ask the nodes holding `ep`'s forward-list contacts which of them it may see
   * (each answers with `iln`).
   */
  initialPresence(ep: Endpoint, trId: number): void {
    const account = ep.account;
    if (account === undefined) return;
    const remote: string[] = [];
    for (const c of account.contacts.values()) {
      if (c.lists & LIST_BITS.FL && c.handle !== account.handle && this.hub.get(c.handle) === undefined) remote.push(c.handle);
    }
    this.askNodes(ep, remote, trId);
  }

  /**
   * Asks the nodes holding `owners` for their presence as `ep` may see it: answered as `ILN`s with
   * `trId`, or with `null` (a contact just added) as `NLN`s.
   */
  private askNodes(ep: Endpoint, owners: readonly string[], trId: number | null): void {
    if (owners.length === 0) return;
    this.cluster.locate(owners).then(
      (found) => {
        for (const [node, handles] of byNode(found, this.nodeId)) {
          this.cluster.send(node, { type: 'iln-request', watcher: ep.handle, session: ep.sessionId, trId, owners: handles });
        }
      },
      (err: unknown) => this.logger.log('warn', 'cluster-locate-failed', { error: String(err) }),
    );
  }

  // ---- RemoteWatchers: presence to other nodes ----------------------------------------------

  presence(owner: Account, view: PresenceView | undefined, fresh: boolean, only?: string): void {
    const watchers: string[] = [];
    if (only !== undefined) {
      watchers.push(only);
    } else {
      for (const c of owner.contacts.values()) {
        if (!(c.lists & LIST_BITS.RL) || this.hub.get(c.handle) !== undefined || !owner.allows(c.handle)) continue;
        watchers.push(c.handle);
      }
    }
    if (watchers.length === 0) return;
    this.fanOut(watchers, { type: 'presence', owner: owner.handle, view: view === undefined ? null : toWire(view), fresh });
  }

  personalMessage(owner: Account, view: PresenceView): void {
    this.fanOut(this.remoteWatchers(owner), { type: 'pm', owner: owner.handle, view: toWire(view) });
  }

  property(owner: Account, key: string, value: string | undefined): void {
    this.fanOut(this.remoteWatchers(owner), { type: 'property', owner: owner.handle, key, value: value ?? null });
  }

  ask(owner: string, watcher: string): void {
    const ep = this.hub.get(watcher);
    if (ep !== undefined) this.askNodes(ep, [owner], null);
  }

  /**
   * The store holds the change already (made by this node); the target's node applies it to its
   * copy of the target's lists (the same edit, so the same list version) and tells the target.
   */
  reverse(target: string, change: ReverseListChange): void {
    this.cluster.locate([target]).then(
      (found) => {
        const where = found.get(target);
        if (where === undefined || where.node === this.nodeId) return;
        this.cluster.send(where.node, { type: 'reverse', target, kind: change.kind, handle: change.handle, friendlyName: change.friendlyName });
      },
      (err: unknown) => this.logger.log('warn', 'cluster-locate-failed', { error: String(err) }),
    );
  }

  /**
   * `target` is not signed in here: if it is on another node, that node makes the reverse-list
   * change (the one write) and tells it; resolves true once it has. False when `target` is signed
   * in nowhere else or its node did not answer: then this node writes it. A write the other node's
   * store refused rejects with `StoreUnavailableError`, as a local one would.
   */
  async applyReverse(target: string, edit: ReverseListEdit): Promise<boolean> {
    const where = await this.elsewhere(target);
    if (where === undefined) return false;
    const answer = await this.call(where.node, { type: 'reverse-apply', target, kind: edit.kind, handle: edit.handle, friendlyName: edit.friendlyName }, REVERSE_TIMEOUT_MS);
    if (answer === undefined) {
      this.logger.log('warn', 'cluster-reverse-unanswered', { target, node: where.node });
      return false;
    }
    if (answer.outcome === 'store-unavailable') throw new StoreUnavailableError(`the store of node ${where.node} is unavailable`);
    return answer.outcome === 'done';
  }

  /**
   * A SOAP request of `owner`'s own: when `owner` is signed in on another node, that node serves it
   * (its answer, or `unanswered`); undefined when it is to be served here.
   */
  async atOwner(owner: string, request: ForwardedRequest): Promise<ForwardedReply | 'unanswered' | undefined> {
    if (this.hub.get(owner) !== undefined) return undefined;
    const where = await this.elsewhere(owner);
    if (where === undefined) return undefined;
    const answer = await this.call(where.node, { type: 'soap', owner, request: { ...request } }, SOAP_TIMEOUT_MS);
    if (answer === undefined) return 'unanswered';
    const r = answer.reply as Partial<ForwardedReply> | undefined;
    if (r === undefined || typeof r.status !== 'number' || typeof r.body !== 'string') return 'unanswered';
    return { status: r.status, body: r.body, ...(r.headers === undefined ? {} : { headers: r.headers }) };
  }

  /**
   * The node holding `handle` when that is another node; undefined when it is signed in nowhere,
   * here, or the directory is out of reach (logged).
   */
  private async elsewhere(handle: string): Promise<{ node: string } | undefined> {
    try {
      const where = (await this.cluster.locate([handle])).get(handle);
      return where === undefined || where.node === this.nodeId ? undefined : where;
    } catch (err) {
      this.logger.log('warn', 'cluster-locate-failed', { error: String(err) });
      return undefined;
    }
  }

  /** Sends `message` to `node` and waits for its `reply`; undefined after `timeoutMs`. */
  private call(node: string, message: ClusterMessage, timeoutMs: number): Promise<ClusterMessage | undefined> {
    const id = ++this.nextCall;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.calls.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.calls.set(id, (answer) => {
        clearTimeout(timer);
        this.calls.delete(id);
        resolve(answer);
      });
      this.cluster.send(node, { ...message, call: id });
    });
  }

  private answer(to: string, call: unknown, fields: Record<string, unknown>): void {
    if (typeof call === 'number') this.cluster.send(to, { type: 'reply', call, ...fields });
  }

  /** The reverse-list change on my copy of `ep`'s lists (the write), then `ep` told; resolves once written. */
  private async reverseHere(ep: Endpoint, account: Account, added: boolean, handle: string, friendlyName: string): Promise<void> {
    const before = account.contacts.get(handle)?.lists ?? 0;
    const changed = added ? await this.lists.addReverse(account, handle, friendlyName).then(() => (account.contacts.get(handle)?.lists ?? 0) !== before) : await this.lists.removeReverse(account, handle);
    if (changed) ep.reverseListChanged({ kind: added ? 'added' : 'removed', handle, friendlyName, listVersion: account.user.listVersion });
  }

  private remoteWatchers(owner: Account): string[] {
    const out: string[] = [];
    for (const c of owner.contacts.values()) {
      if (c.lists & LIST_BITS.RL && this.hub.get(c.handle) === undefined && owner.allows(c.handle)) out.push(c.handle);
    }
    return out;
  }

  /** One message per node holding some of `watchers`, listing them. */
  private fanOut(watchers: readonly string[], body: Omit<ClusterMessage, 'watchers'>): void {
    if (watchers.length === 0) return;
    const publish = (found: ReadonlyMap<string, SessionRef>): void => {
      for (const [node, handles] of byNode(found, this.nodeId)) this.cluster.send(node, { ...body, type: str(body.type), watchers: handles });
    };
    // From the node's copy of the directory: no Redis round trip per change (redis.ts); at once
    // when the copy has them all, so the message leaves before the local watchers are written to.
    const now = this.cluster.locateCached(watchers);
    if (now !== undefined) {
      publish(now);
      return;
    }
    this.cluster.locate(watchers, { cached: true }).then(publish, (err: unknown) => this.logger.log('warn', 'cluster-locate-failed', { error: String(err) }));
  }

  // ---- ClusterEvents ----------------------------------------------------------------------

  message(from: string, m: ClusterMessage): void {
    try {
      this.handle(from, m);
    } catch (err) {
      this.logger.log('warn', 'cluster-bad-message', { from, type: m.type, error: String(err) });
    }
  }

  private handle(from: string, m: ClusterMessage): void {
    switch (m.type) {
      case 'presence': {
        const view = m.view === null ? undefined : fromWire(m.view);
        const owner = str(m.owner);
        const fresh = m.fresh === true;
        const cache: FanoutCache = new Map();
        for (const w of this.watching(m.watchers)) {
          if (view === undefined) w.contactOffline(owner, cache);
          else w.contactOnline(view, cache, fresh);
        }
        return;
      }
      case 'pm': {
        const view = fromWire(m.view);
        const cache: FanoutCache = new Map();
        for (const w of this.watching(m.watchers)) w.contactPersonalMessage(view, cache);
        return;
      }
      case 'property': {
        const owner = str(m.owner);
        const key = str(m.key);
        const value = m.value === null ? undefined : str(m.value);
        const cache: FanoutCache = new Map();
        for (const w of this.watching(m.watchers)) w.contactProperty(owner, key, value, cache);
        return;
      }
      case 'kick': {
        const ep = this.hub.get(str(m.handle));
        if (ep === undefined || ep.sessionId !== str(m.session)) return;
        const held = ep.presence;
        ep.kick('OTH', true);
        this.cluster.send(from, { type: 'handover', handle: ep.handle, session: str(m.successor), view: held === undefined ? null : toWire(held) });
        return;
      }
      case 'handover': {
        const handle = str(m.handle);
        const ep = this.hub.get(handle);
        if (m.view === null) return;
        const view = fromWire(m.view);
        if (ep !== undefined) {
          if (ep.sessionId === str(m.session)) ep.holdPresence(view);
          return;
        }
        // The successor went before this arrived (it closed right after signing in, before its
        // first CHG): what it would have held is nobody's now, so its contacts are told the user
        // went offline, as one node tells them when a new session goes before its first CHG.
        if (isVisibleOnline(view)) this.handedToNobody(handle);
        return;
      }
      case 'iln-request': {
        const watcher = str(m.watcher);
        const views = [];
        for (const owner of strings(m.owners)) {
          const view = this.hub.visibleTo(owner, watcher);
          if (view !== undefined) views.push(toWire(view));
        }
        if (views.length > 0) this.cluster.send(from, { type: 'iln', watcher, session: m.session, trId: m.trId, views });
        return;
      }
      case 'iln': {
        const ep = this.hub.get(str(m.watcher));
        if (ep === undefined || ep.sessionId !== str(m.session) || !ep.watching || !Array.isArray(m.views)) return;
        const cache: FanoutCache = new Map();
        for (const v of m.views) {
          // No TrID: a contact just added, told as it would be on coming online.
          if (typeof m.trId === 'number') ep.initialContact(fromWire(v), m.trId);
          else ep.contactOnline(fromWire(v), cache, true);
          cache.clear();
        }
        return;
      }
      case 'reverse': {
        // Written already by the sender (the target was signed in nowhere when it looked): my copy
        // of the target's lists catches up. The store is asynchronous (store/store.ts): the copy
        // is changed at once, the user told once the write has settled; a failure is logged.
        const ep = this.hub.get(str(m.target));
        const account = ep?.account;
        if (ep === undefined || account === undefined) return;
        this.reverseHere(ep, account, m.kind === 'added', str(m.handle), str(m.friendlyName)).catch((err: unknown) =>
          this.logger.log('warn', 'cluster-reverse-failed', { handle: ep.handle, error: String(err) }),
        );
        return;
      }
      case 'reverse-apply': {
        // The one write of a reverse-list change for a user signed in here (`applyReverse`).
        const ep = this.hub.get(str(m.target));
        const account = ep?.account;
        if (ep === undefined || account === undefined) {
          this.answer(from, m.call, { outcome: 'not-here' });
          return;
        }
        this.reverseHere(ep, account, m.kind === 'added', str(m.handle), str(m.friendlyName)).then(
          () => this.answer(from, m.call, { outcome: 'done' }),
          (err: unknown) => {
            this.logger.log('warn', 'cluster-reverse-failed', { handle: ep.handle, error: String(err) });
            this.answer(from, m.call, { outcome: err instanceof StoreUnavailableError ? 'store-unavailable' : 'failed' });
          },
        );
        return;
      }
      case 'soap': {
        // An address-book request of a user signed in here, received by another node (`atOwner`).
        const request = forwardedRequest(m.request);
        const serve = this.serveForwarded;
        if (serve === undefined) {
          this.answer(from, m.call, {});
          return;
        }
        serve(request).then(
          (reply) => this.answer(from, m.call, { reply }),
          (err: unknown) => {
            this.logger.log('warn', 'cluster-soap-failed', { error: String(err) });
            this.answer(from, m.call, {});
          },
        );
        return;
      }
      case 'reply': {
        if (typeof m.call === 'number') this.calls.get(m.call)?.(m);
        return;
      }
      case 'uun': {
        // A `UUN` for a user signed in here (`unified`): its privacy and dialect, applied here.
        const target = str(m.target);
        const sender = str(m.from);
        const ep = this.hub.get(target);
        const ok = ep !== undefined && ep.receivesUnified && target !== sender && typeof m.notification === 'number' && this.lists.peek(target)?.allows(sender) === true;
        if (ok) ep.unifiedNotification(sender, m.notification as number, new Uint8Array(Buffer.from(str(m.data), 'base64')));
        this.answer(from, m.call, { ok });
        return;
      }
      case 'ring': {
        const target = str(m.target);
        const caller = str(m.caller);
        const ep = this.hub.get(target);
        // The invitee's privacy, applied here where its lists are (MSNP.md §6.1: 217 otherwise).
        const view = this.hub.visibleTo(target, caller);
        let ok = false;
        if (ep !== undefined && view !== undefined && ep.dialect !== undefined) {
          const sessionId = str(m.sessionId);
          const cookie = this.keys.tokens.issue(
            'sb-invite',
            [target, sessionId, from, String(ep.dialect), String(view.caps), view.friendlyName],
            this.keys.cookieLifetimeMs,
          );
          ep.invited(sessionId, cookie, caller, str(m.callerName), str(m.sbAddress));
          ok = true;
        }
        this.answer(from, m.call, { ok });
        return;
      }
      default:
        throw new Error('unknown message type');
    }
  }

  /** `handle`'s presence was handed to a session already gone: offline to its watchers, unless it is signed in again somewhere. */
  private handedToNobody(handle: string): void {
    this.cluster
      .locate([handle])
      .then((found) => {
        if (found.has(handle) || this.hub.get(handle) !== undefined) return undefined;
        return this.lists.withAccount(handle, (account) => {
          if (this.hub.get(handle) === undefined) this.hub.broadcast(account, undefined, true);
        });
      })
      .catch((err: unknown) => this.logger.log('warn', 'cluster-handover-failed', { handle, error: String(err) }));
  }

  /** The listed handles signed in here and watching. */
  private *watching(list: unknown): Generator<Endpoint> {
    for (const h of strings(list)) {
      const ep = this.hub.get(h);
      if (ep !== undefined && ep.watching) yield ep;
    }
  }

  nodeDown(node: string, handles: readonly string[]): void {
    this.logger.log('info', 'cluster-node-down', { node, users: handles.length });
    const gone = new Set(handles.filter((h) => this.hub.get(h) === undefined));
    if (gone.size === 0) return;
    // One fan-out cache per user gone: its bytes name that user.
    const caches = new Map<string, FanoutCache>();
    const offline = (ep: Endpoint, handle: string): void => {
      let cache = caches.get(handle);
      if (cache === undefined) caches.set(handle, (cache = new Map()));
      ep.contactOffline(handle, cache);
    };
    for (const ep of this.hub.all()) {
      const account = ep.account;
      if (!ep.watching || account === undefined) continue;
      // Whichever is shorter: my forward list or the list of those gone.
      if (account.contacts.size < gone.size) {
        for (const c of account.contacts.values()) if (c.lists & LIST_BITS.FL && gone.has(c.handle)) offline(ep, c.handle);
      } else {
        for (const h of gone) if ((account.contacts.get(h)?.lists ?? 0) & LIST_BITS.FL) offline(ep, h);
      }
    }
  }

  fenced(): void {
    this.logger.log('error', 'cluster-fenced', { node: this.nodeId, signedIn: this.hub.size });
    for (const ep of [...this.hub.all()]) ep.kick('SSD', true);
  }

  *liveHandles(): Iterable<string> {
    for (const ep of this.hub.all()) yield ep.handle;
  }

  liveSession(handle: string): string | undefined {
    return this.hub.get(handle)?.sessionId;
  }

  audited(report: AuditReport): void {
    this.logger.log('warn', 'cluster-audit-repaired', {
      node: this.nodeId,
      checked: report.checked,
      restored: report.restored.length,
      corrected: report.corrected,
      released: report.released,
      pruned: report.pruned,
    });
    // A restored entry had been removed, by a clean-up that may have shown the user offline to
    // other nodes' watchers (`nodeDown`): they are told its presence again (with its personal
    // message, as on coming online); watchers who never saw it go get the same state once more.
    for (const handle of report.restored) {
      const ep = this.hub.get(handle);
      const account = ep?.account;
      if (ep === undefined || account === undefined || !isVisibleOnline(ep.presence)) continue;
      this.presence(account, ep.presence, true);
    }
  }

  recovered(): void {
    this.logger.log('info', 'cluster-recovered', { node: this.nodeId, signedIn: this.hub.size });
    for (const ep of [...this.hub.all()]) {
      this.cluster.reclaim(ep.handle, ep.sessionId).then(
        (other) => {
          if (other !== undefined && this.hub.get(ep.handle) === ep) ep.kick('OTH', true);
        },
        (err: unknown) => this.logger.log('warn', 'cluster-reclaim-failed', { handle: ep.handle, error: String(err) }),
      );
    }
  }
}

function forwardedRequest(v: unknown): ForwardedRequest {
  const r = v as Partial<Record<keyof ForwardedRequest, unknown>> | null;
  if (r === null || typeof r !== 'object' || typeof r.secure !== 'boolean') throw new Error('malformed forwarded request');
  return { path: str(r.path), action: str(r.action), soapAction: str(r.soapAction), xml: str(r.xml), remoteAddress: str(r.remoteAddress), secure: r.secure, host: str(r.host) };
}

function grantOf(dialect: string, caps: string, friendlyName: string): CookieGrant | undefined {
  const d = Number(dialect);
  const c = Number(caps);
  if (!Number.isInteger(d) || d < 2 || d > 99 || !Number.isSafeInteger(c)) return undefined;
  return { dialect: d as Dialect, caps: c, friendlyName };
}

/** Handles grouped by the node holding them, this node left out. */
function byNode(found: ReadonlyMap<string, { node: string }>, self: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [handle, ref] of found) {
    if (ref.node === self) continue;
    const list = groups.get(ref.node);
    if (list === undefined) groups.set(ref.node, [handle]);
    else list.push(handle);
  }
  return groups;
}
