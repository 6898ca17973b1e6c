import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, runUserCommand, serverConfig, UsageError } from './cli';

describe('parseCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges defaults < config file < environment < flags', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ nsPort: 1000, sbPort: 1001, httpPort: 1002, host: '0.0.0.0' }));
    const cli = parseCli(['--config', file, '--sb-port', '3001'], { MONARCH_SERVER_NS_PORT: '2000', MONARCH_SERVER_SB_PORT: '2001' });
    expect(cli.config).toMatchObject({ nsPort: 2000, sbPort: 3001, httpPort: 1002, host: '0.0.0.0' });
    expect(cli.command).toBe('start');
  });

  it('turns MD5 login off by flag or environment', () => {
    expect(parseCli(['--no-md5-login'], {}).config.md5Login).toBe(false);
    expect(parseCli([], { MONARCH_SERVER_MD5_LOGIN: '0' }).config.md5Login).toBe(false);
    expect(parseCli([], {}).config.md5Login).toBeUndefined();
  });

  it('rejects bad input with a usage error', () => {
    expect(() => parseCli(['--ns-port', 'abc'], {})).toThrow(UsageError);
    expect(() => parseCli(['--ns-port', '70000'], {})).toThrow(/invalid configuration/);
    expect(() => parseCli(['--nope'], {})).toThrow(UsageError);
    expect(() => parseCli(['launch'], {})).toThrow(/unknown command/);
    expect(() => serverConfig(parseCli(['--tls-cert', 'x.pem'], {}), () => {})).toThrow(/go together/);
  });

  it('manages accounts in a data directory', async () => {
    const out: string[] = [];
    const run = (...argv: string[]): Promise<void> => runUserCommand(parseCli(['user', ...argv, '--data-dir', dir], {}), (l) => out.push(l));
    await run('add', 'Zoe@Example.com', '--password', 'secret', '--name', 'Zoe Z');
    await run('list');
    await run('passwd', 'zoe@example.com', '--password', 'other');
    await expect(run('add', 'zoe@example.com', '--password', 'x')).rejects.toThrow(/already exists/);
    await expect(run('remove', 'nobody@example.com')).rejects.toThrow(/no account/);
    await run('remove', 'zoe@example.com');
    await run('list');
    expect(out).toEqual([
      'added zoe@example.com (Zoe Z)',
      'zoe@example.com\tZoe Z',
      'password changed for zoe@example.com',
      'removed zoe@example.com',
      'no accounts',
    ]);
  });
});
