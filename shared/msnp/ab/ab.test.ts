import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCodecError } from '../errors';
import { buildFault } from '../soap/envelope';
import { parseXml, textAt } from '../soap/xml';
import {
  abSoapAction,
  buildAbContactAdd,
  buildAbContactDelete,
  buildAbContactUpdate,
  buildAbFindAll,
  buildAbFindContactsPaged,
  buildAbGroupAdd,
  buildAbGroupContact,
  buildAbGroupDelete,
  buildAbGroupUpdate,
  buildFindMembership,
  buildMemberChange,
  type AbRequestContext,
} from './requests';
import {
  buildAbFindAllResponse,
  buildFindMembershipResponse,
  buildMutationResponse,
  parseAbFindAllResponse,
  parseAbFindContactsPagedResponse,
  parseFindMembershipResponse,
  parseMutationResponse,
} from './responses';

const ctx: AbRequestContext = { ticket: 't=EwCoAQ9PAAAUY29u&p=', scenario: 'Initial' };
const BOB = '0d8c4b8f-83b6-4b1d-9d0b-2b8c9c2a1e11';
const CAROL = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const FRIENDS = '5f6e4c8e-1d36-4d3a-9cc7-9fd8f8a5f2a1';

function body(xml: string) {
  const root = parseXml(xml);
  if (isCodecError(root)) throw new Error(root.message);
  return root;
}

