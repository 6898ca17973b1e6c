/**
 * One entry point per direction over the per-verb decoders and builders: a connection can turn every
 * `Command` into a discriminated union and `switch (typed.type)` with exhaustiveness, and turn any
 * typed value back into a `CommandInit`. Verbs we know but do not type (SND, FND, PAG, SDC, PGD,
 * GSB, LKP) and verbs we do not know come back as `{ type: 'UNTYPED', command }`, never dropped.
 */
import { isErrorVerb, type Command, type CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { codecError, decodeProtocolError, type CodecError, type ProtocolError } from '../errors';
import { verbTable } from '../verbs';
import { precheck, fail, type Result } from './common';
import * as L from './lists';
import * as P from './presence';
import * as S from './session';
import * as B from './switchboard';
import * as E from './endpoint';
import * as M from './ml';
import * as SSO from './sso';

/** Which server a connection talks to; some verbs exist on one only (MSNP.md §2.6). */
export type ServerKind = 'ns' | 'sb';

/** A command we keep as it is (see the module comment). */
export interface Untyped {
  readonly type: 'UNTYPED';
  readonly command: Command;
}

/** A numeric error reply, decoded with the §7 table. */
export interface ErrorReply extends ProtocolError {
  readonly type: 'ERROR';
}

/**
 * Everything a client sends, decoded. (Our server's command tables call the per-verb decoders
 * directly, with the relaying views `decodeChgRequest` and `decodeSbpRequest` for CHG and SBP.)
 */
export type ClientCommand =
  | S.Ver
  | S.InfRequest
  | S.CvrRequest
  | S.UsrAuth
  | S.UsrSbLogin
  | S.XfrRequest
  | S.Out
  | S.ChlRequest
  | S.QryRequest
  | S.Png
  | S.GcfRequest
  | S.UrlRequest
  | S.Ims
  | L.SynRequest
  | L.LstRequest
  | L.LsgRequest
  | L.GtcRequest
  | L.BlpRequest
  | L.PrpRequest
  | L.Sbp
  | L.AddRequest
  | L.Adc
  | L.RemRequest
  | L.ReaRequest
  | L.AdgRequest
  | L.RmgRequest
  | L.RegRequest
  | P.Chg
  | P.UuxRequest
  | B.CalRequest
  | B.AnsRequest
  | B.MsgRequest
  // MSNP13+ (MSNP13-18.md §4.2, §7, §8.4)
  | SSO.UsrSso
  | M.MlRequest
  | E.UunRequest
  | Untyped;

/** Everything a server sends (what our client decodes). */
export type ServerCommand =
  | S.Ver
  | S.InfReply
  | S.CvrReply
  | S.UsrChallenge
  | S.UsrOk
  | S.UsrSbOk
  | S.XfrNs
  | S.XfrSb
  | S.Out
  | S.ChlChallenge
  | S.QryReply
  | S.Qng
  | S.Sbs
  | S.GcfReply
  | S.UrlReply
  | S.Ims
  | S.XmlNotice
  | L.SynReply
  | L.LstIndexed
  | L.LstItem
  | L.LsgIndexed
  | L.LsgItem
  | L.GtcReply
  | L.BlpReply
  | L.PrpReply
  | L.Bpr
  | L.Sbp
  | L.AddReply
  | L.Adc
  | L.RemReply
  | L.ReaReply
  | L.AdgReply
  | L.RmgReply
  | L.RegReply
  | P.Chg
  | P.Iln
  | P.Nln
  | P.Fln
  | P.UuxReply
  | P.Ubx
  | B.CalReply
  | B.AnsReply
  | B.Rng
  | B.Iro
  | B.Joi
  | B.Bye
  | B.MsgDelivery
  | B.Ack
  // MSNP13+ (MSNP13-18.md §4.2, §7, §8.4)
  | SSO.UsrSsoChallenge
  | M.MlOk
  | M.MlPush
  | E.UunOk
  | E.Ubn
  | ErrorReply
  | Untyped;

function roleCheck(cmd: Command, direction: 'toServer' | 'toClient', server: ServerKind): CodecError | undefined {
  const spec = verbTable(direction)[cmd.verb];
  if (spec === undefined || spec.role === 'both' || spec.role === server) return undefined;
  return codecError('WRONG_SERVER', `${cmd.verb} is not a ${server === 'ns' ? 'notification server' : 'switchboard'} command`);
}

function untyped(cmd: Command, direction: 'toServer' | 'toClient', dialect: Dialect): Result<Untyped> {
  if (verbTable(direction)[cmd.verb] !== undefined) {
    const e = precheck(cmd, cmd.verb, direction, dialect, 0);
    if (e) return e;
  }
  return { type: 'UNTYPED', command: cmd };
}

/** Decode what a client sent, for a server of kind `server` speaking `dialect`. */
export function decodeClientCommand(cmd: Command, dialect: Dialect, server: ServerKind = 'ns'): Result<ClientCommand> {
  if (isErrorVerb(cmd.verb)) return codecError('BAD_VERB', `clients do not send error codes (${cmd.verb})`);
  const wrong = roleCheck(cmd, 'toServer', server);
  if (wrong) return wrong;
  switch (cmd.verb) {
    case 'VER': return S.decodeVer(cmd);
    case 'INF': return S.decodeInfRequest(cmd, dialect);
    case 'CVR':
    case 'CVQ': return S.decodeCvrRequest(cmd, dialect);
    case 'USR': return isSso(cmd, dialect) ? SSO.decodeUsrSso(cmd, dialect) : S.decodeUsrRequest(cmd, dialect);
    case 'XFR': return S.decodeXfrRequest(cmd, dialect);
    case 'OUT': return S.decodeOut(cmd, dialect, 'toServer');
    case 'CHL': return S.decodeChlRequest(cmd, dialect);
    case 'QRY': return S.decodeQryRequest(cmd, dialect);
    case 'PNG': return S.decodePng(cmd, dialect);
    case 'GCF': return S.decodeGcfRequest(cmd, dialect);
    case 'URL': return S.decodeUrlRequest(cmd, dialect);
    case 'IMS': return S.decodeImsRequest(cmd, dialect);
    case 'SYN': return L.decodeSynRequest(cmd, dialect);
    case 'LST': return L.decodeLstRequest(cmd, dialect);
    case 'LSG': return L.decodeLsgRequest(cmd, dialect);
    case 'GTC': return L.decodeGtcRequest(cmd, dialect);
    case 'BLP': return L.decodeBlpRequest(cmd, dialect);
    case 'PRP': return L.decodePrpRequest(cmd, dialect);
    case 'SBP': return L.decodeSbp(cmd, dialect, 'toServer');
    case 'ADD': return L.decodeAddRequest(cmd, dialect);
    case 'ADC': return L.decodeAdc(cmd, dialect, 'toServer');
    case 'REM': return L.decodeRemRequest(cmd, dialect);
    case 'REA': return L.decodeReaRequest(cmd, dialect);
    case 'ADG': return L.decodeAdgRequest(cmd, dialect);
    case 'RMG': return L.decodeRmgRequest(cmd, dialect);
    case 'REG': return L.decodeRegRequest(cmd, dialect);
    case 'CHG': return P.decodeChg(cmd, dialect, 'toServer');
    case 'UUX': return P.decodeUuxRequest(cmd, dialect);
    case 'CAL': return B.decodeCalRequest(cmd, dialect);
    case 'ANS': return B.decodeAnsRequest(cmd, dialect);
    case 'MSG': return B.decodeMsgRequest(cmd, dialect);
    case 'ADL':
    case 'RML':
    case 'FQY': return M.decodeMlRequest(cmd, dialect);
    case 'UUN': return E.decodeUunRequest(cmd, dialect);
    default: return untyped(cmd, 'toServer', dialect);
  }
}

/** Decode what a server sent, on a connection to a server of kind `server` speaking `dialect`. */
export function decodeServerCommand(cmd: Command, dialect: Dialect, server: ServerKind = 'ns'): Result<ServerCommand> {
  if (isErrorVerb(cmd.verb)) {
    const pe = decodeProtocolError(cmd);
    return pe === undefined ? codecError('BAD_VERB', cmd.verb) : { type: 'ERROR', ...pe };
  }
  const wrong = roleCheck(cmd, 'toClient', server);
  if (wrong) return wrong;
  switch (cmd.verb) {
    case 'VER': return S.decodeVer(cmd);
    case 'INF': return S.decodeInfReply(cmd, dialect);
    case 'CVR': return S.decodeCvrReply(cmd, dialect);
    case 'USR':
      if (server === 'sb') return S.decodeUsrSbOk(cmd, dialect);
      return isSso(cmd, dialect) ? SSO.decodeUsrSsoChallenge(cmd, dialect) : S.decodeUsrReply(cmd, dialect);
    case 'XFR': return S.decodeXfrReply(cmd, dialect);
    case 'OUT': return S.decodeOut(cmd, dialect, 'toClient');
    case 'CHL': return S.decodeChlChallenge(cmd, dialect);
    case 'QRY': return S.decodeQryReply(cmd, dialect);
    case 'QNG': return S.decodeQng(cmd, dialect);
    case 'SBS': return S.decodeSbs(cmd, dialect);
    case 'GCF': return S.decodeGcfReply(cmd, dialect);
    case 'URL': return S.decodeUrlReply(cmd, dialect);
    case 'IMS': return S.decodeImsReply(cmd, dialect);
    case 'NOT':
    case 'IPG': return S.decodeXmlNotice(cmd, dialect);
    case 'SYN': return L.decodeSynReply(cmd, dialect);
    case 'LST': return cmd.trId === undefined ? L.decodeLstItem(cmd, dialect) : L.decodeLstIndexed(cmd, dialect);
    case 'LSG': return cmd.trId === undefined ? L.decodeLsgItem(cmd, dialect) : L.decodeLsgIndexed(cmd, dialect);
    case 'GTC': return L.decodeGtcReply(cmd, dialect);
    case 'BLP': return L.decodeBlpReply(cmd, dialect);
    case 'PRP': return L.decodePrpReply(cmd, dialect);
    case 'BPR': return L.decodeBpr(cmd, dialect);
    case 'SBP': return L.decodeSbp(cmd, dialect, 'toClient');
    case 'ADD': return L.decodeAddReply(cmd, dialect);
    case 'ADC': return L.decodeAdc(cmd, dialect, 'toClient');
    case 'REM': return L.decodeRemReply(cmd, dialect);
    case 'REA': return L.decodeReaReply(cmd, dialect);
    case 'ADG': return L.decodeAdgReply(cmd, dialect);
    case 'RMG': return L.decodeRmgReply(cmd, dialect);
    case 'REG': return L.decodeRegReply(cmd, dialect);
    case 'CHG': return P.decodeChg(cmd, dialect, 'toClient');
    case 'ILN': return P.decodeIln(cmd, dialect);
    case 'NLN': return P.decodeNln(cmd, dialect);
    case 'FLN': return P.decodeFln(cmd, dialect);
    case 'UUX': return P.decodeUuxReply(cmd, dialect);
    case 'UBX': return P.decodeUbx(cmd, dialect);
    case 'CAL': return B.decodeCalReply(cmd, dialect);
    case 'ANS': return B.decodeAnsReply(cmd, dialect);
    case 'RNG': return B.decodeRng(cmd, dialect);
    case 'IRO': return B.decodeIro(cmd, dialect);
    case 'JOI': return B.decodeJoi(cmd, dialect);
    case 'BYE': return B.decodeBye(cmd, dialect);
    case 'MSG': return B.decodeMsgDelivery(cmd, dialect);
    case 'ACK':
    case 'NAK': return B.decodeAck(cmd, dialect);
    case 'ADL':
    case 'RML':
    case 'FQY': return M.decodeMlReply(cmd, dialect);
    case 'UUN': return E.decodeUunOk(cmd, dialect);
    case 'UBN': return E.decodeUbn(cmd, dialect);
    default: return untyped(cmd, 'toClient', dialect);
  }
}

/** `USR t SSO …` in MSNP15+ (MSNP13-18.md §4.2); below 15 an `SSO` package stays a plain `USR` the server refuses, as before. */
function isSso(cmd: Command, dialect: Dialect): boolean {
  return dialect >= 15 && cmd.params[0] === 'SSO';
}

function untypedInit(c: Command): CommandInit {
  return { verb: c.verb, trId: c.trId, params: c.params, payload: c.payload };
}

/** The command a client sends for a typed value, in the dialect's exact shape. */
export function buildClientCommand(t: ClientCommand, dialect: Dialect): CommandInit {
  switch (t.type) {
    case 'VER': return S.buildVer(t);
    case 'INF': return S.buildInfRequest(t, dialect);
    case 'CVR':
    case 'CVQ': return S.buildCvrRequest(t, dialect);
    case 'USR': return S.buildUsrAuth(t, dialect);
    case 'USR_SB': return S.buildUsrSbLogin(t, dialect);
    case 'XFR': return S.buildXfrRequest(t, dialect);
    case 'OUT': return { verb: 'OUT', params: [] };
    case 'CHL': return S.buildChlRequest(t, dialect);
    case 'QRY': return S.buildQryRequest(t, dialect);
    case 'PNG': return S.buildPng(t, dialect);
    case 'GCF': return S.buildGcfRequest(t, dialect);
    case 'URL': return S.buildUrlRequest(t, dialect);
    case 'IMS': return S.buildImsRequest(t, dialect);
    case 'SYN': return L.buildSynRequest(t, dialect);
    case 'LST': return L.buildLstRequest(t, dialect);
    case 'LSG': return L.buildLsgRequest(t, dialect);
    case 'GTC': return L.buildGtcRequest(t, dialect);
    case 'BLP': return L.buildBlpRequest(t, dialect);
    case 'PRP': return L.buildPrpRequest(t, dialect);
    case 'SBP': return L.buildSbp(t, dialect);
    case 'ADD': return L.buildAddRequest(t, dialect);
    case 'ADC': return L.buildAdc(t, dialect);
    case 'REM': return L.buildRemRequest(t, dialect);
    case 'REA': return L.buildReaRequest(t, dialect);
    case 'ADG': return L.buildAdgRequest(t, dialect);
    case 'RMG': return L.buildRmgRequest(t, dialect);
    case 'REG': return L.buildRegRequest(t, dialect);
    case 'CHG': return P.buildChg(t, dialect);
    case 'UUX': return P.buildUuxRequest(t, dialect);
    case 'CAL': return B.buildCalRequest(t, dialect);
    case 'ANS': return B.buildAnsRequest(t, dialect);
    case 'MSG': return B.buildMsgRequest(t, dialect);
    case 'USR_SSO': return SSO.buildUsrSso(t, dialect);
    case 'ADL':
    case 'RML':
    case 'FQY': return M.buildMlRequest(t, dialect);
    case 'UUN': return E.buildUunRequest(t, dialect);
    case 'UNTYPED': return untypedInit(t.command);
  }
}

/** The command a server sends for a typed value, in the dialect's exact shape. */
export function buildServerCommand(t: ServerCommand, dialect: Dialect): CommandInit {
  switch (t.type) {
    case 'VER': return S.buildVer(t);
    case 'INF': return S.buildInfReply(t, dialect);
    case 'CVR': return S.buildCvrReply(t, dialect);
    case 'USR': return S.buildUsrChallenge(t, dialect);
    case 'USR_OK': return S.buildUsrOk(t, dialect);
    case 'USR_SB_OK': return S.buildUsrSbOk(t, dialect);
    case 'XFR_NS': return S.buildXfrNs(t, dialect);
    case 'XFR_SB': return S.buildXfrSb(t, dialect);
    case 'OUT': return S.buildOut(t, dialect);
    case 'CHL': return S.buildChlChallenge(t, dialect);
    case 'QRY': return S.buildQryReply(t, dialect);
    case 'QNG': return S.buildQng(t, dialect);
    case 'SBS': return S.buildSbs(t, dialect);
    case 'GCF': return S.buildGcfReply(t, dialect);
    case 'URL': return S.buildUrlReply(t, dialect);
    case 'IMS': return S.buildImsReply(t, dialect);
    case 'NOT':
    case 'IPG': return S.buildXmlNotice(t, dialect);
    case 'SYN': return L.buildSynReply(t, dialect);
    case 'LST_INDEXED': return L.buildLstIndexed(t, dialect);
    case 'LST': return L.buildLstItem(t, dialect);
    case 'LSG_INDEXED': return L.buildLsgIndexed(t, dialect);
    case 'LSG': return L.buildLsgItem(t, dialect);
    case 'GTC': return L.buildGtcReply(t, dialect);
    case 'BLP': return L.buildBlpReply(t, dialect);
    case 'PRP': return L.buildPrpReply(t, dialect);
    case 'BPR': return L.buildBpr(t, dialect);
    case 'SBP': return L.buildSbp(t, dialect);
    case 'ADD': return L.buildAddReply(t, dialect);
    case 'ADC': return L.buildAdc(t, dialect);
    case 'REM': return L.buildRemReply(t, dialect);
    case 'REA': return L.buildReaReply(t, dialect);
    case 'ADG': return L.buildAdgReply(t, dialect);
    case 'RMG': return L.buildRmgReply(t, dialect);
    case 'REG': return L.buildRegReply(t, dialect);
    case 'CHG': return P.buildChg(t, dialect);
    case 'ILN': return P.buildIln(t, dialect);
    case 'NLN': return P.buildNln(t, dialect);
    case 'FLN': return P.buildFln(t, dialect);
    case 'UUX': return P.buildUuxReply(t, dialect);
    case 'UBX': return P.buildUbx(t, dialect);
    case 'CAL': return B.buildCalReply(t, dialect);
    case 'ANS': return B.buildAnsReply(t, dialect);
    case 'RNG': return B.buildRng(t, dialect);
    case 'IRO': return B.buildIro(t, dialect);
    case 'JOI': return B.buildJoi(t, dialect);
    case 'BYE': return B.buildBye(t, dialect);
    case 'MSG': return B.buildMsgDelivery(t, dialect);
    case 'ACK':
    case 'NAK': return B.buildAck(t, dialect);
    case 'USR_SSO_CHALLENGE': return SSO.buildUsrSsoChallenge(t, dialect);
    case 'ADL_OK':
    case 'RML_OK': return M.buildMlOk(t, dialect);
    case 'ADL':
    case 'RML':
    case 'FQY': return M.buildMlPush(t, dialect);
    case 'UUN_OK': return E.buildUunOk(t, dialect);
    case 'UBN': return E.buildUbn(t, dialect);
    case 'ERROR': return buildError(t);
    case 'UNTYPED': return untypedInit(t.command);
  }
}

/** `NNN t` (MSNP.md §1.5); without a TrID for errors that answer nothing. */
export function buildError(e: { readonly code: number; readonly trId?: number | undefined }): CommandInit {
  if (!Number.isInteger(e.code) || e.code < 100 || e.code > 999) fail(`error code ${e.code} is not three digits`);
  return e.trId === undefined ? { verb: String(e.code), params: [] } : { verb: String(e.code), trId: e.trId, params: [] };
}
