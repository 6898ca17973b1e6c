/**
 * The bundled server's public entry as the benchmark uses it: `startServer(config)` from
 * server/index.ts (port 0 = OS-chosen, in-memory storage when no dataDir). Only server-child.ts
 * loads it, so the benchmark's own process never contains the server.
 */
export { startServer, AccountError, type RunningServer, type ServerConfig } from '../../server/index';
