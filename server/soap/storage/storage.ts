/**
 * The storage service (`/storageservice/SchematizedStore.asmx`, MSNP13-18.md §12.1): WLM 8.x's
 * roaming "expression profile", the display name and personal message it reads at sign-in
 * (`GetProfile`) and writes whenever the user changes them (`UpdateProfile`), kept per account on
 * the server so they follow the user to another machine.
 *
 * Where it is kept: one account property (`EXPRESSION_PROFILE_KEY`, a small JSON document) beside
 * the `PRP` phone numbers, so no schema change: the NS never shows it (`PRP` accepts only the phone
 * keys, `SYN` lists only those). It is apart from the friendly name on purpose, as on Microsoft's
 * service and Escargot's (`save_single_roaming`): WLM sends `PRP MFN` for the name the NS shows.
 *
 * Who may reach what: the ticket names the account (`authenticateSoap`); every handle in a request
 * (`Alias/Name` CID, `ResourceID`) must be that account's own, else `ItemDoesNotExist` (the same
 * answer for someone else's profile and for no profile, so nothing is learnt). Contacts' profiles
 * are not served: nothing in the reference says who may read another's.
 *
 * Actions: `GetProfile`, `UpdateProfile`, `CreateProfile` (every account has its profile: the
 * existing id), `ShareItem` (the profile is the owner's to share: accepted, nothing to store),
 * `FindDocuments` (no documents: an empty result), `DeleteRelationships` (no relationships: nothing
 * to delete), `CreateRelationships` (its target, a photo, cannot exist: `ItemDoesNotExist`);
 * `CreateDocument`/`UpdateDocument` (a display picture upload) are refused with a fault, since this
 * server keeps no pictures here. Any other action is the router's "unsupported action" fault.
 */
import { checkFriendlyName } from '../../../shared/msnp/index';
import { child, el } from '../../../shared/msnp/soap/xml';
import type { Account } from '../../core/lists';
import { authenticateSoap, isIdentity } from '../auth';
import { faultReply, okReply, type SoapReply, type SoapRequest, type SoapRouter } from '../router';
import type { SoapServices } from '../services';
import {
  buildEmptyResponse,
  buildFindDocumentsResponse,
  buildGetProfileResponse,
  buildResultResponse,
  expressionResourceId,
  profileResourceId,
  readHandle,
  readProfileUpdate,
  readSources,
  readTargets,
  storageNamespace,
  STORAGE_NS_W10,
  valueAt,
  type ExpressionProfile,
  type ObjectHandle,
  type StorageIdentity,
} from './shapes';

export const STORAGE_PATH = '/storageservice/SchematizedStore.asmx';
/** The account property holding the expression profile (never a `PRP` key: those are 1–3 capitals). */
export const EXPRESSION_PROFILE_KEY = 'storage.expressionProfile';
/** Ours: WLM's own box stops at 129 characters; a generous bound on what one account may store. */
export const MAX_PERSONAL_STATUS_CHARACTERS = 512;
/** Token domains a storage request may carry: WLM's (`storage.msn.com`, libpurple's `storage.live.com`) and papyon's (contacts). */
const STORAGE_DOMAINS = ['storage.msn.com', 'storage.live.com', 'contacts.msn.com'];

const ACTIONS = ['GetProfile', 'UpdateProfile', 'CreateProfile', 'ShareItem', 'FindDocuments', 'DeleteRelationships', 'CreateRelationships', 'CreateDocument', 'UpdateDocument'] as const;
type StorageAction = (typeof ACTIONS)[number];

export function registerStorage(router: SoapRouter, s: SoapServices): void {
  for (const action of ACTIONS) router.add({ path: STORAGE_PATH, action, handler: (req) => handle(s, action, req) });
}

/** A storage fault: `soap:Client` with `detail/errorcode` in the service's namespace. */
function storageFault(errorCode: string, message: string, ns: string = STORAGE_NS_W10): SoapReply {
  return faultReply({ code: 'soap:Client', message, detail: el('errorcode', { xmlns: ns }, errorCode) });
}

