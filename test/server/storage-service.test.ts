/**
 * The storage service over real HTTP (`/storageservice/SchematizedStore.asmx`, MSNP13-18.md §12.1):
 * the roaming expression profile WLM 8.5 reads at sign-in and writes when the user changes their
 * name or personal message, kept in the database across a restart; the calls around it; and what a
 * hostile client gets (another user's profile, forged handles, bad values, unknown actions).
 * Requests are written the way WLM 8.5 / papyon write them (papyon `SchematizedStore/*.py`,
 * Escargot's samples in `other.py`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCodecError, tokenFor, type RstResponse } from '../../shared/msnp/index';
import { parseEnvelope } from '../../shared/msnp/soap/envelope';
import { textAt, type XmlElement } from '../../shared/msnp/soap/xml';
import type { RunningServer } from '../../server/index';
import { startTestServer } from './helpers/msnp';
import { requestTokens } from './helpers/msnp13';

const W10 = 'http://www.msn.com/webservices/storage/w10';
const dir = mkdtempSync(join(tmpdir(), 'monarch-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface User {
  ticket: string;
  cid: string;
}

async function user(server: RunningServer, handle: string, password: string, domain = 'storage.live.com'): Promise<User> {
  const tokens = (await requestTokens(server, handle, password, 'MBI_KEY_OLD')) as RstResponse;
  const ticket = tokenFor(tokens, domain)?.token as string;
  // The CID a client knows: the Me contact's, from the address book.
  const ab = await fetch(`http://127.0.0.1:${server.httpPort}/abservice/abservice.asmx`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'http://www.msn.com/webservices/AddressBook/ABFindAll' },
    body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><TicketToken>${xml(tokenFor(tokens, 'contacts.msn.com')?.token as string)}</TicketToken></ABAuthHeader></soap:Header><soap:Body><ABFindAll xmlns="http://www.msn.com/webservices/AddressBook"><abId>00000000-0000-0000-0000-000000000000</abId><abView>Full</abView></ABFindAll></soap:Body></soap:Envelope>`,
  });
  const cid = /<contactType>Me<\/contactType>[\s\S]*?<CID>(-?\d+)<\/CID>/.exec(await ab.text())?.[1] as string;
  expect(cid).toMatch(/^\d+$/);
  return { ticket, cid };
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function envelope(u: Pick<User, 'ticket'>, body: string, ns = W10): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><StorageApplicationHeader xmlns="${ns}"><ApplicationID>Messenger Client 8.5</ApplicationID><Scenario>Initial</Scenario></StorageApplicationHeader><StorageUserHeader xmlns="${ns}"><Puid>0</Puid><TicketToken>${xml(u.ticket)}</TicketToken></StorageUserHeader></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

const getProfile = (cid: string, ns = W10): string =>
  `<GetProfile xmlns="${ns}"><profileHandle><Alias><Name>${cid}</Name><NameSpace>MyCidStuff</NameSpace></Alias><RelationshipName>MyProfile</RelationshipName></profileHandle><profileAttributes><ResourceID>true</ResourceID><DateModified>true</DateModified><ExpressionProfileAttributes><ResourceID>true</ResourceID><DateModified>true</DateModified><DisplayName>true</DisplayName><DisplayNameLastModified>true</DisplayNameLastModified><PersonalStatus>true</PersonalStatus><PersonalStatusLastModified>true</PersonalStatusLastModified><StaticUserTilePublicURL>true</StaticUserTilePublicURL><Photo>true</Photo><Flags>true</Flags></ExpressionProfileAttributes></profileAttributes></GetProfile>`;

/** Escargot's first sample: a new name and personal message. */
const updateProfile = (resourceId: string, name: string, psm: string): string =>
  `<UpdateProfile xmlns="${W10}"><profile><ResourceID>${resourceId}</ResourceID><ExpressionProfile><FreeText>Update</FreeText><DisplayName>${xml(name)}</DisplayName><PersonalStatus>${xml(psm)}</PersonalStatus></ExpressionProfile></profile></UpdateProfile>`;

/** Escargot's second sample: the personal message removed. */
const removePsm = (resourceId: string, name: string): string =>
  `<UpdateProfile xmlns="${W10}"><profile><ResourceID>${resourceId}</ResourceID><ExpressionProfile><FreeText>Update</FreeText><DisplayName>${xml(name)}</DisplayName><Flags>0</Flags></ExpressionProfile></profile><profileAttributesToDelete><ExpressionProfileAttributes><PersonalStatus>true</PersonalStatus></ExpressionProfileAttributes></profileAttributesToDelete></UpdateProfile>`;

