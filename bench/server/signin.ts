/**
 * Signing one bench account in over MSNP, the way a client of the chosen dialect does
 * (MSNP.md §3.4): VER → INF (2–7) or CVR (8+) → USR I → USR S (MD5 §3.2 or TWN §3.3) → USR OK →
 * SYN (§4.3) → first CHG (§5.2). A `XFR NS` referral (a separate dispatch server, §1.1) is
 * followed. The user is "signed in" when the CHG echo arrives: the server has then done all the
 * work of a real sign-in (authentication, list sync, going online).
 *
 * MSNP13+ (MSNP13-18.md §4–§5.3): the token service (RST) replaces Passport: `USR SSO I` →
 * `USR SSO S MBI_KEY_OLD nonce` → tokens → `USR SSO S ticket proof` (MSNP15, §4.2, §4.5), or the
 * TWN ticket taken from the token service (MSNP13–14, §4.1); the list read that `SYN` was becomes
 * `FindMembership` + `ABFindAll` over SOAP and the initial `ADL`; then the first CHG, as before.
 *
 * After sign-in the BenchUser answers challenges (CHL → QRY, §3.5) itself and hands every other
 * asynchronous command to whichever phase currently listens.
 */
import {
  clientChallengeResponse,
  dialectName,
  md5LoginResponse,
  parseDialectName,
  type Command,
  type Dialect,
} from '../../shared/msnp';
import { randomBytes } from 'node:crypto';
import { buildMl, isCodecError, mbiKeyOld, messengerTokenRequests, PASSPORT_TB, tokenFor, usesAddressBook, usesSso } from '../../shared/msnp';
import { MsnpConnection } from './connection';
import type { PassportClient } from './passport-client';
import type { SoapClient } from './soap-client';

export interface Account {
  readonly index: number;
  readonly handle: string;
  readonly password: string;
}

export interface SignInContext {
  readonly host: string;
  readonly port: number;
  /**
   * `--cluster`: the NS port of each node; account i signs in on node i mod N (`port` is then
   * not used).
   */
  readonly nodePorts?: readonly number[];
  readonly dialect: Dialect;
  /** Required for MSNP8–12 (TWN through the Nexus). */
  readonly passport: PassportClient | undefined;
  /** Required for MSNP13+ (the token service and the address book). */
  readonly soap?: SoapClient | undefined;
  readonly timeoutMs: number;
}

/** Client version reported in `CVR` (MSNP.md §2.2): MSN Messenger 7.5. */
const CVR_PARAMS = ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '7.5.0324', 'MSMSGS'];
/** MSNP13+: Windows Live Messenger 8.5, as the app reports (electron/core/msn/login.ts). */
const CVR_PARAMS_SOAP = ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '8.5.1302', 'BC01'];

/** The service domains of MSNP13-18.md §4.3 the bench needs. */
const MESSENGER_CLEAR = 'messengerclear.live.com';
const MESSENGER = 'messenger.msn.com';
const CONTACTS = 'contacts.msn.com';

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export class BenchUser {
  /** Whatever the current phase wants to see: NLN, RNG, ILN, ADD 0 RL … */
  onNotification: (cmd: Command) => void = () => {};
  /** Set when the server sent `OUT` (e.g. `OTH`, `SSD`; MSNP.md §5.5). */
  outReason: string | undefined;
  challengesAnswered = 0;
  /** MSNP13+: milliseconds in the token request and in the address-book read of this sign-in. */
  tokenMs: number | undefined;
  addressBookMs: number | undefined;

  constructor(
    readonly account: Account,
    readonly ns: MsnpConnection,
    readonly dialect: Dialect,
    /** `--cluster`: the index of the node this user is signed in on (0 for one server). */
    readonly node = 0,
  ) {
    ns.onCommand = (cmd) => this.dispatch(cmd);
  }

  get handle(): string {
    return this.account.handle;
  }

  get index(): number {
    return this.account.index;
  }

  private dispatch(cmd: Command): void {
    switch (cmd.verb) {
      case 'CHL': {
        // MSNP.md §3.5: answer with QRY; the server's `QRY t` reply needs no handling.
        const challenge = cmd.params[0];
        if (challenge !== undefined) {
          const { productId, answer } = clientChallengeResponse(this.dialect, challenge);
          this.ns.send('QRY', [productId], answer);
          this.challengesAnswered++;
        }
        return;
      }
      case 'OUT':
        this.outReason = cmd.params[0] ?? '(none)';
        return;
      default:
        this.onNotification(cmd);
    }
  }
}

