/**
 * The domain events: everything the MSN client reports, in the past tense. The IPC contract
 * forwards these unchanged (ARCHITECTURE.md §4, §5), so every payload is plain serialisable data
 * (no classes, no Dates: times are epoch ms).
 */
import type { Contact, CurrentMedia, Group, Privacy, SelfProfile } from './contacts';
import type { ChatMessage, Conversation, DeliveryFailure, DeliveryState, Participant } from './conversation';
import type { SignInError } from './errors';
import type { ContactStatus } from './presence';

export type ConnectionStatus =
  /** Not signed in; `error` says why when it was not the user's choice. */
  | 'signed-out'
  /** Opening the connection, negotiating the protocol version. */
  | 'connecting'
  /** Password / Passport exchange. */
  | 'authenticating'
  /** Downloading the contact list. */
  | 'syncing'
  | 'online'
  /** The connection dropped; a new attempt is scheduled at `retryAt`. */
  | 'reconnecting';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  readonly error?: SignInError;
  /** `reconnecting`: epoch ms of the next attempt, and its number (1, 2, …). */
  readonly retryAt?: number;
  readonly attempt?: number;
  /** Negotiated protocol version once known, e.g. "MSNP12" (for an about box / diagnostics). */
  readonly protocol?: string;
}

/** Kinds of content the client does not render but must not drop silently. */
export type UnsupportedContentKind =
  /** Application invitation: file transfer (MSNFTP), NetMeeting, voice … (MSNP.md §6.10). */
  | 'invitation'
  /** Peer-to-peer data: display pictures, custom emoticons, file transfer (MSNP.md §6.5). */
  | 'p2p'
  /** Custom emoticon definitions (MSNP.md §6.9). */
  | 'custom-emoticon'
  /** Datacast other than a nudge: wink, voice clip, action (MSNP.md §6.8). */
  | 'datacast'
  /** Ink (handwriting). */
  | 'ink'
  /** A notification from the server we do not handle (alerts, unknown NS messages). */
  | 'server-notification'
  | 'unknown';

export interface DomainEventMap {
  'connection.changed': { readonly state: ConnectionState };
  /** The contact list is ready (after sign-in and after every reconnect): a full replacement. */
  'contact-list.synced': {
    readonly self: SelfProfile;
    readonly contacts: readonly Contact[];
    readonly groups: readonly Group[];
    readonly privacy: Privacy;
  };
  /** My status, name or personal message changed (confirmed by the server). */
  'self.changed': { readonly self: SelfProfile };
  /** A contact's status or own name changed. */
  'presence.changed': { readonly handle: string; readonly status: ContactStatus; readonly friendlyName: string };
  'personal-message.changed': {
    readonly handle: string;
    readonly personalMessage: string;
    readonly currentMedia: CurrentMedia | null;
  };
  'contact.added': { readonly contact: Contact };
  /** List membership, groups or stored name changed. */
  'contact.updated': { readonly contact: Contact };
  /** The handle is on none of my lists any more. */
  'contact.removed': { readonly handle: string };
  /** Someone put me on their contact list. `needsDecision`: ask me to allow or block. */
  'contact.added-me': { readonly handle: string; readonly friendlyName: string; readonly needsDecision: boolean };
  'contact.removed-me': { readonly handle: string };
  'group.added': { readonly group: Group };
  'group.renamed': { readonly group: Group };
  'group.removed': { readonly groupId: string };
  'privacy.changed': { readonly privacy: Privacy };
  /** A conversation exists (I opened one, or someone invited me). Participants may still be joining. */
  'conversation.started': { readonly conversation: Conversation };
  'conversation.participant-joined': { readonly conversationId: string; readonly participant: Participant };
  /** `idle`: the server removed them for inactivity (not a deliberate goodbye). */
  'conversation.participant-left': { readonly conversationId: string; readonly handle: string; readonly idle: boolean };
  /** I closed the conversation (or signed out). */
  'conversation.closed': { readonly conversationId: string };
  /** My message was accepted for sending (delivery `sending`). */
  'message.queued': { readonly message: ChatMessage };
  'message.received': { readonly message: ChatMessage };
  'message.delivery': {
    readonly conversationId: string;
    readonly messageId: string;
    readonly delivery: DeliveryState;
    readonly failure?: DeliveryFailure;
  };
  /** `handle` is typing; show it until a message from them arrives or ~6 s pass (MSNP.md §6.7). */
  'typing.received': { readonly conversationId: string; readonly handle: string; readonly at: number };
  'nudge.received': { readonly conversationId: string; readonly handle: string; readonly at: number };
  /** Something arrived that we do not render. `conversationId` null = from the server itself. */
  'content.unsupported': {
    readonly conversationId: string | null;
    readonly sender: string;
    readonly kind: UnsupportedContentKind;
    /** The MIME type or command as received, e.g. "text/x-msmsgsinvite". */
    readonly contentType: string;
    /** A line a UI can show, e.g. 'bob@example.com wants to send you "readme.txt" (60904 bytes)'. */
    readonly summary: string;
    readonly at: number;
  };
  /** Notices from the service: maintenance warnings, mail counts. */
  'server.notice': {
    readonly kind: 'maintenance' | 'mail';
    readonly text: string;
    /** maintenance: minutes until shutdown. */
    readonly minutes?: number;
    readonly at: number;
  };
}

export type DomainEventType = keyof DomainEventMap;

/** One event: `{ type: 'presence.changed', handle, status, friendlyName }`. */
export type DomainEvent = { [K in DomainEventType]: { readonly type: K } & DomainEventMap[K] }[DomainEventType];

export type DomainEventOf<K extends DomainEventType> = Extract<DomainEvent, { type: K }>;

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  'connection.changed',
  'contact-list.synced',
  'self.changed',
  'presence.changed',
  'personal-message.changed',
  'contact.added',
  'contact.updated',
  'contact.removed',
  'contact.added-me',
  'contact.removed-me',
  'group.added',
  'group.renamed',
  'group.removed',
  'privacy.changed',
  'conversation.started',
  'conversation.participant-joined',
  'conversation.participant-left',
  'conversation.closed',
  'message.queued',
  'message.received',
  'message.delivery',
  'typing.received',
  'nudge.received',
  'content.unsupported',
  'server.notice',
];
