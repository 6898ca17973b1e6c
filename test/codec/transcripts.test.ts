/**
 * Every transcript of MSNP.md §9 (and the per-section examples in the same fixture folder) through
 * the real codec, both directions:
 * - the byte counts printed in the reference equal the payload bytes;
 * - the parser yields exactly one command per line, no error values, nothing left over;
 * - parse(serialize(x)) equals x and serialize(x) equals the original bytes, byte for byte;
 * - every command decodes with the typed decoder of its direction, in every dialect the transcript
 *   is valid for, and the typed builder gives back the same bytes;
 * - every MSG payload decodes as a message body (no "unknown") and rebuilds to the same bytes;
 * - every split point of each side's stream gives the same commands as one push.
 */
import { describe, expect, it } from 'vitest';
import { Parser, type ParseOutput } from '../../shared/msnp/parser';
import { serialize } from '../../shared/msnp/serializer';
import { isCodecError } from '../../shared/msnp/errors';
import type { Command, Direction } from '../../shared/msnp/command';
import { buildClientCommand, buildServerCommand, decodeClientCommand, decodeServerCommand } from '../../shared/msnp/commands';
import { buildMessage, decodeMessage } from '../../shared/msnp/messages';
import { fingerprint } from './fingerprint';
import { loadTranscript, transcriptFiles, wireOf, type Connection } from './transcript';

const DIRECTIONS: readonly Direction[] = ['toServer', 'toClient'];

function parseAll(wire: Uint8Array, direction: Direction): ParseOutput[] {
  const p = new Parser({ direction });
  return [...p.push(wire), ...p.finish()];
}

function commandsOf(conn: Connection, direction: Direction): Command[] {
  const out = parseAll(wireOf(conn, direction), direction);
  const errors = out.filter(isCodecError);
  expect(errors, `${conn.file} ${conn.name} ${direction}`).toEqual([]);
  return out as Command[];
}

const files = transcriptFiles();

describe('transcript fixtures exist', () => {
  it('has every §9 transcript', () => {
    for (const prefix of ['9.1-', '9.2-', '9.3-', '9.4-']) expect(files.some((f) => f.startsWith(prefix)), prefix).toBe(true);
  });
});

for (const file of files) {
  describe(file, () => {
    const connections = loadTranscript(file);

    it('has commands', () => {
      expect(connections.length).toBeGreaterThan(0);
      for (const c of connections) expect(c.entries.length, c.name).toBeGreaterThan(0);
    });

    for (const conn of connections) {
      it(`${conn.name}: payload byte counts in the reference match the payload bytes`, () => {
        for (const e of conn.entries.filter((x) => x.payload !== undefined)) {
          expect(e.payload?.length, `${file}:${e.at} ${e.line}`).toBe(e.statedLength);
        }
      });

      for (const direction of DIRECTIONS) {
        const entries = conn.entries.filter((e) => e.direction === direction);
        if (entries.length === 0) continue;

        it(`${conn.name} ${direction}: parses and round-trips byte for byte`, () => {
          const cmds = commandsOf(conn, direction);
          expect(cmds).toHaveLength(entries.length);
          cmds.forEach((cmd, i) => {
            const entry = entries[i]!;
            const bytes = serialize(cmd, direction);
            expect(Buffer.from(bytes).toString('latin1'), `${file}:${entry.at}`).toBe(Buffer.from(entry.wire).toString('latin1'));
            expect(parseAll(bytes, direction)).toEqual([cmd]);
          });
        });

        for (const dialect of conn.dialects) {
          it(`${conn.name} ${direction}: typed decode and rebuild in MSNP${dialect}`, () => {
            const cmds = commandsOf(conn, direction);
            cmds.forEach((cmd, i) => {
              const entry = entries[i]!;
              const where = `${file}:${entry.at} ${entry.line} (MSNP${dialect})`;
              const typed =
                direction === 'toServer' ? decodeClientCommand(cmd, dialect, conn.server) : decodeServerCommand(cmd, dialect, conn.server);
              if (isCodecError(typed)) throw new Error(`${where}: ${typed.code} ${typed.message}`);
              expect(typed.type, where).not.toBe('UNTYPED');
              const init =
                direction === 'toServer'
                  ? buildClientCommand(typed as Parameters<typeof buildClientCommand>[0], dialect)
                  : buildServerCommand(typed as Parameters<typeof buildServerCommand>[0], dialect);
              expect(Buffer.from(serialize(init, direction)).toString('latin1'), where).toBe(Buffer.from(entry.wire).toString('latin1'));
            });
          });
        }

        it(`${conn.name} ${direction}: MSG payloads decode as message bodies and rebuild exactly`, () => {
          const cmds = commandsOf(conn, direction);
          for (const cmd of cmds.filter((c) => c.verb === 'MSG')) {
            const m = decodeMessage(cmd.payload!);
            if (isCodecError(m)) throw new Error(m.message);
            expect(m.kind).not.toBe('unknown');
            expect(buildMessage(m)).toEqual(cmd.payload);
          }
        });

        it(`${conn.name} ${direction}: every split point gives the same commands`, () => {
          const wire = wireOf(conn, direction);
          const whole = fingerprint(parseAll(wire, direction));
          for (let i = 0; i <= wire.length; i++) {
            const p = new Parser({ direction });
            const got = fingerprint([...p.push(wire.subarray(0, i)), ...p.push(wire.subarray(i)), ...p.finish()]);
            if (got !== whole) expect(got, `split at ${i}`).toBe(whole);
          }
          // And byte by byte: every point split at once.
          const p = new Parser({ direction });
          const bytewise: ParseOutput[] = [];
          for (let i = 0; i < wire.length; i++) bytewise.push(...p.push(wire.subarray(i, i + 1)));
          expect(fingerprint([...bytewise, ...p.finish()])).toBe(whole);
        });
      }
    }
  });
}
