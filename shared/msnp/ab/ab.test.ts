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
    { address: 'bob@hotmail.com', type: 'Passport', membershipId: '2', cid: '-7029341112356110436', lastChanged: '2009-06-01T17:00:00Z' },
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
  it('FindMembership: the four roles of the Messenger service, deleted members apart; other services left out', () => {
    expect(parseFindMembershipResponse(FIND_MEMBERSHIP)).toEqual({
      type: 'memberships',
      roles: EXPECTED_ROLES,
      deleted: { Allow: [{ address: 'gone@hotmail.com', type: 'Passport', membershipId: '4' }], Block: [], Reverse: [], Pending: [] },
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

/**
 * A full book in the shape of Escargot's templates (`tmpl/_funcs.xml` contact, group and Me entries,
 * `tmpl/sharing/FindMembershipResponse.xml` members; element names and order re-typed here, not
 * copied): tab-indented, one element per line, every per-contact element a real server sends,
 * at MSNP.md §8's forward-list size. Another server's big answers must read exactly as ours do.
 */
function escargotShapedBook(contacts: number, groups: readonly string[]): { book: string; memberships: string } {
  const t = (n: number) => '\n' + '\t'.repeat(n);
  const now = '2026-12-07T20:00:00Z';
  const guid = (i: number) => `00000000-0000-0000-0001-${i.toString(16).padStart(12, '0')}`;
  const header = `<soap:Header>${t(2)}<ServiceHeader xmlns="http://www.msn.com/webservices/AddressBook">${t(3)}<Version>15.01.1408.0000</Version>${t(3)}<CacheKey>12r1:x</CacheKey>${t(3)}<CacheKeyChanged>true</CacheKeyChanged>${t(3)}<PreferredHostName>contacts.example</PreferredHostName>${t(3)}<SessionId>s</SessionId>${t(2)}</ServiceHeader>${t(1)}</soap:Header>`;
  const envelope = (inner: string) => `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${t(1)}${header}${t(1)}<soap:Body>${inner}${t(1)}</soap:Body>\n</soap:Envelope>`;
  const lines = (depth: number, items: readonly string[]) => items.map((x) => t(depth) + x).join('');
  const group = (id: string, i: number) =>
    `<Group>${lines(6, [`<groupId>${id}</groupId>`, '<groupInfo>'])}${lines(7, ['<annotations>', '\t<Annotation>', '\t\t<Name>MSN.IM.Display</Name>', '\t\t<Value>1</Value>', '\t</Annotation>', '</annotations>', '<groupType>c8529ce2-6ead-434d-881f-341e17db3ff8</groupType>', `<name>Group &amp; ${i}</name>`, '<IsNotMobileVisible>false</IsNotMobileVisible>', '<IsPrivate>false</IsPrivate>', '<IsFavorite>false</IsFavorite>'])}${lines(6, ['</groupInfo>', '<propertiesChanged />', '<fDeleted>false</fDeleted>', `<lastChange>${now}</lastChange>`])}${t(5)}</Group>`;
  const info = (i: number, type: string, email: string, name: string, extra: readonly string[]) => [
    ...extra,
    `<contactType>${type}</contactType>`,
    `<quickName>${name}</quickName>`,
    `<passportName>${email}</passportName>`,
    '<IsPassportNameHidden>false</IsPassportNameHidden>',
    `<displayName>${name}</displayName>`,
    '<puid>0</puid>',
    ...(type === 'Regular' ? ['<groupIds>', `\t<guid>${groups[i % groups.length]}</guid>`, '</groupIds>'] : []),
    `<CID>${-1000 - i}</CID>`,
    '<IsNotMobileVisible>false</IsNotMobileVisible>',
    '<isMobileIMEnabled>false</isMobileIMEnabled>',
    `<isMessengerUser>${type === 'Regular'}</isMessengerUser>`,
    '<isFavorite>false</isFavorite>',
    '<isSmtp>false</isSmtp>',
    '<hasSpace>false</hasSpace>',
    '<spotWatchState>NoDevice</spotWatchState>',
    '<birthdate>0001-01-01T00:00:00</birthdate>',
    '<primaryEmailType>ContactEmailPersonal</primaryEmailType>',
    '<PrimaryLocation>ContactLocationPersonal</PrimaryLocation>',
    '<PrimaryPhone>ContactPhonePersonal</PrimaryPhone>',
    '<IsPrivate>false</IsPrivate>',
    '<Gender>Unspecified</Gender>',
    '<TimeZone>None</TimeZone>',
  ];
  const contact = (i: number, type: string, email: string, name: string, extra: readonly string[] = []) =>
    `<Contact>${lines(6, [`<contactId>${guid(i)}</contactId>`, '<contactInfo>'])}${lines(7, info(i, type, email, name, extra))}${lines(6, ['</contactInfo>', '<propertiesChanged />', '<fDeleted>false</fDeleted>', `<lastChange>${now}</lastChange>`])}${t(5)}</Contact>`;
  const me = contact(contacts, 'Me', 'alice@hotmail.com', 'Alice', ['<annotations>', '\t<Annotation>', '\t\t<Name>MSN.IM.MBEA</Name>', '\t\t<Value>0</Value>', '\t</Annotation>', '\t<Annotation>', '\t\t<Name>MSN.IM.GTC</Name>', '\t\t<Value>1</Value>', '\t</Annotation>', '\t<Annotation>', '\t\t<Name>MSN.IM.BLP</Name>', '\t\t<Value>2</Value>', '\t</Annotation>', '</annotations>']);
  const all = Array.from({ length: contacts }, (_, i) => contact(i, 'Regular', `contact${i}@hotmail.com`, `Contact &lt;${i}&gt;`));
  const abInfo = ['<ownerPuid>0</ownerPuid>', '<OwnerCID>-1</OwnerCID>', '<ownerEmail>alice@hotmail.com</ownerEmail>', '<fDefault>true</fDefault>', '<joinedNamespace>false</joinedNamespace>', '<IsBot>false</IsBot>', '<IsParentManaged>false</IsParentManaged>', '<SubscribeExternalPartner>false</SubscribeExternalPartner>', '<NotifyExternalPartner>false</NotifyExternalPartner>', '<AddressBookType>Individual</AddressBookType>'];
  const book = envelope(
    `${t(2)}<ABFindAllResponse xmlns="http://www.msn.com/webservices/AddressBook">${t(3)}<ABFindAllResult>${t(4)}<groups>${groups.map((g, i) => t(5) + group(g, i)).join('')}${t(4)}</groups>${t(4)}<contacts>${[...all, me].map((c) => t(5) + c).join('')}${t(4)}</contacts>${t(4)}<ab>${lines(5, ['<abId>00000000-0000-0000-0000-000000000000</abId>', '<abInfo>'])}${lines(6, abInfo)}${lines(5, ['</abInfo>', `<lastChange>${now}</lastChange>`, '<DynamicItemLastChanged>0001-01-01T00:00:00</DynamicItemLastChanged>', `<createDate>${now}</createDate>`, '<propertiesChanged />'])}${t(4)}</ab>${t(3)}</ABFindAllResult>${t(2)}</ABFindAllResponse>`,
  );
  const member = (role: string, i: number) =>
    `<Member xsi:type="PassportMember">${lines(10, [`<MembershipId>${role}/${guid(i)}</MembershipId>`, '<Type>Passport</Type>', '<State>Accepted</State>', '<Deleted>false</Deleted>', `<LastChanged>${now}</LastChanged>`, `<JoinedDate>${now}</JoinedDate>`, '<ExpirationDate>0001-01-01T00:00:00</ExpirationDate>', '<Changes />', `<PassportName>contact${i}@hotmail.com</PassportName>`, '<IsPassportNameHidden>false</IsPassportNameHidden>', '<PassportId>0</PassportId>', `<CID>${-1000 - i}</CID>`, '<PassportChanges />', '<LookedupByCID>false</LookedupByCID>'])}${t(9)}</Member>`;
  const membership = (role: string, ids: readonly number[]) => `<Membership>${t(8)}<MemberRole>${role}</MemberRole>${t(8)}<Members>${ids.map((i) => t(9) + member(role, i)).join('')}${t(8)}</Members>${t(8)}<MembershipIsComplete>true</MembershipIsComplete>${t(7)}</Membership>`;
  const allowed = Array.from({ length: contacts + 402 }, (_, i) => i);
  const reverse = allowed.filter((i) => i % 2 === 0);
  const memberships = envelope(
    `${t(2)}<FindMembershipResponse xmlns="http://www.msn.com/webservices/AddressBook">${t(3)}<FindMembershipResult>${t(4)}<Services>${t(5)}<Service>${t(6)}<Memberships>${[membership('Allow', allowed), membership('Block', []), membership('Reverse', reverse), membership('Pending', [1])].map((m) => t(7) + m).join('')}${t(6)}</Memberships>${t(6)}<Info>${lines(7, ['<Handle>', '\t<Id>1</Id>', '\t<Type>Messenger</Type>', '\t<ForeignId />', '</Handle>', '<InverseRequired>false</InverseRequired>', '<AuthorizationCriteria>Everyone</AuthorizationCriteria>', '<IsBot>false</IsBot>'])}${t(6)}</Info>${t(6)}<Changes />${t(6)}<LastChange>${now}</LastChange>${t(6)}<Deleted>false</Deleted>${t(5)}</Service>${t(4)}</Services>${t(3)}</FindMembershipResult>${t(2)}</FindMembershipResponse>`,
  );
  return { book, memberships };
}

describe('a full book in another server\'s layout (600 contacts, MSNP.md §8)', () => {
  it('every contact, group, member and the Me contact read as they were written', () => {
    const groups = ['5f6e4c8e-1d36-4d3a-9cc7-000000000001', '5f6e4c8e-1d36-4d3a-9cc7-000000000002', '5f6e4c8e-1d36-4d3a-9cc7-000000000003'];
    const { book, memberships } = escargotShapedBook(600, groups);
    expect(book.length).toBeGreaterThan(700_000); // larger than ours (585 KB): indentation and every default element
    const ab = parseAbFindAllResponse(book);
    if (isCodecError(ab) || ab.type !== 'addressBook') throw new Error(`expected an address book: ${JSON.stringify(ab).slice(0, 200)}`);
    expect(ab.groups).toEqual(groups.map((id, i) => ({ id, name: `Group & ${i}`, isFavorite: false })));
    expect(ab.contacts).toHaveLength(600);
    ab.contacts.forEach((c, i) => {
      expect(c).toEqual({ id: `00000000-0000-0000-0001-${i.toString(16).padStart(12, '0')}`, type: 'Regular', address: `contact${i}@hotmail.com`, displayName: `Contact <${i}>`, isMessengerUser: true, groupIds: [groups[i % 3]], cid: String(-1000 - i), annotations: {}, deleted: false });
    });
    expect(ab.me).toMatchObject({ type: 'Me', address: 'alice@hotmail.com', displayName: 'Alice', annotations: { 'MSN.IM.MBEA': '0', 'MSN.IM.GTC': '1', 'MSN.IM.BLP': '2' } });
    expect(ab.lastChange).toBe('2026-12-07T20:00:00Z');
    expect(ab.serviceHeader).toMatchObject({ cacheKey: '12r1:x', cacheKeyChanged: true });
    const m = parseFindMembershipResponse(memberships);
    if (isCodecError(m) || m.type !== 'memberships') throw new Error('expected memberships');
    expect(m.roles.Allow).toHaveLength(1002);
    // The member's LastChanged is read too (what a delta applies by, MSNP13-18.md §6.3).
    expect(m.roles.Allow[1001]).toEqual({ address: 'contact1001@hotmail.com', type: 'Passport', membershipId: 'Allow/00000000-0000-0000-0001-0000000003e9', cid: '-2001', lastChanged: '2026-12-07T20:00:00Z' });
    expect(m.roles.Reverse.map((x) => x.address)).toEqual(Array.from({ length: 501 }, (_, i) => `contact${i * 2}@hotmail.com`));
    expect(m.roles.Pending.map((x) => x.address)).toEqual(['contact1@hotmail.com']);
    expect(m.roles.Block).toEqual([]);
    expect(m.lastChange).toBe('2026-12-07T20:00:00Z');
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