class StorageRefusal extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

function refuse(errorCode: string, message: string): never {
  throw new StorageRefusal(errorCode, message);
}

async function handle(s: SoapServices, action: StorageAction, req: SoapRequest): Promise<SoapReply> {
  const ns = storageNamespace(req.soapAction, req.body);
  const who = await authenticateSoap(req, { tokens: s.tokens, accountExists: (h) => s.lists.exists(h) }, { domains: STORAGE_DOMAINS });
  if (!isIdentity(who)) return who;
  // In a cluster the profile is written where the owner's NS session holds its account (as the
  // address book's edits, abservice.ts), so that copy and its versions stay the store's.
  if (action === 'UpdateProfile' && s.atOwner !== undefined && req.forwarded !== true) {
    const there = await s.atOwner(who.handle, req);
    if (there === 'unanswered') return faultReply({ code: 'soap:Server', message: 'Service temporarily unavailable: the server holding your session did not answer; try again later' }, 503);
    if (there !== undefined) return there;
  }
  const body = req.body;
  const reply = await s.lists.withAccount(who.handle, async (owner) => {
    if (body === undefined) return storageFault('InvalidArgument', 'No request', ns);
    if (body.local !== action) return storageFault('InvalidArgument', `SOAPAction ${action} does not match the body ${body.local}`, ns);
    const id: StorageIdentity = {
      cid: String(owner.user.id),
      cidHex: cidHex(owner.user.id),
      cacheKey: s.tokens.accountKey('storage-cache-key', owner.handle),
    };
    try {
      return okReply(await run(s, owner, id, ns, action, req));
    } catch (e) {
      if (e instanceof StorageRefusal) return storageFault(e.errorCode, e.message, ns);
      throw e;
    }
  });
  return reply ?? storageFault('InvalidArgument', 'No request', ns);
}

async function run(s: SoapServices, owner: Account, id: StorageIdentity, ns: ReturnType<typeof storageNamespace>, action: StorageAction, req: SoapRequest): Promise<string> {
  const body = req.body;
  if (body === undefined) refuse('InvalidArgument', 'No request');
  switch (action) {
    case 'GetProfile':
      ownHandle(id, readHandle(child(body, 'profileHandle')), 'profileHandle');
      return buildGetProfileResponse(ns, id, readProfile(owner));
    case 'UpdateProfile': {
      const u = readProfileUpdate(body);
      if (u.resourceId !== undefined && u.resourceId !== profileResourceId(id.cidHex)) refuse('ItemDoesNotExist', 'No such profile');
      const now = s.now();
      const p = readProfile(owner);
      let next: ExpressionProfile = { ...p };
      if (u.deleteDisplayName) next = withoutKeys(next, 'displayName', 'displayNameModified');
      else if (u.displayName !== undefined && u.displayName !== '') {
        if (checkFriendlyName(u.displayName) !== undefined || /[\r\n]/.test(u.displayName)) refuse('InvalidArgument', 'DisplayName is empty or too long');
        next = { ...next, displayName: u.displayName, displayNameModified: now };
      }
      if (u.deletePersonalStatus) next = withoutKeys(next, 'personalStatus', 'personalStatusModified');
      else if (u.personalStatus !== undefined) {
        if ([...u.personalStatus].length > MAX_PERSONAL_STATUS_CHARACTERS) refuse('InvalidArgument', `PersonalStatus is over ${MAX_PERSONAL_STATUS_CHARACTERS} characters`);
        next = { ...next, personalStatus: u.personalStatus, personalStatusModified: now };
      }
      if (JSON.stringify(next) !== JSON.stringify(p)) await s.lists.setProperty(owner, EXPRESSION_PROFILE_KEY, JSON.stringify({ ...next, modified: now }));
      return buildEmptyResponse(ns, id, 'UpdateProfile');
    }
    case 'CreateProfile':
      // Every account has its profile from the start: creating it again names the existing one.
      return buildResultResponse(ns, id, 'CreateProfile', profileResourceId(id.cidHex));
    case 'ShareItem': {
      // `ShareItem/resourceID` (msnp-sharp writes it lower-case), the expression profile being shared.
      const rid = valueAt(body, 'resourceID') ?? valueAt(body, 'ResourceID');
      if (rid !== expressionResourceId(id.cidHex) && rid !== profileResourceId(id.cidHex)) refuse('ItemDoesNotExist', 'No such item');
      return buildEmptyResponse(ns, id, 'ShareItem');
    }
    case 'FindDocuments':
      ownHandle(id, readHandle(child(body, 'objectHandle')), 'objectHandle');
      return buildFindDocumentsResponse(ns, id);
    case 'DeleteRelationships': {
      ownHandle(id, readHandle(child(body, 'sourceHandle')), 'sourceHandle');
      for (const target of readTargets(body)) ownResource(id, target);
      return buildEmptyResponse(ns, id, 'DeleteRelationships');
    }
    case 'CreateRelationships': {
      for (const source of readSources(body)) ownResource(id, source);
      // The target is a photo document, and this service keeps none.
      return refuse('ItemDoesNotExist', 'No such document');
    }
    case 'CreateDocument':
    case 'UpdateDocument':
      return refuse('NotSupported', 'This server keeps no pictures in the storage service');
  }
}

