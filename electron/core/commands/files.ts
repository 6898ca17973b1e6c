/**
 * File-transfer commands (issue 11): send (a path from the desktop preload, or a file the page
 * streamed to the web host), accept, "Save as...", decline, cancel, open and show in folder
 * (desktop), and the web host's download links. The session's transfers live in
 * `live.transfers` (electron/core/files/session-transfers.ts), started at every sign-in.
 */
import type { ClientPort } from '../client-port';
import { downloadFolder, systemDownloadsFolder } from '../files/download-folder';
import { fileSourceFromPath, SourceError } from '../files/file-source';
import { SessionTransfers, type TransferLogLine } from '../files/session-transfers';
import { UploadError, UploadStaging } from '../files/upload-staging';
import type { CommandContext, CommandHandlerSet } from './context';
import { CommandError, InvalidInputError, NotFoundError, UnsupportedError } from './errors';

type FileCommand =
  | 'sendFile'
  | 'beginFileUpload'
  | 'uploadFileChunk'
  | 'cancelFileUpload'
  | 'acceptFile'
  | 'acceptFileAs'
  | 'declineFile'
  | 'cancelFile'
  | 'openReceivedFile'
  | 'showReceivedFile'
  | 'fileDownloadLink';

/** The folder received files go to now. */
export function currentDownloadFolder(ctx: CommandContext): string {
  return downloadFolder(ctx.preferences().files.downloadFolder, ctx.options.files?.downloadsDir ?? systemDownloadsFolder());
}

function rethrowUpload(e: unknown): never {
  if (e instanceof UploadError) throw new CommandError(e.code, e.message);
  throw e;
}

export function fileCommands(ctx: CommandContext): CommandHandlerSet<FileCommand> {
  let staging: UploadStaging | null = null;
  const uploads = (): UploadStaging => (staging ??= new UploadStaging(ctx.options.files?.stagingParent ? { parent: ctx.options.files.stagingParent } : {}));
  ctx.live.releaseStaged = (path) => staging?.release(path);
  ctx.live.disposeStaging = () => {
    staging?.dispose();
    staging = null;
  };

  const transfers = (): SessionTransfers => {
    ctx.live.connected();
    const t = ctx.live.transfers;
    if (!t) throw new UnsupportedError('This session cannot transfer files.');
    return t;
  };

  return {
    sendFile: async ({ conversationId, handle, file }) => {
      const t = transfers();
      const conversation = ctx.state().conversations.conversations[conversationId];
      if (!conversation) throw new NotFoundError('There is no such conversation.');
      const c = conversation.conversation;
      // Everyone in it now, or whom it was opened with (before they join, or after a 1:1 went quiet).
      const people = new Set([...c.participants.map((p) => p.handle), ...(c.invited ?? []), ...(ctx.live.openedWith.get(conversationId) ?? [])]);
      if (!people.has(handle)) throw new InvalidInputError(`${handle} is not in this conversation.`);
      if (file.kind === 'path') {
        let source;
        try {
          source = await fileSourceFromPath(file.path);
        } catch (e) {
          if (e instanceof SourceError) throw new CommandError('read-failed', e.message);
          throw e;
        }
        return { transferId: await t.send(handle, conversationId, source) };
      }
      const source = await uploads()
        .complete(file.uploadId)
        .catch(rethrowUpload);
      return { transferId: await t.send(handle, conversationId, source, source.path) };
    },
    beginFileUpload: async ({ name, size }) => {
      ctx.live.connected();
      return { uploadId: await uploads().begin(name, size).catch(rethrowUpload) };
    },
    uploadFileChunk: async ({ uploadId, offset, data }) => {
      return uploads()
        .chunk(uploadId, offset, new Uint8Array(Buffer.from(data, 'base64')))
        .catch(rethrowUpload);
    },
    cancelFileUpload: async ({ uploadId }) => {
      await staging?.cancel(uploadId);
      return null;
    },
    acceptFile: async ({ transferId }) => {
      await transfers().accept(transferId);
      return null;
    },
    acceptFileAs: async ({ transferId }) => {
      await transfers().acceptAs(transferId);
      return null;
    },
    declineFile: ({ transferId }) => {
      transfers().decline(transferId);
      return null;
    },
    cancelFile: ({ transferId }) => {
      transfers().cancel(transferId);
      return null;
    },
    openReceivedFile: async ({ transferId }) => {
      await transfers().open(transferId);
      return null;
    },
    showReceivedFile: ({ transferId }) => {
      transfers().showInFolder(transferId);
      return null;
    },
    fileDownloadLink: ({ transferId }) => {
      if (ctx.options.files?.shell) throw new UnsupportedError('The desktop app opens received files itself.');
      return { url: transfers().downloadLink(transferId) };
    },
  };
}

/** At sign-in: the session's transfers, when the client can transfer files. */
export function startTransfers(ctx: CommandContext, client: ClientPort, log?: (line: TransferLogLine) => void): SessionTransfers | null {
  const files = client.files;
  if (!files) return null;
  return new SessionTransfers({
    files,
    emit: (e) => ctx.emit(e),
    preferences: () => ctx.preferences().files,
    downloadFolder: () => currentDownloadFolder(ctx),
    shell: ctx.options.files?.shell ?? null,
    releaseStaged: (path) => ctx.live.releaseStaged?.(path),
    nameOf: (handle) => ctx.state().contacts.contacts[handle]?.friendlyName ?? handle,
    ...(log ? { log } : {}),
    now: ctx.now,
    // An offer from someone with no conversation on show opens one (the client reuses an open
    // one-to-one with them), so the offer is never invisible.
    placeOffer: async (t) => {
      const named = t.conversationId !== undefined ? ctx.state().conversations.conversations[t.conversationId] : undefined;
      if (named?.open) return null;
      return client.openConversation([t.peer]);
    },
    // Named as the conversation shows them when they are not on my list (as a message's sender is).
    attend: (offer) => {
      const participant = ctx.state().conversations.conversations[offer.conversationId]?.conversation.participants.find((p) => p.handle === offer.handle);
      const name = ctx.state().contacts.contacts[offer.handle]?.friendlyName ?? participant?.friendlyName;
      ctx.attention.fileOffered({ ...offer, ...(name ? { name } : {}) });
    },
  });
}
