/**
 * Persistence behind an interface (ARCHITECTURE.md §7): the core talks to `Store`, never to SQL,
 * so another database can be added by implementing this file's interface. Everything here is
 * protocol-free: lists are bitmasks (the bits MSNP8+ `LST` spells, the codec's `LIST_BITS`), names are decoded Unicode, versions are plain numbers.
 */

export type Privacy = 'AL' | 'BL';
export type AddPrompt = 'A' | 'N';

export interface UserRecord {
  readonly id: number;
  /** Lower-cased account handle. */
  readonly handle: string;
  friendlyName: string;
  /** `BLP`: who may see me when on neither AL nor BL (MSNP.md §4.2). */
  blp: Privacy;
  /** `GTC`: whether the client asks about new RL entries (MSNP.md §4.2). */
  gtc: AddPrompt;
  /** Integer list version for MSNP2–9 (MSNP.md §4.3); bumped by every change. */
  listVersion: number;
  /** Millisecond stamps behind the MSNP10+ list and settings versions (MSNP.md §4.3). */
  listStamp: number;
  settingsStamp: number;
}

export interface Credentials {
  /** Slow hash (scrypt) for Passport logins; `scrypt$N$r$p$salt$hash` in base64. */
  readonly passwordHash: string;
  /**
   * The MD5 login secret: the password itself, sealed with the server's key (MSNP.md §3.2 needs
   * the plain password to check `md5(challenge + password)`). Undefined when MD5 login is off.
   */
  readonly md5Secret: Uint8Array | undefined;
}

export interface ContactRecord {
  /** Lower-cased handle of the contact. */
  readonly handle: string;
  lists: number;
  /** The name stored in my list for this contact (what `LST` shows). */
  name: string;
  /** Contact GUID (`C=`, MSNP10+), stable for the life of the entry. */
  readonly guid: string;
  /** Group ids the contact belongs to (FL only). */
  groups: number[];
}

export interface GroupRecord {
  /** 0–29; 0 is "Other Contacts" (MSNP.md §4.7). */
  readonly id: number;
  readonly guid: string;
  name: string;
}

export interface AccountData {
  readonly user: UserRecord;
  readonly contacts: ContactRecord[];
  readonly groups: GroupRecord[];
  /** Own properties (`PRP` keys other than MFN: PHH, PHW, PHM, MOB, …). */
  readonly properties: Map<string, string>;
}

export interface NewUser {
  readonly handle: string;
  readonly friendlyName: string;
  readonly credentials: Credentials;
  readonly now: number;
}

/** An offline message as the service accepted it (MSNP13-18.md §9.3). */
export interface NewOim {
  /** GUID without braces, upper-case: what `GetMessage`/`DeleteMessages` name it by (§9.1). */
  readonly messageId: string;
  /** Lower-cased handle of the sender. */
  readonly sender: string;
  /** The sender's decoded friendly name when they sent it. */
  readonly senderName: string;
  /** `X-OIM-Run-Id` (braced GUID) and `X-OIM-Sequence-Num` of the sender's session (§9.2). */
  readonly runId: string;
  readonly runSequence: number;
  /** The MIME message exactly as the sender put it into `Store2`'s `Content`. */
  readonly content: string;
  /** Where the sender connected from (`X-OIM-originatingSource`). */
  readonly origin: string;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export interface OimRecord extends NewOim {
  /** `GetMessage` with `alsoMarkAsRead` (§9.1). */
  readonly read: boolean;
  /** UTF-8 bytes of `content`: what the per-recipient size limit counts. */
  readonly contentBytes: number;
}

/** Per recipient: a new message that would take the box past either bound is refused. */
export interface OimLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
}

export type OimStoreResult = 'stored' | 'count-limit' | 'size-limit';

export interface Store {
  /** Creates the user with group 0; throws `DuplicateUserError` when the handle exists. */
  createUser(user: NewUser): UserRecord;
  getUser(handle: string): UserRecord | undefined;
  getCredentials(handle: string): Credentials | undefined;
  setCredentials(handle: string, credentials: Credentials): boolean;
  /** Deletes the user, their lists, and every entry for them in other users' lists. */
  deleteUser(handle: string): boolean;
  listUsers(): UserRecord[];
  /** Handles of users who have `handle` in their lists (to update them when it is deleted). */
  usersListing(handle: string): string[];

  loadAccount(handle: string): AccountData | undefined;
  saveUser(user: UserRecord): void;
  saveContact(userId: number, contact: ContactRecord): void;
  deleteContact(userId: number, handle: string): void;
  saveGroup(userId: number, group: GroupRecord): void;
  deleteGroup(userId: number, id: number): void;
  saveProperty(userId: number, key: string, value: string | undefined): void;

  /**
   * Stores an offline message for `recipientId` durably before returning, unless it would take
   * the recipient's box past `limits` (checked and written in one transaction).
   */
  addOim(recipientId: number, oim: NewOim, limits: OimLimits): OimStoreResult;
  /** The id of the recipient's stored message with this sender, run and sequence (a resend), if any. */
  findOim(recipientId: number, sender: string, runId: string, runSequence: number): string | undefined;
  /** The recipient's messages in arrival order. */
  listOims(recipientId: number): OimRecord[];
  /** One of the recipient's messages; another recipient's id is not found. */
  getOim(recipientId: number, messageId: string): OimRecord | undefined;
  markOimRead(recipientId: number, messageId: string): boolean;
  /**
   * Deletes the listed messages of this recipient, all or none: when any id is not one of theirs
   * (unknown, another recipient's, already deleted) nothing is deleted and the result is undefined;
   * otherwise the number deleted (duplicates in the list count once).
   */
  deleteOims(recipientId: number, messageIds: readonly string[]): number | undefined;

  /** Runs `fn` atomically. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export class DuplicateUserError extends Error {
  override readonly name = 'DuplicateUserError';
}
