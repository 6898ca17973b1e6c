/** The session slice: connection state, who is signing in, my profile and privacy settings. */
import { DEFAULT_PRIVACY, type ConnectionState, type Privacy, type SelfProfile } from '../../model';
import type { AppEvent } from '../events';

export interface SessionSlice {
  readonly connection: ConnectionState;
  /** The handle of the current (or last) sign-in attempt; null before the first one. */
  readonly handle: string | null;
  /** Null until the contact list has been synced once. */
  readonly self: SelfProfile | null;
  readonly privacy: Privacy;
  /** The latest notice from the service (maintenance warning, new mail), until signed out. */
  readonly notice: ServerNotice | null;
}

export interface ServerNotice {
  readonly kind: 'maintenance' | 'mail';
  readonly text: string;
  readonly minutes?: number;
  readonly at: number;
}

export const initialSession: SessionSlice = {
  connection: { status: 'signed-out' },
  handle: null,
  self: null,
  privacy: DEFAULT_PRIVACY,
  notice: null,
};

export function reduceSession(s: SessionSlice, e: AppEvent): SessionSlice {
  switch (e.type) {
    case 'sign-in.started':
      return { ...s, handle: e.handle, self: s.handle === e.handle ? s.self : null };
    case 'connection.changed':
      return { ...s, connection: e.state, notice: e.state.status === 'signed-out' ? null : s.notice };
    case 'server.notice':
      return { ...s, notice: { kind: e.kind, text: e.text, at: e.at, ...(e.minutes !== undefined ? { minutes: e.minutes } : {}) } };
    case 'contact-list.synced':
      return { ...s, self: e.self, privacy: e.privacy, handle: e.self.handle };
    case 'self.changed':
      return { ...s, self: e.self };
    case 'privacy.changed':
      return { ...s, privacy: e.privacy };
    default:
      return s;
  }
}
