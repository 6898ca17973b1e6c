/**
 * README, "Where your data lives" (issue 15 item 17): the app's local server keeps its accounts in
 * `<data folder>/local-server`, not in `npm run server`'s `.monarch-data/server`. An account the
 * server's CLI adds with `--data-dir <data folder>/local-server` (the README's command) signs in on
 * the app's own local server, through the real app core, client and server; an account added to
 * the server's default folder does not exist there.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../electron/core/create-app-core';
import type { AppCore } from '../../electron/core/app-core';
import type { ValidCommand } from '../../shared/ipc';
import { parseCli, runUserCommand, type PasswordInput } from '../../server/cli';

let dir: string;
let core: AppCore | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-readme-data-'));
});
afterEach(async () => {
  await core?.dispose();
  core = null;
  rmSync(dir, { recursive: true, force: true });
});

const piped = (password: string): PasswordInput => ({ interactive: false, ask: () => Promise.reject(new Error('no terminal')), readStdin: () => Promise.resolve(`${password}\n`) });

async function userAdd(dataDir: string, handle: string, password: string): Promise<void> {
  await runUserCommand(parseCli(['user', 'add', handle, '--password-stdin', '--data-dir', dataDir], {}), () => {}, piped(password));
}

function signIn(handle: string, password: string): ValidCommand {
  return {
    name: 'signIn',
    input: { server: { kind: 'local' }, handle, password, status: 'online', rememberMe: false, rememberPassword: false, signInAutomatically: false, createAccount: false },
  } as ValidCommand;
}

it('the README’s `user add --data-dir <data folder>/local-server` makes an account the app’s local server accepts', { timeout: 60_000 }, async () => {
  const appData = join(dir, 'Monarch');
  await userAdd(join(appData, 'local-server'), 'bob@example.com', 'bobs password');
  // The server's own default folder is another database.
  await userAdd(join(dir, '.monarch-data', 'server'), 'carol@example.com', 'carols password');

  core = createAppCore({ dataDir: appData, localServerPorts: 'any', demo: false, onWarning: () => undefined });
  const carol = await core.execute(signIn('carol@example.com', 'carols password'));
  expect(carol).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
  const bob = await core.execute(signIn('bob@example.com', 'bobs password'));
  expect(bob).toMatchObject({ ok: true });
  expect(core.snapshot().state).toMatchObject({ session: { handle: 'bob@example.com' } });
});
