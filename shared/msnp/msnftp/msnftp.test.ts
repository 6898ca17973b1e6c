import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Bytes } from '../bytes';
import { isCodecError } from '../errors';
import { decodeMessage } from '../messages';
import {
  FILE_TRANSFER_GUID,
  MSNFTP_BLOCK_SIZE,
  MsnftpByeCode,
  MsnftpReader,
  abortBlock,
  blockHeader,
  buildCancel,
  buildFileInvite,
  buildInvitationPayload,
  buildMsnftpLine,
  buildReceiverAccept,
  buildSenderAccept,
  encodeBlocks,
  parseInvitation,
  parseInvitationPayload,
  parseMsnftpLine,
  type MsnftpReadItem,
} from './index';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const payload = (s: string): Uint8Array => utf8Bytes(s.replace(/\n/g, '\r\n'));

describe('invitations (MSNP.md §6.10)', () => {
  it('builds the file INVITE exactly as the reference shows it', () => {
    const p = buildInvitationPayload(buildFileInvite({ cookie: 33267, name: 'readme.txt', size: 60904 }));
    expect(text(p)).toBe(
      'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\n' +
        'Application-Name: File Transfer\r\nApplication-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\n' +
        'Invitation-Command: INVITE\r\nInvitation-Cookie: 33267\r\nApplication-File: readme.txt\r\nApplication-FileSize: 60904\r\n\r\n',
    );
    // The reference's MSG length for this body: 277 bytes.
    expect(p.length).toBe(277);
  });

  it('builds the receiver ACCEPT, the CANCEL and the sender ACCEPT with the reference lengths', () => {
    expect(buildInvitationPayload(buildReceiverAccept(33267)).length).toBe(181);
    expect(buildInvitationPayload(buildCancel(33267, 'REJECT')).length).toBe(148);
    const sender = buildInvitationPayload(buildSenderAccept({ cookie: 33267, ipAddress: '198.51.100.20', port: 6891, authCookie: 93301 }));
    expect(sender.length).toBe(239);
    expect(text(sender)).toContain('IP-Address: 198.51.100.20\r\nPort: 6891\r\nAuthCookie: 93301\r\n');
  });

  it('reads what it writes', () => {
    const inv = parseInvitationPayload(buildInvitationPayload(buildFileInvite({ cookie: 1, name: 'a b.txt', size: 0 })));
    expect(inv).toMatchObject({ command: 'INVITE', cookie: 1, applicationGuid: FILE_TRANSFER_GUID, applicationName: 'File Transfer', file: { name: 'a b.txt', size: 0 } });
    const acc = parseInvitationPayload(buildInvitationPayload(buildSenderAccept({ cookie: 7, ipAddress: '127.0.0.1', port: 1234, authCookie: 4294967295 })));
    expect(acc).toMatchObject({ command: 'ACCEPT', cookie: 7, ipAddress: '127.0.0.1', port: 1234, authCookie: 4294967295, launchApplication: false, requestData: 'IP-Address:' });
    const acc2 = parseInvitationPayload(buildInvitationPayload(buildReceiverAccept(7)));
    expect(acc2).toMatchObject({ command: 'ACCEPT', cookie: 7 });
    expect(acc2).not.toHaveProperty('ipAddress');
    expect(parseInvitationPayload(buildInvitationPayload(buildCancel(9, 'FTTIMEOUT')))).toMatchObject({ command: 'CANCEL', cookie: 9, cancelCode: 'FTTIMEOUT' });
  });

  it('is liberal: any field order, LF only, names in any case, lower-case GUID, MSN 5 NAT fields', () => {
    const inv = parseInvitationPayload(
      payload(
        'MIME-Version: 1.0\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\n\napplication-filesize: 12\ninvitation-cookie: 5\nInvitation-Command: invite\nApplication-File: x.bin\nApplication-GUID: {5d3e02ab-6190-11d3-bbbb-00c04f795683}\nConnectivity: N\nX-Unknown: kept\n\n',
      ).map((b) => b),
    );
    expect(inv).toMatchObject({ command: 'INVITE', cookie: 5, file: { name: 'x.bin', size: 12 }, connectivity: false });
    if (!isCodecError(inv)) expect(inv.fields.some((f) => f.name === 'X-Unknown')).toBe(true);
    const acc = parseInvitation([
      { name: 'Invitation-Command', value: 'ACCEPT' },
      { name: 'Invitation-Cookie', value: '5' },
      { name: 'IP-Address-Internal', value: '10.0.0.2' },
      { name: 'PortX', value: '11178' },
      { name: 'Sender-Connect', value: 'TRUE' },
    ]);
    expect(acc).toMatchObject({ command: 'ACCEPT', ipAddressInternal: '10.0.0.2', portX: 11178, senderConnect: true });
  });

  it('keeps a hostile file name as announced (the app makes it safe) and another GUID without file', () => {
    const inv = parseInvitation([
      { name: 'Application-GUID', value: FILE_TRANSFER_GUID },
      { name: 'Invitation-Command', value: 'INVITE' },
      { name: 'Invitation-Cookie', value: '1' },
      { name: 'Application-File', value: '..\\..\\windows\\system32\\evil.exe' },
      { name: 'Application-FileSize', value: '10' },
    ]);
    expect(inv).toMatchObject({ file: { name: '..\\..\\windows\\system32\\evil.exe' } });
    const other = parseInvitation([
      { name: 'Application-GUID', value: '{02D3C01F-BF30-4825-A83A-DE7AF41648AA}' },
      { name: 'Invitation-Command', value: 'INVITE' },
      { name: 'Invitation-Cookie', value: '1' },
    ]);
    expect(other).toMatchObject({ command: 'INVITE', applicationGuid: '{02D3C01F-BF30-4825-A83A-DE7AF41648AA}' });
    expect(other).not.toHaveProperty('file');
  });

  it.each([
    ['no command', [{ name: 'Invitation-Cookie', value: '1' }]],
    ['unknown command', [{ name: 'Invitation-Command', value: 'EXPLODE' }, { name: 'Invitation-Cookie', value: '1' }]],
    ['no cookie', [{ name: 'Invitation-Command', value: 'CANCEL' }]],
    ['cookie too large', [{ name: 'Invitation-Command', value: 'CANCEL' }, { name: 'Invitation-Cookie', value: '4294967296' }]],
    ['negative cookie', [{ name: 'Invitation-Command', value: 'CANCEL' }, { name: 'Invitation-Cookie', value: '-1' }]],
    ['INVITE without GUID', [{ name: 'Invitation-Command', value: 'INVITE' }, { name: 'Invitation-Cookie', value: '1' }]],
    [
      'file INVITE without a name',
      [
        { name: 'Invitation-Command', value: 'INVITE' },
        { name: 'Invitation-Cookie', value: '1' },
        { name: 'Application-GUID', value: FILE_TRANSFER_GUID },
        { name: 'Application-FileSize', value: '1' },
      ],
    ],
    [
      'file INVITE with a size that is not a number',
      [
        { name: 'Invitation-Command', value: 'INVITE' },
        { name: 'Invitation-Cookie', value: '1' },
        { name: 'Application-GUID', value: FILE_TRANSFER_GUID },
        { name: 'Application-File', value: 'a' },
        { name: 'Application-FileSize', value: '-5' },
      ],
    ],
    [
      'file INVITE with an absurd size',
      [
        { name: 'Invitation-Command', value: 'INVITE' },
        { name: 'Invitation-Cookie', value: '1' },
        { name: 'Application-GUID', value: FILE_TRANSFER_GUID },
        { name: 'Application-File', value: 'a' },
        { name: 'Application-FileSize', value: '99999999999999999999' },
      ],
    ],
    ['ACCEPT with port 0', [{ name: 'Invitation-Command', value: 'ACCEPT' }, { name: 'Invitation-Cookie', value: '1' }, { name: 'Port', value: '0' }]],
    ['ACCEPT with port 70000', [{ name: 'Invitation-Command', value: 'ACCEPT' }, { name: 'Invitation-Cookie', value: '1' }, { name: 'Port', value: '70000' }]],
    ['ACCEPT with a bad AuthCookie', [{ name: 'Invitation-Command', value: 'ACCEPT' }, { name: 'Invitation-Cookie', value: '1' }, { name: 'AuthCookie', value: 'abc' }]],
  ])('refuses %s with an error value', (_label, fields) => {
    const r = parseInvitation(fields);
    expect(isCodecError(r)).toBe(true);
    if (isCodecError(r)) expect(r.code).toBe('BAD_PAYLOAD');
  });

  it('refuses a payload that is not an invitation', () => {
    expect(isCodecError(parseInvitationPayload(utf8Bytes('MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi')))).toBe(true);
    expect(isCodecError(parseInvitationPayload(utf8Bytes('garbage without a blank line')))).toBe(true);
  });

  it('refuses to build a field value that would inject lines', () => {
    expect(() => buildInvitationPayload(buildFileInvite({ cookie: 1, name: 'a\r\nInvitation-Command: CANCEL', size: 1 }))).toThrow();
    expect(() => buildFileInvite({ cookie: 2 ** 32, name: 'a', size: 1 })).toThrow(RangeError);
    expect(() => buildFileInvite({ cookie: 1, name: 'a', size: -1 })).toThrow(RangeError);
  });

  it('property: any name without line breaks, size and cookie survive a round trip', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !/[\r\n]/.test(s) && s.trim() !== '' && s === s.trimStart()),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 0xffffffff }),
        (name, size, cookie) => {
          const m = decodeMessage(buildInvitationPayload(buildFileInvite({ cookie, name, size })));
          expect(isCodecError(m)).toBe(false);
          if (isCodecError(m) || m.kind !== 'invite') return;
          expect(parseInvitation(m.fields)).toMatchObject({ command: 'INVITE', cookie, file: { name, size } });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary field lists never throw', () => {
    const names = fc.constantFrom('Invitation-Command', 'Invitation-Cookie', 'Application-GUID', 'Application-File', 'Application-FileSize', 'Port', 'AuthCookie', 'IP-Address', 'Cancel-Code', 'X');
    fc.assert(
      fc.property(fc.array(fc.record({ name: names, value: fc.oneof(fc.string(), fc.constantFrom('INVITE', 'ACCEPT', 'CANCEL', '1', FILE_TRANSFER_GUID, '65536', '4294967295')) })), (fields) => {
        parseInvitation(fields);
      }),
    );
  });
});

