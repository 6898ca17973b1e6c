/**
 * The projection of the event stream into application state: the snapshot the backend hands out
 * (ARCHITECTURE.md §5) and the state each window's store keeps (§6) are both built by these pure
 * reducers, so a window that reloads ends up exactly where the backend is.
 */
import type { SequencedEvent } from '../contract';
import { initialContacts, reduceContacts, type ContactsSlice } from './contacts';
import { initialConversations, reduceConversations, type ConversationsSlice } from './conversations';
import { initialSession, reduceSession, type SessionSlice } from './session';
import { initialDesktop, reduceDesktop, type DesktopSlice } from './desktop';
import { initialPictures, reducePictures, type PicturesSlice } from './pictures';
import { initialTransfers, reduceTransfers, type TransfersSlice } from './transfers';
import { initialEmoticons, reduceEmoticons, type EmoticonsSlice } from './emoticons';

export * from './contacts';
export * from './conversations';
export * from './session';
export * from './desktop';
export * from './pictures';
export * from './transfers';
export * from './emoticons';

export interface AppState {
  readonly session: SessionSlice;
  readonly contacts: ContactsSlice;
  readonly conversations: ConversationsSlice;
  readonly desktop: DesktopSlice;
  readonly pictures: PicturesSlice;
  readonly transfers: TransfersSlice;
  readonly emoticons: EmoticonsSlice;
}

export const initialAppState: AppState = {
  session: initialSession,
  contacts: initialContacts,
  conversations: initialConversations,
  desktop: initialDesktop,
  pictures: initialPictures,
  transfers: initialTransfers,
  emoticons: initialEmoticons,
};

export function reduceApp(state: AppState, { event, at }: Pick<SequencedEvent, 'event' | 'at'>): AppState {
  const session = reduceSession(state.session, event);
  const contacts = reduceContacts(state.contacts, event);
  const conversations = reduceConversations(state.conversations, event, at);
  const desktop = reduceDesktop(state.desktop, event);
  const pictures = reducePictures(state.pictures, event);
  const transfers = reduceTransfers(state.transfers, event, at);
  const emoticons = reduceEmoticons(state.emoticons, event);
  if (
    session === state.session &&
    contacts === state.contacts &&
    conversations === state.conversations &&
    desktop === state.desktop &&
    pictures === state.pictures &&
    transfers === state.transfers &&
    emoticons === state.emoticons
  )
    return state;
  return { session, contacts, conversations, desktop, pictures, transfers, emoticons };
}
