/**
 * What the notification server pushes that is neither presence nor lists (MSNP.md §6.11, §1.4):
 * `MSG Hotmail Hotmail` (profile, mail notices, maintenance warnings), `NOT` alerts, `IPG` pages,
 * `SBS`, unsolicited `GCF`. Known ones become events; the rest surfaces as `content.unsupported`.
 * An address-book ping (`NOT` with `ABCHInternal`) is a re-sync hint for the client, never an alert.
 */
import { MAX_DIALECT, decodeMessage, decodeMsgDelivery, decodeXmlNotice, fieldValue, isCodecError, profileInfo, type ProfileInfo } from '../../../shared/msnp';
import type { Clock } from './clock';
import type { Connection } from './connection';
import type { Emit } from './context';

export class Notifications {
  /** The profile the NS sent after `USR OK` (MSNP.md §3.3.4), for diagnostics. */
  profile: ProfileInfo | undefined;

  constructor(
    private readonly emit: Emit,
    private readonly clock: Clock,
    /** The server says my address book changed (a re-sync hint, see `isAddressBookPing`). */
    private readonly onAddressBookChanged: () => void,
    /** MSNP13+: a `Mail-Data` value listing offline messages (MSNP13-18.md §9.1). */
    private readonly onMailData?: (value: string) => void,
  ) {}

  install(conn: Connection): void {
    /** MSG Hotmail Hotmail len (MSNP.md §6.11) */
    conn.handle('MSG', (cmd) => {
      // The profile can share a read with `USR OK`, before the client knows the session: the
      // connection has the dialect from `VER` by then (MSG Hotmail Hotmail has one shape anyway).
      const msg = decodeMsgDelivery(cmd, conn.dialect ?? MAX_DIALECT);
      if (!isCodecError(msg)) this.onMessage(msg.payload);
    });
    /** NOT len + <NOTIFICATION> (MSN Alerts, MSNP.md §1.4) */
    conn.handle('NOT', (cmd) => {
      const notice = decodeXmlNotice(cmd, conn.dialect ?? MAX_DIALECT);
      if (!isCodecError(notice) && isAddressBookPing(notice.xml)) {
        this.onAddressBookChanged();
        return;
      }
      this.unsupported('server-notification', 'NOT', 'The server sent an alert that Monarch cannot show');
    });
    /** IPG len (mobile page, MSNP.md §1.4) */
    conn.handle('IPG', () => this.unsupported('server-notification', 'IPG', 'Someone sent a mobile page, which Monarch cannot show'));
    /** SBS 0 null (MSNP11+, "ignore", MSNP.md §2.5) */
    conn.handle('SBS', () => undefined);
    /** GCF t Shields.xml len: feature policy we did not ask for (MSNP.md §9.3); nothing to do. */
    conn.handle('GCF', () => undefined);
  }

  private onMessage(payload: Uint8Array): void {
    const m = decodeMessage(payload);
    const at = this.clock.now();
    if (isCodecError(m)) {
      this.unsupported('server-notification', '(not MIME)', 'The server sent a message Monarch could not read');
      return;
    }
    switch (m.kind) {
      case 'profile':
        this.profile = profileInfo(m.fields);
        return;
      case 'system': {
        if (m.type === 1) {
          const minutes = Number(m.arg1);
          this.emit('server.notice', {
            kind: 'maintenance',
            text: `The server is going down for maintenance${Number.isFinite(minutes) ? ` in ${minutes} minute${minutes === 1 ? '' : 's'}` : ''}.`,
            ...(Number.isFinite(minutes) ? { minutes } : {}),
            at,
          });
          return;
        }
        this.unsupported('server-notification', 'application/x-msmsgssystemmessage', `The server sent a system message of type ${m.type}`);
        return;
      }
      case 'email': {
        if (m.notice === 'initialMailData' || m.notice === 'offlineMessages') {
          // Offline messages waiting (MSNP13-18.md §9.1): fetched and shown as messages, not a notice.
          const mailData = fieldValue(m.fields, 'Mail-Data');
          if (mailData !== undefined) this.onMailData?.(mailData);
          return;
        }
        const unread = fieldValue(m.fields, 'Inbox-Unread');
        const from = fieldValue(m.fields, 'From');
        // A mailbox change without a count (the activemail notice's Src-/Dest-Folder and
        // Message-Delta, sent for instance after my client deleted offline messages it had read)
        // tells the user nothing new: a count to keep, not a notice to show.
        if (m.notice !== 'new' && unread === undefined) return;
        const text = m.notice === 'new' ? `New e-mail${from !== undefined ? ` from ${from}` : ''}` : `${unread} unread e-mail message${unread === '1' ? '' : 's'}`;
        this.emit('server.notice', { kind: 'mail', text, at });
        return;
      }
      default:
        this.unsupported('server-notification', m.kind === 'unknown' ? m.contentType || '(none)' : m.kind, 'The server sent a notification Monarch cannot show');
    }
  }

  private unsupported(kind: 'server-notification', contentType: string, summary: string): void {
    this.emit('content.unsupported', { conversationId: null, sender: 'server', kind, contentType, summary, at: this.clock.now() });
  }
}

/**
 * The address-book ping (MSNP13-18.md §6.8): a `NOT` whose `<BODY>` carries an XML-escaped
 * `<NotificationData>` with `<Service>ABCHInternal</Service>`, pushed after a change to my lists
 * (Escargot sends it at MSNP10–12 too, several times a session). It says "your address book
 * changed, fetch it again", never something to show. A text test on the body with the escapes
 * undone, so no XML parser (and no entity expansion) is involved.
 */
export function isAddressBookPing(xml: string): boolean {
  const body = /<BODY>([\s\S]*?)<\/BODY>/i.exec(xml)?.[1];
  if (body === undefined) return false;
  const text = body.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return /<Service>\s*ABCHInternal\s*<\/Service>/.test(text);
}
