/** Unguessable tokens for cookies, tickets, challenges and session ids (node:crypto only). */
import { randomBytes, randomInt } from 'node:crypto';

/** `d.d.d` with three random 32-bit parts: the shape Microsoft's SB cookies had (MSNP.md §6.1). */
export function sbCookie(): string {
  const b = randomBytes(12);
  return `${b.readUInt32BE(0)}.${b.readUInt32BE(4)}.${b.readUInt32BE(8)}`;
}

/** A positive session id, 8 digits like the reference's `11752013` (MSNP.md §6.1). */
export function sessionId(): string {
  return String(randomInt(10_000_000, 100_000_000));
}

/** 20 decimal digits: the shape of a real `CHL` challenge (MSNP.md §3.5, §10.12). */
export function challengeDigits(): string {
  // Two draws of ten digits (randomInt's range is below 2^48), not one draw per digit.
  return `${randomInt(1_000_000_000, 10_000_000_000)}${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`;
}

/** MD5 login challenge `<unix-seconds>.<digits>` as Microsoft sent it (MSNP.md §3.2). */
export function md5Challenge(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomInt(100_000_000, 1_000_000_000)}`;
}

/** Passport compact-ticket part: URL-safe characters ending in `$$` like the real ones (MSNP.md §3.3.1). */
export function ticketPart(bytes = 24): string {
  return `${randomBytes(bytes).toString('base64url').replace(/-/g, '!').replace(/_/g, '*')}$$`;
}
