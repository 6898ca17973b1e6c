/**
 * A stored offline message as its recipient sees it: the `<M>` entry of `Mail-Data` and
 * `GetMetadata` (MSNP13-18.md §9.1) and the mail `GetMessage` returns (§9.1, Escargot's
 * `format_oim` layout). Built from the stored record each time, so `<SZ>` is exactly the size
 * of what `GetMessage` answers.
 *
 * `X-OIM-originatingSource` names the server (`source`: its public host), never the sender's
 * address. Microsoft's mails and Escargot's `format_oim` put the sender's IP address there (§9.1),
 * which tells every recipient where the sender was; clients read the header only for `tel:`
 * senders (libpurple), so nothing depends on it being the sender's. The address the sender came
 * from stays in the stored record (`origin`), for the operator alone.
 */
import { buildOimMessage, isCodecError, parseOimContent, type OimEntry } from '../../../shared/msnp/index';
import type { OimRecord } from '../../core/offline-messages';

/** The `GetMessageResult` text for `recipient` (the content was validated when it was stored). */
export function oimMail(record: OimRecord, recipient: string, source: string): string {
  const content = parseOimContent(record.content);
  // Stored only after parseOimContent accepted it; a record that no longer reads is shown as empty
  // rather than failing the recipient's whole listing.
  const c = isCodecError(content) ? { runId: record.runId, sequence: record.runSequence, text: '' } : content;
  return buildOimMessage({
    ...c,
    from: record.sender,
    fromName: record.senderName,
    to: recipient,
    sentAt: record.receivedAt,
    originatingSource: source,
    messageId: record.messageId,
  });
}

export function oimEntry(record: OimRecord, recipient: string, source: string): OimEntry {
  return {
    id: record.messageId,
    from: record.sender,
    fromName: record.senderName,
    receivedTime: new Date(record.receivedAt).toISOString(),
    size: Buffer.byteLength(oimMail(record, recipient, source), 'utf8'),
    read: record.read,
  };
}
