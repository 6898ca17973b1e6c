/**
 * Where and how to sign in: one profile per server (the bundled server, Escargot, …).
 */
import { MIN_DIALECT, dialectName, type CvrRequest, type Dialect } from '../../../shared/msnp';
import type { TlsOptions } from './passport-http';

export interface ServerProfile {
  /** Dispatch or notification server. */
  readonly host: string;
  /** Default 1863 (MSNP.md §1.1). */
  readonly port?: number;
  /** Dialects to offer, newest first between these bounds. Default MSNP15 down to MSNP2. */
  readonly dialects?: { readonly min: Dialect; readonly max: Dialect };
  /** Nexus (`…/rdr/pprdr.asp`) for MSNP8+ sign-in; http: or https:. */
  readonly nexusUrl?: string;
  /** A DALogin URL to use instead of asking the Nexus (with or without a scheme). */
  readonly loginUrl?: string;
  /**
   * MSNP13+: where the web services live (token service `/RST.srf`, address book
   * `/abservice/…`, RSI `/rsi/rsi.asmx`, OIM `/OimWS/oim.asmx`, MSNP13-18.md §12.1), as an origin
   * such as `https://msn.example.net` (plain `http:` only for a server you run yourself: the
   * token request carries the password). Default: the origin of `nexusUrl` (the bundled server
   * and revival servers serve everything on one HTTP(S) port), else Microsoft's hosts.
   */
  readonly webServicesUrl?: string;
  readonly tls?: TlsOptions;
}

/** The MSNP13+ SOAP endpoints of a profile (MSNP13-18.md §12.1 paths). */
export interface WebServiceUrls {
  readonly rst: string;
  readonly addressBook: string;
  readonly sharing: string;
  readonly rsi: string;
  readonly oim: string;
}

export function webServiceUrls(profile: ServerProfile): WebServiceUrls {
  const base = profile.webServicesUrl ?? (profile.nexusUrl !== undefined ? originOf(profile.nexusUrl) : undefined);
  if (base === undefined) {
    // The hosts real clients have compiled in (§12.1; retro-prpl's choices for the address book).
    return {
      rst: 'https://login.live.com/RST.srf',
      addressBook: 'https://local-bay.contacts.msn.com/abservice/abservice.asmx',
      sharing: 'https://local-bay.contacts.msn.com/abservice/SharingService.asmx',
      rsi: 'https://rsi.hotmail.com/rsi/rsi.asmx',
      oim: 'https://ows.messenger.msn.com/OimWS/oim.asmx',
    };
  }
  const at = (path: string): string => new URL(path, base).toString();
  return {
    rst: at('/RST.srf'),
    addressBook: at('/abservice/abservice.asmx'),
    sharing: at('/abservice/SharingService.asmx'),
    rsi: at('/rsi/rsi.asmx'),
    oim: at('/OimWS/oim.asmx'),
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
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

/**
 * `CVR` at MSNP13+ (MSNP13-18.md §13.1): Windows Live Messenger 8.5, as libpurple and the
 * third-party clients of that era present themselves (`MSNMSGR 8.5.1302 BC01`).
 */
export const SOAP_CLIENT_VERSION = {
  locale: '0x0409',
  osType: 'winnt',
  osVersion: '5.1',
  arch: 'i386',
  library: 'MSNMSGR',
  clientVersion: '8.5.1302',
  clientName: 'BC01',
} as const satisfies Omit<CvrRequest, 'type' | 'trId' | 'handle'>;

/**
 * The newest dialect this client offers by default: MSNP15 (single sign-on, the SOAP address book,
 * offline messages; MSNP13-18.md). The client's own constant: the codec's `MAX_DIALECT` and the
 * server's `SERVER_MAX_DIALECT` move on their own.
 */
export const CLIENT_MAX_DIALECT: Dialect = 15;

/** `MSNP15 MSNP14 … MSNP2 CVR0` (MSNP.md §2.1): newest first, ending with CVR0. */
export function offeredDialects(profile: ServerProfile): Dialect[] {
  const min = profile.dialects?.min ?? MIN_DIALECT;
  const max = profile.dialects?.max ?? CLIENT_MAX_DIALECT;
  if (min > max) throw new Error(`dialect range ${min}..${max} is empty`);
  const out: Dialect[] = [];
  for (let d = max; d >= min; d--) out.push(d as Dialect);
  return out;
}

export function verParams(dialects: readonly Dialect[]): string[] {
  return [...dialects.map(dialectName), 'CVR0'];
}
