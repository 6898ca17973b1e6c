/**
 * MSNP13+ tickets over a long session (MSNP13-18.md §4.4): the token service renews the whole set
 * before the earliest token expires (a fake clock drives it), keeps the old set when a renewal
 * fails and tries again, and the address book renews once when the service calls its ticket
 * expired (`BadContextToken`, §6.6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AddressBookService } from '../../electron/core/msn/ab/service';
import { webServiceUrls } from '../../electron/core/msn/server-profile';
import { DOMAIN, TokenService } from '../../electron/core/msn/sso/token-service';
import { FakeClock } from './helpers/fake-clock';
import { FakeServices } from './helpers/msnp13-services';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ME = 'alice@hotmail.com';
const HOUR = 3600_000;

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function start(lifetimeMs: number): Promise<{ services: FakeServices; clock: FakeClock; tokens: TokenService }> {
  const services = await FakeServices.start({ accounts: { [ME]: 'pw' }, lifetimeMs });
  cleanups.push(() => services.stop());
  const clock = new FakeClock();
  const tokens = new TokenService({ url: webServiceUrls({ host: 'x', webServicesUrl: services.origin }).rst, handle: ME, password: 'pw', clock });
  cleanups.push(async () => tokens.stop());
  return { services, clock, tokens };
}

describe('token renewal (fake clock)', () => {
  it('renews every domain before the earliest expiry, and the new tickets are the ones used', async () => {
    const { services, clock, tokens } = await start(HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    expect(tokens.requestCount).toBe(1);
    expect(tokens.token(DOMAIN.contacts)?.token).toBe(services.ticket('contacts.msn.com', 1));
    // A tenth of the lifetime but at least 5 minutes ahead: at 54 minutes.
    expect(tokens.nextRenewalAt).toBe(clock.now() + 54 * 60_000);
    clock.advance(53 * 60_000);
    expect(tokens.requestCount).toBe(1);
    clock.advance(60_000);
    expect(tokens.requestCount).toBe(2);
    await until(() => tokens.token(DOMAIN.contacts)?.token === services.ticket('contacts.msn.com', 2), 'the renewed ticket');
    expect(await tokens.valid(DOMAIN.contacts)).toBe(services.ticket('contacts.msn.com', 2));
    // And again an hour later: a session of any length keeps valid tickets.
    expect(tokens.nextRenewalAt).toBe(clock.now() + 54 * 60_000);
    clock.advance(54 * 60_000);
    expect(tokens.requestCount).toBe(3);
    await until(() => tokens.token(DOMAIN.contacts)?.token === services.ticket('contacts.msn.com', 3), 'the third ticket');
  });

  it('a failed renewal keeps the old tickets and is retried a minute later', async () => {
    const { services, clock, tokens } = await start(HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    services.accounts[ME] = 'changed elsewhere';
    clock.advance(54 * 60_000);
    await until(() => services.rstRequests.length === 2, 'the renewal attempt');
    await new Promise((r) => setTimeout(r, 20));
    expect(tokens.token(DOMAIN.contacts)?.token).toBe(services.ticket('contacts.msn.com', 1));
    services.accounts[ME] = 'pw';
    clock.advance(60_000);
    await until(() => tokens.token(DOMAIN.contacts)?.token === services.ticket('contacts.msn.com', 2), 'the retried renewal');
  });

  it('an expired ticket at the address book (BadContextToken) renews once and repeats the call', async () => {
    const { services, clock, tokens } = await start(24 * HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    const ab = new AddressBookService({ urls: webServiceUrls({ host: 'x', webServicesUrl: services.origin }), tokens, ownerEmail: ME, clock });
    services.book.roles.Allow.push({ address: 'bob@hotmail.com', type: 'Passport' });
    services.faultOnce.set('FindMembership', 'BadContextToken');
    const m = await ab.findMembership();
    expect(m.roles.Allow.map((x) => x.address)).toEqual(['bob@hotmail.com']);
    const calls = services.actions('FindMembership');
    expect(calls.map((c) => c.header.ticket)).toEqual([services.ticket('contacts.msn.com', 1), services.ticket('contacts.msn.com', 2)]);
    expect(tokens.requestCount).toBe(2);
  });

  it('no address book yet (ABDoesNotExist): ABAdd, then ABFindContactsPaged again (not taken for "unsupported")', async () => {
    const { services, clock, tokens } = await start(24 * HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    const ab = new AddressBookService({ urls: webServiceUrls({ host: 'x', webServicesUrl: services.origin }), tokens, ownerEmail: ME, clock });
    services.faultOnce.set('ABFindContactsPaged', 'ABDoesNotExist');
    const book = await ab.findAll();
    expect(book.contacts).toEqual([]);
    expect(services.requests.filter((r) => r.ab !== undefined).map((r) => r.ab?.action)).toEqual(['ABFindContactsPaged', 'ABAdd', 'ABFindContactsPaged']);
    expect(services.actions('ABAdd')[0]).toMatchObject({ ownerEmail: ME });
    expect(ab.readAction).toBe('ABFindContactsPaged');
  });

  it.each(['escargot', 'http'] as const)('an address book without ABFindContactsPaged (%s refusal): ABFindAll, and only ABFindAll for the rest of the session', async (how) => {
    const { services, clock, tokens } = await start(24 * HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    const ab = new AddressBookService({ urls: webServiceUrls({ host: 'x', webServicesUrl: services.origin }), tokens, ownerEmail: ME, clock });
    services.unsupported.set('ABFindContactsPaged', how);
    services.book.contacts.push({ id: 'cccccccc-0000-0000-0000-000000000001', type: 'Regular', address: 'bob@hotmail.com', displayName: 'Bob', isMessengerUser: true, groupIds: [], annotations: {}, deleted: false });
    expect((await ab.findAll()).contacts.map((c) => c.address)).toEqual(['bob@hotmail.com']);
    expect((await ab.findAll()).contacts.map((c) => c.address)).toEqual(['bob@hotmail.com']);
    expect(services.requests.filter((r) => r.ab !== undefined).map((r) => r.ab?.action)).toEqual(['ABFindContactsPaged', 'ABFindAll', 'ABFindAll']);
    expect(ab.readAction).toBe('ABFindAll');
    // No ticket renewal for a refusal: it was the call, not the ticket.
    expect(tokens.requestCount).toBe(1);
  });

  it('the ServiceHeader CacheKey is kept when the service says it changed and echoed in every later request (MSNP13-18.md §6.1)', async () => {
    const { services, clock, tokens } = await start(24 * HOUR);
    await tokens.signIn('MBI_KEY_OLD');
    const ab = new AddressBookService({ urls: webServiceUrls({ host: 'x', webServicesUrl: services.origin }), tokens, ownerEmail: ME, clock });
    services.cacheKey = '12r1:first';
    await ab.findMembership();
    await ab.findAll();
    services.cacheKey = '12r1:second';
    await ab.findAll();
    await ab.findMembership();
    const keys = services.requests.filter((r) => r.ab !== undefined).map((r) => r.ab?.header.cacheKey);
    expect(keys).toEqual([undefined, '12r1:first', '12r1:first', '12r1:second']);
  });
});
