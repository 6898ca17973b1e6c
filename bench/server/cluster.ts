/**
 * `--cluster N` (issue 13): the bundled server as N node processes sharing one PostgreSQL and one
 * Redis, as `npm run server -- --postgres … --redis … --node-id … --cluster-secret-file …` runs
 * them (server/README.md, "Cluster"). Each node is a `server-child.ts` process (bundled-server.ts)
 * given those flags, so its CPU and RSS are read from /proc apart from the others'.
 *
 * What the run owns, and removes at the end: a fresh PostgreSQL database (made with the role of
 * `--postgres`, which must be allowed to create databases; the bench never touches another
 * database), a Redis of its own (`redis-server` on an OS-chosen loopback port, no persistence: its
 * CPU is read as well, and nobody else's keys or traffic are in it), and the shared secret file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase, spawnRedis, type ScratchDatabase, type SpawnedRedis } from '../../test/helpers/scratch-services';
import { BundledServer } from './bundled-server';

export interface BenchClusterOptions {
  readonly nodes: number;
  /** A PostgreSQL URL whose role may create databases (the bench makes one of its own there). */
  readonly postgres: string;
  readonly timeoutMs: number;
  readonly verbose: boolean;
  readonly liftRateLimit: boolean;
}

export class BenchCluster {
  private constructor(
    readonly nodes: readonly BundledServer[],
    private readonly redis: SpawnedRedis,
    private readonly database: ScratchDatabase,
    private readonly dir: string,
  ) {}

  /** The run's own database (dropped by `stop`). */
  get databaseName(): string {
    return this.database.name;
  }

  get redisPid(): number {
    const pid = this.redis.pid;
    if (pid === undefined) throw new Error('the run\'s redis-server is not running');
    return pid;
  }

  /** The node ids, `n0` … `n<N-1>`: user i signs in on node i mod N. */
  static nodeId(i: number): string {
    return `n${i}`;
  }

  static async start(opts: BenchClusterOptions): Promise<BenchCluster> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'monarch-bench-cluster-'));
    const secretFile = path.join(dir, 'cluster.key');
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    let database: ScratchDatabase | undefined;
    let redis: SpawnedRedis | undefined;
    const nodes: BundledServer[] = [];
    try {
      database = await scratchDatabase(opts.postgres, 'monarch_bench');
      redis = await spawnRedis(opts.timeoutMs);
      // The first node migrates the empty database; the others then start together.
      const start = (i: number): Promise<BundledServer> =>
        BundledServer.start({
          timeoutMs: opts.timeoutMs,
          verbose: opts.verbose,
          liftRateLimit: opts.liftRateLimit,
          dataDir: undefined,
          cluster: { postgres: (database as ScratchDatabase).url, redis: (redis as SpawnedRedis).url, nodeId: BenchCluster.nodeId(i), secretFile },
        });
      nodes.push(await start(0));
      nodes.push(...(await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, i) => start(i + 1)))));
      return new BenchCluster(nodes, redis, database, dir);
    } catch (e) {
      await Promise.all(nodes.map((n) => n.stop(opts.timeoutMs)));
      await redis?.stop();
      await database?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Stops every node (gracefully, killed after the timeout), then Redis; drops the database. */
  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop(timeoutMs)));
    await this.redis.stop();
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
