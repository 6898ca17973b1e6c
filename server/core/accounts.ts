/**
 * Accounts: creation, removal, password changes, listing (the admin API the CLI, tests and the
 * app's first-run demo use), and the two credential checks the logins need.
 */
import { checkFriendlyName, checkHandle, normalizeHandle } from '../../shared/msnp/index';
import { DuplicateUserError, type Credentials, type Store } from '../store/store';
import { hashPassword, verifyPassword, type SecretBox } from './passwords';

export interface AccountInfo {
  readonly handle: string;
  readonly friendlyName: string;
}

/** The admin object `RunningServer.accounts` (server/README.md). */
export interface AccountAdmin {
  /** Creates an account; rejects with `AccountError` for a bad or taken handle or a bad password. */
  add(handle: string, password: string, friendlyName?: string): Promise<AccountInfo>;
  /** Deletes an account, its lists and every list entry pointing at it; signs it out. */
  remove(handle: string): Promise<boolean>;
  setPassword(handle: string, password: string): Promise<boolean>;
  list(): Promise<AccountInfo[]>;
}

export type AccountErrorCode = 'invalid-handle' | 'exists' | 'bad-password' | 'bad-name';

export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Passwords: 1–128 characters; a comma or space is fine (the Passport header escapes them). */
const MAX_PASSWORD_LENGTH = 128;

export interface AccountServiceOptions {
  readonly store: Store;
  readonly secrets: SecretBox;
  /** Keep an MD5-login secret for new passwords (MSNP.md §3.2; see passwords.ts). */
  readonly md5Login: boolean;
  readonly now?: () => number;
}

export class AccountService implements AccountAdmin {
  /** Called after an account is deleted, so the server can sign it out and refresh caches. */
  onRemoved: (handle: string, listedBy: string[]) => void = () => {};
  /** Called before deletion, to sign the account out while its data still exists. */
  onRemoving: (handle: string) => void = () => {};
  /** Before the account is deleted: the entries pointing at it leave the lists holding them (as list changes, so their change journals record it). */
  beforeRemove: (handle: string, listedBy: string[]) => Promise<void> = async () => {};

  private readonly store: Store;
  private readonly secrets: SecretBox;
  private readonly md5Login: boolean;
  private readonly now: () => number;

  constructor(o: AccountServiceOptions) {
    this.store = o.store;
    this.secrets = o.secrets;
    this.md5Login = o.md5Login;
    this.now = o.now ?? Date.now;
  }

  async add(handle: string, password: string, friendlyName?: string): Promise<AccountInfo> {
    const h = validHandle(handle);
    checkPassword(password);
    const name = friendlyName ?? h;
    if (checkFriendlyName(name) !== undefined) {
      throw new AccountError('bad-name', 'friendly name is empty or longer than 129 characters / 387 encoded bytes');
    }
    if ((await this.store.getUser(h)) !== undefined) throw new AccountError('exists', `${h} already exists`);
    const credentials = await this.credentials(password);
    try {
      await this.store.createUser({ handle: h, friendlyName: name, credentials, now: this.now() });
    } catch (e) {
      if (e instanceof DuplicateUserError) throw new AccountError('exists', `${h} already exists`);
      throw e;
    }
    return { handle: h, friendlyName: name };
  }

  async remove(handle: string): Promise<boolean> {
    const h = normalizeHandle(handle);
    if ((await this.store.getUser(h)) === undefined) return false;
    this.onRemoving(h);
    const listedBy = await this.store.usersListing(h);
    await this.beforeRemove(h, listedBy);
    const removed = await this.store.deleteUser(h);
    if (removed) this.onRemoved(h, listedBy);
    return removed;
  }

  async setPassword(handle: string, password: string): Promise<boolean> {
    const h = normalizeHandle(handle);
    checkPassword(password);
    if ((await this.store.getUser(h)) === undefined) return false;
    return this.store.setCredentials(h, await this.credentials(password));
  }

  async list(): Promise<AccountInfo[]> {
    return (await this.store.listUsers()).map((u) => ({ handle: u.handle, friendlyName: u.friendlyName }));
  }

  /** Passport login (Nexus): the slow hash. False for unknown handles too, after the same work. */
  async verifyPassword(handle: string, password: string): Promise<boolean> {
    const c = await this.store.getCredentials(normalizeHandle(handle));
    if (c === undefined) {
      // Spend the same time as a real check so response timing does not reveal which handles exist.
      await hashPassword(password);
      return false;
    }
    return verifyPassword(password, c.passwordHash);
  }

  /** MD5 login: the password equivalent, or undefined (unknown handle, or no secret kept). */
  async md5Password(handle: string): Promise<string | undefined> {
    if (!this.md5Login) return undefined;
    const c = await this.store.getCredentials(handle);
    if (c?.md5Secret === undefined) return undefined;
    return this.secrets.open(c.md5Secret);
  }

  private async credentials(password: string): Promise<Credentials> {
    return {
      passwordHash: await hashPassword(password),
      md5Secret: this.md5Login ? this.secrets.seal(password) : undefined,
    };
  }
}

function validHandle(handle: string): string {
  const problem = checkHandle(handle);
  if (problem !== undefined) throw new AccountError('invalid-handle', `invalid handle ${JSON.stringify(handle)}: ${problem}`);
  return normalizeHandle(handle);
}

function checkPassword(password: string): void {
  if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountError('bad-password', `password must be 1 to ${MAX_PASSWORD_LENGTH} characters`);
  }
}
