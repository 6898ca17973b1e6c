/**
 * Masking, driven by lines copied from the worked transcripts of MSNP.md §9 (and §3, §6).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, maskLine, maskPayload, type Direction } from './mask';

type Case = readonly [Direction, string, string];

/** [direction, wire line, expected console line]. Identical = must stay readable as is. */
const LINES: readonly Case[] = [
  // §9.1 MSNP2 sign-in with MD5
  ['out', 'VER 1 MSNP2 CVR0', 'VER 1 MSNP2 CVR0'],
  ['out', 'USR 3 MD5 I alice@hotmail.com', 'USR 3 MD5 I alice@hotmail.com'],
  ['in', 'XFR 3 NS 10.0.0.5:1863', 'XFR 3 NS 10.0.0.5:1863'],
  ['in', 'USR 6 MD5 S 1013928519.693957190', 'USR 6 MD5 S 1013928519.693957190'],
  ['out', 'USR 7 MD5 S 7f919fab309532df353c901430df36fa', 'USR 7 MD5 S ***'],
  ['in', 'USR 7 OK alice@hotmail.com Alice', 'USR 7 OK alice@hotmail.com Alice'],
  ['in', 'LST 8 FL 42 1 2 bob@hotmail.com Bob', 'LST 8 FL 42 1 2 bob@hotmail.com Bob'],
  ['in', 'ILN 9 BSY carol@hotmail.com Carol', 'ILN 9 BSY carol@hotmail.com Carol'],
  ['out', 'REA 10 alice@hotmail.com Alice%20in%20Wonderland', 'REA 10 alice@hotmail.com Alice%20in%20Wonderland'],
  // §9.2 MSNP8 TWN
  ['out', 'CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 5.0.0544 MSMSGS alice@hotmail.com', 'CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 5.0.0544 MSMSGS alice@hotmail.com'],
  ['in', 'XFR 3 NS 207.46.106.145:1863 0 207.46.104.20:1863', 'XFR 3 NS 207.46.106.145:1863 0 207.46.104.20:1863'],
  [
    'in',
    'USR 6 TWN S lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619',
    'USR 6 TWN S lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619',
  ],
  ['out', 'USR 7 TWN S t=5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$&p=2Pq8x!Fd*7u0bH0Qk3LW$$', 'USR 7 TWN S ***'],
  ['in', 'USR 7 OK alice@hotmail.com Alice 1 0', 'USR 7 OK alice@hotmail.com Alice 1 0'],
  ['in', 'CHL 0 15570131571988941333', 'CHL 0 15570131571988941333'],
  ['out', 'QRY 10 msmsgs@msnmsgr.com 32', 'QRY 10 msmsgs@msnmsgr.com 32'],
  ['in', 'NLN IDL carol@hotmail.com Carol 0', 'NLN IDL carol@hotmail.com Carol 0'],
  // §3.1 CTP (plain password)
  ['out', 'USR 4 CTP S hunter2', 'USR 4 CTP S ***'],
  // §9.4 switchboard
  ['out', 'XFR 15 SB', 'XFR 15 SB'],
  ['in', 'XFR 15 SB 10.0.0.20:1863 CKI 17262740.1050826919.32308', 'XFR 15 SB 10.0.0.20:1863 CKI ***'],
  ['out', 'USR 1 alice@hotmail.com 17262740.1050826919.32308', 'USR 1 alice@hotmail.com ***'],
  ['in', 'USR 1 OK alice@hotmail.com Alice', 'USR 1 OK alice@hotmail.com Alice'],
  ['out', 'CAL 2 bob@hotmail.com', 'CAL 2 bob@hotmail.com'],
  ['in', 'CAL 2 RINGING 11752013', 'CAL 2 RINGING 11752013'],
  ['in', 'RNG 11752013 10.0.0.20:1863 CKI 849102291.520491113 alice@hotmail.com Alice', 'RNG 11752013 10.0.0.20:1863 CKI *** alice@hotmail.com Alice'],
  ['out', 'ANS 1 bob@hotmail.com 849102291.520491113 11752013', 'ANS 1 bob@hotmail.com *** 11752013'],
  ['in', 'IRO 1 1 2 alice@hotmail.com Alice', 'IRO 1 1 2 alice@hotmail.com Alice'],
  ['in', 'ANS 1 OK', 'ANS 1 OK'],
  ['in', 'JOI carol@hotmail.com Carol', 'JOI carol@hotmail.com Carol'],
  ['out', 'MSG 3 A 131', 'MSG 3 A 131'],
  ['in', 'MSG bob@hotmail.com Bob 131', 'MSG bob@hotmail.com Bob 131'],
  ['in', 'BYE carol@hotmail.com', 'BYE carol@hotmail.com'],
  // §3.3.2 Passport HTTP exchange as the tap writes it
  [
    'out',
    'GET https://login.passport.com/login2.srf Authorization: Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40hotmail.com,pwd=s3cr%2Ct,lc=1033,id=507',
    'GET https://login.passport.com/login2.srf Authorization: Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40hotmail.com,pwd=***,lc=1033,id=507',
  ],
  [
    'in',
    "HTTP 200 Authentication-Info: Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec,from-PP='t=5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$&p=2Pq8x!Fd*7u0bH0Qk3LW$$',ru=http://messenger.msn.com",
    "HTTP 200 Authentication-Info: Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec,from-PP='***',ru=http://messenger.msn.com",
  ],
  ['in', 'HTTP 302 Location: https://loginnet.passport.com/login2.srf?lc=1033', 'HTTP 302 Location: https://loginnet.passport.com/login2.srf?lc=1033'],
];

