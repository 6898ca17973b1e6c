/** Unread counts and preferences: what the app adds on top of the client's state. */
import type { AppEvent, UnreadCounts } from '../events';
import type { Preferences } from '../preferences';

export interface DesktopSlice {
  readonly unread: UnreadCounts;
  /** Null only before the backend reported them (it does at start-up). */
  readonly preferences: Preferences | null;
}

export const initialDesktop: DesktopSlice = { unread: { total: 0, byConversation: {} }, preferences: null };

export function reduceDesktop(state: DesktopSlice, event: AppEvent): DesktopSlice {
  switch (event.type) {
    case 'unread.changed':
      return { ...state, unread: { total: event.total, byConversation: event.byConversation } };
    case 'preferences.changed':
      return { ...state, preferences: event.preferences };
    default:
      return state;
  }
}
