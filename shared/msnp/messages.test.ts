import { describe, expect, it } from 'vitest';
import {
  bgrToRgb,
  buildMaintenanceMessage,
  buildMessage,
  buildNudge,
  buildProfileMessage,
  buildTextFormat,
  buildTextMessage,
  buildTypingMessage,
  decodeMessage,
  invitationSummary,
  parseTextFormat,
  profileInfo,
  rgbToBgrHex,
  splitTextMessage,
  swapPortBytes,
  type InviteMessage,
  type Message,
  type ProfileMessage,
  type TextFormat,
  type TextMessage,
} from './messages';
import { isCodecError } from './errors';
import { parseMime } from './mime';
import { MAX_SB_MESSAGE_PAYLOAD } from './limits';

const enc = (s: string) => new TextEncoder().encode(s);
/** Payload lines as MSNP.md prints them: each ends in CRLF unless `last` says otherwise. */
const lines = (ls: string[], finalCrlf = true) => enc(ls.join('\r\n') + (finalCrlf ? '\r\n' : ''));

function roundTrip(payload: Uint8Array): Message {
  const m = decodeMessage(payload);
  if (isCodecError(m)) throw new Error(m.message);
  expect(buildMessage(m)).toEqual(payload);
  return m;
}

// MSNP.md §6.6 / §9.4 (131 bytes).
const HI_BOTH = lines(['MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'X-MMS-IM-Format: FN=Arial; EF=B; CO=ff0000; CS=0; PF=22', '', 'Hi both! ☺'], false);

describe('text messages (MSNP.md §6.6)', () => {
  it('decodes the reference message, colour BGR → #rrggbb', () => {
    expect(HI_BOTH.length).toBe(131);
    const m = roundTrip(HI_BOTH) as TextMessage;
    expect(m.kind).toBe('text');
    expect(m.text).toBe('Hi both! ☺');
    expect(m.format).toEqual({
      font: 'Arial',
      bold: true,
      italic: false,
      underline: false,
      strikethrough: false,
      color: '#0000ff',
      charset: 0,
      pitchFamily: 0x22,
      rightToLeft: false,
    });
  });

  it('round-trips the §9.4 message with a URL-encoded font and empty effects (147 bytes)', () => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'X-MMS-IM-Format: FN=MS%20Sans%20Serif; EF=; CO=0; CS=0; PF=0', '', 'Hello Bob, hello Carol.'], false);
    expect(p.length).toBe(147);
    const m = roundTrip(p) as TextMessage;
    expect(m.format?.font).toBe('MS Sans Serif');
    expect(m.format?.color).toBe('#000000');
  });

  it('round-trips a message without X-MMS-IM-Format (69 bytes)', () => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', 'bye all'], false);
    expect(p.length).toBe(69);
    expect((roundTrip(p) as TextMessage).format).toBeUndefined();
  });

  it('reads format keys in any order and case, ignores junk, writes FN first', () => {
    const f = parseTextFormat('pf=12; co=ff; ef=SUI; RL=1; fn=Comic%20Sans%20MS; cs=86; XX=1; junk');
    expect(f).toEqual({ font: 'Comic Sans MS', bold: false, italic: true, underline: true, strikethrough: true, color: '#ff0000', charset: 0x86, pitchFamily: 0x12, rightToLeft: true });
    expect(buildTextFormat(f)).toBe('FN=Comic%20Sans%20MS; EF=IUS; CO=ff; CS=86; PF=12; RL=1');
    expect(parseTextFormat('CO=zz; CS=1234').color).toBe('#000000');
  });

  it('converts colours both ways (CO=ff red, ff00 green, ff0000 blue, 0 black)', () => {
    expect(bgrToRgb(0xff)).toBe('#ff0000');
    expect(bgrToRgb(0xff00)).toBe('#00ff00');
    expect(bgrToRgb(0xff0000)).toBe('#0000ff');
    expect(rgbToBgrHex('#ff0000')).toBe('ff');
    expect(rgbToBgrHex('#00ff00')).toBe('ff00');
    expect(rgbToBgrHex('#0000FF')).toBe('ff0000');
    expect(rgbToBgrHex('#000000')).toBe('0');
    expect(rgbToBgrHex('#123456')).toBe('563412');
    expect(() => rgbToBgrHex('red')).toThrow();
  });

  it('escapes what would break the header in font names', () => {
    const f: TextFormat = { ...parseTextFormat(''), font: 'A;B%C D' };
    const p = buildTextMessage('x', f);
    expect(new TextDecoder().decode(p)).toContain('FN=A%3BB%25C%20D;');
    expect(((decodeMessage(p) as TextMessage).format as TextFormat).font).toBe('A;B%C D');
  });

  it('honours the charset: UTF-8, Windows-1252 when none is given, others by label', () => {
    const body = (ct: string, bytes: number[]) => new Uint8Array([...enc(`MIME-Version: 1.0\r\nContent-Type: ${ct}\r\n\r\n`), ...bytes]);
    expect((decodeMessage(body('text/plain; charset=UTF-8', [0xc3, 0xa9])) as TextMessage).text).toBe('é');
    expect((decodeMessage(body('text/plain', [0xe9, 0x80])) as TextMessage).text).toBe('é€');
    expect((decodeMessage(body('TEXT/PLAIN; CHARSET="utf-8"', [0xe2, 0x98, 0xba])) as TextMessage).text).toBe('☺');
    expect((decodeMessage(body('text/plain; charset=shift_jis', [0x82, 0xa0])) as TextMessage).text).toBe('あ');
    expect((decodeMessage(body('text/plain; charset=x-nonsense', [0xe9])) as TextMessage).text).toBe('é');
    // Invalid UTF-8 under charset=UTF-8: replacement characters, the message is kept.
    expect((decodeMessage(body('text/plain; charset=UTF-8', [0x61, 0xff, 0x62])) as TextMessage).text).toBe('a\ufffdb');
  });
});

