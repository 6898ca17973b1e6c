/**
 * Two server nodes in one process over real TCP, sharing one store, joined by the in-memory
 * cluster and by Redis (server/cluster/node.ts): presence both ways across nodes (ILN, NLN, UBX,
 * FLN, privacy applied by the owner's node), a second sign-in on the other node (`OUT OTH`, the
 * user never offline to contacts), a dead node's users shown offline, and a fenced node refusing
 * sign-ins.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../server/cluster/cluster';
import { MemoryNetwork } from '../../server/cluster/memory';
import { RedisCluster } from '../../server/cluster/redis';
import { startServer, type RunningServer } from '../../server/index';
import { openSqliteStore } from '../../server/store/sqlite-store';
import type { Store } from '../../server/store/store';
import { describeWithServices, serviceUrl, spawnRedis } from '../helpers/services';
import { signIn13 } from './helpers/msnp13';
import { addToForward, answerRing, passportTicket, call, openSwitchboard, RawClient, setState, signIn, syncAll, text, textMessage, type SignedIn } from './helpers/msnp';

const SECRET = randomBytes(32);

interface Nodes {
  readonly a: RunningServer;
  readonly b: RunningServer;
  readonly crashB: () => Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(store: Store, nodeId: string, cluster: { instance?: Cluster; redisUrl?: string; keyPrefix?: string; ttlMs?: number }): Promise<RunningServer> {
  const server = await startServer({
    nsPort: 0,
    sbPort: 0,
    httpPort: 0,
    store,
    sendChallenges: false,
    cluster: { nodeId, secret: SECRET, ttlMs: 1500, ...cluster },
  });
  cleanups.push(() => server.stop());
  return server;
}

async function memoryNodes(): Promise<Nodes> {
  const store = openSqliteStore(undefined);
  cleanups.push(() => store.close());
  const net = new MemoryNetwork();
  const a = await node(store, 'a', { instance: net.node('a') });
  const b = await node(store, 'b', { instance: net.node('b') });
  return { a, b, crashB: async () => net.crash('b') };
}

async function redisNodes(): Promise<Nodes> {
  const store = openSqliteStore(undefined);
  cleanups.push(() => store.close());
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const redisUrl = serviceUrl('redis') as string;
  const a = await node(store, 'a', { redisUrl, keyPrefix });
  const bCluster = new RedisCluster({ url: redisUrl, nodeId: 'b', keyPrefix, ttlMs: 1500 });
  const b = await node(store, 'b', { instance: bCluster });
  // A crash as the other nodes see it: b's heartbeat stops and it never says goodbye.
  return { a, b, crashB: async () => bCluster.abandon() };
}

let n = 0;
/** Two accounts on each other's forward and allow lists, set up while both are signed out. */
async function friends(nodes: Nodes, da: 7 | 11 | 12, db: 7 | 11 | 12): Promise<[string, string]> {
  const x = `alice${++n}@example.com`;
  const y = `bob${n}@example.com`;
  await nodes.a.accounts.add(x, 'pw', 'Alice');
  await nodes.a.accounts.add(y, 'pw', 'Bob');
  for (const [me, other, dialect] of [
    [x, y, da],
    [y, x, db],
  ] as const) {
    const s = await signIn(nodes.a, dialect, me, 'pw');
    await syncAll(s);
    expect((await addToForward(s, other)).verb).toMatch(/ADD|ADC/);
    s.client.sendBare('OUT');
    await s.client.waitClosed();
  }
  return [x, y];
}

async function online(server: RunningServer, d: 7 | 11 | 12, handle: string): Promise<SignedIn> {
  const s = await signIn(server, d, handle, 'pw');
  await syncAll(s);
  return s;
}

