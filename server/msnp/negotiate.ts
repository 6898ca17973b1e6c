/**
 * The login-stage commands the dispatch server and the NS share: `VER`, `INF`, `CVR`
 * (MSNP.md §2.1–§2.3).
 */
import { dialectName, parseDialectName, type Command, type Dialect } from '../../shared/msnp/index';
import type { Connection } from './connection';

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
export function handleVer(s: Negotiating, cmd: Command, min: number, max: number): boolean {
  let best = 0;
  let cvr0 = false;
  for (const p of cmd.params) {
    if (p.toUpperCase() === 'CVR0') cvr0 = true;
    const n = parseDialectName(p);
    if (n !== undefined && n >= min && n <= max && n > best) best = n;
  }
  if (best === 0) {
    s.conn.end('no common dialect', { verb: 'VER', trId: cmd.trId, params: ['0'] });
    return false;
  }
  s.dialect = best as Dialect;
  s.phase = 'versioned';
  s.conn.send({ verb: 'VER', trId: cmd.trId, params: cvr0 ? [dialectName(best), 'CVR0'] : [dialectName(best)] });
  return true;
}

/** `INF t` → `INF t MD5` (MSNP2–7; we refuse plaintext CTP, MSNP.md §3.1). */
export function handleInf(s: Negotiating, cmd: Command): void {
  s.conn.send({ verb: 'INF', trId: cmd.trId, params: ['MD5'] });
}

/**
 * `CVR t locale os os-ver arch library client-ver …` → `CVR t rec rec min download-url info-url`.
 * We echo the client's own version three times, so no client is told to upgrade (MSNP.md §2.2).
 */
export function handleCvr(s: Negotiating, cmd: Command): void {
  const v = cmd.params[5];
  const version = v !== undefined && /^[0-9][0-9.]{0,31}$/.test(v) ? v : '1.0.0000';
  s.conn.send({
    verb: 'CVR',
    trId: cmd.trId,
    params: [version, version, version, 'http://messenger.msn.com', 'http://messenger.msn.com'],
  });
}
