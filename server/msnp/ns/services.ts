/**
 * The NS's services besides lists and presence: switchboard referrals (`XFR SB`), web-service
 * URLs (`URL`), `IMS`, config files (`GCF`), and the commands we answer as disabled (`502`).
 */
import {
  buildGcfReply,
  buildImsReply,
  buildUrlReply,
  buildXfrSb,
  ErrorCode,
  parseHostPort,
  type GcfRequest,
  type Ims,
  type XfrRequest,
} from '../../../shared/msnp/index';
import type { ClusterNode } from '../../cluster/node';
import { fail } from '../../core/errors';
import type { SbGrant } from '../context';
import type { Reply } from '../dispatch';
import { SHIELDS_XML } from '../shapes';
import type { NsSession } from './session';

/**
 * `XFR t SB` → `XFR t SB host:port CKI cookie` (MSNP.md §6.1). `XFR t NS` → `201`. Refused with
 * `913` while hidden or before the first `CHG`; rate-limited with `713`.
 */
export function xfr(s: NsSession, req: XfrRequest, r: Reply): void | Promise<void> {
  if (req.target !== 'SB') fail('invalid-parameter');
  const view = s.presence;
  // `watching` marks my first CHG; before it a replacing session only holds its predecessor's presence.
  if (!s.watching || view === undefined || view.state === 'HDN') fail('not-allowed-hidden');
  if (!s.xfrs.hit()) fail('too-fast');
  const grant = { dialect: s.negotiatedDialect, friendlyName: s.me.user.friendlyName, caps: view.caps };
  if (s.ctx.cluster !== undefined) return xfrInCluster(s, grant, r);
  const cookie = s.ctx.switchboards.issueCallerCookie(s.me.handle, grant);
  referTo(s.ctx.sbAddress, cookie, r);
}

/** One node of several: the least loaded node's switchboard, with a cookie any node can check. */
async function xfrInCluster(s: NsSession, grant: SbGrant, r: Reply): Promise<void> {
  const node = s.ctx.cluster as ClusterNode;
  const picked = await node.pickSwitchboard(s.ctx.sbAddress);
  referTo(picked.address, node.callerCookie(s.me.handle, grant, picked.node), r);
}

function referTo(sbAddress: string, cookie: string, r: Reply): void {
  const address = parseHostPort(sbAddress);
  if (address === undefined) throw new Error(`bad switchboard address ${sbAddress}`);
  r.send(buildXfrSb, { address, cookie });
}

/** `URL t KIND …` → `URL t path login-url site-id` (MSNP.md §6.11): we have no web services. */
export function url(s: NsSession, _req: unknown, r: Reply): void {
  r.send(buildUrlReply, { redirect: '/', loginUrl: `${s.ctx.nexusBase}/`, siteId: 2 });
}

/** `IMS t ON|OFF` → `IMS t 0 ON|OFF` (MSNP3+, MSNP.md §2.5). */
export function ims(_s: NsSession, req: Ims, r: Reply): void {
  r.send(buildImsReply, { on: req.on });
}

/** `GCF t Shields.xml` → `GCF t Shields.xml len` + policy (MSNP11+, MSNP.md §9.3). */
export function gcf(_s: NsSession, req: GcfRequest, r: Reply): void {
  r.send(buildGcfReply, { file: req.file, xml: SHIELDS_XML });
}

/** Directory search, e-mail invitations, pagers, lookups: not offered (`502`, MSNP.md §7). */
export function disabled(_s: NsSession, _req: unknown, r: Reply): void {
  r.error(ErrorCode.COMMAND_DISABLED);
}
