#!/usr/bin/env node
// `npm start`, first step: what the desktop app needs that the rest of Monarch does not, checked
// before anything is built (building the UI and the SQLite addon for Electron takes minutes).
//  1. A Node.js new enough for Electron's tooling (electron's own `engines`, 22.12 for Electron 45;
//     the tests, `npm run server` and `npm run web` need only package.json's `engines`).
//  2. Electron's binary: the `electron` package downloads it on first use. We run that download
//     here, and when it cannot be had we say so in one paragraph (ELECTRON_MIRROR, web mode)
//     instead of the downloader's stack trace.
// Each failure prints one paragraph and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const semver = require('semver');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Wraps one paragraph at `width` columns (a paragraph stays one block of lines, no blank line). */
export function paragraph(text, width = 100) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Null when `nodeVersion` satisfies what Electron's package asks for, else the paragraph to print.
 * `projectRange` is package.json's `engines.node` (what tests, server and web mode need).
 */
export function checkNodeVersion({ nodeVersion, electronVersion, electronRange, projectRange }) {
  if (!electronRange || semver.satisfies(nodeVersion, electronRange)) return null;
  const needed = semver.minVersion(electronRange)?.version ?? electronRange;
  const rest = projectRange && semver.satisfies(nodeVersion, projectRange)
    ? ' Everything else works on this Node.js: the tests (`npm test`), the server (`npm run server`) and web mode (`npm run web`, the same app in your browser).'
    : ` The rest of Monarch (tests, server, web mode) needs Node.js ${semver.minVersion(projectRange ?? '*')?.version ?? projectRange} or later.`;
  return paragraph(
    `The desktop app needs Node.js ${needed} or later: Electron ${electronVersion} and the tools that download and package it require it (${electronRange}), and this is Node.js ${nodeVersion}. Install a newer Node.js (from nodejs.org, or \`nvm install 22\`) and run \`npm start\` again.${rest}`,
  );
}

/** The executable inside electron/dist for this platform (what electron's install.js writes to path.txt). */
function platformExecutable(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Where the Electron binary of the installed `electron` package is, or null when it has not been
 * downloaded (the same test as electron's install.js: dist/version matches, path.txt, the file).
 */
export function installedElectron(electronDir, env = process.env, platform = process.platform) {
  const { version } = readJson(join(electronDir, 'package.json'));
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, platformExecutable(platform));
    return existsSync(p) ? p : null;
  }
  try {
    if (readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '') !== version) return null;
    const executable = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    const p = join(electronDir, 'dist', executable);
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** The downloader's own words for why it failed: the message of the first `…Error: …` line. */
export function downloadFailureReason(output) {
  for (const line of String(output ?? '').split(/\r?\n/)) {
    const m = /^\s*(?:\w*Error|Error)(?: \[\w+\])?: (.+)$/.exec(line);
    if (m) return m[1].trim().slice(0, 200);
  }
  return null;
}

/** ELECTRON_SKIP_BINARY_DOWNLOAD (CI sets it) means: never download, even on `npm start`. */
function downloadSkipped(env) {
  const v = env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return v !== undefined && !['', '0', 'false'].includes(v.toLowerCase());
}

function electronUnavailable(version, reason, env) {
  const source = env.ELECTRON_MIRROR ? `ELECTRON_MIRROR (${env.ELECTRON_MIRROR})` : 'GitHub (github.com/electron/electron/releases)';
  const why = downloadSkipped(env)
    ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded'
    : `its download from ${source} failed${reason ? ` (${reason})` : ''}`;
  return paragraph(
    `The desktop app cannot start: it runs in Electron ${version}, which is not on this computer, and ${why}. ` +
      'Electron is downloaded once, on the first `npm start`. ' +
      'If this computer cannot reach GitHub, set ELECTRON_MIRROR to a mirror it can reach and try again, for example ' +
      '`ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start`. ' +
      'Without Electron, web mode runs the same app in your browser: `npm run web`.',
  );
}

/** Runs electron's own installer (node_modules/electron/install.js), its output captured. */
function runElectronInstaller(electronDir, env) {
  return spawnSync(process.execPath, [join(electronDir, 'install.js')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The Electron binary's path, downloading it first when it is missing; or the paragraph that says
 * why it cannot be had. `runInstaller` is electron's installer (a fake in tests).
 */
export function ensureElectron({ electronDir, env = process.env, log = (m) => console.error(m), runInstaller = runElectronInstaller }) {
  const { version } = readJson(join(electronDir, 'package.json'));
  const present = installedElectron(electronDir, env);
  if (present) return { ok: true, path: present };
  if (downloadSkipped(env)) return { ok: false, message: electronUnavailable(version, null, env) };
  log(`Downloading Electron ${version} (once)…`);
  const r = runInstaller(electronDir, env);
  const after = installedElectron(electronDir, env);
  if (r.status === 0 && after) return { ok: true, path: after };
  return { ok: false, message: electronUnavailable(version, downloadFailureReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}`) ?? (r.error ? r.error.message : null), env) };
}

/** Every check in order; returns the exit code (0 = go on with the build). */
export function runPreflight({
  nodeVersion = process.versions.node,
  projectDir = root,
  electronDir = join(projectDir, 'node_modules', 'electron'),
  env = process.env,
  log = (m) => console.error(m),
  runInstaller,
} = {}) {
  if (!existsSync(join(electronDir, 'package.json'))) {
    log(paragraph('The desktop app needs the `electron` package, which is not installed: run `npm install` first.'));
    return 1;
  }
  const electronPkg = readJson(join(electronDir, 'package.json'));
  const projectPkg = readJson(join(projectDir, 'package.json'));
  const tooOld = checkNodeVersion({
    nodeVersion,
    electronVersion: electronPkg.version,
    electronRange: electronPkg.engines?.node,
    projectRange: projectPkg.engines?.node,
  });
  if (tooOld) {
    log(tooOld);
    return 1;
  }
  const electron = ensureElectron({ electronDir, env, log, ...(runInstaller ? { runInstaller } : {}) });
  if (!electron.ok) {
    log(electron.message);
    return 1;
  }
  return 0;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  process.exit(runPreflight());
}
