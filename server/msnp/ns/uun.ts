/**
 * `UUN t handle{;{guid}} type len` + payload → `UUN t OK`, relayed to the target's session as
 * `UBN sender type len` (MSNP13+, MSNP13-18.md §8.4; Escargot `_m_uun`). The target must be
 * signed in at MSNP13+ and let the sender see it (MSNP.md §4.2); otherwise `217`, as for a
 * switchboard invitation to someone offline. The server only relays: what the types mean (shared
 * folders, P2P bootstrap, MPOP sign-out) is the clients' business. In a cluster, a target signed in
 * on another node gets it from that node, which applies the target's privacy (server/cluster/node.ts).
 */
import { buildUunOk, checkHandle, ErrorCode, normalizeHandle, type UunRequest } from '../../../shared/msnp/index';
import type { ClusterNode } from '../../cluster/node';
import type { Reply } from '../dispatch';
import type { NsSession } from './session';

export function uun(s: NsSession, req: UunRequest, r: Reply): void | Promise<void> {
  const raw = req.to.split(';')[0] ?? '';
  if (checkHandle(raw) !== undefined) return r.error(ErrorCode.INVALID_USERNAME);
  const target = normalizeHandle(raw);
  const endpoint = s.ctx.presence.get(target);
  const node = s.ctx.cluster;
  if (endpoint === undefined && node !== undefined && target !== s.me.handle) return uunRemote(node, s.me.handle, target, req, r);
  const account = s.ctx.lists.peek(target);
  if (target === s.me.handle || endpoint === undefined || account === undefined || !account.allows(s.me.handle) || !endpoint.receivesUnified) {
    return r.error(ErrorCode.USER_OFFLINE);
  }
  r.send(buildUunOk, {});
  endpoint.unifiedNotification(s.me.handle, req.notification, req.payload);
}

async function uunRemote(node: ClusterNode, me: string, target: string, req: UunRequest, r: Reply): Promise<void> {
  if (await node.unified(target, me, req.notification, req.payload)) r.send(buildUunOk, {});
  else r.error(ErrorCode.USER_OFFLINE);
}
