import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCodecError } from '../errors';
import { buildRstAuthFailure, buildRstRequest, buildRstResponse, messengerTokenRequests, parseRstRequest, parseRstResponse, splitCompactToken, tokenFor } from './rst';

const TICKET = 't=EwCoAQ7PAAAUX5cN3Kh7Rt2yVbG8o4Qq1wMiEUcWAAB1Zm&p=';

describe('RequestMultipleSecurityTokens (MSNP13-18.md §4.3)', () => {
  it('builds the request with the reference element names, RSTn in order, the policy from USR SSO S', () => {
    const xml = buildRstRequest({ username: 'alice@hotmail.com', password: 'p<&>"w', tokens: messengerTokenRequests('MBI_KEY_OLD') });
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><soap:Envelope')).toBe(true);
    expect(xml).toContain('<ps:HostingApp>{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}</ps:HostingApp><ps:BinaryVersion>4</ps:BinaryVersion><ps:UIVersion>1</ps:UIVersion><ps:Cookies></ps:Cookies><ps:RequestParams>AQAAAAIAAABsYwQAAAAxMDMz</ps:RequestParams>');
    expect(xml).toContain('<wsse:UsernameToken Id="user"><wsse:Username>alice@hotmail.com</wsse:Username><wsse:Password>p&lt;&amp;&gt;"w</wsse:Password></wsse:UsernameToken>');
    expect(xml).toContain('<wst:RequestSecurityToken Id="RST0"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType><wsp:AppliesTo><wsa:EndpointReference><wsa:Address>http://Passport.NET/tb</wsa:Address></wsa:EndpointReference></wsp:AppliesTo></wst:RequestSecurityToken>');
    expect(xml).toContain('<wsa:Address>messengerclear.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo><wsse:PolicyReference URI="MBI_KEY_OLD"></wsse:PolicyReference>');
    expect(xml).toContain('Id="RST4"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType><wsp:AppliesTo><wsa:EndpointReference><wsa:Address>messengersecure.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo><wsse:PolicyReference URI="MBI_SSL">');
    // The server reads back exactly what was asked, password included.
    expect(parseRstRequest(xml)).toEqual({ username: 'alice@hotmail.com', password: 'p<&>"w', tokens: messengerTokenRequests('MBI_KEY_OLD') });
  });

  it('reads a request written by another client (default namespace, no prefixes, whitespace)', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing" xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust">
  <Header>
    <wsse:Security>
      <wsse:UsernameToken Id="user">
        <wsse:Username>bob@hotmail.com</wsse:Username>
        <wsse:Password>secret</wsse:Password>
      </wsse:UsernameToken>
    </wsse:Security>
  </Header>
  <Body>
    <ps:RequestMultipleSecurityTokens xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL" Id="RSTS">
      <wst:RequestSecurityToken Id="RST0"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>
        <wsp:AppliesTo><wsa:EndpointReference><wsa:Address>http://Passport.NET/tb</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
      </wst:RequestSecurityToken>
      <wst:RequestSecurityToken Id="RST1"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>
        <wsp:AppliesTo><wsa:EndpointReference><wsa:Address>messengerclear.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
        <wsse:PolicyReference URI="MBI_KEY_OLD"/>
      </wst:RequestSecurityToken>
    </ps:RequestMultipleSecurityTokens>
  </Body>
</Envelope>`;
    expect(parseRstRequest(xml)).toEqual({
      username: 'bob@hotmail.com',
      password: 'secret',
      tokens: [{ address: 'http://Passport.NET/tb' }, { address: 'messengerclear.live.com', policy: 'MBI_KEY_OLD' }],
    });
  });
});

describe('RequestSecurityTokenResponseCollection (MSNP13-18.md §4.4)', () => {
  const issued = [
    { address: 'http://Passport.NET/tb', token: 'Cipher+Text==', binarySecret: 'cmVuZXdhbA==', created: '2009-06-01T17:00:00Z', expires: '2009-06-02T17:00:00Z' },
    { address: 'messengerclear.live.com', token: TICKET, binarySecret: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', created: '2009-06-01T17:00:00Z', expires: '2009-06-02T17:00:00Z' },
    { address: 'contacts.msn.com', token: 't=EwCoAQ9PAAAUY29u&p=', created: '2009-06-01T17:00:00Z', expires: '2009-06-02T17:00:00Z' },
  ];

  it('server answer → client reading: every token by address, the ticket unescaped, Compact1 for RST1', () => {
    const xml = buildRstResponse(issued);
    expect(xml).toContain('<wsse:BinarySecurityToken Id="Compact1">t=EwCoAQ7PAAAUX5cN3Kh7Rt2yVbG8o4Qq1wMiEUcWAAB1Zm&amp;p=</wsse:BinarySecurityToken>');
    expect(xml).toContain('<wst:RequestedProofToken><wst:BinarySecret>AAECAwQFBgcICQoLDA0ODxAREhMUFRYX</wst:BinarySecret></wst:RequestedProofToken>');
    const r = parseRstResponse(xml);
    if (isCodecError(r) || r.type !== 'tokens') throw new Error('expected tokens');
    expect(r.tokens).toEqual(issued);
    expect(tokenFor(r, 'MessengerClear.live.com')?.token).toBe(TICKET);
    expect(splitCompactToken(TICKET)).toEqual({ t: 'EwCoAQ7PAAAUX5cN3Kh7Rt2yVbG8o4Qq1wMiEUcWAAB1Zm', p: '' });
    // The RST2.srf dress reads back the same.
    const rst2 = buildRstResponse(issued, { rst2: true });
    expect(rst2).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
    expect(rst2).toContain('<wst:Lifetime>');
    expect(parseRstResponse(rst2)).toEqual(r);
  });

  it('reads the RST2.srf dress (SOAP 1.2, Lifetime, Compact numbering by position)', () => {
    const xml = `<?xml version="1.0" encoding="utf-8" ?><S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Header/><S:Body>
<wst:RequestSecurityTokenResponseCollection xmlns:wst="http://schemas.xmlsoap.org/ws/2005/02/trust" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:wsse="x" xmlns:wsu="y">
<wst:RequestSecurityTokenResponse><wst:TokenType>urn:passport:compact</wst:TokenType><wsp:AppliesTo><wsa:EndpointReference><wsa:Address>messengerclear.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
<wst:Lifetime><wsu:Created>2009-06-01T17:00:00Z</wsu:Created><wsu:Expires>2009-06-02T17:00:00Z</wsu:Expires></wst:Lifetime>
<wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact2">t=EwDoAQ7PAAAUa2V5&amp;p=</wsse:BinarySecurityToken></wst:RequestedSecurityToken>
<wst:RequestedAttachedReference><wsse:SecurityTokenReference><wsse:Reference URI="#Compact2"/></wsse:SecurityTokenReference></wst:RequestedAttachedReference>
<wst:RequestedProofToken><wst:BinarySecret>ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3</wst:BinarySecret></wst:RequestedProofToken></wst:RequestSecurityTokenResponse>
</wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>`;
    const r = parseRstResponse(xml);
    if (isCodecError(r) || r.type !== 'tokens') throw new Error('expected tokens');
    expect(r.tokens).toEqual([
      { address: 'messengerclear.live.com', token: 't=EwDoAQ7PAAAUa2V5&p=', binarySecret: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3', created: '2009-06-01T17:00:00Z', expires: '2009-06-02T17:00:00Z' },
    ]);
  });

  it('a wrong password is a fault value with reqstatus 0x80048823', () => {
    const r = parseRstResponse(buildRstAuthFailure());
    if (isCodecError(r) || r.type !== 'fault') throw new Error('expected a fault');
    expect(r.code).toBe('wsse:FailedAuthentication');
    expect(r.codeName).toBe('FailedAuthentication');
    expect(r.reqStatus).toBe('0x80048823');
  });

  it('hostile or incomplete answers are error values', () => {
    const bad = [
      '',
      'not xml',
      '<Envelope><Body/></Envelope>',
      '<Envelope><Body><RequestSecurityTokenResponseCollection/></Body></Envelope>',
      '<Envelope><Body><RequestSecurityTokenResponseCollection><RequestSecurityTokenResponse><RequestedSecurityToken><BinarySecurityToken>t=x</BinarySecurityToken></RequestedSecurityToken></RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection></Body></Envelope>',
      '<!DOCTYPE x [<!ENTITY a "b">]><Envelope><Body>&a;</Body></Envelope>',
      `<Envelope><Body>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}</Body></Envelope>`,
    ];
    for (const xml of bad) {
      expect(isCodecError(parseRstResponse(xml))).toBe(true);
      expect(isCodecError(parseRstRequest(xml))).toBe(true);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof parseRstResponse(s)).toBe('object');
        expect(typeof parseRstRequest(s)).toBe('object');
      }),
      { numRuns: 500 },
    );
  });
});
