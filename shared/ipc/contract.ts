/**
 * THE one IPC contract between a window (renderer) and the backend (ARCHITECTURE.md §5): every
 * command with its input schema and result type, and every event. The Electron preload, the main
 * process binding, the web host and the renderer bridge are all derived from this object; no
 * channel name or command name is written anywhere else.
 */
import { z } from 'zod';
import { MY_STATUSES, type Group } from '../model';
import type { AppEvent } from './events';
import type { AppSnapshot, SignInDefaults } from './snapshot';
import type { ConsoleEntryInfo, HistoryConversationInfo, HistoryExportInfo, HistoryPageInfo, HistorySearchHitInfo } from './history-types';
import { preferencesPatchSchema, type Preferences } from './preferences';
import { myPictureInputSchema } from './pictures';
import { fileCommandInputs } from './files';
import { emoticonShortcutSchema, myEmoticonInputSchema } from './emoticons';

/** Phantom marker carrying a command's result type (no runtime value is ever read). */
export interface Returns<T> {
  readonly __returns?: T;
}
function returns<T>(): Returns<T> {
  return {};
}

// Limits from MSNP.md §8 (handles are e-mail addresses, at most 129 bytes; names 387 bytes
// URL-encoded); the codec enforces the exact byte limits, these only bound what crosses IPC.
const MAX_HANDLE = 129;
const MAX_NAME = 387;
const MAX_PERSONAL_MESSAGE = 1024;
/**
 * What one message may hold. A switchboard MSG payload is at most 1664 bytes (MSNP.md §6.4, §8);
 * the client splits longer text into several messages, so this only bounds what crosses IPC.
 */
export const MAX_MESSAGE_TEXT = 4096;

const id = z.string().min(1).max(200);
const handle = z.email().max(MAX_HANDLE).transform((s) => s.toLowerCase());
const groupId = id;

export const serverProfileSchema = z.discriminatedUnion('kind', [
  /** The bundled server, started on this computer's loopback interface. */
  z.object({ kind: z.literal('local') }),
  /** Any other MSNP server, e.g. Escargot: its dispatch host and port, and the Nexus URL for MSNP8+. */
  z.object({
    kind: z.literal('custom'),
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'a host name or IP address'),
    port: z.number().int().min(1).max(65535),
    nexusUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  }),
]);
export type ServerProfile = z.infer<typeof serverProfileSchema>;

export const textFormatSchema = z.object({
  font: z.string().max(64),
  bold: z.boolean(),
  italic: z.boolean(),
  underline: z.boolean(),
  strikethrough: z.boolean(),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  rightToLeft: z.boolean().optional(),
});

const none = z.object({}).strict();
const byHandle = z.object({ handle }).strict();
const byConversation = z.object({ conversationId: id }).strict();