describe('address book requests (MSNP13-18.md §6.2, §6.5)', () => {
  it('carry the headers with the ticket escaped, and the reference element names', () => {
    const xml = buildFindMembership(ctx);
    expect(abSoapAction('FindMembership')).toBe('http://www.msn.com/webservices/AddressBook/FindMembership');
    expect(xml).toContain(
      '<ABApplicationHeader xmlns="http://www.msn.com/webservices/AddressBook"><ApplicationId>F6D2794D-501F-443A-ADBE-8F1490FF30FD</ApplicationId><IsMigration>false</IsMigration><PartnerScenario>Initial</PartnerScenario></ABApplicationHeader>',
    );
    expect(xml).toContain('<ABAuthHeader xmlns="http://www.msn.com/webservices/AddressBook"><ManagedGroupRequest>false</ManagedGroupRequest><TicketToken>t=EwCoAQ9PAAAUY29u&amp;p=</TicketToken></ABAuthHeader>');
    expect(xml).toContain('<FindMembership xmlns="http://www.msn.com/webservices/AddressBook"><serviceFilter><Types><ServiceType>Messenger</ServiceType></Types></serviceFilter></FindMembership>');
    expect(textAt(body(xml), 'Header', 'ABAuthHeader', 'TicketToken')).toBe('t=EwCoAQ9PAAAUY29u&p=');

    expect(buildAbFindAll(ctx)).toContain('<ABFindAll xmlns="http://www.msn.com/webservices/AddressBook"><abId>00000000-0000-0000-0000-000000000000</abId><abView>Full</abView></ABFindAll>');
    expect(buildAbFindAll(ctx, '2009-06-01T17:00:00Z')).toContain('<deltasOnly>true</deltasOnly><lastChange>2009-06-01T17:00:00Z</lastChange>');
    expect(buildAbFindContactsPaged(ctx)).toContain('<abView>Full</abView><extendedContent>AB AllGroups CircleResult</extendedContent>');
    expect(buildAbContactAdd({ ...ctx, scenario: 'ContactSave' }, { passportName: 'dave@hotmail.com' })).toContain(
      '<contacts><Contact xmlns="http://www.msn.com/webservices/AddressBook"><contactInfo><passportName>dave@hotmail.com</passportName><isMessengerUser>true</isMessengerUser></contactInfo></Contact></contacts><options><EnableAllowListManagement>true</EnableAllowListManagement></options>',
    );
    expect(buildAbContactDelete({ ...ctx, scenario: 'Timer' }, [BOB])).toContain(`<contacts><Contact><contactId>${BOB}</contactId></Contact></contacts>`);
    expect(buildAbContactUpdate({ ...ctx, scenario: 'Timer' }, { contactId: '', me: true, displayName: 'Alice <&>', annotations: { 'MSN.IM.BLP': '1' } })).toContain(
      '<contactInfo><contactType>Me</contactType><displayName>Alice &lt;&amp;&gt;</displayName><annotations><Annotation><Name>MSN.IM.BLP</Name><Value>1</Value></Annotation></annotations></contactInfo><propertiesChanged>DisplayName Annotation</propertiesChanged>',
    );
    expect(buildAbGroupAdd({ ...ctx, scenario: 'GroupSave' }, 'Work')).toContain(
      '<groupAddOptions><fRenameOnMsgrConflict>false</fRenameOnMsgrConflict></groupAddOptions><groupInfo><GroupInfo><name>Work</name><groupType>C8529CE2-6EAD-434D-881F-341E17DB3FF8</groupType><fMessenger>false</fMessenger><annotations><Annotation><Name>MSN.IM.Display</Name><Value>1</Value></Annotation></annotations></GroupInfo></groupInfo>',
    );
    expect(buildAbGroupUpdate(ctx, FRIENDS, 'Pals')).toContain(`<groups><Group><groupId>${FRIENDS}</groupId><groupInfo><name>Pals</name></groupInfo><propertiesChanged>GroupName</propertiesChanged></Group></groups>`);
    expect(buildAbGroupDelete(ctx, [FRIENDS])).toContain(`<groupFilter><groupIds><guid>${FRIENDS}</guid></groupIds></groupFilter>`);
    expect(buildAbGroupContact(ctx, 'ABGroupContactAdd', FRIENDS, [CAROL])).toContain(
      `<ABGroupContactAdd xmlns="http://www.msn.com/webservices/AddressBook"><abId>00000000-0000-0000-0000-000000000000</abId><groupFilter><groupIds><guid>${FRIENDS}</guid></groupIds></groupFilter><contacts><Contact><contactId>${CAROL}</contactId></Contact></contacts>`,
    );
    const add = buildMemberChange({ ...ctx, scenario: 'BlockUnblock' }, 'AddMember', 'Block', [{ passportName: 'bob@hotmail.com' }]);
    expect(add).toContain(
      '<serviceHandle><Id>0</Id><Type>Messenger</Type><ForeignId></ForeignId></serviceHandle><memberships><Membership><MemberRole>Block</MemberRole><Members><Member xsi:type="PassportMember" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Type>Passport</Type><State>Accepted</State><PassportName>bob@hotmail.com</PassportName></Member></Members></Membership></memberships>',
    );
    expect(buildMemberChange(ctx, 'DeleteMember', 'Pending', [{ membershipId: '12' }])).toContain('<MembershipId>12</MembershipId>');
    // Every request is a document our own reader accepts.
    for (const x of [xml, add]) expect(isCodecError(parseXml(x))).toBe(false);
  });
});