/** Signs one account in; resolves when the first `CHG` is echoed. */
export async function signIn(account: Account, ctx: SignInContext): Promise<BenchUser> {
  const node = ctx.nodePorts === undefined ? 0 : account.index % ctx.nodePorts.length;
  let host = ctx.host;
  let port = ctx.nodePorts?.[node] ?? ctx.port;
  // At most one referral in practice (DS → NS); a loop of them is a server bug.
  for (let hop = 0; hop < 3; hop++) {
    const ns = await MsnpConnection.connect(host, port, `NS ${account.handle}`, ctx.timeoutMs);
    // Answer challenges from the first byte on: some servers send CHL early.
    const user = new BenchUser(account, ns, ctx.dialect, node);
    try {
      const referral = await login(user, ctx);
      if (referral === undefined) return user;
      ns.destroy('followed an XFR NS referral');
      ({ host, port } = referral);
    } catch (e) {
      ns.destroy('sign-in failed');
      throw e;
    }
  }
  throw new SignInError(`${account.handle}: more than 2 XFR NS referrals`);
}

interface Address {
  readonly host: string;
  readonly port: number;
}

/** The login exchange on one connection; returns the referral when the server is a dispatcher. */
async function login(user: BenchUser, ctx: SignInContext): Promise<Address | undefined> {
  const { ns, dialect } = user;
  const handle = user.handle;
  const want = dialectName(dialect);

  // MSNP.md §2.1: offer exactly the dialect under test (plus CVR0); accept any reply naming it.
  const ver = await ns.request('VER', [want, 'CVR0']);
  const offered = ver.params.map(parseDialectName).filter((d): d is number => d !== undefined);
  if (!offered.includes(dialect)) {
    throw new SignInError(`server does not speak ${want} (VER reply: ${ver.params.join(' ') || '0'})`);
  }

  if (usesAddressBook(dialect)) return soapLogin(user, ctx);

  const passportLogin = dialect >= 8;
  if (passportLogin) {
    await ns.request('CVR', [...CVR_PARAMS, handle]);
  } else {
    const inf = await ns.request('INF');
    if (!inf.params.some((p) => p.split(',').includes('MD5'))) {
      throw new SignInError(`server offers no MD5 login (INF ${inf.params.join(' ')})`);
    }
  }

  const pkg = passportLogin ? 'TWN' : 'MD5';
  const first = await ns.request('USR', [pkg, 'I', handle], { expect: ['USR', 'XFR'] });
  if (first.verb === 'XFR') return referral(first);
  if (first.params[0] !== pkg || first.params[1] !== 'S' || first.params[2] === undefined) {
    throw new SignInError(`unexpected reply to USR ${pkg} I: USR ${first.params.join(' ')}`);
  }
  const challenge = first.params[2];
  let response: string;
  if (passportLogin) {
    if (ctx.passport === undefined) throw new SignInError(`${want} signs in through Passport: give --nexus`);
    response = await ctx.passport.ticket(handle, user.account.password, challenge);
  } else {
    response = md5LoginResponse(challenge, user.account.password);
  }
  const ok = await ns.request('USR', [pkg, 'S', response]);
  if (ok.params[0] !== 'OK') throw new SignInError(`login refused: USR ${ok.params.join(' ')}`);

  // MSNP.md §4.3: no cache, so the full list comes (its item lines go to onNotification).
  await ns.request('SYN', dialect >= 10 ? ['0', '0'] : ['0']);
  // MSNP.md §5.2: capabilities 0 from MSNP8 (Escargot ignores a CHG without them).
  await ns.request('CHG', dialect >= 8 ? ['NLN', '0'] : ['NLN']);
  return undefined;
}

