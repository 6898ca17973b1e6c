/**
 * The rows both engines' tables hold (the same columns in SQLite and PostgreSQL), and their
 * records. Only how a flag is stored differs: SQLite keeps `read` as 0/1, PostgreSQL as a boolean.
 */
import type { AbChange, OimRecord, UserRecord } from './store';

export interface UserRow {
  id: number;
  handle: string;
  friendly_name: string;
  blp: 'AL' | 'BL';
  gtc: 'A' | 'N';
  list_version: number;
  list_stamp: number;
  settings_stamp: number;
  history_since: number;
}

export interface OimRow {
  message_id: string;
  sender: string;
  sender_name: string;
  run_id: string;
  run_sequence: number;
  content: string;
  content_bytes: number;
  origin: string;
  received_at: number;
  read: number | boolean;
}

export const USER_COLUMNS = 'id, handle, friendly_name, blp, gtc, list_version, list_stamp, settings_stamp, history_since';
export const OIM_COLUMNS = 'message_id, sender, sender_name, run_id, run_sequence, content, content_bytes, origin, received_at, read';

export function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    handle: r.handle,
    friendlyName: r.friendly_name,
    blp: r.blp,
    gtc: r.gtc,
    listVersion: r.list_version,
    listStamp: r.list_stamp,
    settingsStamp: r.settings_stamp,
    historySince: r.history_since,
  };
}

export function toOim(r: OimRow): OimRecord {
  return {
    messageId: r.message_id,
    sender: r.sender,
    senderName: r.sender_name,
    runId: r.run_id,
    runSequence: r.run_sequence,
    content: r.content,
    contentBytes: r.content_bytes,
    origin: r.origin,
    receivedAt: r.received_at,
    read: r.read === true || r.read === 1,
  };
}

export interface AbChangeRow {
  kind: 'contact' | 'group';
  guid: string;
  handle: string;
  changed_at: number;
}

export function toAbChange(r: AbChangeRow): AbChange {
  return { kind: r.kind, guid: r.guid, handle: r.handle, changedAt: Number(r.changed_at) };
}
