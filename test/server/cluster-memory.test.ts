/**
 * The in-memory clusters (server/cluster/memory.ts): the same directory rules as Redis's, inboxes
 * in order through JSON, a crash heard once by every survivor; and the signed tokens
 * (server/cluster/tokens.ts) that switchboard cookies and tickets are made of.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterEvents, ClusterMessage } from '../../server/cluster/cluster';
import { localCluster, MemoryNetwork, type MemoryCluster } from '../../server/cluster/memory';
import { ClusterNode } from '../../server/cluster/node';
import type { Account, ListManager } from '../../server/core/lists';
import { PresenceHub, type Endpoint, type PresenceView } from '../../server/core/presence';
import { LIST_BITS } from '../../shared/msnp/index';
import { createMemoryLogger, silentLogger } from '../../server/logger';
import { SignedTokens } from '../../server/cluster/tokens';

function events(): ClusterEvents & { messages: Array<[string, ClusterMessage]>; downs: Array<[string, readonly string[]]> } {
  const e = {
    messages: [] as Array<[string, ClusterMessage]>,
    downs: [] as Array<[string, readonly string[]]>,
    message: (from: string, m: ClusterMessage) => void e.messages.push([from, m]),
    nodeDown: (node: string, handles: readonly string[]) => void e.downs.push([node, handles]),
    fenced: () => undefined,
    recovered: () => undefined,
    liveHandles: () => [],
    liveSession: () => undefined,
    audited: () => undefined,
  };
  return e;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('memory cluster', () => {
  it('has the directory rules of the Redis one', async () => {
    const net = new MemoryNetwork();
    const a = net.node('a');
    const b = net.node('b');
    await a.start({ ns: 'h:1', sb: 'h:2' }, events());
    await b.start({ ns: 'h:3', sb: 'h:4' }, events());
    expect(await a.claim('alice', '1')).toBeUndefined();
    expect(await b.claim('alice', '2')).toEqual({ node: 'a', session: '1' });
    expect(await a.release('alice', '1')).toBe(false);
    expect(await a.reclaim('alice', '1')).toEqual({ node: 'b', session: '2' });
    expect(Object.fromEntries(await a.locate(['alice', 'bob']))).toEqual({ alice: { node: 'b', session: '2' } });
    expect(await b.release('alice', '2')).toBe(true);
    expect(await a.takeOnce('k', 1000)).toBe(true);
    expect(await b.takeOnce('k', 1000)).toBe(false);
    expect((await a.nodes()).map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('delivers in order, through JSON, asynchronously; a crash is heard once by each survivor', async () => {
    const net = new MemoryNetwork();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => net.node(id)) as [ReturnType<MemoryNetwork['node']>, ReturnType<MemoryNetwork['node']>, ReturnType<MemoryNetwork['node']>];
    const eb = events();
    const ec = events();
    await a.start({ ns: '', sb: '' }, events());
    await b.start({ ns: '', sb: '' }, eb);
    await c.start({ ns: '', sb: '' }, ec);
    const sent = { type: 'x', when: new Date(0) };
    a.send('b', sent);
    a.send('b', { type: 'y' });
    expect(eb.messages).toEqual([]);
    await tick();
    expect(eb.messages).toEqual([
      ['a', { type: 'x', when: '1970-01-01T00:00:00.000Z' }],
      ['a', { type: 'y' }],
    ]);
    await a.claim('alice', '1');
    await b.claim('bob', '2');
    net.crash('a');
    await tick();
    expect(eb.downs).toEqual([['a', ['alice']]]);
    expect(ec.downs).toEqual([['a', ['alice']]]);
    expect((await b.locate(['alice', 'bob'])).size).toBe(1);
  });

  it('XFR SB picks the least loaded node, this one on a tie', async () => {
    const net = new MemoryNetwork();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => net.node(id)) as [MemoryCluster, MemoryCluster, MemoryCluster];
    for (const [x, i] of [[a, 1], [b, 2], [c, 3]] as const) await x.start({ ns: `h:${i}`, sb: `h:${i}0` }, events());
    const node = new ClusterNode(a, {} as PresenceHub, {} as ListManager, silentLogger, { tokens: new SignedTokens(Buffer.alloc(32)), cookieLifetimeMs: 1000 });
    expect(await node.pickSwitchboard('h:10')).toEqual({ node: 'a', address: 'h:10' });
    a.setLoad(5);
    b.setLoad(2);
    c.setLoad(3);
    await new Promise((r) => setTimeout(r, 1100)); // the node list is cached for a second
    expect(await node.pickSwitchboard('h:10')).toEqual({ node: 'b', address: 'h:20' });
  });

  it('XFR SB spreads the conversations opened within one read of the node list, one after another or at once', async () => {
    // bench:server --cluster 2 opens 50 at once: all went to one node, first because the cached
    // list's loads never rose, then because each XFR read the list itself and saw the same loads.
    for (const atOnce of [false, true]) {
      const net = new MemoryNetwork();
      const [a, b] = ['a', 'b'].map((id) => net.node(id)) as [MemoryCluster, MemoryCluster];
      for (const [x, i] of [[a, 1], [b, 2]] as const) await x.start({ ns: `h:${i}`, sb: `h:${i}0` }, events());
      a.setLoad(3);
      b.setLoad(0);
      const node = new ClusterNode(a, {} as PresenceHub, {} as ListManager, silentLogger, { tokens: new SignedTokens(Buffer.alloc(32)), cookieLifetimeMs: 1000 });
      const picked: string[] = [];
      if (atOnce) picked.push(...(await Promise.all(Array.from({ length: 9 }, () => node.pickSwitchboard('h:10')))).map((p) => p.node));
      else for (let i = 0; i < 9; i++) picked.push((await node.pickSwitchboard('h:10')).node);
      // b first until it has caught up with a's 3, then one each.
      expect(picked, atOnce ? 'at once' : 'one after another').toEqual(['b', 'b', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    }
  });

  it('a malformed message from another node is logged and dropped, never thrown', () => {
    const net = new MemoryNetwork();
    const logger = createMemoryLogger();
    const hub = new PresenceHub({ peek: () => undefined } as unknown as ListManager);
    const node = new ClusterNode(net.node('a'), hub, {} as ListManager, logger, { tokens: new SignedTokens(Buffer.alloc(32)), cookieLifetimeMs: 1000 });
    const bad: ClusterMessage[] = [
      { type: 'presence', owner: 'x', view: { h: 1 }, watchers: [] },
      { type: 'presence', owner: 'x', view: null, watchers: 'nope' },
      { type: 'pm', view: { h: 'x', n: 'n', s: 'WHAT', c: 0 }, watchers: [] },
      { type: 'kick', handle: 5 },
      { type: 'iln-request', watcher: 'w', owners: [1, 2] },
      { type: 'ring', target: null },
      { type: 'no-such-type' },
    ];
    for (const m of bad) expect(() => node.message('b', m)).not.toThrow();
    expect(logger.entries.filter((e) => e.event === 'cluster-bad-message')).toHaveLength(bad.length);
  });

  it('a presence change leaves for the other nodes before the local watchers are written to', async () => {
    const net = new MemoryNetwork();
    const a = net.node('a');
    const b = net.node('b');
    await a.start({ ns: 'a:1', sb: 'a:2' }, events());
    await b.start({ ns: 'b:1', sb: 'b:2' }, events());
    const hub = new PresenceHub({ peek: () => undefined } as unknown as ListManager);
    hub.remote = new ClusterNode(a, hub, {} as ListManager, silentLogger, { tokens: new SignedTokens(Buffer.alloc(32)), cookieLifetimeMs: 1000 });
    const order: string[] = [];
    const send = a.send.bind(a);
    a.send = (node, m) => {
      order.push(`${node} ${m.type}`);
      send(node, m);
    };
    const local = { handle: 'here@x.com', watching: true, contactOnline: () => void order.push('local NLN') };
    hub.register(local as unknown as Endpoint);
    await b.claim('there@x.com', 's1');
    const contacts = new Map(['here@x.com', 'there@x.com'].map((h) => [h, { handle: h, lists: LIST_BITS.RL }]));
    const owner = { handle: 'o@x.com', contacts, allows: () => true } as unknown as Account;
    const view = { handle: 'o@x.com', friendlyName: 'o', state: 'NLN', caps: 0 } as PresenceView;
    hub.broadcast(owner, view, false);
    expect(order).toEqual(['b presence', 'local NLN']);
  });

  it('the one-process cluster is not distributed', () => {
    expect(localCluster().distributed).toBe(false);
  });
});

describe('signed tokens', () => {
  const secret = Buffer.alloc(32, 7);
  it('any holder of the secret verifies them; the purpose, the secret and the expiry all count', () => {
    let now = 1000;
    const issuer = new SignedTokens(secret, () => now);
    const other = new SignedTokens(Buffer.from(secret), () => now);
    const t = issuer.issue('sb', ['alice@x.com', '12', 'Alice ✓'], 5000);
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(other.verify('sb', t, 3)?.fields).toEqual(['alice@x.com', '12', 'Alice ✓']);
    expect(other.verify('ticket', t, 3)).toBeUndefined();
    expect(other.verify('sb', t, 2)).toBeUndefined();
    expect(new SignedTokens(Buffer.alloc(32, 8), () => now).verify('sb', t, 3)).toBeUndefined();
    const [payload, mac] = t.split('.') as [string, string];
    const forged = Buffer.from(payload, 'base64url').toString().replace('alice', 'mallory');
    expect(other.verify('sb', `${Buffer.from(forged).toString('base64url')}.${mac}`, 3)).toBeUndefined();
    expect(other.verify('sb', 'garbage', 3)).toBeUndefined();
    expect(other.verify('sb', '.', 3)).toBeUndefined();
    now = 6000;
    expect(other.verify('sb', t, 3)).toBeUndefined();
  });

  it('redeemOnce spends a token across the cluster', async () => {
    const net = new MemoryNetwork();
    const a = net.node('a');
    const b = net.node('b');
    const tokens = new SignedTokens(secret);
    const t = tokens.issue('sb', ['alice'], 60_000);
    expect((await tokens.redeemOnce(b, 'sb', t, 1))?.fields).toEqual(['alice']);
    expect(await tokens.redeemOnce(a, 'sb', t, 1)).toBeUndefined();
  });

  it('two tokens with the same fields in the same millisecond differ, and each is spent on its own', async () => {
    // Two sign-ins of one account at once (on one node or two) were each given the same ticket, and
    // the second was refused as a replay (911) under load.
    const net = new MemoryNetwork();
    const tokens = new SignedTokens(secret, () => 1000);
    const first = tokens.issue('passport-ticket', ['twin@x.com'], 60_000);
    const second = tokens.issue('passport-ticket', ['twin@x.com'], 60_000);
    expect(second).not.toBe(first);
    expect((await tokens.redeemOnce(net.node('a'), 'passport-ticket', first, 1))?.fields).toEqual(['twin@x.com']);
    expect((await tokens.redeemOnce(net.node('b'), 'passport-ticket', second, 1))?.fields).toEqual(['twin@x.com']);
  });

  it('refuses a short secret', () => {
    expect(() => new SignedTokens(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
