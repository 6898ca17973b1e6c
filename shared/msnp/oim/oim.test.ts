import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCodecError } from '../errors';
import { parseXml } from '../soap/xml';
import { buildMailData, parseMailData } from './maildata';
import { buildOimContent, buildOimMessage, parseOimContent, parseOimMessage } from './message';
import { decodeWords, encodeWord } from './rfc2047';
import {
  buildDeleteMessages,
  buildDeleteMessagesResponse,
  buildGetMessage,
  buildGetMessageResponse,
  buildGetMetadata,
  buildGetMetadataResponse,
  parseDeleteMessagesResponse,
  parseGetMessageResponse,
  parseGetMetadataResponse,
  parseRsiRequest,
} from './rsi';
import { buildStore2Fault, buildStore2Request, buildStore2Response, MSNP15_PRODUCT, oimLockKey, parseStore2Request, parseStore2Response } from './store';

const RUN = '{3A0B4C5D-6E7F-4081-92A3-B4C5D6E7F809}';

// MSNP13-18.md §13.1, "Fetching Carol's OIM": the GetMessageResult, 840 bytes once unescaped.
const CAROL_OIM = [
  'X-Message-Info: cwRBnLifKNE8dVZlNj6AiX8142B67OTjG9BFMLMyzuui1H4Xx7m3NQ==',
  'Received: from OIM-SSI02.phx.gbl ([65.54.237.206]) by oim1-f1.hotmail.com with Microsoft SMTPSVC(6.0.3790.211);',
  '\t Mon, 1 Jun 2009 10:15:00 -0700',
  'From: =?utf-8?B?Q2Fyb2w=?= <carol@hotmail.com>',
  'To: alice@hotmail.com',
  'Subject: ',
  'X-OIM-originatingSource: 203.0.113.9',
  'X-OIMProxy: MSNMSGR',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: base64',
  'X-OIM-Message-Type: OfflineMessage',
  'X-OIM-Run-Id: {6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D0E}',
  'X-OIM-Sequence-Num: 1',
  'Message-ID: <OIM-SSI02zDv60gxapz00061a8b@OIM-SSI02.phx.gbl>',
  'X-OriginalArrivalTime: 01 Jun 2009 17:15:00.0000 (UTC) FILETIME=[E5A10B80:01C9E2D7]',
  'Date: 01 Jun 2009 10:15:00 -0700',
  'Return-Path: ndr@oim.messenger.msn.com',
  '',
  'SGkgQWxpY2UsIGNhbGwgbWUgd2hlbiB5b3UgYXJlIGJhY2su',
].join('\r\n');

// §13.1's initial Mail-Data value.
const MAIL_DATA =
  '<MD><E><I>0</I><IU>0</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q><M><T>11</T><S>6</S><RT>2009-06-01T17:15:00.000Z</RT><RS>0</RS><SZ>840</SZ><E>carol@hotmail.com</E><I>6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D0E</I><F>00000000-0000-0000-0000-000000000009</F><N>=?utf-8?B?Q2Fyb2w=?=</N></M></MD>';
const CAROL_ENTRY = {
  id: '6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D0E',
  from: 'carol@hotmail.com',
  fromName: 'Carol',
  receivedTime: '2009-06-01T17:15:00.000Z',
  size: 840,
  read: false,
  folder: '00000000-0000-0000-0000-000000000009',
};

describe('OIM lock key (MSNP13-18.md §9.2)', () => {
  it('is the MSNP11 QRY answer with the MSNP15 product pair: the reference example', () => {
    expect(MSNP15_PRODUCT.productId).toBe('PROD0119GSJUC$18');
    expect(oimLockKey('13038318816579321232')).toBe('d7ab624e79b048bd0ff594bfb8be089a');
  });
});

