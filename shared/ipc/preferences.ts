/**
 * The user's preferences: one definition of their sections and fields, used for IPC (the patch
 * the renderer sends) and by the settings file (electron/core/settings/schema.ts), which validates
 * each section again on write and fills defaults on read.
 */
import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
/** How contacts' display pictures show in the contact list (issue 10). */
export const CONTACT_PICTURE_SIZES = ['small', 'large', 'none'] as const;
export type ContactPictureSize = (typeof CONTACT_PICTURE_SIZES)[number];
export const IDLE_STATUSES = ['idle', 'away'] as const;
export const MIN_IDLE_MINUTES = 1;
export const MAX_IDLE_MINUTES = 240;
/** The largest "maximum size to accept" (1 TB, in MB); 0 means no limit. */
export const MAX_ACCEPT_MB_LIMIT = 1024 * 1024;

/** An absolute path on any desktop OS (POSIX, `C:\\…`, or a `\\\\server\\share` path), without NUL. */
function isAbsolutePath(p: string): boolean {
  return !p.includes('\u0000') && (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'));
}

/** Strict shapes of the preference sections. */
export const preferenceSections = {
  notifications: z
    .object({
      contactSignIn: z.boolean(),
      messages: z.boolean(),
      nudges: z.boolean(),
      /** Show the message text in the toast (off = "New message from Bob"). */
      showMessageText: z.boolean(),
      /** No toasts or sounds while my status is Busy. */
      doNotDisturbWhenBusy: z.boolean(),
    })
    .strict(),
  sounds: z.object({ muted: z.boolean(), contactSignIn: z.boolean(), message: z.boolean(), nudge: z.boolean() }).strict(),
  history: z.object({ enabled: z.boolean() }).strict(),
  idle: z
    .object({
      enabled: z.boolean(),
      minutes: z.number().int().min(MIN_IDLE_MINUTES).max(MAX_IDLE_MINUTES),
      /** What to switch to: Idle (the protocol's automatic-away state, shown as Away) or Away. */
      status: z.enum(IDLE_STATUSES),
    })
    .strict(),
  /** Received files (issue 11). */
  files: z
    .object({
      /** Where received files go; '' = the Monarch folder in the user's Downloads. */
      downloadFolder: z
        .string()
        .max(4096)
        .refine((p) => p === '' || isAbsolutePath(p), 'a full path to a folder'),
      /** Accept asks where to save each file (desktop app). */
      askWhereToSave: z.boolean(),
      /** Offers larger than this many MB are declined (shown as "too large"); 0 = no limit. */
      maxAcceptMB: z.number().int().min(0).max(MAX_ACCEPT_MB_LIMIT),
    })
    .strict(),
  appearance: z.object({ theme: z.enum(THEMES), showTimestamps: z.boolean(), contactPictures: z.enum(CONTACT_PICTURE_SIZES) }).strict(),
} as const;

/** How the contact list is sorted: by group (MSN's default) or by status (Online, then Offline). */
export const CONTACT_LIST_SORTS = ['group', 'status'] as const;
export type ContactListSort = (typeof CONTACT_LIST_SORTS)[number];

/**
 * The contact list's view ("Sort Contacts by Group/Status", "Show Offline Contacts"). Unlike the
 * sections above, which hold for the whole installation, this one is kept per signed-in account,
 * as MSN Messenger kept it per .NET Passport: two people sharing a computer each see their own
 * list their own way. The backend sends the signed-in account's view in `preferences`.
 */
export const contactListViewSchema = z.object({ sortBy: z.enum(CONTACT_LIST_SORTS), showOffline: z.boolean() }).strict();
export type ContactListView = Readonly<z.infer<typeof contactListViewSchema>>;
export const DEFAULT_CONTACT_LIST_VIEW: ContactListView = { sortBy: 'group', showOffline: true };

/** Some fields of some sections; nothing else. */
export const preferencesPatchSchema = z
  .object({
    notifications: preferenceSections.notifications.partial().strict().optional(),
    sounds: preferenceSections.sounds.partial().strict().optional(),
    history: preferenceSections.history.partial().strict().optional(),
    idle: preferenceSections.idle.partial().strict().optional(),
    appearance: preferenceSections.appearance.partial().strict().optional(),
    files: preferenceSections.files.partial().strict().optional(),
    /** The signed-in account's contact list view (refused while signed out). */
    contactList: contactListViewSchema.partial().strict().optional(),
  })
  .strict();
export type PreferencesPatch = z.output<typeof preferencesPatchSchema>;

/** The sections kept for the whole installation. */
export type InstallationPreferences = { readonly [K in keyof typeof preferenceSections]: Readonly<z.infer<(typeof preferenceSections)[K]>> };
/** Everything a window is told: the installation's sections and the signed-in account's view. */
export type Preferences = InstallationPreferences & { readonly contactList: ContactListView };
