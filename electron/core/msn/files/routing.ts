/**
 * Which protocol carries a file to a peer (MSNP-P2P.md §1.2, §10): P2P when our session speaks
 * MSNP9+ (`MSG … D`) and the peer's client capabilities carry an MSNC nibble (top four bits ≠ 0);
 * MSNFTP otherwise, including when we never saw the peer's capabilities (offline, not on our
 * list, or a dialect without them).
 */
import type { TransferProtocol } from './types';

/** The MSNC (P2P) version nibble of client capabilities (MSNP.md §2.8). */
export function msncVersion(caps: number | undefined): number {
  return caps === undefined ? 0 : (caps >>> 28) & 0xf;
}

export function chooseFileProtocol(dialect: number, peerCaps: number | undefined): TransferProtocol {
  return dialect >= 9 && msncVersion(peerCaps) > 0 ? 'p2p' : 'msnftp';
}
