/**
 * The load generator against a tiny fake MSNP server over real TCP on 127.0.0.1: every phase
 * must produce consistent counts (all sign-ins, every expected notification, messages relayed
 * in order), and failures must be reported, not hidden. Timings are not asserted (DEVELOPERS.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMsnpServer } from './fake-server';
import { accountHandle, parseOptions, OptionsError, type BenchOptions } from './options';
import { runBench } from './run';
import { Samples, percentile } from './stats';
import { readProc } from './proc';

const PASSWORD = 'pw-123';

function accounts(n: number, prefix = 'bench', domain = 'bench.example'): Map<string, string> {
  return new Map(Array.from({ length: n }, (_, i) => [accountHandle({ accountPrefix: prefix, accountDomain: domain }, i), PASSWORD]));
}

function options(server: FakeMsnpServer, extra: string[]): BenchOptions {
  const o = parseOptions([
    '--target', `127.0.0.1:${server.nsPort}`,
    '--server-pid', String(process.pid),
    '--password', PASSWORD,
    '--users', '12',
    '--storm-users', '5',
    '--storm-rate', '200',
    '--pairs', '2,4',
    '--duration', '0.4',
    '--warmup', '0.1',
    '--timeout', '3000',
    '--output', '/dev/null',
    ...extra,
  ]);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

let server: FakeMsnpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('server benchmark load generator (against a fake MSNP server)', () => {
  it('runs every phase over MSNP7 (MD5) with consistent counts', async () => {
    server = new FakeMsnpServer({ accounts: accounts(12) });
    await server.start();
    const report = await runBench(options(server, ['--dialect', 'MSNP7']), () => {});

    expect(report.signIn).toMatchObject({ attempted: 12, succeeded: 12, failed: 0 });
    expect(server.qryFailures).toEqual([]);
    expect(report.memory?.source).toBe('proc');
    expect(report.contacts).toMatchObject({ users: 5, adds: 20, failed: 0 });

    const p = report.presence;
    expect(p).toBeDefined();
    expect(p?.changesSent).toBeGreaterThan(0);
    expect(p?.notificationsExpected).toBe((p?.changesSent ?? 0) * 4);
    expect(p?.notificationsReceived).toBe(p?.notificationsExpected);
    expect(p?.unmatched).toBe(0);
    expect(p?.latencyMs?.count).toBeGreaterThan(0);
    expect(p?.usage.server?.rssBytesEnd).toBeGreaterThan(0);

    expect(report.switchboard.map((s) => s.pairs)).toEqual([2, 4]);
    for (const s of report.switchboard) {
      expect(s.messages).toBeGreaterThan(0);
      expect(s.latencyMs?.count).toBe(s.messages);
      expect(s).toMatchObject({ outOfOrder: 0, stalls: 0, naks: 0, closedDuringRun: 0 });
    }
    expect(report.disconnected.count).toBe(0);
    // A 12-user run evaluates no goal of issue 3.
    expect(report.goals.map((g) => g.status)).toEqual(['missed', 'not evaluated', 'not evaluated', 'not evaluated', 'not evaluated']);
  });

  it('signs in over MSNP12 through Passport (TWN) and a dispatch referral, and uses ADC and ack A', async () => {
    server = new FakeMsnpServer({ accounts: accounts(12), dispatch: true });
    await server.start();
    const report = await runBench(options(server, ['--dialect', 'MSNP12', '--nexus', server.nexusUrl, '--ack', 'A', '--pairs', '3']), () => {});
    expect(report.signIn).toMatchObject({ succeeded: 12, failed: 0 });
    expect(server.qryFailures).toEqual([]);
    expect(report.contacts?.failed).toBe(0);
    expect(report.presence?.notificationsReceived).toBe(report.presence?.notificationsExpected);
    const sb = report.switchboard[0];
    expect(sb?.acks).toBeGreaterThan(0);
    expect(sb?.outOfOrder).toBe(0);
    expect(report.goals[0]?.status).toBe('not evaluated'); // TWN dialect: the MD5 goal does not apply
  });

  it('reports wrong passwords as failed sign-ins with the server error, and fails when nobody gets in', async () => {
    const accs = accounts(12);
    accs.set(accountHandle({ accountPrefix: 'bench', accountDomain: 'bench.example' }, 3), 'other');
    server = new FakeMsnpServer({ accounts: accs });
    await server.start();
    const report = await runBench(options(server, ['--phases', 'signin']), () => {});
    expect(report.signIn).toMatchObject({ succeeded: 11, failed: 1 });
    expect(report.signIn?.errors[0]?.message).toMatch(/error 911/);

    const nobody = options(server, ['--phases', 'signin', '--password', 'wrong']);
    await expect(runBench(nobody, () => {})).rejects.toThrow(/nobody could sign in.*911/);
  });

  it('fails clearly when the target does not listen', async () => {
    const o = parseOptions(['--target', '127.0.0.1:1', '--users', '2', '--phases', 'signin', '--timeout', '500', '--output', '/dev/null']);
    if (o === 'help') throw new Error('unexpected help');
    await expect(runBench(o, () => {})).rejects.toThrow(/nobody could sign in: .*cannot connect to 127\.0\.0\.1:1/);
  });
});

describe('options', () => {
  it('rejects impossible combinations with a clear message', () => {
    expect(() => parseOptions(['--dialect', 'MSNP16'])).toThrow(OptionsError);
    expect(() => parseOptions(['--target', 'x:1', '--dialect', 'MSNP15'])).toThrow(/--token-service/);
    expect(() => parseOptions(['--compare-dialects', 'MSNP12,MSNP99'])).toThrow(/--compare-dialects/);
    expect(() => parseOptions(['--target', 'x:1', '--dialect', 'MSNP8'])).toThrow(/--nexus/);
    expect(() => parseOptions(['--users', '10', '--storm-users', '5', '--pairs', '50'])).toThrow(/needs 100 users/);
    expect(() => parseOptions(['--users', '10', '--storm-users', '20'])).toThrow(/exceeds --users/);
    expect(() => parseOptions(['--phases', 'presence'])).toThrow(/must include signin/);
    expect(() => parseOptions(['--bogus'])).toThrow(OptionsError);
    expect(parseOptions(['--help'])).toBe('help');
  });
});

describe('stats and /proc', () => {
  it('computes nearest-rank percentiles', () => {
    const s = new Samples();
    for (let i = 100; i >= 1; i--) s.add(i);
    expect(s.summary()).toMatchObject({ count: 100, p50: 50, p99: 99, max: 100, mean: 50.5 });
    expect(percentile([1, 2, 3], 0.99)).toBe(3);
    expect(new Samples().summary()).toBeUndefined();
  });

  it('reads CPU time and RSS of this process', () => {
    const s = readProc(process.pid);
    expect(s.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(s.cpuSeconds).toBeGreaterThan(0);
    expect(() => readProc(2 ** 22 + 1)).toThrow(/cannot read/);
  });
});