// The §13.1 address book in the services' own layout (default namespace, whitespace, extra elements).
const FIND_MEMBERSHIP = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Header><ServiceHeader xmlns="http://www.msn.com/webservices/AddressBook"><Version>15.01.1408.0000</Version><CacheKey>12r1:abc</CacheKey><CacheKeyChanged>true</CacheKeyChanged><PreferredHostName>contacts.example</PreferredHostName></ServiceHeader></soap:Header>
  <soap:Body>
    <FindMembershipResponse xmlns="http://www.msn.com/webservices/AddressBook">
      <FindMembershipResult>
        <Services>
          <Service>
            <Memberships>
              <Membership>
                <MemberRole>Allow</MemberRole>
                <Members>
                  <Member xsi:type="PassportMember"><MembershipId>2</MembershipId><Type>Passport</Type><State>Accepted</State><Deleted>false</Deleted><LastChanged>2009-06-01T17:00:00Z</LastChanged><PassportName>bob@hotmail.com</PassportName><IsPassportNameHidden>false</IsPassportNameHidden><PassportId>0</PassportId><CID>-7029341112356110436</CID></Member>
                  <Member xsi:type="PassportMember"><MembershipId>3</MembershipId><Type>Passport</Type><State>Accepted</State><Deleted>false</Deleted><PassportName>carol@hotmail.com</PassportName></Member>
                  <Member xsi:type="PassportMember"><MembershipId>4</MembershipId><Type>Passport</Type><State>Accepted</State><Deleted>true</Deleted><PassportName>gone@hotmail.com</PassportName></Member>
                </Members>
                <MembershipIsComplete>true</MembershipIsComplete>
              </Membership>
              <Membership><MemberRole>Reverse</MemberRole><Members>
                  <Member xsi:type="PassportMember"><MembershipId>5</MembershipId><Type>Passport</Type><State>Accepted</State><PassportName>bob@hotmail.com</PassportName></Member>
                  <Member xsi:type="EmailMember"><MembershipId>6</MembershipId><Type>Email</Type><State>Accepted</State><Email>walter@yahoo.com</Email><Annotations><Annotation><Name>MSN.IM.BuddyType</Name><Value>32:</Value></Annotation></Annotations></Member>
              </Members></Membership>
              <Membership><MemberRole>Pending</MemberRole><Members/></Membership>
              <Membership><MemberRole>Block</MemberRole><Members></Members></Membership>
              <Membership><MemberRole>ProfileExpanded</MemberRole><Members><Member><Type>Passport</Type><PassportName>x@y.z</PassportName></Member></Members></Membership>
            </Memberships>
            <Info><Handle><Id>1</Id><Type>Messenger</Type><ForeignId/></Handle><InverseRequired>false</InverseRequired></Info>
            <LastChange>2009-06-01T17:00:00.000-07:00</LastChange>
          </Service>
          <Service><Memberships><Membership><MemberRole>Allow</MemberRole><Members><Member><Type>Passport</Type><PassportName>space@x.y</PassportName></Member></Members></Membership></Memberships><Info><Handle><Id>2</Id><Type>Space</Type></Handle></Info></Service>
        </Services>
        <OwnerNamespace><Info><CreatorPassportName>alice@hotmail.com</CreatorPassportName></Info></OwnerNamespace>
      </FindMembershipResult>
    </FindMembershipResponse>
  </soap:Body>
</soap:Envelope>`;

const AB_FIND_ALL = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ABFindAllResponse xmlns="http://www.msn.com/webservices/AddressBook"><ABFindAllResult>
  <groups><Group><groupId>${FRIENDS}</groupId><groupInfo><annotations><Annotation><Name>MSN.IM.Display</Name><Value>1</Value></Annotation></annotations><groupType>c8529ce2-6ead-434d-881f-341e17db3ff8</groupType><name>Friends</name><IsNotMobileVisible>false</IsNotMobileVisible><IsPrivate>false</IsPrivate><IsFavorite>false</IsFavorite></groupInfo><propertiesChanged/><fDeleted>false</fDeleted><lastChange>2009-06-01T17:00:00Z</lastChange></Group></groups>
  <contacts>
    <Contact><contactId>${BOB}</contactId><contactInfo><groupIds><guid>${FRIENDS}</guid></groupIds><contactType>Regular</contactType><quickName>Bob</quickName><passportName>bob@hotmail.com</passportName><IsPassportNameHidden>false</IsPassportNameHidden><displayName>Bob</displayName><puid>0</puid><CID>-7029341112356110436</CID><isMessengerUser>true</isMessengerUser></contactInfo><propertiesChanged/><fDeleted>false</fDeleted></Contact>
    <Contact><contactId>${CAROL}</contactId><contactInfo><annotations><Annotation><Name>AB.NickName</Name><Value>Caz &amp; co</Value></Annotation></annotations><contactType>Regular</contactType><passportName>carol@hotmail.com</passportName><displayName>Carol</displayName><isMessengerUser>true</isMessengerUser></contactInfo><fDeleted>false</fDeleted></Contact>
    <Contact><contactId>11111111-2222-3333-4444-555555555555</contactId><contactInfo><contactType>Regular</contactType><emails><ContactEmail><contactEmailType>Messenger2</contactEmailType><email>walter@yahoo.com</email><isMessengerEnabled>true</isMessengerEnabled><Capability>32</Capability></ContactEmail></emails><isMessengerUser>true</isMessengerUser></contactInfo></Contact>
    <Contact><contactId>99999999-2222-3333-4444-555555555555</contactId><contactInfo><contactType>Me</contactType><passportName>alice@hotmail.com</passportName><displayName>Alice</displayName><annotations><Annotation><Name>MSN.IM.BLP</Name><Value>1</Value></Annotation><Annotation><Name>MSN.IM.GTC</Name><Value>1</Value></Annotation></annotations><isMessengerUser>true</isMessengerUser></contactInfo></Contact>
    <Contact><contactInfo><passportName>no-id@hotmail.com</passportName></contactInfo></Contact>
  </contacts>
  <ab><abId>00000000-0000-0000-0000-000000000000</abId><abInfo><ownerEmail>alice@hotmail.com</ownerEmail></abInfo><lastChange>2009-06-01T17:00:00Z</lastChange></ab>
</ABFindAllResult></ABFindAllResponse></soap:Body></soap:Envelope>`;

