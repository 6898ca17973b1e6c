/**
 * The address book's and sharing service's `ServiceHeader` (MSNP13-18.md §6.1) over real HTTP:
 * every answer carries `Version`, `CacheKey`, `CacheKeyChanged`, `PreferredHostName` and
 * `SessionId`; the key is stable per account, `CacheKeyChanged` turns false once a client echoes
 * it, and the preferred host is the one the client addressed.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abSoapAction,
  AB_SERVICE_PATH,
  buildAbContactAdd,
  buildAbContactDelete,
  buildAbFindAll,
  buildAbFindContactsPaged,
  buildAbGroupAdd,
  buildFindMembership,
  buildMemberChange,
  isCodecError,
  parseMutationResponse,
  readAbServiceHeader,
  SHARING_SERVICE_PATH,
  tokenFor,
  type AbAction,
  type AbRequestContext,
  type RstResponse,
  type SharingAction,
} from '../../shared/msnp/index';
import { parseEnvelope } from '../../shared/msnp/soap/envelope';
import type { RunningServer } from '../../server/index';
import { startTestServer } from './helpers/msnp';
import { requestTokens } from './helpers/msnp13';

let server: RunningServer;
let ticket: string;
let otherTicket: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.accounts.add('head@example.com', 'pw-head', 'Head');
  await server.accounts.add('other@example.com', 'pw-other', 'Other');
  await server.accounts.add('friend@example.com', 'pw-friend', 'Friend');
  ticket = tokenFor((await requestTokens(server, 'head@example.com', 'pw-head', 'MBI_KEY_OLD')) as RstResponse, 'contacts.msn.com')?.token as string;
  otherTicket = tokenFor((await requestTokens(server, 'other@example.com', 'pw-other', 'MBI_KEY_OLD')) as RstResponse, 'contacts.msn.com')?.token as string;
});
afterAll(() => server.stop());

/** node:http rather than fetch, which will not send a Host header of our choosing. */
function call(action: AbAction | SharingAction, xml: string, host?: string): Promise<{ status: number; body: string }> {
  const sharing = action === 'FindMembership' || action === 'AddMember' || action === 'DeleteMember';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.httpPort,
        method: 'POST',
        path: sharing ? SHARING_SERVICE_PATH : AB_SERVICE_PATH,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: abSoapAction(action), 'Content-Length': Buffer.byteLength(xml), ...(host !== undefined ? { Host: host } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}

function headerOf(xml: string) {
  const env = parseEnvelope(xml);
  if (isCodecError(env) || env.type !== 'message') throw new Error(`not a message: ${xml.slice(0, 300)}`);
  return readAbServiceHeader(env.header);
}

describe('ServiceHeader on every address-book and sharing answer (MSNP13-18.md §6.1)', () => {
  it('reads and mutations alike carry Version, CacheKey, CacheKeyChanged, PreferredHostName and SessionId', async () => {
    const c: AbRequestContext = { ticket, scenario: 'Initial' };
    const added = await call('ABContactAdd', buildAbContactAdd({ ...c, scenario: 'ContactSave' }, { passportName: 'friend@example.com' }));
    expect(added.status).toBe(200);
    const guid = (parseMutationResponse(added.body, 'ABContactAdd') as { guid: string }).guid;
    const answers = [
      added,
      await call('FindMembership', buildFindMembership(c)),
      await call('ABFindAll', buildAbFindAll(c)),
      await call('ABFindContactsPaged', buildAbFindContactsPaged(c)),
      await call('ABGroupAdd', buildAbGroupAdd({ ...c, scenario: 'GroupSave' }, 'Header group')),
      await call('AddMember', buildMemberChange({ ...c, scenario: 'BlockUnblock' }, 'AddMember', 'Block', [{ passportName: 'other@example.com' }])),
      await call('DeleteMember', buildMemberChange({ ...c, scenario: 'BlockUnblock' }, 'DeleteMember', 'Block', [{ passportName: 'other@example.com' }])),
      await call('ABContactDelete', buildAbContactDelete({ ...c, scenario: 'Timer' }, [guid])),
    ];
    const sessions = new Set<string>();
    for (const a of answers) {
      expect(a.status).toBe(200);
      const h = headerOf(a.body);
      expect(h?.version).toBe('15.01.1408.0000');
      expect(h?.cacheKey).toMatch(/^12r1:[A-Za-z0-9_-]{20,}$/);
      expect(h?.cacheKeyChanged).toBe(true);
      expect(h?.preferredHostName).toBe('127.0.0.1');
      expect(h?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      sessions.add(h?.sessionId ?? '');
    }
    // One key per account for every answer; a new session id per answer.
    expect(new Set(answers.map((a) => headerOf(a.body)?.cacheKey)).size).toBe(1);
    expect(sessions.size).toBe(answers.length);
  });

  it('CacheKeyChanged is false once the client echoes the key; another account has another key', async () => {
    const first = headerOf((await call('ABFindAll', buildAbFindAll({ ticket, scenario: 'Initial' }))).body);
    const echoed = headerOf((await call('ABFindAll', buildAbFindAll({ ticket, scenario: 'Initial', cacheKey: first?.cacheKey as string }))).body);
    expect(echoed?.cacheKey).toBe(first?.cacheKey);
    expect(echoed?.cacheKeyChanged).toBe(false);
    const stale = headerOf((await call('FindMembership', buildFindMembership({ ticket, scenario: 'Initial', cacheKey: '12r1:stale' }))).body);
    expect(stale?.cacheKeyChanged).toBe(true);
    const other = headerOf((await call('ABFindAll', buildAbFindAll({ ticket: otherTicket, scenario: 'Initial' }))).body);
    expect(other?.cacheKey).not.toBe(first?.cacheKey);
  });

  it('PreferredHostName is the host the client addressed (WLM switches to it), never a hostile Host header', async () => {
    const named = headerOf((await call('ABFindAll', buildAbFindAll({ ticket, scenario: 'Initial' }), 'byrdr.omega.contacts.msn.com:443')).body);
    expect(named?.preferredHostName).toBe('byrdr.omega.contacts.msn.com');
    const hostile = headerOf((await call('ABFindAll', buildAbFindAll({ ticket, scenario: 'Initial' }), 'evil<x>"host')).body);
    expect(hostile?.preferredHostName).toBe('127.0.0.1');
  });

  it('faults carry no ServiceHeader (as the reference services answer them)', async () => {
    const r = await call('ABContactDelete', buildAbContactDelete({ ticket, scenario: 'Timer' }, ['00000000-1111-2222-3333-444444444444']));
    expect(r.status).toBe(500);
    expect(r.body).toContain('ContactDoesNotExist');
    expect(r.body).not.toContain('ServiceHeader');
  });
});
