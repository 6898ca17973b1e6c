/**
 * The whole state of a session at one moment, for a window that opens late (ARCHITECTURE.md §5:
 * snapshot + the events after it). Reducing the events in order over a snapshot gives the next one.
 */
import type { Contact, Group, Privacy, SelfProfile } from './contacts';
import type { Conversation } from './conversation';
import type { ConnectionState } from './events';

export interface SessionSnapshot {
  readonly connection: ConnectionState;
  /** Null until the first sign-in succeeds. */
  readonly self: SelfProfile | null;
  readonly contacts: readonly Contact[];
  readonly groups: readonly Group[];
  readonly privacy: Privacy;
  readonly conversations: readonly Conversation[];
}
