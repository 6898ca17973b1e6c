/**
 * Clusters without Redis:
 *
 * - `localCluster()`: the one-process server (today's behaviour). `distributed` is false, so the
 *   server never calls it on a hot path; its methods still work (a network of one).
 * - `MemoryNetwork`: several nodes in one process sharing a directory and inboxes, for fast tests
 *   of the server's wiring. Messages go through JSON like Redis's (so what a node sends must
 *   survive that) and arrive asynchronously, in order per sender. `crash(node)` is a node dying:
 *   the survivors hear `nodeDown` once each, as a Redis sweep would make them.
 */
import {
  checkNodeId,
  type AuditReport,
  type Cluster,
  type ClusterEvents,
  type ClusterMessage,
  type LiveSessions,
  type NodeAddress,
  type NodeInfo,
  type SessionRef,
} from './cluster';

interface Member {
  readonly cluster: MemoryCluster;
  address: NodeAddress;
  load: number;
  events: ClusterEvents;
  /** Inbox: delivered in order, one `setImmediate` per burst. */
  readonly queue: Array<{ from: string; json: string }>;
  draining: boolean;
}

export class MemoryNetwork {
  readonly members = new Map<string, Member>();
  readonly directory = new Map<string, SessionRef>();
  private readonly once = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  node(id: string): MemoryCluster {
    return new MemoryCluster(this, checkNodeId(id), true);
  }

  /** Node `id` dies: its entries go, and every other node hears `nodeDown` (as a Redis sweep would cause). */
  crash(id: string): void {
    const m = this.members.get(id);
    if (m === undefined) return;
    this.members.delete(id);
    m.cluster.detach();
    this.announceDown(id);
  }

  /** @internal */
  announceDown(id: string): void {
    const handles: string[] = [];
    for (const [h, ref] of this.directory) {
      if (ref.node !== id) continue;
      this.directory.delete(h);
      handles.push(h);
    }
    for (const m of this.members.values()) {
      const events = m.events;
      setImmediate(() => events.nodeDown(id, handles));
    }
  }

  /** @internal */
  deliver(from: string, to: string, message: ClusterMessage): void {
    const m = this.members.get(to);
    if (m === undefined) return;
    m.queue.push({ from, json: JSON.stringify(message) });
    if (m.draining) return;
    m.draining = true;
    setImmediate(() => {
      m.draining = false;
      const batch = m.queue.splice(0);
      for (const { from: f, json } of batch) m.events.message(f, JSON.parse(json) as ClusterMessage);
    });
  }

  /** @internal */
  takeOnce(key: string, ttlMs: number): boolean {
    const t = this.now();
    const until = this.once.get(key);
    if (until !== undefined && until > t) return false;
    if (this.once.size > 10_000) for (const [k, u] of this.once) if (u <= t) this.once.delete(k);
    this.once.set(key, t + ttlMs);
    return true;
  }
}

export class MemoryCluster implements Cluster {
  private member: Member | undefined;

  constructor(
    private readonly network: MemoryNetwork,
    readonly nodeId: string,
    readonly distributed: boolean,
  ) {}

  get serving(): boolean {
    return this.member !== undefined;
  }

  async start(address: NodeAddress, events: ClusterEvents): Promise<void> {
    if (this.network.members.has(this.nodeId)) throw new Error(`node ${this.nodeId} is already in the cluster`);
    this.member = { cluster: this, address, load: 0, events, queue: [], draining: false };
    this.network.members.set(this.nodeId, this.member);
  }

  async stop(): Promise<void> {
    if (this.member === undefined) return;
    this.network.members.delete(this.nodeId);
    this.member = undefined;
    this.network.announceDown(this.nodeId);
  }

  /** @internal the network dropped this node (`crash`). */
  detach(): void {
    this.member = undefined;
  }

  setLoad(load: number): void {
    if (this.member !== undefined) this.member.load = load;
  }

  async nodes(): Promise<NodeInfo[]> {
    return [...this.network.members.entries()].map(([id, m]) => ({ id, ns: m.address.ns, sb: m.address.sb, load: m.load }));
  }

  async claim(handle: string, session: string): Promise<SessionRef | undefined> {
    const previous = this.network.directory.get(handle);
    this.network.directory.set(handle, { node: this.nodeId, session });
    return previous;
  }

  async reclaim(handle: string, session: string): Promise<SessionRef | undefined> {
    const current = this.network.directory.get(handle);
    if (current !== undefined && (current.node !== this.nodeId || current.session !== session)) return current;
    this.network.directory.set(handle, { node: this.nodeId, session });
    return undefined;
  }

  async release(handle: string, session: string): Promise<boolean> {
    const current = this.network.directory.get(handle);
    if (current === undefined || current.node !== this.nodeId || current.session !== session) return false;
    this.network.directory.delete(handle);
    return true;
  }

  async locate(handles: readonly string[]): Promise<Map<string, SessionRef>> {
    return this.locateCached(handles);
  }

  /** The shared directory is this process's memory: always answered at once. */
  locateCached(handles: readonly string[]): Map<string, SessionRef> {
    const found = new Map<string, SessionRef>();
    for (const h of handles) {
      const ref = this.network.directory.get(h);
      if (ref !== undefined) found.set(h, ref);
    }
    return found;
  }

  send(node: string, message: ClusterMessage): void {
    if (this.member === undefined) return;
    this.network.deliver(this.nodeId, node, message);
  }

  async takeOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.network.takeOnce(key, ttlMs);
  }

  /**
   * The same rules as Redis's audit. Nothing runs it periodically: here every claim and release
   * takes effect at once and in order, so the directory cannot disagree with the live sessions.
   */
  async audit(live: LiveSessions): Promise<AuditReport> {
    const report = { checked: 0, restored: [] as string[], corrected: 0, released: 0, pruned: 0 };
    if (this.member === undefined) return report;
    const directory = this.network.directory;
    for (const handle of live.liveHandles()) {
      const session = live.liveSession(handle);
      if (session === undefined) continue;
      report.checked++;
      const current = directory.get(handle);
      if (current !== undefined && (current.node !== this.nodeId || current.session === session)) continue;
      directory.set(handle, { node: this.nodeId, session });
      if (current === undefined) report.restored.push(handle);
      else report.corrected++;
    }
    for (const [handle, ref] of directory) {
      if (ref.node !== this.nodeId || live.liveSession(handle) !== undefined) continue;
      directory.delete(handle);
      report.released++;
    }
    return report;
  }
}

/** The one-process cluster: a network of one, never distributed. */
export function localCluster(nodeId = 'local'): MemoryCluster {
  return new MemoryCluster(new MemoryNetwork(), checkNodeId(nodeId), false);
}
