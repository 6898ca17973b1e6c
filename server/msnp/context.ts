/** What every MSNP session can reach: the configuration and the core's managers. */
import type { Dialect } from '../../shared/msnp/index';
import type { ClusterNode } from '../cluster/node';
import type { ResolvedConfig } from '../config';
import type { AccountService } from '../core/accounts';
import type { ContactService } from '../core/contacts';
import type { ListManager } from '../core/lists';
import type { OfflineMessages } from '../core/offline-messages';
import type { PresenceHub } from '../core/presence';
import type { SignInGuard } from '../core/sign-in-guard';
import type { SwitchboardHub } from '../core/switchboard';
import type { TicketStore } from '../core/tickets';
import type { Logger } from '../logger';
import type { SsoTokens } from '../soap/tokens';

/** Stored with an SB cookie: how the holder's switchboard connection should behave. */
export interface SbGrant {
  readonly dialect: Dialect;
  readonly friendlyName: string;
  readonly caps: number;
}

export interface ServerContext {
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly accounts: AccountService;
  /** Every password check goes through it (throttling, MSNP.md §3.2 MD5 included). */
  readonly signIns: SignInGuard;
  readonly lists: ListManager;
  readonly contacts: ContactService;
  readonly presence: PresenceHub;
  readonly switchboards: SwitchboardHub<SbGrant>;
  readonly tickets: TicketStore;
  /** The token service's tokens (MSNP13-18.md §4): `USR SSO`, `USR TWN S` with an RST ticket. */
  readonly ssoTokens: SsoTokens;
  /** Offline messages (MSNP13-18.md §9): the initial mail-data notice after the first `CHG`. */
  readonly offline: OfflineMessages;
  /** `host:port` of the NS and SB as clients should reach them (set once listening). */
  nsAddress: string;
  sbAddress: string;
  /** Base URL of the Nexus, e.g. `http://127.0.0.1:1865`. */
  nexusBase: string;
  readonly now: () => number;
  /** This node of a cluster; undefined when the server is one process (then nothing here is called). */
  readonly cluster: ClusterNode | undefined;
}
