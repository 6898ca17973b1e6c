/**
 * `npm run server` as a process: it starts on the ports it is given, `--demo` creates and names
 * the demo accounts, it logs JSON lines without secrets, and SIGTERM sends `OUT SSD` to signed-in
 * clients before it exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { md5LoginResponse } from '../../shared/msnp/index';
import { RawClient } from './helpers/raw-client';

const dir = mkdtempSync(join(tmpdir(), 'monarch-cli-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts, serves the demo accounts, and shuts down gracefully on SIGTERM', async () => {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, 'server/cli.ts', '--data-dir', dir, '--ns-port', '0', '--sb-port', '0', '--http-port', '0', '--demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 200 && !/Monarch server: NS/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('demo account alice@example.com password alice');
    const port = Number(/NS 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);

    const c = await RawClient.connect(port);
    await c.reply(c.send('VER', ['MSNP7', 'MSNP6', 'CVR0']));
    await c.reply(c.send('INF'));
    const ch = await c.reply(c.send('USR', ['MD5', 'I', 'alice@example.com']));
    const ok = await c.reply(c.send('USR', ['MD5', 'S', md5LoginResponse(ch.params[2] as string, 'alice')]));
    expect(ok.params.slice(0, 2)).toEqual(['OK', 'alice@example.com']);

    child.kill('SIGTERM');
    expect((await c.expect('OUT')).params).toEqual(['SSD']);
    await c.waitClosed();
    expect(await exited).toBe(0);
    const logLines = stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => (JSON.parse(l) as { event: string }).event === 'signin')).toBe(true);
    expect(stdout).not.toContain(ch.params[2] as string);
  } finally {
    child.kill('SIGKILL');
  }
}, 30_000);
