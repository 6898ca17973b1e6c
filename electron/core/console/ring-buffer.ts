/**
 * The protocol console's memory: the most recent traffic, bounded by entry count and by total
 * characters, masked on the way in (nothing unmasked is ever stored). Entries are numbered so the
 * console window can fetch only what is new (`since(seq)`), and a listener hears each entry.
 */
import type { ConsoleEntryInfo } from '../../../shared/ipc/history-types';
import type { TrafficEntry } from '../msn/traffic';
import { maskLine, maskPayload } from './mask';

/** An entry is what the console window receives over IPC, unchanged. */
export type ConsoleEntry = ConsoleEntryInfo;

export interface ProtocolConsoleOptions {
  /** Default 5000 entries. */
  readonly maxEntries?: number;
  /** Default 2 M characters (line + payload), about 4 MB of strings. */
  readonly maxChars?: number;
  /** A payload longer than this is cut (with a note); default 8192 characters. */
  readonly maxPayloadChars?: number;
  /** Secrets to mask wherever they appear (the password of the session). */
  readonly secrets?: () => readonly string[];
}

export type ConsoleListener = (entry: ConsoleEntry) => void;

export class ProtocolConsole {
  private readonly entries: ConsoleEntry[] = [];
  private head = 0;
  private chars = 0;
  private nextSeq = 1;
  private readonly listeners = new Set<ConsoleListener>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly maxPayloadChars: number;

  constructor(private readonly options: ProtocolConsoleOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 5000);
    this.maxChars = Math.max(1, options.maxChars ?? 2_000_000);
    this.maxPayloadChars = Math.max(16, options.maxPayloadChars ?? 8192);
  }

  /** Usable directly as the client's `TrafficTap`. */
  readonly tap = (entry: TrafficEntry): void => {
    this.push(entry);
  };

  push(entry: TrafficEntry): ConsoleEntry {
    const secrets = this.options.secrets?.() ?? [];
    let payload = entry.payload === undefined ? undefined : maskPayload(entry.payload, secrets);
    if (payload !== undefined && payload.length > this.maxPayloadChars) {
      payload = `${payload.slice(0, this.maxPayloadChars)}\n<… ${payload.length - this.maxPayloadChars} more characters not kept>`;
    }
    const stored: ConsoleEntry = {
      seq: this.nextSeq++,
      at: entry.at,
      connection: entry.connection,
      direction: entry.direction,
      line: maskLine(entry.direction, entry.line, secrets),
      ...(payload !== undefined ? { payload } : {}),
    };
    this.entries.push(stored);
    this.chars += size(stored);
    while (this.length > this.maxEntries || (this.chars > this.maxChars && this.length > 1)) this.dropOldest();
    this.compact();
    for (const l of this.listeners) {
      try {
        l(stored);
      } catch (err) {
        console.error('monarch/console: a listener threw', err);
      }
    }
    return stored;
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  /** Everything kept, oldest first. */
  all(): ConsoleEntry[] {
    return this.entries.slice(this.head);
  }

  /** Entries numbered after `seq`; `dropped` says some newer than `seq` were already discarded. */
  since(seq: number): { entries: ConsoleEntry[]; dropped: boolean } {
    const kept = this.all();
    const first = kept[0];
    const entries = kept.filter((e) => e.seq > seq);
    return { entries, dropped: first !== undefined && first.seq > seq + 1 };
  }

  clear(): void {
    this.entries.length = 0;
    this.head = 0;
    this.chars = 0;
  }

  subscribe(listener: ConsoleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A plain-text report for a bug report: one line per entry, payloads indented. */
  toText(timeFormat: (ms: number) => string = (ms) => new Date(ms).toISOString()): string {
    const out = ['Monarch protocol console (passwords, tickets and cookies masked as ***)', ''];
    for (const e of this.all()) {
      out.push(`${timeFormat(e.at)} ${e.connection} ${e.direction === 'out' ? '>>>' : '<<<'} ${e.line}`);
      if (e.payload !== undefined && e.payload.length > 0) {
        for (const l of e.payload.replace(/\r\n/g, '\n').split('\n')) out.push(`    ${l}`);
      }
    }
    return `${out.join('\n')}\n`;
  }

  private dropOldest(): void {
    const e = this.entries[this.head];
    if (!e) return;
    this.chars -= size(e);
    this.head++;
  }

  /** Reclaim the dropped prefix now and then (amortised O(1) per push). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}

function size(e: ConsoleEntry): number {
  return e.line.length + (e.payload?.length ?? 0);
}