function scenarios(make: () => Promise<Nodes>): void {
  it('presence both ways across nodes: ILN at sign-in, NLN, UBX, FLN, privacy by the owner', async () => {
    const nodes = await make();
    const [alice, bob] = await friends(nodes, 11, 12);
    const b = await online(nodes.b, 12, bob);
    await setState(b, 'NLN', 0x40000000);
    const a = await online(nodes.a, 11, alice);
    const t = a.client.send('CHG', ['NLN', '0']);
    // Bob is on the other node: his ILN comes from there, with my CHG's TrID.
    const iln = await a.client.expect('ILN', (c) => c.params[1] === bob);
    expect(iln.trId).toBe(t);
    expect(iln.params[0]).toBe('NLN');
    // My sign-in reaches Bob on his node.
    expect((await b.client.expect('NLN', (c) => c.params[1] === alice)).params[0]).toBe('NLN');
    // Bob's changes reach me, once each.
    b.client.send('CHG', ['BSY', '0']);
    expect((await a.client.expect('NLN', (c) => c.params[1] === bob)).params[0]).toBe('BSY');
    const psm = '<Data><PSM>across nodes</PSM><CurrentMedia></CurrentMedia></Data>';
    b.client.send('UUX', [], psm);
    const ubx = await a.client.expect('UBX', (c) => c.params[0] === bob);
    expect(Buffer.from(ubx.payload ?? new Uint8Array()).toString()).toBe(psm);
    // Privacy is the owner's: Bob blocks me on his node, I see him go offline on mine.
    const blk = b.client.send('ADC', ['BL', `N=${alice}`]);
    expect((await b.client.reply(blk)).verb).toBe('ADC');
    await a.client.expect('FLN', (c) => c.params[0] === bob);
    // … and he stays hidden from me when he changes again.
    b.client.send('CHG', ['AWY', '0']);
    await a.client.expectNone('NLN', (c) => c.params[1] === bob, 300);
    // Bob signs out: no FLN again for me (I already see him offline); Alice's sign-out reaches Bob.
    a.client.sendBare('OUT');
    await b.client.expect('FLN', (c) => c.params[0] === alice);
  });

  it('signing in on the other node: OUT OTH to the old session, never offline to contacts', async () => {
    const nodes = await make();
    const [alice, bob] = await friends(nodes, 12, 12);
    const a = await online(nodes.a, 12, alice);
    await setState(a, 'NLN');
    const b1 = await online(nodes.b, 12, bob);
    await setState(b1, 'BSY');
    await a.client.expect('NLN', (c) => c.params[1] === bob && c.params[0] === 'BSY');
    // Bob again, on node a this time.
    const b2 = await online(nodes.a, 12, bob);
    const out = await b1.client.expect('OUT');
    expect(out.params).toEqual(['OTH']);
    // The new session holds the old presence until its own first CHG: Alice sees no FLN.
    await a.client.expectNone('FLN', (c) => c.params[0] === bob, 400);
    b2.client.send('CHG', ['NLN', '0']);
    expect((await a.client.expect('NLN', (c) => c.params[1] === bob)).params[0]).toBe('NLN');
    await a.client.expectNone('FLN', (c) => c.params[0] === bob, 200);
    // And the directory follows: Bob's next change reaches Alice from his new node, and his
    // sign-out there shows him offline.
    b2.client.sendBare('OUT');
    await a.client.expect('FLN', (c) => c.params[0] === bob);
  });

  it('users signed in on different nodes add each other and see each other both ways', async () => {
    const nodes = await make();
    const alice = `alice${++n}@example.com`;
    const bob = `bob${n}@example.com`;
    await nodes.a.accounts.add(alice, 'pw', 'Alice');
    await nodes.a.accounts.add(bob, 'pw', 'Bob');
    const a = await online(nodes.a, 12, alice);
    await setState(a, 'NLN');
    const b = await online(nodes.b, 11, bob);
    await setState(b, 'BSY');
    // Alice adds Bob: Bob's node tells him (RL), and Alice gets Bob's presence from his node.
    expect((await addToForward(a, bob, 'Bob')).verb).toBe('ADC');
    await b.client.expect('ADC', (c) => c.trId === 0 && c.params[0] === 'RL' && c.params[1] === `N=${alice}`);
    expect((await a.client.expect('NLN', (c) => c.params[1] === bob)).params[0]).toBe('BSY');
    // Bob adds Alice back.
    expect((await addToForward(b, alice, 'Alice')).verb).toBe('ADC');
    await a.client.expect('ADC', (c) => c.trId === 0 && c.params[0] === 'RL' && c.params[1] === `N=${bob}`);
    expect((await b.client.expect('NLN', (c) => c.params[1] === alice)).params[0]).toBe('NLN');
    // Each node's copy of its user's lists learnt the new watcher: changes flow both ways.
    b.client.send('CHG', ['AWY', '0']);
    expect((await a.client.expect('NLN', (c) => c.params[1] === bob && c.params[0] === 'AWY')).params[0]).toBe('AWY');
    a.client.send('CHG', ['PHN', '0']);
    expect((await b.client.expect('NLN', (c) => c.params[1] === alice && c.params[0] === 'PHN')).params[0]).toBe('PHN');
    // Bob removes Alice: her node takes her off his reverse list and tells her.
    expect((await b.client.reply(b.client.send('REM', ['FL', alice]))).verb).toBe('REM');
    await a.client.expect('REM', (c) => c.trId === 0 && c.params[0] === 'RL');
  });

  it('a Passport ticket or a token-service token from one node signs in on another, once', async () => {
    const nodes = await make();
    const h = `ticket${++n}@example.com`;
    await nodes.a.accounts.add(h, 'pw', 'T');
    // MSNP8: the ticket from a's Nexus, the NS of b.
    const s8 = await signIn(nodes.a, 8, h, 'pw', nodes.b.nsPort);
    expect(s8.usrOk.params.slice(0, 2)).toEqual(['OK', h]);
    // A fresh ticket from a is accepted by b once; the same ticket again is refused.
    const ticket = (await passportTicket(nodes.a, h, 'pw', 'lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1')) as string;
    const verdicts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await RawClient.connect(nodes.b.nsPort, `replay${i}`);
      c.dialect = 8;
      await c.reply(c.send('VER', ['MSNP8', 'CVR0']));
      await c.reply(c.send('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', '7.5.0324', 'MSMSGS', h]));
      await c.reply(c.send('USR', ['TWN', 'I', h]));
      verdicts.push((await c.reply(c.send('USR', ['TWN', 'S', ticket]))).verb);
      c.close();
    }
    expect(verdicts).toEqual(['USR', '911']);
    // MSNP15 single sign-on: tokens from a's token service, the NS of b.
    const s15 = await signIn13({ ...nodes.b, httpPort: nodes.a.httpPort }, 15, h, 'pw');
    expect(s15.usrOk.params[0]).toBe('OK');
  });

  it("a dead node's users are shown offline to contacts on other nodes", async () => {
    const nodes = await make();
    const [alice, bob] = await friends(nodes, 7, 12);
    const [alice2, carol] = await friends(nodes, 7, 12);
    // Alice has Carol on her list too (Carol, like Bob, is on node b).
    const a0 = await online(nodes.a, 7, alice);
    await addToForward(a0, carol);
    a0.client.sendBare('OUT');
    await a0.client.waitClosed();
    const a = await online(nodes.a, 7, alice);
    await setState(a, 'NLN');
    const a2 = await online(nodes.a, 7, alice2);
    await setState(a2, 'NLN');
    const b = await online(nodes.b, 12, bob);
    await setState(b, 'NLN');
    const c = await online(nodes.b, 12, carol);
    await setState(c, 'NLN');
    await a.client.expect('NLN', (x) => x.params[1] === bob);
    await a.client.expect('NLN', (x) => x.params[1] === carol);
    await a2.client.expect('NLN', (x) => x.params[1] === carol);
    await nodes.crashB();
    // Each of them, once, to each watcher (bytes shared per user gone, never mixed up).
    await a.client.expect('FLN', (x) => x.params[0] === bob, 10_000);
    await a.client.expect('FLN', (x) => x.params[0] === carol, 10_000);
    await a2.client.expect('FLN', (x) => x.params[0] === carol, 10_000);
    await a.client.expectNone('FLN', () => true, 200);
  });
}