describe('control messages', () => {
  it('typing notification (§6.7, 88 bytes)', () => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/x-msmsgscontrol', 'TypingUser: bob@hotmail.com', '', '']);
    expect(p.length).toBe(88);
    expect(roundTrip(p)).toMatchObject({ kind: 'typing', user: 'bob@hotmail.com' });
    expect(buildTypingMessage('bob@hotmail.com')).toEqual(p);
  });

  it('nudge (§6.8, 69 bytes) and other datacasts', () => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/x-msnmsgr-datacast', '', 'ID: 1', '']);
    expect(p.length).toBe(69);
    expect(roundTrip(p)).toMatchObject({ kind: 'datacast', id: 1 });
    expect(buildNudge()).toEqual(p);
    const wink = buildMessage({ kind: 'datacast', id: 2, data: '<msnobj Creator="a@b.c"/>' });
    expect(roundTrip(wink)).toMatchObject({ kind: 'datacast', id: 2, data: '<msnobj Creator="a@b.c"/>' });
  });

  it('custom emoticon definitions (§6.9)', () => {
    const obj = '<msnobj Creator="alice@hotmail.com" Size="978" Type="2" Location="TFRC5.dat" Friendly="AAA=" SHA1D="x" SHA1C="y"/>';
    const p = enc(`MIME-Version: 1.0\r\nContent-Type: text/x-mms-emoticon\r\n\r\n(tux)\t${obj}\t(w)\t${obj}\t`);
    expect(roundTrip(p)).toMatchObject({ kind: 'emoticons', animated: false, items: [{ shortcut: '(tux)', msnObject: obj }, { shortcut: '(w)', msnObject: obj }] });
  });
});

describe('invitations (§6.10)', () => {
  const cases: [string[], number][] = [
    [['Application-Name: File Transfer', 'Application-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}', 'Invitation-Command: INVITE', 'Invitation-Cookie: 33267', 'Application-File: readme.txt', 'Application-FileSize: 60904', ''], 277],
    [['Invitation-Command: ACCEPT', 'Invitation-Cookie: 33267', 'Launch-Application: FALSE', 'Request-Data: IP-Address:', ''], 181],
    [['Invitation-Command: CANCEL', 'Invitation-Cookie: 33267', 'Cancel-Code: REJECT', ''], 148],
    [['Invitation-Command: ACCEPT', 'Invitation-Cookie: 33267', 'IP-Address: 198.51.100.20', 'Port: 6891', 'AuthCookie: 93301', 'Launch-Application: FALSE', 'Request-Data: IP-Address:', ''], 239],
  ];
  it.each(cases)('round-trips %#, with the reference byte count', (body, count) => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/x-msmsgsinvite; charset=UTF-8', '', ...body]);
    expect(p.length).toBe(count);
    const m = roundTrip(p) as InviteMessage;
    expect(m.kind).toBe('invite');
    expect(invitationSummary(m).cookie).toBe(33267);
    expect(m.fields.map((f) => `${f.name}: ${f.value}`)).toEqual(body.filter((l) => l !== ''));
  });
});

