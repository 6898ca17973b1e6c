/**
 * The app keeps offline messages before they are deleted on the server (issue 12; MSNP13-18.md
 * §9.3): the real app core (history on disk, the real MSN client) signs Bob in at MSNP15 on the
 * bundled server, his offline message lands in his history, and only then is it deleted: his next
 * sign-in is offered nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ValidCommand } from '../../shared/ipc';
import { createAppCore } from '../../electron/core/create-app-core';
import { useRunningServer } from '../../electron/core/local-server';
import type { AppCore } from '../../electron/core/app-core';
import { Recorder, bundledPerTest, clientFor, startBundled } from './helpers/bundled';
import { waitUntil } from './helpers/fake-server';

const scope = bundledPerTest();
const dir = mkdtempSync(join(tmpdir(), 'monarch-oim-app-'));
let core: AppCore | undefined;
afterAll(async () => {
  await core?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

const signIn = (handle: string, password: string): ValidCommand =>
  ({
    name: 'signIn',
    input: { server: { kind: 'local' }, handle, password, status: 'online', rememberMe: false, rememberPassword: false, signInAutomatically: false, createAccount: false },
  }) as ValidCommand;

it('stores an offline message in the history at sign-in, then deletes it on the server', { timeout: 60_000 }, async () => {
  const server = await startBundled();
  scope.server = server;
  await server.accounts.add(ALICE, 'alice-pw', 'Alice');
  await server.accounts.add(BOB, 'bob-pw', 'Bob');
  const a = clientFor(server, 15);
  const b = clientFor(server, 15);
  scope.clients.push(a);
  const ra = new Recorder(a);
  await a.signIn({ handle: ALICE, password: 'alice-pw' });
  await b.signIn({ handle: BOB, password: 'bob-pw' });
  await a.contacts.add(BOB);
  await b.contacts.allow(ALICE);
  await b.contacts.add(ALICE);
  await b.signOut();
  await waitUntil(() => a.contacts.get(BOB)?.status === 'offline');
  const conv = a.conversations.start([BOB]);
  const m = a.conversations.send(conv.id, 'the keys are under the mat');
  await ra.waitFor('message.delivery', (e) => e.messageId === m.id && e.delivery === 'saved-offline');

  core = createAppCore({ dataDir: join(dir, 'Monarch'), localServer: useRunningServer(server), demo: false, onWarning: () => undefined });
  expect(await core.execute(signIn(BOB, 'bob-pw'))).toMatchObject({ ok: true });
  const search = async () => {
    const hits = await core!.execute({ name: 'historySearch', input: { query: 'mat', limit: 10 } } as ValidCommand);
    return hits.ok ? (hits.value as unknown[]).length : -1;
  };
  for (let i = 0; (await search()) !== 1; i++) {
    if (i > 150) throw new Error('the offline message never reached the history');
    await new Promise((r) => setTimeout(r, 100));
  }
  // The delete goes out in a batch shortly after the history kept the message.
  await new Promise((r) => setTimeout(r, 1000));
  expect(await core.execute({ name: 'signOut', input: {} } as ValidCommand)).toMatchObject({ ok: true });

  const again = clientFor(server, 15);
  scope.clients.push(again);
  const rb = new Recorder(again);
  await again.signIn({ handle: BOB, password: 'bob-pw' });
  await rb.waitFor('contact-list.synced');
  await new Promise((r) => setTimeout(r, 500));
  expect(rb.of('message.received')).toEqual([]);
});
