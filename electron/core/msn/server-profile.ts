/**
 * Where and how to sign in: one profile per server (the bundled server, Escargot, …).
 */
import { MAX_DIALECT, MIN_DIALECT, dialectName, type CvrRequest, type Dialect } from '../../../shared/msnp';
import type { TlsOptions } from './passport-http';

export interface ServerProfile {
  /** Dispatch or notification server. */
  readonly host: string;
  /** Default 1863 (MSNP.md §1.1). */
  readonly port?: number;
  /** Dialects to offer, newest first between these bounds. Default MSNP12 down to MSNP2. */
  readonly dialects?: { readonly min: Dialect; readonly max: Dialect };
  /** Nexus (`…/rdr/pprdr.asp`) for MSNP8+ sign-in; http: or https:. */
  readonly nexusUrl?: string;
  /** A DALogin URL to use instead of asking the Nexus (with or without a scheme). */
  readonly loginUrl?: string;
  readonly tls?: TlsOptions;
}

/**
 * Identification sent in `CVR` (MSNP.md §2.2): we present ourselves as a 7.5-era client. Named as
 * the codec's `CvrRequest` fields, so it goes to `buildCvrRequest` as it is.
 */
export const CLIENT_VERSION = {
  locale: '0x0409',
  osType: 'winnt',
  osVersion: '5.1',
  arch: 'i386',
  library: 'MSNMSGR',
  clientVersion: '7.5.0324',
  clientName: 'MSMSGS',
} as const satisfies Omit<CvrRequest, 'type' | 'trId' | 'handle'>;

/** `MSNP12 MSNP11 … MSNP2 CVR0` (MSNP.md §2.1): newest first, ending with CVR0. */
export function offeredDialects(profile: ServerProfile): Dialect[] {
  const min = profile.dialects?.min ?? MIN_DIALECT;
  const max = profile.dialects?.max ?? MAX_DIALECT;
  if (min > max) throw new Error(`dialect range ${min}..${max} is empty`);
  const out: Dialect[] = [];
  for (let d = max; d >= min; d--) out.push(d as Dialect);
  return out;
}

export function verParams(dialects: readonly Dialect[]): string[] {
  return [...dialects.map(dialectName), 'CVR0'];
}