/**
 * MSNP13–15 after VER (MSNP13-18.md §4.1–§4.5, §5.3): CVR, USR SSO (15) or TWN (13–14) with
 * tickets from the token service, FindMembership + ABFindAll over SOAP, the initial ADL, CHG.
 */
async function soapLogin(user: BenchUser, ctx: SignInContext): Promise<Address | undefined> {
  const { ns, dialect } = user;
  const handle = user.handle;
  const soap = ctx.soap;
  if (soap === undefined) throw new SignInError(`${dialectName(dialect)} signs in through the token service: give --token-service`);
  await ns.request('CVR', [...CVR_PARAMS_SOAP, handle]);

  const pkg = usesSso(dialect) ? 'SSO' : 'TWN';
  const first = await ns.request('USR', [pkg, 'I', handle], { expect: ['USR', 'XFR'] });
  if (first.verb === 'XFR') return referral(first);
  const [kind, stage, policy, nonce] = first.params;
  if (kind !== pkg || stage !== 'S' || policy === undefined || (pkg === 'SSO' && nonce === undefined)) {
    throw new SignInError(`unexpected reply to USR ${pkg} I: USR ${first.params.join(' ')}`);
  }
  // §4.3: every domain in one request (15: messengerclear with the NS's policy; 13–14: the
  // messenger.msn.com ticket asked for with the TWN policy, §4.1).
  const requests =
    pkg === 'SSO'
      ? messengerTokenRequests(policy)
      : [{ address: PASSPORT_TB }, { address: MESSENGER, policy: `?${policy}` }, { address: CONTACTS, policy: 'MBI' }];
  const t0 = performance.now();
  const tokens = await soap.tokens(handle, user.account.password, requests);
  user.tokenMs = performance.now() - t0;
  let usr: string[];
  if (pkg === 'SSO') {
    const clear = tokenFor(tokens, MESSENGER_CLEAR);
    if (clear?.binarySecret === undefined) throw new SignInError(`the token service issued no ${MESSENGER_CLEAR} ticket with a key`);
    // §4.5: the proof over the nonce with the token's binary secret (random IV, as clients do).
    const proof = mbiKeyOld(clear.binarySecret, nonce as string, randomBytes(8));
    if (isCodecError(proof)) throw new SignInError(`cannot answer the MBI challenge: ${proof.message}`);
    usr = ['SSO', 'S', clear.token, proof];
  } else {
    const ticket = tokenFor(tokens, MESSENGER);
    if (ticket === undefined) throw new SignInError(`the token service issued no ${MESSENGER} ticket`);
    usr = ['TWN', 'S', ticket.token];
  }
  const ok = await ns.request('USR', usr);
  if (ok.params[0] !== 'OK') throw new SignInError(`login refused: USR ${ok.params.join(' ')}`);

  // §5.3: the lists come from the address book, not SYN.
  const contacts = tokenFor(tokens, CONTACTS);
  if (contacts === undefined) throw new SignInError(`the token service issued no ${CONTACTS} ticket`);
  const t1 = performance.now();
  await soap.readAddressBook(contacts.token);
  user.addressBookMs = performance.now() - t1;
  // §7.2: the initial ADL, empty (`<ml l="1"></ml>`) for a bench user with no contacts yet.
  await ns.request('ADL', [], { payload: buildMl({ initial: true, contacts: [] }, 'client') });
  await ns.request('CHG', ['NLN', '0']);
  return undefined;
}

/** `XFR t NS host:port …` (MSNP.md §2.7). */
function referral(xfr: Command): Address {
  const [kind, address] = xfr.params;
  if (kind !== 'NS' || address === undefined) throw new SignInError(`unexpected referral: XFR ${xfr.params.join(' ')}`);
  return parseAddress(address, 'the XFR NS address');
}

/** `host:port` → parts, with a clear error. */
export function parseAddress(s: string, what: string): Address {
  const m = /^(.+):(\d{1,5})$/.exec(s);
  if (m === null || Number(m[2]) > 65535) throw new Error(`${what} must be host:port, got ${JSON.stringify(s)}`);
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}