const EXPECTED_ROLES = {
  Allow: [
    { address: 'bob@hotmail.com', type: 'Passport', membershipId: '2', cid: '-7029341112356110436' },
    { address: 'carol@hotmail.com', type: 'Passport', membershipId: '3' },
  ],
  Block: [],
  Reverse: [
    { address: 'bob@hotmail.com', type: 'Passport', membershipId: '5' },
    { address: 'walter@yahoo.com', type: 'Email', membershipId: '6' },
  ],
  Pending: [],
};

describe('address book responses (MSNP13-18.md §6.3, §6.4, §13.1)', () => {
  it('FindMembership: the four roles of the Messenger service; deleted members and other services left out', () => {
    expect(parseFindMembershipResponse(FIND_MEMBERSHIP)).toEqual({
      type: 'memberships',
      roles: EXPECTED_ROLES,
      lastChange: '2009-06-01T17:00:00.000-07:00',
      // The fixture's ServiceHeader (§6.1) has no SessionId: read as empty.
      serviceHeader: { version: '15.01.1408.0000', cacheKey: '12r1:abc', cacheKeyChanged: true, preferredHostName: 'contacts.example', sessionId: '' },
    });
  });

  it('ABFindAll: groups, contacts with their groups and annotations, e-mail contacts, the Me contact apart', () => {
    const ab = parseAbFindAllResponse(AB_FIND_ALL);
    if (isCodecError(ab) || ab.type !== 'addressBook') throw new Error('expected an address book');
    expect(ab.groups).toEqual([{ id: FRIENDS, name: 'Friends', isFavorite: false }]);
    expect(ab.contacts).toEqual([
      { id: BOB, type: 'Regular', address: 'bob@hotmail.com', displayName: 'Bob', isMessengerUser: true, groupIds: [FRIENDS], cid: '-7029341112356110436', annotations: {}, deleted: false },
      { id: CAROL, type: 'Regular', address: 'carol@hotmail.com', displayName: 'Carol', isMessengerUser: true, groupIds: [], annotations: { 'AB.NickName': 'Caz & co' }, deleted: false },
      { id: '11111111-2222-3333-4444-555555555555', type: 'Regular', address: 'walter@yahoo.com', isMessengerUser: true, groupIds: [], annotations: {}, deleted: false, viaEmail: true },
    ]);
    expect(ab.me).toMatchObject({ type: 'Me', address: 'alice@hotmail.com', displayName: 'Alice', annotations: { 'MSN.IM.BLP': '1', 'MSN.IM.GTC': '1' } });
    expect(ab.lastChange).toBe('2009-06-01T17:00:00Z');
  });

  it('ABFindContactsPaged: the same data under Groups/Contacts/Ab', () => {
    const paged = AB_FIND_ALL.replace(/ABFindAll(Response|Result)/g, 'ABFindContactsPaged$1')
      .replace(/<(\/?)groups>/g, '<$1Groups>')
      .replace(/<(\/?)contacts>/g, '<$1Contacts>')
      .replace(/<(\/?)ab>/g, '<$1Ab>');
    const a = parseAbFindAllResponse(AB_FIND_ALL);
    const b = parseAbFindContactsPagedResponse(paged);
    expect(b).toEqual(a);
  });

  it('server builders round-trip through the readers', () => {
    const roles = parseFindMembershipResponse(FIND_MEMBERSHIP);
    if (isCodecError(roles) || roles.type !== 'memberships') throw new Error('expected memberships');
    expect(parseFindMembershipResponse(buildFindMembershipResponse(roles))).toEqual(roles);
    const ab = parseAbFindAllResponse(AB_FIND_ALL);
    if (isCodecError(ab) || ab.type !== 'addressBook') throw new Error('expected an address book');
    expect(parseAbFindAllResponse(buildAbFindAllResponse({ ...ab, ownerEmail: 'alice@hotmail.com' }))).toEqual(ab);
    expect(parseMutationResponse(buildMutationResponse('ABContactAdd', BOB), 'ABContactAdd')).toEqual({ type: 'ok', guid: BOB });
    expect(parseMutationResponse(buildMutationResponse('DeleteMember'), 'DeleteMember')).toEqual({ type: 'ok' });
  });

  it('faults come back as values with the address book error code (§6.6)', () => {
    const fault = buildFault({ code: 'soap:Client', message: 'Address book does not exist', detail: { xml: '<errorcode xmlns="http://www.msn.com/webservices/AddressBook">ABDoesNotExist</errorcode>' } });
    expect(parseAbFindAllResponse(fault)).toMatchObject({ type: 'fault', code: 'soap:Client', errorCode: 'ABDoesNotExist' });
    expect(parseFindMembershipResponse(fault)).toMatchObject({ type: 'fault', errorCode: 'ABDoesNotExist' });
  });

  it('hostile answers are error values, never a throw', () => {
    const bad = [
      '',
      '<soap:Envelope',
      FIND_MEMBERSHIP.replace('</FindMembershipResult>', ''),
      '<Envelope><Body><FindMembershipResponse/></Body></Envelope>',
      '<Envelope><Body><ABFindAllResponse/></Body></Envelope>',
      '<!DOCTYPE x [<!ENTITY a "b"><!ENTITY c "&a;&a;&a;">]><Envelope><Body>&c;</Body></Envelope>',
      `<Envelope><Body><ABFindAllResponse><ABFindAllResult><contacts>${'<Contact><contactId>x</contactId></Contact>'.repeat(200_000)}</contacts></ABFindAllResult></ABFindAllResponse></Body></Envelope>`,
      AB_FIND_ALL.replace('Caz &amp; co', 'Caz &nbsp; co'),
    ];
    for (const x of bad) {
      expect(isCodecError(parseAbFindAllResponse(x))).toBe(true);
      expect(isCodecError(parseFindMembershipResponse(x))).toBe(true);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat({ max: AB_FIND_ALL.length }), (junk, at) => {
        const mangled = AB_FIND_ALL.slice(0, at) + junk + AB_FIND_ALL.slice(at);
        expect(typeof parseAbFindAllResponse(mangled)).toBe('object');
        expect(typeof parseFindMembershipResponse(mangled)).toBe('object');
      }),
      { numRuns: 100 },
    );
  });
});

