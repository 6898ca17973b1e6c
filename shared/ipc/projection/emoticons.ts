/**
 * Custom emoticons (issue 10): mine, contacts' images once fetched, and which custom emoticons
 * each message uses, so a new window shows a transcript exactly as the open ones do.
 *
 * A contact's announcement (MSNP-P2P.md §6.1) comes right before the message that uses it, and
 * is sent again before every such message: the shortcuts it names are bound to that sender's next
 * message in the conversation (those its text contains), and then forgotten. So an old line keeps
 * its picture when the sender later gives the shortcut another image, and a shortcut the sender
 * no longer announces is text again.
 */
import type { MyEmoticonInfo } from '../emoticons';
import type { AppEvent } from '../events';

/** shortcut → SHA1D */
export type EmoticonBinding = Readonly<Record<string, string>>;

export interface EmoticonsSlice {
  readonly mine: readonly MyEmoticonInfo[];
  /** SHA1D → `data:` URL of contacts' emoticons fetched so far (the newest few hundred). */
  readonly images: Readonly<Record<string, string>>;
  /** conversationId → sender → what they announced for their next message. */
  readonly announced: Readonly<Record<string, Readonly<Record<string, EmoticonBinding>>>>;
  /** messageId → the custom emoticons its text uses. */
  readonly byMessage: Readonly<Record<string, EmoticonBinding>>;
}

export const initialEmoticons: EmoticonsSlice = { mine: [], images: {}, announced: {}, byMessage: {} };

/** Contacts' images kept (each at most 64 KiB in the client core, issue 10). */
export const MAX_EMOTICON_IMAGES_KEPT = 256;
/** Shortcuts remembered per sender and conversation (the client core keeps 64 per contact). */
const MAX_ANNOUNCED_PER_SENDER = 64;

function bindingFor(text: string, known: Iterable<readonly [string, string]>): EmoticonBinding | undefined {
  let out: Record<string, string> | undefined;
  for (const [shortcut, sha1d] of known) {
    if (!text.includes(shortcut)) continue;
    out ??= {};
    out[shortcut] = sha1d;
  }
  return out;
}

function keepNewest<T>(record: Readonly<Record<string, T>>, max: number): Readonly<Record<string, T>> {
  const keys = Object.keys(record);
  if (keys.length <= max) return record;
  return Object.fromEntries(keys.slice(keys.length - max).map((k) => [k, record[k] as T]));
}

export function reduceEmoticons(state: EmoticonsSlice, event: AppEvent): EmoticonsSlice {
  switch (event.type) {
    case 'emoticon.mine':
      return { ...state, mine: event.emoticons };
    case 'emoticon.announced': {
      const sender = event.sender.toLowerCase();
      const inConversation = state.announced[event.conversationId] ?? {};
      // Re-announced shortcuts move to the end, so the oldest are the ones dropped.
      const next: Record<string, string> = { ...inConversation[sender] };
      for (const e of event.emoticons) {
        delete next[e.shortcut];
        next[e.shortcut] = e.sha1d;
      }
      const bounded = keepNewest(next, MAX_ANNOUNCED_PER_SENDER);
      return { ...state, announced: { ...state.announced, [event.conversationId]: { ...inConversation, [sender]: bounded } } };
    }
    case 'emoticon.ready': {
      if (state.images[event.sha1d] === event.dataUrl) return state;
      const { [event.sha1d]: _old, ...rest } = state.images;
      return { ...state, images: keepNewest({ ...rest, [event.sha1d]: event.dataUrl }, MAX_EMOTICON_IMAGES_KEPT) };
    }
    case 'message.received': {
      const m = event.message;
      const sender = m.sender.toLowerCase();
      const inConversation = state.announced[m.conversationId];
      const known = inConversation?.[sender];
      if (inConversation === undefined || known === undefined) return state;
      const { [sender]: _used, ...others } = inConversation;
      const { [m.conversationId]: _conversation, ...otherConversations } = state.announced;
      const announced = Object.keys(others).length === 0 ? otherConversations : { ...otherConversations, [m.conversationId]: others };
      const binding = bindingFor(m.text, Object.entries(known));
      return { ...state, announced, byMessage: binding === undefined ? state.byMessage : { ...state.byMessage, [m.id]: binding } };
    }
    case 'message.queued': {
      const m = event.message;
      if (m.direction !== 'outgoing' || state.mine.length === 0) return state;
      const binding = bindingFor(m.text, state.mine.map((e) => [e.shortcut, e.sha1d] as const));
      return binding === undefined ? state : { ...state, byMessage: { ...state.byMessage, [m.id]: binding } };
    }
    // Another account's contacts are other people.
    case 'sign-in.started':
      return Object.keys(state.announced).length === 0 ? state : { ...state, announced: {} };
    default:
      return state;
  }
}