describe('NS messages (§3.3.4, §6.11)', () => {
  const profile8 = [
    'LoginTime: 1062764229', 'EmailEnabled: 1', 'MemberIdHigh: 85040', 'MemberIdLow: -517030579', 'lang_preference: 1033',
    'preferredEmail: alice@hotmail.com', 'country: US', 'PostalCode: ', 'Gender: ', 'Kid: 0', 'Age: ', 'BDayPre: ', 'Birthday: ',
    'Wallet: ', 'Flags: 1027', 'sid: 507', 'kv: 5', 'MSPAuth: 5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$',
    'ClientIP: 203.0.113.7', 'ClientPort: 18183',
  ];
  const profilePayload = (fields: string[]) => lines(['MIME-Version: 1.0', 'Content-Type: text/x-msmsgsprofile; charset=UTF-8', ...fields, '']);

  it('reads the MSNP8 profile (430 bytes) and swaps ClientPort back to 1863', () => {
    const p = profilePayload(profile8);
    expect(p.length).toBe(430);
    const m = roundTrip(p) as ProfileMessage;
    expect(profileInfo(m.fields)).toMatchObject({ loginTime: 1062764229, memberIdLow: -517030579, clientPort: 1863, clientIp: '203.0.113.7', emailEnabled: true, postalCode: '' });
    expect(swapPortBytes(18183)).toBe(1863);
    expect(swapPortBytes(1863)).toBe(18183);
  });

  const common = { emailEnabled: true, memberIdHigh: 85040, memberIdLow: -517030579, language: 1033, preferredEmail: 'alice@hotmail.com', country: 'US', flags: 1027, sid: 507, clientIp: '203.0.113.7', clientPort: 1863 };
  it('builds the MSNP2 (95 bytes), MSNP8 (430) and MSNP11 (434) profiles of §9 exactly', () => {
    expect(buildMessage(buildProfileMessage({ loginTime: 1013928519 }, 2))).toEqual(profilePayload(['LoginTime: 1013928519']));
    expect(buildMessage(buildProfileMessage({ loginTime: 1013928519 }, 2)).length).toBe(95);
    const p8 = buildMessage(buildProfileMessage({ ...common, loginTime: 1062764229, kv: 5, mspAuth: '5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$' }, 8));
    expect(p8).toEqual(profilePayload(profile8));
    const fields11 = profile8
      .map((l) => l.replace('1062764229', '1114292264').replace('kv: 5', 'kv: 7').replace('5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$', () => '7Qk2Vn3Lq9pWm1Xc8Hs4Jd6Fg0Ty5Ua$$'))
      .concat('ABCHMigrated: 1');
    const p11 = buildMessage(buildProfileMessage({ ...common, loginTime: 1114292264, kv: 7, mspAuth: '7Qk2Vn3Lq9pWm1Xc8Hs4Jd6Fg0Ty5Ua$$' }, 11));
    expect(p11).toEqual(profilePayload(fields11));
    expect(p11.length).toBe(434);
  });

  it('initial mail notice (221 bytes)', () => {
    const p = lines(['MIME-Version: 1.0', 'Content-Type: text/x-msmsgsinitialemailnotification; charset=UTF-8', '', 'Inbox-Unread: 1', 'Folders-Unread: 0', 'Inbox-URL: /cgi-bin/HoTMaiL', 'Folders-URL: /cgi-bin/folders', 'Post-URL: http://www.hotmail.com', '']);
    expect(p.length).toBe(221);
    expect(roundTrip(p)).toMatchObject({ kind: 'email', notice: 'initial', fields: [{ name: 'Inbox-Unread', value: '1' }, {}, {}, {}, {}] });
  });

  it('maintenance system message', () => {
    const p = buildMessage(buildMaintenanceMessage(5));
    expect(new TextDecoder().decode(p)).toBe('MIME-Version: 1.0\r\nContent-Type: application/x-msmsgssystemmessage\r\n\r\nType: 1\r\nArg1: 5\r\n\r\n');
    expect(roundTrip(p)).toMatchObject({ kind: 'system', type: 1, arg1: '5' });
    // Without the trailing blank line (as some servers send it) it still decodes.
    expect(decodeMessage(enc('MIME-Version: 1.0\r\nContent-Type: application/x-msmsgssystemmessage\r\n\r\nType: 1\r\nArg1: 10'))).toMatchObject({ kind: 'system', type: 1, arg1: '10' });
  });
});

