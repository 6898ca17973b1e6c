/**
 * `npm run server [-- options]`: start the server in one process.
 * `npm run server -- user add|list|passwd|remove …`: manage accounts in the data directory.
 *
 * Settings come from (later wins): defaults, a JSON config file (`--config`), environment
 * variables (`MONARCH_SERVER_*`), flags. Run with `--help` for the list.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { read } from 'read';
import { externalConfigSchema, type ExternalConfig, type ServerConfig } from './config';
import { AccountError, AccountService } from './core/accounts';
import { createJsonLogger, type LogLevel } from './logger';
import { startServer, type RunningServer } from './index';
import { openStore } from './open-store';

export const USAGE = `Monarch MSNP server

  npm run server [-- options]                      start (NS 1863, SB 1864, Nexus HTTP 1865)
  npm run server -- user add <handle> [--name <friendly name>] [--password-stdin]
  npm run server -- user list
  npm run server -- user passwd <handle> [--password-stdin]
  npm run server -- user remove <handle>

  user add and user passwd ask for the password (twice, not shown). For scripts, --password-stdin
  reads it from standard input instead (one line), e.g. printf '%s\n' "$PW" | npm run server -- ...
  It is never taken on the command line, where other users of the computer could read it.

Options (flag / environment variable / config file key):
  --config <file.json>                 JSON file with any of the keys below
  --data-dir <dir>       MONARCH_SERVER_DATA_DIR       dataDir       (default .monarch-data/server)
  --postgres <url>       MONARCH_SERVER_POSTGRES       postgres      store in PostgreSQL (postgres://user:pw@host/db) instead of
                                                                     SQLite in the data folder; several servers may share it
  --host <addr>          MONARCH_SERVER_HOST           host          (default 127.0.0.1)
  --public-host <addr>   MONARCH_SERVER_PUBLIC_HOST    publicHost    address put in XFR/RNG referrals
  --nexus-host <name>    MONARCH_SERVER_NEXUS_HOST     nexusHost     host in the Passport login URL (default public host)
  --ns-port <n>          MONARCH_SERVER_NS_PORT        nsPort        (default 1863; 0 = OS-chosen)
  --sb-port <n>          MONARCH_SERVER_SB_PORT        sbPort        (default 1864)
  --http-port <n>        MONARCH_SERVER_HTTP_PORT      httpPort      (default 1865)
  --https-port <n>       MONARCH_SERVER_HTTPS_PORT     httpsPort     (default 1866, with a certificate)
  --tls-cert <pem file>  MONARCH_SERVER_TLS_CERT       tlsCert       serve the Nexus over HTTPS too
  --tls-key <pem file>   MONARCH_SERVER_TLS_KEY        tlsKey
  --tls-legacy           MONARCH_SERVER_TLS_LEGACY=1   tlsLegacy     also TLS 1.0/1.1 and CBC suites (Windows XP/7 Messenger clients)
  --dispatch-port <n>    MONARCH_SERVER_DISPATCH_PORT  dispatchPort  separate dispatch server (XFR NS)
  --no-md5-login         MONARCH_SERVER_MD5_LOGIN=0    md5Login      refuse MSNP2-7 MD5 logins
  --min-dialect <n>      MONARCH_SERVER_MIN_DIALECT    minDialect    (default 2)
  --max-dialect <n>      MONARCH_SERVER_MAX_DIALECT    maxDialect    (default 15)
  --max-connections-per-address <n>  MONARCH_SERVER_MAX_CONNECTIONS_PER_ADDRESS  maxConnectionsPerAddress  (default 256; 0 = no cap)
  --redis <url>          MONARCH_SERVER_REDIS          redis         run as one node of a cluster (server/README.md "Cluster"): redis://host:6379,
                                                                     or Sentinels: redis+sentinel://host1:26379,host2:26379/<primary-name>
  --node-id <id>         MONARCH_SERVER_NODE_ID        nodeId        this node's id in the cluster (unique; A-Z a-z 0-9 _ . -)
  --cluster-secret-file <file>  MONARCH_SERVER_CLUSTER_SECRET_FILE  clusterSecretFile  the secret every node shares (32+ bytes)
  --cluster-ttl-ms <n>   MONARCH_SERVER_CLUSTER_TTL_MS clusterTtlMs  a dead node's users shown offline within (default 3000)
  --log-level <level>    MONARCH_SERVER_LOG_LEVEL                    debug | info | warn | error
  --demo                 create demo accounts (if missing) and print them
  --help
`;

const DEMO_ACCOUNTS = [
  { handle: 'alice@example.com', password: 'alice', name: 'Alice' },
  { handle: 'bob@example.com', password: 'bob', name: 'Bob' },
  { handle: 'carol@example.com', password: 'carol', name: 'Carol' },
];

/** flag name → config key and how to read it. */
const OPTIONS = {
  'data-dir': ['dataDir', 'string'],
  postgres: ['postgres', 'string'],
  host: ['host', 'string'],
  'public-host': ['publicHost', 'string'],
  'nexus-host': ['nexusHost', 'string'],
  'ns-port': ['nsPort', 'number'],
  'sb-port': ['sbPort', 'number'],
  'http-port': ['httpPort', 'number'],
  'https-port': ['httpsPort', 'number'],
  'tls-cert': ['tlsCert', 'string'],
  'tls-key': ['tlsKey', 'string'],
  'dispatch-port': ['dispatchPort', 'number'],
  'min-dialect': ['minDialect', 'number'],
  'max-dialect': ['maxDialect', 'number'],
  'max-connections-per-address': ['maxConnectionsPerAddress', 'number'],
  redis: ['redis', 'string'],
  'node-id': ['nodeId', 'string'],
  'cluster-secret-file': ['clusterSecretFile', 'string'],
  'cluster-ttl-ms': ['clusterTtlMs', 'number'],
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--password <p>` would put the password in the process list (`ps`, /proc/<pid>/cmdline) for every user to read. */
const PASSWORD_ON_COMMAND_LINE =
  '--password is not taken on the command line (other users of this computer could read it in the process list): ' +
  'leave it out to be asked for the password, or give it on standard input with --password-stdin';

/** Where `user add` and `user passwd` get the password from. */
export interface PasswordInput {
  /** True when a person can be asked (standard input is a terminal). */
  readonly interactive: boolean;
  /** Asks on the terminal without showing what is typed. */
  ask(question: string): Promise<string>;
  /** All of standard input. */
  readStdin(): Promise<string>;
}

/** The process's terminal and standard input; the prompt goes to stderr so stdout stays the result. */
export const terminalPasswordInput: PasswordInput = {
  interactive: process.stdin.isTTY === true,
  ask: async (question) => {
    const answer = await read({ prompt: question, silent: true, replace: '', input: process.stdin, output: process.stderr });
    // Nothing was echoed, not even the Enter: end the prompt's line.
    process.stderr.write('\n');
    return answer;
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** The password for `handle`: from standard input (`--password-stdin`) or asked twice on the terminal. */
async function obtainPassword(cli: Cli, handle: string, input: PasswordInput): Promise<string> {
  if (cli.passwordStdin) {
    // One line: the newline that `echo` or `printf '%s\n'` adds is not part of the password.
    const password = (await input.readStdin()).replace(/\r?\n$/, '');
    if (password.length === 0) throw new UsageError('--password-stdin: standard input held no password');
    if (/[\r\n]/.test(password)) throw new UsageError('--password-stdin: give the password as one line');
    return password;
  }
  if (!input.interactive) {
    throw new UsageError('no password: run this in a terminal to be asked for it, or give it on standard input with --password-stdin');
  }
  const password = await input.ask(`Password for ${handle}: `);
  if (password.length === 0) throw new UsageError('no password given');
  if ((await input.ask('The same password again: ')) !== password) throw new UsageError('the two passwords differ; nothing was changed');
  return password;
}

export interface Cli {
  readonly command: 'start' | 'user';
  readonly args: string[];
  readonly config: ExternalConfig;
  readonly demo: boolean;
  /** `--password-stdin`: the password comes from standard input, not the terminal. */
  readonly passwordStdin: boolean;
  readonly name: string | undefined;
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

/** Flags, environment and config file merged and validated (later sources win). */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): Cli {
  const flagOptions: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    name: { type: 'string' },
    'log-level': { type: 'string' },
    'no-md5-login': { type: 'boolean' },
    'tls-legacy': { type: 'boolean' },
    demo: { type: 'boolean' },
    help: { type: 'boolean' },
  };
  for (const k of Object.keys(OPTIONS)) flagOptions[k] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: flagOptions, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.password !== undefined) throw new UsageError(PASSWORD_ON_COMMAND_LINE);
  const merged: Record<string, unknown> = {};
  const configFile = (v.config as string | undefined) ?? env.MONARCH_SERVER_CONFIG;
  if (configFile !== undefined) {
    try {
      Object.assign(merged, JSON.parse(readFileSync(configFile, 'utf8')) as object);
    } catch (e) {
      throw new UsageError(`cannot read config file ${configFile}: ${(e as Error).message}`);
    }
  }
  for (const [flag, [key, kind]] of Object.entries(OPTIONS)) {
    const envName = `MONARCH_SERVER_${flag.toUpperCase().replace(/-/g, '_')}`;
    for (const raw of [env[envName], v[flag] as string | undefined]) {
      if (raw === undefined) continue;
      merged[key] = kind === 'number' ? toNumber(raw, flag) : raw;
    }
  }
  if (env.MONARCH_SERVER_MD5_LOGIN !== undefined) merged.md5Login = !['0', 'false', 'no'].includes(env.MONARCH_SERVER_MD5_LOGIN);
  if (v['no-md5-login'] === true) merged.md5Login = false;
  if (env.MONARCH_SERVER_TLS_LEGACY !== undefined) merged.tlsLegacy = ['1', 'true', 'yes'].includes(env.MONARCH_SERVER_TLS_LEGACY);
  if (v['tls-legacy'] === true) merged.tlsLegacy = true;
  const result = externalConfigSchema.safeParse(merged);
  if (!result.success) throw new UsageError(`invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const logLevel = ((v['log-level'] as string | undefined) ?? env.MONARCH_SERVER_LOG_LEVEL ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`bad log level ${logLevel}`);
  const [first, ...rest] = parsed.positionals;
  if (first !== undefined && first !== 'user') throw new UsageError(`unknown command ${first}`);
  return {
    command: first === 'user' ? 'user' : 'start',
    args: rest,
    config: result.data,
    demo: v.demo === true,
    passwordStdin: v['password-stdin'] === true,
    name: v.name as string | undefined,
    logLevel,
    help: v.help === true,
  };
}

