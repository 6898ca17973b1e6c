/**
 * The NS side of offline messages (MSNP13-18.md §9.1, §9.3), MSNP13+ sessions only (MSNP2–12
 * have no OIMs; their senders keep seeing a failed message to an offline contact):
 * - after the first `CHG`, behind the initial presence: `MSG Hotmail Hotmail` with
 *   `text/x-msmsgsinitialmdatanotification` and the `Mail-Data` listing the waiting messages, or
 *   `too-large` when there are more than the notice carries (the client then calls `GetMetadata`);
 * - a message stored while its recipient is signed in (hidden, so offline to the sender):
 *   `text/x-msmsgsoimnotification` with just that message, in the live shape;
 * - after `DeleteMessages`: `text/x-msmsgsactivemailnotification` with `Message-Delta`.
 */
import { buildMailData, buildMessage, buildMsgDelivery, type MimeHeader } from '../../../shared/msnp/index';
import { StoreUnavailableError } from '../../core/errors';
import type { OfflineMessages, OimRecord } from '../../core/offline-messages';
import type { PresenceHub } from '../../core/presence';
import { oimEntry } from '../../soap/oim/mail';
import { NsSession } from './session';

/** Escargot lists at most 25 messages in the notice (MSNP13-18.md §9.1, §14 point 8). */
export const MAIL_DATA_MAX_MESSAGES = 25;
/** And we keep the notice within the NS payload size the server itself accepts (server/config.ts). */
export const MAIL_DATA_MAX_BYTES = 16 * 1024;

function hasOfflineMessages(s: NsSession): boolean {
  return s.negotiatedDialect >= 13;
}

function sendNotice(s: NsSession, notice: 'initialMailData' | 'offlineMessages' | 'active', fields: MimeHeader[]): void {
  // The reference's notices end after the last field, without the usual blank line (§13.1).
  const payload = buildMessage({ kind: 'email', notice, fields, noTrailingBlankLine: true });
  s.conn.send(buildMsgDelivery({ sender: 'Hotmail', friendlyName: 'Hotmail', payload }, s.negotiatedDialect));
}

/** The initial mail-data notice (§9.1): called once, right after the first `CHG`'s initial presence. */
export function sendInitialMailData(s: NsSession, offline: OfflineMessages): Promise<void> | undefined {
  if (!hasOfflineMessages(s)) return undefined;
  return offline.list(s.handle).then(
    (waiting) => sendMailData(s, waiting),
    (e: unknown) => {
      // Without the store the notice cannot be written; the sign-in goes on without it (the
      // client's GetMetadata, later, asks again).
      if (!(e instanceof StoreUnavailableError)) throw e;
      s.conn.log('warn', 'store-unavailable', { verb: 'CHG', error: e.message });
    },
  );
}

function sendMailData(s: NsSession, waiting: readonly OimRecord[]): void {
  let value = 'too-large';
  if (waiting.length <= MAIL_DATA_MAX_MESSAGES) {
    const md = buildMailData(waiting.map((m) => oimEntry(m, s.handle, s.ctx.config.publicHost)));
    if (md.length <= MAIL_DATA_MAX_BYTES) value = md;
  }
  sendNotice(s, 'initialMailData', [{ name: 'Mail-Data', value }]);
}

/**
 * Connects the core's events to the signed-in recipient's session: a new message for a hidden
 * recipient, and deletions (which may come from another client of the same account).
 */
export function wireOfflineNotices(offline: OfflineMessages, presence: PresenceHub): void {
  const sessionOf = (handle: string): NsSession | undefined => {
    const ep = presence.get(handle);
    return ep instanceof NsSession && ep.watching && hasOfflineMessages(ep) ? ep : undefined;
  };
  offline.onStored = (recipient: string, record: OimRecord) => {
    const s = sessionOf(recipient);
    if (s === undefined) return;
    sendNotice(s, 'offlineMessages', [{ name: 'Mail-Data', value: buildMailData([oimEntry(record, recipient, s.ctx.config.publicHost)], { live: true }) }]);
  };
  offline.onDeleted = (recipient: string, count: number) => {
    const s = sessionOf(recipient);
    if (s === undefined) return;
    sendNotice(s, 'active', [
      { name: 'Src-Folder', value: '.!!OIM' },
      { name: 'Dest-Folder', value: '.!!trAsH' },
      { name: 'Message-Delta', value: String(count) },
    ]);
  };
}