describe('maskLine', () => {
  it.each(LINES)('%s %s', (direction, line, expected) => {
    expect(maskLine(direction, line)).toBe(expected);
  });

  it('is idempotent: masking a masked line changes nothing', () => {
    for (const [direction, line] of LINES) {
      const once = maskLine(direction, line);
      expect(maskLine(direction, once)).toBe(once);
    }
  });

  it('masks a known secret anywhere, raw or URL-encoded, even in lines it has no rule for', () => {
    const secrets = ['s3cr,t pass'];
    expect(maskLine('out', 'PRP 13 MFN my%20password%20is%20s3cr,t pass', secrets)).toBe('PRP 13 MFN my%20password%20is%20***');
    expect(maskLine('out', 'XYZ 1 s3cr%2Ct%20pass', secrets)).toBe('XYZ 1 ***');
    // Too-short secrets are not masked (they would shred the transcript).
    expect(maskLine('out', 'CHG 1 NLN 0', ['N'])).toBe('CHG 1 NLN 0');
  });

  it('never leaks a cookie or ticket, whatever its characters (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9.!*$]{6,40}$/);
    fc.assert(
      fc.property(token, fc.integer({ min: 1, max: 9999 }), (secret, tr) => {
        const lines: [Direction, string][] = [
          ['in', `XFR ${tr} SB 10.0.0.20:1863 CKI ${secret}`],
          ['in', `RNG ${tr} 10.0.0.20:1863 CKI ${secret} alice@hotmail.com Alice`],
          ['out', `USR ${tr} bob@hotmail.com ${secret}`],
          ['out', `ANS ${tr} bob@hotmail.com ${secret} 11752013`],
          ['out', `USR ${tr} TWN S t=${secret}&p=${secret}`],
          ['out', `USR ${tr} MD5 S ${secret}`],
          ['in', `X from-PP='t=${secret}&p=${secret}',ru=x`],
        ];
        for (const [d, l] of lines) expect(maskLine(d, l)).not.toContain(secret);
      }),
    );
  });
});

describe('maskPayload', () => {
  it('masks MSPAuth and the client address in the MSNP8 profile message, keeping the rest', () => {
    // §9.2, the profile MSG payload (CRLF line ends as on the wire).
    const profile = [
      'MIME-Version: 1.0',
      'Content-Type: text/x-msmsgsprofile; charset=UTF-8',
      'LoginTime: 1062764229',
      'EmailEnabled: 1',
      'MemberIdHigh: 85040',
      'MemberIdLow: -517030579',
      'lang_preference: 1033',
      'preferredEmail: alice@hotmail.com',
      'country: US',
      'PostalCode: ',
      'Kid: 0',
      'Flags: 1027',
      'sid: 507',
      'kv: 5',
      'MSPAuth: 5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$',
      'ClientIP: 203.0.113.7',
      'ClientPort: 18183',
      '',
      '',
    ].join('\r\n');
    const masked = maskPayload(profile);
    expect(masked).not.toContain('5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU');
    expect(masked).not.toContain('203.0.113.7');
    expect(masked).toContain('MSPAuth: ***\r\nClientIP: ***\r\nClientPort: ***\r\n');
    expect(masked).toContain('LoginTime: 1062764229\r\n');
    expect(masked).toContain('PostalCode: \r\n');
    expect(masked.split('\r\n')).toHaveLength(profile.split('\r\n').length);
  });

  it('keeps chat messages, typing notices, nudges and challenge answers readable', () => {
    const chat = 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial; EF=B; CO=ff0000; CS=0; PF=22\r\n\r\nHi both! ☺';
    const typing = 'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: bob@hotmail.com\r\n\r\n\r\n';
    const nudge = 'MIME-Version: 1.0\r\nContent-Type: text/x-msnmsgr-datacast\r\n\r\nID: 1\r\n\r\n';
    const qry = '8f2f5a91b72102cd28355e9fc9000d6e';
    const psm = '<Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia></Data>';
    for (const p of [chat, typing, nudge, qry, psm]) expect(maskPayload(p)).toBe(p);
  });

  it('masks HTTP cookies and SOAP tokens, and secrets typed into a message', () => {
    expect(maskPayload('Set-Cookie: MSPAuth=abc; path=/\r\nContent-Type: text/html\r\n')).toBe('Set-Cookie: ***\r\nContent-Type: text/html\r\n');
    expect(maskPayload('<wsse:BinarySecurityToken Id="Compact1">t=EwCoAQ==&amp;p=</wsse:BinarySecurityToken>')).toBe(
      '<wsse:BinarySecurityToken Id="Compact1">***</wsse:BinarySecurityToken>',
    );
    expect(maskPayload('Content-Type: text/plain\r\n\r\noops my password is hunter22', ['hunter22'])).toBe(
      `Content-Type: text/plain\r\n\r\noops my password is ${MASK}`,
    );
  });
});
