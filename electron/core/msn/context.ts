/**
 * What the modules of a signed-in session share: the notification-server connection, the
 * negotiated dialect, my handle, the contact list and the domain event sink. The client hands a
 * getter to each module; it throws `not-signed-in` between sessions.
 */
import type { DomainEventMap } from '../../../shared/model';
import type { Dialect } from '../../../shared/msnp';
import type { AddressBookService } from './ab/service';
import type { Connection } from './connection';
import type { TokenService } from './sso/token-service';
import { OperationFailure } from './errors';

export interface NsContext {
  readonly conn: Connection;
  readonly dialect: Dialect;
  /** My handle, lower-cased. */
  readonly handle: string;
  /** MSNP13+: the session's tickets (renewed as they age) and the SOAP address book. */
  readonly tokens?: TokenService;
  readonly ab?: AddressBookService;
}

export type Emit = <K extends keyof DomainEventMap>(type: K, payload: DomainEventMap[K]) => void;

export class SessionRef {
  private current: NsContext | undefined;

  set(ctx: NsContext | undefined): void {
    this.current = ctx;
  }

  get value(): NsContext | undefined {
    return this.current;
  }

  /** The live session, or `not-signed-in`. */
  require(): NsContext {
    const c = this.current;
    if (c === undefined || !c.conn.isOpen) throw new OperationFailure('not-signed-in', 'not signed in');
    return c;
  }
}
