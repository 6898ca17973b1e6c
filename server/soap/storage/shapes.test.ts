import { describe, expect, it } from 'vitest';
import { isCodecError } from '../../../shared/msnp/index';
import { parseXml, textAt, type XmlElement } from '../../../shared/msnp/soap/xml';
import { buildEmptyResponse, buildFindDocumentsResponse, buildGetProfileResponse, buildResultResponse, readHandle, readProfileUpdate, readTargets, storageNamespace, STORAGE_NS_2008, STORAGE_NS_W10 } from './shapes';

function xml(s: string): XmlElement {
  const e = parseXml(s);
  if (isCodecError(e)) throw new Error(e.message);
  return e;
}

const who = { cid: '1', cidHex: '0000000000000001', cacheKey: 'ck' };

describe('storage service shapes (Escargot tmpl/storageservice, papyon SchematizedStore)', () => {
  it('GetProfileResponse: the element names and nesting clients read', () => {
    const root = xml(buildGetProfileResponse(STORAGE_NS_W10, who, { displayName: 'A & B', displayNameModified: 0, personalStatus: '<3', personalStatusModified: 1000, modified: 1000 }));
    expect(textAt(root, 'Header', 'AffinityCacheHeader', 'CacheKey')).toBe('ck');
    expect(textAt(root, 'Header', 'StorageUserHeader', 'Cid')).toBe('0000000000000001');
    expect(textAt(root, 'Header', 'StorageUserHeader', 'TicketToken')).toBeUndefined();
    const result = ['Body', 'GetProfileResponse', 'GetProfileResult'];
    expect(textAt(root, ...result, 'ResourceID')).toBe('0000000000000001!106');
    expect(textAt(root, ...result, 'DateModified')).toBe('1970-01-01T00:00:01.000Z');
    expect(textAt(root, ...result, 'ExpressionProfile', 'ResourceID')).toBe('0000000000000001!118');
    expect(textAt(root, ...result, 'ExpressionProfile', 'DisplayName')).toBe('A & B');
    expect(textAt(root, ...result, 'ExpressionProfile', 'DisplayNameLastModified')).toBe('1970-01-01T00:00:00.000Z');
    expect(textAt(root, ...result, 'ExpressionProfile', 'PersonalStatus')).toBe('<3');
    expect(textAt(root, ...result, 'ExpressionProfile', 'PersonalStatusLastModified')).toBe('1970-01-01T00:00:01.000Z');
    expect(textAt(root, 'Body', 'GetProfileResponse')).toBeDefined();
  });

  it('the other answers: empty responses, a result, an empty document list, in the request’s namespace', () => {
    expect(xml(buildEmptyResponse(STORAGE_NS_2008, who, 'UpdateProfile')).children).toBeDefined();
    expect(buildEmptyResponse(STORAGE_NS_2008, who, 'UpdateProfile')).toContain(`<UpdateProfileResponse xmlns="${STORAGE_NS_2008}"/>`);
    expect(textAt(xml(buildResultResponse(STORAGE_NS_W10, who, 'CreateProfile', 'x!106')), 'Body', 'CreateProfileResponse', 'CreateProfileResult')).toBe('x!106');
    expect(buildFindDocumentsResponse(STORAGE_NS_W10, who)).toContain('<FindDocumentsResult/>');
    expect(storageNamespace(`${STORAGE_NS_2008}/GetProfile`, undefined)).toBe(STORAGE_NS_2008);
    expect(storageNamespace(`${STORAGE_NS_W10}/GetProfile`, undefined)).toBe(STORAGE_NS_W10);
    expect(storageNamespace('', xml(`<GetProfile xmlns="${STORAGE_NS_2008}"/>`))).toBe(STORAGE_NS_2008);
  });

  it('reads UpdateProfile (both of Escargot’s samples), handles and relationship targets', () => {
    const set = readProfileUpdate(xml(`<UpdateProfile><profile><ResourceID>862d987eb60b7a63!106</ResourceID><ExpressionProfile><FreeText>Update</FreeText><DisplayName>Society is betrayal</DisplayName><PersonalStatus>Prosperity is the best medicine. :)</PersonalStatus></ExpressionProfile></profile></UpdateProfile>`));
    expect(set).toEqual({ resourceId: '862d987eb60b7a63!106', displayName: 'Society is betrayal', personalStatus: 'Prosperity is the best medicine. :)', deleteDisplayName: false, deletePersonalStatus: false });
    const del = readProfileUpdate(xml(`<UpdateProfile><profile><ResourceID>bb4542ce2eacdbde!106</ResourceID><ExpressionProfile><FreeText>Update</FreeText><DisplayName>%walkingphas3r%</DisplayName><Flags>0</Flags></ExpressionProfile></profile><profileAttributesToDelete><ExpressionProfileAttributes><PersonalStatus>true</PersonalStatus></ExpressionProfileAttributes></profileAttributesToDelete></UpdateProfile>`));
    expect(del).toMatchObject({ displayName: '%walkingphas3r%', personalStatus: undefined, deletePersonalStatus: true, deleteDisplayName: false });
    expect(readHandle(xml(`<profileHandle><Alias><Name> 123 </Name><NameSpace>MyCidStuff</NameSpace></Alias><RelationshipName>MyProfile</RelationshipName></profileHandle>`))).toEqual({ cid: '123', relationshipName: 'MyProfile' });
    expect(readTargets(xml(`<DeleteRelationships><targetHandles><ObjectHandle><ResourceID>a!205</ResourceID></ObjectHandle></targetHandles></DeleteRelationships>`))).toEqual(['a!205']);
  });
});
