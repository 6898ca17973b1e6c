#!/usr/bin/env node
// `npm start` (after `npm run build`): make sure a better-sqlite3 addon for Electron's ABI exists
// (scripts/electron-native.mjs, built once), then launch Electron with MONARCH_SQLITE_BINDING
// naming it, so the bundled local server and the chat history can open SQLite inside Electron.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { electronNativeBinding } from './electron-native.mjs';

const require = createRequire(import.meta.url);

let binding;
try {
  binding = electronNativeBinding({ runtime: 'electron' });
} catch (e) {
  // The app still starts: only the local server and history need SQLite, and they say so.
  console.error(`Warning: ${e.message}. The local server and chat history will be unavailable.`);
}

// `require('electron')` from Node is the path of the Electron binary (downloaded on first use).
const electronPath = require('electron');
const env = { ...process.env, ...(binding ? { MONARCH_SQLITE_BINDING: binding } : {}) };
const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
