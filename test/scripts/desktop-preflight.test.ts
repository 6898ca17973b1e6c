/**
 * `npm start`'s first step (scripts/desktop-preflight.mjs), run with a stand-in `electron` package
 * (issue 15, items 14 and 15): the Node.js version Electron's tooling needs is checked before
 * anything else, a missing Electron binary is fetched by electron's own installer, and when that
 * fails the user reads one plain paragraph (ELECTRON_MIRROR, web mode), not the downloader's stack.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..', '..');

interface InstallerResult {
  status: number | null;
  stdout?: string;
  stderr?: string;
  error?: Error;
}
interface PreflightOptions {
  nodeVersion?: string;
  projectDir?: string;
  electronDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (m: string) => void;
  runInstaller?: (electronDir: string, env: NodeJS.ProcessEnv) => InstallerResult;
}
interface Preflight {
  runPreflight(o: PreflightOptions): number;
  ensureElectron(o: PreflightOptions & { electronDir: string }): { ok: true; path: string } | { ok: false; message: string };
  checkNodeVersion(o: { nodeVersion: string; electronVersion: string; electronRange: string; projectRange: string }): string | null;
}
// (A plain .mjs script: imported by URL so TypeScript does not look for its types.)
const preflight = (await import(pathToFileURL(join(root, 'scripts/desktop-preflight.mjs')).href)) as Preflight;

/** What electron's installer prints when GitHub cannot be reached (its `console.error(err.stack)`). */
const FETCH_FAILED_STACK = [
  'TypeError: fetch failed',
  '    at node:internal/deps/undici/undici:13502:13',
  '    at async getUrl (/x/node_modules/@electron/get/dist/index.js:88:12)',
  '    at async downloadArtifact (/x/node_modules/@electron/get/dist/index.js:201:5)',
].join('\n');

let dir: string;
let project: string;
let electronDir: string;
let lines: string[];
const log = (m: string): void => void lines.push(m);

/** A project with the real engines range, and an `electron` package whose installer is `installer`. */
function standIn(installer: string): void {
  writeFileSync(join(electronDir, 'install.js'), installer);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-preflight-'));
  project = join(dir, 'project');
  electronDir = join(project, 'node_modules', 'electron');
  mkdirSync(electronDir, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'monarch', engines: { node: '>=20.19' } }));
  writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.6.1', engines: { node: '>= 22.12.0' } }));
  standIn(`process.stderr.write(${JSON.stringify(`${FETCH_FAILED_STACK}\n`)}); process.exit(1);\n`);
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One paragraph: no blank line, no stack frame. */
function expectOneParagraph(text: string): void {
  expect(text.trim()).toBe(text);
  expect(text).not.toMatch(/\n\s*\n/);
  expect(text).not.toMatch(/^\s+at /m);
}

