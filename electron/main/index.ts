/** The Electron main process entry point: everything is in ./shell (kept importable for tests). */
import { createAppCore } from '../core/create-app-core';
import { safeStorageKeychain } from './keychain';
import { runApp } from './shell';

void runApp({ createAppCore: ({ dataDir }) => createAppCore({ dataDir, keychain: safeStorageKeychain }) });