function toNumber(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag} must be a number, got ${raw}`);
  return Number(raw);
}

/** Inside `.monarch-data/`, which the repository ignores. */
export const DEFAULT_DATA_DIR = '.monarch-data/server';

/** The `startServer` config for a parsed command line. */
export function serverConfig(cli: Cli, log: (line: string) => void): ServerConfig {
  const c = cli.config;
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const clustered = c.redis !== undefined || c.nodeId !== undefined || c.clusterSecretFile !== undefined;
  if (clustered && (c.redis === undefined || c.nodeId === undefined || c.clusterSecretFile === undefined)) {
    throw new UsageError('a cluster node needs --redis, --node-id and --cluster-secret-file together');
  }
  // Each node on its own SQLite file would be a separate network that shares only presence.
  if (clustered && c.postgres === undefined) throw new UsageError('a cluster node needs --postgres: every node keeps its accounts and lists in one shared database');
  return {
    host: c.host,
    publicHost: c.publicHost,
    nexusHost: c.nexusHost,
    nsPort: c.nsPort,
    sbPort: c.sbPort,
    httpPort: c.httpPort,
    dataDir: c.dataDir ?? DEFAULT_DATA_DIR,
    postgres: c.postgres,
    md5Login: c.md5Login,
    dispatch: c.dispatchPort === undefined ? undefined : { port: c.dispatchPort },
    minDialect: c.minDialect,
    maxDialect: c.maxDialect,
    sbIdleTimeoutMs: c.sbIdleTimeoutMs,
    maxSbParticipants: c.maxSbParticipants,
    loginTimeoutMs: c.loginTimeoutMs,
    sendChallenges: c.sendChallenges,
    nsIdleTimeoutMs: c.nsIdleTimeoutMs,
    maxConnectionsPerAddress: c.maxConnectionsPerAddress,
    tls:
      c.tlsCert === undefined || c.tlsKey === undefined
        ? undefined
        : { cert: readFileSync(c.tlsCert, 'utf8'), key: readFileSync(c.tlsKey, 'utf8'), port: c.httpsPort, legacyProtocols: c.tlsLegacy },
    logger: createJsonLogger(log, cli.logLevel),
    cluster:
      c.redis === undefined || c.nodeId === undefined || c.clusterSecretFile === undefined
        ? undefined
        : { redisUrl: c.redis, nodeId: c.nodeId, secret: readClusterSecret(c.clusterSecretFile), ttlMs: c.clusterTtlMs },
  };
}

/** The shared secret file: its bytes, at least 32 of them (e.g. `head -c 32 /dev/urandom > cluster.key`). */
function readClusterSecret(file: string): Buffer {
  let secret: Buffer;
  try {
    secret = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read --cluster-secret-file ${file}: ${(e as Error).message}`);
  }
  if (secret.length < 32) throw new UsageError(`--cluster-secret-file ${file} holds ${secret.length} bytes; it needs at least 32 (head -c 32 /dev/urandom > ${file})`);
  return secret;
}

