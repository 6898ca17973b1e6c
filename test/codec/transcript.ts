/**
 * Loader for the transcript fixtures in test/fixtures/transcripts (copied from MSNP.md §9 and from
 * the examples of §2–§6). Format, one item per line:
 *
 *   # comment                        (ignored; so are blank lines)
 *   @connection <name> dialect=<n>[,<n>…] server=ns|sb
 *   C: <command line>                (client → server; CRLF added on the wire)
 *   S: <command line>                (server → client)
 *   | <text>                         (a payload line of the command above: text + CRLF)
 *   / <text>                         (its last payload line when the payload has no final newline)
 *
 * `|` or `/` alone is an empty payload line. The payload bytes come from these lines only; the byte
 * count printed on the command line (the reference's number) is checked against them, never used to
 * cut them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isCodecDialect, type Dialect } from '../../shared/msnp/dialect';
import type { Direction } from '../../shared/msnp/command';
import type { ServerKind } from '../../shared/msnp/commands';

export const TRANSCRIPT_DIR = join(import.meta.dirname, '../fixtures/transcripts');

const encoder = new TextEncoder();

export interface Entry {
  readonly direction: Direction;
  /** The command line as printed (no CRLF). */
  readonly line: string;
  /** Payload bytes, when the entry has payload lines. */
  readonly payload: Uint8Array | undefined;
  /** The byte count printed at the end of the line, for payload commands. */
  readonly statedLength: number | undefined;
  /** Line + CRLF + payload: the exact wire bytes. */
  readonly wire: Uint8Array;
  /** 1-based line number in the fixture file, for messages. */
  readonly at: number;
}

export interface Connection {
  readonly file: string;
  readonly name: string;
  readonly dialects: readonly Dialect[];
  readonly server: ServerKind;
  readonly entries: readonly Entry[];
}

export function loadTranscript(file: string): Connection[] {
  const text = readFileSync(join(TRANSCRIPT_DIR, file), 'utf8');
  const connections: { name: string; dialects: Dialect[]; server: ServerKind; entries: Entry[] }[] = [];
  let pending: { direction: Direction; line: string; payload: string[] | undefined; noFinalCrlf: boolean; at: number } | undefined;

  const flush = (): void => {
    if (pending === undefined) return;
    const conn = connections[connections.length - 1];
    if (conn === undefined) throw new Error(`${file}:${pending.at}: command before @connection`);
    let payload: Uint8Array | undefined;
    if (pending.payload !== undefined) {
      const body = pending.payload.join('\r\n') + (pending.noFinalCrlf ? '' : '\r\n');
      payload = encoder.encode(body);
    }
    const stated = /\s(\d+)$/.exec(pending.line);
    const lineBytes = encoder.encode(`${pending.line}\r\n`);
    const wire = payload === undefined ? lineBytes : new Uint8Array([...lineBytes, ...payload]);
    conn.entries.push({
      direction: pending.direction,
      line: pending.line,
      payload,
      statedLength: payload === undefined ? undefined : Number(stated?.[1]),
      wire,
      at: pending.at,
    });
    pending = undefined;
  };

  text.split('\n').forEach((raw, i) => {
    const at = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('|') || line.startsWith('/')) {
      if (pending === undefined || pending.noFinalCrlf) throw new Error(`${file}:${at}: payload line without a command, or after a '/' line`);
      const content = line.length > 1 ? (line[1] === ' ' ? line.slice(2) : line.slice(1)) : '';
      (pending.payload ??= []).push(content);
      if (line.startsWith('/')) pending.noFinalCrlf = true;
      return;
    }
    flush();
    if (line.trim() === '' || line.startsWith('#')) return;
    if (line.startsWith('@connection ')) {
      const m = /^@connection (\S+) dialect=([\d,]+) server=(ns|sb)$/.exec(line);
      if (!m) throw new Error(`${file}:${at}: bad @connection line`);
      const dialects = (m[2] as string).split(',').map(Number);
      if (!dialects.every(isCodecDialect)) throw new Error(`${file}:${at}: bad dialect list`);
      connections.push({ name: m[1] as string, dialects: dialects as Dialect[], server: m[3] as ServerKind, entries: [] });
      return;
    }
    const m = /^([CS]): (.+)$/.exec(line);
    if (!m) throw new Error(`${file}:${at}: not a C:/S: line: ${line}`);
    pending = { direction: m[1] === 'C' ? 'toServer' : 'toClient', line: m[2] as string, payload: undefined, noFinalCrlf: false, at };
  });
  flush();
  return connections.map((c) => ({ ...c, file }));
}

export function transcriptFiles(): string[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

/** All wire bytes one side sent on a connection, in order. */
export function wireOf(conn: Connection, direction: Direction): Uint8Array {
  const parts = conn.entries.filter((e) => e.direction === direction).map((e) => e.wire);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
