/**
 * Contacts, groups and privacy as the user sees them (MSNP.md §4, §5). Plain serialisable data.
 */
import type { ContactStatus, MyStatus } from './presence';

/** What a contact (or I) is listening to / playing, from the personal-message feed (MSNP11+). */
export interface CurrentMedia {
  readonly kind: 'music' | 'games' | 'office' | 'other';
  /** Ready to show, e.g. "Song Title - Song Artist". */
  readonly text: string;
}

/**
 * Which of my lists a handle is on (MSNP.md §4.1).
 * - `forward`: my contact list (people I watch);
 * - `allow` / `block`: my decision about who may see me and talk to me;
 * - `reverse`: people who have me on their contact list;
 * - `pending`: added me and I have not decided yet (MSNP10+; derived on older dialects as
 *   "reverse and neither allowed nor blocked").
 */
export interface ListMembership {
  readonly forward: boolean;
  readonly allow: boolean;
  readonly block: boolean;
  readonly reverse: boolean;
  readonly pending: boolean;
}

export interface Contact {
  /** The account e-mail address, lower-cased; the identity of a contact. */
  readonly handle: string;
  /** The contact's own current name when known (presence), else the name stored in my list. */
  readonly friendlyName: string;
  /**
   * The name stored for the contact in my list (what I renamed them to, or the name they had when
   * added). Shown as `friendlyName` until presence brings their own. Optional for compatibility;
   * the MSN client always fills it in.
   */
  readonly storedName?: string;
  /** Personal message (MSNP11+); empty when none. */
  readonly personalMessage: string;
  readonly currentMedia: CurrentMedia | null;
  readonly status: ContactStatus;
  /** Groups the contact is in (ids of `Group`); empty = ungrouped. */
  readonly groupIds: readonly string[];
  readonly lists: ListMembership;
}

export interface Group {
  /** Opaque id (a number in MSNP7–9, a GUID in 10+); stable for the session. */
  readonly id: string;
  readonly name: string;
}

/** Who can see my status and start conversations with me (MSNP.md §4.2). */
export interface Privacy {
  /** `all-but-blocked` = everyone not on my block list; `only-allowed` = only my allow list. */
  readonly visibility: 'all-but-blocked' | 'only-allowed';
  /** Ask me when someone adds me (else they are allowed silently). */
  readonly promptOnAdd: boolean;
}

export interface SelfProfile {
  readonly handle: string;
  readonly friendlyName: string;
  /** Personal message (MSNP11+ only; kept locally and re-published on older dialects' upgrade). */
  readonly personalMessage: string;
  readonly currentMedia: CurrentMedia | null;
  readonly status: MyStatus;
}

export const NO_LISTS: ListMembership = { forward: false, allow: false, block: false, reverse: false, pending: false };

export const DEFAULT_PRIVACY: Privacy = { visibility: 'all-but-blocked', promptOnAdd: true };

/**
 * Can `contact` see my presence and invite me? MSNP.md §4.2: yes iff on my allow list, or my
 * visibility is all-but-blocked and they are not blocked.
 */
export function canSeeMe(contact: Pick<Contact, 'lists'>, privacy: Privacy): boolean {
  if (contact.lists.allow) return true;
  return privacy.visibility === 'all-but-blocked' && !contact.lists.block;
}

/** The name to show: the contact's name, or the handle when the name is empty. */
export function displayName(contact: Pick<Contact, 'handle' | 'friendlyName'>): string {
  return contact.friendlyName.trim().length > 0 ? contact.friendlyName : contact.handle;
}
