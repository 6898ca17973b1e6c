/**
 * The SQLite addon for Electron (scripts/electron-native.mjs, issue 15 item 16): where npm's
 * configuration sets `nodedir`, node-gyp compiled against Node's headers and the result was cached
 * as Electron's. Now the ABI of what was built is read from the file before it is cached (and of a
 * cached copy before it is used), and a wrong one is rebuilt. The compiler here is a stand-in that
 * writes what a real build writes: an addon exporting `node_register_module_v<ABI>`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..', '..');

interface CompileRequest {
  runtime: string;
  version: string;
  work: string;
  freshHeaders: boolean;
}
interface Native {
  addonAbi(file: string): number | null;
  expectedAbi(o: { runtime: string; version: string; projectDir?: string }): number | null;
  buildEnvironment(env: NodeJS.ProcessEnv, runtime: string): NodeJS.ProcessEnv;
  nodeGypArgs(o: { runtime: string; version: string; devdir?: string; nodedir?: string }): string[];
  electronNativeBinding(o: {
    runtime?: string;
    projectDir?: string;
    cacheDir?: string;
    compile?: (r: CompileRequest) => string;
    log?: (m: string) => void;
  }): string;
}
// (A plain .mjs script: imported by URL so TypeScript does not look for its types.)
const native = (await import(pathToFileURL(join(root, 'scripts/electron-native.mjs')).href)) as Native;

const NODE_ABI = 115;
const ELECTRON_ABI = 150;

/** Bytes shaped like a compiled addon: padding around the registration symbol's name. */
function fakeAddon(abi: number): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(`\0_ZN4node\0node_register_module_v${abi}\0napi_module_register\0`, 'latin1'), Buffer.alloc(64)]);
}

let dir: string;
let project: string;
let cacheDir: string;
let logLines: string[];
const log = (m: string): void => void logLines.push(m);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monarch-native-test-'));
  project = join(dir, 'project');
  mkdirSync(join(project, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(project, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '45.6.1' }));
  writeFileSync(join(project, 'node_modules', 'electron', 'abi_version'), `${ELECTRON_ABI}\n`);
  cacheDir = join(project, '.electron-native');
  logLines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in compiler that produces the ABIs in `abis`, one per call. */
function compiler(...abis: number[]): { compile: (r: CompileRequest) => string; calls: CompileRequest[] } {
  const calls: CompileRequest[] = [];
  return {
    calls,
    compile: (r) => {
      calls.push(r);
      const abi = abis[calls.length - 1];
      if (abi === undefined) throw new Error('compiled more often than expected');
      const file = join(r.work, `build-${calls.length}.node`);
      writeFileSync(file, fakeAddon(abi));
      return file;
    },
  };
}

const cached = (): string => join(cacheDir, `electron-45.6.1-${process.platform}-${process.arch}`, 'better_sqlite3.node');

describe('the SQLite addon for Electron', () => {
  it('reads the ABI a real addon was compiled for (the one npm install built for this Node)', () => {
    expect(native.addonAbi(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(Number(process.versions.modules));
    expect(native.addonAbi(join(root, 'package.json'))).toBeNull();
  });

  it('knows the ABI Electron needs from the installed electron package', () => {
    expect(native.expectedAbi({ runtime: 'electron', version: '45.6.1', projectDir: project })).toBe(ELECTRON_ABI);
    expect(native.expectedAbi({ runtime: 'electron', version: '44.0.0', projectDir: project })).toBeNull();
    expect(native.expectedAbi({ runtime: 'node', version: process.versions.node })).toBe(Number(process.versions.modules));
    // The real package carries it too.
    expect(native.expectedAbi({ runtime: 'electron', version: (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version })).toBeGreaterThan(NODE_ABI);
  });

  it('a build with the wrong ABI (Node headers through nodedir) is never cached: it is built again and the right one kept', () => {
    const c = compiler(NODE_ABI, ELECTRON_ABI);
    const out = native.electronNativeBinding({ projectDir: project, cacheDir, compile: c.compile, log });
    expect(out).toBe(cached());
    expect(native.addonAbi(out)).toBe(ELECTRON_ABI);
    expect(c.calls.map((r) => [r.runtime, r.version, r.freshHeaders])).toEqual([
      ['electron', '45.6.1', false],
      ['electron', '45.6.1', true],
    ]);
    expect(logLines.join('\n')).toContain('ABI 115, but electron 45.6.1 needs 150');
  });

  it('when every build has the wrong ABI, says so and caches nothing', () => {
    const c = compiler(NODE_ABI, NODE_ABI);
    expect(() => native.electronNativeBinding({ projectDir: project, cacheDir, compile: c.compile, log })).toThrow(/ABI 115 where electron needs 150.*nodedir/s);
    expect(existsSync(cached())).toBe(false);
    expect(c.calls).toHaveLength(2);
  });

  it('a cached addon of the wrong ABI (cached by an earlier version of this script) is rebuilt; a right one is used as it is', () => {
    mkdirSync(join(cached(), '..'), { recursive: true });
    writeFileSync(cached(), fakeAddon(NODE_ABI));
    const c = compiler(ELECTRON_ABI);
    expect(native.electronNativeBinding({ projectDir: project, cacheDir, compile: c.compile, log })).toBe(cached());
    expect(native.addonAbi(cached())).toBe(ELECTRON_ABI);
    expect(c.calls).toHaveLength(1);
    expect(logLines[0]).toContain('built for ABI 115, not 150');

    const again = compiler();
    expect(native.electronNativeBinding({ projectDir: project, cacheDir, compile: again.compile, log })).toBe(cached());
    expect(again.calls).toHaveLength(0);
  });

  it('node-gyp runs directly, for Electron without npm settings that choose other headers', () => {
    const env = {
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.19.0',
      npm_config_runtime: 'node',
      npm_config_dist_url: 'https://nodejs.org/dist',
      'npm_config_dist-url': 'https://nodejs.org/dist',
      npm_config_python: '/usr/bin/python3',
    };
    expect(native.buildEnvironment(env, 'electron')).toEqual({ PATH: '/usr/bin', npm_config_python: '/usr/bin/python3' });
    // A build for Node itself keeps the user's nodedir: those are the right headers for it.
    expect(native.buildEnvironment(env, 'node')).toEqual(env);

    const args = native.nodeGypArgs({ runtime: 'electron', version: '45.6.1', devdir: '/tmp/h' });
    expect(args[0]).toMatch(/node-gyp[\\/]bin[\\/]node-gyp\.js$/);
    expect(existsSync(args[0]!)).toBe(true);
    expect(args.slice(1)).toEqual(['rebuild', '--release', '--target=45.6.1', '--runtime=electron', '--dist-url=https://electronjs.org/headers', '--devdir=/tmp/h']);
    // npm's nodedir is for Node: passed to a Node build (node-gyp run directly would not see it), never to Electron's.
    expect(native.nodeGypArgs({ runtime: 'electron', version: '45.6.1', nodedir: '/usr' })).not.toContain('--nodedir=/usr');
    expect(native.nodeGypArgs({ runtime: 'node', version: '20.19.0', nodedir: '/usr' }).slice(1)).toEqual(['rebuild', '--release', '--target=20.19.0', '--nodedir=/usr']);
  });
});
