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
  /**
   * Since when every change of the lists is in the account's change journal (`AbChange`): an
   * address-book delta asked from an earlier time cannot be answered exactly (MSNP13-18.md §6.6
   * `FullSyncRequired`). The list stamp when the journal began (schema 3), or when its oldest
   * entries were dropped.
   */
  historySince: number;
}

/**
 * One entry of an account's change journal: the contact entry or group with this GUID changed
 * (added, edited or deleted) at `changedAt` (the list stamp of that change). What it is now is
 * read from the lists (gone = deleted), so one row per entry is enough: the address-book deltas
 * (MSNP13-18.md §6.3, §6.4) list exactly the entries changed since a client's `lastChange`,
 * deleted ones included.
 */
export interface AbChange {
  readonly kind: 'contact' | 'group';
  readonly guid: string;
  /** The contact's handle (a deleted contact's membership is named by it); '' for a group. */
  readonly handle: string;
  readonly changedAt: number;
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
  /** The change journal (`AbChange`), oldest first. */
  readonly changes: AbChange[];
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

/**
 * One write of an account's change set (`applyAccountChanges`): the records of one list edit,
 * written together with the owner's user row (its versions) in one transaction.
 */
export type AccountWrite =
  | { readonly kind: 'contact'; readonly contact: ContactRecord }
  | { readonly kind: 'delete-contact'; readonly handle: string; readonly guid?: string }
  | { readonly kind: 'group'; readonly group: GroupRecord }
  | { readonly kind: 'delete-group'; readonly id: number; readonly guid?: string }
  | { readonly kind: 'property'; readonly key: string; readonly value: string | undefined }
  /** Records (or moves) the entry's journal row. */
  | { readonly kind: 'ab-change'; readonly change: AbChange }
  /** Drops the journal rows changed at or before `upTo` (the user row's `historySince` moves with it). */
  | { readonly kind: 'forget-ab-changes'; readonly upTo: number };

/**
 * Every method is asynchronous, so the same interface serves an in-process engine (SQLite, whose
 * promises are already settled when returned) and a networked one (PostgreSQL). A promise settles
 * only once the change is durable: the server acknowledges nothing before that.
 *
 * There is deliberately no `transaction(fn)`: a callback transaction whose callback awaits would,
 * on a synchronous driver holding one connection (better-sqlite3), let any other operation that
 * runs while it waits land inside its BEGIN…COMMIT, and on a pool it would need the callback to
 * carry the connection. Instead every operation that must be atomic is one method here, which each
 * engine runs as one transaction of its own: SQLite synchronously from BEGIN to COMMIT (nothing
 * can run in between on Node's one thread), PostgreSQL on one pooled connection.
 */
export interface Store {
  /** Creates the user with group 0; rejects with `DuplicateUserError` when the handle exists. */
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(handle: string): Promise<UserRecord | undefined>;
  getCredentials(handle: string): Promise<Credentials | undefined>;
  setCredentials(handle: string, credentials: Credentials): Promise<boolean>;
  /** Deletes the user, their lists, and every entry for them in other users' lists. */
  deleteUser(handle: string): Promise<boolean>;
  listUsers(): Promise<UserRecord[]>;
  /** Handles of users who have `handle` in their lists (to update them when it is deleted). */
  usersListing(handle: string): Promise<string[]>;

  loadAccount(handle: string): Promise<AccountData | undefined>;
  saveUser(user: UserRecord): Promise<void>;
  saveContact(userId: number, contact: ContactRecord): Promise<void>;
  deleteContact(userId: number, handle: string): Promise<void>;
  saveGroup(userId: number, group: GroupRecord): Promise<void>;
  deleteGroup(userId: number, id: number): Promise<void>;
  saveProperty(userId: number, key: string, value: string | undefined): Promise<void>;
  /** Writes `writes` in order and then the user row (`user.id`'s versions, name, settings), atomically. */
  applyAccountChanges(user: UserRecord, writes: readonly AccountWrite[]): Promise<void>;

  /**
   * Stores an offline message for `recipientId` durably before settling, unless it would take
   * the recipient's box past `limits` (checked and written in one transaction, the recipient's
   * box locked against a concurrent store).
   */
  addOim(recipientId: number, oim: NewOim, limits: OimLimits): Promise<OimStoreResult>;
  /** The id of the recipient's stored message with this sender, run and sequence (a resend), if any. */
  findOim(recipientId: number, sender: string, runId: string, runSequence: number): Promise<string | undefined>;
  /** The recipient's messages in arrival order. */
  listOims(recipientId: number): Promise<OimRecord[]>;
  /** One of the recipient's messages; another recipient's id is not found. */
  getOim(recipientId: number, messageId: string): Promise<OimRecord | undefined>;
  markOimRead(recipientId: number, messageId: string): Promise<boolean>;
  /**
   * Deletes the listed messages of this recipient, all or none: when any id is not one of theirs
   * (unknown, another recipient's, already deleted) nothing is deleted and the result is undefined;
   * otherwise the number deleted (duplicates in the list count once).
   */
  deleteOims(recipientId: number, messageIds: readonly string[]): Promise<number | undefined>;

  /**
   * A server-wide secret by name (the MD5-login key, the service tokens' key): the stored value,
   * or `create()`'s, stored if absent. When several servers share one database the first one's
   * value wins, so every node verifies what another issued. Undefined when this engine keeps its
   * secrets elsewhere (SQLite: files in the data folder).
   */
  sharedSecret(name: string, create: () => Uint8Array): Promise<Uint8Array | undefined>;

  close(): Promise<void>;
}

export class DuplicateUserError extends Error {
  override readonly name = 'DuplicateUserError';
}

/**
 * The database could not be reached (refused, reset, timed out, shutting down): the operation did
 * not happen, or its outcome is unknown; nothing was acknowledged. The MSNP front answers `603`
 * (MSNP.md §7 `ERR_DB_CONNECT`), the SOAP front a fault; the server keeps running.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The database was written by a newer server (a later schema version); it is left untouched. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}
