/**
 * The storage service's messages (`/storageservice/SchematizedStore.asmx`, MSNP13-18.md §12.1):
 * the roaming "expression profile" WLM 8.x reads at sign-in (`GetProfile`) and writes when the
 * user changes their name or personal message (`UpdateProfile`), and the calls around it. Element
 * names are those WLM 8.5 and papyon send and Escargot answers (papyon
 * `service/description/SchematizedStore/*.py`; Escargot `front/msn/http/other.py`
 * `handle_storageservice`, `tmpl/storageservice/*.xml`). Reading is forgiving about prefixes and
 * surrounding whitespace (papyon pads every value with newlines); writing goes through the
 * escaping XML writer.
 */
import { buildEnvelope } from '../../../shared/msnp/soap/envelope';
import { child, childElements, text, type Xml, type XmlElement, el } from '../../../shared/msnp/soap/xml';

/** WLM 8.x's namespace; WLM 2009 uses `…/storage/2008` (Escargot picks by the SOAPAction). */
export const STORAGE_NS_W10 = 'http://www.msn.com/webservices/storage/w10';
export const STORAGE_NS_2008 = 'http://www.msn.com/webservices/storage/2008';

export type StorageNamespace = typeof STORAGE_NS_W10 | typeof STORAGE_NS_2008;

/** The namespace to answer in: the one the SOAPAction (else the body) was written in. */
export function storageNamespace(soapAction: string, body: XmlElement | undefined): StorageNamespace {
  if (soapAction.startsWith(`${STORAGE_NS_2008}/`)) return STORAGE_NS_2008;
  if (soapAction === '' && body?.attrs.xmlns === STORAGE_NS_2008) return STORAGE_NS_2008;
  return STORAGE_NS_W10;
}

/** Trimmed text of a path of children, or undefined (papyon pads values with whitespace). */
export function valueAt(e: XmlElement | undefined, ...path: readonly string[]): string | undefined {
  let at = e;
  for (const p of path) at = child(at, p);
  if (at === undefined) return undefined;
  return (text(at) ?? '').trim();
}

/**
 * Whom a handle names: `Alias/Name` with `NameSpace` `MyCidStuff` (the CID), or a `ResourceID`
 * (`<cid hex>!<n>`), as `profileHandle`, `objectHandle`, `parentHandle` and `sourceHandle` carry.
 */
export interface ObjectHandle {
  readonly cid?: string;
  readonly resourceId?: string;
  readonly relationshipName?: string;
}

export function readHandle(e: XmlElement | undefined): ObjectHandle | undefined {
  if (e === undefined) return undefined;
  const cid = valueAt(e, 'Alias', 'Name');
  const resourceId = valueAt(e, 'ResourceID');
  const relationshipName = valueAt(e, 'RelationshipName');
  return { ...(cid ? { cid } : {}), ...(resourceId ? { resourceId } : {}), ...(relationshipName ? { relationshipName } : {}) };
}

/** What `UpdateProfile` asks for: new values, and attributes to delete (Escargot's two samples). */
export interface ProfileUpdate {
  readonly resourceId: string | undefined;
  readonly displayName: string | undefined;
  readonly personalStatus: string | undefined;
  readonly deleteDisplayName: boolean;
  readonly deletePersonalStatus: boolean;
}

export function readProfileUpdate(body: XmlElement): ProfileUpdate {
  const profile = child(body, 'profile');
  const expression = child(profile, 'ExpressionProfile');
  const remove = child(child(body, 'profileAttributesToDelete'), 'ExpressionProfileAttributes');
  return {
    resourceId: valueAt(profile, 'ResourceID'),
    displayName: valueAt(expression, 'DisplayName'),
    personalStatus: valueAt(expression, 'PersonalStatus'),
    deleteDisplayName: valueAt(remove, 'DisplayName') === 'true',
    deletePersonalStatus: valueAt(remove, 'PersonalStatus') === 'true',
  };
}

/** `targetHandles/ObjectHandle/ResourceID` of `DeleteRelationships`, `relationships/Relationship` of `CreateRelationships`. */
export function readTargets(body: XmlElement): string[] {
  const fromHandles = childElements(child(body, 'targetHandles') ?? body)
    .filter((e) => e.local === 'ObjectHandle')
    .map((h) => valueAt(h, 'ResourceID') ?? '');
  const fromRelationships = childElements(child(body, 'relationships') ?? body)
    .filter((e) => e.local === 'Relationship')
    .map((r) => valueAt(r, 'TargetID') ?? '');
  return [...fromHandles, ...fromRelationships].filter((id) => id !== '');
}

