/** MSNP dialects this project speaks: MSNP2 … MSNP12 (MSNP.md §2). */
export type Dialect = 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

export const MIN_DIALECT: Dialect = 2;
export const MAX_DIALECT: Dialect = 12;
export const ALL_DIALECTS: readonly Dialect[] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export function isDialect(n: number): n is Dialect {
  return Number.isInteger(n) && n >= MIN_DIALECT && n <= MAX_DIALECT;
}

/** `MSNP12` → 12; anything else (including `CVR0`, names are case-insensitive per the draft) → undefined. */
export function parseDialectName(name: string): number | undefined {
  const m = /^MSNP(\d{1,2})$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function dialectName(d: number): string {
  return `MSNP${d}`;
}

/** Dialects 2–7 sign in with MD5, 8–12 with Passport 1.4 "TWN" (MSNP.md §3). */
export function usesPassport(d: Dialect): boolean {
  return d >= 8;
}
