/**
 * "Local server on this computer": the bundled MSNP server (server/), started on loopback the
 * first time someone signs in to it. The one file of electron/core allowed to import server/.
 */
import type { RunningServer } from '../../server/index';
import type { LocalServerLauncher } from './app-core';
import type { ServerAddress } from './client-port';

export interface LocalServerOptions {
  /** Where its database lives; omitted = in memory (tests). */
  dataDir?: string;
  /**
   * `standard`: the usual MSN ports (1863 NS, 1864 SB, 1865 Nexus) so other MSN clients on this
   * computer can use it too, falling back to free ports when taken. `any`: OS-chosen ports (tests).
   */
  ports?: 'standard' | 'any';
}

function isAddressInUse(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 'EADDRINUSE';
}

/** The server's `AccountError` (checked by shape: the server module is loaded lazily). */
function accountError(e: unknown): { code: string; message: string } | null {
  const x = e as { name?: unknown; code?: unknown; message?: unknown };
  return x?.name === 'AccountError' && typeof x.code === 'string' ? { code: x.code, message: String(x.message) } : null;
}

export function createLocalServerLauncher(options: LocalServerOptions = {}): LocalServerLauncher {
  let starting: Promise<RunningServer> | null = null;

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
    starting ??= start().catch((e: unknown) => {
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
      if (s) await (await s.catch(() => null))?.stop();
    },
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
