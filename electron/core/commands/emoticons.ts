/**
 * Custom-emoticon commands (issue 10): define, rename and delete my emoticons (kept per account,
 * given to the client core, which announces them before every message that uses them, MSNP9+),
 * and what a sign-in needs: my stored emoticons defined in the new client and shown to the
 * windows, and contacts' emoticons forwarded and fetched while the session lasts.
 */
import { MAX_MY_EMOTICONS, type AppEvent, type MyEmoticonInfo } from '../../../shared/ipc';
import { computeSha1d } from '../../../shared/msnp';
import type { ClientPort, EmoticonPort } from '../client-port';
import { ContactEmoticons } from '../emoticons/contact-emoticons';
import { EmoticonCache } from '../emoticons/emoticon-cache';
import type { StoredEmoticon } from '../emoticons/my-emoticon-store';
import { sniffPicture } from '../msn/p2p/image';
import type { CommandContext, CommandHandlerSet } from './context';
import { InvalidInputError, NotFoundError, UnsupportedError } from './errors';

function bytesOf(e: StoredEmoticon): Uint8Array {
  return new Uint8Array(Buffer.from(e.data, 'base64'));
}

/** What windows see; an entry whose bytes are not an image (cannot happen after define) is left out. */
export function infoOf(list: readonly StoredEmoticon[]): MyEmoticonInfo[] {
  const out: MyEmoticonInfo[] = [];
  for (const e of list) {
    const bytes = bytesOf(e);
    const mime = sniffPicture(bytes);
    if (mime !== undefined) out.push({ shortcut: e.shortcut, sha1d: computeSha1d(bytes), dataUrl: `data:${mime};base64,${e.data}` });
  }
  return out;
}

/** The client core refuses what it cannot announce (a P2pError `bad-data`): say why, in the user's words. */
function define(port: EmoticonPort, e: StoredEmoticon): void {
  try {
    port.define(e.shortcut, bytesOf(e));
  } catch (err) {
    throw new InvalidInputError(`The emoticon ${e.shortcut} cannot be used: ${(err as Error).message}.`);
  }
}

type EmoticonCommands = 'defineEmoticon' | 'renameEmoticon' | 'removeEmoticon';

export function emoticonCommands(ctx: CommandContext): CommandHandlerSet<EmoticonCommands> {
  /** The signed-in account, its client's emoticons and its stored list. */
  const session = () => {
    const client = ctx.live.connected();
    const store = ctx.options.myEmoticons;
    const port = client.emoticons;
    if (!store || !port) throw new UnsupportedError('This app cannot keep custom emoticons.');
    const account = ctx.live.account as string;
    return { port, store, account, list: store.load(account) };
  };
  const saved = (store: NonNullable<CommandContext['options']['myEmoticons']>, account: string, list: StoredEmoticon[]) => {
    store.save(account, list);
    ctx.emit({ type: 'emoticon.mine', emoticons: infoOf(list) });
    return null;
  };

  return {
    defineEmoticon: ({ emoticon }) => {
      const { port, store, account, list } = session();
      const at = list.findIndex((e) => e.shortcut === emoticon.shortcut);
      if (at < 0 && list.length >= MAX_MY_EMOTICONS) throw new InvalidInputError(`You can have at most ${MAX_MY_EMOTICONS} emoticons; delete one first.`);
      // The core checks the bytes again (a PNG, JPEG, GIF or BMP of at most 64 KiB) before anything is kept.
      define(port, emoticon);
      const next = list.slice();
      if (at < 0) next.push(emoticon);
      else next[at] = emoticon;
      return saved(store, account, next);
    },
    renameEmoticon: ({ shortcut, to }) => {
      const { port, store, account, list } = session();
      const at = list.findIndex((e) => e.shortcut === shortcut);
      if (at < 0) throw new NotFoundError(`You have no emoticon ${shortcut}.`);
      if (to === shortcut) return null;
      if (list.some((e) => e.shortcut === to)) throw new InvalidInputError(`You already have an emoticon ${to}.`);
      const renamed = { shortcut: to, data: (list[at] as StoredEmoticon).data };
      define(port, renamed);
      port.remove(shortcut);
      const next = list.slice();
      next[at] = renamed;
      return saved(store, account, next);
    },
    removeEmoticon: ({ shortcut }) => {
      const { port, store, account, list } = session();
      if (!list.some((e) => e.shortcut === shortcut)) throw new NotFoundError(`You have no emoticon ${shortcut}.`);
      port.remove(shortcut);
      return saved(
        store,
        account,
        list.filter((e) => e.shortcut !== shortcut),
      );
    },
  };
}

export interface SessionEmoticons {
  stop(): void;
}

/**
 * At sign-in: the account's stored emoticons go to the new client (the core announces them with
 * the messages that use them) and to the windows; contacts' announcements are forwarded and their
 * images fetched. Returns what stops it at the end of the session.
 */
export function startEmoticons(ctx: CommandContext, client: ClientPort, account: string): SessionEmoticons {
  const port = client.emoticons;
  const stored = ctx.options.myEmoticons?.load(account) ?? [];
  const usable: StoredEmoticon[] = [];
  for (const e of stored) {
    try {
      port?.define(e.shortcut, bytesOf(e));
      usable.push(e);
    } catch (err) {
      console.warn(`Custom emoticon ${e.shortcut}: ${(err as Error).message}`);
    }
  }
  const mine = infoOf(usable);
  const before = ctx.state().emoticons.mine;
  if (before.length !== mine.length || before.some((b, i) => b.shortcut !== mine[i]?.shortcut || b.sha1d !== mine[i]?.sha1d)) ctx.emit({ type: 'emoticon.mine', emoticons: mine });
  if (!port) return { stop: () => undefined };
  const dir = ctx.options.emoticonCacheDir;
  const contacts = new ContactEmoticons({
    port,
    cache: dir ? new EmoticonCache(dir) : null,
    isShown: (sha1d) => sha1d in ctx.state().emoticons.images,
    emit: (e: AppEvent) => ctx.emit(e),
    warn: (m) => console.warn(m),
  });
  return { stop: () => contacts.dispose() };
}
