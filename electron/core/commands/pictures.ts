/**
 * Display-picture commands (issue 10): set my picture (kept per account, announced from MSNP9 on),
 * and what a sign-in needs: my stored picture applied before the first presence, and contacts'
 * pictures fetched and forwarded while the session lasts.
 */
import type { AppEvent, AppState, MyPictureInfo } from '../../../shared/ipc';
import type { ClientPort } from '../client-port';
import { ContactPictures } from '../pictures/contact-pictures';
import type { StoredPicture } from '../pictures/my-picture-store';
import type { CommandContext, CommandHandlerSet } from './context';
import { UnsupportedError } from './errors';

function infoOf(stored: StoredPicture | null): MyPictureInfo | null {
  return stored === null ? null : { dataUrl: `data:image/png;base64,${stored.png}`, builtin: stored.builtin };
}

function bytesOf(stored: StoredPicture | null): Uint8Array | null {
  return stored === null ? null : new Uint8Array(Buffer.from(stored.png, 'base64'));
}

export function pictureCommands(ctx: CommandContext): CommandHandlerSet<'setDisplayPicture'> {
  return {
    setDisplayPicture: async ({ picture }) => {
      const client = ctx.live.connected();
      const store = ctx.options.myPictures;
      if (!store) throw new UnsupportedError('This app cannot keep a display picture.');
      const account = ctx.live.account as string;
      const stored: StoredPicture | null = picture.kind === 'png' ? { png: picture.data, builtin: picture.builtin ?? null } : null;
      // The client core checks the bytes again (a PNG, at most 1 MB) before anything is stored.
      await client.pictures?.setMine(bytesOf(stored));
      store.save(account, stored);
      ctx.emit({ type: 'picture.mine', picture: infoOf(stored) });
      return null;
    },
  };
}

/**
 * At sign-in, before the first `CHG`: the account's stored picture goes to the client (so the
 * first presence already carries its MSNObject) and to the windows; contacts' pictures start
 * flowing. Returns what stops it at the end of the session.
 */
export interface SessionPictures {
  /** Every client event, after the state took it in. */
  afterEvent(e: AppEvent): void;
  stop(): void;
}

/** Events after which a contact whose picture waits may have become worth fetching. */
const RECHECK_AFTER = new Set<AppEvent['type']>([
  'presence.changed',
  'contact.added',
  'contact.updated',
  'contact-list.synced',
  'conversation.started',
  'conversation.participant-joined',
  'preferences.changed',
]);

/**
 * Whether a contact's announced picture is worth a switchboard now (issue 10: "contact visible in
 * the list, or a conversation opens"): they are in an open conversation with me (whatever the
 * list's picture setting), or they are online on my list and the list shows pictures.
 */
export function worthFetching(state: AppState, handle: string): boolean {
  for (const c of Object.values(state.conversations.conversations)) {
    if (!c.open) continue;
    // Before anyone has joined (the switchboard opens with the first message), the people invited.
    if (c.conversation.participants.some((p) => p.handle.toLowerCase() === handle) || c.conversation.invited?.some((h) => h.toLowerCase() === handle)) return true;
  }
  const listShowsPictures = (state.desktop.preferences?.appearance.contactPictures ?? 'small') !== 'none';
  const c = state.contacts.contacts[handle];
  return listShowsPictures && c !== undefined && c.lists.forward && c.status !== 'offline';
}

export function startPictures(ctx: CommandContext, client: ClientPort, account: string): SessionPictures {
  const stored = ctx.options.myPictures?.load(account) ?? null;
  const mine = infoOf(stored);
  const before = ctx.state().pictures.mine;
  if (before?.dataUrl !== mine?.dataUrl || before?.builtin !== mine?.builtin) ctx.emit({ type: 'picture.mine', picture: mine });
  const port = client.pictures;
  if (!port) return { afterEvent: () => undefined, stop: () => undefined };
  // Not signed in yet, so nothing is announced now: the client keeps the bytes (checked again
  // there) and the sign-in's first CHG carries their MSNObject.
  if (stored !== null) port.setMine(bytesOf(stored)).catch((e: unknown) => console.warn(`Display picture: ${(e as Error).message}`));
  const contacts = new ContactPictures({
    port,
    isFetchable: (handle) => port.supported() && worthFetching(ctx.state(), handle),
    emit: (e: AppEvent) => ctx.emit(e),
    warn: (m) => console.warn(m),
  });
  return {
    // A waiting contact may have come online or onto my list.
    afterEvent: (e) => {
      if (RECHECK_AFTER.has(e.type)) contacts.recheck();
    },
    stop: () => contacts.dispose(),
  };
}