describe('unknown and malformed payloads', () => {
  it('returns an unknown content type as itself, body bytes intact', () => {
    const body = new Uint8Array([0, 1, 2, 255, 13, 10]);
    const p = new Uint8Array([...enc('MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@hotmail.com\r\n\r\n'), ...body]);
    const m = roundTrip(p);
    expect(m).toEqual({
      kind: 'unknown',
      contentType: 'application/x-msnmsgrp2p',
      headers: [
        { name: 'MIME-Version', value: '1.0' },
        { name: 'Content-Type', value: 'application/x-msnmsgrp2p' },
        { name: 'P2P-Dest', value: 'bob@hotmail.com' },
      ],
      body,
    });
  });

  it('keeps a known type whose body does not fit as unknown', () => {
    for (const ct of ['text/x-msmsgscontrol', 'text/x-msnmsgr-datacast', 'application/x-msmsgssystemmessage', 'text/x-msmsgsinvite']) {
      const m = decodeMessage(enc(`MIME-Version: 1.0\r\nContent-Type: ${ct}\r\n\r\nno colon here`));
      expect(isCodecError(m) ? m.code : m.kind, ct).toBe('unknown');
    }
  });

  it('reads header names case-insensitively, in order, and bare-LF payloads', () => {
    const m = decodeMessage(enc('mime-version: 1.0\ncontent-type: TEXT/X-MSMSGSCONTROL\ntypinguser: a@b.c\n\n\n'));
    expect(m).toMatchObject({ kind: 'typing', user: 'a@b.c' });
  });

  it('rejects payloads that are not MIME', () => {
    for (const p of ['hello', 'MIME-Version: 1.0\r\nContent-Type: text/plain', 'no colon\r\n\r\nbody', '']) {
      const m = decodeMessage(enc(p));
      expect(isCodecError(m) && m.code, JSON.stringify(p)).toBe('BAD_PAYLOAD');
    }
    expect(parseMime(enc('\r\nbody'))).toEqual({ headers: [], body: enc('body') });
  });

  it('refuses to build headers that would inject lines', () => {
    expect(() => buildTypingMessage('a@b.c\r\nX: y')).toThrow();
    expect(() => buildMessage({ kind: 'invite', fields: [{ name: 'Bad Name', value: 'x' }] })).toThrow();
  });
});

describe('splitTextMessage (split, never cut)', () => {
  const fmt = parseTextFormat('FN=Arial; EF=; CO=0; CS=0; PF=22');
  const check = (text: string, format?: TextFormat, limit = MAX_SB_MESSAGE_PAYLOAD) => {
    const pieces = splitTextMessage(text, format, limit);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) {
      const payload = buildTextMessage(p, format);
      expect(payload.length).toBeLessThanOrEqual(limit);
      // No piece starts or ends inside a surrogate pair or a CRLF.
      expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p)).toBe(false);
      expect(p.startsWith('\n') && pieces.indexOf(p) > 0).toBe(false);
      expect((decodeMessage(payload) as TextMessage).text).toBe(p);
    }
    return pieces;
  };

  it('leaves short text alone', () => {
    expect(splitTextMessage('hi')).toEqual(['hi']);
    expect(splitTextMessage('')).toEqual(['']);
  });

  it('splits long ASCII, multi-byte and astral text within the limit', () => {
    expect(check('a'.repeat(5000), fmt).length).toBeGreaterThan(3);
    check('é'.repeat(3000));
    check('☺'.repeat(2000), fmt);
    check('😀'.repeat(1500), fmt);
    check('ab😀'.repeat(700) + 'x', undefined, 200);
    check('line\r\n'.repeat(600), fmt);
  });

  it('prefers breaking after whitespace', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const pieces = check(words, fmt);
    for (const p of pieces.slice(0, -1)) expect(p.endsWith(' ')).toBe(true);
  });

  it('fills pieces: only the last one may be short', () => {
    const pieces = check('x'.repeat(10_000));
    const budget = MAX_SB_MESSAGE_PAYLOAD - buildTextMessage('').length;
    for (const p of pieces.slice(0, -1)) expect(p.length).toBe(budget);
  });
});
