import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commandLine, serialize, serializeAll, SerializeError } from './serializer';
import type { CommandInit, Direction } from './command';
import { hasPayload } from './verbs';

const enc = (s: string) => new TextEncoder().encode(s);

/** The definition the fast path must agree with: the checked line, CRLF, the payload. */
function reference(cmd: CommandInit, direction: Direction): Uint8Array {
  const payload = typeof cmd.payload === 'string' ? enc(cmd.payload) : cmd.payload;
  const head = enc(`${commandLine(cmd, direction, payload?.length)}\r\n`);
  return new Uint8Array([...head, ...(payload ?? [])]);
}

function outcome(f: () => Uint8Array): string {
  try {
    return Buffer.from(f()).toString('hex');
  } catch (e) {
    return e instanceof SerializeError ? 'SerializeError' : `other: ${String(e)}`;
  }
}

describe('serialize', () => {
  it('writes the reference transcripts’ lines exactly', () => {
    expect(serialize({ verb: 'USR', trId: 7, params: ['OK', 'alice@hotmail.com', 'Alice', '1', '0'] }, 'toClient')).toEqual(enc('USR 7 OK alice@hotmail.com Alice 1 0\r\n'));
    expect(serialize({ verb: 'QRY', trId: 10, params: ['msmsgs@msnmsgr.com'], payload: '8f2f5a91b72102cd28355e9fc9000d6e' }, 'toServer')).toEqual(
      enc('QRY 10 msmsgs@msnmsgr.com 32\r\n8f2f5a91b72102cd28355e9fc9000d6e'),
    );
    expect(serialize({ verb: 'UUX', trId: 11, payload: '' }, 'toClient')).toEqual(enc('UUX 11 0\r\n'));
    expect(serialize({ verb: 'OUT' }, 'toServer')).toEqual(enc('OUT\r\n'));
    expect(serialize({ verb: '911', trId: 7 }, 'toClient')).toEqual(enc('911 7\r\n'));
  });

  it('counts payload bytes, not characters', () => {
    expect(serialize({ verb: 'MSG', trId: 3, params: ['N'], payload: 'é☺😀' }, 'toServer')).toEqual(enc('MSG 3 N 9\r\né☺😀'));
  });

  it('accepts non-ASCII parameters (old clients send raw names) through the checked path', () => {
    expect(serialize({ verb: 'ILN', trId: 1, params: ['NLN', 'a@b.c', 'Zoë'] }, 'toClient')).toEqual(enc('ILN 1 NLN a@b.c Zoë\r\n'));
  });

  const bad: [string, CommandInit, Direction][] = [
    ['lower-case verb', { verb: 'usr', trId: 1 }, 'toServer'],
    ['mixed verb', { verb: 'A1B', trId: 1 }, 'toServer'],
    ['negative TrID', { verb: 'SYN', trId: -1, params: ['0'] }, 'toServer'],
    ['fractional TrID', { verb: 'SYN', trId: 1.5, params: ['0'] }, 'toServer'],
    ['TrID too large', { verb: 'SYN', trId: 2 ** 32, params: ['0'] }, 'toServer'],
    ['empty parameter', { verb: 'SYN', trId: 1, params: [''] }, 'toServer'],
    ['space in a parameter', { verb: 'REA', trId: 1, params: ['a@b.c', 'Alice A'] }, 'toServer'],
    ['CRLF in a parameter (command injection)', { verb: 'REA', trId: 1, params: ['a@b.c', 'x\r\nOUT'] }, 'toServer'],
    ['tab in a parameter', { verb: 'REA', trId: 1, params: ['a@b.c', 'x\ty'] }, 'toServer'],
    ['no-break space in a parameter', { verb: 'REA', trId: 1, params: ['a@b.c', 'x\u00a0y'] }, 'toServer'],
    ['payload on a verb without one', { verb: 'CHG', trId: 1, params: ['NLN'], payload: 'x' }, 'toServer'],
    ['no payload on a payload verb', { verb: 'MSG', trId: 1, params: ['N'] }, 'toServer'],
  ];
  it.each(bad)('refuses %s', (_name, cmd, direction) => {
    expect(() => serialize(cmd, direction)).toThrow(SerializeError);
  });

  it('fast path and checked path agree on any command, valid or not', () => {
    const token = fc.oneof(
      fc.stringMatching(/^[!-~]{1,12}$/),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('', ' ', 'a b', '\t', 'é', '\u00a0', '\u0001', '\r\n'),
    );
    const verb = fc.oneof(fc.constantFrom('MSG', 'QRY', 'UUX', 'UBX', 'NOT', 'CHG', 'ILN', 'USR', 'OUT', '911', 'ZZZ'), fc.string({ maxLength: 4 }));
    const cmd = fc.record({
      verb,
      trId: fc.option(fc.oneof(fc.nat({ max: 2 ** 32 - 1 }), fc.constantFrom(-1, 1.5, 2 ** 32, Number.NaN)), { nil: undefined }),
      params: fc.option(fc.array(token, { maxLength: 6 }), { nil: undefined }),
      payload: fc.option(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 10 })), { nil: undefined }),
    });
    fc.assert(
      fc.property(cmd, fc.constantFrom<Direction>('toServer', 'toClient'), (c, direction) => {
        // Give most payload verbs a payload so that valid commands are common.
        const fixed: CommandInit = hasPayload(c.verb, direction) && c.payload === undefined ? { ...c, payload: new Uint8Array(0) } : c;
        expect(outcome(() => serialize(fixed, direction))).toBe(outcome(() => reference(fixed, direction)));
      }),
      { numRuns: 20000 },
    );
  });

  it('pooled outputs stay intact: later commands never write over earlier ones', () => {
    const made: [Uint8Array, string][] = [];
    for (let i = 0; i < 5000; i++) {
      const payload = 'x'.repeat(i % 3000);
      const cmd: CommandInit = { verb: 'MSG', trId: i, params: ['N'], payload };
      made.push([serialize(cmd, 'toServer'), `MSG ${i} N ${payload.length}\r\n${payload}`]);
    }
    for (const [bytes, text] of made) expect(new TextDecoder().decode(bytes)).toBe(text);
  });

  it('serializeAll is the concatenation', () => {
    const cmds: CommandInit[] = [{ verb: 'PNG' }, { verb: 'MSG', trId: 2, params: ['U'], payload: 'hi' }, { verb: 'OUT' }];
    expect(serializeAll(cmds, 'toServer')).toEqual(enc('PNG\r\nMSG 2 U 2\r\nhiOUT\r\n'));
  });
});
