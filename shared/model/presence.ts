/**
 * Presence in domain terms. No wire codes here: the client maps these to and from `NLN`, `BSY`,
 * … at its edge (MSNP.md §5.1).
 */

/** A status I can choose for myself. `hidden` = "Appear offline": others see me as offline. */
export type MyStatus = 'online' | 'busy' | 'idle' | 'brb' | 'away' | 'phone' | 'lunch' | 'hidden';

/** A contact's status as I see it. A hidden contact is indistinguishable from an offline one. */
export type ContactStatus = Exclude<MyStatus, 'hidden'> | 'offline';

export const MY_STATUSES: readonly MyStatus[] = ['online', 'busy', 'idle', 'brb', 'away', 'phone', 'lunch', 'hidden'];

export const CONTACT_STATUSES: readonly ContactStatus[] = [
  'online',
  'busy',
  'idle',
  'brb',
  'away',
  'phone',
  'lunch',
  'offline',
];

/** Labels as the classic client wrote them. */
export const STATUS_LABELS: Readonly<Record<MyStatus | ContactStatus, string>> = {
  online: 'Online',
  busy: 'Busy',
  idle: 'Idle',
  brb: 'Be Right Back',
  away: 'Away',
  phone: 'On the Phone',
  lunch: 'Out to Lunch',
  hidden: 'Appear Offline',
  offline: 'Offline',
};

/** Every status but offline can be messaged and invited to a conversation (MSNP.md §5.1). */
export function isOnline(status: ContactStatus): boolean {
  return status !== 'offline';
}

/** Statuses the classic client drew with the "away" icon. */
export function isAwayLike(status: MyStatus | ContactStatus): boolean {
  return status === 'idle' || status === 'brb' || status === 'away' || status === 'phone' || status === 'lunch';
}

export function isMyStatus(x: unknown): x is MyStatus {
  return typeof x === 'string' && (MY_STATUSES as readonly string[]).includes(x);
}
