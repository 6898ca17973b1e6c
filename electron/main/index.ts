/** The Electron main process entry point: everything is in ./shell (kept importable for tests). */
import { createAppCore } from '../core/create-app-core';
import { safeStorageKeychain } from './keychain';
import { runApp } from './shell';

// The bundled server takes the usual MSN ports (falling back to free ones when they are taken);
// MONARCH_LOCAL_SERVER_PORTS=any asks the OS for ports from the start (tests, several copies).
const localServerPorts = process.env.MONARCH_LOCAL_SERVER_PORTS === 'any' ? 'any' : 'standard';

void runApp({ createAppCore: ({ dataDir, files }) => createAppCore({ dataDir, files, keychain: safeStorageKeychain, localServerPorts, holder: 'the desktop app' }) });
