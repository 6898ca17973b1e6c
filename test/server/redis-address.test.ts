/**
 * `--redis` values (server/cluster/redis-address.ts): standalone URLs and Sentinel URLs, good and
 * malformed, through the parser and through the command line / config file / environment; no
 * error message ever carries the password.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, serverConfig } from '../../server/cli';
import { parseRedisAddress, RedisAddressError } from '../../server/cluster/redis-address';
import { RedisCluster } from '../../server/cluster/redis';
import { resolveConfig } from '../../server/config';

const SECRET_PASSWORD = 's3cr3t-Pa55';

describe('parseRedisAddress: standalone', () => {
  it('takes redis:// and rediss:// URLs as they are (ioredis reads them)', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://r:6379/2', `redis://:${SECRET_PASSWORD}@h:1/0`, 'rediss://user:pw@cache.example.com:6380', 'REDIS://h']) {
      expect(parseRedisAddress(url)).toEqual({ kind: 'standalone', url });
    }
  });

  it('refuses other schemes, a missing host and a path that is not a database number', () => {
    expect(() => parseRedisAddress('http://h:1')).toThrow(/redis:\/\/host:port, rediss:\/\/host:port or redis\+sentinel:\/\//);
    expect(() => parseRedisAddress('127.0.0.1:6379')).toThrow(RedisAddressError);
    expect(() => parseRedisAddress('')).toThrow(RedisAddressError);
    expect(() => parseRedisAddress('redis://')).toThrow(/malformed|no host/);
    expect(() => parseRedisAddress('redis://h:1/mymaster')).toThrow(/database number/);
    expect(() => parseRedisAddress('redis://h:99999')).toThrow(/malformed/);
  });
});

describe('parseRedisAddress: Sentinels', () => {
  it('reads hosts, ports (26379 by default), the primary name, the database and credentials', () => {
    expect(parseRedisAddress('redis+sentinel://10.0.0.5:26379,10.0.0.6:26380,sentinel-3/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: '10.0.0.6', port: 26380 },
        { host: 'sentinel-3', port: 26379 },
      ],
      primaryName: 'mymaster',
      username: undefined,
      password: undefined,
      db: 0,
    });
    expect(parseRedisAddress(`redis+sentinel://:${SECRET_PASSWORD}@s1/monarch-primary/3`)).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      primaryName: 'monarch-primary',
      username: undefined,
      password: SECRET_PASSWORD,
      db: 3,
    });
    // A user (Redis 6 ACL) and a password with escaped / @ : % in it.
    expect(parseRedisAddress('redis+sentinel://monarch:a%2Fb%40c%3Ad%25e@[::1]:26379,[fe80::1]/p_1.x')).toMatchObject({
      sentinels: [
        { host: '::1', port: 26379 },
        { host: 'fe80::1', port: 26379 },
      ],
      primaryName: 'p_1.x',
      username: 'monarch',
      password: 'a/b@c:d%e',
    });
    // Scheme case does not matter (RFC 3986 §3.1).
    expect(parseRedisAddress('Redis+Sentinel://h:1/m')).toMatchObject({ sentinels: [{ host: 'h', port: 1 }], primaryName: 'm' });
  });

  it('refuses malformed Sentinel URLs with a message saying what is wrong', () => {
    const bad: Array<[string, RegExp]> = [
      ['redis+sentinel://', /names no Sentinel/],
      ['redis+sentinel:///mymaster', /names no Sentinel/],
      ['redis+sentinel://h1:26379', /primary's name/],
      ['redis+sentinel://h1:26379/', /primary's name/],
      ['redis+sentinel://h1,,h2/m', /Sentinel 2 of 3 has no host/],
      ['redis+sentinel://h1:0/m', /Sentinel 1 of 1: the port must be 1-65535/],
      ['redis+sentinel://h1:65536/m', /port must be 1-65535/],
      ['redis+sentinel://h1:port/m', /port must be 1-65535/],
      ['redis+sentinel://h1:/m', /port must be 1-65535/],
      ['redis+sentinel://bad_host!:1/m', /host must be a name or an address/],
      ['redis+sentinel://[::1/m', /closing \]/],
      ['redis+sentinel://[::1]x/m', /:port after the \]/],
      ['redis+sentinel://[nothex]/m', /not an IPv6 address/],
      ['redis+sentinel://h/m/1/2', /nothing more/],
      ['redis+sentinel://h/m/x', /database .* must be a number/],
      ['redis+sentinel://h/m/99999999', /database .* must be a number/],
      ['redis+sentinel://h/my master', /white space/],
      ['redis+sentinel://h/m$', /primary name: use 1 to 128/],
      ['redis+sentinel://h/m?sentinel_password=x', /no \?options/],
      ['redis+sentinel://h/m#x', /no \?options/],
      ['redis+sentinel://onlyword@h/m', /credentials go as :password@/],
      ['redis+sentinel://:@h/m', /empty password/],
      ['redis+sentinel://:%zz@h/m', /password holds a bad %-escape/],
      ['rediss+sentinel://h/m', /TLS through Sentinels\) is not supported/],
      ['sentinel://h:26379/m', /use redis:\/\//],
    ];
    for (const [value, message] of bad) {
      expect(() => parseRedisAddress(value), value).toThrow(message);
      expect(() => parseRedisAddress(value), value).toThrow(RedisAddressError);
    }
  });

  it('never puts the password in an error message, wherever the URL is broken', () => {
    const broken = [
      `redis+sentinel://:${SECRET_PASSWORD}@h1:99999/m`,
      `redis+sentinel://:${SECRET_PASSWORD}@h1/`,
      `redis+sentinel://:${SECRET_PASSWORD}@/m`,
      `redis+sentinel://${SECRET_PASSWORD}@h/m`,
      `redis+sentinel://:${SECRET_PASSWORD}@h/m?x=1`,
      // An unescaped / in the password: the parts split in the wrong place.
      `redis+sentinel://:ab/${SECRET_PASSWORD}/x@h`,
      `redis+sentinel://h/${SECRET_PASSWORD}!`,
      `rediss+sentinel://:${SECRET_PASSWORD}@h/m`,
      `redis://:${SECRET_PASSWORD}@h:1/${SECRET_PASSWORD}`,
      `redis://:${SECRET_PASSWORD}@h:99999`,
      `redix://:${SECRET_PASSWORD}@h`,
    ];
    for (const value of broken) {
      let message = '';
      try {
        parseRedisAddress(value);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, value).not.toBe('');
      expect(message).not.toContain(SECRET_PASSWORD);
      expect(message).not.toContain('ab/');
    }
  });
});

describe('--redis, MONARCH_SERVER_REDIS and the config key redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monarch-redis-address-'));
  const secretFile = join(dir, 'cluster.key');
  writeFileSync(secretFile, Buffer.alloc(32, 2));
  const pg = ['--postgres', 'postgres://monarch:pw@127.0.0.1/monarch'];
  const sentinelUrl = `redis+sentinel://:${SECRET_PASSWORD}@127.0.0.1:26379,127.0.0.1:26380/monarch`;

  it('accept a Sentinel URL from a flag, the environment or the config file', () => {
    const flag = serverConfig(parseCli(['--redis', sentinelUrl, '--node-id', 'n1', '--cluster-secret-file', secretFile, ...pg], {}), () => {});
    expect(flag.cluster?.redisUrl).toBe(sentinelUrl);
    const env = serverConfig(parseCli(pg, { MONARCH_SERVER_REDIS: sentinelUrl, MONARCH_SERVER_NODE_ID: 'n2', MONARCH_SERVER_CLUSTER_SECRET_FILE: secretFile }), () => {});
    expect(env.cluster?.redisUrl).toBe(sentinelUrl);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ redis: sentinelUrl, nodeId: 'n3', clusterSecretFile: secretFile }));
    expect(serverConfig(parseCli(['--config', file, ...pg], {}), () => {}).cluster?.redisUrl).toBe(sentinelUrl);
  });

  it('refuse a malformed one at start-up, saying why, without the password', () => {
    const bad = `redis+sentinel://:${SECRET_PASSWORD}@127.0.0.1:26379`;
    for (const cli of [() => parseCli(['--redis', bad], {}), () => parseCli([], { MONARCH_SERVER_REDIS: bad })]) {
      let message = '';
      try {
        cli();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/invalid configuration: redis: redis\+sentinel:\/\/ needs the primary's name/);
      expect(message).not.toContain(SECRET_PASSWORD);
    }
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ redis: 'redis+sentinel://h:1,h:x/m' }));
    expect(() => parseCli(['--config', file], {})).toThrow(/redis: redis\+sentinel:\/\/ Sentinel 2 of 2: the port must be 1-65535/);
    // startServer's own check (a config built in code), and the cluster object itself.
    expect(() => resolveConfig({ cluster: { nodeId: 'a', secret: Buffer.alloc(32), redisUrl: bad } })).toThrow(/cluster.redisUrl: .*primary's name/);
    expect(() => new RedisCluster({ url: bad, nodeId: 'a' })).toThrow(RedisAddressError);
  });
});