describe('two nodes, in-memory cluster', () => scenarios(memoryNodes));
describeWithServices(['redis'], 'two nodes, Redis cluster', () => scenarios(redisNodes));

describeWithServices(['redis'], 'Redis restarted', () => {
  it('within the TTL: the nodes claim their users again and presence flows as before', async () => {
    const redis = await spawnRedis();
    cleanups.push(() => redis.stop());
    const store = openSqliteStore(undefined);
    cleanups.push(() => store.close());
    const nodes = {
      a: await node(store, 'a', { redisUrl: redis.url, ttlMs: 8000 }),
      b: await node(store, 'b', { redisUrl: redis.url, ttlMs: 8000 }),
      crashB: async () => undefined,
    };
    const [alice, bob] = await friends(nodes, 12, 12);
    const a = await online(nodes.a, 12, alice);
    await setState(a, 'NLN');
    const b = await online(nodes.b, 12, bob);
    await setState(b, 'NLN');
    await a.client.expect('NLN', (c) => c.params[1] === bob);
    await redis.stop();
    await redis.start();
    // Once both nodes have registered again and re-claimed, a change reaches the other node.
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      b.client.send('CHG', [i % 2 === 0 ? 'BSY' : 'NLN', '0']);
      seen = await a.client
        .expect('NLN', (c) => c.params[1] === bob && c.params[0] === (i % 2 === 0 ? 'BSY' : 'NLN'), 250)
        .then(() => true)
        .catch(() => false);
    }
    expect(seen).toBe(true);
    // Nobody was signed out.
    expect(a.client.closed || b.client.closed).toBe(false);
  });
});

