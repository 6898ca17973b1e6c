/**
 * Runs the bundled server in a child process so a test can SIGKILL it (a crash, no `OUT`).
 * argv[2]: JSON { nsPort, sbPort, httpPort, dataDir, accounts: [[handle, password, name]] }.
 * Prints one line `READY {"nsPort":…,"sbPort":…,"httpPort":…,"nexusUrl":…}` when listening.
 */
import { startServer } from '../../../server/index';

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  nsPort: number;
  sbPort: number;
  httpPort: number;
  dataDir: string;
  accounts: [string, string, string][];
  /** Lift the per-connection rate limit (benchmarks send far more than a person). */
  unlimited?: boolean;
};
const server = await startServer({
  host: '127.0.0.1',
  nsPort: cfg.nsPort,
  sbPort: cfg.sbPort,
  httpPort: cfg.httpPort,
  dataDir: cfg.dataDir,
  ...(cfg.unlimited ? { limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } } : {}),
});
// Password hashing is slow on purpose (scrypt): a few at a time use the thread pool.
for (let i = 0; i < cfg.accounts.length; i += 8) {
  await Promise.all(cfg.accounts.slice(i, i + 8).map(([h, p, n]) => server.accounts.add(h, p, n).catch(() => undefined))); // exists after a restart
}
process.stdout.write(`READY ${JSON.stringify({ nsPort: server.nsPort, sbPort: server.sbPort, httpPort: server.httpPort, nexusUrl: server.nexusUrl })}\n`);
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
