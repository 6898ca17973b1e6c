/**
 * The cluster's correctness gaps (issue 13), each against a real PostgreSQL and a Redis of this
 * file's own, two nodes in one process over real TCP and HTTP, each node with a PostgreSQL pool
 * of its own (as separate processes have):
 *
 * - a user's own address-book edits sent to another node's `/abservice` act on the node holding
 *   the user's NS session, as on one node (privacy, the roaming name, the contact's reverse list);
 * - a Passport ticket or a token-service ticket is single-use across the cluster, as in one process;
 * - a reverse-list change for a contact signed in on another node is one write, by that node;
 * - while PostgreSQL is unreachable, SOAP and the Nexus answer with a clear error, never a hang;
 * - two sign-ins of one account at once on two nodes end with exactly one session.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  buildAbContactAdd,
  buildAbContactUpdate,
  buildAbFindAll,
  buildFindMembership,
  buildMemberChange,
  buildRstRequest,
  isCodecError,
  messengerTokenRequests,
  parseAbChangeNotice,
  parseAbFindAllResponse,
  parseEnvelope,
  parseMl,
  parseMutationResponse,
  readAbServiceHeader,
  tokenFor,
  type AddressBook,
  type RstResponse,
} from '../../shared/msnp/index';
import { startServer, type RunningServer } from '../../server/index';
import { openPostgresStore } from '../../server/store/postgres-store';
import type { Store, UserRecord } from '../../server/store/store';
import { tcpProxy } from '../helpers/tcp-proxy';
import { describeWithServices, freshDatabase, spawnRedis, type SpawnedRedis, type TestDatabase } from '../helpers/services';
import { abCall, abContext, ml, requestTokens, signIn13, type SignedIn13 } from './helpers/msnp13';
import { addToForward, befriend, passportTicket, RawClient, setState, signIn, syncAll, text, type SignedIn } from './helpers/msnp';

const SECRET = randomBytes(32);
const W10 = 'http://www.msn.com/webservices/storage/w10';
const xmlText = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A store that counts the writes of each account (`applyAccountChanges`), by handle. */
function counting(store: Store): { store: Store; writes: Map<string, number> } {
  const writes = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'applyAccountChanges' && typeof value === 'function') {
        return (user: UserRecord, ...rest: unknown[]) => {
          writes.set(user.handle, (writes.get(user.handle) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).call(target, user, ...rest);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, writes };
}

describeWithServices(['postgres', 'redis'], 'cluster correctness on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let redis: SpawnedRedis;
  beforeAll(async () => {
    db = await freshDatabase();
    redis = await spawnRedis();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
    await db?.drop();
  });

  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  let n = 0;
  interface Node {
    readonly server: RunningServer;
    readonly writes: Map<string, number>;
  }

  async function node(nodeId: string, keyPrefix: string, url = db.url): Promise<Node> {
    const opened = await openPostgresStore({ url });
    cleanups.push(() => opened.close());
    const { store, writes } = counting(opened);
    const server = await startServer({
      nsPort: 0,
      sbPort: 0,
      httpPort: 0,
      store,
      maxDialect: 15,
      sendChallenges: false,
      cluster: { nodeId, secret: SECRET, redisUrl: redis.url, keyPrefix, ttlMs: 3000 },
    });
    cleanups.push(() => server.stop());
    return { server, writes };
  }

  async function twoNodes(): Promise<[Node, Node]> {
    const prefix = `t${++n}:`;
    return [await node('a', prefix), await node('b', prefix)];
  }

  async function accounts(server: RunningServer, ...names: string[]): Promise<string[]> {
    const id = ++n;
    const handles = names.map((x) => `${x}${id}@example.com`);
    for (const h of handles) await server.accounts.add(h, 'pw', h.split(/\d/)[0]);
    return handles;
  }

  async function online(server: RunningServer, handle: string): Promise<SignedIn> {
    const s = await signIn(server, 12, handle, 'pw');
    await syncAll(s);
    await setState(s, 'NLN');
    return s;
  }

  async function online15(server: RunningServer, handle: string): Promise<SignedIn13> {
    const s = await signIn13(server, 15, handle, 'pw');
    expect((await ml(s, 'ADL', '<ml l="1"></ml>')).params).toEqual(['OK']);
    await setState(s as unknown as SignedIn, 'NLN', 0x8004c02c);
    return s;
  }

  async function mutate(at: RunningServer, action: Parameters<typeof abCall>[1], xml: string): Promise<string | undefined> {
    const r = await abCall(at, action, xml);
    expect(r.status, r.body).toBe(200);
    const m = parseMutationResponse(r.body, action);
    expect(m).toMatchObject({ type: 'ok' });
    return (m as { guid?: string }).guid;
  }

  async function findAll(at: RunningServer, s: SignedIn13): Promise<AddressBook> {
    const r = await abCall(at, 'ABFindAll', buildAbFindAll(abContext(s)));
    expect(r.status).toBe(200);
    return parseAbFindAllResponse(r.body) as AddressBook;
  }

  function ml1(handle: string, lists: number): string {
    const [local, domain] = handle.split('@');
    return `<ml><d n="${domain}"><c n="${local}" l="${lists}" t="1" /></d></ml>`;
  }

  it("a user's own address-book edits at another node's /abservice act on the node holding its NS session", async () => {
    const [a, b] = await twoNodes();
    const [alice, bob, carol] = (await accounts(a.server, 'alice', 'bob', 'carol')) as [string, string, string];
    await befriend(a.server, alice, bob);
    // Alice (WLM 8.5) on node a; Bob watching her from node b; Carol (WLM 8.5) on node b.
    const al = await online15(a.server, alice);
    const bo = await online(b.server, bob);
    const ca = await online15(b.server, carol);

    // Her client talks to the address book on node b (another host behind the same name).
    // A new name through the Me contact: her watchers see it, as on one node.
    await mutate(b.server, 'ABContactUpdate', buildAbContactUpdate(abContext(al, 'Timer'), { contactId: '', me: true, displayName: 'Alice A' }));
    await bo.client.expect('NLN', (c) => c.params[1] === alice && c.params[2] === 'Alice%20A', 5000);

    // She adds Carol: one entry (the GUID the address book answered is the one her node keeps),
    // Carol's node tells Carol (ADL RL + NOT), and Alice's later ADL finds Carol already there.
    const guid = await mutate(b.server, 'ABContactAdd', buildAbContactAdd(abContext(al, 'ContactSave'), { passportName: carol }));
    const push = await ca.client.expect('ADL', (c) => c.trId === 0, 5000);
    expect(parseMl(text(push.payload), 'server')).toMatchObject({ contacts: [{ handle: alice, lists: 8 }] });
    expect(parseAbChangeNotice(text((await ca.client.expect('NOT', () => true, 5000)).payload))).toMatchObject({ service: 'ABCHInternal', to: carol });
    expect((await ml(al, 'ADL', ml1(carol, 3))).params).toEqual(['OK']);
    for (const at of [a.server, b.server]) {
      const book = await findAll(at, al);
      expect(book.contacts.filter((c) => c.address === carol).map((c) => c.id)).toEqual([guid]);
    }

    // Her roaming profile (the storage service's UpdateProfile) written at node b is what node a,
    // which holds her account, then reads.
    const cid = (await findAll(a.server, al)).me?.cid as string;
    const resource = `${BigInt(cid).toString(16).padStart(16, '0')}!106`;
    const storage = async (at: RunningServer, action: string, body: string): Promise<string> => {
      const r = await fetch(`http://127.0.0.1:${at.httpPort}/storageservice/SchematizedStore.asmx`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `${W10}/${action}` },
        body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><StorageUserHeader xmlns="${W10}"><Puid>0</Puid><TicketToken>${xmlText(tokenFor(al.tokens, 'storage.live.com')?.token as string)}</TicketToken></StorageUserHeader></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
      });
      const text = await r.text();
      expect(r.status, text).toBe(200);
      return text;
    };
    await storage(b.server, 'UpdateProfile', `<UpdateProfile xmlns="${W10}"><profile><ResourceID>${resource}</ResourceID><ExpressionProfile><FreeText>Update</FreeText><DisplayName>Roaming Alice</DisplayName><PersonalStatus>on node b</PersonalStatus></ExpressionProfile></profile></UpdateProfile>`);
    const profile = await storage(
      a.server,
      'GetProfile',
      `<GetProfile xmlns="${W10}"><profileHandle><Alias><Name>${cid}</Name><NameSpace>MyCidStuff</NameSpace></Alias><RelationshipName>MyProfile</RelationshipName></profileHandle><profileAttributes><ResourceID>true</ResourceID><ExpressionProfileAttributes><DisplayName>true</DisplayName><PersonalStatus>true</PersonalStatus></ExpressionProfileAttributes></profileAttributes></GetProfile>`,
    );
    expect(profile).toContain('<DisplayName>Roaming Alice</DisplayName>');
    expect(profile).toContain('<PersonalStatus>on node b</PersonalStatus>');

    // She blocks Bob there: Bob sees her go offline at once, and her next change stays hidden from him.
    await mutate(b.server, 'AddMember', buildMemberChange(abContext(al, 'BlockUnblock'), 'AddMember', 'Block', [{ passportName: bob }]));
    await bo.client.expect('FLN', (c) => c.params[0] === alice, 5000);
    al.client.send('CHG', ['BSY', '0']);
    await bo.client.expectNone('NLN', (c) => c.params[1] === alice, 500);
    // The owner's own edits send her no NOT: MSNP ≤ 15 has one session per account (server/README.md).
    await al.client.expectNone('NOT', () => true, 200);
  }, 60_000);

  it("the address book's CacheKey is the same at every node, so a client moving between nodes keeps its cache", async () => {
    const [a, b] = await twoNodes();
    const [me] = await accounts(a.server, 'keys');
    const s = await online15(a.server, me as string);
    const keyAt = async (at: RunningServer, cacheKey?: string) => {
      const r = await abCall(at, 'ABFindAll', buildAbFindAll({ ...abContext(s), ...(cacheKey !== undefined ? { cacheKey } : {}) }));
      expect(r.status, r.body).toBe(200);
      const env = parseEnvelope(r.body);
      if (isCodecError(env) || env.type !== 'message') throw new Error(r.body.slice(0, 300));
      return readAbServiceHeader(env.header);
    };
    const first = await keyAt(a.server);
    const other = await keyAt(b.server, first?.cacheKey);
    expect(other?.cacheKey).toBe(first?.cacheKey);
    expect(other?.cacheKeyChanged).toBe(false);
  });

  it('a reverse-list change for a contact signed in on another node is one write, by that node', async () => {
    const [a, b] = await twoNodes();
    const [alice, carol] = (await accounts(a.server, 'alice', 'carol')) as [string, string];
    const al = await online(a.server, alice);
    const ca = await signIn(b.server, 7, carol, 'pw');
    await syncAll(ca);
    await setState(ca, 'NLN');
    const before = { a: a.writes.get(carol) ?? 0, b: b.writes.get(carol) ?? 0 };
    expect((await addToForward(al, carol, 'Carol')).verb).toBe('ADC');
    // MSNP7 prints the list version (MSNP.md §4.6): the write made it one more than before.
    const add = await ca.client.expect('ADD', (c) => c.trId === 0 && c.params[0] === 'RL', 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect((a.writes.get(carol) ?? 0) - before.a + (b.writes.get(carol) ?? 0) - before.b).toBe(1);
    expect((b.writes.get(carol) ?? 0) - before.b).toBe(1);
    const check = await openPostgresStore({ url: db.url });
    try {
      const stored = await check.loadAccount(carol);
      expect(String(stored?.user.listVersion)).toBe(add.params[1]);
      expect(stored?.contacts.map((c) => c.handle)).toEqual([alice]);
    } finally {
      await check.close();
    }
    // And back: removed is one write too.
    expect((await al.client.reply(al.client.send('REM', ['FL', carol]))).verb).toBe('REM');
    await ca.client.expect('REM', (c) => c.trId === 0 && c.params[0] === 'RL', 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect((a.writes.get(carol) ?? 0) - before.a + (b.writes.get(carol) ?? 0) - before.b).toBe(2);
  }, 60_000);

  it('a Passport ticket or a token-service ticket replayed on the other node is refused, as in one process', async () => {
    const [a, b] = await twoNodes();
    const [h] = (await accounts(a.server, 'ticket')) as [string];
    const attempt = async (at: RunningServer, d: 8 | 13, ticket: string): Promise<string> => {
      const c = await RawClient.connect(at.nsPort, `replay/${d}`);
      c.dialect = d;
      await c.reply(c.send('VER', [`MSNP${d}`, 'CVR0']));
      await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '7.5.0324', 'MSMSGS', h]));
      await c.reply(c.send('USR', ['TWN', 'I', h]));
      const verdict = (await c.reply(c.send('USR', ['TWN', 'S', ticket]))).verb;
      c.close();
      return verdict;
    };
    // A Nexus ticket (MSNP.md §3.3.3): single use.
    const ticket = (await passportTicket(a.server, h, 'pw', 'lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1')) as string;
    expect(await attempt(b.server, 8, ticket)).toBe('USR');
    expect(await attempt(a.server, 8, ticket)).toBe('911');
    // The token service's messenger.msn.com ticket of MSNP13 (MSNP13-18.md §4.1): once too.
    const tokens = (await requestTokens(b.server, h, 'pw', '?MBI')) as RstResponse;
    const twn = tokenFor(tokens, 'messenger.msn.com')?.token as string;
    expect(await attempt(a.server, 13, twn)).toBe('USR');
    expect(await attempt(b.server, 13, twn)).toBe('911');
  }, 60_000);

  it('sign-ins of one account at once on two nodes end with exactly one session, the others told OUT OTH', async () => {
    const [a, b] = await twoNodes();
    const [watcher, twin] = (await accounts(a.server, 'watcher', 'twin')) as [string, string];
    await befriend(a.server, watcher, twin);
    const w = await online(a.server, watcher);
    for (let round = 0; round < 6; round++) {
      // Two at once on two nodes; every other round a third on one of them too.
      const nodes = round % 2 === 0 ? [a, b] : [a, b, round % 4 === 1 ? a : b];
      const sessions = await Promise.all(nodes.map((x) => signIn(x.server, 12, twin, 'pw')));
      // Settle: all but one are told OUT OTH and closed; one stays.
      await new Promise((r) => setTimeout(r, 400));
      const kicked = sessions.filter((s) => s.client.received.some((c) => c.verb === 'OUT'));
      expect(kicked.length, `round ${round}`).toBe(sessions.length - 1);
      for (const k of kicked) expect(k.client.received.find((c) => c.verb === 'OUT')?.params).toEqual(['OTH']);
      const live = sessions.find((s) => !kicked.includes(s)) as SignedIn;
      expect(live.client.closed).toBe(false);
      // The survivor is the one the cluster knows: its presence reaches the watcher on node a …
      const state = round % 2 === 0 ? 'BSY' : 'AWY';
      await syncAll(live);
      await setState(live, state);
      await w.client.expect('NLN', (c) => c.params[1] === twin && c.params[0] === state, 5000);
      // … and the directory names it: the next sign-in, on either node, signs it out.
      const next = await signIn((round % 2 === 0 ? b : a).server, 12, twin, 'pw');
      expect((await live.client.expect('OUT', () => true, 5000)).params).toEqual(['OTH']);
      // Never offline to the watcher in between (the new session holds the old presence).
      await w.client.expectNone('FLN', (c) => c.params[0] === twin, 200);
      next.client.sendBare('OUT');
      await next.client.waitClosed();
      await w.client.expect('FLN', (c) => c.params[0] === twin, 5000);
    }
  }, 120_000);

  it('PostgreSQL unreachable: SOAP answers a fault and the Nexus 503, both saying why, never a hang', async () => {
    const proxy = await tcpProxy(new URL(db.url));
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const { server } = await node('solo', `t${++n}:`, viaProxy.toString());
    const [h] = (await accounts(server, 'cut')) as [string];
    const tokens = (await requestTokens(server, h, 'pw', 'MBI_KEY_OLD')) as RstResponse;
    const s = { contactsTicket: tokenFor(tokens, 'contacts.msn.com')?.token as string };
    proxy.cut();
    const base = `http://127.0.0.1:${server.httpPort}`;
    // The token service needs the password hash.
    const rst = await fetch(`${base}/RST.srf`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '' },
      body: buildRstRequest({ username: h, password: 'pw', tokens: messengerTokenRequests('MBI_KEY_OLD') }),
    });
    const rstBody = await rst.text();
    expect(rst.status).toBe(503);
    expect(rst.headers.get('retry-after')).toBe('5');
    expect(rstBody).toContain('<soap:Fault>');
    expect(rstBody).toMatch(/database cannot be reached/);
    // The address book needs the lists.
    const ab = await abCall(server, 'FindMembership', buildFindMembership(abContext(s)));
    expect(ab.status).toBe(503);
    expect(ab.body).toContain('<soap:Fault>');
    expect(ab.body).toMatch(/database cannot be reached/);
    // Passport 1.4 (MSNP.md §3.3.2): 503 with the reason, not a wrong-password 401 or a bare 500.
    const nexus = await fetch(`${base}/login2.srf`, { headers: { Authorization: `Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=${encodeURIComponent(h)},pwd=pw,lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1,kpp=1,kv=5,ver=2.1.0173.1,tpf=x` } });
    expect(nexus.status).toBe(503);
    expect(nexus.headers.get('retry-after')).toBe('5');
    expect(await nexus.text()).toMatch(/database cannot be reached/);
    proxy.restore();
    const again = await abCall(server, 'FindMembership', buildFindMembership(abContext(s)));
    expect(again.status).toBe(200);
  }, 90_000);
});
