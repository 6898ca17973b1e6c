/**
 * Property tests for the parser and serializer (fast-check):
 * - random bytes in random chunks never throw, always return, and give the same output as one push;
 * - streams of valid commands with random corruption behave the same way;
 * - serialize(random valid command) then parse gives the same command back, alone or in a stream,
 *   in any chunking.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Parser, type ParseOutput } from '../../shared/msnp/parser';
import { serialize, serializeAll } from '../../shared/msnp/serializer';
import type { Command, Direction } from '../../shared/msnp/command';
import { TO_CLIENT, TO_SERVER, verbSpec } from '../../shared/msnp/verbs';
import { MAX_TRID } from '../../shared/msnp/limits';
import { fingerprint } from './fingerprint';

/** Split `bytes` at the given cut points (any order, any values) and feed the pieces. */
function pushInChunks(bytes: Uint8Array, cuts: readonly number[], direction: Direction, limits?: { line: number; payload: number }): ParseOutput[] {
  const p = new Parser({ direction, maxLineLength: limits?.line, maxPayloadLength: limits?.payload });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: ParseOutput[] = [];
  let from = 0;
  for (const at of points) {
    out.push(...p.push(bytes.subarray(from, at)));
    from = at;
  }
  out.push(...p.push(bytes.subarray(from)));
  out.push(...p.finish());
  return out;
}

function pushWhole(bytes: Uint8Array, direction: Direction, limits?: { line: number; payload: number }): ParseOutput[] {
  const p = new Parser({ direction, maxLineLength: limits?.line, maxPayloadLength: limits?.payload });
  return [...p.push(bytes), ...p.finish()];
}

const direction = fc.constantFrom<Direction>('toServer', 'toClient');
const cuts = fc.array(fc.nat(), { maxLength: 40 });

describe('parser on random input', () => {
  it('random bytes in random chunks: no throw, bounded output, same as one push', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), cuts, direction, (bytes, cs, dir) => {
        const whole = pushWhole(bytes, dir);
        // One output per LF at most, plus finish(): the parser cannot spin.
        const lfs = bytes.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
        expect(whole.length).toBeLessThanOrEqual(lfs + 1);
        expect(fingerprint(pushInChunks(bytes, cs, dir))).toBe(fingerprint(whole));
      }),
      { numRuns: 3000 },
    );
  });

  it('random bytes drawn from the protocol alphabet, with tiny limits', () => {
    const alphabet = fc.constantFrom(...[...'MSG NOT UBX QRY USR 0123456789 \t\r\n\r\n%AZ'].map((c) => c.charCodeAt(0)), 0xff, 0xc3, 0xa9);
    const limits = fc.record({ line: fc.integer({ min: 1, max: 64 }), payload: fc.integer({ min: 0, max: 64 }) });
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 2000 }), cuts, direction, limits, (arr, cs, dir, lim) => {
        const bytes = Uint8Array.from(arr);
        const whole = pushWhole(bytes, dir, lim);
        expect(fingerprint(pushInChunks(bytes, cs, dir, lim))).toBe(fingerprint(whole));
      }),
      { numRuns: 3000 },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Valid commands

/** A parameter token: non-empty, no whitespace, well-formed Unicode (what the serializer accepts). */
const tokenArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9%@.=:,{}!$*&_-]{1,20}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => !/\s/u.test(s) && !/[\r\n]/.test(s)),
);
const nonNumericToken = tokenArb.filter((t) => !/^\d+$/.test(t));

function commandArb(dir: Direction): fc.Arbitrary<Command> {
  const table = dir === 'toServer' ? TO_SERVER : TO_CLIENT;
  const verbs = [...Object.keys(table), 'ZZZ', '911', '540'];
  return fc.constantFrom(...verbs).chain((verb) => {
    const spec = verbSpec(verb, dir);
    const trId = fc.oneof(fc.constant(0), fc.nat({ max: MAX_TRID }));
    const payload = spec.payloadSince !== undefined ? fc.uint8Array({ maxLength: 300 }) : fc.constant(undefined);
    let shape: fc.Arbitrary<{ trId: number | undefined; params: string[] }>;
    switch (spec.trId) {
      case 'always':
        shape = fc.record({ trId, params: fc.array(tokenArb, { maxLength: 8 }) });
        break;
      case 'never':
        shape = fc.record({ trId: fc.constant(undefined), params: fc.array(tokenArb, { maxLength: 8 }) });
        break;
      case 'ifNumeric':
        // Without a TrID the first token must not look like one, or the line means something else.
        shape = fc.oneof(
          fc.record({ trId, params: fc.array(tokenArb, { maxLength: 8 }) }),
          fc.record({ trId: fc.constant(undefined), params: fc.tuple(nonNumericToken, fc.array(tokenArb, { maxLength: 7 })).map(([a, r]) => [a, ...r]) }),
        );
        break;
      case 'lsg':
        // `LSG t ver idx total id name 0` (six or more parameters) or the TrID-less item shapes.
        shape = fc.oneof(
          fc.record({ trId, params: fc.array(tokenArb, { minLength: 6, maxLength: 8 }) }),
          fc.record({ trId: fc.constant(undefined), params: fc.array(tokenArb, { maxLength: 5 }) }),
        );
        break;
    }
    return fc.tuple(shape, payload).map(([s, pl]): Command => ({ kind: 'command', verb, trId: s.trId, params: s.params, payload: pl }));
  });
}

describe('serialize then parse', () => {
  for (const dir of ['toServer', 'toClient'] as const) {
    it(`${dir}: one command comes back equal`, () => {
      fc.assert(
        fc.property(commandArb(dir), (cmd) => {
          expect(pushWhole(serialize(cmd, dir), dir)).toEqual([cmd]);
        }),
        { numRuns: 5000 },
      );
    });

    it(`${dir}: a stream of commands comes back equal in any chunking`, () => {
      fc.assert(
        fc.property(fc.array(commandArb(dir), { minLength: 1, maxLength: 30 }), cuts, (cmds, cs) => {
          const wire = serializeAll(cmds, dir);
          expect(pushInChunks(wire, cs, dir)).toEqual(cmds);
        }),
        { numRuns: 1000 },
      );
    });

    it(`${dir}: corrupting a valid stream never throws and chunking never matters`, () => {
      fc.assert(
        fc.property(
          fc.array(commandArb(dir), { minLength: 1, maxLength: 20 }),
          fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 10 }),
          cuts,
          (cmds, flips, cs) => {
            const wire = serializeAll(cmds, dir).slice();
            for (const [at, b] of flips) if (wire.length > 0) wire[at % wire.length] = b;
            expect(fingerprint(pushInChunks(wire, cs, dir))).toBe(fingerprint(pushWhole(wire, dir)));
          },
        ),
        { numRuns: 2000 },
      );
    });
  }
});
