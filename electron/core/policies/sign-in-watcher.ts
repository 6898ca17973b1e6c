/**
 * Tells a contact's real sign-in apart from the presence burst at my own sign-in. After the
 * contact list arrives, the server reports everyone already online (`ILN` after my first `CHG`,
 * MSNP.md §5.3), which the client reports as ordinary presence changes. Those are "initial":
 * everything within `graceMs` of the list being synced, or before it is. Afterwards an
 * offline → online change is a sign-in.
 */
import type { ContactStatus, DomainEvent } from '../../../shared/model';

/** `ILN`s follow the first `CHG` closely; a few seconds covers slow servers and big lists. */
export const INITIAL_PRESENCE_GRACE_MS = 5_000;

export interface SignedIn {
  readonly handle: string;
  readonly name: string;
  readonly status: ContactStatus;
  /** Part of the burst at my sign-in: do not announce. */
  readonly initialSync: boolean;
}

export class SignInWatcher {
  private readonly statuses = new Map<string, ContactStatus>();
  /** Null: not synced yet (everything is initial). */
  private syncedAt: number | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly graceMs = INITIAL_PRESENCE_GRACE_MS,
  ) {}

  /** Feed every domain event; returns a sign-in when this event is one. */
  handle(event: DomainEvent): SignedIn | null {
    switch (event.type) {
      case 'connection.changed':
        if (event.state.status !== 'online') {
          // Reconnecting or signed out: the next list sync starts a new burst.
          this.syncedAt = null;
          if (event.state.status === 'signed-out') this.statuses.clear();
        }
        return null;
      case 'contact-list.synced':
        this.statuses.clear();
        for (const c of event.contacts) this.statuses.set(c.handle.toLowerCase(), c.status);
        this.syncedAt = this.now();
        return null;
      case 'contact.removed':
        this.statuses.delete(event.handle.toLowerCase());
        return null;
      case 'presence.changed': {
        const handle = event.handle.toLowerCase();
        const before = this.statuses.get(handle) ?? 'offline';
        this.statuses.set(handle, event.status);
        if (before !== 'offline' || event.status === 'offline') return null;
        const initialSync = this.syncedAt === null || this.now() - this.syncedAt < this.graceMs;
        return { handle, name: event.friendlyName, status: event.status, initialSync };
      }
      default:
        return null;
    }
  }
}