describe('OIM content and messages (MSNP13-18.md §9)', () => {
  it('Store2 content: the reference headers, base64 body, run id and sequence, read back by the server', () => {
    const c = buildOimContent({ runId: RUN, sequence: 1, text: 'See you tomorrow!' });
    expect(c).toBe(
      `MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\nX-OIM-Message-Type: OfflineMessage\nX-OIM-Run-Id: ${RUN}\nX-OIM-Sequence-Num: 1\n\nU2VlIHlvdSB0b21vcnJvdyE=`,
    );
    expect(parseOimContent(c)).toEqual({ runId: RUN, sequence: 1, text: 'See you tomorrow!' });
    // CRLF too (Escargot normalises), long and non-ASCII text in ≤ 76-character lines.
    const long = 'Grüße aus München 🦋 '.repeat(30);
    const lc = buildOimContent({ runId: RUN, sequence: 7, text: long });
    for (const line of lc.split('\n\n')[1]!.split('\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(parseOimContent(lc.replace(/\n/g, '\r\n'))).toEqual({ runId: RUN, sequence: 7, text: long });
  });

  it('the server refuses bad content (InvalidContent) as values', () => {
    const good = buildOimContent({ runId: RUN, sequence: 1, text: 'hi' });
    const cases = [
      good.replace('X-OIM-Message-Type: OfflineMessage', 'X-OIM-Message-Type: Other'),
      good.replace(RUN, 'not-a-guid'),
      good.replace('X-OIM-Sequence-Num: 1', 'X-OIM-Sequence-Num: 0'),
      good.replace('aGk=', 'a'.repeat(78)),
      good.replace('aGk=', '!!!!'),
      good.replace('aGk=', '//79'), // bytes ff fe fd: not UTF-8
      good.replace('Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: 8bit'),
      good.replace('text/plain', 'text/html'),
      good.replace('\n\n', '\n'),
      `${good.split('\n\n')[0]}\n\n${'QUFB'.repeat(10_000)}`,
      '',
    ];
    for (const c of cases) expect(isCodecError(parseOimContent(c)), c.slice(0, 60)).toBe(true);
  });

  it('GetMessage result of §13.1: sender, name, time and text', () => {
    expect(new TextEncoder().encode(CAROL_OIM)).toHaveLength(840);
    expect(parseOimMessage(CAROL_OIM)).toEqual({
      from: 'carol@hotmail.com',
      fromName: 'Carol',
      to: 'alice@hotmail.com',
      date: '01 Jun 2009 10:15:00 -0700',
      sentAt: Date.UTC(2009, 5, 1, 17, 15, 0),
      runId: '{6B2E1C0D-9F8A-4B7C-8D6E-5F4A3B2C1D0E}',
      sequence: 1,
      text: 'Hi Alice, call me when you are back.',
    });
    // A phone sender is taken from X-OIM-originatingSource (§9.1).
    expect(parseOimMessage(CAROL_OIM.replace('203.0.113.9', 'tel:+15551234'))).toMatchObject({ from: 'tel:+15551234' });
  });

  it('the server formats a stored OIM that the client reads back', () => {
    const sentAt = Date.UTC(2009, 5, 1, 17, 15, 0);
    const mail = buildOimMessage({ from: 'carol@hotmail.com', fromName: 'Carol «C»', to: 'alice@hotmail.com', sentAt, originatingSource: '203.0.113.9', messageId: 'x1', runId: RUN, sequence: 3, text: 'Hi Alice\r\nline two' });
    expect(parseOimMessage(mail)).toEqual({ from: 'carol@hotmail.com', fromName: 'Carol «C»', to: 'alice@hotmail.com', date: '01 Jun 2009 17:15:00 +0000', sentAt, runId: RUN, sequence: 3, text: 'Hi Alice\r\nline two' });
  });

  it('RFC 2047 words: B and Q, other charsets, adjacent words', () => {
    expect(encodeWord('Alice')).toBe('=?utf-8?B?QWxpY2U=?=');
    expect(decodeWords('=?utf-8?B?QWxpY2U=?=')).toBe('Alice');
    expect(decodeWords('=?ISO-8859-1?Q?Andr=E9_B?= =?utf-8?B?w7w=?= <a@b.c>')).toBe('André Bü <a@b.c>');
    expect(decodeWords('=?utf-8?B?!!!?= plain')).toBe('=?utf-8?B?!!!?= plain');
  });
});

describe('Store2 (MSNP13-18.md §9.2, §13.1)', () => {
  const request = {
    from: 'alice@hotmail.com',
    friendlyName: 'Alice',
    to: 'dave@hotmail.com',
    ticket: 't=EwCoARAPAAAUb2lt&p=x',
    appId: 'PROD0119GSJUC$18',
    lockKey: '',
    sequence: 1,
    content: buildOimContent({ runId: RUN, sequence: 1, text: 'See you tomorrow!' }),
  };

  it('request: the reference header attributes, read back by the server', () => {
    const xml = buildStore2Request(request);
    expect(xml).toContain(
      '<From memberName="alice@hotmail.com" friendlyName="=?utf-8?B?QWxpY2U=?=" xml:lang="en-US" proxy="MSNMSGR" xmlns="http://messenger.msn.com/ws/2004/09/oim/" msnpVer="MSNP15" buildVer="8.5.1288"/>',
    );
    expect(xml).toContain('<Ticket passport="t=EwCoARAPAAAUb2lt&amp;p=x" appid="PROD0119GSJUC$18" lockkey="" xmlns="http://messenger.msn.com/ws/2004/09/oim/"/>');
    expect(xml).toContain('<Sequence xmlns="http://schemas.xmlsoap.org/ws/2003/03/rm"><Identifier xmlns="http://schemas.xmlsoap.org/ws/2002/07/utility">http://messenger.msn.com</Identifier><MessageNumber>1</MessageNumber></Sequence>');
    expect(xml).toContain('<MessageType xmlns="http://messenger.msn.com/ws/2004/09/oim/">text</MessageType>');
    expect(parseStore2Request(xml)).toEqual({ ...request, msnpVer: 'MSNP15', buildVer: '8.5.1288' });
  });

  it('answers: lock-key challenge, stored, expired ticket, other faults', () => {
    const challenge = parseStore2Response(buildStore2Fault('AuthenticationFailed', 'Exception of type AuthenticationFailed was thrown', '13038318816579321232'));
    expect(challenge).toEqual({ type: 'lockKeyChallenge', challenge: '13038318816579321232' });
    if (isCodecError(challenge) || challenge.type !== 'lockKeyChallenge') throw new Error('expected a challenge');
    const again = buildStore2Request({ ...request, lockKey: oimLockKey(challenge.challenge) });
    expect(again).toContain('lockkey="d7ab624e79b048bd0ff594bfb8be089a"');
    expect(parseStore2Response(buildStore2Response(1))).toEqual({ type: 'stored', sequence: 1 });
    const tweener = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode xmlns:q0="http://messenger.msn.com/ws/2004/09/oim/">q0:AuthenticationFailed</faultcode><faultstring>x</faultstring><detail><TweenerChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">ct=1,rver=1</TweenerChallenge></detail></soap:Fault></soap:Body></soap:Envelope>`;
    expect(parseStore2Response(tweener)).toEqual({ type: 'ticketExpired' });
    expect(parseStore2Response(buildStore2Fault('AuthenticationFailed', 'Ticket not accepted', undefined, { requiredAuthPolicy: 'MBI_SSL' }))).toEqual({ type: 'ticketExpired' });
    expect(parseStore2Response(buildStore2Fault('SystemUnavailable', 'no'))).toMatchObject({ type: 'fault', codeName: 'SystemUnavailable' });
  });
});

describe('Mail-Data and RSI (MSNP13-18.md §9.1)', () => {
  it('Mail-Data of §13.1 and §13.2 both ways, and too-large', () => {
    const md = { type: 'mailData', inboxTotal: 0, inboxUnread: 0, othersTotal: 0, othersUnread: 0 };
    expect(parseMailData(MAIL_DATA)).toEqual({ ...md, messages: [CAROL_ENTRY] });
    expect(buildMailData([CAROL_ENTRY])).toBe(MAIL_DATA);
    const empty = '<MD><E><I>0</I><IU>0</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q></MD>';
    expect(parseMailData(empty)).toEqual({ ...md, messages: [] });
    expect(buildMailData([])).toBe(empty);
    expect(parseMailData('too-large')).toEqual({ type: 'tooLarge' });
    const live = buildMailData([CAROL_ENTRY], { live: true });
    expect(live).toContain('<F>.!!OIM</F><N>=?utf-8?B?Q2Fyb2w=?=</N><SU> </SU>');
    expect(live).not.toContain('<RT>');
    expect(parseMailData(live)).toMatchObject({ messages: [{ id: CAROL_ENTRY.id, from: 'carol@hotmail.com', fromName: 'Carol', folder: '.!!OIM' }] });
  });

  it('RSI requests and answers, both directions', () => {
    const cookie = { t: 'EwCoAQ8PAAAUc2Vj&x', p: 'Pr3q' };
    expect(parseRsiRequest(buildGetMetadata(cookie))).toEqual({ action: 'GetMetadata', cookie });
    const gm = buildGetMessage(cookie, CAROL_ENTRY.id);
    expect(gm).toContain(`<GetMessage xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi"><messageId>${CAROL_ENTRY.id}</messageId><alsoMarkAsRead>false</alsoMarkAsRead></GetMessage>`);
    expect(gm).toContain('<PassportCookie xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi"><t>EwCoAQ8PAAAUc2Vj&amp;x</t><p>Pr3q</p></PassportCookie>');
    expect(parseRsiRequest(gm)).toEqual({ action: 'GetMessage', cookie, messageId: CAROL_ENTRY.id, alsoMarkAsRead: false });
    expect(parseRsiRequest(buildDeleteMessages(cookie, ['a', 'b']))).toEqual({ action: 'DeleteMessages', cookie, messageIds: ['a', 'b'] });
    expect(parseGetMetadataResponse(buildGetMetadataResponse([CAROL_ENTRY]))).toMatchObject({ type: 'mailData', messages: [CAROL_ENTRY] });
    // The mail goes through XML escaping and back unchanged, CRLFs and all.
    expect(parseGetMessageResponse(buildGetMessageResponse(CAROL_OIM))).toBe(CAROL_OIM);
    expect(parseDeleteMessagesResponse(buildDeleteMessagesResponse())).toEqual({ type: 'deleted' });
    // Missing parts are refused.
    const noCookie = buildGetMetadata({ t: '', p: '' });
    expect(isCodecError(parseRsiRequest(noCookie))).toBe(true);
    expect(isCodecError(parseRsiRequest(buildDeleteMessages(cookie, [])))).toBe(true);
    expect(isCodecError(parseRsiRequest(gm.replace(/<messageId>[^<]*<\/messageId>/, '')))).toBe(true);
  });

  it('hostile input to every OIM reader is an error value, never a throw (property)', () => {
    const readers = [parseMailData, parseOimContent, parseOimMessage, parseStore2Request, parseStore2Response, parseRsiRequest, parseGetMessageResponse, parseGetMetadataResponse];
    const docs = [MAIL_DATA, CAROL_OIM, buildStore2Request({ from: 'a@b.c', friendlyName: 'A', to: 'd@e.f', ticket: 't', appId: 'x', lockKey: '', sequence: 1, content: 'c' }), buildGetMessageResponse(CAROL_OIM)];
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.string({ maxLength: 40 }), fc.nat(), fc.nat({ max: 40 }), (doc, junk, at, cut) => {
        const i = at % (doc.length + 1);
        const mangled = doc.slice(0, i) + junk + doc.slice(i + cut);
        for (const read of readers) expect(['object', 'string']).toContain(typeof read(mangled));
      }),
      { numRuns: 300 },
    );
    const bomb = '<!DOCTYPE MD [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><MD>&b;</MD>';
    expect(isCodecError(parseMailData(bomb))).toBe(true);
    expect(isCodecError(parseXml(bomb))).toBe(true);
  });
});
