/**
 * MSNP dialects the codec knows: MSNP2 … MSNP12 (MSNP.md §2) and MSNP13 … MSNP15 (MSNP13-18.md §2,
 * §3: the SOAP address book, `ADL`/`RML`/`FQY`, single sign-on, offline messages).
 */
export type Dialect = 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15;

export const MIN_DIALECT: Dialect = 2;
/**
 * The highest dialect client and server *negotiate* (`VER`). MSNP13–15 are in the codec (the verb
 * table, the typed commands, `sso/`, `soap/`, `oim/`, `ml/`) but neither side offers them yet: VER
 * stays at MSNP12 until the client and the server both implement single sign-on, the SOAP address
 * book and offline messages (issue 12). Raise this then, not before.
 */
export const MAX_DIALECT: Dialect = 12;
/** The dialects `VER` negotiates today (MIN_DIALECT … MAX_DIALECT). */
export const ALL_DIALECTS: readonly Dialect[] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
/** The highest dialect the codec can frame, decode and build (MSNP13-18.md up to §12's 15 column). */
export const MAX_CODEC_DIALECT: Dialect = 15;
/** Every dialect the codec handles, negotiated or not. */
export const CODEC_DIALECTS: readonly Dialect[] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** Is `n` a dialect VER negotiates today (2 … MAX_DIALECT)? */
export function isDialect(n: number): n is Dialect {
  return Number.isInteger(n) && n >= MIN_DIALECT && n <= MAX_DIALECT;
}

/** Is `n` a dialect the codec handles (2 … MAX_CODEC_DIALECT), negotiated or not? */
export function isCodecDialect(n: number): n is Dialect {
  return Number.isInteger(n) && n >= MIN_DIALECT && n <= MAX_CODEC_DIALECT;
}

/** `MSNP12` → 12; anything else (including `CVR0`, names are case-insensitive per the draft) → undefined. */
export function parseDialectName(name: string): number | undefined {
  const m = /^MSNP(\d{1,2})$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function dialectName(d: number): string {
  return `MSNP${d}`;
}

/** Dialects 2–7 sign in with MD5, 8–14 with "TWN" (MSNP.md §3; 13–14 with an RST ticket, MSNP13-18.md §4.1). */
export function usesPassport(d: Dialect): boolean {
  return d >= 8;
}

/** MSNP15+ sign in with `USR SSO` and the MBI_KEY_OLD proof; TWN is refused there (MSNP13-18.md §2, §4.2). */
export function usesSso(d: Dialect): boolean {
  return d >= 15;
}

/** MSNP13+ keep the lists in the SOAP address book and tell the NS with `ADL`/`RML` (MSNP13-18.md §1.1). */
export function usesAddressBook(d: Dialect): boolean {
  return d >= 13;
}