/** `user add|list|passwd|remove` against the data directory, without starting listeners. */
export async function runUserCommand(cli: Cli, out: (line: string) => void, input: PasswordInput = terminalPasswordInput): Promise<void> {
  const [action, handle] = cli.args;
  const dataDir = cli.config.dataDir ?? DEFAULT_DATA_DIR;
  const { store, secrets } = await openStore({ postgres: cli.config.postgres, dataDir: cli.config.postgres === undefined ? dataDir : undefined, ssoTokenLifetimeMs: 0 });
  try {
    const accounts = new AccountService({ store, secrets, md5Login: cli.config.md5Login ?? true });
    switch (action) {
      case 'add': {
        if (handle === undefined) throw new UsageError('user add <handle> [--name <friendly>] [--password-stdin]');
        // Before asking for a password that would be thrown away.
        if ((await accounts.list()).some((a) => a.handle === handle.toLowerCase())) throw new UsageError(`${handle.toLowerCase()} already exists`);
        const a = await accounts.add(handle, await obtainPassword(cli, handle, input), cli.name);
        out(`added ${a.handle} (${a.friendlyName})`);
        return;
      }
      case 'list': {
        const all = await accounts.list();
        if (all.length === 0) out('no accounts');
        for (const a of all) out(`${a.handle}\t${a.friendlyName}`);
        return;
      }
      case 'passwd': {
        if (handle === undefined) throw new UsageError('user passwd <handle> [--password-stdin]');
        if ((await accounts.list()).every((a) => a.handle !== handle.toLowerCase())) throw new UsageError(`no account ${handle}`);
        if (!(await accounts.setPassword(handle, await obtainPassword(cli, handle, input)))) throw new UsageError(`no account ${handle}`);
        out(`password changed for ${handle.toLowerCase()}`);
        return;
      }
      case 'remove': {
        if (handle === undefined) throw new UsageError('user remove <handle>');
        if (!(await accounts.remove(handle))) throw new UsageError(`no account ${handle}`);
        out(`removed ${handle.toLowerCase()}`);
        return;
      }
      default:
        throw new UsageError('user add | list | passwd | remove');
    }
  } finally {
    await store.close();
  }
}

