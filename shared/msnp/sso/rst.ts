/**
 * The token service (MSNP13-18.md §4.3–§4.4): the `RequestMultipleSecurityTokens` request a client
 * posts to `/RST.srf` (or `/RST2.srf`), and the `RequestSecurityTokenResponseCollection` answer, in
 * both directions (the client builds the request and reads the answer; the server reads the request
 * and builds the answer). Tokens are matched by their `Address`, never by `Id` or position (§4.4,
 * §14 point 1).
 */
import { codecError, isCodecError, type CodecError } from '../errors';
import { buildEnvelope, buildFault, parseEnvelope, type SoapFault } from '../soap/envelope';
import { attr, child, children, descendants, el, elOpen, path, text, textAt } from '../soap/xml';

const NS = {
  ps: 'http://schemas.microsoft.com/Passport/SoapServices/PPCRL',
  wsse: 'http://schemas.xmlsoap.org/ws/2003/06/secext',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  wsp: 'http://schemas.xmlsoap.org/ws/2002/12/policy',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsa: 'http://schemas.xmlsoap.org/ws/2004/03/addressing',
  wssc: 'http://schemas.xmlsoap.org/ws/2004/04/sc',
  wst: 'http://schemas.xmlsoap.org/ws/2004/04/trust',
  psf: 'http://schemas.microsoft.com/Passport/SoapServices/SOAPFault',
} as const;

/** §4.3: the constant AuthInfo values every client sends. */
const HOSTING_APP = '{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}';
/** Base64 of a small blob carrying "lc" = 1033 (§4.3). */
const REQUEST_PARAMS = 'AQAAAAIAAABsYwQAAAAxMDMz';
const ISSUE = 'http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue';

/** The master token's address: requested first, without a policy (§4.3 table, RST0). */
export const PASSPORT_TB = 'http://Passport.NET/tb';

export interface TokenRequest {
  /** `wsa:Address`, e.g. `messengerclear.live.com`. */
  readonly address: string;
  /** `wsse:PolicyReference URI`; none for `Passport.NET/tb`. */
  readonly policy?: string;
}

/**
 * The domains a Messenger client asks for, in libpurple's order (§4.3 table). `messengerclear`
 * takes the policy from `USR … SSO S` (`MBI_KEY_OLD`).
 */
export function messengerTokenRequests(ssoPolicy: string): TokenRequest[] {
  return [
    { address: PASSPORT_TB },
    { address: 'messengerclear.live.com', policy: ssoPolicy },
    { address: 'messenger.msn.com', policy: '?id=507' },
    { address: 'contacts.msn.com', policy: 'MBI' },
    { address: 'messengersecure.live.com', policy: 'MBI_SSL' },
    { address: 'storage.live.com', policy: 'MBI' },
    { address: 'sup.live.com', policy: 'MBI' },
  ];
}

export interface RstRequest {
  readonly username: string;
  readonly password: string;
  readonly tokens: readonly TokenRequest[];
}

/** The request body of §4.3, RSTn numbered by position (RST0 = Passport.NET/tb). */
export function buildRstRequest(r: RstRequest): string {
  const header = [
    el(
      'ps:AuthInfo',
      { 'xmlns:ps': NS.ps, Id: 'PPAuthInfo' },
      el('ps:HostingApp', undefined, HOSTING_APP),
      el('ps:BinaryVersion', undefined, '4'),
      el('ps:UIVersion', undefined, '1'),
      elOpen('ps:Cookies', undefined),
      el('ps:RequestParams', undefined, REQUEST_PARAMS),
    ),
    el(
      'wsse:Security',
      undefined,
      el('wsse:UsernameToken', { Id: 'user' }, el('wsse:Username', undefined, r.username), el('wsse:Password', undefined, r.password)),
    ),
  ];
  const body = el(
    'ps:RequestMultipleSecurityTokens',
    { 'xmlns:ps': NS.ps, Id: 'RSTS' },
    r.tokens.map((t, i) =>
      el(
        'wst:RequestSecurityToken',
        { Id: `RST${i}` },
        el('wst:RequestType', undefined, ISSUE),
        el('wsp:AppliesTo', undefined, el('wsa:EndpointReference', undefined, el('wsa:Address', undefined, t.address))),
        t.policy === undefined ? undefined : elOpen('wsse:PolicyReference', { URI: t.policy }),
      ),
    ),
  );
  const { ps: _ps, psf: _psf, ...envelopeNs } = NS;
  return buildEnvelope({ header, body, namespaces: envelopeNs });
}

