/**
 * The bundled server's public entry as the benchmark uses it: `startServer(config)` from
 * server/index.ts (port 0 = OS-chosen, in-memory storage when no dataDir). Loaded at run time
 * and checked, so a change of that API fails with a message naming what is missing.
 */

export interface ServerConfig {
  /** SQLite directory; without it the server keeps everything in memory. */
  readonly dataDir?: string;
  readonly host: string;
  readonly nsPort: number;
  readonly sbPort: number;
  readonly httpPort: number;
  /** Per-connection abuse limits (server/config.ts `ConnectionLimits`); only the rate is set here. */
  readonly limits?: { readonly commandsPerSecond?: number; readonly commandBurst?: number };
}

export interface RunningServer {
  readonly host: string;
  readonly nsPort: number;
  readonly sbPort: number;
  readonly httpPort: number;
  readonly nexusUrl: string;
  readonly accounts: {
    add(handle: string, password: string, name?: string): unknown;
  };
  stop(): unknown;
}

export type StartServer = (config: ServerConfig) => Promise<RunningServer> | RunningServer;

export class ServerModuleMismatch extends Error {
  override readonly name = 'ServerModuleMismatch';
}

const SERVER_MODULE = '../../server/index';

export async function loadServer(): Promise<StartServer> {
  let mod: { startServer?: unknown };
  try {
    mod = (await import(SERVER_MODULE)) as { startServer?: unknown };
  } catch (e) {
    throw new ServerModuleMismatch(`cannot load the bundled server (server/index.ts): ${(e as Error).message}`, { cause: e });
  }
  if (typeof mod.startServer !== 'function') {
    throw new ServerModuleMismatch('server/index.ts does not export startServer(config)');
  }
  const start = mod.startServer as StartServer;
  return async (config) => {
    const s = await start(config);
    for (const key of ['host', 'nsPort', 'httpPort', 'nexusUrl', 'accounts', 'stop'] as const) {
      if (s[key] === undefined) throw new ServerModuleMismatch(`startServer() result lacks ${key}`);
    }
    if (typeof s.accounts.add !== 'function') throw new ServerModuleMismatch('startServer() result lacks accounts.add()');
    return s;
  };
}
