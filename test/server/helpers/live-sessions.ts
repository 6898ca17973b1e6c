/**
 * Live sessions for tests of a `Cluster` on its own (no server): what the server's `PresenceHub`
 * would hold, so the cluster's periodic directory audit (server/cluster/cluster.ts, "Directory
 * audit") sees the sessions a test claimed as signed in, as they would be behind a real claim.
 */
import type { AuditReport, Cluster, LiveSessions } from '../../../server/cluster/cluster';

export interface TrackedSessions extends LiveSessions {
  readonly live: Map<string, string>;
  readonly audits: AuditReport[];
  audited(report: AuditReport): void;
}

/** Live sessions kept in a map (`live`), and the audits reported (`audits`). */
export function liveSessions(): TrackedSessions {
  const live = new Map<string, string>();
  const audits: AuditReport[] = [];
  return {
    live,
    audits,
    liveHandles: () => live.keys(),
    liveSession: (handle) => live.get(handle),
    audited: (report) => void audits.push(report),
  };
}

/**
 * Makes every successful `claim`/`reclaim` of `cluster` a live session in `sessions` (as a
 * sign-in is), and every `release` of it end one (as a sign-out does).
 */
export function trackClaims(cluster: Cluster, sessions: TrackedSessions): void {
  const { claim, reclaim, release } = cluster;
  cluster.claim = async (handle, session) => {
    sessions.live.set(handle, session);
    return claim.call(cluster, handle, session);
  };
  cluster.reclaim = async (handle, session) => {
    const other = await reclaim.call(cluster, handle, session);
    if (other === undefined) sessions.live.set(handle, session);
    return other;
  };
  cluster.release = async (handle, session) => {
    if (sessions.live.get(handle) === session) sessions.live.delete(handle);
    return release.call(cluster, handle, session);
  };
}
