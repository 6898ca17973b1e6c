/**
 * Which events interrupt the user, and how: a desktop notification ("toast"), a sound, an unread
 * count, a flash of the taskbar button. `decideNotification` is pure; the shell shows the toast
 * (Electron `Notification`), plays the sound and sets the badge/tray count.
 *
 * Rules (each one has a test)
 * - Nothing while signed out, nothing about blocked contacts, nothing for my own messages.
 * - "Signed in" toasts only for a real sign-in: not for contacts already online when I sign in
 *   (the initial presence burst after the contact list arrives), not for status changes between
 *   online states.
 * - A message or nudge in the conversation window that has the focus: no toast, no unread, and
 *   for a message no sound (the user is reading it). A nudge still plays its sound (the window
 *   shakes). Anywhere else: unread +1, taskbar flash, toast and sound per settings.
 * - An incoming file offer gets the attention of a message (it waits for an answer just the same):
 *   the message settings for its toast and sound, nothing when its conversation has the focus
 *   (the offer shows there), else unread +1, taskbar flash, toast and sound.
 * - Busy with "do not disturb when Busy" on: no toasts and no sounds; unread counts still count.
 * - Mute silences every sound; each sound and each kind of toast can be turned off on its own.
 * - Toast text is plain text; message text is cut to one short line, or hidden by setting.
 */
import { STATUS_LABELS, type ContactStatus, type MyStatus } from '../../../shared/model';

export type NotificationEvent =
  | { readonly kind: 'contact-signed-in'; readonly handle: string; readonly name: string; readonly status: ContactStatus }
  | {
      readonly kind: 'message';
      readonly conversationId: string;
      readonly direction: 'incoming' | 'outgoing';
      readonly handle: string;
      readonly name: string;
      readonly text: string;
    }
  | { readonly kind: 'nudge'; readonly conversationId: string; readonly handle: string; readonly name: string }
  | {
      readonly kind: 'file-offer';
      readonly conversationId: string;
      readonly handle: string;
      readonly name: string;
      /** As the sender announced it (untrusted: plain text only). */
      readonly fileName: string;
      /** Already written for people ("1.2 MB"). */
      readonly sizeText: string;
    };

export interface NotificationSettings {
  readonly notifications: {
    readonly contactSignIn: boolean;
    readonly messages: boolean;
    readonly nudges: boolean;
    readonly showMessageText: boolean;
    readonly doNotDisturbWhenBusy: boolean;
  };
  readonly sounds: { readonly muted: boolean; readonly contactSignIn: boolean; readonly message: boolean; readonly nudge: boolean };
}

export interface FocusState {
  /** Some window of the app has the OS focus. */
  readonly appFocused: boolean;
  /** The conversation whose window has the focus (null: the contact list, another app, none). */
  readonly focusedConversationId: string | null;
}

export interface NotificationContext {
  /** My status, or null when signed out. */
  readonly myStatus: MyStatus | null;
  readonly focus: FocusState;
  /** The presence burst right after sign-in (see `SignInWatcher`). */
  readonly initialSync: boolean;
  /** Is the other person on my block list? */
  readonly contactBlocked: boolean;
  readonly settings: NotificationSettings;
}

export type SoundName = 'contact-sign-in' | 'message' | 'nudge';

export type ToastAction =
  | { readonly type: 'open-conversation'; readonly conversationId: string }
  | { readonly type: 'start-conversation'; readonly handle: string };

export interface Toast {
  readonly title: string;
  readonly body: string;
  /** What clicking it does. */
  readonly action: ToastAction;
  /** Toasts with the same tag replace each other (one per conversation / contact). */
  readonly tag: string;
}

export interface NotificationDecision {
  readonly toast: Toast | null;
  readonly sound: SoundName | null;
  /** The conversation whose unread count goes up by one, if any. */
  readonly unreadConversationId: string | null;
  /** Flash the conversation's taskbar button / bounce the dock. */
  readonly attention: boolean;
  /** Why, in words: for logs and tests. */
  readonly reason: string;
}

/** Characters of message text shown in a toast. */
export const TOAST_TEXT_CHARS = 100;

