/**
 * Structured logging: one JSON object per line, one line per connection event (connect, sign-in,
 * sign-in failure, disconnect with its reason, listener start/stop). Never per message.
 *
 * Secrets never reach a log line: callers pass only handles, addresses and reasons, and `redact`
 * drops any field whose name looks like a secret as a second line of defence.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** Field names that must never be written, whatever a caller passes. */
const SECRET_FIELD = /pass|pwd|ticket|cookie|token|secret|authorization|hash|challenge|mspauth/i;

export function redact(fields: LogFields | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (fields === undefined) return out;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v;
  }
  return out;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** JSON lines to a writable (stdout by default), at or above `minLevel`. */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  minLevel: LogLevel = 'info',
): Logger {
  const min = LEVEL_ORDER[minLevel];
  return {
    log(level, event, fields) {
      if (LEVEL_ORDER[level] < min) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...redact(fields) })}\n`);
    },
  };
}

/** For tests and embedding: drops everything. */
export const silentLogger: Logger = { log() {} };

/** Collects entries in memory (tests assert on events and on the absence of secrets). */
export interface MemoryLogger extends Logger {
  readonly entries: Array<{ level: LogLevel; event: string; fields: Record<string, string | number | boolean> }>;
}

export function createMemoryLogger(): MemoryLogger {
  const entries: MemoryLogger['entries'] = [];
  return {
    entries,
    log(level, event, fields) {
      entries.push({ level, event, fields: redact(fields) });
    },
  };
}
