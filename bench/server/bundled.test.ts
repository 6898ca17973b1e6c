/**
 * The benchmark against the real bundled server, started by the benchmark in its child process
 * (real TCP on 127.0.0.1, OS-chosen ports): tiny numbers, every phase, consistent counts, one
 * CPU profile per measured window, and no server process left behind. Speed is not asserted.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOptions } from './options';
import { canReadProc } from './proc';
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
