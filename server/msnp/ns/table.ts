/**
 * The Notification Server's command table (ARCHITECTURE.md §7): verb → phases, minimum parameters,
 * the codec's client-to-server decoder, the error code for a request it refuses, handler.
 * Dialect availability comes from the codec's verb table (MSNP.md §2.6), so a verb listed here is
 * only accepted in the dialects that have it (`INF` 2–7, `ADC` 10–12, …). The composition root
 * (`server/index.ts`) hands it to every `NsSession`.
 */
import {
  decodeAdc,
  decodeAddRequest,
  decodeAdgRequest,
  decodeBlpRequest,
  decodeChgRequest,
  decodeChlRequest,
  decodeCvrRequest,
  decodeGcfRequest,
  decodeGtcRequest,
  decodeImsRequest,
  decodeInfRequest,
  decodeLsgRequest,
  decodeLstRequest,
  decodeOut,
  decodePng,
  decodePrpRequest,
  decodeQryRequest,
  decodeRegRequest,
  decodeRemRequest,
  decodeReaRequest,
  decodeRmgRequest,
  decodeSbpRequest,
  decodeSynRequest,
  decodeUrlRequest,
  decodeUsrRequest,
  decodeUsrSso,
  decodeUunRequest,
  decodeUuxRequest,
  decodeVer,
  decodeXfrRequest,
  ErrorCode,
  type Command,
  type Dialect,
} from '../../../shared/msnp/index';
import { entry, noRequest, type CommandSpec, type CommandTable, type Invalid } from '../dispatch';
import { handleCvr, handleInf, handleVer } from '../negotiate';
import { add, adc, adg, blp, gtc, reg, rem, rmg } from './lists';
import { usr } from './login';
import { chg, chl, out, png, prp, qry, rea, sbp, uux } from './presence';
import { disabled, gcf, ims, url, xfr } from './services';
import type { NsPhase, NsSession } from './session';
import { adl, decodeMl, fqy, rml } from './ml';
import { uun } from './uun';
import { lsg, lst, syn } from './sync';

const ON: readonly NsPhase[] = ['online'];
const ANY: readonly NsPhase[] = ['start', 'versioned', 'auth', 'online'];

/** §7: `201` for a bad list name, state, value or target; `224` for a group id that is not one. */
const INVALID_PARAMETER: Invalid = { code: ErrorCode.INVALID_PARAMETER };
const INVALID_GROUP: Invalid = { code: ErrorCode.INVALID_GROUP };

function ns<T>(spec: CommandSpec<NsSession, NsPhase, T>): CommandSpec<NsSession, NsPhase, never> {
  return entry(spec);
}

const toServerOut = (c: Command, d: Dialect) => decodeOut(c, d, 'toServer');
/** `USR t SSO …` (MSNP15, MSNP13-18.md §4.2) has its own shape; every other package the old one. */
const decodeNsUsr = (c: Command, d: Dialect) => (d >= 15 && c.params[0] === 'SSO' ? decodeUsrSso(c, d) : decodeUsrRequest(c, d));

