/**
 * The login-stage commands the dispatch server and the NS share: `VER`, `INF`, `CVR`
 * (MSNP.md §2.1–§2.3).
 */
import { buildCvrReply, buildInfReply, buildVer, negotiateVersion, type CvrRequest, type Dialect, type Ver } from '../../shared/msnp/index';
import type { Connection } from './connection';
import type { Reply } from './dispatch';

export interface Negotiating {
  readonly conn: Connection;
  dialect: Dialect | undefined;
  phase: string;
}

/**
 * `VER t MSNPx … {CVR0}` → `VER t MSNPn {CVR0}`: the highest dialect we share, followed by `CVR0`
 * when the client offered it (aMSN 0.90 refuses a reply without it, MSNP.md §2.1). Nothing in
 * common → `VER t 0` and close. Dialect names are case-insensitive (draft).
 */
export function handleVer(s: Negotiating, req: Ver, min: number, max: number): void {
  const { dialect, reply } = negotiateVersion(req.dialects, min, max);
  const answer = buildVer({ trId: req.trId, dialects: reply });
  if (dialect === undefined) {
    s.conn.end('no common dialect', answer);
    return;
  }
  s.dialect = dialect;
  s.phase = 'versioned';
  s.conn.send(answer);
}

/** `INF t` → `INF t MD5` (MSNP2–7; we refuse plaintext CTP, MSNP.md §3.1). */
export function handleInf(_s: Negotiating, _req: unknown, r: Reply): void {
  r.send(buildInfReply, { methods: ['MD5'] });
}

/**
 * `CVR t locale os os-ver arch library client-ver …` → `CVR t rec rec min download-url info-url`.
 * We echo the client's own version three times, so no client is told to upgrade (MSNP.md §2.2).
 */
export function handleCvr(_s: Negotiating, req: CvrRequest, r: Reply): void {
  const v = req.clientVersion;
  const version = /^[0-9][0-9.]{0,31}$/.test(v) ? v : '1.0.0000';
  const url = 'http://messenger.msn.com';
  r.send(buildCvrReply, { recommended: version, recommended2: version, minimum: version, downloadUrl: url, infoUrl: url });
}
