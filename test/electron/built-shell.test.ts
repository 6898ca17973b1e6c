/**
 * Smoke test of what `npm start` runs: the main process and preload BUILT by vite.electron.config.ts,
 * laid out as `npm run build` lays them out, next to the built renderer. The real app cannot be
 * launched here (no Electron binary; test/electron/app.test.ts skips), and shell.test.ts tests the
 * TypeScript sources, so only this notices a wrong external, an ESM/CommonJS mix-up, a preload
 * that needs a module the sandbox refuses, or a wrong path from the main bundle to the renderer or
 * the preload.
 *
 * - The preload runs in a sandbox-like `node:vm` world whose `require` gives only 'electron'.
 * - The main process runs in plain Node (`node <app folder>`, so package.json "main" is what
 *   starts, as with `electron .`) with a fake `electron` (test/helpers/fake-electron) that records
 *   every call and answers for Electron's side: protocol requests, IPC invokes, the tray menu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build, type UserConfig } from 'vite';
import electronViteConfig from '../../vite.electron.config';
import rendererViteConfig from '../../vite.config';
import { COMMAND_NAMES, EVENT_CHANNEL, commandChannel, type AppSnapshot, type CommandName, type Result, type SequencedEvent } from '../../shared/ipc';
import { APP_ORIGIN, APP_SCHEME } from '../../electron/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security';
import { FakeElectronMain, installFakeElectron, type FetchReply } from '../helpers/fake-electron';
import { runPreload } from '../helpers/fake-electron/preload-sandbox';
import { rendererBuild } from '../e2e/renderer-build';

const root = resolve(import.meta.dirname, '..', '..');
/** Generous: a loaded two-core machine starts Node, SQLite and the local server slowly. */
const WAIT = 30_000;
/** What Node writes to stderr for an uncaught exception, an unhandled rejection, or a warning of its own. */
const CRASH = /^\s+at |^\w*Error\b|Uncaught|Unhandled|^\(node:\d+\)/m;

/** Where a build puts its output (relative to the repository) and its entry file's name. */
function buildOutput(config: UserConfig): { dir: string; entry: string | null } {
  const outDir = config.build?.outDir;
  if (!outDir) throw new Error('the Vite config names no build.outDir');
  const output = config.build?.rollupOptions?.output;
  const entry = output && !Array.isArray(output) && typeof output.entryFileNames === 'string' ? output.entryFileNames : null;
  return { dir: relative(root, resolve(root, outDir)), entry };
}
const electronBuild = (mode: 'main' | 'preload') => buildOutput(electronViteConfig({ mode, command: 'build' }));

let work: string;
/** The app folder as `electron .` sees it: package.json, out/{main,preload,renderer}, node_modules, build/. */
let appDir: string;
let preloadFile: string;

/** `npm run build`'s two shell builds, with the real config, into the app folder instead of out/. */
async function buildShell(): Promise<void> {
  const env = process.env.NODE_ENV;
  // Vitest runs with NODE_ENV=test; `npm run build` runs as production.
  process.env.NODE_ENV = 'production';
  try {
    for (const mode of ['main', 'preload'] as const) {
      const outDir = join(appDir, electronBuild(mode).dir);
      await build({ configFile: join(root, 'vite.electron.config.ts'), mode, logLevel: 'warn', build: { outDir } });
    }
  } finally {
    process.env.NODE_ENV = env;
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'monarch-built-shell-'));
  appDir = join(work, 'app');
  mkdirSync(appDir);
  await buildShell();
  const renderer = join(appDir, buildOutput(rendererViteConfig).dir);
  mkdirSync(resolve(renderer, '..'), { recursive: true });
  symlinkSync(await rendererBuild(), renderer, 'junction');
  copyFileSync(join(root, 'package.json'), join(appDir, 'package.json'));
  // Dependencies stay external in the main bundle: Node finds them from the app folder, as in the repository.
  symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'junction');
  // Development builds take the tray pictures and window icon from <app>/build.
  symlinkSync(join(root, 'build'), join(appDir, 'build'), 'junction');
  const preload = electronBuild('preload');
  preloadFile = join(appDir, preload.dir, preload.entry ?? 'no entry file name in the config');
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the built preload, in a sandboxed world', () => {
  const answerTo = (channel: string) => ({ ok: true, value: `answer on ${channel}` });
  /** A fresh window's preload: the world it ran in and what it exposed as `window.monarch`. */
  const load = () => {
    const world = runPreload(preloadFile, (channel) => answerTo(channel));
    return { world, api: world.exposed.get('monarch') as Record<string, unknown> };
  };

  it('needs no module but electron and exposes window.monarch only: a method per command, host and onEvent', () => {
    const { world, api } = load();
    expect(world.required).toEqual(['electron']);
    expect([...world.exposed.keys()]).toEqual(['monarch']);
    expect([...Object.keys(api)].sort()).toEqual([...COMMAND_NAMES, 'host', 'onEvent'].sort());
    for (const name of COMMAND_NAMES) expect(typeof api[name], name).toBe('function');
    expect(api.host).toBe('electron');
  });

  it('a command is ipcRenderer.invoke on its own channel with the input, and resolves with the answer', async () => {
    const { world, api } = load();
    const input = { handle: 'Bob@Example.com' };
    for (const name of COMMAND_NAMES) {
      const result = await (api[name] as (i: unknown) => Promise<unknown>)(input);
      expect(world.invoked.at(-1), name).toEqual([commandChannel(name), input]);
      expect(result).toEqual(answerTo(commandChannel(name)));
    }
    expect(world.invoked).toHaveLength(COMMAND_NAMES.length);
    expect(world.sent).toEqual([]);
  });

  it('events come through ipcRenderer.on without the IPC event (its sender); unsubscribing removes the listener', () => {
    const { world, api } = load();
    const got: unknown[] = [];
    const off = (api.onEvent as (l: (e: unknown) => void) => () => void)((e) => got.push(e));
    const [listener, ...more] = world.listeners(EVENT_CHANNEL);
    expect(listener).toBeTypeOf('function');
    expect(more).toEqual([]);
    const event = { seq: 1, at: 2, event: { type: 'unread.changed', total: 1 } };
    listener!({ sender: 'the IPC event, which must not reach the page' }, event);
    expect(got).toEqual([event]);
    off();
    expect(world.listeners(EVENT_CHANNEL)).toEqual([]);
  });
});

