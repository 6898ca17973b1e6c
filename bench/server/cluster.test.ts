/**
 * `--cluster N` (issue 13): the option, and a tiny run of every phase against two real node
 * processes on one PostgreSQL (a fresh database) and one Redis (the run's own), over real TCP on
 * 127.0.0.1. Checks counts, that each node's CPU was read and that presence crossed nodes, and
 * that nothing is left behind (node processes, Redis, the database). Speed is not asserted.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeWithServices, serviceUrl } from '../../test/helpers/services';
import { OptionsError, parseOptions } from './options';
import { canReadProc } from './proc';
import { clusterOverhead, type BenchReport } from './report';
import { runBench } from './run';

describe('--cluster option', () => {
  it('parses, defaults its output file and PostgreSQL URL, and refuses what does not apply', () => {
    const opts = parseOptions(['--cluster', '3', '--postgres', 'postgres://u:p@127.0.0.1/db']);
    if (opts === 'help') throw new Error('unexpected help');
    expect(opts.cluster).toBe(3);
    expect(opts.postgres).toBe('postgres://u:p@127.0.0.1/db');
    expect(opts.output).toBe('bench/results/server-cluster.json');

    // The single-process run is what it was: no cluster, the old output file.
    const plain = parseOptions([]);
    if (plain === 'help') throw new Error('unexpected help');
    expect(plain.cluster).toBeUndefined();
    expect(plain.output).toBe('bench/results/server.json');

    const saved = process.env.MONARCH_TEST_POSTGRES_URL;
    try {
      process.env.MONARCH_TEST_POSTGRES_URL = 'postgres://from-env@127.0.0.1/x';
      const fromEnv = parseOptions(['--cluster', '2', '--output', '/tmp/x.json']);
      expect(fromEnv !== 'help' && [fromEnv.postgres, fromEnv.output]).toEqual(['postgres://from-env@127.0.0.1/x', '/tmp/x.json']);
      delete process.env.MONARCH_TEST_POSTGRES_URL;
      expect(() => parseOptions(['--cluster', '2'])).toThrow(/needs PostgreSQL/);
    } finally {
      if (saved === undefined) delete process.env.MONARCH_TEST_POSTGRES_URL;
      else process.env.MONARCH_TEST_POSTGRES_URL = saved;
    }
    const pgArg = ['--postgres', 'postgres://u@127.0.0.1/db'];
    expect(() => parseOptions(['--cluster', '0', ...pgArg])).toThrow(OptionsError);
    expect(() => parseOptions(['--cluster', 'two', ...pgArg])).toThrow(/--cluster must be an integer/);
    expect(() => parseOptions(['--cluster', '2', '--target', '127.0.0.1:1863', ...pgArg])).toThrow(/--target/);
    expect(() => parseOptions(['--cluster', '2', '--data-dir', '/tmp/x', ...pgArg])).toThrow(/--data-dir/);
    expect(() => parseOptions(['--cluster', '2', '--compare-dialects', 'MSNP12,MSNP15', ...pgArg])).toThrow(/--compare-dialects/);
    expect(() => parseOptions(pgArg)).toThrow(/--postgres only applies with --cluster/);
    expect(() => parseOptions(['--compare-with', 'bench/results/server.json'])).toThrow(/--compare-with only applies with --cluster/);
    expect(() => parseOptions(['--cluster', '2', '--compare-with', '/nonexistent/plain.json', ...pgArg])).toThrow(/no such file/);
  });

  it('compares each cluster size with one node and with one process, phase by phase, only for the same load', () => {
    const report = (serverCpuUs: number, users = 10): BenchReport =>
      ({
        benchmark: 'server',
        config: { users, stormUsers: 4, stormRate: 100, pairs: [3], dialect: 7, ack: 'N', durationSeconds: 1 },
        signIn: { cost: { serverCpuUs } },
        presence: undefined,
        switchboard: [],
      }) as unknown as BenchReport;
    const o = clusterOverhead({ '1': report(100), '2': report(125) }, report(50));
    expect(o['2']?.phases).toEqual([
      { phase: 'sign-in', clusterCpuUs: 125, redisCpuUs: undefined, oneNodeCpuUs: 100, singleProcessCpuUs: 50, shareVsOneNode: 0.2, shareVsSingleProcess: 0.6 },
    ]);
    // Another load is not compared.
    expect(clusterOverhead({ '1': report(100), '2': report(125, 20) }, undefined)['2']?.phases[0]?.shareVsOneNode).toBeUndefined();
  });
});

describeWithServices(['postgres'], 'server benchmark against a two-node cluster', () => {
  it('signs in on both nodes, storms across them and relays, then stops every process and drops the database', { timeout: 180_000 }, async () => {
    const opts = parseOptions([
      '--cluster', '2',
      '--users', '8',
      '--storm-users', '4',
      '--storm-rate', '100',
      '--pairs', '2',
      '--duration', '0.5',
      '--warmup', '0.2',
      // A bound on each wait, not a speed: list edits commit to PostgreSQL, slow on a busy machine.
      '--timeout', '60000',
      '--output', '/dev/null',
    ]);
    if (opts === 'help') throw new Error('unexpected help');
    expect(opts.postgres).toBe(serviceUrl('postgres'));
    const report = await runBench(opts, () => {});

    expect(report.cluster?.nodes.map((n) => n.id)).toEqual(['n0', 'n1']);
    expect(report.accounts).toMatchObject({ created: 8, reused: 0 });
    expect(report.signIn).toMatchObject({ succeeded: 8, failed: 0 });
    // Users 0, 2, 4, 6 on n0 and 1, 3, 5, 7 on n1; each node's own CPU was read.
    expect(report.signIn?.cluster?.byNode.map((n) => n.operations)).toEqual([4, 4]);
    expect(report.signIn?.usage.nodes).toHaveLength(2);
    expect(report.signIn?.usage.redis?.cpuPercent).toBeGreaterThanOrEqual(0);

    const p = report.presence;
    expect(p?.changesSent).toBeGreaterThan(0);
    expect(p?.notificationsReceived).toBe(p?.notificationsExpected);
    // Four storm users on two nodes: each change has one watcher on its own node and two on the other.
    expect(p?.latencyByPath?.sameNode?.count).toBeGreaterThan(0);
    expect(p?.latencyByPath?.crossNode?.count).toBeGreaterThan(0);
    expect(p?.cluster?.byNode.every((n) => n.operations > 0)).toBe(true);
    expect(report.goals.find((g) => g.goal.startsWith('cross-node presence'))?.status).not.toBe('not evaluated');

    const sb = report.switchboard[0];
    expect(sb?.messages).toBeGreaterThan(0);
    expect(sb).toMatchObject({ outOfOrder: 0, stalls: 0, naks: 0, closedDuringRun: 0 });
    expect(sb?.cluster?.conversationsByNode.reduce((a, b) => a + b, 0)).toBe(2);
    expect(report.disconnected.count).toBe(0);
    // The report does not carry the database password.
    expect(JSON.stringify(report)).not.toMatch(/:monarch@/);

    // Every process is gone, and so is the run's database.
    for (const n of report.cluster?.nodes ?? []) expect(canReadProc(n.pid)).toBe(false);
    expect(canReadProc(report.cluster?.redisPid as number)).toBe(false);
    const admin = new pg.Client({ connectionString: serviceUrl('postgres') });
    await admin.connect();
    try {
      expect(report.cluster?.database).toMatch(/^monarch_bench_[0-9a-f]{12}$/);
      const left = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [report.cluster?.database]);
      expect(left.rows[0].n).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
