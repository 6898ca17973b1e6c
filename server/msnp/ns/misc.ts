/** `XFR SB`, `URL`, `IMS`, `GCF`, and the commands we answer as disabled (`502`). */
import { buildGcfReply, buildImsReply, buildUrlReply, buildXfrSb, ErrorCode, parseHostPort, type Command } from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import { SHIELDS_XML } from '../shapes';
import type { NsSession } from './session';

/**
 * `XFR t SB` → `XFR t SB host:port CKI cookie` (MSNP.md §6.1). Refused with `913` while hidden or
 * before the first `CHG`; rate-limited with `713`.
 */
export function xfr(s: NsSession, cmd: Command): void {
  if (cmd.params[0] !== 'SB') fail('invalid-parameter');
  const view = s.presence;
  if (view === undefined || view.state === 'HDN') fail('not-allowed-hidden');
  if (!s.xfrs.hit()) fail('too-fast');
  const cookie = s.ctx.switchboards.issueCallerCookie(s.me.handle, {
    dialect: s.d,
    friendlyName: s.me.user.friendlyName,
    caps: view.caps,
  });
  const address = parseHostPort(s.ctx.sbAddress);
  if (address === undefined) throw new Error(`bad switchboard address ${s.ctx.sbAddress}`);
  s.conn.send(buildXfrSb({ trId: cmd.trId as number, address, cookie }, s.d));
}

/** `URL t KIND …` → `URL t path login-url site-id` (MSNP.md §6.11): we have no web services. */
export function url(s: NsSession, cmd: Command): void {
  s.conn.send(buildUrlReply({ trId: cmd.trId as number, redirect: '/', loginUrl: `${s.ctx.nexusBase}/`, siteId: 2 }, s.d));
}

/** `IMS t ON|OFF` → `IMS t 0 ON|OFF` (MSNP3+, MSNP.md §2.5). */
export function ims(s: NsSession, cmd: Command): void {
  const v = cmd.params[0];
  if (v !== 'ON' && v !== 'OFF') fail('invalid-parameter');
  s.conn.send(buildImsReply({ trId: cmd.trId as number, on: v === 'ON' }, s.d));
}

/** `GCF t Shields.xml` → `GCF t Shields.xml len` + policy (MSNP11+, MSNP.md §9.3). */
export function gcf(s: NsSession, cmd: Command): void {
  s.conn.send(buildGcfReply({ trId: cmd.trId as number, file: cmd.params[0] ?? 'Shields.xml', xml: SHIELDS_XML }, s.d));
}

/** Directory search, e-mail invitations, pagers, lookups: not offered (`502`, MSNP.md §7). */
export function disabled(s: NsSession, cmd: Command): void {
  s.conn.error(ErrorCode.COMMAND_DISABLED, cmd.trId);
}
