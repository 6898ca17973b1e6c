/**
 * MSNP13–15 in the codec (MSNP13-18.md §2, §3): what exists in which dialect, the new commands'
 * typed values, hostile input to them, and that VER still negotiates no higher than MSNP12 (neither
 * our client nor our server implements 13–15 yet). The reference's transcripts (§13.1 and the §3.2
 * shapes) run through the generic transcript tests (transcripts.test.ts, relay.test.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Command, Direction } from '../../shared/msnp/command';
import {
  buildClientCommand,
  buildServerCommand,
  decodeClientCommand,
  decodeServerCommand,
  highestDialect,
  negotiateVersion,
  type ServerCommand,
} from '../../shared/msnp/commands';
import { MAX_DIALECT, type Dialect } from '../../shared/msnp/dialect';
import { isCodecError } from '../../shared/msnp/errors';
import { clientChallengeResponse, qryMsnp11, verifyChallengeResponse } from '../../shared/msnp/auth';
import { isMlError } from '../../shared/msnp/ml/payload';
import { Parser } from '../../shared/msnp/parser';
import { serialize, SerializeError } from '../../shared/msnp/serializer';
import { hasPayload, isVerbAvailable, lineHasPayload, TO_CLIENT, TO_SERVER } from '../../shared/msnp/verbs';

const enc = new TextEncoder();
const cmd = (verb: string, trId: number | undefined, params: string[], payload?: string): Command => ({
  kind: 'command',
  verb,
  trId,
  params,
  payload: payload === undefined ? undefined : enc.encode(payload),
});

describe('MSNP13–15 verb table (MSNP13-18.md §3.1)', () => {
  it('removes the MSNP12 list commands and adds ADL/RML (13), FQY (14)', () => {
    for (const verb of ['SYN', 'GTC', 'ADC', 'REM', 'ADG', 'RMG', 'REG', 'SBP']) {
      expect(isVerbAvailable(verb, 'toServer', 12), verb).toBe(true);
      expect(isVerbAvailable(verb, 'toServer', 13), verb).toBe(false);
    }
    for (const verb of ['VER', 'CVR', 'USR', 'XFR', 'OUT', 'PNG', 'BLP', 'PRP', 'CHG', 'UUX', 'GCF', 'CHL', 'QRY', 'URL', 'IMS']) {
      expect(isVerbAvailable(verb, 'toServer', 15), verb).toBe(true);
    }
    expect(isVerbAvailable('ADL', 'toServer', 12)).toBe(false);
    expect(isVerbAvailable('ADL', 'toServer', 13)).toBe(true);
    expect(isVerbAvailable('FQY', 'toServer', 13)).toBe(false);
    expect(isVerbAvailable('FQY', 'toServer', 14)).toBe(true);
    for (const verb of ['ILN', 'NLN', 'FLN', 'UBX', 'NOT', 'RNG', 'SBS', 'UBN', 'IRO', 'JOI', 'BYE', 'ACK']) expect(isVerbAvailable(verb, 'toClient', 15), verb).toBe(true);
    for (const verb of ['LST', 'LSG', 'BPR']) expect(isVerbAvailable(verb, 'toClient', 13), verb).toBe(false);
  });

  it('frames `ADL t OK` without a payload and `ADL 0 len` with one', () => {
    expect(hasPayload('ADL', 'toClient')).toBe(true);
    expect(lineHasPayload('ADL', 'toClient', ['OK'])).toBe(false);
    const wire = enc.encode('ADL 6 OK\r\nADL 0 11\r\n<ml></ml>\r\nRML 7 OK\r\n');
    const out = new Parser({ direction: 'toClient' }).push(wire);
    expect(out).toEqual([cmd('ADL', 6, ['OK']), cmd('ADL', 0, [], '<ml></ml>\r\n'), cmd('RML', 7, ['OK'])]);
    expect(new TextDecoder().decode(serialize({ verb: 'ADL', trId: 6, params: ['OK'] }, 'toClient'))).toBe('ADL 6 OK\r\n');
    // A client's ADL always carries a payload.
    expect(() => serialize({ verb: 'ADL', trId: 6, params: ['OK'] }, 'toServer')).toThrow(SerializeError);
  });

  it('VER still negotiates MSNP12 at most: 13–15 are codec-only until client and server implement them', () => {
    expect(MAX_DIALECT).toBe(12);
    expect(negotiateVersion(['MSNP15', 'MSNP14', 'MSNP13', 'MSNP12', 'CVR0'])).toEqual({ dialect: 12, reply: ['MSNP12', 'CVR0'] });
    expect(highestDialect(['MSNP15'])).toBeUndefined();
  });
});

describe('typed MSNP13–15 commands', () => {
  it('USR SSO both ways (MSNP13-18.md §4.2), and only from MSNP15', () => {
    const i = decodeClientCommand(cmd('USR', 3, ['SSO', 'I', 'alice@hotmail.com']), 15);
    expect(i).toEqual({ type: 'USR_SSO', trId: 3, stage: 'I', handle: 'alice@hotmail.com' });
    const s = decodeClientCommand(cmd('USR', 4, ['SSO', 'S', 't=a&p=', 'proof=']), 15);
    expect(s).toEqual({ type: 'USR_SSO', trId: 4, stage: 'S', ticket: 't=a&p=', proof: 'proof=' });
    // A patched client's response without proof (§4.2, §14 point 6) decodes; the server decides.
    expect(decodeClientCommand(cmd('USR', 4, ['SSO', 'S', 't=a&p=']), 15)).toEqual({ type: 'USR_SSO', trId: 4, stage: 'S', ticket: 't=a&p=', proof: undefined });
    expect(decodeServerCommand(cmd('USR', 3, ['SSO', 'S', 'MBI_KEY_OLD', 'nonce']), 15)).toEqual({
      type: 'USR_SSO_CHALLENGE',
      trId: 3,
      policy: 'MBI_KEY_OLD',
      nonce: 'nonce',
    });
    // Below 15 an SSO package is an ordinary USR the server refuses, as before.
    expect(decodeClientCommand(cmd('USR', 3, ['SSO', 'I', 'a@b.c']), 14)).toMatchObject({ type: 'USR', method: 'SSO' });
    expect(() => buildClientCommand({ type: 'USR_SSO', trId: 3, stage: 'I', handle: 'a@b.c' }, 14)).toThrow(SerializeError);
    const bad = decodeClientCommand(cmd('USR', 3, ['SSO', 'X', 'a@b.c']), 15);
    expect(isCodecError(bad)).toBe(true);
  });

  it('ADL with a bad payload is an error value carrying the MSNP error the server answers', () => {
    const r = decodeClientCommand(cmd('ADL', 6, [], '<ml><d n="a.com"><c n="x" l="8" t="1" /></d></ml>'), 13);
    expect(isMlError(r) && r.msnpError).toBe(241);
    const bomb = decodeClientCommand(cmd('ADL', 6, [], '<!DOCTYPE ml [<!ENTITY a "aaaaaaaa">]><ml>&a;</ml>'), 13);
    expect(isMlError(bomb) && bomb.msnpError).toBe(241);
    const binary = decodeClientCommand({ kind: 'command', verb: 'ADL', trId: 6, params: [], payload: new Uint8Array([0xff, 0xfe]) }, 13);
    expect(isMlError(binary) && binary.msnpError).toBe(241);
    expect(isCodecError(decodeClientCommand(cmd('ADL', 6, [], '<ml/>'), 12))).toBe(true);
  });

  it('presence carries the network id from MSNP14 (MSNP13-18.md §3.2)', () => {
    expect(decodeServerCommand(cmd('NLN', undefined, ['NLN', 'walter@yahoo.com', '32', 'Walter', '0']), 14)).toEqual({
      type: 'NLN',
      state: 'NLN',
      handle: 'walter@yahoo.com',
      network: 32,
      friendlyName: 'Walter',
      caps: 0,
      msnObject: undefined,
    });
    const nln: ServerCommand = { type: 'NLN', state: 'NLN', handle: 'bob@hotmail.com', friendlyName: 'Bob', caps: 0 };
    expect(buildServerCommand(nln, 13).params).toEqual(['NLN', 'bob@hotmail.com', 'Bob', '0']);
    expect(buildServerCommand(nln, 14).params).toEqual(['NLN', 'bob@hotmail.com', '1', 'Bob', '0']);
    expect(buildServerCommand({ type: 'FLN', handle: 'bob@hotmail.com' }, 15).params).toEqual(['bob@hotmail.com', '1', '0']);
    expect(isCodecError(decodeServerCommand(cmd('NLN', undefined, ['NLN', 'bob@hotmail.com', 'Bob', '0']), 14))).toBe(true);
  });

  it('MSNP15 challenges are answered with PROD0119 and verify (MSNP13-18.md §5.3, §13.1)', () => {
    const r = clientChallengeResponse(15, '22210219642164014968');
    expect(r).toEqual({ productId: 'PROD0119GSJUC$18', answer: 'a400af809ac86fbdf6deec7286fc06b8' });
    expect(verifyChallengeResponse(15, '22210219642164014968', r.productId, r.answer)).toBe(true);
    expect(verifyChallengeResponse(13, 'x', clientChallengeResponse(13, 'x').productId, clientChallengeResponse(13, 'x').answer)).toBe(true);
    expect(qryMsnp11('22210219642164014968', 'PROD0119GSJUC$18', 'ILTXC!4IXB5FB*PX')).toBe('a400af809ac86fbdf6deec7286fc06b8');
  });
});

describe('typed decoding of MSNP13–15 never throws (property)', () => {
  const verbs = [...new Set([...Object.keys(TO_SERVER), ...Object.keys(TO_CLIENT), '911', '241', 'ZZZ'])];
  const tokenArb = fc.oneof(
    fc.constantFrom('0', '1', '14', '32', 'OK', 'SSO', 'I', 'S', 'MBI_KEY_OLD', 'NLN', 'a@b.c', 'a@b.c;{guid}', 'U', 'D', 'CKI', 'SB', 'NS', '1.2.3.4:1863', '4'),
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/\s/.test(s)),
  );
  const payloadArb = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom('<ml l="1"></ml>', '<ml><d n="a.com"><c n="x" l="3" t="1" /></d></ml>', '<ml><d n="a.com"></d></ml>', '<ml><d n="a.com"><c n="x" t="32" /></d></ml>', '<ml>', '<!DOCTYPE x>').map((s) => enc.encode(s)),
  );
  it('for any verb, TrID, parameters, payload, dialect 13–15, direction and server', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...verbs),
        fc.option(fc.nat({ max: 2 ** 32 - 1 }), { nil: undefined }),
        fc.array(tokenArb, { maxLength: 8 }),
        fc.option(payloadArb, { nil: undefined }),
        fc.constantFrom<Dialect>(13, 14, 15),
        fc.boolean(),
        fc.constantFrom<'ns' | 'sb'>('ns', 'sb'),
        (verb, trId, params, bytes, dialect, toServer, kind) => {
          const direction: Direction = toServer ? 'toServer' : 'toClient';
          const payload = lineHasPayload(verb, direction, params) ? (bytes ?? new Uint8Array(0)) : undefined;
          const c: Command = { kind: 'command', verb, trId, params, payload };
          const r = toServer ? decodeClientCommand(c, dialect, kind) : decodeServerCommand(c, dialect, kind);
          if (isCodecError(r)) return;
          const build = (t: unknown) => serialize(toServer ? buildClientCommand(t as never, dialect) : buildServerCommand(t as ServerCommand, dialect), direction);
          let wire: Uint8Array;
          try {
            wire = build(r);
          } catch (e) {
            if (e instanceof SerializeError && /is required in MSNP|not an address|must be a non-empty token/.test(e.message)) return;
            throw e;
          }
          const again = new Parser({ direction }).push(wire);
          expect(again).toHaveLength(1);
          const c2 = again[0] as Command;
          const r2 = toServer ? decodeClientCommand(c2, dialect, kind) : decodeServerCommand(c2, dialect, kind);
          expect(isCodecError(r2)).toBe(false);
          expect(build(r2)).toEqual(wire);
        },
      ),
      { numRuns: 10000 },
    );
  });
});
