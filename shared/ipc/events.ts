/**
 * Events a window receives: the client's domain events unchanged (ARCHITECTURE.md §4, §5), plus
 * the few the app itself adds on top of the client.
 */
import type { DomainEvent } from '../model';
import type { AnnouncedEmoticonInfo, MyEmoticonInfo } from './emoticons';
import type { MyPictureInfo } from './pictures';
import type { Preferences } from './preferences';
import type { TransferEventMap } from './files';

export interface AppEventMap extends TransferEventMap {
  /** I nudged a conversation (the transcript notes "You have just sent a nudge."). */
  'nudge.sent': { readonly conversationId: string; readonly at: number };
  /** A sign-in attempt started; `handle` is who is signing in. */
  'sign-in.started': { readonly handle: string; readonly at: number };
  /**
   * Something wants the user's attention, decided by electron/core/policies from a client event,
   * the window focus (`windowFocused`) and the preferences. The shell shows `toast` as an OS
   * notification and flashes the taskbar button when `flash`; windows play `sound` (already
   * null when muted or turned off).
   */
  'attention.requested': AttentionRequest;
  /** Unread counts changed (badge, tray, conversation tabs). */
  'unread.changed': UnreadCounts;
  /**
   * A contact's display picture, fetched and verified (a `data:` URL of PNG/JPEG/GIF/BMP), or null
   * when they have none any more (the default picture shows).
   */
  'picture.changed': { readonly handle: string; readonly dataUrl: string | null };
  /** My display picture (of the signed-in account, or the one a sign-in will use), or none. */
  'picture.mine': { readonly picture: MyPictureInfo | null };
  /** My custom emoticons (of the signed-in account), all of them, after any change and at sign-in. */
  'emoticon.mine': { readonly emoticons: readonly MyEmoticonInfo[] };
  /**
   * A contact announced custom emoticons for the text they send next in this conversation
   * (MSNP-P2P.md §6.1): until `emoticon.ready` brings an image, its shortcut shows as text.
   */
  'emoticon.announced': { readonly conversationId: string; readonly sender: string; readonly emoticons: readonly AnnouncedEmoticonInfo[] };
  /** A contact's emoticon image, fetched and verified by SHA1D (a `data:` URL of PNG/JPEG/GIF/BMP). */
  'emoticon.ready': { readonly sha1d: string; readonly dataUrl: string };
  /** The preferences changed (also emitted once at start-up, so every snapshot has them). */
  'preferences.changed': { readonly preferences: Preferences };
}

export type AttentionKind = 'contact-online' | 'message' | 'nudge' | 'file-offer';
export type AttentionSound = 'sign-in' | 'message' | 'nudge';

export interface AttentionRequest {
  readonly kind: AttentionKind;
  /** The conversation it is about (messages, nudges, file offers). */
  readonly conversationId?: string;
  /** The contact it is about. */
  readonly handle: string;
  /** Plain text (never markup). */
  readonly title: string;
  readonly body: string;
  readonly sound: AttentionSound | null;
  /** Show an OS notification with `title` / `body`. */
  readonly toast: boolean;
  /** Flash the taskbar button / bounce the dock. */
  readonly flash: boolean;
  /** Toasts with the same tag replace each other. */
  readonly tag: string;
}

export interface UnreadCounts {
  readonly total: number;
  readonly byConversation: Readonly<Record<string, number>>;
}

export type AppOnlyEvent = { [K in keyof AppEventMap]: { readonly type: K } & AppEventMap[K] }[keyof AppEventMap];

export type AppEvent = DomainEvent | AppOnlyEvent;
export type AppEventType = AppEvent['type'];
