import { describe, expect, it } from 'vitest';
import { decodeProtocolError, ErrorCode, PROTOCOL_ERRORS, protocolErrorInfo } from './errors';

describe('ErrorCode', () => {
  it('names only codes that are in the MSNP.md §7 table', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(PROTOCOL_ERRORS.has(code), `${name} = ${code}`).toBe(true);
    }
  });

  it('gives each code one name (no two names for the same number)', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('names 712, the switchboard participant cap, as §7 does (ERR_SESSION_OVERLOAD)', () => {
    expect(ErrorCode.SESSION_OVERLOAD).toBe(712);
    expect(protocolErrorInfo(ErrorCode.SESSION_OVERLOAD)).toEqual({ code: 712, name: 'ERR_SESSION_OVERLOAD', description: 'Session overload' });
  });

  it('names 240, a UUX document that is not UTF-8, as §7 does (invalid XML)', () => {
    expect(ErrorCode.INVALID_XML).toBe(240);
    expect(protocolErrorInfo(ErrorCode.INVALID_XML)).toEqual({ code: 240, name: 'ERR_INVALID_XML', description: 'Invalid XML' });
  });

  it('decodes the new codes off the wire with their TrID', () => {
    const line = (verb: string, trId: number) => ({ kind: 'command' as const, verb, trId, params: [], payload: undefined });
    expect(decodeProtocolError(line('712', 12))).toMatchObject({ code: ErrorCode.SESSION_OVERLOAD, name: 'ERR_SESSION_OVERLOAD', trId: 12 });
    expect(decodeProtocolError(line('240', 3))).toMatchObject({ code: ErrorCode.INVALID_XML, name: 'ERR_INVALID_XML', trId: 3 });
  });
});
