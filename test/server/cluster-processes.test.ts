/**
 * The server on three processes (issue 13): one PostgreSQL, one Redis (a private one, restarted
 * here), three `npm run server` nodes on loopback. Users signed in on different nodes add each
 * other, see presence both ways, chat 1:1 and three together across three nodes; a second sign-in
 * on another node is `OUT OTH` with no `FLN`; a node SIGKILLed: its users shown offline on the
 * others within the TTL, and they sign in again elsewhere with their lists intact; Redis
 * restarted: the nodes recover.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/index';
import { describeWithServices, freshDatabase, spawnRedis, type SpawnedRedis, type TestDatabase } from '../helpers/services';
import { addToForward, answerRing, call, openSwitchboard, setState, signIn, syncAll, text, textMessage, type SignedIn } from './helpers/msnp';

const TTL_MS = 3000;

interface NodeProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** What `signIn` needs of a server: its NS port, and a Nexus for MSNP8+ (none used here). */
  readonly server: RunningServer;
  output: string;
}

describeWithServices(['postgres', 'redis'], 'three server processes, one PostgreSQL, one Redis', () => {
  let db: TestDatabase;
  let redis: SpawnedRedis;
  const dir = mkdtempSync(join(tmpdir(), 'monarch-cluster-'));
  const secretFile = join(dir, 'cluster.key');
  const nodes: NodeProcess[] = [];

  async function startNode(id: string): Promise<NodeProcess> {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(
      process.execPath,
      ['--import', tsx, 'server/cli.ts', '--postgres', db.url, '--redis', redis.url, '--node-id', id, '--cluster-secret-file', secretFile,
        '--cluster-ttl-ms', String(TTL_MS), '--ns-port', '0', '--sb-port', '0', '--http-port', '0', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const node: NodeProcess = {
      id,
      child,
      exited: new Promise((resolve) => child.on('exit', () => resolve())),
      server: undefined as unknown as RunningServer,
      output: '',
    };
    child.stdout?.on('data', (b: Buffer) => (node.output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (node.output += b.toString()));
    for (let i = 0; i < 400 && !/Monarch server: NS/.test(node.output); i++) await new Promise((r) => setTimeout(r, 50));
    const m = /NS [\d.]+:(\d+), SB (\d+), Nexus http:\/\/[\d.]+:(\d+)\//.exec(node.output);
    if (m === null) throw new Error(`node ${id} did not start: ${node.output}`);
    (node as { server: unknown }).server = {
      host: '127.0.0.1',
      nsPort: Number(m[1]),
      sbPort: Number(m[2]),
      httpPort: Number(m[3]),
      nexusUrl: `http://127.0.0.1:${m[3]}/rdr/pprdr.asp`,
    };
    nodes.push(node);
    return node;
  }

  beforeAll(async () => {
    db = await freshDatabase();
    redis = await spawnRedis();
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    // Accounts, made through the admin API of a server on the same database.
    const admin = await startServer({ postgres: db.url, nsPort: 0, sbPort: 0, httpPort: 0 });
    for (const h of ['alice', 'bob', 'carol']) await admin.accounts.add(`${h}@example.com`, h, h);
    await admin.stop();
    for (const id of ['n1', 'n2', 'n3']) await startNode(id);
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) n.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    await redis?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (i: number): RunningServer => (nodes[i] as NodeProcess).server;
  const online = async (i: number, d: 7 | 11 | 12, who: string): Promise<SignedIn> => {
    const s = await signIn(at(i), d, `${who}@example.com`, who);
    await syncAll(s);
    return s;
  };

  it('adds, presence both ways, 1:1 and 3-party chat, OUT OTH, a node SIGKILLed, Redis restarted', async () => {
    const alice = await online(0, 12, 'alice');
    const bob = await online(1, 7, 'bob');
    const carol = await online(2, 11, 'carol');
    for (const s of [alice, bob, carol]) await setState(s, 'NLN');

    // Users on different nodes add each other and see each other both ways.
    await addToForward(alice, 'bob@example.com');
    await addToForward(alice, 'carol@example.com');
    await addToForward(bob, 'alice@example.com');
    await addToForward(carol, 'alice@example.com');
    await alice.client.expect('NLN', (c) => c.params[1] === 'bob@example.com');
    await alice.client.expect('NLN', (c) => c.params[1] === 'carol@example.com');
    await bob.client.expect('NLN', (c) => c.params[1] === 'alice@example.com');
    await carol.client.expect('NLN', (c) => c.params[1] === 'alice@example.com');
    bob.client.send('CHG', ['BSY']);
    expect((await alice.client.expect('NLN', (c) => c.params[1] === 'bob@example.com' && c.params[0] === 'BSY')).params[0]).toBe('BSY');

    // 1:1, then three together, each on their own node.
    const sb = await openSwitchboard(alice);
    await call(sb, 'bob@example.com');
    const { sb: bobSb } = await answerRing(bob, 'alice@example.com');
    sb.client.send('MSG', ['N'], textMessage('one to one'));
    expect(text((await bobSb.client.expect('MSG')).payload)).toContain('one to one');
    await call(sb, 'carol@example.com');
    const { sb: carolSb, iro } = await answerRing(carol, 'alice@example.com');
    expect(iro.map((x) => x.params[2]).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    carolSb.client.send('MSG', ['N'], textMessage('three of us'));
    for (const s of [sb, bobSb]) expect(text((await s.client.expect('MSG', (x) => x.params[0] === 'carol@example.com')).payload)).toContain('three of us');

    // Bob signs in again on n3: OUT OTH on n2, and Alice never sees him offline.
    const bob2 = await online(2, 12, 'bob');
    expect((await bob.client.expect('OUT')).params).toEqual(['OTH']);
    await alice.client.expectNone('FLN', (c) => c.params[0] === 'bob@example.com', 400);
    bob2.client.send('CHG', ['NLN', '0']);
    await alice.client.expect('NLN', (c) => c.params[1] === 'bob@example.com' && c.params[0] === 'NLN');

    // n3 (Bob and Carol) is killed: Alice sees both offline within the TTL …
    const n3 = nodes[2] as NodeProcess;
    n3.child.kill('SIGKILL');
    await n3.exited;
    await alice.client.expect('FLN', (c) => c.params[0] === 'bob@example.com', TTL_MS * 4);
    await alice.client.expect('FLN', (c) => c.params[0] === 'carol@example.com', TTL_MS * 4);
    // … and Bob signs in again on n2 with his lists intact.
    const bob3 = await signIn(at(1), 12, 'bob@example.com', 'bob');
    const lists = await syncAll(bob3);
    expect(lists.some((c) => c.verb === 'LST' && c.params[0] === 'N=alice@example.com')).toBe(true);
    await setState(bob3, 'NLN');
    await alice.client.expect('NLN', (c) => c.params[1] === 'bob@example.com');

    // Redis restarted: the nodes register again and presence flows between them.
    await redis.stop();
    await redis.start();
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      const state = i % 2 === 0 ? 'AWY' : 'NLN';
      bob3.client.send('CHG', [state, '0']);
      seen = await alice.client.expect('NLN', (c) => c.params[1] === 'bob@example.com' && c.params[0] === state, 300).then(() => true, () => false);
    }
    expect(seen).toBe(true);
  }, 90_000);
});