describe('address book change NOT (MSNP13-18.md §6.8)', () => {
  it('reads the payload of the §3.2 shapes fixture and what the server builds', async () => {
    const { parseAbChangeNotice, buildAbChangeNotice } = await import('./notification');
    const payload =
      '<NOTIFICATION id="0" siteid="45705" siteurl="http://contacts.msn.com"><TO pid="0x1f2e3d4c:0x00014c30" name="alice@hotmail.com"><VIA agent="messenger"/></TO><MSG id="0"><SUBSCR url="s.htm"/><ACTION url="a.htm"/><BODY>&lt;NotificationData xmlns:xsd=&quot;http://www.w3.org/2001/XMLSchema&quot; xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot;&gt;&lt;Service&gt;ABCHInternal&lt;/Service&gt;&lt;CID&gt;-7029341112356110436&lt;/CID&gt;&lt;LastModifiedDate&gt;2009-06-01T17:20:00.000Z&lt;/LastModifiedDate&gt;&lt;HasNewItem&gt;false&lt;/HasNewItem&gt;&lt;/NotificationData&gt;</BODY></MSG></NOTIFICATION>';
    const notice = { type: 'abChange', service: 'ABCHInternal', cid: '-7029341112356110436', lastModified: '2009-06-01T17:20:00.000Z', hasNewItem: false, to: 'alice@hotmail.com' };
    expect(parseAbChangeNotice(payload)).toEqual(notice);
    const built = buildAbChangeNotice({ to: 'alice@hotmail.com', memberIdLow: 0x1f2e3d4c, memberIdHigh: 0x00014c30, cid: '-7029341112356110436', lastModified: '2009-06-01T17:20:00.000Z' });
    expect(built).toBe(payload.replace(/&quot;/g, '"'));
    expect(parseAbChangeNotice(built)).toEqual(notice);
    for (const bad of ['', '<NOTIFICATION/>', '<NOTIFICATION><MSG><BODY>&lt;!DOCTYPE x&gt;&lt;x/&gt;</BODY></MSG></NOTIFICATION>', '<NOTIFICATION><MSG><BODY>&lt;NotificationData/&gt;</BODY></MSG></NOTIFICATION>']) {
      expect(isCodecError(parseAbChangeNotice(bad))).toBe(true);
    }
  });
});

