/**
 * Contact lists, privacy, properties and groups (MSNP.md §4, §5.4): SYN and its item lines
 * (GTC, BLP, PRP, BPR, LSG, LST), ADD/ADC/REM (incl. reverse-list notifications with TrID 0), REA,
 * SBP, ADG/RMG/REG. Conventions: see common.ts.
 *
 * Versions: MSNP2–9 count list changes with an integer (`version: number`); MSNP10–12 `SYN` carries
 * two opaque versions (ISO-8601 timestamps with ABCHMigrated), so `SYN` versions are strings.
 * Group ids are decimal 0–29 in MSNP7–9 and GUIDs in 10–12; both are kept as strings.
 */
import type { Command, CommandInit } from '../command';
import type { Dialect } from '../dialect';
import { codecError, isCodecError } from '../errors';
import {
  badParam,
  describe,
  fail,
  init,
  isDecimal,
  name,
  nameOrVerbatimParam,
  nameParam,
  needTrId,
  precheck,
  readList,
  readUint,
  requireAvailable,
  required,
  token,
  uintParam,
  type ListName,
  type Result,
  verbatim,
  type Verbatim,
} from './common';

function groupIdOk(dialect: Dialect, id: string): boolean {
  return dialect >= 10 ? id.length > 0 : /^\d{1,2}$/.test(id);
}

function readGroup(cmd: Command, dialect: Dialect, t: string | undefined): string | undefined | ReturnType<typeof badParam> {
  if (t === undefined) return undefined;
  return groupIdOk(dialect, t) ? t : badParam(cmd, `not a group id: ${t}`);
}

function groupParam(dialect: Dialect, id: string): string {
  if (!groupIdOk(dialect, id)) fail(`not a group id in MSNP${dialect}: ${id}`);
  return token(id, 'group id');
}

function versionParam(v: number | undefined, dialect: Dialect, what: string): string {
  return uintParam(required(v, `${what} list version`, dialect), 'list version');
}

// ---------------------------------------------------------------------------------------------
// SYN (§4.3)

/** 2–9 `SYN t list-ver` · 10–12 `SYN t list-ver settings-ver`. */
export interface SynRequest {
  readonly type: 'SYN';
  readonly trId: number;
  readonly listVersion: string;
  /** 10–12; builders send `0` when absent. */
  readonly settingsVersion?: string | undefined;
}

/**
 * 2–7 `SYN t ver` · 8–9 `SYN t ver {n-contacts n-groups}` · 10–12 `SYN t lv sv {n-contacts n-groups}`.
 * Counts are present only when list data follows.
 */
export interface SynReply {
  readonly type: 'SYN';
  readonly trId: number;
  readonly listVersion: string;
  readonly settingsVersion?: string | undefined;
  readonly contacts?: number | undefined;
  readonly groups?: number | undefined;
}

export function decodeSynRequest(cmd: Command, dialect: Dialect): Result<SynRequest> {
  const e = precheck(cmd, 'SYN', 'toServer', dialect, 1);
  if (e) return e;
  const [listVersion, settingsVersion] = cmd.params as [string, string | undefined];
  if (dialect <= 9 && !isDecimal(listVersion)) return badParam(cmd, `list version must be an integer before MSNP10: ${listVersion}`);
  return dialect >= 10 ? { type: 'SYN', trId: cmd.trId as number, listVersion, settingsVersion } : { type: 'SYN', trId: cmd.trId as number, listVersion };
}

export function buildSynRequest(v: Omit<SynRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('SYN', 'toServer', dialect);
  const params = [token(v.listVersion, 'list version')];
  if (dialect >= 10) params.push(token(v.settingsVersion ?? '0', 'settings version'));
  return init('SYN', v.trId, params);
}

export function decodeSynReply(cmd: Command, dialect: Dialect): Result<SynReply> {
  const e = precheck(cmd, 'SYN', 'toClient', dialect, dialect >= 10 ? 2 : 1);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (dialect <= 7) {
    return isDecimal(p[0]) ? { type: 'SYN', trId, listVersion: p[0] } : badParam(cmd, 'list version must be an integer');
  }
  const settingsVersion = dialect >= 10 ? p[1] : undefined;
  const at = dialect >= 10 ? 2 : 1;
  if (dialect <= 9 && !isDecimal(p[0])) return badParam(cmd, 'list version must be an integer');
  const base = { type: 'SYN' as const, trId, listVersion: p[0] as string, settingsVersion };
  if (p[at] === undefined) return base;
  const contacts = readUint(cmd, p[at], 'contact count');
  const groups = readUint(cmd, p[at + 1], 'group count');
  if (isCodecError(contacts)) return contacts;
  if (isCodecError(groups)) return groups;
  return { ...base, contacts, groups };
}

