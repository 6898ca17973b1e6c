/**
 * Answers `CHL 0 <challenge>` with `QRY <t> <product-id> 32` + the 32-byte hex answer, using
 * the dialect's algorithm (MSNP.md §3.5: MD5 for 6–10, the MSNP11 algorithm for 11–12).
 * Unanswered or wrong → the server drops us with 540, so this is installed before `USR OK`.
 */
import { buildQryRequest, clientChallengeResponse, decodeChlChallenge, isCodecError, type Dialect } from '../../../shared/msnp';
import type { Connection } from './connection';

export function installChallengeResponder(
  conn: Connection,
  dialectOf: () => Dialect | undefined,
  onError: (err: unknown) => void = () => undefined,
): void {
  /** CHL 0 <challenge> (MSNP.md §3.5) */
  conn.handle('CHL', (cmd) => {
    const dialect = dialectOf();
    if (dialect === undefined) return;
    const chl = decodeChlChallenge(cmd, dialect);
    if (isCodecError(chl)) return;
    const { productId, answer } = clientChallengeResponse(dialect, chl.challenge);
    conn.call((trId) => buildQryRequest({ trId, productId, answer }, dialect)).catch(onError);
  });
}
