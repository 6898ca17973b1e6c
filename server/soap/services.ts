/**
 * Every SOAP service of the server on one router (MSNP13-18.md §12.1), registered by the
 * composition root. Each service registers its own paths and actions here; handlers reach the
 * core only through `SoapServices`, and learn who is asking only from `authenticateSoap`.
 */
import type { AccountService } from '../core/accounts';
import type { ContactService } from '../core/contacts';
import type { ListManager } from '../core/lists';
import type { OfflineMessages } from '../core/offline-messages';
import type { PresenceHub } from '../core/presence';
import type { SignInGuard } from '../core/sign-in-guard';
import type { Logger } from '../logger';
import { registerAddressBook } from './abservice';
import { LockKeys } from './oim/lock-keys';
import { registerOimStoreService } from './oim/store2';
import { registerTokenService } from './rst';
import { registerRsiService } from './rsi/rsi';
import { registerStorage } from './storage/storage';
import type { SoapReply, SoapRequest, SoapRouter } from './router';
import type { SsoTokens } from './tokens';

export interface SoapServices {
  readonly tokens: SsoTokens;
  readonly accounts: AccountService;
  readonly signIns: SignInGuard;
  readonly lists: ListManager;
  readonly contacts: ContactService;
  readonly presence: PresenceHub;
  /** Offline messages: the OIM store (`/OimWS/oim.asmx`) and RSI (`/rsi/rsi.asmx`) services. */
  readonly offline: OfflineMessages;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * In a cluster: a request of `owner`'s own that must run where `owner`'s NS session holds its
   * lists (server/cluster/node.ts `atOwner`): that node's answer, `unanswered`, or undefined to
   * serve it here. Absent in one process.
   */
  readonly atOwner?: (owner: string, req: SoapRequest) => Promise<SoapReply | 'unanswered' | undefined>;
  /** The host written into XFR/RNG (`ServerConfig.publicHost`): what fetched offline messages name as their source. */
  readonly publicHost: string;
}

export function registerSoapServices(router: SoapRouter, s: SoapServices): void {
  registerTokenService(router, s);
  registerAddressBook(router, s);
  registerStorage(router, s);
  // Offline messages (MSNP13-18.md §9).
  const auth = { tokens: s.tokens, accountExists: (handle: string) => s.lists.exists(handle) };
  registerOimStoreService(router, { ...auth, offline: s.offline, lockKeys: new LockKeys(undefined, s.now), logger: s.logger });
  registerRsiService(router, { ...auth, offline: s.offline, logger: s.logger, originatingSource: s.publicHost });
}