describe('npm start: the desktop preflight', () => {
  it('runs first: before the UI build and before the SQLite build for Electron', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const steps = pkg.scripts.start!.split('&&').map((s) => s.trim());
    expect(steps[0]).toBe('node scripts/desktop-preflight.mjs');
    expect(steps.indexOf('npm run build')).toBeGreaterThan(0);
    expect(steps.at(-1)).toBe('node scripts/start-electron.mjs');
  });

  it('on a Node.js older than Electron needs, says what is needed for what and stops before touching Electron', () => {
    let installerRuns = 0;
    const code = preflight.runPreflight({
      nodeVersion: '20.19.0',
      projectDir: project,
      env: {},
      log,
      runInstaller: () => {
        installerRuns += 1;
        return { status: 0 };
      },
    });
    expect(code).toBe(1);
    expect(installerRuns).toBe(0);
    expect(lines).toHaveLength(1);
    const text = lines[0]!;
    expectOneParagraph(text);
    expect(text).toContain('Node.js 22.12.0 or later');
    expect(text).toContain('this is Node.js 20.19.0');
    expect(text).toContain('Electron 45.6.1');
    // What does work on this Node.
    expect(text).toMatch(/npm test.*npm run server.*npm run web/s);
  });

  it('on a Node.js older than the project itself needs, says that too', () => {
    const code = preflight.runPreflight({ nodeVersion: '18.20.0', projectDir: project, env: {}, log });
    expect(code).toBe(1);
    expect(lines[0]).toContain('needs Node.js 20.19.0 or later');
  });

  it('when the download fails, prints one plain paragraph naming ELECTRON_MIRROR and web mode, not the stack', () => {
    const code = preflight.runPreflight({ nodeVersion: '22.12.0', projectDir: project, env: {}, log });
    expect(code).toBe(1);
    expect(lines[0]).toBe('Downloading Electron 45.6.1 (once)…');
    const text = lines[1]!;
    expect(lines).toHaveLength(2);
    expectOneParagraph(text);
    expect(text).toContain('Electron 45.6.1');
    expect(text).toContain('(fetch failed)');
    expect(text).toContain('ELECTRON_MIRROR');
    expect(text).toContain('npm run web');
    expect(text).not.toContain('TypeError');
    expect(text).not.toContain('undici');
  });

  it('with ELECTRON_SKIP_BINARY_DOWNLOAD set (as CI sets it), never downloads and says why', () => {
    let installerRuns = 0;
    const r = preflight.ensureElectron({
      electronDir,
      env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      log,
      runInstaller: () => {
        installerRuns += 1;
        return { status: 0 };
      },
    });
    expect(installerRuns).toBe(0);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expectOneParagraph(r.message);
      expect(r.message).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
      expect(r.message).toContain('npm run web');
    }
  });

  it('downloads a missing Electron with its own installer, then goes on', () => {
    // The stand-in installer does what electron's does: the binary in dist/, its version, path.txt.
    standIn(
      [
        "const fs = require('fs'); const path = require('path');",
        "fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });",
        "fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '');",
        "fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v45.6.1');",
        "fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');",
      ].join('\n'),
    );
    const code = preflight.runPreflight({ nodeVersion: '22.12.0', projectDir: project, env: {}, log });
    expect(code).toBe(0);
    expect(lines).toEqual(['Downloading Electron 45.6.1 (once)…']);
    // Present now: a second start downloads nothing.
    lines = [];
    const again = preflight.ensureElectron({ electronDir, env: {}, log, runInstaller: () => ({ status: 1 }) });
    expect(again).toEqual({ ok: true, path: join(electronDir, 'dist', 'electron') });
    expect(lines).toEqual([]);
  });

  it('a binary of another Electron version counts as missing', () => {
    mkdirSync(join(electronDir, 'dist'));
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    writeFileSync(join(electronDir, 'dist', 'version'), 'v45.4.1');
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    const env = { ELECTRON_MIRROR: 'https://mirror.example/electron/' };
    const r = preflight.ensureElectron({ electronDir, env, log, runInstaller: () => ({ status: 1, stderr: 'HTTPError: Response code 404 (Not Found)\n    at x' }) });
    expect(r.ok).toBe(false);
    // The mirror that was tried is named.
    if (!r.ok) expect(r.message.replace(/\n/g, ' ')).toContain('download from ELECTRON_MIRROR (https://mirror.example/electron/) failed (Response code 404 (Not Found))');
  });

  it('CI never downloads Electron: .ci/run sets ELECTRON_SKIP_BINARY_DOWNLOAD, npm runs no electron install script', () => {
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^export ELECTRON_SKIP_BINARY_DOWNLOAD=1$/m);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(Object.keys(pkg.allowScripts ?? {}).filter((name) => /electron/.test(name))).toEqual([]);
    // And the one place that would fetch it, npm start's preflight, honours the variable (above).
  });

  it('holds the installed Electron to its own engines, and that covers the tools that fetch and package it', () => {
    const electronPkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string; engines: { node: string } };
    const projectRange = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const check = (nodeVersion: string) => preflight.checkNodeVersion({ nodeVersion, electronVersion: electronPkg.version, electronRange: electronPkg.engines.node, projectRange });
    expect(check('20.19.0')).toMatch(/needs Node.js 22\.12\.0 or later/);
    expect(check('22.11.0')).not.toBeNull();
    expect(check('22.12.0')).toBeNull();
    expect(check('24.0.0')).toBeNull();
    // @electron/get (the download) and @electron/rebuild (electron-builder) ask for no more: the
    // lowest Node.js Electron accepts satisfies them too.
    const semver = createRequire(import.meta.url)('semver') as { minVersion(r: string): { version: string } | null; satisfies(v: string, r: string): boolean };
    const lowest = semver.minVersion(electronPkg.engines.node)!.version;
    for (const tool of ['@electron/get', '@electron/rebuild']) {
      const range = (JSON.parse(readFileSync(join(root, 'node_modules', tool, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
      expect(semver.satisfies(lowest, range), `${tool} ${range}`).toBe(true);
    }
  });
});
