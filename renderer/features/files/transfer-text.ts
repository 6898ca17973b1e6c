/** The words a file transfer is shown with (issue 11): sizes, speed, time left, why it ended. */
import type { TransferEndReasonInfo, TransferView } from '../../../shared/ipc';

/** "1.2 MB", "532 KB", "17 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** "45 s", "3 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Average speed (bytes per second) since bytes started moving, and the time left at that speed. */
export function speedOf(t: Pick<TransferView, 'bytes' | 'size' | 'startedAt' | 'progressAt'>): { perSecond: number; secondsLeft: number } | null {
  if (t.startedAt === null || t.progressAt === null || t.bytes === 0) return null;
  const elapsed = (t.progressAt - t.startedAt) / 1000;
  if (elapsed < 0.2) return null;
  const perSecond = t.bytes / elapsed;
  return { perSecond, secondsLeft: Math.max(0, t.size - t.bytes) / perSecond };
}

const REASONS: Readonly<Record<TransferEndReasonInfo, string>> = {
  declined: 'was declined',
  'cancelled-by-me': 'was cancelled',
  'cancelled-by-peer': 'was cancelled by the other person',
  'peer-gone': 'stopped: the other person went away or the connection closed',
  timeout: 'stopped: there was no answer for too long',
  'size-mismatch': 'failed: the file was not the size announced',
  'too-large': 'was declined: it is larger than the maximum size you accept',
  'write-failed': 'failed: the file could not be saved',
  'read-failed': 'failed: the file could not be read',
  'not-supported': 'failed: their messenger cannot receive files',
  'protocol-error': 'failed: their messenger sent something unexpected',
};

/** "The transfer of a.txt was declined." with the detail when there is one. */
export function endText(t: Pick<TransferView, 'state' | 'reason' | 'detail' | 'direction'>, who: string): string {
  const reason = t.reason ?? (t.state === 'declined' ? 'declined' : t.state === 'cancelled' ? 'cancelled-by-me' : 'protocol-error');
  let text = REASONS[reason];
  if (reason === 'declined' && t.direction === 'outgoing') text = `was declined by ${who}`;
  if (reason === 'cancelled-by-peer') text = `was cancelled by ${who}`;
  return t.detail && (t.state === 'failed' || reason === 'too-large') ? `${text} (${t.detail})` : text;
}