export const contract = {
  commands: {
    /** The state this window starts from, and the sequence number of the last event it includes. */
    snapshot: { input: none, output: returns<AppSnapshot>() },
    /** Saved profiles and the remembered account for the sign-in screen. */
    signInDefaults: { input: none, output: returns<SignInDefaults>() },
    /**
     * Resolves when signed in, or with the sign-in error (`wrong-password`, …). An empty password
     * means "the one saved for this account". `notice` says when a password could not be saved.
     */
    signIn: {
      input: z
        .object({
          server: serverProfileSchema,
          handle,
          password: z.string().max(256),
          status: z.enum(MY_STATUSES),
          /** Remember the account (handle, server, status) for the next sign-in. */
          rememberMe: z.boolean(),
          /** Also keep the password, sealed by the OS keychain (desktop app only). */
          rememberPassword: z.boolean().default(false),
          /** "Sign me in automatically" when the app starts (needs the saved password). */
          signInAutomatically: z.boolean().default(false),
          /**
           * Local server only: create this account with this password when it does not exist yet
           * (the user's explicit choice; a new address is otherwise `unknown-account`).
           */
          createAccount: z.boolean().default(false),
        })
        .strict(),
      output: returns<{ notice: string | null }>(),
    },
    cancelSignIn: { input: none, output: returns<null>() },
    signOut: { input: none, output: returns<null>() },
    /** Forget the remembered account (sign-in screen). */
    forgetAccount: { input: byHandle, output: returns<null>() },

    setStatus: { input: z.object({ status: z.enum(MY_STATUSES) }).strict(), output: returns<null>() },
    setFriendlyName: { input: z.object({ name: z.string().trim().min(1).max(MAX_NAME) }).strict(), output: returns<null>() },
    setPersonalMessage: { input: z.object({ text: z.string().max(MAX_PERSONAL_MESSAGE) }).strict(), output: returns<null>() },

    addContact: { input: z.object({ handle, groupId: groupId.optional() }).strict(), output: returns<null>() },
    removeContact: { input: byHandle, output: returns<null>() },
    blockContact: { input: byHandle, output: returns<null>() },
    unblockContact: { input: byHandle, output: returns<null>() },
    /** `fromGroupId` null: the contact is ungrouped. */
    moveContact: {
      input: z.object({ handle, fromGroupId: groupId.nullable(), toGroupId: groupId }).strict(),
      output: returns<null>(),
    },
    copyContact: { input: z.object({ handle, toGroupId: groupId }).strict(), output: returns<null>() },
    /** Answer someone who added me: allow them and add them to my list, just allow, or block. */
    answerAddRequest: {
      input: z.object({ handle, decision: z.enum(['allow-and-add', 'allow', 'block']) }).strict(),
      output: returns<null>(),
    },

    createGroup: { input: z.object({ name: z.string().trim().min(1).max(61) }).strict(), output: returns<Group>() },
    renameGroup: { input: z.object({ groupId, name: z.string().trim().min(1).max(61) }).strict(), output: returns<null>() },
    removeGroup: { input: z.object({ groupId }).strict(), output: returns<null>() },

    /** Open (or find) the conversation with exactly these people; returns its id. */
    openConversation: {
      input: z.object({ handles: z.array(handle).min(1).max(20) }).strict(),
      output: returns<{ conversationId: string }>(),
    },
    /** Returns the message id; delivery then progresses through `message.delivery` events. */
    sendMessage: {
      input: z
        .object({ conversationId: id, text: z.string().min(1).max(MAX_MESSAGE_TEXT), format: textFormatSchema.nullable() })
        .strict(),
      output: returns<{ messageId: string }>(),
    },
    /** Send a failed message again; the retry is a new message with a new id. */
    retryMessage: { input: z.object({ conversationId: id, messageId: id }).strict(), output: returns<{ messageId: string }>() },
    sendTyping: { input: byConversation, output: returns<null>() },
    sendNudge: { input: byConversation, output: returns<null>() },
    inviteToConversation: { input: z.object({ conversationId: id, handle }).strict(), output: returns<null>() },
    /** Leave the conversation and close it. */
    closeConversation: { input: byConversation, output: returns<null>() },
    /**
     * Bring the conversation in front: a window of its own in the desktop app; the browser client
     * lays conversations out in its one page and answers `not-supported`.
     */
    showConversation: { input: byConversation, output: returns<null>() },

    /**
     * Which of this app's windows has the OS focus: a conversation (its id), the contact list, or
     * none (another app). Decides whether a message notifies (`attention.requested`) and counts
     * as unread; focusing a conversation also marks it read.
     */
    windowFocused: {
      input: z.object({ target: z.union([z.literal('contact-list'), id]).nullable() }).strict(),
      output: returns<null>(),
    },
    /**
     * The user touched the page (pointer, keys, wheel, touch, focus), rate-limited by the page: the
     * browser client's idle source for automatic Away. The web host answers it; a backend with a
     * better source (the desktop app's system idle time) ignores it.
     */
    reportActivity: { input: none, output: returns<null>() },
    /** The user has seen this conversation (`unread.changed` follows when it had unread entries). */
    markConversationRead: { input: byConversation, output: returns<null>() },

    /**
     * My display picture (issue 10): a 96x96 PNG the page made, or none. Kept per account and
     * announced from MSNP9 on (older dialects keep it for later); `picture.mine` follows.
     * Needs a signed-in account: the picture is that account's, re-applied at its every sign-in.
     */
    setDisplayPicture: { input: z.object({ picture: myPictureInputSchema }).strict(), output: returns<null>() },

    /**
     * File transfer (issue 11). Offer a file to one person of the conversation (in a group, the one
     * the user picked): a path resolved by the desktop preload, or a finished upload (web mode).
     * Returns the transfer's id; `transfer.changed` / `transfer.progress` follow.
     */
    sendFile: { input: fileCommandInputs.sendFile, output: returns<{ transferId: string }>() },
    /** Web mode: start streaming a file to the host (the page cannot give a path). */
    beginFileUpload: { input: fileCommandInputs.beginFileUpload, output: returns<{ uploadId: string }>() },
    /** The next chunk (base64, at most 32 KB, at the offset of what arrived so far). */
    uploadFileChunk: { input: fileCommandInputs.uploadFileChunk, output: returns<{ received: number }>() },
    cancelFileUpload: { input: fileCommandInputs.cancelFileUpload, output: returns<null>() },
    /** Accept an offer into the download folder (or where the user says, with "ask where to save"). */
    acceptFile: { input: fileCommandInputs.acceptFile, output: returns<null>() },
    /** "Save as...": the desktop app asks where; the browser client accepts into the download folder. */
    acceptFileAs: { input: fileCommandInputs.acceptFileAs, output: returns<null>() },
    declineFile: { input: fileCommandInputs.declineFile, output: returns<null>() },
    /** Cancel a transfer at any point before its end (either direction). */
    cancelFile: { input: fileCommandInputs.cancelFile, output: returns<null>() },
    /** Desktop: open a received file (an executable is shown in its folder instead). */
    openReceivedFile: { input: fileCommandInputs.openReceivedFile, output: returns<null>() },
    /** Desktop: show a received file in its folder. */
    showReceivedFile: { input: fileCommandInputs.showReceivedFile, output: returns<null>() },
    /** Web mode: a same-origin link (with an unguessable token) that downloads a received file. */
    fileDownloadLink: { input: fileCommandInputs.fileDownloadLink, output: returns<{ url: string }>() },

    /**
     * One of my custom emoticons (issue 10): a shortcut of up to 7 characters and a small image the
     * page made (PNG, JPEG, GIF or BMP, at most 16 KB); an existing shortcut gets the new image.
     * Kept per account, announced before every message that uses it (MSNP9+); `emoticon.mine` follows.
     */
    defineEmoticon: { input: z.object({ emoticon: myEmoticonInputSchema }).strict(), output: returns<null>() },
    /** Gives one of my emoticons another shortcut (not one I already use); `emoticon.mine` follows. */
    renameEmoticon: { input: z.object({ shortcut: emoticonShortcutSchema, to: emoticonShortcutSchema }).strict(), output: returns<null>() },
    /** Deletes one of my emoticons; `emoticon.mine` follows. */
    removeEmoticon: { input: z.object({ shortcut: emoticonShortcutSchema }).strict(), output: returns<null>() },

    /** The preferences (also in every snapshot, kept current by `preferences.changed`). */
    getPreferences: { input: none, output: returns<Preferences>() },
    /** Change some preference fields; returns them all. `preferences.changed` follows. */
    updatePreferences: { input: preferencesPatchSchema, output: returns<Preferences>() },

    /** The signed-in account's logged conversations, most recently active first. */
    historyList: {
      input: z.object({ limit: z.number().int().min(1).max(500).default(100), offset: z.number().int().min(0).default(0) }).strict(),
      output: returns<readonly HistoryConversationInfo[]>(),
    },
    /**
     * A logged conversation's newest entries (older than `beforeEntryId`). Either a history id, or
     * a live conversation (`liveConversationId`: the log it is being written to, if any).
     */
    historyRecent: {
      input: z
        .object({
          historyId: z.number().int().positive().optional(),
          liveConversationId: id.optional(),
          limit: z.number().int().min(1).max(500).default(50),
          beforeEntryId: z.number().int().positive().optional(),
        })
        .strict(),
      output: returns<(HistoryPageInfo & { conversation: HistoryConversationInfo }) | null>(),
    },
    /** The page around one entry (jump to a search hit). */
    historyAround: {
      input: z
        .object({
          entryId: z.number().int().positive(),
          before: z.number().int().min(0).max(500).default(25),
          after: z.number().int().min(0).max(500).default(25),
        })
        .strict(),
      output: returns<(HistoryPageInfo & { conversation: HistoryConversationInfo }) | null>(),
    },
    /** Full-text search across the account's logs (plain words; nothing reaches FTS5 syntax). */
    historySearch: {
      input: z
        .object({
          query: z.string().max(256),
          historyId: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict(),
      output: returns<readonly HistorySearchHitInfo[]>(),
    },
    /** A conversation as plain text or one HTML file, with a suggested file name. */
    historyExport: {
      input: z.object({ historyId: z.number().int().positive(), format: z.enum(['text', 'html']) }).strict(),
      output: returns<HistoryExportInfo>(),
    },
    historyDelete: { input: z.object({ historyId: z.number().int().positive() }).strict(), output: returns<null>() },
    /** Delete the signed-in account's whole history. */
    historyDeleteAll: { input: none, output: returns<null>() },

    /** Masked protocol traffic newer than `sinceSeq` (the protocol console polls it). */
    consoleEntries: {
      input: z.object({ sinceSeq: z.number().int().min(0).default(0) }).strict(),
      output: returns<{ entries: readonly ConsoleEntryInfo[]; dropped: boolean }>(),
    },
    /** The whole masked buffer as text, to paste into a bug report. */
    consoleReport: { input: none, output: returns<string>() },
    consoleClear: { input: none, output: returns<null>() },
  },
} as const;

export type Commands = typeof contract.commands;
export type CommandName = keyof Commands;
/** What a window passes (before validation: e.g. handles may have upper case). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** What the backend receives (after validation and normalisation). */
export type ValidCommandInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = Commands[K]['output'] extends Returns<infer T> ? T : never;

export const COMMAND_NAMES = Object.keys(contract.commands) as CommandName[];

export function isCommandName(x: unknown): x is CommandName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(contract.commands, x);
}

/** One event as delivered to windows: numbered so a late window can line it up with a snapshot. */
export interface SequencedEvent {
  readonly seq: number;
  /** When the backend emitted it (epoch ms). */
  readonly at: number;
  readonly event: AppEvent;
}

/** Electron channel names, derived from the command names. */
export const CHANNEL_PREFIX = 'monarch:';
export function commandChannel(name: CommandName): string {
  return `${CHANNEL_PREFIX}${name}`;
}
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;