/** Server side: who asks, with what password, for which addresses. */
export function parseRstRequest(xml: string): RstRequest | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') return codecError('BAD_PAYLOAD', 'RST: a fault is not a request');
  if (env.body.local !== 'RequestMultipleSecurityTokens' && env.body.local !== 'RequestSecurityToken') {
    return codecError('BAD_PAYLOAD', `RST: unexpected body ${env.body.name}`);
  }
  const token = path(env.header, 'Security', 'UsernameToken');
  const username = textAt(token, 'Username');
  const password = text(child(token, 'Password'));
  if (username === undefined || username === '' || password === undefined) return codecError('BAD_PAYLOAD', 'RST: no UsernameToken');
  const rsts = env.body.local === 'RequestSecurityToken' ? [env.body] : children(env.body, 'RequestSecurityToken');
  const tokens: TokenRequest[] = [];
  for (const rst of rsts) {
    const address = textAt(rst, 'AppliesTo', 'EndpointReference', 'Address');
    if (address === undefined || address === '') return codecError('BAD_PAYLOAD', 'RST: a RequestSecurityToken without an Address');
    const policy = attr(child(rst, 'PolicyReference'), 'URI');
    tokens.push(policy === undefined ? { address } : { address, policy });
  }
  if (tokens.length === 0) return codecError('BAD_PAYLOAD', 'RST: no token requested');
  return { username, password, tokens };
}

// ---------------------------------------------------------------------------------------------
// The answer (§4.4)

export interface IssuedToken {
  readonly address: string;
  /** The compact token `t=…&p=…` (entities decoded), or the master token's cipher text. */
  readonly token: string;
  /** `RequestedProofToken/BinarySecret` (base64): the MBI key for messengerclear, the renewal key for Passport.NET/tb. */
  readonly binarySecret?: string;
  /** ISO 8601 from `LifeTime`/`Lifetime`. */
  readonly created?: string;
  readonly expires?: string;
}

export interface RstResponse {
  readonly type: 'tokens';
  readonly tokens: readonly IssuedToken[];
}

/** The parsed answer: tokens, or the fault (wrong password → `wsse:FailedAuthentication`, `reqstatus` 0x80048823). */
export type RstResult = RstResponse | (SoapFault & { readonly reqStatus: string | undefined });

export function parseRstResponse(xml: string): RstResult | CodecError {
  const env = parseEnvelope(xml);
  if (isCodecError(env)) return env;
  if (env.type === 'fault') {
    const reqStatus = env.detail === undefined ? undefined : text(descendants(env.detail, 'reqstatus')[0])?.trim();
    return { ...env, reqStatus };
  }
  const responses = env.body.local === 'RequestSecurityTokenResponse' ? [env.body] : descendants(env.body, 'RequestSecurityTokenResponse');
  const tokens: IssuedToken[] = [];
  for (const r of responses) {
    const address = textAt(r, 'AppliesTo', 'EndpointReference', 'Address');
    if (address === undefined || address === '') return codecError('BAD_PAYLOAD', 'RST response without an Address');
    const requested = child(r, 'RequestedSecurityToken');
    const compact = textAt(requested, 'BinarySecurityToken');
    const cipher = requested === undefined ? undefined : text(descendants(requested, 'CipherValue')[0])?.trim();
    const token = compact ?? cipher;
    if (token === undefined || token === '') return codecError('BAD_PAYLOAD', `RST response for ${address} without a token`);
    const lifetime = child(r, 'LifeTime') ?? child(r, 'Lifetime');
    const binarySecret = textAt(r, 'RequestedProofToken', 'BinarySecret');
    const created = textAt(lifetime, 'Created');
    const expires = textAt(lifetime, 'Expires');
    tokens.push({
      address,
      token,
      ...(binarySecret ? { binarySecret } : {}),
      ...(created ? { created } : {}),
      ...(expires ? { expires } : {}),
    });
  }
  if (tokens.length === 0) return codecError('BAD_PAYLOAD', 'RST response without tokens');
  return { type: 'tokens', tokens };
}