describe('the server reads every request the client builds (MSNP13-18.md §6.2–§6.5)', () => {
  it('one typed value per action, with the header context', async () => {
    const { parseAbRequest } = await import('./request-reader');
    const header = { ticket: 't=EwCoAQ9PAAAUY29u&p=', scenario: 'Initial', applicationId: 'F6D2794D-501F-443A-ADBE-8F1490FF30FD' };
    const cases: Array<[string, unknown]> = [
      [buildFindMembership(ctx), { header, action: 'FindMembership' }],
      [buildFindMembership(ctx, '2009-06-01T17:00:00Z'), { header, action: 'FindMembership', lastChange: '2009-06-01T17:00:00Z' }],
      [buildAbFindAll(ctx), { header, action: 'ABFindAll' }],
      [buildAbFindContactsPaged({ ...ctx, cacheKey: 'ck' }, '2009'), { header: { ...header, cacheKey: 'ck' }, action: 'ABFindContactsPaged', lastChange: '2009' }],
      [buildAbContactAdd(ctx, { passportName: 'dave@hotmail.com', displayName: 'Dave', pending: true }), { header, action: 'ABContactAdd', contacts: [{ passportName: 'dave@hotmail.com', displayName: 'Dave', pending: true, isMessengerUser: true }] }],
      [buildAbContactDelete(ctx, [BOB, CAROL]), { header, action: 'ABContactDelete', contactIds: [BOB, CAROL] }],
      [buildAbContactUpdate(ctx, { contactId: BOB, annotations: { 'AB.NickName': 'Bobby' } }), { header, action: 'ABContactUpdate', contacts: [{ contactId: BOB, annotations: { 'AB.NickName': 'Bobby' } }] }],
      [buildAbContactUpdate(ctx, { contactId: '', me: true, displayName: 'Alice' }), { header, action: 'ABContactUpdate', contacts: [{ contactId: '', me: true, displayName: 'Alice' }] }],
      [buildAbGroupAdd(ctx, 'Work & play'), { header, action: 'ABGroupAdd', name: 'Work & play' }],
      [buildAbGroupUpdate(ctx, FRIENDS, 'Pals'), { header, action: 'ABGroupUpdate', groups: [{ groupId: FRIENDS, name: 'Pals' }] }],
      [buildAbGroupDelete(ctx, [FRIENDS]), { header, action: 'ABGroupDelete', groupIds: [FRIENDS] }],
      [buildAbGroupContact(ctx, 'ABGroupContactDelete', FRIENDS, [BOB]), { header, action: 'ABGroupContactDelete', groupIds: [FRIENDS], contactIds: [BOB] }],
      [
        buildMemberChange(ctx, 'AddMember', 'Reverse', [{ passportName: 'bob@hotmail.com' }, { passportName: 'walter@yahoo.com', email: true }]),
        { header, action: 'AddMember', memberships: [{ role: 'Reverse', members: [{ passportName: 'bob@hotmail.com' }, { passportName: 'walter@yahoo.com', email: true }] }] },
      ],
      [buildMemberChange(ctx, 'DeleteMember', 'Pending', [{ membershipId: '12' }]), { header, action: 'DeleteMember', memberships: [{ role: 'Pending', members: [{ membershipId: '12' }] }] }],
    ];
    for (const [xml, expected] of cases) expect(parseAbRequest(xml)).toEqual(expected);
    // Refused: no ticket, unknown action, empty lists, unknown role.
    for (const bad of [
      buildFindMembership({ ...ctx, ticket: '' }),
      buildFindMembership(ctx).replace(/FindMembership/g, 'DropDatabase'),
      buildAbContactDelete(ctx, []),
      buildMemberChange(ctx, 'AddMember', 'Allow', []),
      buildMemberChange(ctx, 'AddMember', 'Allow', [{ passportName: 'a@b.c' }]).replace('<MemberRole>Allow', '<MemberRole>Owner'),
      buildAbGroupAdd(ctx, ''),
    ]) {
      expect(isCodecError(parseAbRequest(bad))).toBe(true);
    }
  });
});