export const NS_TABLE: CommandTable<NsSession, NsPhase> = {
  VER: ns({
    minParams: 1,
    phases: ['start'],
    decode: decodeVer,
    run: (s, req) => handleVer(s, req, s.ctx.config.minDialect, s.ctx.config.maxDialect),
  }),
  INF: ns({ minParams: 0, phases: ['versioned'], decode: decodeInfRequest, run: handleInf }),
  CVR: ns({ minParams: 6, phases: ['versioned'], decode: decodeCvrRequest, run: handleCvr }),
  // A security package that is no package (`USR t md5 I …`) fails the login like a wrong one (§3).
  USR: ns({ minParams: 3, phases: ['versioned', 'auth'], decode: decodeNsUsr, invalid: { code: ErrorCode.AUTHENTICATION_FAILED, close: true }, run: usr }),
  OUT: ns({ minParams: 0, phases: ANY, decode: toServerOut, run: out }),
  PNG: ns({ minParams: 0, phases: ANY, decode: decodePng, run: png }),

  SYN: ns({ minParams: 1, phases: ON, decode: decodeSynRequest, run: syn }),
  LST: ns({ minParams: 1, phases: ON, decode: decodeLstRequest, invalid: INVALID_PARAMETER, run: lst }),
  LSG: ns({ minParams: 0, phases: ON, decode: decodeLsgRequest, run: lsg }),
  ADD: ns({ minParams: 3, phases: ON, decode: decodeAddRequest, invalid: INVALID_PARAMETER, run: add }),
  ADC: ns({ minParams: 2, phases: ON, decode: decodeAdc, invalid: INVALID_PARAMETER, run: adc }),
  REM: ns({ minParams: 2, phases: ON, decode: decodeRemRequest, invalid: INVALID_PARAMETER, run: rem }),
  ADG: ns({ minParams: 1, phases: ON, decode: decodeAdgRequest, run: adg }),
  RMG: ns({ minParams: 1, phases: ON, decode: decodeRmgRequest, invalid: INVALID_GROUP, run: rmg }),
  REG: ns({ minParams: 2, phases: ON, decode: decodeRegRequest, invalid: INVALID_GROUP, run: reg }),
  BLP: ns({ minParams: 1, phases: ON, decode: decodeBlpRequest, invalid: INVALID_PARAMETER, run: blp }),
  GTC: ns({ minParams: 1, phases: ON, decode: decodeGtcRequest, invalid: INVALID_PARAMETER, run: gtc }),
  // MSNP13+ (MSNP13-18.md §7): a bad `<ml>` is answered by the handler with its own code.
  ADL: ns({ minParams: 0, phases: ON, payload: true, decode: decodeMl, run: adl }),
  RML: ns({ minParams: 0, phases: ON, payload: true, decode: decodeMl, run: rml }),
  FQY: ns({ minParams: 0, phases: ON, payload: true, decode: decodeMl, run: fqy }),
  UUN: ns({ minParams: 2, phases: ON, payload: true, decode: decodeUunRequest, invalid: INVALID_PARAMETER, run: uun }),

  CHG: ns({ minParams: 1, phases: ON, decode: decodeChgRequest, invalid: INVALID_PARAMETER, run: chg }),
  REA: ns({ minParams: 2, phases: ON, decode: decodeReaRequest, run: rea }),
  // A key that is not 1–3 capitals → close (§4.8).
  PRP: ns({ minParams: 1, phases: ON, decode: decodePrpRequest, run: prp }),
  SBP: ns({ minParams: 2, phases: ON, decode: decodeSbpRequest, run: sbp }),
  UUX: ns({ minParams: 0, phases: ON, payload: true, decode: decodeUuxRequest, run: uux }),
  CHL: ns({ minParams: 0, phases: ON, decode: decodeChlRequest, run: chl }),
  // An answer that is not 32 hex digits is a wrong answer: `540` and close (§3.5).
  QRY: ns({ minParams: 1, phases: ON, payload: true, decode: decodeQryRequest, invalid: { code: ErrorCode.CHALLENGE_FAILED, close: true }, run: qry }),

  XFR: ns({ minParams: 1, phases: ON, decode: decodeXfrRequest, invalid: INVALID_PARAMETER, run: xfr }),
  URL: ns({ minParams: 1, phases: ON, decode: decodeUrlRequest, run: url }),
  IMS: ns({ minParams: 1, phases: ON, decode: decodeImsRequest, invalid: INVALID_PARAMETER, run: ims }),
  GCF: ns({ minParams: 1, phases: ON, decode: decodeGcfRequest, run: gcf }),

  FND: ns({ minParams: 0, phases: ON, decode: noRequest, run: disabled }),
  SND: ns({ minParams: 0, phases: ON, decode: noRequest, run: disabled }),
  SDC: ns({ minParams: 0, phases: ON, payload: true, decode: noRequest, run: disabled }),
  PAG: ns({ minParams: 0, phases: ON, payload: true, decode: noRequest, run: disabled }),
  PGD: ns({ minParams: 0, phases: ON, payload: true, decode: noRequest, run: disabled }),
  // Messages to Yahoo! users (14+, MSNP13-18.md §8.5): we have no Yahoo! network.
  UUM: ns({ minParams: 0, phases: ON, payload: true, decode: noRequest, run: disabled }),
  GSB: ns({ minParams: 0, phases: ON, decode: noRequest, run: disabled }),
  LKP: ns({ minParams: 0, phases: ON, decode: noRequest, run: disabled }),
  CVQ: ns({ minParams: 0, phases: ['versioned'], decode: noRequest, run: disabled }),
};
