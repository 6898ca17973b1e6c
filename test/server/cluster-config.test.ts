/** The cluster's settings from flags, environment and config file (server/cli.ts, server/config.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, serverConfig } from '../../server/cli';
import { resolveConfig } from '../../server/config';
import { silentLogger, startServer } from '../../server/index';

const dir = mkdtempSync(join(tmpdir(), 'monarch-cluster-config-'));
const secretFile = join(dir, 'cluster.key');
writeFileSync(secretFile, Buffer.alloc(32, 1));
const shortFile = join(dir, 'short.key');
writeFileSync(shortFile, 'too short');

describe('cluster configuration', () => {
  it('--redis, --node-id, --cluster-secret-file and --cluster-ttl-ms, or MONARCH_SERVER_* variables', () => {
    const pgUrl = 'postgres://monarch:pw@127.0.0.1/monarch';
    const flags = serverConfig(parseCli(['--redis', 'redis://127.0.0.1:6379', '--node-id', 'n1', '--cluster-secret-file', secretFile, '--cluster-ttl-ms', '4000', '--postgres', pgUrl], {}), () => {});
    expect(flags.cluster).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', nodeId: 'n1', ttlMs: 4000 });
    expect(Buffer.from(flags.cluster?.secret ?? [])).toEqual(Buffer.alloc(32, 1));
    const env = serverConfig(
      parseCli([], { MONARCH_SERVER_REDIS: 'redis://r:6379/2', MONARCH_SERVER_NODE_ID: 'east-1', MONARCH_SERVER_CLUSTER_SECRET_FILE: secretFile, MONARCH_SERVER_POSTGRES: pgUrl }),
      () => {},
    );
    expect(env.cluster).toMatchObject({ redisUrl: 'redis://r:6379/2', nodeId: 'east-1' });
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ redis: 'redis://h:1', nodeId: 'c', clusterSecretFile: secretFile, postgres: pgUrl }));
    expect(serverConfig(parseCli(['--config', file], {}), () => {}).cluster).toMatchObject({ redisUrl: 'redis://h:1', nodeId: 'c' });
    // No Redis: one process, no cluster.
    expect(serverConfig(parseCli([], {}), () => {}).cluster).toBeUndefined();
  });

  it('refuses an incomplete or unsafe cluster set-up with a clear message', async () => {
    expect(() => serverConfig(parseCli(['--redis', 'redis://h:1'], {}), () => {})).toThrow(/--redis, --node-id and --cluster-secret-file together/);
    expect(() => parseCli(['--redis', 'http://h:1'], {})).toThrow(/redis:\/\//);
    expect(() => parseCli(['--node-id', 'has space'], {})).toThrow(/invalid configuration/);
    // A node on its own SQLite file would not share accounts or lists with the others.
    expect(() => serverConfig(parseCli(['--redis', 'redis://h:1', '--node-id', 'a', '--cluster-secret-file', secretFile], {}), () => {})).toThrow(/needs --postgres/);
    await expect(startServer({ cluster: { nodeId: 'a', secret: Buffer.alloc(32), redisUrl: 'redis://127.0.0.1:1' }, nsPort: 0, sbPort: 0, httpPort: 0, logger: silentLogger })).rejects.toThrow(/shared store/);
    expect(() => serverConfig(parseCli(['--redis', 'redis://h:1', '--node-id', 'a', '--cluster-secret-file', shortFile, '--postgres', 'postgres://h/db'], {}), () => {})).toThrow(/at least 32/);
    expect(() => serverConfig(parseCli(['--redis', 'redis://h:1', '--node-id', 'a', '--cluster-secret-file', join(dir, 'missing'), '--postgres', 'postgres://h/db'], {}), () => {})).toThrow(/cannot read/);
    expect(() => resolveConfig({ cluster: { nodeId: 'a', secret: Buffer.alloc(8), redisUrl: 'redis://h' } })).toThrow(/32 bytes/);
    expect(() => resolveConfig({ cluster: { nodeId: 'a', secret: Buffer.alloc(32) } })).toThrow(/redisUrl/);
  });
});