describeWithServices(['redis'], 'a node cut off from Redis', () => {
  it('signs everyone out and refuses sign-ins while fenced; serves again once Redis is back', async () => {
    const redis = await spawnRedis();
    cleanups.push(() => redis.stop());
    const store = openSqliteStore(undefined);
    cleanups.push(() => store.close());
    const a = await node(store, 'a', { redisUrl: redis.url });
    await a.accounts.add('fence@example.com', 'pw', 'F');
    const s = await online(a, 12, 'fence@example.com');
    await setState(s, 'NLN');
    await redis.stop();
    // Past the TTL without Redis: OUT SSD, the client goes elsewhere.
    expect((await s.client.expect('OUT', () => true, 10_000)).params).toEqual(['SSD']);
    const refused = await signIn(a, 7, 'fence@example.com', 'pw').catch((e: unknown) => e);
    expect(String(refused)).toMatch(/closed|OUT/);
    await redis.start();
    let again: SignedIn | undefined;
    for (let i = 0; i < 50 && again === undefined; i++) {
      again = await signIn(a, 12, 'fence@example.com', 'pw').catch(() => undefined);
      if (again === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect(again).toBeDefined();
    await setState(again as SignedIn, 'NLN');
  });
});

async function threeNodes(kind: 'memory' | 'redis'): Promise<RunningServer[]> {
  const store = openSqliteStore(undefined);
  cleanups.push(() => store.close());
  const net = new MemoryNetwork();
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const servers: RunningServer[] = [];
  for (const id of ['n1', 'n2', 'n3']) {
    servers.push(await node(store, id, kind === 'memory' ? { instance: net.node(id) } : { redisUrl: serviceUrl('redis') as string, keyPrefix }));
  }
  return servers;
}

function switchboardScenarios(kind: 'memory' | 'redis'): void {
  it('1:1 and 3-party chat with members signed in on three nodes; privacy applied by the invitee\'s node', async () => {
    const [n1, n2, n3] = (await threeNodes(kind)) as [RunningServer, RunningServer, RunningServer];
    const id = ++n;
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((x) => `${x}${id}@example.com`) as [string, string, string, string];
    for (const h of [alice, bob, carol, dave]) await n1.accounts.add(h, 'pw', h.split('@')[0]);
    const a = await online(n1, 12, alice);
    const b = await online(n2, 7, bob);
    const c = await online(n3, 11, carol);
    const d = await online(n3, 12, dave);
    for (const s of [a, b, c, d]) await setState(s, 'NLN');
    // Dave lets only his allow list see him, which Alice is not on.
    expect((await d.client.reply(d.client.send('BLP', ['BL']))).verb).toBe('BLP');

    const sb = await openSwitchboard(a);
    const sessionId = await call(sb, bob);
    const { sb: bobSb, iro } = await answerRing(b, alice);
    expect(bobSb.sessionId).toBe(sessionId);
    expect(iro.map((x) => x.params[2])).toEqual([alice]);
    await sb.client.expect('JOI', (x) => x.params[0] === bob);
    sb.client.send('MSG', ['N'], textMessage('hello bob'));
    expect(text((await bobSb.client.expect('MSG', (x) => x.params[0] === alice)).payload)).toContain('hello bob');
    bobSb.client.send('MSG', ['N'], textMessage('hi alice'));
    expect(text((await sb.client.expect('MSG', (x) => x.params[0] === bob)).payload)).toContain('hi alice');

    // Carol, on a third node, joins: a 3-party conversation across three nodes.
    await call(sb, carol);
    const { sb: carolSb, iro: iro2 } = await answerRing(c, alice);
    expect(iro2.map((x) => x.params[2]).sort()).toEqual([alice, bob].sort());
    await bobSb.client.expect('JOI', (x) => x.params[0] === carol);
    carolSb.client.send('MSG', ['N'], textMessage('hi both'));
    for (const s of [sb, bobSb]) expect(text((await s.client.expect('MSG', (x) => x.params[0] === carol)).payload)).toContain('hi both');

    // Dave's node refuses: he does not allow Alice (217, as for someone offline), and gets no RNG.
    const refused = await sb.client.reply(sb.client.send('CAL', [dave]));
    expect(refused.verb).toBe('217');
    await d.client.expectNone('RNG', () => true, 200);
    // Someone signed in nowhere: 217 too.
    expect((await sb.client.reply(sb.client.send('CAL', [`nobody${id}@example.com`]))).verb).toBe('217');
    // A cookie is single-use across the cluster: the RNG's cookie cannot be answered twice.
    const rng = b.client.received.find((x) => x.verb === 'RNG');
    const [, port] = String(rng?.params[1]).split(':');
    const again = await RawClient.connect(Number(port), 'replay');
    const t = again.send('ANS', [bob, String(rng?.params[3]), sessionId]);
    expect((await again.reply(t)).verb).toBe('911');
  });
}

describe('switchboards across three nodes, in-memory cluster', () => switchboardScenarios('memory'));
describeWithServices(['redis'], 'switchboards across three nodes, Redis cluster', () => switchboardScenarios('redis'));
