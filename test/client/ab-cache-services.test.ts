/**
 * The address-book cache's fall-backs against scripted web services (test/client/helpers/
 * msnp13-services.ts): a delta request refused with `FullSyncRequired` (Escargot answers every one
 * so, MSNP13-18.md §6.4) or `ABDoesNotExist` (§6.6) is followed by the full read, whose answer
 * replaces the cached copy (never merged into it), and the refusal does not make the client give
 * up `ABFindContactsPaged`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { abCacheOf } from '../../electron/core/msn/ab/cache';
import { AddressBookService } from '../../electron/core/msn/ab/service';
import { readAddressBookFrom } from '../../electron/core/msn/ab/sync';
import { webServiceUrls } from '../../electron/core/msn/server-profile';
import { TokenService } from '../../electron/core/msn/sso/token-service';
import type { AbContact } from '../../shared/msnp';
import { FakeClock } from './helpers/fake-clock';
import { FakeServices } from './helpers/msnp13-services';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ME = 'alice@hotmail.com';
const contact = (id: string, address: string): AbContact => ({ id, type: 'Regular', address, displayName: address, isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
const none = { Allow: [], Block: [], Reverse: [], Pending: [] };

async function start(): Promise<{ services: FakeServices; ab: AddressBookService }> {
  const services = await FakeServices.start({ accounts: { [ME]: 'pw' }, lifetimeMs: 3600_000 });
  cleanups.push(() => services.stop());
  const clock = new FakeClock();
  const urls = webServiceUrls({ host: 'x', webServicesUrl: services.origin });
  const tokens = new TokenService({ url: urls.rst, handle: ME, password: 'pw', clock });
  cleanups.push(async () => tokens.stop());
  await tokens.signIn('MBI_KEY_OLD');
  // The service now holds Bob only; the cached copy (below) still has Carol.
  services.book.contacts.push(contact('cccccccc-0000-0000-0000-000000000001', 'bob@hotmail.com'));
  services.book.roles.Allow.push({ address: 'bob@hotmail.com', type: 'Passport' });
  return { services, ab: new AddressBookService({ urls, tokens, ownerEmail: ME, clock }) };
}

const cached = abCacheOf(
  { type: 'memberships', roles: { ...none, Allow: [{ address: 'carol@hotmail.com', type: 'Passport' }] }, lastChange: '2025-06-01T00:00:00Z' },
  { type: 'addressBook', groups: [], contacts: [contact('cccccccc-0000-0000-0000-000000000002', 'carol@hotmail.com')], lastChange: '2025-06-01T00:00:00Z' },
  undefined,
)!;

describe('address-book cache fall-backs (scripted services)', () => {
  it.each(['FullSyncRequired', 'ABDoesNotExist'])('a delta refused with %s: the full read replaces the cached copy', async (fault) => {
    const { services, ab } = await start();
    services.faultOnce.set('ABFindContactsPaged', fault);
    services.faultOnce.set('FindMembership', 'FullSyncRequired');
    const read = await readAddressBookFrom(ab, cached);
    expect(read).toMatchObject({ memberships: 'full', book: 'full', cacheChanged: true });
    expect([...read.snapshot.entries.keys()]).toEqual(['bob@hotmail.com']);
    expect(read.cache?.contacts.map((c) => c.address)).toEqual(['bob@hotmail.com']);
    const reads = services.requests.filter((r) => r.ab?.action === 'ABFindContactsPaged' || r.ab?.action === 'FindMembership');
    // Each service: the delta request, then the full one.
    for (const action of ['ABFindContactsPaged', 'FindMembership']) {
      expect(reads.filter((r) => r.ab?.action === action).map((r) => (r.ab !== undefined && 'lastChange' in r.ab ? r.ab.lastChange : undefined))).toEqual(['2025-06-01T00:00:00Z', undefined]);
    }
    // Refusing a delta is not refusing the paged call.
    expect(ab.readAction).toBe('ABFindContactsPaged');
  });
});
