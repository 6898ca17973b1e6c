/**
 * Packaging (issue 6): `npm run dist` cannot run here (no Electron download), so this checks what
 * can be checked without it: electron-builder loads build/electron-builder.yml and validates it
 * against its own schema, every file the configuration names exists, the icons are our artwork at
 * the sizes each platform needs, and the tray has a picture for every status.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MY_STATUSES } from '../../shared/model';
import { TRAY_ICON_NAMES, trayIconName } from '../../electron/main/tray-icons';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const CONFIG = 'build/electron-builder.yml';

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: (string | { filter: string[] })[];
  asarUnpack?: string[];
  icon?: string;
  extraResources?: { from: string; to: string }[];
  directories?: { buildResources?: string; output?: string };
  linux?: { target?: string[]; icon?: string; category?: string; desktop?: { entry?: Record<string, string> } };
  win?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  publish?: unknown;
  npmRebuild?: boolean;
  afterPack?: string;
}

async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig } = require('app-builder-lib/out/util/config/config') as {
    getConfig(dir: string, path: string, options: null): Promise<BuilderConfig>;
  };
  return getConfig(root, CONFIG, null);
}

async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(c: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

/** Width and height from a PNG's IHDR chunk (and that it is a PNG at all). */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Electron's fuse wire: this sentinel, then the wire version, its length and one byte per fuse. */
const FUSE_SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1');
const FUSE_NAMES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
] as const;

/** The fuses of an Electron binary, read byte by byte ('1' on, '0' off). */
function fuseWire(binary: string): Record<(typeof FUSE_NAMES)[number], boolean> {
  const b = readFileSync(binary);
  const at = b.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
  expect(at).toBeGreaterThanOrEqual(FUSE_SENTINEL.length);
  expect(b[at]).toBe(1);
  const wire = b.subarray(at + 2, at + 2 + b[at + 1]!).toString('latin1');
  return Object.fromEntries(FUSE_NAMES.map((name, i) => [name, wire[i] === '1'])) as Record<(typeof FUSE_NAMES)[number], boolean>;
}

