/**
 * "Local server on this computer": the bundled MSNP server (server/), started on loopback the
 * first time someone signs in to it. The one file of electron/core allowed to import server/.
 */
import type { RunningServer } from '../../server/index';

/**
 * One Monarch per data folder: the app, web mode and the server share one lock module (the server
 * takes it on its own folder), re-exported here because this is electron/core's door to server/.
 */
export { DataDirInUseError, LOCK_FILE, lockDataDir, type DataDirLock } from '../../server/store/data-dir-lock';
import type { LocalServerLauncher } from './app-core-options';
import type { ServerAddress } from './client-port';
import { provisionDemo, startDemoBots, type DemoBotsController, type DemoLog } from './demo';

export interface LocalServerOptions {
  /** Where its database lives; omitted = in memory (tests). */
  dataDir?: string;
  /**
   * `standard`: the usual MSN ports (1863 NS, 1864 SB, 1865 Nexus) so other MSN clients on this
   * computer can use it too, falling back to free ports when taken. `any`: OS-chosen ports (tests).
   */
  ports?: 'standard' | 'any';
  /**
   * Issue 6, first run: the demo account and the scripted demo contacts (electron/core/demo).
   * `true` for the desktop app; `timingScale` shrinks every demo delay (tests). Off by default.
   */
  demo?: boolean | { timingScale?: number };
  /** Where the demo's notes go (never passwords). Default: console warnings only. */
  log?: DemoLog;
}

const defaultLog: DemoLog = (level, message) => {
  if (level === 'warn') console.warn(`Demo: ${message}`);
};

function isAddressInUse(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 'EADDRINUSE';
}

/** The server's `AccountError` (checked by shape: the server module is loaded lazily). */
function accountError(e: unknown): { code: string; message: string } | null {
  const x = e as { name?: unknown; code?: unknown; message?: unknown };
  return x?.name === 'AccountError' && typeof x.code === 'string' ? { code: x.code, message: String(x.message) } : null;
}

export function createLocalServerLauncher(options: LocalServerOptions = {}): LocalServerLauncher & { demoBots(): DemoBotsController | null } {
  let starting: Promise<RunningServer> | null = null;
  let bots: DemoBotsController | null = null;
  const log = options.log ?? defaultLog;

  /**
   * The demo accounts are provisioned before `ensure()` resolves, so before the user's sign-in
   * (the first provisioning signs in as the demo user, which would move a session already there).
   * Nothing here may stop the server from starting: failures are logged and the demo is skipped.
   */
  const startDemo = async (s: RunningServer): Promise<void> => {
    if (!options.demo) return;
    const scale = typeof options.demo === 'object' ? options.demo.timingScale : undefined;
    const server = { host: s.host, nsPort: s.nsPort, nexusUrl: s.nexusUrl };
    try {
      const demo = await provisionDemo(s.accounts, { server, log });
      bots = startDemoBots({
        ...server,
        userHandle: demo.user.handle,
        bots: demo.bots,
        log,
        ...(scale !== undefined ? { timings: { scale } } : {}),
      });
    } catch (e) {
      log('warn', `the demo contacts could not be set up: ${(e as Error).message}`);
    }
  };

  const launch = async (): Promise<RunningServer> => {
    const s = await start();
    await startDemo(s);
    return s;
  };

  const start = async (): Promise<RunningServer> => {
    // Loaded on first use: the app starts without the server's code (and its native SQLite
    // module) until someone picks the local server.
    const { startServer, silentLogger } = await import('../../server/index');
    const base = { host: '127.0.0.1', logger: silentLogger, ...(options.dataDir ? { dataDir: options.dataDir } : {}) };
    if (options.ports !== 'any') {
      try {
        return await startServer(base);
      } catch (e) {
        if (!isAddressInUse(e)) throw e;
      }
    }
    return startServer({ ...base, nsPort: 0, sbPort: 0, httpPort: 0 });
  };

  const server = () => {
    starting ??= launch().catch((e: unknown) => {
      starting = null;
      throw Object.assign(new Error(`The local server could not start: ${(e as Error).message}`), { code: 'server-unreachable' });
    });
    return starting;
  };

  return {
    async ensure(): Promise<ServerAddress> {
      const s = await server();
      return { host: s.host, port: s.nsPort, nexusUrl: s.nexusUrl };
    },
    async prepareAccount(handle: string, password: string): Promise<void> {
      const s = await server();
      try {
        await s.accounts.add(handle, password);
      } catch (e) {
        // An existing account keeps its password: the sign-in checks it as usual.
        const failure = accountError(e);
        if (failure?.code === 'exists') return;
        if (failure) throw Object.assign(new Error(failure.message), { code: 'invalid-input' });
        throw e;
      }
    },
    async stop(): Promise<void> {
      const s = starting;
      starting = null;
      const running = s ? await s.catch(() => null) : null;
      // The demo contacts sign out first, or they would see the server go and try to reconnect.
      const b = bots;
      bots = null;
      await b?.stop().catch(() => undefined);
      await running?.stop();
    },
    demoBots: () => bots,
  };
}

/** For tests and the web host: use a server that is already running (and keep it running). */
export function useRunningServer(server: Pick<RunningServer, 'host' | 'nsPort' | 'nexusUrl' | 'accounts'>): LocalServerLauncher {
  return {
    ensure: async () => ({ host: server.host, port: server.nsPort, nexusUrl: server.nexusUrl }),
    prepareAccount: async (handle, password) => {
      try {
        await server.accounts.add(handle, password);
      } catch (e) {
        if (accountError(e)?.code === 'exists') return;
        throw e;
      }
    },
    stop: async () => undefined,
  };
}