/** Creates the demo accounts that do not exist yet; returns a line per account. */
export async function createDemoAccounts(server: RunningServer): Promise<string[]> {
  const existing = new Set((await server.accounts.list()).map((a) => a.handle));
  const lines: string[] = [];
  for (const d of DEMO_ACCOUNTS) {
    if (!existing.has(d.handle)) await server.accounts.add(d.handle, d.password, d.name);
    lines.push(`demo account ${d.handle} password ${d.password}${existing.has(d.handle) ? ' (already existed)' : ''}`);
  }
  return lines;
}

async function main(): Promise<number> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (cli.command === 'user') {
      await runUserCommand(cli, (l) => process.stdout.write(`${l}\n`));
      return 0;
    }
    const config = serverConfig(cli, (l) => process.stdout.write(l));
    const server = await startServer(config);
    if (cli.demo) for (const line of await createDemoAccounts(server)) process.stdout.write(`${line}\n`);
    process.stdout.write(
      `Monarch server: NS ${server.host}:${server.nsPort}, SB ${server.sbPort}, Nexus ${server.nexusUrl}` +
        `${server.nexusHttpsUrl ? `, ${server.nexusHttpsUrl}` : ''}${server.dispatchPort ? `, dispatch ${server.dispatchPort}` : ''}` +
        `${config.cluster ? `, cluster node ${config.cluster.nodeId}` : ''}\n`,
    );
    await new Promise<void>((resolve) => {
      const onSignal = (sig: NodeJS.Signals): void => {
        process.stdout.write(`${sig}: shutting down\n`);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        server.stop().then(resolve, resolve);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof UsageError || e instanceof AccountError ? '' : 'error: '}${(e as Error).message}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /server[\\/]cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`fatal: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
