/**
 * Where the cluster's Redis is: one URL naming either a standalone Redis or a set of Sentinels
 * that follow a primary (server/README.md, "Cluster", "Redis that fails over").
 *
 * - `redis://[[user]:password@]host[:6379][/db]` and `rediss://…` (TLS): one Redis, read by
 *   ioredis as before; checked here only so a typo is refused at start-up.
 * - `redis+sentinel://[[user]:password@]host1[:26379][,host2[:26379]…]/<primary-name>[/db]`:
 *   any of the Sentinels is asked where the primary called `<primary-name>` is, and asked again
 *   after a failover. The spelling is the one several clients already share: the Python package
 *   Redis-Sentinel-Url (which introduced it), Prefect/docket and RedisVL (Python and Java); the
 *   same authority-with-commas as those, a Sentinel's port defaulting to 26379 as in theirs. The
 *   user and password are the data nodes' (the primary's `requirepass`/ACL user); Sentinels
 *   without a password are assumed. Options in a query string (those tools' `?sentinel_password=…`
 *   and the like), TLS through Sentinels (`rediss+sentinel://`) and replica reads are not taken:
 *   such a URL is refused with a message saying so, not half-followed.
 *
 * No error message here repeats any part of the value given: a malformed URL may have its
 * password anywhere (an unescaped `/` or `@` in it moves where the parts split), and start-up
 * errors are printed and logged.
 */

export const DEFAULT_SENTINEL_PORT = 26379;

export interface SentinelEndpoint {
  readonly host: string;
  readonly port: number;
}

export type RedisAddress =
  | {
      readonly kind: 'standalone';
      /** The URL as given: ioredis reads it. */
      readonly url: string;
    }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly SentinelEndpoint[];
      /** The name the Sentinels monitor the primary under (`sentinel monitor <name> …`). */
      readonly primaryName: string;
      readonly username?: string;
      readonly password?: string;
      readonly db: number;
    };

export class RedisAddressError extends Error {
  override readonly name = 'RedisAddressError';
}

/** A host name (underscores too: container names) or an IPv4 address. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
/** What `sentinel monitor` names look like in practice; kept strict so nothing needs escaping. */
const PRIMARY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/** Redis's `databases` is 16 by default; its largest allowed value is far below this. */
const MAX_DB = 1_000_000;

/** Reads a `--redis` value; throws `RedisAddressError` (never quoting the value) when it is malformed. */
export function parseRedisAddress(value: string): RedisAddress {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return checkStandalone(value);
  if (scheme === 'redis+sentinel') return parseSentinel(value.slice(scheme.length + 3));
  if (scheme === 'rediss+sentinel') throw new RedisAddressError('rediss+sentinel:// (TLS through Sentinels) is not supported; use redis+sentinel:// on a trusted network');
  throw new RedisAddressError('use redis://host:port, rediss://host:port or redis+sentinel://host1:26379,host2:26379/<primary-name>');
}

function checkStandalone(value: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RedisAddressError('the redis:// URL is malformed (a password with / @ : or % in it must be percent-encoded)');
  }
  if (url.hostname === '') throw new RedisAddressError('the redis:// URL names no host');
  if (!/^(\/\d*)?$/.test(url.pathname)) throw new RedisAddressError('the redis:// URL\'s path must be a database number (/0) or nothing');
  return { kind: 'standalone', url: value };
}

function parseSentinel(rest: string): RedisAddress {
  if (/[?#]/.test(rest)) throw new RedisAddressError('redis+sentinel:// takes no ?options or #fragment (none are supported)');
  if (/\s/.test(rest)) throw new RedisAddressError('redis+sentinel:// URL holds white space');
  const slash = rest.indexOf('/', rest.lastIndexOf('@') + 1);
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hostList = at === -1 ? authority : authority.slice(at + 1);

  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    if (colon === -1) throw new RedisAddressError('redis+sentinel:// credentials go as :password@ or user:password@');
    username = decode(userinfo.slice(0, colon), 'user name');
    password = decode(userinfo.slice(colon + 1), 'password');
    if (password === '') throw new RedisAddressError('redis+sentinel:// has an empty password (leave out the @ part for none)');
    if (username === '') username = undefined;
  }

  if (hostList === '') throw new RedisAddressError('redis+sentinel:// names no Sentinel (host1:26379,host2:26379)');
  const parts = hostList.split(',');
  const sentinels = parts.map((p, i) => parseEndpoint(p, `Sentinel ${i + 1} of ${parts.length}`));

  const segments = path === '' ? [] : path.split('/');
  if (segments.length === 0 || segments[0] === '') throw new RedisAddressError('redis+sentinel:// needs the primary\'s name as its path: …/<primary-name>[/db]');
  if (segments.length > 2) throw new RedisAddressError('redis+sentinel:// path is /<primary-name>[/db], nothing more');
  const primaryName = segments[0] as string;
  if (!PRIMARY_NAME.test(primaryName)) throw new RedisAddressError('redis+sentinel:// primary name: use 1 to 128 of A-Z a-z 0-9 _ . -');
  let db = 0;
  if (segments.length === 2) {
    const d = segments[1] as string;
    if (!/^\d{1,7}$/.test(d) || Number(d) > MAX_DB) throw new RedisAddressError('redis+sentinel:// database (after the primary\'s name) must be a number');
    db = Number(d);
  }
  return { kind: 'sentinel', sentinels, primaryName, username, password, db };
}

function parseEndpoint(text: string, which: string): SentinelEndpoint {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) throw new RedisAddressError(`redis+sentinel:// ${which}: an IPv6 address needs its closing ]`);
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new RedisAddressError(`redis+sentinel:// ${which}: expected :port after the ]`);
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6.test(host) || !host.includes(':')) throw new RedisAddressError(`redis+sentinel:// ${which}: not an IPv6 address inside [ ]`);
  } else {
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (host === '') throw new RedisAddressError(`redis+sentinel:// ${which} has no host`);
    if (!HOST_NAME.test(host)) throw new RedisAddressError(`redis+sentinel:// ${which}: the host must be a name or an address (IPv6 in [ ])`);
  }
  let port = DEFAULT_SENTINEL_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new RedisAddressError(`redis+sentinel:// ${which}: the port must be 1-65535`);
    }
    port = Number(portText);
  }
  return { host, port };
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RedisAddressError(`redis+sentinel:// ${what} holds a bad %-escape`);
  }
}
