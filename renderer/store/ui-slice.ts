/**
 * The ui slice: what this window shows and how (collapsed groups, the filter, open dialogs, the conversation in front, my message font). Pure state changes only.
 */
import { DEFAULT_TEXT_FORMAT, type TextFormat } from '../../shared/model';
import type { IpcError } from '../../shared/ipc';

export type Dialog =
  | { readonly kind: 'add-contact' }
  | { readonly kind: 'new-conversation' }
  | { readonly kind: 'create-group' }
  | { readonly kind: 'rename-group'; readonly groupId: string }
  | { readonly kind: 'add-requests' }
  | { readonly kind: 'invite'; readonly conversationId: string }
  | { readonly kind: 'confirm-remove-contact'; readonly handle: string }
  | { readonly kind: 'confirm-remove-group'; readonly groupId: string };

/** A full view over the main window: the history, the settings, the protocol console. */
export type Panel =
  | { readonly kind: 'history' }
  | { readonly kind: 'settings' }
  | { readonly kind: 'console' };

export interface Toast {
  readonly id: number;
  readonly text: string;
}

export interface UiSlice {
  /** Group keys (group id, `online`, `offline`, `ungrouped`) the user collapsed. */
  readonly collapsed: Readonly<Record<string, true>>;
  readonly filter: string;
  readonly dialog: Dialog | null;
  /** The browser client shows one conversation at a time beside the list. */
  readonly activeConversationId: string | null;
  /** The narrow layout shows the contact list although a conversation is in front ("Back"). */
  readonly listInFront: boolean;
  /** The conversation the user just opened: its composer takes the focus once (then null). */
  readonly composerFocus: string | null;
  readonly signIn: { readonly pending: boolean; readonly error: IpcError | null };
  readonly format: TextFormat;
  /** Conversation id → how many nudges arrived since this window opened (each shakes once). */
  readonly shakes: Readonly<Record<string, number>>;
  /** Conversation id → number of transcript entries the user has seen (for unread marks). */
  readonly seen: Readonly<Record<string, number>>;
  readonly toast: Toast | null;
  readonly panel: Panel | null;
  /** Whether this window reaches the backend (renderer/bridge keeps it). */
  readonly link: 'up' | 'down';
  /**
   * Conversation id → text typed but not sent. A conversation's composer unmounts when another
   * tab comes in front; what was typed waits here so switching tabs never throws text away.
   */
  readonly drafts: Readonly<Record<string, string>>;
}

export const initialUi: UiSlice = {
  collapsed: {},
  filter: '',
  dialog: null,
  activeConversationId: null,
  composerFocus: null,
  listInFront: false,
  signIn: { pending: false, error: null },
  format: DEFAULT_TEXT_FORMAT,
  shakes: {},
  seen: {},
  toast: null,
  panel: null,
  link: 'up',
  drafts: {},
};

/** Keep (or, when empty, forget) a conversation's unsent text. */
export function keepDraft(ui: UiSlice, conversationId: string, text: string): UiSlice {
  if ((ui.drafts[conversationId] ?? '') === text) return ui;
  const { [conversationId]: _old, ...rest } = ui.drafts;
  return { ...ui, drafts: text === '' ? rest : { ...rest, [conversationId]: text } };
}

export function toggleCollapsed(ui: UiSlice, key: string): UiSlice {
  const { [key]: was, ...rest } = ui.collapsed;
  return { ...ui, collapsed: was ? rest : { ...rest, [key]: true } };
}

export function noteNudge(ui: UiSlice, conversationId: string): UiSlice {
  return { ...ui, shakes: { ...ui.shakes, [conversationId]: (ui.shakes[conversationId] ?? 0) + 1 } };
}

export function markSeen(ui: UiSlice, conversationId: string, count: number): UiSlice {
  if (ui.seen[conversationId] === count) return ui;
  return { ...ui, seen: { ...ui.seen, [conversationId]: count } };
}