/** The token for an address (case-insensitive, §4.4 "match tokens by Address"). */
export function tokenFor(r: RstResponse, address: string): IssuedToken | undefined {
  const a = address.toLowerCase();
  return r.tokens.find((t) => t.address.toLowerCase() === a);
}

/** Split a compact token `t=…&p=…` into its parts (the RSI header and libpurple's rebuild need them). */
export function splitCompactToken(token: string): { t: string; p: string } | undefined {
  const m = /^t=([^&]*)&p=(.*)$/s.exec(token);
  return m ? { t: m[1] as string, p: m[2] as string } : undefined;
}

/**
 * Server side: the RST.srf answer, `CompactN` numbered after `RSTN` like Microsoft's sample
 * (§4.4, §14 point 1). `Passport.NET/tb` gets a legacy token in `EncryptedData`; every other
 * address a compact token.
 */
export function buildRstResponse(tokens: readonly IssuedToken[], opts: { readonly rst2?: boolean } = {}): string {
  // RST2.srf (WLM 2009): SOAP 1.2, WS-Trust 2005 and WS-Addressing 2005 namespaces, `Lifetime` (§4.4).
  const rst2 = opts.rst2 === true;
  const collection = el(
    'wst:RequestSecurityTokenResponseCollection',
    { 'xmlns:wst': rst2 ? RST2_NS.wst : NS.wst, 'xmlns:wsse': NS.wsse, 'xmlns:wsu': NS.wsu, 'xmlns:wsp': NS.wsp, 'xmlns:wsa': rst2 ? RST2_NS.wsa : NS.wsa, 'xmlns:saml': NS.saml, 'xmlns:psf': NS.psf },
    tokens.map((t, i) => {
      const legacy = t.address === PASSPORT_TB;
      return el(
        'wst:RequestSecurityTokenResponse',
        undefined,
        el('wst:TokenType', undefined, legacy ? 'urn:passport:legacy' : 'urn:passport:compact'),
        el('wsp:AppliesTo', undefined, el('wsa:EndpointReference', undefined, el('wsa:Address', undefined, t.address))),
        el(rst2 ? 'wst:Lifetime' : 'wst:LifeTime', undefined, el('wsu:Created', undefined, t.created), el('wsu:Expires', undefined, t.expires)),
        el(
          'wst:RequestedSecurityToken',
          undefined,
          legacy
            ? el('EncryptedData', { xmlns: 'http://www.w3.org/2001/04/xmlenc#', Id: `BinaryDAToken${i}`, Type: 'http://www.w3.org/2001/04/xmlenc#Element' }, el('CipherData', undefined, el('CipherValue', undefined, t.token)))
            : el('wsse:BinarySecurityToken', { Id: `Compact${i}` }, t.token),
        ),
        legacy
          ? undefined
          : el('wst:RequestedTokenReference', undefined, el('wsse:KeyIdentifier', { ValueType: 'urn:passport:compact' }), el('wsse:Reference', { URI: `#Compact${i}` })),
        t.binarySecret === undefined ? undefined : el('wst:RequestedProofToken', undefined, el('wst:BinarySecret', undefined, t.binarySecret)),
      );
    }),
  );
  return buildEnvelope({ body: collection, soap: rst2 ? '1.2' : '1.1' });
}

const RST2_NS = { wst: 'http://schemas.xmlsoap.org/ws/2005/02/trust', wsa: 'http://www.w3.org/2005/08/addressing' } as const;

/** Server side: the wrong-password fault of §4.4 (Escargot `RST.authfailed.xml`). */
export function buildRstAuthFailure(): string {
  return buildFault({
    code: 'wsse:FailedAuthentication',
    message: 'Authentication Failure',
    namespaces: { wsse: NS.wsse, psf: NS.psf },
    // §4.4: `psf:reqstatus` 0x80048823 ("wrong password"), which clients read before anything else.
    detail: [el('psf:error', undefined, el('psf:value', undefined, '0x80048823')), el('psf:reqstatus', undefined, '0x80048823')],
  });
}
