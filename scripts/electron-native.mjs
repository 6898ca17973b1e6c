#!/usr/bin/env node
// better-sqlite3 is a native addon: `npm install` builds it for Node's ABI, which is what the tests
// and `npm run server` use. Electron has its own ABI, so `npm start` needs a second copy of the
// addon built for the installed Electron. We build it in a temporary copy of the package (the Node
// copy in node_modules stays untouched, so tests keep working) and keep the result under
// `.electron-native/<runtime>-<version>-<platform>-<arch>/better_sqlite3.node`. The app passes that
// path to better-sqlite3's `nativeBinding` option through MONARCH_SQLITE_BINDING.
//
// A copy is only cached, and a cached copy only used, when its ABI is the one the runtime needs:
// a `nodedir` (or `target`, `runtime`, `dist-url`) in npm's configuration silently makes node-gyp
// compile against other headers (node-gyp lets npm_config_* override its command line), and an
// addon for the wrong ABI only fails later, inside Electron. So node-gyp runs directly (not
// through npx, which puts npm's configuration back into the environment) without those settings,
// the result's ABI is read from the file, and a wrong one is rebuilt once with fresh headers.
//
// Usage: node scripts/electron-native.mjs [--runtime electron|node] [--target <version>]
// Prints the path of the built addon. Packaged builds use the same addon (the afterPack hook).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The NODE_MODULE_VERSION an addon was compiled for, read from the file: a context-aware addon
 * (NODE_MODULE_INIT, as better-sqlite3 is) exports `node_register_module_v<ABI>`, the symbol Node
 * and Electron look up by their own ABI. Null when there is none (not a Node addon, or N-API).
 */
export function addonAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? Number(m[1]) : null;
}

/**
 * The ABI the runtime needs: Electron's from the installed `electron` package (its `abi_version`
 * file) when `version` is that Electron; this Node's when `version` is this Node. Null otherwise
 * (then the result cannot be checked).
 */
export function expectedAbi({ runtime, version, projectDir = root }) {
  if (runtime === 'node') return version === process.versions.node ? Number(process.versions.modules) : null;
  try {
    const electronDir = join(projectDir, 'node_modules', 'electron');
    const installed = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
    if (installed !== version) return null;
    const abi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
    return Number.isInteger(abi) && abi > 0 ? abi : null;
  } catch {
    return null;
  }
}

/** npm settings node-gyp would take over its own command line for an Electron build. */
const HEADER_SETTINGS = new Set(['nodedir', 'target', 'runtime', 'dist_url', 'disturl']);

/**
 * The environment for node-gyp: for an Electron build, without npm's settings that choose other
 * headers (`npm_config_nodedir` and friends, any case, `-` or `_`).
 */
export function buildEnvironment(env, runtime) {
  if (runtime !== 'electron') return { ...env };
  const out = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(key);
    if (m && HEADER_SETTINGS.has(m[1].toLowerCase().replaceAll('-', '_'))) continue;
    out[key] = value;
  }
  return out;
}

/**
 * node-gyp's command line for `runtime` `version`; `devdir` forces a fresh copy of the headers.
 * A build for Node keeps npm's `nodedir` (`nodedir`: the right headers for Node, e.g. a distro's).
 */
export function nodeGypArgs({ runtime, version, devdir, nodedir }) {
  const args = [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${version}`];
  if (runtime === 'electron') args.push('--runtime=electron', '--dist-url=https://electronjs.org/headers');
  else if (nodedir) args.push(`--nodedir=${nodedir}`);
  if (devdir) args.push(`--devdir=${devdir}`);
  return args;
}

/** npm's configured `nodedir` (node-gyp run directly does not read npm's configuration), or undefined. */
function npmNodedir() {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', shell: process.platform === 'win32' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && dir !== 'undefined' && dir !== 'null' ? dir : undefined;
}

/** Compiles a temporary copy of better-sqlite3 in `work`; returns the built addon's path. */
function compileAddon({ runtime, version, work, freshHeaders }) {
  const source = join(root, 'node_modules/better-sqlite3');
  const pkg = join(work, 'better-sqlite3');
  rmSync(pkg, { recursive: true, force: true });
  cpSync(source, pkg, { recursive: true, filter: (p) => !p.startsWith(join(source, 'build')) });
  const args = nodeGypArgs({
    runtime,
    version,
    devdir: freshHeaders ? join(work, 'headers') : undefined,
    nodedir: runtime === 'node' ? (process.env.npm_config_nodedir ?? npmNodedir()) : undefined,
  });
  const r = spawnSync(process.execPath, args, { cwd: pkg, stdio: ['ignore', 'inherit', 'inherit'], env: buildEnvironment(process.env, runtime) });
  if (r.status !== 0) throw new Error(`building better-sqlite3 for ${runtime} ${version} failed (exit ${r.status ?? r.error?.message})`);
  return join(pkg, 'build/Release/better_sqlite3.node');
}

/**
 * The path of a better-sqlite3 addon for `runtime` `version` (default: the installed Electron),
 * built once and cached. `compile` and `cacheDir` are for tests (a stand-in compiler).
 */
export function electronNativeBinding({
  runtime = 'electron',
  target,
  projectDir = root,
  cacheDir = join(projectDir, '.electron-native'),
  compile = compileAddon,
  log = (m) => console.error(m),
} = {}) {
  const version = target ?? (runtime === 'electron'
    ? JSON.parse(readFileSync(join(projectDir, 'node_modules/electron/package.json'), 'utf8')).version
    : process.versions.node);
  const expected = expectedAbi({ runtime, version, projectDir });
  const out = join(cacheDir, `${runtime}-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
  if (existsSync(out)) {
    const abi = addonAbi(out);
    if (expected === null || abi === expected) return out;
    log(`The cached SQLite addon for ${runtime} ${version} was built for ABI ${abi ?? 'unknown'}, not ${expected}: building it again.`);
    rmSync(out, { force: true });
  }

  const work = mkdtempSync(join(tmpdir(), 'monarch-native-'));
  try {
    let built = null;
    // A second try with headers downloaded afresh into the work folder (not node-gyp's cache).
    for (const freshHeaders of [false, true]) {
      log(`Building better-sqlite3 for ${runtime} ${version} (once; about a minute)…`);
      const file = compile({ runtime, version, work, freshHeaders });
      built = addonAbi(file);
      if (expected === null || built === expected) {
        mkdirSync(dirname(out), { recursive: true });
        copyFileSync(file, out);
        return out;
      }
      log(`That build has ABI ${built ?? 'unknown'}, but ${runtime} ${version} needs ${expected}${freshHeaders ? '' : ': building again with fresh headers'}.`);
    }
    throw new Error(
      `better-sqlite3 built for ${runtime} ${version} has ABI ${built ?? 'unknown'} where ${runtime} needs ${expected}, twice; ` +
        'node-gyp is compiling against other headers (check `npm config get nodedir` and node-gyp settings in your environment)',
    );
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