describe('packaging (electron-builder)', () => {
  it('the configuration loads and passes electron-builder’s own schema; a broken one does not', async () => {
    const config = await loadConfig();
    await validate(config);
    await expect(validate({ ...config, linux: { ...config.linux, notAnOption: true } })).rejects.toThrow(/Invalid configuration/);
  });

  it('names the app, builds AppImage + deb, NSIS and dmg, and publishes nothing', async () => {
    const c = await loadConfig();
    expect(c.appId).toBe('chat.monarch.app');
    expect(c.productName).toBe('Monarch');
    expect(c.linux?.target).toEqual(['AppImage', 'deb']);
    expect(c.linux?.category).toBe('Network');
    expect(c.linux?.desktop?.entry?.Categories).toBe('Network;InstantMessaging;');
    expect(c.win?.target).toEqual(['nsis']);
    expect(c.mac?.target).toEqual(['dmg']);
    expect(c.publish).toBeNull();
    // getConfig normalises `files` to file sets: [{ filter: [...] }].
    const files = (c.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    expect(c.asarUnpack).toContain('node_modules/better-sqlite3/**');

    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.scripts.dist).toContain(`electron-builder --config ${CONFIG} --publish never`);
    expect(pkg.scripts.dist).toMatch(/^npm run build && /);
    // The entry point electron-builder packs is inside `files`.
    expect(pkg.main.startsWith('out/')).toBe(true);
  });

  it('every file or folder the configuration names exists', async () => {
    const c = await loadConfig();
    const named = [
      c.directories?.buildResources,
      c.icon,
      c.linux?.icon,
      c.win?.icon,
      c.mac?.icon,
      ...(c.extraResources ?? []).map((r) => r.from),
      'build/icon.svg',
      c.afterPack,
    ].filter((p): p is string => typeof p === 'string');
    expect(named.length).toBeGreaterThan(6);
    for (const p of named) expect(existsSync(join(root, p)), p).toBe(true);
  });

  it('node_modules is never rebuilt for Electron in place; the afterPack hook loads and puts the Electron addon into the package', async () => {
    const c = await loadConfig();
    expect(c.npmRebuild).toBe(false);
    const { resolveFunction } = require('app-builder-lib/out/util/resolve') as {
      resolveFunction(type: string, executor: unknown, name: string, root: string): Promise<unknown>;
    };
    const cwd = process.cwd();
    process.chdir(root); // electron-builder resolves `./…` hooks from the project folder it runs in
    try {
      expect(typeof (await resolveFunction('afterPack', c.afterPack, 'afterPack', root))).toBe('function');
    } finally {
      process.chdir(cwd);
    }

    // (A plain .mjs script: imported by URL so TypeScript does not look for its types.)
    const hook = (await import(pathToFileURL(join(root, 'scripts/electron-builder-after-pack.mjs')).href)) as {
      installSqliteAddon(o: { appOutDir: string; platform: string; productFilename: string; binding: string }): string;
    };
    const dir = mkdtempSync(join(tmpdir(), 'monarch-pack-'));
    try {
      const binding = join(dir, 'electron-abi.node');
      writeFileSync(binding, 'electron build');
      const release = (res: string) => join(res, 'app.asar.unpacked/node_modules/better-sqlite3/build/Release');
      for (const [platform, res] of [
        ['linux', join(dir, 'linux-unpacked/resources')],
        ['win32', join(dir, 'linux-unpacked/resources')],
        ['darwin', join(dir, 'mac/Monarch.app/Contents/Resources')],
      ] as const) {
        mkdirSync(release(res), { recursive: true });
        writeFileSync(join(release(res), 'better_sqlite3.node'), 'node build');
        const appOutDir = platform === 'darwin' ? join(dir, 'mac') : join(dir, 'linux-unpacked');
        const written = hook.installSqliteAddon({ appOutDir, platform, productFilename: 'Monarch', binding });
        expect(written).toBe(join(release(res), 'better_sqlite3.node'));
        expect(readFileSync(written, 'utf8')).toBe('electron build');
      }
      // A package without the unpacked module is a configuration mistake, said plainly.
      expect(() => hook.installSqliteAddon({ appOutDir: join(dir, 'nothing'), platform: 'linux', productFilename: 'Monarch', binding })).toThrow(/asarUnpack/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('app icons are our artwork at 16 … 1024 px (square, the sizes each platform needs)', () => {
    const dir = join(root, 'build/icons');
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(join(dir, `${n}x${n}.png`))).toEqual({ width: n, height: n });
    // macOS needs ≥ 512 for the .icns electron-builder derives, Windows ≥ 256 for the .ico.
    expect(pngSize(join(root, 'build/icon.png'))).toEqual({ width: 1024, height: 1024 });
    expect(readFileSync(join(root, 'build/icon.svg'), 'utf8')).toContain('aria-label="Monarch"');
    // Nothing else hides in the folder under a name Linux's icon theme would not understand.
    for (const f of readdirSync(dir)) expect(f).toMatch(/^\d+x\d+\.png$/);
  });

  it('the tray has a 16 px and a 32 px (@2x) picture for every status, plus the unread overlay', () => {
    for (const status of [...MY_STATUSES, null]) expect(TRAY_ICON_NAMES).toContain(trayIconName(status));
    for (const name of TRAY_ICON_NAMES) {
      expect(pngSize(join(root, 'build/tray', `${name}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(root, 'build/tray', `${name}@2x.png`))).toEqual({ width: 32, height: 32 });
    }
    expect(pngSize(join(root, 'build/tray/unread-overlay.png'))).toEqual({ width: 16, height: 16 });
  });

  // The whole `electron-builder --dir` run, offline: a stand-in Electron distribution (electronDist)
  // and a stand-in Electron addon (MONARCH_SQLITE_BINDING), so what is checked is what we
  // configure: which files go in, what is unpacked, the hook, the extra resources.
  it.skipIf(process.platform !== 'linux')('packs the app: our build only, the SQLite addon unpacked and replaced, tray pictures beside it', { timeout: 180_000 }, async () => {
    if (!existsSync(join(root, 'out/main/index.js'))) {
      const { build } = await import('vite');
      await build({ configFile: join(root, 'vite.electron.config.ts'), mode: 'main', logLevel: 'warn' });
    }
    const dir = mkdtempSync(join(tmpdir(), 'monarch-dist-'));
    const electronDist = join(dir, 'electron-dist');
    mkdirSync(join(electronDist, 'resources'), { recursive: true });
    // A stand-in binary with Electron's fuse wire in it, as Electron ships it (sentinel, wire
    // version 1, 8 fuses: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, ASAR
    // integrity off, only-ASAR off, browser V8 snapshot off, file:// privileges on).
    writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n'), FUSE_SENTINEL, Buffer.from([1, 8]), Buffer.from('10110001', 'latin1')]), { mode: 0o755 });
    writeFileSync(join(electronDist, 'version'), '0.0.0');
    writeFileSync(join(electronDist, 'LICENSE'), '');
    const addon = join(dir, 'electron-abi.node');
    writeFileSync(addon, 'electron-abi addon');
    const before = process.env.MONARCH_SQLITE_BINDING;
    process.env.MONARCH_SQLITE_BINDING = addon;
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const config = await loadConfig();
      const builder = require('electron-builder') as {
        build(o: unknown): Promise<string[]>;
        Platform: { LINUX: { createTarget(type: string, arch: number): unknown } };
        Arch: Record<string, number>;
      };
      await builder.build({
        projectDir: root,
        targets: builder.Platform.LINUX.createTarget('dir', builder.Arch[process.arch]!),
        publish: 'never',
        config: { ...config, electronDist, directories: { ...config.directories, output: join(dir, 'out') } },
      });
      const resources = join(dir, 'out/linux-unpacked/resources');
      const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[]; extractFile(p: string, f: string): Buffer };
      const packagedPkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString()) as Record<string, unknown>;
      expect(packagedPkg).toMatchObject({ main: 'out/main/index.js', productName: 'Monarch', desktopName: 'monarch.desktop' });
      const files = asar.listPackage(join(resources, 'app.asar'), {}).map((f) => f.replaceAll('\\', '/'));
      expect(files).toContain('/out/main/index.js');
      expect(files).toContain('/package.json');
      expect(files.some((f) => f.startsWith('/out/renderer-test'))).toBe(false);
      expect(files.some((f) => f.startsWith('/node_modules/react/'))).toBe(false);
      expect(files).toContain('/node_modules/zod/package.json');
      const unpacked = join(resources, 'app.asar.unpacked/node_modules/better-sqlite3');
      expect(readFileSync(join(unpacked, 'build/Release/better_sqlite3.node'), 'utf8')).toBe('electron-abi addon');
      expect(existsSync(join(unpacked, 'deps'))).toBe(false);
      expect(existsSync(join(unpacked, 'build/Release/obj'))).toBe(false);
      expect(readdirSync(join(resources, 'tray')).sort()).toEqual(readdirSync(join(root, 'build/tray')).sort());
      expect(pngSize(join(resources, 'icon.png'))).toEqual({ width: 512, height: 512 });
      // Fuses flipped in the packaged binary: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect,
      // cookies encrypted, app.asar only (and integrity-checked where Electron supports it), no
      // extra file:// privileges; the browser V8 snapshot fuse is left as shipped.
      expect(fuseWire(join(dir, 'out/linux-unpacked/monarch'))).toEqual({
        RunAsNode: false,
        EnableCookieEncryption: true,
        EnableNodeOptionsEnvironmentVariable: false,
        EnableNodeCliInspectArguments: false,
        EnableEmbeddedAsarIntegrityValidation: true,
        OnlyLoadAppFromAsar: true,
        LoadBrowserProcessSpecificV8Snapshot: false,
        GrantFileProtocolExtraPrivileges: false,
      });
    } finally {
      process.chdir(cwd);
      if (before === undefined) delete process.env.MONARCH_SQLITE_BINDING;
      else process.env.MONARCH_SQLITE_BINDING = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