const NOTHING = (reason: string): NotificationDecision => ({ toast: null, sound: null, unreadConversationId: null, attention: false, reason });

/** One line of plain text: whitespace runs collapsed, control characters dropped, cut with "…". */
export function toastText(text: string, max = TOAST_TEXT_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

function label(name: string, handle: string): string {
  const n = toastText(name, 60);
  return n.length > 0 ? n : handle;
}

export function decideNotification(event: NotificationEvent, ctx: NotificationContext): NotificationDecision {
  if (ctx.myStatus === null) return NOTHING('signed out');
  if (ctx.contactBlocked) return NOTHING('blocked contact');
  const dnd = ctx.myStatus === 'busy' && ctx.settings.notifications.doNotDisturbWhenBusy;
  const sounds = ctx.settings.sounds;
  const soundIf = (enabled: boolean, name: SoundName): SoundName | null => (enabled && !sounds.muted && !dnd ? name : null);
  const who = label(event.name, event.handle);

  switch (event.kind) {
    case 'contact-signed-in': {
      if (ctx.initialSync) return NOTHING('already online when I signed in');
      if (event.status === 'offline') return NOTHING('not a sign-in');
      const toast: Toast | null =
        ctx.settings.notifications.contactSignIn && !dnd
          ? {
              title: `${who} has just signed in.`,
              body: event.status === 'online' ? '' : STATUS_LABELS[event.status],
              action: { type: 'start-conversation', handle: event.handle },
              tag: `presence:${event.handle}`,
            }
          : null;
      return { toast, sound: soundIf(sounds.contactSignIn, 'contact-sign-in'), unreadConversationId: null, attention: false, reason: dnd ? 'busy: do not disturb' : 'contact signed in' };
    }
    case 'message': {
      if (event.direction === 'outgoing') return NOTHING('my own message');
      if (isFocused(ctx.focus, event.conversationId)) return NOTHING('conversation has the focus');
      const toast: Toast | null =
        ctx.settings.notifications.messages && !dnd
          ? {
              title: `${who} says:`,
              body: ctx.settings.notifications.showMessageText ? toastText(event.text) : 'New message',
              action: { type: 'open-conversation', conversationId: event.conversationId },
              tag: `conversation:${event.conversationId}`,
            }
          : null;
      return {
        toast,
        sound: soundIf(sounds.message, 'message'),
        unreadConversationId: event.conversationId,
        attention: true,
        reason: dnd ? 'busy: do not disturb' : 'message in a conversation without focus',
      };
    }
    case 'file-offer': {
      if (isFocused(ctx.focus, event.conversationId)) return NOTHING('conversation has the focus');
      const toast: Toast | null =
        ctx.settings.notifications.messages && !dnd
          ? {
              title: `${who} wants to send you a file:`,
              body: `${toastText(event.fileName, 80)} (${event.sizeText})`,
              action: { type: 'open-conversation', conversationId: event.conversationId },
              tag: `conversation:${event.conversationId}`,
            }
          : null;
      return {
        toast,
        sound: soundIf(sounds.message, 'message'),
        unreadConversationId: event.conversationId,
        attention: true,
        reason: dnd ? 'busy: do not disturb' : 'file offer in a conversation without focus',
      };
    }
    case 'nudge': {
      if (isFocused(ctx.focus, event.conversationId)) {
        return { toast: null, sound: soundIf(sounds.nudge, 'nudge'), unreadConversationId: null, attention: false, reason: 'nudge in the focused conversation' };
      }
      const toast: Toast | null =
        ctx.settings.notifications.nudges && !dnd
          ? {
              title: `${who} just sent you a nudge!`,
              body: '',
              action: { type: 'open-conversation', conversationId: event.conversationId },
              tag: `conversation:${event.conversationId}`,
            }
          : null;
      return {
        toast,
        sound: soundIf(sounds.nudge, 'nudge'),
        unreadConversationId: event.conversationId,
        attention: true,
        reason: dnd ? 'busy: do not disturb' : 'nudge in a conversation without focus',
      };
    }
  }
}

function isFocused(focus: FocusState, conversationId: string): boolean {
  return focus.appFocused && focus.focusedConversationId === conversationId;
}
