/**
 * What a relaying server writes with the codec's builders is the reference's bytes. For every
 * `CHG`/`SBP` reply, `ILN`/`NLN` and `UBX` in the MSNP.md §9 transcripts and the §2–§6 examples
 * (test/fixtures/transcripts), in every dialect of its connection:
 * - the `CHG` and `SBP` replies built from the request's own tokens (`verbatim`) are the request
 *   echoed (MSNP.md §2.7, §4.8, §5.2);
 * - `ILN`/`NLN` built from the owner's capabilities and MSNObject tokens as received (§2.8, §2.9),
 *   and, where there is an object, from the parsed object and from its fields (SHA1C computed);
 * - `UBX` built from the owner's `UUX` bytes (§2.10).
 * Then the cases where decoding and encoding again would not give the same bytes, which is why a
 * relaying server needs the verbatim forms.
 */
import { describe, expect, it } from 'vitest';
import type { Command, CommandInit, Direction } from '../../shared/msnp/command';
import type { Dialect } from '../../shared/msnp/dialect';
import { buildChg, buildIln, buildNln, buildSbp, buildUbx, decodeServerCommand, verbatim, type Iln, type Nln, type OnlineState, type PresenceState } from '../../shared/msnp/commands';
import { isCodecError } from '../../shared/msnp/errors';
import { parseMsnObject, type MsnObject } from '../../shared/msnp/msnobject';
import { decodeName } from '../../shared/msnp/names';
import { Parser } from '../../shared/msnp/parser';
import { parsePersonalStatus } from '../../shared/msnp/psm';
import { serialize } from '../../shared/msnp/serializer';
import { loadTranscript, transcriptFiles, type Entry } from './transcript';

const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function parse(e: Entry): Command {
  const out = new Parser({ direction: e.direction }).push(e.wire);
  const c = out[0];
  if (out.length !== 1 || c === undefined || isCodecError(c)) throw new Error(`fixture line ${e.at} does not parse: ${e.line}`);
  return c;
}

function wire(init: CommandInit, direction: Direction = 'toClient'): string {
  return latin1(serialize(init, direction));
}

/** The request a reply with this TrID answers: the last client line before it with the same verb and TrID. */
function requestOf(entries: readonly Entry[], i: number, reply: Command): Command | undefined {
  for (let j = i - 1; j >= 0; j--) {
    const e = entries[j] as Entry;
    if (e.direction !== 'toServer') continue;
    const c = parse(e);
    if (c.verb === reply.verb && c.trId === reply.trId) return c;
  }
  return undefined;
}

/** `ILN`/`NLN` fields as a server holds them: the name decoded (from its store), the rest as received. */
function relayedPresence(c: Command, d: Dialect) {
  // MSNP14+ put the network id after the handle (MSNP13-18.md §3.2).
  const [state, handle, network, name, caps, msnObject] = (
    d >= 14 ? c.params : [c.params[0], c.params[1], undefined, ...c.params.slice(2)]
  ) as [OnlineState, string, string | undefined, string, string | undefined, string | undefined];
  return {
    state,
    handle,
    ...(network === undefined ? {} : { network: Number(network) }),
    friendlyName: decodeName(name),
    caps: caps === undefined ? undefined : verbatim(caps),
    msnObject: msnObject === undefined ? undefined : verbatim(msnObject),
  };
}

const checked = { CHG: 0, SBP: 0, ILN: 0, NLN: 0, UBX: 0, object: 0 };

describe('a relaying server builds the reference bytes from the tokens it received', () => {
  for (const file of transcriptFiles()) {
    for (const conn of loadTranscript(file)) {
      for (const d of conn.dialects) {
        it(`${file} ${conn.name} MSNP${d}`, () => {
          conn.entries.forEach((e, i) => {
            if (e.direction !== 'toClient') return;
            const c = parse(e);
            const where = `${file}:${e.at} ${e.line} (MSNP${d})`;
            const expected = latin1(e.wire);
            if (c.verb === 'CHG' || c.verb === 'SBP') {
              const req = requestOf(conn.entries, i, c);
              if (req === undefined) return; // server-initiated (`CHG 0 FLN`)
              const p = req.params;
              const token = (t: string | undefined) => (t === undefined ? undefined : verbatim(t));
              const echo =
                c.verb === 'CHG'
                  ? buildChg({ trId: req.trId as number, state: p[0] as PresenceState, caps: token(p[1]), msnObject: token(p[2]) }, d)
                  : buildSbp({ trId: req.trId as number, contactId: p[0] as string, key: p[1] as string, value: token(p[2]), extra: p.slice(3) }, d);
              expect(wire(echo), where).toBe(expected);
              checked[c.verb]++;
            } else if (c.verb === 'ILN' || c.verb === 'NLN') {
              const v = relayedPresence(c, d);
              const build = (x: typeof v | Omit<typeof v, 'msnObject'> & { msnObject: MsnObject }) =>
                wire(c.verb === 'ILN' ? buildIln({ ...x, trId: c.trId as number }, d) : buildNln(x, d));
              expect(build(v), where).toBe(expected);
              checked[c.verb]++;
              // The same line from the decoded object: parsed, and as fields with SHA1C computed.
              const typed = decodeServerCommand(c, d, conn.server) as Iln | Nln;
              const parsed = typed.msnObject === undefined ? undefined : parseMsnObject(typed.msnObject);
              if (parsed !== undefined && !isCodecError(parsed)) {
                expect(build({ ...v, msnObject: parsed }), where).toBe(expected);
                const { creator, size, type, location, friendly, sha1d } = parsed;
                // Built from fields, SHA1C is computed and written: comparable only to objects that had one
                // (MSNP13-18.md §13.1's object has none).
                if (parsed.sha1c !== undefined) {
                  expect(wire(buildNln({ ...v, msnObject: { creator, size, type, location, friendly, sha1d } }, d)), where).toBe(
                    wire(buildNln({ ...v, msnObject: parsed }, d)),
                  );
                }
                checked.object++;
              }
            } else if (c.verb === 'UBX') {
              const network = d >= 14 ? { network: Number(c.params[1]) } : {};
              expect(wire(buildUbx({ handle: c.params[0] as string, ...network, status: c.payload as Uint8Array }, d)), where).toBe(expected);
              checked.UBX++;
            }
          });
        });
      }
    }
  }

  it('covered every relayed verb (the fixtures have each at least once)', () => {
    for (const [verb, n] of Object.entries(checked)) expect(n, verb).toBeGreaterThan(0);
  });
});

