/**
 * `UUN t handle{;{guid}} type len` + payload → `UUN t OK`, relayed to the target's session as
 * `UBN sender type len` (MSNP13+, MSNP13-18.md §8.4; Escargot `_m_uun`). The target must be
 * signed in at MSNP13+ and let the sender see it (MSNP.md §4.2); otherwise `217`, as for a
 * switchboard invitation to someone offline. The server only relays: what the types mean (shared
 * folders, P2P bootstrap, MPOP sign-out) is the clients' business.
 */
import { buildUunOk, checkHandle, ErrorCode, normalizeHandle, type UunRequest } from '../../../shared/msnp/index';
import type { Reply } from '../dispatch';
import type { NsSession } from './session';

export function uun(s: NsSession, req: UunRequest, r: Reply): void {
  const raw = req.to.split(';')[0] ?? '';
  if (checkHandle(raw) !== undefined) return r.error(ErrorCode.INVALID_USERNAME);
  const target = normalizeHandle(raw);
  const endpoint = s.ctx.presence.get(target);
  const account = s.ctx.lists.peek(target);
  if (target === s.me.handle || endpoint === undefined || account === undefined || !account.allows(s.me.handle) || !endpoint.receivesUnified) {
    return r.error(ErrorCode.USER_OFFLINE);
  }
  r.send(buildUunOk, {});
  endpoint.unifiedNotification(s.me.handle, req.notification, req.payload);
}
