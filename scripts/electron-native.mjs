#!/usr/bin/env node
// better-sqlite3 is a native addon: `npm install` builds it for Node's ABI, which is what the tests
// and `npm run server` use. Electron has its own ABI, so `npm start` needs a second copy of the
// addon built for the installed Electron. We build it in a temporary copy of the package (the Node
// copy in node_modules stays untouched, so tests keep working) and keep the result under
// `.electron-native/<runtime>-<version>-<platform>-<arch>/better_sqlite3.node`. The app passes that
// path to better-sqlite3's `nativeBinding` option through MONARCH_SQLITE_BINDING.
//
// Usage: node scripts/electron-native.mjs [--runtime electron|node] [--target <version>]
// Prints the path of the built addon. Packaged builds do not need this: electron-builder rebuilds
// native dependencies for Electron itself.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function electronNativeBinding({ runtime = 'electron', target } = {}) {
  const version = target ?? (runtime === 'electron'
    ? JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
    : process.versions.node);
  const out = join(root, '.electron-native', `${runtime}-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
  if (existsSync(out)) return out;

  const source = join(root, 'node_modules/better-sqlite3');
  const work = mkdtempSync(join(tmpdir(), 'monarch-native-'));
  try {
    const pkg = join(work, 'better-sqlite3');
    cpSync(source, pkg, { recursive: true, filter: (p) => !p.startsWith(join(source, 'build')) });
    const args = ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${version}`];
    if (runtime === 'electron') args.push('--runtime=electron', '--dist-url=https://electronjs.org/headers');
    console.error(`Building better-sqlite3 for ${runtime} ${version} (once; about a minute)…`);
    const env = { ...process.env };
    // A user-level `nodedir` (headers of the system Node) must not leak into an Electron build.
    if (runtime === 'electron') delete env.npm_config_nodedir;
    const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', args, { cwd: pkg, stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new Error(`building better-sqlite3 for ${runtime} ${version} failed (exit ${r.status})`);
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(join(pkg, 'build/Release/better_sqlite3.node'), out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const opt = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  try {
    console.log(electronNativeBinding({ runtime: opt('runtime') ?? 'electron', target: opt('target') }));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