describe('why a relaying server needs the verbatim forms', () => {
  // The §2.9 object as some client might encode it: lower-case escapes, `+` for a space-free `+`.
  const lower = '%3cmsnobj%20Creator%3d%22bob%40x.y%22%20Size%3d%221%22%20Type%3d%223%22%20SHA1D%3d%22a%2Bb%2f%22%2f%3e';

  it('an MSNObject re-encoded from its decoded text changes case; the verbatim token does not (§2.9)', () => {
    const v = { trId: 9, state: 'NLN' as const, handle: 'bob@x.y', friendlyName: 'Bob', caps: 5 };
    const reencoded = buildIln({ ...v, msnObject: decodeName(lower) }, 9).params?.[4];
    expect(reencoded).not.toBe(lower);
    expect(buildIln({ ...v, msnObject: verbatim(lower) }, 9).params?.[4]).toBe(lower);
    expect(buildNln({ ...v, msnObject: verbatim(lower) }, 12).params?.[4]).toBe(lower);
    // Dialects without MSNObjects leave it out, whatever its form (§2.7).
    expect(buildNln({ ...v, msnObject: verbatim(lower) }, 8).params).toEqual(['NLN', 'bob@x.y', 'Bob', '5']);
  });

  it('capabilities are echoed as sent: a number would drop leading zeros (§2.8, §5.2)', () => {
    expect(wire(buildChg({ trId: 3, state: 'BSY', caps: verbatim('0042') }, 8))).toBe('CHG 3 BSY 0042\r\n');
    expect(wire(buildChg({ trId: 3, state: 'BSY', caps: 42 }, 8))).toBe('CHG 3 BSY 42\r\n');
    // `0` for "no object" is echoed like any other token.
    expect(wire(buildChg({ trId: 4, state: 'IDL', caps: verbatim('7'), msnObject: verbatim('0') }, 12))).toBe('CHG 4 IDL 7 0\r\n');
  });

  it('a UUX document is relayed byte for byte; rebuilding the parsed status would lose parts (§2.10)', () => {
    const doc = enc('<Data><PSM>tea &#38; cake</PSM><CurrentMedia/><MachineGuid>{1}</MachineGuid></Data>');
    const ubx = buildUbx({ handle: 'bob@x.y', status: doc }, 11);
    expect(ubx.payload).toBe(doc);
    expect(latin1(serialize(ubx, 'toClient'))).toBe(`UBX bob@x.y ${doc.length}\r\n${latin1(doc)}`);
    const rebuilt = buildUbx({ handle: 'bob@x.y', status: parsePersonalStatus(doc) }, 11).payload;
    expect(rebuilt).toBe('<Data><PSM>tea &amp; cake</PSM><CurrentMedia></CurrentMedia></Data>');
  });

  it('an SBP echo keeps the name as the client encoded it and the parameters after it (§4.8)', () => {
    const req = { trId: 52, contactId: '0d8c4b8f-83b6-4b1d-9d0b-2b8c9c2a1e11' };
    expect(wire(buildSbp({ ...req, key: 'MFN', value: verbatim('Caf%c3%a9') }, 10))).toBe(`SBP 52 ${req.contactId} MFN Caf%c3%a9\r\n`);
    expect(wire(buildSbp({ ...req, key: 'MFN', value: decodeName('Caf%c3%a9') }, 10))).toBe(`SBP 52 ${req.contactId} MFN Caf%C3%A9\r\n`);
    expect(wire(buildSbp({ ...req, key: 'PHM', value: verbatim('555%201234'), extra: ['1'] }, 11))).toBe(`SBP 52 ${req.contactId} PHM 555%201234 1\r\n`);
  });
});