describe('the built main process, in Node with a fake electron', { timeout: 3 * WAIT }, () => {
  let main: FakeElectronMain;
  let home: string;

  const fetchApp = async (url: string) => (await main.request({ kind: 'fetch', url }, WAIT)) as FetchReply;
  const invoke = async <K extends CommandName>(name: K, input: unknown) =>
    (await main.request({ kind: 'invoke', window: 1, channel: commandChannel(name), input }, WAIT)) as Result<unknown>;
  const sentEvents = () => main.calls('webContents#1.send').filter((c) => c.args[0] === EVENT_CHANNEL).map((c) => (c.args[1] as SequencedEvent).event);

  beforeAll(async () => {
    const register = await installFakeElectron(join(work, 'fake-electron'));
    home = join(work, 'home');
    mkdirSync(home);
    main = new FakeElectronMain({ register, appDir, home });
    // The contact list is the last thing start-up does before the automatic sign-in.
    await main.waitFor(() => main.calls('BrowserWindow#1.loadURL')[0], 'contact-list page load', WAIT);
  }, 2 * WAIT);

  afterAll(() => main?.kill());

  it('registers its scheme as privileged (standard, secure, code cache) before the app is ready', () => {
    const registered = main.calls('protocol.registerSchemesAsPrivileged');
    expect(registered).toHaveLength(1);
    expect(registered[0]!.args[0]).toEqual([
      { scheme: APP_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true, codeCache: true }) },
    ]);
    const readyAt = main.recorded.findIndex((r) => r.kind === 'lifecycle' && r.what === 'ready');
    expect(readyAt).toBeGreaterThan(main.recorded.indexOf(registered[0]!));
  });

  it('serves the built renderer on its scheme, with the strict CSP, scripts and styles included', async () => {
    expect(main.calls('protocol.handle').map((c) => c.args[0])).toEqual([APP_SCHEME]);
    const page = await fetchApp(`${APP_ORIGIN}/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect(page.body).toBe(readFileSync(join(appDir, buildOutput(rendererViteConfig).dir, 'index.html'), 'utf8'));
    // The page's own scripts and styles resolve through the protocol (relative URLs, `base: './'`).
    const assets = [...page.body.matchAll(/(?:src|href)="(\.\/[^"]+)"/g)].map((m) => new URL(m[1]!, `${APP_ORIGIN}/index.html`).href);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const reply = await fetchApp(asset);
      expect(reply.status, asset).toBe(200);
      expect(reply.body.length, asset).toBeGreaterThan(0);
    }
    expect((await fetchApp(`${APP_ORIGIN}/conversation.html`)).status).toBe(200);
  });

  it('refuses whatever lies outside the renderer folder, though the files exist', async () => {
    const escapes = [
      [`${APP_ORIGIN}/..%2fmain%2findex.js`, join(appDir, electronBuild('main').dir, 'index.js')],
      [`${APP_ORIGIN}/%2e%2e%2fpreload%2fpreload.cjs`, preloadFile],
      [`${APP_ORIGIN}/..%2f..%2fpackage.json`, join(appDir, 'package.json')],
      [`${APP_ORIGIN}/..%5c..%5cpackage.json`, join(appDir, 'package.json')],
    ] as const;
    for (const [url, file] of escapes) {
      expect(existsSync(file), file).toBe(true);
      const reply = await fetchApp(url);
      expect(reply.status, url).toBe(404);
      expect(reply.body).not.toContain(readFileSync(file, 'utf8').slice(0, 200));
    }
    expect((await fetchApp(`${APP_SCHEME}://elsewhere/index.html`)).status).toBe(404);
  });

  it('opens the contact list isolated, sandboxed, without Node, with the built preload, at the app URL', () => {
    const windows = main.calls('new BrowserWindow');
    expect(windows).toHaveLength(1);
    const { webPreferences } = windows[0]!.args[0] as { webPreferences: Record<string, unknown> };
    expect(webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(existsSync(String(webPreferences.preload)), `the window's preload ${String(webPreferences.preload)} exists`).toBe(true);
    expect(webPreferences.preload).toBe(preloadFile);
    expect(main.calls('BrowserWindow#1.loadURL').map((c) => c.args[0])).toEqual([`${APP_ORIGIN}/index.html`]);
    expect(main.calls('webContents#1.setWindowOpenHandler')).toHaveLength(1);
    expect(main.calls('session.defaultSession.setPermissionRequestHandler')).toHaveLength(1);
  });

  it('finds its pictures (tray, window icon) where `npm start` has them', () => {
    const pictures = main.calls('nativeImage.createFromPath').map((c) => String(c.args[0]));
    expect(pictures.length).toBeGreaterThan(0);
    const { icon } = main.calls('new BrowserWindow')[0]!.args[0] as { icon?: string };
    for (const file of [...pictures, icon ?? 'the contact list has no icon']) expect(existsSync(file), file).toBe(true);
  });

  it('binds every command of the contract, and its backend signs in to the bundled local server', async () => {
    expect(main.calls('ipcMain.handle').map((c) => c.args[0]).sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    const before = await invoke('snapshot', {});
    expect(before).toMatchObject({ ok: true, value: { state: { session: { connection: { status: 'signed-out' } } } } });
    expect(await invoke('signInDefaults', {})).toMatchObject({ ok: true, value: { localServerAvailable: true } });

    // The local server starts on the first sign-in to it: the server's code (a chunk of its own,
    // loaded on demand), SQLite in the profile folder, MSNP over TCP on 127.0.0.1, on ports the OS
    // chooses (MONARCH_LOCAL_SERVER_PORTS=any, set by the launcher; users get the usual MSN ones).
    const signedIn = await invoke('signIn', {
      server: { kind: 'local' },
      handle: 'smoke@example.com',
      password: 'smoke-pw',
      status: 'online',
      rememberMe: false,
      createAccount: true,
    });
    expect(signedIn).toEqual({ ok: true, value: { notice: null } });
    const after = (await invoke('snapshot', {})) as Result<AppSnapshot>;
    expect(after).toMatchObject({ ok: true, value: { state: { session: { handle: 'smoke@example.com', connection: { status: 'online' } } } } });
    // The window was told, through the event channel.
    expect(sentEvents()).toContainEqual(expect.objectContaining({ type: 'connection.changed', state: expect.objectContaining({ status: 'online' }) }));
    expect(existsSync(join(home, 'userData', 'local-server'))).toBe(true);
  });

  it('quits from the tray menu: signs out, stops the server, and the process then ends by itself, cleanly', async () => {
    await main.request({ kind: 'tray-menu', itemId: 'quit' }, WAIT);
    const exit = await main.ended('end of the process after Quit (is something the app started still running?)', WAIT);
    expect(exit).toEqual({ code: 0, signal: null });
    const lifecycle = main.recorded.flatMap((r) => (r.kind === 'lifecycle' ? [r.what] : []));
    expect(lifecycle).toEqual(['ready', 'will-quit', 'quit', 'exit']);
    // The first before-quit waited for the backend to sign out and stop the local server, then
    // quit again (the tray goes last); that the process then ended by itself shows nothing of
    // theirs was left running.
    expect(main.calls('app.quit').length).toBeGreaterThanOrEqual(2);
    const trayGone = main.recorded.indexOf(main.calls('tray.destroy')[0]!);
    expect(trayGone).toBeGreaterThan(-1);
    expect(trayGone).toBeLessThan(main.recorded.findIndex((r) => r.kind === 'lifecycle' && r.what === 'will-quit'));
    expect(main.stderr).not.toMatch(CRASH);
  });
});
