/**
 * A corpus of malformed input for the parser: every item gives error values with stable codes (never
 * an exception), the parser recovers for the next command, and every split point of the whole corpus
 * gives the same output as one push.
 */
import { describe, expect, it } from 'vitest';
import { Parser, type ParseOutput } from '../../shared/msnp/parser';
import type { Direction } from '../../shared/msnp/command';
import type { CodecErrorCode } from '../../shared/msnp/errors';
import { MAX_LINE_LENGTH, MAX_PAYLOAD_LENGTH } from '../../shared/msnp/limits';
import { fingerprint } from './fingerprint';

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...enc(p)] : p)));

function run(input: Uint8Array, direction: Direction): ParseOutput[] {
  const p = new Parser({ direction });
  return [...p.push(input), ...p.finish()];
}

function codes(out: readonly ParseOutput[]): string[] {
  return out.map((o) => (o.kind === 'error' ? o.code : `${o.verb}`));
}

type Case = readonly [name: string, input: Uint8Array, direction: Direction, expected: readonly (CodecErrorCode | string)[]];

// Each case ends with a good command (`PNG`/`QNG`/`OUT`) to show the parser recovered.
const GOOD_C = 'PNG\r\n';
const GOOD_S = 'QNG\r\n';
const CASES: readonly Case[] = [
  // TrIDs (MSNP.md §1.3: decimal 0 … 2^32−1)
  ['TrID not a number', bytes('USR abc MD5 I a@b.c\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['TrID missing entirely', bytes('CAL\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['negative TrID', bytes('SYN -1 0\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['TrID above 2^32−1', bytes('SYN 4294967296 0\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['TrID with a leading zero', bytes('SYN 01 0\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['TrID with a sign', bytes('SYN +1 0\r\n', GOOD_C), 'toServer', ['BAD_TRID', 'PNG']],
  ['TrID with a fraction', bytes('ILN 1.5 NLN a@b.c A\r\n', GOOD_S), 'toClient', ['BAD_TRID', 'QNG']],
  ['TrID 2^32−1 is fine', bytes('SYN 4294967295 0\r\n', GOOD_C), 'toServer', ['SYN', 'PNG']],
  // Verbs
  ['lower-case verb', bytes('usr 1 MD5 I a@b.c\r\n', GOOD_C), 'toServer', ['BAD_VERB', 'PNG']],
  ['two-letter verb', bytes('US 1\r\n', GOOD_C), 'toServer', ['BAD_VERB', 'PNG']],
  ['four-letter verb', bytes('USRX 1\r\n', GOOD_C), 'toServer', ['BAD_VERB', 'PNG']],
  ['mixed digits and letters', bytes('9A1 1\r\n', GOOD_S), 'toClient', ['BAD_VERB', 'QNG']],
  // Payload lengths (§1.4: bytes, a decimal, last token)
  ['payload length missing', bytes('MSG 1 N\r\n', GOOD_C), 'toServer', ['BAD_PAYLOAD_LENGTH', 'PNG']],
  ['payload verb with nothing at all', bytes('NOT\r\n', GOOD_S), 'toClient', ['BAD_PAYLOAD_LENGTH', 'QNG']],
  ['negative payload length', bytes('MSG 1 N -5\r\n', GOOD_C), 'toServer', ['BAD_PAYLOAD_LENGTH', 'PNG']],
  ['payload length with a sign', bytes('MSG 1 N +5\r\nhello\r\n', GOOD_C), 'toServer', ['BAD_PAYLOAD_LENGTH', 'BAD_VERB', 'PNG']],
  ['hex payload length', bytes('UBX a@b.c 0x10\r\n', GOOD_S), 'toClient', ['BAD_PAYLOAD_LENGTH', 'QNG']],
  ['payload length with junk', bytes('UBX a@b.c 5x\r\n', GOOD_S), 'toClient', ['BAD_PAYLOAD_LENGTH', 'QNG']],
  ['payload length of 16 digits', bytes('UBX a@b.c 1234567890123456\r\n', GOOD_S), 'toClient', ['BAD_PAYLOAD_LENGTH', 'QNG']],
  [
    'oversized payload is skipped without buffering, then parsing resumes',
    bytes(`MSG a@b.c A ${MAX_PAYLOAD_LENGTH + 1}\r\n`, 'x'.repeat(MAX_PAYLOAD_LENGTH + 1), GOOD_S),
    'toClient',
    ['PAYLOAD_TOO_LARGE', 'QNG'],
  ],
  ['payload exactly at the limit is fine', bytes(`NOT ${MAX_PAYLOAD_LENGTH}\r\n`, 'x'.repeat(MAX_PAYLOAD_LENGTH), GOOD_S), 'toClient', ['NOT', 'QNG']],
  ['zero-length payload', bytes('UUX 5 0\r\n', GOOD_S), 'toClient', ['UUX', 'QNG']],
  // Line length
  ['line over the limit', bytes('SYN 1 ', 'x'.repeat(MAX_LINE_LENGTH), '\r\n', GOOD_C), 'toServer', ['LINE_TOO_LONG', 'PNG']],
  ['line at the limit is fine', bytes('SYN 1 ', 'x'.repeat(MAX_LINE_LENGTH - 6), '\r\n', GOOD_C), 'toServer', ['SYN', 'PNG']],
  ['line over the limit without LF for a long time', bytes('FLN ', 'y'.repeat(MAX_LINE_LENGTH * 3), '\n', GOOD_S), 'toClient', ['LINE_TOO_LONG', 'QNG']],
  // Line endings (§1.2: send CRLF, accept LF, never a bare CR)
  ['bare LF is accepted', bytes('VER 1 MSNP8 CVR0\n', GOOD_C), 'toServer', ['VER', 'PNG']],
  ['bare CR inside a line', bytes('VER 1\rMSNP8\r\n', GOOD_C), 'toServer', ['BARE_CR', 'PNG']],
  ['CR CR LF', bytes('VER 1 MSNP8\r\r\n', GOOD_C), 'toServer', ['BARE_CR', 'PNG']],
  ['empty line', bytes('\r\n', GOOD_C), 'toServer', ['EMPTY_LINE', 'PNG']],
  ['bare LF empty line', bytes('\n', GOOD_C), 'toServer', ['EMPTY_LINE', 'PNG']],
  ['whitespace-only line', bytes(' \t \r\n', GOOD_C), 'toServer', ['EMPTY_LINE', 'PNG']],
  ['tabs and runs of spaces separate tokens', bytes('CVR  2\t0x0409 win 4.10 i386 MSMSGS 4.5.0121 MSMSGS\r\n', GOOD_C), 'toServer', ['CVR', 'PNG']],
  // Encoding
  ['invalid UTF-8 byte', bytes('ILN 1 NLN a@b.c ', [0xff, 0xfe], '\r\n', GOOD_S), 'toClient', ['INVALID_ENCODING', 'QNG']],
  ['overlong UTF-8', bytes('FLN ', [0xc0, 0xaf], '\r\n', GOOD_S), 'toClient', ['INVALID_ENCODING', 'QNG']],
  ['UTF-8 surrogate', bytes('FLN ', [0xed, 0xa0, 0x80], '\r\n', GOOD_S), 'toClient', ['INVALID_ENCODING', 'QNG']],
  ['truncated UTF-8 sequence', bytes('FLN ', [0xe2, 0x98], '\r\n', GOOD_S), 'toClient', ['INVALID_ENCODING', 'QNG']],
  ['a byte-order mark before the verb', bytes([0xef, 0xbb, 0xbf], 'PNG\r\n', GOOD_C), 'toServer', ['BAD_VERB', 'PNG']],
  ['a byte-order mark before a later line', bytes(GOOD_C, [0xef, 0xbb, 0xbf], 'PNG\r\n', GOOD_C), 'toServer', ['PNG', 'BAD_VERB', 'PNG']],
  ['invalid UTF-8 inside a payload is the payload’s business', bytes('NOT 2\r\n', [0xff, 0xfe], GOOD_S), 'toClient', ['NOT', 'QNG']],
  // Truncation (finish() reports what is half-read)
  ['stream ends inside a payload', bytes('MSG 1 N 10\r\nabc'), 'toServer', ['TRUNCATED']],
  ['stream ends inside a line', bytes(GOOD_C, 'VER 1 MSN'), 'toServer', ['PNG', 'TRUNCATED']],
  ['stream ends inside a skipped oversized payload', bytes(`NOT ${MAX_PAYLOAD_LENGTH + 10}\r\nabc`), 'toClient', ['PAYLOAD_TOO_LARGE', 'TRUNCATED']],
  ['stream ends right after a line: nothing pending', bytes(GOOD_C), 'toServer', ['PNG']],
  // A payload swallows what looks like commands: that is framing, not an error.
  ['payload containing command-like bytes', bytes('MSG 1 N 12\r\nOUT\r\nPNG\r\nX', 'Y', GOOD_C), 'toServer', ['MSG', 'PNG']],
];

describe('malformed input gives error values, then the parser recovers', () => {
  it.each(CASES)('%s', (_name, input, direction, expected) => {
    const out = run(input, direction);
    expect(codes(out)).toEqual(expected);
    for (const o of out) if (o.kind === 'error') expect(o.message.length).toBeGreaterThan(0);
  });

  it('never buffers an oversized payload', () => {
    const p = new Parser({ direction: 'toClient' });
    p.push(enc(`NOT ${MAX_PAYLOAD_LENGTH * 100}\r\n`));
    for (let i = 0; i < 100; i++) {
      p.push(new Uint8Array(MAX_PAYLOAD_LENGTH));
      expect(p.bufferedBytes).toBe(0);
    }
    expect(codes(p.push(enc(GOOD_S)))).toEqual(['QNG']);
  });

  it('never holds more than one line while waiting for its LF', () => {
    const p = new Parser({ direction: 'toServer' });
    for (let i = 0; i < 50; i++) {
      p.push(enc('z'.repeat(1000)));
      expect(p.bufferedBytes).toBeLessThanOrEqual(MAX_LINE_LENGTH + 1);
    }
    expect(codes(p.push(enc(`\r\n${GOOD_C}`)))).toEqual(['PNG']);
  });

  it('gives the same output for every split point of the whole corpus', () => {
    for (const direction of ['toServer', 'toClient'] as const) {
      const small = CASES.filter((c) => c[2] === direction && c[1].length < 2000 && !c[3].includes('TRUNCATED'));
      const wire = new Uint8Array(small.flatMap((c) => [...c[1]]));
      const whole = fingerprint(run(wire, direction));
      for (let i = 0; i <= wire.length; i++) {
        const p = new Parser({ direction });
        const got = fingerprint([...p.push(wire.subarray(0, i)), ...p.push(wire.subarray(i)), ...p.finish()]);
        if (got !== whole) expect(got, `split at ${i}`).toBe(whole);
      }
    }
  });

  it('gives the same output for the large cases split into uneven chunks', () => {
    for (const [name, input, direction] of CASES.filter((c) => c[1].length >= 2000)) {
      const whole = fingerprint(run(input, direction));
      for (const size of [1, 7, 1000, 4096, 8193, 65537]) {
        const p = new Parser({ direction });
        const out: ParseOutput[] = [];
        for (let i = 0; i < input.length; i += size) out.push(...p.push(input.subarray(i, i + size)));
        expect(fingerprint([...out, ...p.finish()]), `${name} in chunks of ${size}`).toBe(whole);
      }
    }
  });
});
