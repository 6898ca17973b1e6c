#!/usr/bin/env node
// `npm start`, last step (after scripts/desktop-preflight.mjs has checked Node.js and fetched
// Electron, and `npm run build`): make sure a better-sqlite3 addon for Electron's ABI exists
// (scripts/electron-native.mjs, built once), then launch Electron with MONARCH_SQLITE_BINDING
// naming it, so the bundled local server and the chat history can open SQLite inside Electron.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectron } from './desktop-preflight.mjs';
import { electronNativeBinding } from './electron-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Electron first (already there after the preflight; when this script runs on its own, the same
// download and the same plain answer when it cannot be had), SQLite second.
const electron = ensureElectron({ electronDir: join(root, 'node_modules', 'electron') });
if (!electron.ok) {
  console.error(electron.message);
  process.exit(1);
}

let binding;
try {
  binding = electronNativeBinding({ runtime: 'electron' });
} catch (e) {
  // The app still starts: only the local server and history need SQLite, and they say so.
  console.error(`Warning: ${e.message}. The local server and chat history will be unavailable.`);
}

const env = { ...process.env, ...(binding ? { MONARCH_SQLITE_BINDING: binding } : {}) };
const child = spawn(electron.path, ['.', ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: root });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