describe('ServiceHeader (MSNP13-18.md §6.1)', () => {
  const header = { version: '15.01.1408.0000', cacheKey: '12r1:abc', cacheKeyChanged: true, preferredHostName: 'contacts.example', sessionId: 'a-session' };

  it('every answer the server builds carries it under soap:Header with the reference element names', () => {
    const answers = [
      buildFindMembershipResponse({ roles: { Allow: [], Block: [], Reverse: [], Pending: [] }, lastChange: '2026-01-01T00:00:00.000Z', serviceHeader: header }),
      buildAbFindAllResponse({ groups: [], contacts: [], lastChange: '2026-01-01T00:00:00.000Z', ownerEmail: 'a@b.c', serviceHeader: header }),
      buildMutationResponse('ABContactAdd', BOB, header),
    ];
    for (const xml of answers) {
      const root = body(xml);
      expect(textAt(root, 'Header', 'ServiceHeader', 'Version')).toBe('15.01.1408.0000');
      expect(textAt(root, 'Header', 'ServiceHeader', 'CacheKey')).toBe('12r1:abc');
      expect(textAt(root, 'Header', 'ServiceHeader', 'CacheKeyChanged')).toBe('true');
      expect(textAt(root, 'Header', 'ServiceHeader', 'PreferredHostName')).toBe('contacts.example');
      expect(textAt(root, 'Header', 'ServiceHeader', 'SessionId')).toBe('a-session');
      expect(xml).toContain('<ServiceHeader xmlns="http://www.msn.com/webservices/AddressBook">');
    }
  });

  it('the readers hand it back with the data; an answer without one has none', () => {
    const m = parseFindMembershipResponse(buildFindMembershipResponse({ roles: { Allow: [], Block: [], Reverse: [], Pending: [] }, serviceHeader: { ...header, cacheKeyChanged: false } }));
    expect(m).toMatchObject({ type: 'memberships', serviceHeader: { ...header, cacheKeyChanged: false } });
    const ab = parseAbFindAllResponse(buildAbFindAllResponse({ groups: [], contacts: [], ownerEmail: 'a@b.c', serviceHeader: header }));
    expect(ab).toMatchObject({ type: 'addressBook', serviceHeader: header });
    expect(parseMutationResponse(buildMutationResponse('ABGroupAdd', FRIENDS, header), 'ABGroupAdd')).toEqual({ type: 'ok', guid: FRIENDS, serviceHeader: header });
    expect(parseMutationResponse(buildMutationResponse('ABContactDelete'), 'ABContactDelete')).toEqual({ type: 'ok' });
  });
});