export function buildSynReply(v: Omit<SynReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('SYN', 'toClient', dialect);
  const params = [token(v.listVersion, 'list version')];
  if (dialect >= 10) params.push(token(required(v.settingsVersion, 'SYN settings version', dialect), 'settings version'));
  if (dialect >= 8 && (v.contacts !== undefined || v.groups !== undefined)) {
    params.push(uintParam(v.contacts ?? 0, 'contact count'), uintParam(v.groups ?? 0, 'group count'));
  }
  return init('SYN', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// GTC / BLP (§4.2)

export type GtcValue = 'A' | 'N';
export type BlpValue = 'AL' | 'BL';

export interface GtcRequest {
  readonly type: 'GTC';
  readonly trId: number;
  readonly value: GtcValue;
}
export interface BlpRequest {
  readonly type: 'BLP';
  readonly trId: number;
  readonly value: BlpValue;
}

/**
 * Reply and SYN item: 2–9 `GTC t ver A` (also the SYN item of 2–7, sharing the SYN TrID) ·
 * 10–12 `GTC t A` · SYN item 8+ `GTC A` (no TrID: `trId` undefined).
 */
export interface GtcReply {
  readonly type: 'GTC';
  readonly trId?: number | undefined;
  readonly version?: number | undefined;
  readonly value: GtcValue;
}
export interface BlpReply {
  readonly type: 'BLP';
  readonly trId?: number | undefined;
  readonly version?: number | undefined;
  readonly value: BlpValue;
}

const GTC_VALUES: readonly string[] = ['A', 'N'];
const BLP_VALUES: readonly string[] = ['AL', 'BL'];

export function decodeGtcRequest(cmd: Command, dialect: Dialect): Result<GtcRequest> {
  return decodePrivacyRequest(cmd, dialect, 'GTC', GTC_VALUES) as Result<GtcRequest>;
}
export function decodeBlpRequest(cmd: Command, dialect: Dialect): Result<BlpRequest> {
  return decodePrivacyRequest(cmd, dialect, 'BLP', BLP_VALUES) as Result<BlpRequest>;
}
export function decodeGtcReply(cmd: Command, dialect: Dialect): Result<GtcReply> {
  return decodePrivacyReply(cmd, dialect, 'GTC', GTC_VALUES) as Result<GtcReply>;
}
export function decodeBlpReply(cmd: Command, dialect: Dialect): Result<BlpReply> {
  return decodePrivacyReply(cmd, dialect, 'BLP', BLP_VALUES) as Result<BlpReply>;
}

function decodePrivacyRequest(cmd: Command, dialect: Dialect, verb: 'GTC' | 'BLP', values: readonly string[]) {
  const e = precheck(cmd, verb, 'toServer', dialect, 1);
  if (e) return e;
  const value = cmd.params[0] as string;
  return values.includes(value) ? { type: verb, trId: cmd.trId as number, value } : badParam(cmd, `bad value ${value}`);
}

/** Item lines without TrID exist only inside an MSNP8+ SYN (§4.3); before that they carry one. */
function itemTrIdCheck(cmd: Command, dialect: Dialect) {
  return cmd.trId === undefined && dialect < 8 ? codecError('BAD_TRID', `${cmd.verb} needs a transaction id before MSNP8`, describe(cmd)) : undefined;
}

function decodePrivacyReply(cmd: Command, dialect: Dialect, verb: 'GTC' | 'BLP', values: readonly string[]) {
  const e = precheck(cmd, verb, 'toClient', dialect, 1) ?? itemTrIdCheck(cmd, dialect);
  if (e) return e;
  const p = cmd.params;
  let version: number | undefined;
  let value = p[0] as string;
  if (cmd.trId !== undefined && dialect <= 9) {
    const v = readUint(cmd, p[0], 'list version');
    if (isCodecError(v)) return v;
    version = v;
    value = p[1] as string;
  }
  if (!values.includes(value)) return badParam(cmd, `bad value ${value ?? '(none)'}`);
  return cmd.trId === undefined ? { type: verb, value } : { type: verb, trId: cmd.trId, version, value };
}

export function buildGtcRequest(v: Omit<GtcRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('GTC', 'toServer', dialect);
  return init('GTC', v.trId, [v.value]);
}
export function buildBlpRequest(v: Omit<BlpRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('BLP', 'toServer', dialect);
  return init('BLP', v.trId, [v.value]);
}
export function buildGtcReply(v: Omit<GtcReply, 'type'>, dialect: Dialect): CommandInit {
  return buildPrivacyReply('GTC', v, dialect);
}
export function buildBlpReply(v: Omit<BlpReply, 'type'>, dialect: Dialect): CommandInit {
  return buildPrivacyReply('BLP', v, dialect);
}

function buildPrivacyReply(verb: 'GTC' | 'BLP', v: { trId?: number | undefined; version?: number | undefined; value: string }, dialect: Dialect): CommandInit {
  requireAvailable(verb, 'toClient', dialect);
  if (v.trId === undefined) {
    if (dialect < 8) fail(`${verb} without TrID exists only inside an MSNP8+ SYN`);
    return init(verb, undefined, [v.value]);
  }
  return init(verb, v.trId, dialect <= 9 ? [versionParam(v.version, dialect, verb), v.value] : [v.value]);
}

// ---------------------------------------------------------------------------------------------
// PRP / BPR / SBP (§4.8)

/** `PRP t key {value}`: set (or, without value, clear) one of my properties. Value URL-decoded. */
export interface PrpRequest {
  readonly type: 'PRP';
  readonly trId: number;
  readonly key: string;
  readonly value?: string | undefined;
}

/**
 * Reply and SYN item: 5–9 `PRP t ver key {value}` (also the SYN item of 5–7) · 10–12 `PRP t key {value}`
 * · SYN item 8+ `PRP key value` (`trId` undefined).
 */
export interface PrpReply {
  readonly type: 'PRP';
  readonly trId?: number | undefined;
  readonly version?: number | undefined;
  readonly key: string;
  readonly value?: string | undefined;
}

/**
 * A contact's property: 5–9 `BPR ver handle key {value}` (async, and the SYN item of 5–7) ·
 * 10–12 `BPR handle key {value}` · SYN item 8+ `BPR key value` (applies to the `LST` before it).
 */
export interface Bpr {
  readonly type: 'BPR';
  readonly version?: number | undefined;
  readonly handle?: string | undefined;
  readonly key: string;
  readonly value?: string | undefined;
}

/**
 * `SBP t contact-guid key value` (10–12); the server's reply repeats the request (§4.8). `extra`
 * holds parameters after the value, as sent (§4.8: MSNP11 also allows `PHM` with a trailing `1`),
 * so that an echo built from the decoded request is the request.
 */
export interface Sbp {
  readonly type: 'SBP';
  readonly trId: number;
  readonly contactId: string;
  readonly key: string;
  readonly value?: string | undefined;
  readonly extra?: readonly string[] | undefined;
}

/** An `Sbp`, or, for the server's echo, the request's value token as received (see `Verbatim`). */
export type SbpInit = Omit<Sbp, 'type' | 'value'> & { readonly value?: string | Verbatim | undefined };

/** Property keys are 1–3 upper-case letters (longer → the server disconnects, §4.8). */
function isPropertyKey(t: string | undefined): t is string {
  return t !== undefined && /^[A-Z]{1,3}$/.test(t);
}

function optionalValue(t: string | undefined): string | undefined {
  return t === undefined ? undefined : name(t);
}

function valueParams(key: string, value: string | Verbatim | undefined): string[] {
  if (!isPropertyKey(key)) fail(`bad property key ${key}`);
  return value === undefined || value === '' ? [key] : [key, nameOrVerbatimParam(value, 'property value')];
}

export function decodePrpRequest(cmd: Command, dialect: Dialect): Result<PrpRequest> {
  const e = precheck(cmd, 'PRP', 'toServer', dialect, 1);
  if (e) return e;
  const [key, value] = cmd.params;
  if (!isPropertyKey(key)) return badParam(cmd, `bad property key ${key}`);
  return { type: 'PRP', trId: cmd.trId as number, key, value: optionalValue(value) };
}

export function buildPrpRequest(v: Omit<PrpRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('PRP', 'toServer', dialect);
  return init('PRP', v.trId, valueParams(v.key, v.value));
}

export function decodePrpReply(cmd: Command, dialect: Dialect): Result<PrpReply> {
  const e = precheck(cmd, 'PRP', 'toClient', dialect, 1) ?? itemTrIdCheck(cmd, dialect);
  if (e) return e;
  const p = cmd.params;
  if (cmd.trId !== undefined && dialect <= 9) {
    const version = readUint(cmd, p[0], 'list version');
    if (isCodecError(version)) return version;
    if (!isPropertyKey(p[1])) return badParam(cmd, `bad property key ${p[1] ?? '(none)'}`);
    return { type: 'PRP', trId: cmd.trId, version, key: p[1], value: optionalValue(p[2]) };
  }
  if (!isPropertyKey(p[0])) return badParam(cmd, `bad property key ${p[0]}`);
  return cmd.trId === undefined
    ? { type: 'PRP', key: p[0], value: optionalValue(p[1]) }
    : { type: 'PRP', trId: cmd.trId, key: p[0], value: optionalValue(p[1]) };
}

export function buildPrpReply(v: Omit<PrpReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('PRP', 'toClient', dialect);
  const kv = valueParams(v.key, v.value);
  if (v.trId === undefined) {
    if (dialect < 8) fail('PRP without TrID exists only inside an MSNP8+ SYN');
    return init('PRP', undefined, kv);
  }
  return init('PRP', v.trId, dialect <= 9 ? [versionParam(v.version, dialect, 'PRP'), ...kv] : kv);
}

export function decodeBpr(cmd: Command, dialect: Dialect): Result<Bpr> {
  const e = precheck(cmd, 'BPR', 'toClient', dialect, 1);
  if (e) return e;
  const p = cmd.params;
  if (dialect >= 8 && isPropertyKey(p[0])) return { type: 'BPR', key: p[0], value: optionalValue(p[1]) };
  if (dialect <= 9) {
    const version = readUint(cmd, p[0], 'list version');
    if (isCodecError(version)) return version;
    if (p[1] === undefined) return codecError('MISSING_PARAMS', 'BPR needs a handle', describe(cmd));
    if (!isPropertyKey(p[2])) return badParam(cmd, `bad property key ${p[2] ?? '(none)'}`);
    return { type: 'BPR', version, handle: p[1], key: p[2], value: optionalValue(p[3]) };
  }
  if (!isPropertyKey(p[1])) return badParam(cmd, `bad property key ${p[1] ?? '(none)'}`);
  return { type: 'BPR', handle: p[0], key: p[1], value: optionalValue(p[2]) };
}

export function buildBpr(v: Omit<Bpr, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('BPR', 'toClient', dialect);
  const kv = valueParams(v.key, v.value);
  if (v.handle === undefined) {
    if (dialect < 8) fail('BPR without a handle exists only inside an MSNP8+ SYN');
    return init('BPR', undefined, kv);
  }
  const head = dialect <= 9 ? [versionParam(v.version, dialect, 'BPR'), token(v.handle, 'handle')] : [token(v.handle, 'handle')];
  return init('BPR', undefined, [...head, ...kv]);
}

/**
 * A client's `SBP` as the server that echoes it needs it: the value as the client encoded it, so
 * that the echo is the request token for token (§4.8). `decodeSbp` is the decoded view.
 */
export type SbpRequest = Omit<Sbp, 'value'> & { readonly value?: Verbatim | undefined };

export function decodeSbpRequest(cmd: Command, dialect: Dialect): Result<SbpRequest> {
  return readSbp(cmd, dialect, 'toServer', verbatim);
}

export function decodeSbp(cmd: Command, dialect: Dialect, direction: 'toServer' | 'toClient' = 'toServer'): Result<Sbp> {
  return readSbp(cmd, dialect, direction, name);
}

function readSbp<V>(cmd: Command, dialect: Dialect, direction: 'toServer' | 'toClient', value: (wire: string) => V) {
  const e = precheck(cmd, 'SBP', direction, dialect, 2);
  if (e) return e;
  const [contactId, key, raw] = cmd.params as [string, string, string | undefined];
  if (!isPropertyKey(key)) return badParam(cmd, `bad property key ${key}`);
  const extra = cmd.params.length > 3 ? cmd.params.slice(3) : undefined;
  return { type: 'SBP' as const, trId: cmd.trId as number, contactId, key, value: raw === undefined ? undefined : value(raw), extra };
}

export function buildSbp(v: SbpInit, dialect: Dialect): CommandInit {
  requireAvailable('SBP', 'toServer', dialect);
  const params = [token(v.contactId, 'contact id'), ...valueParams(v.key, v.value)];
  if (v.extra !== undefined && v.extra.length > 0) {
    if (params.length < 3) fail('SBP parameters after the value need a value');
    for (const t of v.extra) params.push(token(t, 'SBP parameter'));
  }
  return init('SBP', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// LST (§4.3, §4.4)

/** Client-initiated `LST t LIST` (2–8, §4.4). */
export interface LstRequest {
  readonly type: 'LST';
  readonly trId: number;
  readonly list: ListName;
}

/**
 * One entry of one list, with counters (2–7 inside SYN, sharing its TrID; 2–8 as the reply to
 * `LST t LIST`): `LST t LIST ver idx total handle friendly {groups (7+, FL)}`; an empty list is
 * `LST t LIST ver 0 0`. Item number before total, as the draft has it (§10.6).
 */
export interface LstIndexed {
  readonly type: 'LST_INDEXED';
  readonly trId: number;
  readonly list: ListName;
  readonly version: number;
  readonly index: number;
  readonly total: number;
  readonly handle?: string | undefined;
  readonly friendlyName?: string | undefined;
  /** 7+, FL lines: the contact's group ids (builders default to `0`). */
  readonly groups?: readonly string[] | undefined;
}

/**
 * One contact with all its lists as bits (inside SYN, 8–12, no TrID): 8–9 `LST handle friendly bits
 * {groups}` · 10–11 `LST N=handle F=friendly {C=guid} bits {groups}` · 12 `… bits network-id {groups}`.
 */
export interface LstItem {
  readonly type: 'LST';
  readonly handle: string;
  readonly friendlyName?: string | undefined;
  /** 10+: `C=` contact GUID (FL contacts only). */
  readonly contactId?: string | undefined;
  /** FL 1, AL 2, BL 4, RL 8, PL 16 (MSNP.md §4.1). */
  readonly lists: number;
  /** 12: network id (1 = MSN); builders default to 1. */
  readonly networkId?: number | undefined;
  readonly groups?: readonly string[] | undefined;
}

export function decodeLstRequest(cmd: Command, dialect: Dialect): Result<LstRequest> {
  const e = precheck(cmd, 'LST', 'toServer', dialect, 1);
  if (e) return e;
  const list = readList(cmd, cmd.params[0]);
  return isCodecError(list) ? list : { type: 'LST', trId: cmd.trId as number, list };
}

export function buildLstRequest(v: Omit<LstRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LST', 'toServer', dialect);
  return init('LST', v.trId, [v.list]);
}

function readGroups(cmd: Command, dialect: Dialect, t: string | undefined): readonly string[] | undefined | ReturnType<typeof badParam> {
  if (t === undefined) return undefined;
  const groups = t.split(',');
  for (const g of groups) if (!groupIdOk(dialect, g)) return badParam(cmd, `not a group id: ${g}`);
  return groups;
}

function groupsParam(dialect: Dialect, groups: readonly string[]): string {
  if (groups.length === 0) fail('empty group list');
  return groups.map((g) => groupParam(dialect, g)).join(',');
}

export function decodeLstIndexed(cmd: Command, dialect: Dialect): Result<LstIndexed> {
  const e = precheck(cmd, 'LST', 'toClient', dialect, 4);
  if (e) return e;
  const trId = needTrId(cmd);
  if (isCodecError(trId)) return trId;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  const version = readUint(cmd, p[1], 'list version');
  if (isCodecError(version)) return version;
  const index = readUint(cmd, p[2], 'item number');
  if (isCodecError(index)) return index;
  const total = readUint(cmd, p[3], 'item count');
  if (isCodecError(total)) return total;
  const base = { type: 'LST_INDEXED' as const, trId, list, version, index, total };
  if (total === 0) return base;
  if (index < 1 || index > total) return badParam(cmd, `item ${index} of ${total}`);
  if (p[4] === undefined || p[5] === undefined) return codecError('MISSING_PARAMS', 'LST entry needs a handle and a name', describe(cmd));
  const groups = dialect >= 7 && list === 'FL' ? readGroups(cmd, dialect, p[6]) : undefined;
  if (isCodecError(groups)) return groups;
  return { ...base, handle: p[4], friendlyName: name(p[5]), groups };
}

export function buildLstIndexed(v: Omit<LstIndexed, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LST', 'toClient', dialect);
  const params = [v.list, uintParam(v.version, 'list version'), uintParam(v.index, 'item number'), uintParam(v.total, 'item count')];
  if (v.total > 0) {
    params.push(token(required(v.handle, 'LST handle', dialect), 'handle'));
    params.push(nameParam(required(v.friendlyName, 'LST friendly name', dialect), 'friendly name'));
    if (dialect >= 7 && v.list === 'FL') params.push(groupsParam(dialect, v.groups ?? ['0']));
  }
  return init('LST', v.trId, params);
}

export function decodeLstItem(cmd: Command, dialect: Dialect): Result<LstItem> {
  const e = precheck(cmd, 'LST', 'toClient', dialect, 2);
  if (e) return e;
  if (dialect < 8) return codecError('NOT_IN_DIALECT', 'LST without TrID exists only in MSNP8+', describe(cmd));
  const p = cmd.params;
  if (dialect <= 9) {
    const lists = readUint(cmd, p[2], 'list bits', 0xff);
    if (isCodecError(lists)) return lists;
    const groups = readGroups(cmd, dialect, p[3]);
    if (isCodecError(groups)) return groups;
    return { type: 'LST', handle: p[0] as string, friendlyName: name(p[1] as string), lists, groups };
  }
  let handle: string | undefined;
  let friendlyName: string | undefined;
  let contactId: string | undefined;
  let i = 0;
  for (; i < p.length; i++) {
    const t = p[i] as string;
    if (t.startsWith('N=')) handle = t.slice(2);
    else if (t.startsWith('F=')) friendlyName = name(t.slice(2));
    else if (t.startsWith('C=')) contactId = t.slice(2);
    else break;
  }
  if (handle === undefined || handle === '') return codecError('MISSING_PARAMS', 'LST needs N=handle', describe(cmd));
  const lists = readUint(cmd, p[i], 'list bits', 0xff);
  if (isCodecError(lists)) return lists;
  i++;
  let networkId: number | undefined;
  if (dialect >= 12) {
    const n = readUint(cmd, p[i], 'network id', 0xffff);
    if (isCodecError(n)) return n;
    networkId = n;
    i++;
  }
  const groups = readGroups(cmd, dialect, p[i]);
  if (isCodecError(groups)) return groups;
  return { type: 'LST', handle, friendlyName, contactId, lists, networkId, groups };
}

export function buildLstItem(v: Omit<LstItem, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LST', 'toClient', dialect);
  if (dialect < 8) fail('LST items without TrID exist only in MSNP8+; use buildLstIndexed');
  const bits = uintParam(v.lists, 'list bits', 0xff);
  const groups = v.groups !== undefined && v.groups.length > 0 && (v.lists & 1) === 1 ? [groupsParam(dialect, v.groups)] : [];
  if (dialect <= 9) {
    return init('LST', undefined, [token(v.handle, 'handle'), nameParam(v.friendlyName ?? v.handle, 'friendly name'), bits, ...groups]);
  }
  const params = [`N=${token(v.handle, 'handle')}`];
  if (v.friendlyName !== undefined) params.push(`F=${nameParam(v.friendlyName, 'friendly name')}`);
  if (v.contactId !== undefined) params.push(`C=${token(v.contactId, 'contact id')}`);
  params.push(bits);
  if (dialect >= 12) params.push(uintParam(v.networkId ?? 1, 'network id', 0xffff));
  return init('LST', undefined, [...params, ...groups]);
}

// ---------------------------------------------------------------------------------------------
// LSG (§4.3, §4.4, §4.7)

/** Client-initiated `LSG t` (7–8). */
export interface LsgRequest {
  readonly type: 'LSG';
  readonly trId: number;
}

/** 7 (SYN item sharing its TrID; 7–8 reply to `LSG t`): `LSG t ver idx total id name 0`. */
export interface LsgIndexed {
  readonly type: 'LSG_INDEXED';
  readonly trId: number;
  readonly version: number;
  readonly index: number;
  readonly total: number;
  readonly groupId: string;
  readonly name: string;
}

/** SYN item: 8–9 `LSG id name 0` · 10–12 `LSG name id-or-guid`. */
export interface LsgItem {
  readonly type: 'LSG';
  readonly groupId: string;
  readonly name: string;
}

export function decodeLsgRequest(cmd: Command, dialect: Dialect): Result<LsgRequest> {
  return precheck(cmd, 'LSG', 'toServer', dialect, 0) ?? { type: 'LSG', trId: cmd.trId as number };
}

export function buildLsgRequest(v: Omit<LsgRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LSG', 'toServer', dialect);
  return init('LSG', v.trId, []);
}

export function decodeLsgIndexed(cmd: Command, dialect: Dialect): Result<LsgIndexed> {
  const e = precheck(cmd, 'LSG', 'toClient', dialect, 5);
  if (e) return e;
  const trId = needTrId(cmd);
  if (isCodecError(trId)) return trId;
  const p = cmd.params;
  const version = readUint(cmd, p[0], 'list version');
  if (isCodecError(version)) return version;
  const index = readUint(cmd, p[1], 'item number');
  if (isCodecError(index)) return index;
  const total = readUint(cmd, p[2], 'item count');
  if (isCodecError(total)) return total;
  const groupId = readGroup(cmd, dialect, p[3]);
  if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'LSG needs a group id');
  return { type: 'LSG_INDEXED', trId, version, index, total, groupId, name: name(p[4] as string) };
}

export function buildLsgIndexed(v: Omit<LsgIndexed, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LSG', 'toClient', dialect);
  return init('LSG', v.trId, [
    uintParam(v.version, 'list version'),
    uintParam(v.index, 'item number'),
    uintParam(v.total, 'item count'),
    groupParam(dialect, v.groupId),
    nameParam(v.name, 'group name'),
    '0',
  ]);
}

export function decodeLsgItem(cmd: Command, dialect: Dialect): Result<LsgItem> {
  const e = precheck(cmd, 'LSG', 'toClient', dialect, 2);
  if (e) return e;
  if (dialect < 8) return codecError('NOT_IN_DIALECT', 'LSG without TrID exists only in MSNP8+', describe(cmd));
  const p = cmd.params as readonly string[];
  const [id, rawName] = dialect <= 9 ? [p[0] as string, p[1] as string] : [p[1] as string, p[0] as string];
  if (!groupIdOk(dialect, id)) return badParam(cmd, `not a group id: ${id}`);
  return { type: 'LSG', groupId: id, name: name(rawName) };
}

export function buildLsgItem(v: Omit<LsgItem, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('LSG', 'toClient', dialect);
  if (dialect < 8) fail('LSG items without TrID exist only in MSNP8+; use buildLsgIndexed');
  const id = groupParam(dialect, v.groupId);
  const n = nameParam(v.name, 'group name');
  return init('LSG', undefined, dialect <= 9 ? [id, n, '0'] : [n, id]);
}

// ---------------------------------------------------------------------------------------------
// ADD (2–9, §4.5, §4.6)

/** `ADD t LIST handle friendly {group (7+)}`. */
export interface AddRequest {
  readonly type: 'ADD';
  readonly trId: number;
  readonly list: ListName;
  readonly handle: string;
  readonly friendlyName: string;
  readonly groupId?: string | undefined;
}

/** `ADD t LIST ver handle friendly {group}`; `ADD 0 RL ver handle friendly` = someone added me. */
export interface AddReply {
  readonly type: 'ADD';
  readonly trId: number;
  readonly list: ListName;
  readonly version: number;
  readonly handle: string;
  readonly friendlyName: string;
  readonly groupId?: string | undefined;
}

export function decodeAddRequest(cmd: Command, dialect: Dialect): Result<AddRequest> {
  const e = precheck(cmd, 'ADD', 'toServer', dialect, 3);
  if (e) return e;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  const groupId = dialect >= 7 ? readGroup(cmd, dialect, p[3]) : undefined;
  if (isCodecError(groupId)) return groupId;
  return { type: 'ADD', trId: cmd.trId as number, list, handle: p[1] as string, friendlyName: name(p[2] as string), groupId };
}

export function buildAddRequest(v: Omit<AddRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ADD', 'toServer', dialect);
  const params = [v.list, token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')];
  if (dialect >= 7 && v.groupId !== undefined) params.push(groupParam(dialect, v.groupId));
  return init('ADD', v.trId, params);
}

export function decodeAddReply(cmd: Command, dialect: Dialect): Result<AddReply> {
  const e = precheck(cmd, 'ADD', 'toClient', dialect, 4);
  if (e) return e;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  const version = readUint(cmd, p[1], 'list version');
  if (isCodecError(version)) return version;
  const groupId = dialect >= 7 ? readGroup(cmd, dialect, p[4]) : undefined;
  if (isCodecError(groupId)) return groupId;
  return { type: 'ADD', trId: cmd.trId as number, list, version, handle: p[2] as string, friendlyName: name(p[3] as string), groupId };
}

export function buildAddReply(v: Omit<AddReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ADD', 'toClient', dialect);
  const params = [v.list, uintParam(v.version, 'list version'), token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')];
  if (dialect >= 7 && v.groupId !== undefined) params.push(groupParam(dialect, v.groupId));
  return init('ADD', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// ADC (10–12, §4.5, §4.6): the same shape both ways

/**
 * `ADC t LIST N=handle {F=friendly}` · reply to an FL add adds `C=guid` · `ADC t FL C=guid group`
 * (add to a group) · `ADC 0 RL N=handle F=friendly` = someone added me.
 */
export interface Adc {
  readonly type: 'ADC';
  readonly trId: number;
  readonly list: ListName;
  readonly handle?: string | undefined;
  readonly friendlyName?: string | undefined;
  readonly contactId?: string | undefined;
  readonly groupId?: string | undefined;
}

export function decodeAdc(cmd: Command, dialect: Dialect, direction: 'toServer' | 'toClient' = 'toServer'): Result<Adc> {
  const e = precheck(cmd, 'ADC', direction, dialect, 2);
  if (e) return e;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  let handle: string | undefined;
  let friendlyName: string | undefined;
  let contactId: string | undefined;
  let i = 1;
  for (; i < p.length; i++) {
    const t = p[i] as string;
    if (t.startsWith('N=')) handle = t.slice(2);
    else if (t.startsWith('F=')) friendlyName = name(t.slice(2));
    else if (t.startsWith('C=')) contactId = t.slice(2);
    else break;
  }
  if (!handle && !contactId) return codecError('MISSING_PARAMS', 'ADC needs N=handle or C=guid', describe(cmd));
  const groupId = readGroup(cmd, dialect, p[i]);
  if (isCodecError(groupId)) return groupId;
  return { type: 'ADC', trId: cmd.trId as number, list, handle, friendlyName, contactId, groupId };
}

export function buildAdc(v: Omit<Adc, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ADC', 'toServer', dialect);
  if (v.handle === undefined && v.contactId === undefined) fail('ADC needs a handle or a contact id');
  const params: string[] = [v.list];
  if (v.handle !== undefined) params.push(`N=${token(v.handle, 'handle')}`);
  if (v.friendlyName !== undefined) params.push(`F=${nameParam(v.friendlyName, 'friendly name')}`);
  if (v.contactId !== undefined) params.push(`C=${token(v.contactId, 'contact id')}`);
  if (v.groupId !== undefined) params.push(groupParam(dialect, v.groupId));
  return init('ADC', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// REM (§4.5, §4.6)

/** `REM t LIST handle-or-guid {group}`. */
export interface RemRequest {
  readonly type: 'REM';
  readonly trId: number;
  readonly list: ListName;
  /** A handle, or (10+, FL) the contact GUID. */
  readonly contact: string;
  readonly groupId?: string | undefined;
}

/** 2–9 `REM t LIST ver handle {group}` · 10–12 `REM t LIST handle-or-guid {group}`; TrID 0 + RL = someone removed me. */
export interface RemReply {
  readonly type: 'REM';
  readonly trId: number;
  readonly list: ListName;
  readonly version?: number | undefined;
  readonly contact: string;
  readonly groupId?: string | undefined;
}

export function decodeRemRequest(cmd: Command, dialect: Dialect): Result<RemRequest> {
  const e = precheck(cmd, 'REM', 'toServer', dialect, 2);
  if (e) return e;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  const groupId = dialect >= 7 ? readGroup(cmd, dialect, p[2]) : undefined;
  if (isCodecError(groupId)) return groupId;
  return { type: 'REM', trId: cmd.trId as number, list, contact: p[1] as string, groupId };
}

export function buildRemRequest(v: Omit<RemRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REM', 'toServer', dialect);
  const params = [v.list, token(v.contact, 'contact')];
  if (dialect >= 7 && v.groupId !== undefined) params.push(groupParam(dialect, v.groupId));
  return init('REM', v.trId, params);
}

export function decodeRemReply(cmd: Command, dialect: Dialect): Result<RemReply> {
  const e = precheck(cmd, 'REM', 'toClient', dialect, dialect <= 9 ? 3 : 2);
  if (e) return e;
  const p = cmd.params;
  const list = readList(cmd, p[0]);
  if (isCodecError(list)) return list;
  const trId = cmd.trId as number;
  if (dialect <= 9) {
    const version = readUint(cmd, p[1], 'list version');
    if (isCodecError(version)) return version;
    const groupId = dialect >= 7 ? readGroup(cmd, dialect, p[3]) : undefined;
    if (isCodecError(groupId)) return groupId;
    return { type: 'REM', trId, list, version, contact: p[2] as string, groupId };
  }
  const groupId = readGroup(cmd, dialect, p[2]);
  if (isCodecError(groupId)) return groupId;
  return { type: 'REM', trId, list, contact: p[1] as string, groupId };
}

export function buildRemReply(v: Omit<RemReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REM', 'toClient', dialect);
  const params: string[] = [v.list];
  if (dialect <= 9) params.push(versionParam(v.version, dialect, 'REM'));
  params.push(token(v.contact, 'contact'));
  if (dialect >= 7 && v.groupId !== undefined) params.push(groupParam(dialect, v.groupId));
  return init('REM', v.trId, params);
}

// ---------------------------------------------------------------------------------------------
// REA (2–9, §5.4)

export interface ReaRequest {
  readonly type: 'REA';
  readonly trId: number;
  readonly handle: string;
  readonly friendlyName: string;
}

export interface ReaReply {
  readonly type: 'REA';
  readonly trId: number;
  readonly version: number;
  readonly handle: string;
  readonly friendlyName: string;
}

export function decodeReaRequest(cmd: Command, dialect: Dialect): Result<ReaRequest> {
  const e = precheck(cmd, 'REA', 'toServer', dialect, 2);
  return e ?? { type: 'REA', trId: cmd.trId as number, handle: cmd.params[0] as string, friendlyName: name(cmd.params[1] as string) };
}

export function buildReaRequest(v: Omit<ReaRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REA', 'toServer', dialect);
  return init('REA', v.trId, [token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')]);
}

export function decodeReaReply(cmd: Command, dialect: Dialect): Result<ReaReply> {
  const e = precheck(cmd, 'REA', 'toClient', dialect, 3);
  if (e) return e;
  const version = readUint(cmd, cmd.params[0], 'list version');
  if (isCodecError(version)) return version;
  return { type: 'REA', trId: cmd.trId as number, version, handle: cmd.params[1] as string, friendlyName: name(cmd.params[2] as string) };
}

export function buildReaReply(v: Omit<ReaReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REA', 'toClient', dialect);
  return init('REA', v.trId, [uintParam(v.version, 'list version'), token(v.handle, 'handle'), nameParam(v.friendlyName, 'friendly name')]);
}

// ---------------------------------------------------------------------------------------------
// ADG / RMG / REG (7–12, §4.7)

/** 7–9 `ADG t name 0` · 10–12 `ADG t name`. */
export interface AdgRequest {
  readonly type: 'ADG';
  readonly trId: number;
  readonly name: string;
}

/** 7–9 `ADG t ver name id 0` · 10–12 `ADG t name guid`. */
export interface AdgReply {
  readonly type: 'ADG';
  readonly trId: number;
  readonly version?: number | undefined;
  readonly name: string;
  readonly groupId: string;
}

/** `RMG t id-or-guid`. */
export interface RmgRequest {
  readonly type: 'RMG';
  readonly trId: number;
  readonly groupId: string;
}

/** 7–9 `RMG t ver id` · 10–12 `RMG t guid`. */
export interface RmgReply {
  readonly type: 'RMG';
  readonly trId: number;
  readonly version?: number | undefined;
  readonly groupId: string;
}

/** 7–9 `REG t id name 0` · 10–12 `REG t guid name`. */
export interface RegRequest {
  readonly type: 'REG';
  readonly trId: number;
  readonly groupId: string;
  readonly name: string;
}

/** 7–9 `REG t ver id name 0` · 10–12 `REG t guid name` (msnp-wiki's shape, §10.13). */
export interface RegReply {
  readonly type: 'REG';
  readonly trId: number;
  readonly version?: number | undefined;
  readonly groupId: string;
  readonly name: string;
}

export function decodeAdgRequest(cmd: Command, dialect: Dialect): Result<AdgRequest> {
  const e = precheck(cmd, 'ADG', 'toServer', dialect, 1);
  return e ?? { type: 'ADG', trId: cmd.trId as number, name: name(cmd.params[0] as string) };
}

export function buildAdgRequest(v: Omit<AdgRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ADG', 'toServer', dialect);
  const n = nameParam(v.name, 'group name');
  return init('ADG', v.trId, dialect <= 9 ? [n, '0'] : [n]);
}

export function decodeAdgReply(cmd: Command, dialect: Dialect): Result<AdgReply> {
  const e = precheck(cmd, 'ADG', 'toClient', dialect, dialect <= 9 ? 3 : 2);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (dialect <= 9) {
    const version = readUint(cmd, p[0], 'list version');
    if (isCodecError(version)) return version;
    const groupId = readGroup(cmd, dialect, p[2]);
    if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'ADG needs a group id');
    return { type: 'ADG', trId, version, name: name(p[1] as string), groupId };
  }
  return { type: 'ADG', trId, name: name(p[0] as string), groupId: p[1] as string };
}

export function buildAdgReply(v: Omit<AdgReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('ADG', 'toClient', dialect);
  const n = nameParam(v.name, 'group name');
  const id = groupParam(dialect, v.groupId);
  return init('ADG', v.trId, dialect <= 9 ? [versionParam(v.version, dialect, 'ADG'), n, id, '0'] : [n, id]);
}

export function decodeRmgRequest(cmd: Command, dialect: Dialect): Result<RmgRequest> {
  const e = precheck(cmd, 'RMG', 'toServer', dialect, 1);
  if (e) return e;
  const groupId = readGroup(cmd, dialect, cmd.params[0]);
  if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'RMG needs a group id');
  return { type: 'RMG', trId: cmd.trId as number, groupId };
}

export function buildRmgRequest(v: Omit<RmgRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('RMG', 'toServer', dialect);
  return init('RMG', v.trId, [groupParam(dialect, v.groupId)]);
}

export function decodeRmgReply(cmd: Command, dialect: Dialect): Result<RmgReply> {
  const e = precheck(cmd, 'RMG', 'toClient', dialect, dialect <= 9 ? 2 : 1);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (dialect <= 9) {
    const version = readUint(cmd, p[0], 'list version');
    if (isCodecError(version)) return version;
    const groupId = readGroup(cmd, dialect, p[1]);
    if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'RMG needs a group id');
    return { type: 'RMG', trId, version, groupId };
  }
  return { type: 'RMG', trId, groupId: p[0] as string };
}

export function buildRmgReply(v: Omit<RmgReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('RMG', 'toClient', dialect);
  const id = groupParam(dialect, v.groupId);
  return init('RMG', v.trId, dialect <= 9 ? [versionParam(v.version, dialect, 'RMG'), id] : [id]);
}

export function decodeRegRequest(cmd: Command, dialect: Dialect): Result<RegRequest> {
  const e = precheck(cmd, 'REG', 'toServer', dialect, 2);
  if (e) return e;
  const groupId = readGroup(cmd, dialect, cmd.params[0]);
  if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'REG needs a group id');
  return { type: 'REG', trId: cmd.trId as number, groupId, name: name(cmd.params[1] as string) };
}

export function buildRegRequest(v: Omit<RegRequest, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REG', 'toServer', dialect);
  const id = groupParam(dialect, v.groupId);
  const n = nameParam(v.name, 'group name');
  return init('REG', v.trId, dialect <= 9 ? [id, n, '0'] : [id, n]);
}

export function decodeRegReply(cmd: Command, dialect: Dialect): Result<RegReply> {
  const e = precheck(cmd, 'REG', 'toClient', dialect, dialect <= 9 ? 3 : 2);
  if (e) return e;
  const p = cmd.params;
  const trId = cmd.trId as number;
  if (dialect <= 9) {
    const version = readUint(cmd, p[0], 'list version');
    if (isCodecError(version)) return version;
    const groupId = readGroup(cmd, dialect, p[1]);
    if (isCodecError(groupId) || groupId === undefined) return groupId ?? codecError('MISSING_PARAMS', 'REG needs a group id');
    return { type: 'REG', trId, version, groupId, name: name(p[2] as string) };
  }
  return { type: 'REG', trId, groupId: p[0] as string, name: name(p[1] as string) };
}

export function buildRegReply(v: Omit<RegReply, 'type'>, dialect: Dialect): CommandInit {
  requireAvailable('REG', 'toClient', dialect);
  const id = groupParam(dialect, v.groupId);
  const n = nameParam(v.name, 'group name');
  return init('REG', v.trId, dialect <= 9 ? [versionParam(v.version, dialect, 'REG'), id, n, '0'] : [id, n]);
}