/** `SourceID`s of `CreateRelationships`. */
export function readSources(body: XmlElement): string[] {
  return childElements(child(body, 'relationships') ?? body)
    .filter((e) => e.local === 'Relationship')
    .map((r) => valueAt(r, 'SourceID') ?? '')
    .filter((id) => id !== '');
}

// ---- answers ----------------------------------------------------------------------------------

export interface StorageIdentity {
  /** The account's CID as the address book gives it (`Me` contact `CID`), decimal. */
  readonly cid: string;
  /** The same number as the storage service writes it inside resource ids: 16 hex digits. */
  readonly cidHex: string;
  /** `AffinityCacheHeader/CacheKey`. */
  readonly cacheKey: string;
}

/**
 * The answer envelope: `AffinityCacheHeader` and `StorageUserHeader` (Escargot's templates; the
 * ticket they echo is left out, tickets are never written back), then the body.
 */
export function storageEnvelope(ns: StorageNamespace, who: StorageIdentity, body: Xml): string {
  return buildEnvelope({
    header: [
      el('AffinityCacheHeader', { xmlns: ns }, el('CacheKey', undefined, who.cacheKey)),
      el(
        'StorageUserHeader',
        { xmlns: ns },
        el('Puid', undefined, '0'),
        el('Cid', undefined, who.cidHex),
        el('ApplicationId', undefined, '0'),
        el('DeviceId', undefined, '0'),
        el('IsTrustedDevice', undefined, 'false'),
        el('IsStrongAuth', undefined, 'false'),
        el('IsAdmin', undefined, 'false'),
        el('LanguagePreference', undefined, '0'),
        el('Claims', undefined),
      ),
    ],
    body,
  });
}

/** Resource ids of the three objects every profile has (Escargot: `!106`, `!118`, `!205`). */
export function profileResourceId(cidHex: string): string {
  return `${cidHex}!106`;
}
export function expressionResourceId(cidHex: string): string {
  return `${cidHex}!118`;
}

/** The stored expression profile: texts and when each was last set (epoch ms). */
export interface ExpressionProfile {
  readonly displayName?: string;
  readonly displayNameModified?: number;
  readonly personalStatus?: string;
  readonly personalStatusModified?: number;
  /** The last change to anything in it (epoch ms); the account's creation when never set. */
  readonly modified: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * `GetProfileResponse/GetProfileResult`: the profile's and the expression profile's resource ids
 * and dates, the display name and personal message with their dates when set. No `Photo`: this
 * server keeps no pictures in the storage service (display pictures travel by P2P, MSNP-P2P.md).
 */
export function buildGetProfileResponse(ns: StorageNamespace, who: StorageIdentity, p: ExpressionProfile): string {
  const expression = el(
    'ExpressionProfile',
    undefined,
    el('ResourceID', undefined, expressionResourceId(who.cidHex)),
    el('Version', undefined, '205'),
    el('DateModified', undefined, iso(p.modified)),
    p.personalStatus === undefined ? undefined : [el('PersonalStatus', undefined, p.personalStatus), el('PersonalStatusLastModified', undefined, iso(p.personalStatusModified ?? p.modified))],
    p.displayName === undefined ? undefined : [el('DisplayName', undefined, p.displayName), el('DisplayNameLastModified', undefined, iso(p.displayNameModified ?? p.modified))],
  );
  const result = el('GetProfileResult', undefined, el('ResourceID', undefined, profileResourceId(who.cidHex)), el('DateModified', undefined, iso(p.modified)), expression);
  return storageEnvelope(ns, who, el('GetProfileResponse', { xmlns: ns }, result));
}

/** An answer with an empty body element (`UpdateProfileResponse`, `DeleteRelationshipsResponse`, `ShareItemResponse`). */
export function buildEmptyResponse(ns: string, who: StorageIdentity, action: string): string {
  return storageEnvelope(ns as StorageNamespace, who, el(`${action}Response`, { xmlns: ns }));
}

/** `<Action>Response/<Action>Result` = text (`CreateProfileResult` = the profile's resource id). */
export function buildResultResponse(ns: StorageNamespace, who: StorageIdentity, action: string, result: string): string {
  return storageEnvelope(ns, who, el(`${action}Response`, { xmlns: ns }, el(`${action}Result`, undefined, result)));
}

/** `FindDocumentsResponse/FindDocumentsResult` listing no documents (no pictures are kept). */
export function buildFindDocumentsResponse(ns: StorageNamespace, who: StorageIdentity): string {
  return storageEnvelope(ns, who, el('FindDocumentsResponse', { xmlns: ns }, el('FindDocumentsResult', undefined)));
}
