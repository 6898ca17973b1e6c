/**
 * The benchmark against the real bundled server, started by the benchmark in its child process
 * (real TCP on 127.0.0.1, OS-chosen ports): tiny numbers, every phase, consistent counts, one
 * CPU profile per measured window, and no server process left behind. Speed is not asserted.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOptions } from './options';
import { canReadProc } from './proc';
import { mergeDialectComparison } from './report';
import { runBench } from './run';

const profileDir = mkdtempSync(path.join(os.tmpdir(), 'monarch-bench-prof-'));
afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

describe('server benchmark against the bundled server', () => {
  it('creates accounts, signs in, storms and relays, then stops the server', { timeout: 180_000 }, async () => {
    const opts = parseOptions([
      '--users', '10',
      '--storm-users', '4',
      '--storm-rate', '100',
      '--pairs', '3',
      '--duration', '0.5',
      '--warmup', '0.2',
      '--timeout', '20000',
      '--output', '/dev/null',
      '--server-cpu-prof', profileDir,
    ]);
    if (opts === 'help') throw new Error('unexpected help');
    const report = await runBench(opts, () => {});

    expect(report.target.kind).toBe('bundled');
    expect(report.accounts).toMatchObject({ created: 10, reused: 0 });
    expect(report.signIn).toMatchObject({ succeeded: 10, failed: 0 });
    expect(report.memory?.source).toBe('gc+memoryUsage');
    expect(report.contacts).toMatchObject({ adds: 12, failed: 0 });
    const p = report.presence;
    expect(p?.changesSent).toBeGreaterThan(0);
    expect(p?.notificationsReceived).toBe(p?.notificationsExpected);
    expect(p?.unmatched).toBe(0);
    const sb = report.switchboard[0];
    expect(sb?.messages).toBeGreaterThan(0);
    expect(sb).toMatchObject({ outOfOrder: 0, stalls: 0, naks: 0, closedDuringRun: 0 });
    expect(sb?.usage.server?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(report.disconnected.count).toBe(0);

    const files = ['signin', 'presence', 'switchboard-3'].map((n) => path.join(profileDir, `${n}.cpuprofile`));
    expect(report.serverCpuProfiles).toEqual(files);
    for (const f of files) expect(existsSync(f)).toBe(true);

    // The child process is gone.
    expect(canReadProc(report.target.pid as number)).toBe(false);
  });
});

describe('sign-in comparison across dialects (issue 12)', () => {
  it('signs in through Passport (MSNP12) and through the token service + SOAP address book (MSNP15), alternating, and keeps the earlier figures in the file', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'monarch-bench-compare-'));
    try {
      const output = path.join(dir, 'server.json');
      // An earlier full run's figures, which the comparison must keep.
      writeFileSync(output, JSON.stringify({ benchmark: 'server', signIn: { perSecond: 1234 }, switchboard: [{ pairs: 50 }], goals: [] }));
      const opts = parseOptions(['--compare-dialects', 'MSNP12,MSNP15', '--users', '3', '--login-concurrency', '2', '--rounds', '2', '--timeout', '20000', '--output', output]);
      if (opts === 'help') throw new Error('unexpected help');
      expect(opts.phases).toEqual(['signin']);
      const report = await runBench(opts, () => {});
      const c = report.signInByDialect;
      expect(c?.runs.map((r) => `${r.round} ${r.dialect}`)).toEqual(['1 MSNP12', '1 MSNP15', '2 MSNP12', '2 MSNP15']);
      for (const run of c?.runs ?? []) expect(run.result).toMatchObject({ succeeded: 3, failed: 0 });
      // MSNP15 sign-ins went through the token service and read the address book.
      expect(c?.byDialect['MSNP15']?.tokenServiceP50Ms).toBeGreaterThan(0);
      expect(c?.byDialect['MSNP15']?.addressBookP50Ms).toBeGreaterThan(0);
      expect(c?.byDialect['MSNP12']?.tokenServiceP50Ms).toBeUndefined();
      expect(report.goals.find((g) => g.goal.includes('MSNP15'))?.status).not.toBe('not evaluated');

      const merged = mergeDialectComparison(output, report);
      expect(merged.signIn).toEqual({ perSecond: 1234 });
      expect(merged.switchboard).toEqual([{ pairs: 50 }]);
      expect(merged.signInByDialect).toEqual(c);
      expect(merged.goals.map((g) => g.goal)).toEqual([expect.stringMatching(/^MSNP15 /)]);
      expect(canReadProc(report.target.pid as number)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses the MSNP2–12 phases for MSNP13+', () => {
    expect(() => parseOptions(['--dialect', 'MSNP15', '--phases', 'signin,presence'])).toThrow(/only the sign-in phase/);
    const opts = parseOptions(['--dialect', 'MSNP15']);
    expect(opts !== 'help' && opts.phases).toEqual(['signin']);
  });
});