describe('MSNFTP session lines (MSNP.md §6.10)', () => {
  it('builds the reference transcript', () => {
    expect(text(buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }))).toBe('VER MSNFTP\r\n');
    expect(text(buildMsnftpLine({ verb: 'USR', handle: 'bob@hotmail.com', cookie: 93301 }))).toBe('USR bob@hotmail.com 93301\r\n');
    expect(text(buildMsnftpLine({ verb: 'FIL', size: 60904 }))).toBe('FIL 60904\r\n');
    expect(text(buildMsnftpLine({ verb: 'TFR' }))).toBe('TFR\r\n');
    expect(text(buildMsnftpLine({ verb: 'BYE', code: MsnftpByeCode.OK }))).toBe('BYE 16777989\r\n');
    expect(text(buildMsnftpLine({ verb: 'CCL' }))).toBe('CCL\r\n');
    expect(MsnftpByeCode.OK).toBe(0x01000305);
    expect(MsnftpByeCode.CANCELLED).toBe(0x81000332);
  });

  it('parses lines and refuses malformed ones with error values', () => {
    expect(parseMsnftpLine('USR bob@hotmail.com 93301')).toEqual({ verb: 'USR', handle: 'bob@hotmail.com', cookie: 93301 });
    expect(parseMsnftpLine('FIL 0')).toEqual({ verb: 'FIL', size: 0 });
    expect(parseMsnftpLine('BYE')).toEqual({ verb: 'BYE', code: MsnftpByeCode.OK });
    expect(parseMsnftpLine('VER MSNFTP MSNFTP2')).toEqual({ verb: 'VER', protocols: ['MSNFTP', 'MSNFTP2'] });
    for (const bad of ['USR bob', 'USR bob x', 'FIL', 'FIL -1', 'FIL 1e9', 'FIL 99999999999999999', 'BYE x', 'VER', 'HELO', '']) {
      expect(isCodecError(parseMsnftpLine(bad)), bad).toBe(true);
    }
  });

  it('refuses to build a parameter with whitespace', () => {
    expect(() => buildMsnftpLine({ verb: 'USR', handle: 'a b', cookie: 1 })).toThrow(RangeError);
    expect(() => buildMsnftpLine({ verb: 'FIL', size: -1 })).toThrow(RangeError);
  });
});