async function post(server: RunningServer, action: string, body: string, ns = W10): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${server.httpPort}/storageservice/SchematizedStore.asmx`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `${ns}/${action}` },
    body,
  });
  return { status: r.status, body: await r.text() };
}

function ok(r: { status: number; body: string }): { header: XmlElement | undefined; body: XmlElement } {
  expect(r.status, r.body).toBe(200);
  const env = parseEnvelope(r.body);
  if (isCodecError(env) || env.type !== 'message') throw new Error(r.body);
  return { header: env.header, body: env.body };
}

function fault(r: { status: number; body: string }, errorCode: string): void {
  expect(r.status).toBe(500);
  const env = parseEnvelope(r.body);
  if (isCodecError(env) || env.type !== 'fault') throw new Error(r.body);
  expect(env.errorCode ?? env.codeName).toBe(errorCode);
  expect(r.body).not.toMatch(/at .*\.ts:\d+|node_modules/);
}

const hexOf = (cid: string): string => BigInt(cid).toString(16).padStart(16, '0');

describe('storage service: the expression profile (GetProfile / UpdateProfile)', () => {
  it('starts empty, keeps the name and personal message WLM writes, across a restart; removing the message removes it', async () => {
    let server = await startTestServer({ dataDir: dir });
    try {
      await server.accounts.add('alice@example.com', 'alice-pw', 'Alice');
      const a = await user(server, 'alice@example.com', 'alice-pw');
      const first = ok(await post(server, 'GetProfile', envelope(a, getProfile(a.cid))));
      expect(first.body.local).toBe('GetProfileResponse');
      expect(first.body.attrs.xmlns).toBe(W10);
      expect(textAt(first.body, 'GetProfileResult', 'ResourceID')).toBe(`${hexOf(a.cid)}!106`);
      expect(textAt(first.body, 'GetProfileResult', 'ExpressionProfile', 'ResourceID')).toBe(`${hexOf(a.cid)}!118`);
      expect(textAt(first.body, 'GetProfileResult', 'ExpressionProfile', 'DisplayName')).toBeUndefined();
      expect(textAt(first.body, 'GetProfileResult', 'ExpressionProfile', 'PersonalStatus')).toBeUndefined();
      expect(textAt(first.header, 'StorageUserHeader', 'Cid')).toBe(hexOf(a.cid));
      expect(textAt(first.header, 'AffinityCacheHeader', 'CacheKey')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      // Tickets are never written back.
      expect(first.body && JSON.stringify(first)).not.toContain('TicketToken');

      const updated = ok(await post(server, 'UpdateProfile', envelope(a, updateProfile(`${hexOf(a.cid)}!106`, 'Alice <3 & co', 'Society is betrayal: "ok"'))));
      expect(updated.body.local).toBe('UpdateProfileResponse');
    } finally {
      await server.stop();
    }
    server = await startTestServer({ dataDir: dir });
    try {
      const a = await user(server, 'alice@example.com', 'alice-pw');
      const after = ok(await post(server, 'GetProfile', envelope(a, getProfile(a.cid))));
      const expression = (name: string): string | undefined => textAt(after.body, 'GetProfileResult', 'ExpressionProfile', name);
      expect(expression('DisplayName')).toBe('Alice <3 & co');
      expect(expression('PersonalStatus')).toBe('Society is betrayal: "ok"');
      expect(Date.parse(expression('DisplayNameLastModified') ?? '')).toBeGreaterThan(0);
      expect(Date.parse(expression('PersonalStatusLastModified') ?? '')).toBeGreaterThan(0);
      // The friendly name the NS shows is not the roaming name (WLM sends PRP MFN for that).
      expect((await server.accounts.list()).find((x) => x.handle === 'alice@example.com')?.friendlyName).toBe('Alice');

      ok(await post(server, 'UpdateProfile', envelope(a, removePsm(`${hexOf(a.cid)}!106`, 'Alice again'))));
      const removed = ok(await post(server, 'GetProfile', envelope(a, getProfile(a.cid))));
      expect(textAt(removed.body, 'GetProfileResult', 'ExpressionProfile', 'DisplayName')).toBe('Alice again');
      expect(textAt(removed.body, 'GetProfileResult', 'ExpressionProfile', 'PersonalStatus')).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('papyon’s padded values and its contacts ticket, the hex CID, and WLM 2009’s 2008 namespace are understood', async () => {
    const server = await startTestServer();
    try {
      await server.accounts.add('pad@example.com', 'pad-pw', 'Pad');
      const p = await user(server, 'pad@example.com', 'pad-pw', 'contacts.msn.com');
      const padded = `<UpdateProfile xmlns="${W10}">\n  <profile>\n    <ResourceID>\n      ${hexOf(p.cid)}!106\n    </ResourceID>\n    <ExpressionProfile>\n      <FreeText>\n        Update\n      </FreeText>\n      <DisplayName>\n        Padded\n      </DisplayName>\n      <PersonalStatus>\n        hi\n      </PersonalStatus>\n      <Flags>\n        0\n      </Flags>\n    </ExpressionProfile>\n  </profile>\n</UpdateProfile>`;
      ok(await post(server, 'UpdateProfile', envelope(p, padded)));
      const NS2008 = 'http://www.msn.com/webservices/storage/2008';
      const got = ok(await post(server, 'GetProfile', envelope(p, getProfile(hexOf(p.cid), NS2008), NS2008), NS2008));
      expect(got.body.attrs.xmlns).toBe(NS2008);
      expect(textAt(got.body, 'GetProfileResult', 'ExpressionProfile', 'DisplayName')).toBe('Padded');
      expect(textAt(got.body, 'GetProfileResult', 'ExpressionProfile', 'PersonalStatus')).toBe('hi');
    } finally {
      await server.stop();
    }
  });

  it('CreateProfile names the existing profile; ShareItem, FindDocuments and DeleteRelationships on one’s own items succeed; pictures are refused', async () => {
    const server = await startTestServer();
    try {
      await server.accounts.add('doc@example.com', 'doc-pw', 'Doc');
      const d = await user(server, 'doc@example.com', 'doc-pw');
      const hex = hexOf(d.cid);
      const created = ok(await post(server, 'CreateProfile', envelope(d, `<CreateProfile xmlns="${W10}"><profile><ExpressionProfile><PersonalStatus/><RoleDefinitionName>ExpressionProfileDefault</RoleDefinitionName></ExpressionProfile></profile></CreateProfile>`)));
      expect(textAt(created.body, 'CreateProfileResult')).toBe(`${hex}!106`);
      expect(ok(await post(server, 'ShareItem', envelope(d, `<ShareItem xmlns="http://www.msn.com/webservices/AddressBook"><resourceID>${hex}!118</resourceID><displayName>Messenger Roaming Identity</displayName></ShareItem>`)))).toBeTruthy();
      const objectHandle = `<Alias><Name>${d.cid}</Name><NameSpace>MyCidStuff</NameSpace></Alias>`;
      const found = ok(await post(server, 'FindDocuments', envelope(d, `<FindDocuments xmlns="${W10}"><objectHandle><RelationshipName>/UserTiles</RelationshipName>${objectHandle}</objectHandle><documentAttributes><ResourceID>true</ResourceID><Name>true</Name></documentAttributes><documentFilter><FilterAttributes>None</FilterAttributes></documentFilter><documentSort><SortBy>DateModified</SortBy></documentSort><findContext><FindMethod>Default</FindMethod><ChunkSize>25</ChunkSize></findContext></FindDocuments>`)));
      expect(found.body.local).toBe('FindDocumentsResponse');
      expect(textAt(found.body, 'FindDocumentsResult', 'Document')).toBeUndefined();
      ok(await post(server, 'DeleteRelationships', envelope(d, `<DeleteRelationships xmlns="${W10}"><sourceHandle><RelationshipName>/UserTiles</RelationshipName>${objectHandle}</sourceHandle><targetHandles><ObjectHandle><ResourceID>${hex}!205</ResourceID></ObjectHandle></targetHandles></DeleteRelationships>`)));
      fault(await post(server, 'CreateRelationships', envelope(d, `<CreateRelationships xmlns="${W10}"><relationships><Relationship><SourceID>${hex}!118</SourceID><SourceType>SubProfile</SourceType><TargetID>${hex}!205</TargetID><TargetType>Photo</TargetType><RelationshipName>ProfilePhoto</RelationshipName></Relationship></relationships></CreateRelationships>`)), 'ItemDoesNotExist');
      fault(await post(server, 'CreateDocument', envelope(d, `<CreateDocument xmlns="${W10}"><parentHandle><RelationshipName>/UserTiles</RelationshipName>${objectHandle}</parentHandle><document xsi:type="Photo"><Name>x</Name><DocumentStreams><DocumentStream xsi:type="PhotoStream"><DocumentStreamType>UserTileStatic</DocumentStreamType><MimeType>png</MimeType><Data>iVBORw0KGgo=</Data><DataSize>0</DataSize></DocumentStream></DocumentStreams></document><relationshipName>Messenger User Tile</relationshipName></CreateDocument>`)), 'NotSupported');
    } finally {
      await server.stop();
    }
  });
});

describe('storage service: hostile requests', () => {
  it('another user’s profile, by CID or resource id, is ItemDoesNotExist for reads and writes, and their profile is untouched', async () => {
    const server = await startTestServer();
    try {
      await server.accounts.add('vic@example.com', 'vic-pw', 'Vic');
      await server.accounts.add('eve@example.com', 'eve-pw', 'Eve');
      const v = await user(server, 'vic@example.com', 'vic-pw');
      const e = await user(server, 'eve@example.com', 'eve-pw');
      ok(await post(server, 'UpdateProfile', envelope(v, updateProfile(`${hexOf(v.cid)}!106`, 'Vic', 'secret plans'))));
      fault(await post(server, 'GetProfile', envelope(e, getProfile(v.cid))), 'ItemDoesNotExist');
      fault(await post(server, 'GetProfile', envelope(e, getProfile(hexOf(v.cid)))), 'ItemDoesNotExist');
      fault(await post(server, 'GetProfile', envelope(e, getProfile('99999999999'))), 'ItemDoesNotExist');
      fault(await post(server, 'UpdateProfile', envelope(e, updateProfile(`${hexOf(v.cid)}!106`, 'Pwned', 'pwned'))), 'ItemDoesNotExist');
      fault(await post(server, 'DeleteRelationships', envelope(e, `<DeleteRelationships xmlns="${W10}"><sourceHandle><ResourceID>${hexOf(v.cid)}!118</ResourceID></sourceHandle><targetHandles><ObjectHandle><ResourceID>${hexOf(v.cid)}!205</ResourceID></ObjectHandle></targetHandles></DeleteRelationships>`)), 'ItemDoesNotExist');
      fault(await post(server, 'ShareItem', envelope(e, `<ShareItem xmlns="http://www.msn.com/webservices/AddressBook"><resourceID>${hexOf(v.cid)}!118</resourceID></ShareItem>`)), 'ItemDoesNotExist');
      const still = ok(await post(server, 'GetProfile', envelope(v, getProfile(v.cid))));
      expect(textAt(still.body, 'GetProfileResult', 'ExpressionProfile', 'PersonalStatus')).toBe('secret plans');
      expect(textAt(still.body, 'GetProfileResult', 'ExpressionProfile', 'DisplayName')).toBe('Vic');
    } finally {
      await server.stop();
    }
  });

  it('no ticket, a ticket for another service, bad values, no handle, a mismatched or unknown action: a fault, never a crash', async () => {
    const server = await startTestServer();
    try {
      await server.accounts.add('bad@example.com', 'bad-pw', 'Bad');
      const b = await user(server, 'bad@example.com', 'bad-pw');
      const oimTicket = await user(server, 'bad@example.com', 'bad-pw', 'messengersecure.live.com');
      fault(await post(server, 'GetProfile', envelope({ ticket: 't=forged&p=' }, getProfile(b.cid))), 'FailedAuthentication');
      fault(await post(server, 'GetProfile', `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${getProfile(b.cid)}</soap:Body></soap:Envelope>`), 'FailedAuthentication');
      fault(await post(server, 'GetProfile', envelope(oimTicket, getProfile(b.cid))), 'FailedAuthentication');
      fault(await post(server, 'GetProfile', envelope(b, `<GetProfile xmlns="${W10}"/>`)), 'InvalidArgument');
      fault(await post(server, 'GetProfile', envelope(b, getProfile('-1; DROP TABLE'))), 'ItemDoesNotExist');
      fault(await post(server, 'GetProfile', envelope(b, getProfile('1'.repeat(400)))), 'ItemDoesNotExist');
      fault(await post(server, 'UpdateProfile', envelope(b, updateProfile(`${hexOf(b.cid)}!106`, 'n'.repeat(600), 'x'))), 'InvalidArgument');
      fault(await post(server, 'UpdateProfile', envelope(b, updateProfile(`${hexOf(b.cid)}!106`, 'ok', 'p'.repeat(513)))), 'InvalidArgument');
      fault(await post(server, 'UpdateProfile', envelope(b, updateProfile(`${hexOf(b.cid)}!106`, 'two\nlines', 'x'))), 'InvalidArgument');
      // The body names another action than the SOAPAction.
      fault(await post(server, 'UpdateProfile', envelope(b, getProfile(b.cid))), 'InvalidArgument');
      // Unknown action: the router's fault.
      const unknown = await post(server, 'DeleteEverything', envelope(b, `<DeleteEverything xmlns="${W10}"/>`));
      expect(unknown.status).toBe(500);
      expect(unknown.body).toContain('Unsupported action DeleteEverything');
      // Nothing was stored by the refused updates.
      const p = ok(await post(server, 'GetProfile', envelope(b, getProfile(b.cid))));
      expect(textAt(p.body, 'GetProfileResult', 'ExpressionProfile', 'DisplayName')).toBeUndefined();
      // The server is still up.
      expect((await server.accounts.list()).length).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