/** A handle must name the caller: by CID (decimal, or the 16 hex digits) or by one of their resource ids. */
function ownHandle(id: StorageIdentity, h: ObjectHandle | undefined, what: string): void {
  if (h === undefined || (h.cid === undefined && h.resourceId === undefined)) refuse('InvalidArgument', `No ${what}`);
  if (h.cid !== undefined && !sameCid(id, h.cid)) refuse('ItemDoesNotExist', 'No such profile');
  if (h.resourceId !== undefined) ownResource(id, h.resourceId);
}

function ownResource(id: StorageIdentity, resourceId: string): void {
  const bang = resourceId.indexOf('!');
  if (bang <= 0 || resourceId.slice(0, bang).toLowerCase() !== id.cidHex) refuse('ItemDoesNotExist', 'No such item');
}

function sameCid(id: StorageIdentity, cid: string): boolean {
  if (/^-?\d{1,20}$/.test(cid)) return BigInt.asUintN(64, BigInt(cid)) === BigInt(`0x${id.cidHex}`);
  return /^[0-9a-fA-F]{16}$/.test(cid) && cid.toLowerCase() === id.cidHex;
}

/** The CID in resource ids: the unsigned 64-bit number in 16 lower-case hex digits. */
export function cidHex(userId: number): string {
  return BigInt.asUintN(64, BigInt(userId)).toString(16).padStart(16, '0');
}

/** The stored expression profile, or an empty one dated at the account's first list stamp. */
export function readProfile(owner: Account): ExpressionProfile {
  const raw = owner.properties.get(EXPRESSION_PROFILE_KEY);
  const empty: ExpressionProfile = { modified: owner.user.listStamp };
  if (raw === undefined) return empty;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
    const num = (k: string): number | undefined => (typeof v[k] === 'number' && Number.isFinite(v[k]) ? v[k] : undefined);
    const out: Record<string, unknown> = { modified: num('modified') ?? empty.modified };
    for (const k of ['displayName', 'personalStatus']) if (str(k) !== undefined) out[k] = str(k);
    for (const k of ['displayNameModified', 'personalStatusModified']) if (num(k) !== undefined) out[k] = num(k);
    return out as unknown as ExpressionProfile;
  } catch {
    return empty;
  }
}

function withoutKeys(p: ExpressionProfile, ...keys: (keyof ExpressionProfile)[]): ExpressionProfile {
  const out: Record<string, unknown> = { ...p };
  for (const k of keys) delete out[k];
  return out as unknown as ExpressionProfile;
}