describe('MSNFTP blocks and the reader', () => {
  const collect = (reader: MsnftpReader, chunks: readonly Uint8Array[]): MsnftpReadItem[] => chunks.flatMap((c) => reader.push(c));
  const dataOf = (items: readonly MsnftpReadItem[]): number[] => items.flatMap((i) => ('kind' in i && i.kind === 'data' ? [...i.bytes] : []));

  it('encodes 2045-byte blocks with the 3-byte little-endian header', () => {
    expect([...blockHeader(2045)]).toEqual([0, 0xfd, 0x07]);
    expect([...abortBlock()]).toEqual([1, 0, 0]);
    const data = new Uint8Array(5000).map((_, i) => i & 0xff);
    const enc = encodeBlocks(data);
    expect(enc.length).toBe(5000 + 3 * 3);
    expect([...enc.subarray(0, 3)]).toEqual([0, 0xfd, 0x07]);
    expect([...enc.subarray(2048, 2051)]).toEqual([0, 0xfd, 0x07]);
    expect([...enc.subarray(4096, 4099)]).toEqual([0, 910 & 0xff, 910 >> 8]);
    expect(encodeBlocks(new Uint8Array(0)).length).toBe(0);
  });

  it('reads the sender side: lines until FIL, then blocks, at every split point', () => {
    const file = new Uint8Array(4100).map((_, i) => (i * 7) & 0xff);
    const stream = new Uint8Array([...buildMsnftpLine({ verb: 'VER', protocols: ['MSNFTP'] }), ...buildMsnftpLine({ verb: 'FIL', size: file.length }), ...encodeBlocks(file)]);
    for (const split of [1, 2, 3, 5, 12, 13, 14, 2048, 2049, 2050, stream.length - 1]) {
      const r = new MsnftpReader({ from: 'sender' });
      const items = collect(r, [stream.subarray(0, split), stream.subarray(split)]);
      expect(items.filter((i) => 'kind' in i && i.kind === 'line').map((i) => (i as { line: { verb: string } }).line.verb)).toEqual(['VER', 'FIL']);
      expect(dataOf(items)).toEqual([...file]);
      expect(r.midBlock).toBe(false);
    }
  });

  it('reads the abort block and nothing after it', () => {
    const r = new MsnftpReader({ from: 'sender' });
    const items = collect(r, [utf8Bytes('FIL 10\r\n'), Uint8Array.of(0, 2, 0, 9, 9, 1, 0, 0, 0, 5, 0)]);
    expect(items.map((i) => i.kind)).toEqual(['line', 'data', 'abort']);
    expect(r.push(Uint8Array.of(0, 1, 0, 1))).toEqual([]);
  });

  it('reports a block cut short as midBlock', () => {
    const r = new MsnftpReader({ from: 'sender' });
    collect(r, [utf8Bytes('FIL 10\r\n'), Uint8Array.of(0, 10, 0, 1, 2)]);
    expect(r.midBlock).toBe(true);
  });

  it('breaks on garbage: a bad flag, a long line, control characters, an unknown verb', () => {
    const cases: [MsnftpReaderOptions['from'], Uint8Array][] = [
      ['sender', new Uint8Array([...utf8Bytes('FIL 3\r\n'), 7, 3, 0, 1, 2, 3])],
      ['receiver', new Uint8Array(MSNFTP_BLOCK_SIZE).fill(65)],
      ['receiver', utf8Bytes('USR a\x00b 1\r\n')],
      ['receiver', utf8Bytes('GET / HTTP/1.1\r\n')],
    ];
    for (const [from, bytes] of cases) {
      const r = new MsnftpReader({ from });
      const items = r.push(bytes);
      expect(items.some((i) => i.kind === 'error')).toBe(true);
      expect(r.push(utf8Bytes('TFR\r\n'))).toEqual([]);
    }
  });

  it('property: random bytes never throw, and any file survives any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom<'sender' | 'receiver'>('sender', 'receiver'), (bytes, from) => {
        new MsnftpReader({ from }).push(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 65535 }), (file, cuts, blockSize) => {
        const stream = new Uint8Array([...utf8Bytes(`FIL ${file.length}\r\n`), ...encodeBlocks(file, blockSize)]);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(stream.subarray(prev, p));
          prev = p;
        }
        chunks.push(stream.subarray(prev));
        const r = new MsnftpReader({ from: 'sender' });
        expect(dataOf(collect(r, chunks))).toEqual([...file]);
      }),
      { numRuns: 100 },
    );
  });
});

type MsnftpReaderOptions = ConstructorParameters<typeof MsnftpReader>[0];
