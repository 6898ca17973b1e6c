/** The Electron main process entry point: everything is in ./shell (kept importable for tests). */
import { join } from 'node:path';
import { createAppCore } from '../core/create-app-core';
import { createLocalServerLauncher } from '../core/local-server';
import { safeStorageKeychain } from './keychain';
import { runApp } from './shell';

void runApp({
  createAppCore: ({ dataDir }) =>
    createAppCore({
      dataDir,
      keychain: safeStorageKeychain,
      // First run (issue 6): the bundled server comes with the demo account and demo contacts.
      localServer: createLocalServerLauncher({ dataDir: join(dataDir, 'local-server'), demo: true }),
    }),
});
