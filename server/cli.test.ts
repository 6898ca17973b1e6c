import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, runUserCommand, serverConfig, UsageError, type PasswordInput } from './cli';
import { AccountService } from './core/accounts';
import { SecretBox } from './core/passwords';
import { openSqliteStore } from './store/sqlite-store';

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
    expect(parseCli(['--tls-legacy'], {}).config.tlsLegacy).toBe(true);
    expect(parseCli([], { MONARCH_SERVER_TLS_LEGACY: '1' }).config.tlsLegacy).toBe(true);
    expect(parseCli([], {}).config.tlsLegacy).toBeUndefined();
  });

  it('stores in PostgreSQL with --postgres, MONARCH_SERVER_POSTGRES or the config key; SQLite otherwise', () => {
    const url = 'postgres://monarch:secret@db.example:5432/monarch';
    expect(serverConfig(parseCli(['--postgres', url], {}), () => {}).postgres).toBe(url);
    expect(parseCli([], { MONARCH_SERVER_POSTGRES: url }).config.postgres).toBe(url);
    const file = join(dir, 'pg.json');
    writeFileSync(file, JSON.stringify({ postgres: url }));
    expect(parseCli(['--config', file], {}).config.postgres).toBe(url);
    expect(serverConfig(parseCli([], {}), () => {}).postgres).toBeUndefined();
    expect(() => parseCli(['--postgres', 'mysql://x/y'], {})).toThrow(/postgres: a postgres:\/\/ URL/);
  });

  it('rejects bad input with a usage error', () => {
    expect(() => parseCli(['--ns-port', 'abc'], {})).toThrow(UsageError);
    expect(() => parseCli(['--ns-port', '70000'], {})).toThrow(/invalid configuration/);
    expect(() => parseCli(['--nope'], {})).toThrow(UsageError);
    expect(() => parseCli(['launch'], {})).toThrow(/unknown command/);
    expect(() => serverConfig(parseCli(['--tls-cert', 'x.pem'], {}), () => {})).toThrow(/go together/);
  });

  /** Standard input and a terminal, as `user add` and `user passwd` see them. */
  function fakeInput(o: { stdin?: string; answers?: string[]; interactive?: boolean }): PasswordInput & { questions: string[] } {
    const answers = [...(o.answers ?? [])];
    const questions: string[] = [];
    return {
      interactive: o.interactive ?? answers.length > 0,
      questions,
      ask: (q) => {
        questions.push(q);
        const a = answers.shift();
        return a === undefined ? Promise.reject(new Error('asked more than expected')) : Promise.resolve(a);
      },
      readStdin: () => (o.stdin === undefined ? Promise.reject(new Error('stdin read unexpectedly')) : Promise.resolve(o.stdin)),
    };
  }

  it('manages accounts in a data directory', async () => {
    const out: string[] = [];
    const run = (input: PasswordInput, ...argv: string[]): Promise<void> => runUserCommand(parseCli(['user', ...argv, '--data-dir', dir], {}), (l) => out.push(l), input);
    const none = fakeInput({});
    await run(fakeInput({ stdin: 'secret\n' }), 'add', 'Zoe@Example.com', '--password-stdin', '--name', 'Zoe Z');
    await run(none, 'list');
    await run(fakeInput({ answers: ['other', 'other'] }), 'passwd', 'zoe@example.com');
    await expect(run(none, 'add', 'zoe@example.com', '--password-stdin')).rejects.toThrow(/already exists/);
    await expect(run(none, 'passwd', 'nobody@example.com')).rejects.toThrow(/no account/);
    await expect(run(none, 'remove', 'nobody@example.com')).rejects.toThrow(/no account/);
    await run(none, 'remove', 'zoe@example.com');
    await run(none, 'list');
    expect(out).toEqual([
      'added zoe@example.com (Zoe Z)',
      'zoe@example.com\tZoe Z',
      'password changed for zoe@example.com',
      'removed zoe@example.com',
      'no accounts',
    ]);
  });

  it('never takes a password on the command line, where the process list shows it', () => {
    expect(() => parseCli(['user', 'add', 'a@example.com', '--password', 's3cret'], {})).toThrow(/process list.*--password-stdin/);
    expect(() => parseCli(['user', 'passwd', 'a@example.com', '--password=s3cret'], {})).toThrow(UsageError);
  });

  it('reads the password from standard input (one line) or asks twice on the terminal', async () => {
    const data = join(dir, 'passwords');
    const cli = (...argv: string[]) => parseCli(['user', ...argv, '--data-dir', data], {});
    const check = async (handle: string, password: string): Promise<boolean> => {
      const store = openSqliteStore(data);
      try {
        return await new AccountService({ store, secrets: SecretBox.open(data), md5Login: true }).verifyPassword(handle, password);
      } finally {
        await store.close();
      }
    };
    const quiet = (): void => {};

    await runUserCommand(cli('add', 'pipe@example.com', '--password-stdin'), quiet, fakeInput({ stdin: 'from stdin\r\n' }));
    expect(await check('pipe@example.com', 'from stdin')).toBe(true);
    await expect(runUserCommand(cli('add', 'empty@example.com', '--password-stdin'), quiet, fakeInput({ stdin: '\n' }))).rejects.toThrow(/no password/);
    await expect(runUserCommand(cli('add', 'two@example.com', '--password-stdin'), quiet, fakeInput({ stdin: 'a\nb\n' }))).rejects.toThrow(/one line/);

    const asked = fakeInput({ answers: ['typed here', 'typed here'] });
    await runUserCommand(cli('add', 'tty@example.com'), quiet, asked);
    expect(asked.questions).toEqual(['Password for tty@example.com: ', 'The same password again: ']);
    expect(await check('tty@example.com', 'typed here')).toBe(true);

    await expect(runUserCommand(cli('passwd', 'tty@example.com'), quiet, fakeInput({ answers: ['new one', 'new 0ne'] }))).rejects.toThrow(/differ/);
    expect(await check('tty@example.com', 'typed here')).toBe(true);

    // No terminal and no --password-stdin: nothing to ask, and it says how.
    await expect(runUserCommand(cli('add', 'cron@example.com'), quiet, fakeInput({ interactive: false }))).rejects.toThrow(/--password-stdin/);
    expect((await openAccounts(data)).map((a) => a.handle).sort()).toEqual(['pipe@example.com', 'tty@example.com']);
  });

  it('as a process: `user add --password-stdin` with the password piped in', async () => {
    const data = join(dir, 'process');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, 'server/cli.ts', 'user', 'add', 'piped@example.com', '--password-stdin', '--data-dir', data], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.stdin.end('pipe secret\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toBe('added piped@example.com (piped@example.com)\n');
    expect(code).toBe(0);
    const store = openSqliteStore(data);
    try {
      expect(await new AccountService({ store, secrets: SecretBox.open(data), md5Login: true }).verifyPassword('piped@example.com', 'pipe secret')).toBe(true);
    } finally {
      await store.close();
    }
  }, 30_000);
});

async function openAccounts(data: string): Promise<{ handle: string }[]> {
  const store = openSqliteStore(data);
  try {
    return await new AccountService({ store, secrets: SecretBox.open(data), md5Login: true }).list();
  } finally {
    await store.close();
  }
}
