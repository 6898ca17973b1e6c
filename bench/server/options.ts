/**
 * Command-line options of `npm run bench:server -- …`, validated up front so a bad flag fails in
 * the first second with a clear message rather than minutes into a run.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkHandle, isCodecDialect, parseDialectName, usesAddressBook, type Dialect } from '../../shared/msnp';
import { parseAddress } from './signin';

export type Phase = 'signin' | 'presence' | 'switchboard';
export const ALL_PHASES: readonly Phase[] = ['signin', 'presence', 'switchboard'];

export type AckMode = 'N' | 'U' | 'A';

export interface BenchOptions {
  /** `host:port` of an external MSNP server; undefined = start the bundled server ourselves. */
  readonly target: { host: string; port: number } | undefined;
  /** pid of the external server, to sample its CPU and RSS from /proc. */
  readonly serverPid: number | undefined;
  readonly dialect: Dialect;
  readonly nexus: string | undefined;
  /** MSNP13+: the token service (`…/RST.srf` or `…/RST2.srf`); the address book is on its origin. */
  readonly tokenService: string | undefined;
  /**
   * Sign-in comparison (issue 12): these dialects' sign-in phases, alternated over `rounds`
   * rounds on the same server and accounts; written beside the other figures in --output.
   */
  readonly compareDialects: readonly Dialect[] | undefined;
  readonly rounds: number;
  readonly insecureTls: boolean;
  readonly users: number;
  readonly loginConcurrency: number;
  readonly pairs: readonly number[];
  readonly pairSetupConcurrency: number;
  readonly ack: AckMode;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly stormUsers: number;
  readonly stormRate: number;
  readonly accountPrefix: string;
  readonly accountDomain: string;
  readonly password: string;
  readonly phases: readonly Phase[];
  readonly timeoutMs: number;
  readonly output: string;
  /** Directory for a V8 CPU profile of the bundled server (`node --cpu-prof`). */
  readonly serverCpuProf: string | undefined;
  /** Before each phase, wait until other processes use less than this CPU% (undefined = don't). */
  readonly quietThreshold: number | undefined;
  readonly quietMaxSeconds: number;
  /** Bundled server storage directory (accounts kept for later runs); in-memory when undefined. */
  readonly dataDir: string | undefined;
  /** Keep the bundled server's per-connection command rate limit (lifted by default). */
  readonly keepRateLimit: boolean;
  /**
   * `--cluster N` (issue 13): the bundled server as N node processes on one PostgreSQL and one
   * Redis (bench/server/cluster.ts); user i signs in on node i mod N. Undefined = one process.
   */
  readonly cluster: number | undefined;
  /** `--cluster`: PostgreSQL URL of a role that may create databases (the run makes its own). */
  readonly postgres: string | undefined;
  /**
   * `--cluster`: a single-process report (server.json of a plain run with the same load) to
   * compare the cluster's CPU per operation with; kept in the cluster results file.
   */
  readonly compareWith: string | undefined;
  readonly verbose: boolean;
}

export const USAGE = `Usage: npm run bench:server -- [options]

Target
  --target host:port       benchmark an external MSNP server (accounts must already exist);
                           default: start the bundled server in a child process (in-memory
                           storage, OS-chosen ports) and create the accounts through its API
  --server-pid PID         with --target: sample that process's CPU and RSS from /proc
  --dialect MSNPn          MSNP2…MSNP7 sign in with MD5, MSNP8…MSNP12 with Passport (TWN),
                           MSNP13…MSNP15 through the token service (15: USR SSO) and read the
                           SOAP address book (sign-in phase only) [MSNP7]
  --nexus URL              Passport Nexus for MSNP8–12 with --target (…/rdr/pprdr.asp)
  --token-service URL      token service for MSNP13+ (…/RST.srf or …/RST2.srf; the address book
                           is asked on the same origin); default with the bundled server: its
                           HTTP port's /RST.srf
  --compare-dialects LIST  sign-in comparison, e.g. MSNP12,MSNP15: only the sign-in phase, once per
                           dialect per round (alternating), all users signed out between runs;
                           adds "signInByDialect" to --output and keeps the rest of that file
  --rounds N               rounds of --compare-dialects [3]
  --insecure-tls           accept a self-signed certificate from the Nexus / login server

Load
  --users N                accounts signed in and held [1000]
  --login-concurrency N    sign-ins in flight at once [200]
  --storm-users N          users in the presence storm, each on all others' lists [100]
  --storm-rate N           status changes per second across the storm users [1000]
  --pairs N[,N…]           switchboard pairs, one run per value [50,500]
  --ack N|U|A              ack type of the switchboard MSGs [N]
  --duration S             measured seconds of each storm / switchboard run [10]
  --warmup S               unmeasured seconds before each run [2]
  --phases LIST            any of signin,presence,switchboard [all]

Accounts
  --account-prefix P       handles are P<i>@<domain>, i = 0…users-1 [bench]
  --account-domain D       [bench.example]
  --password PW            password of every bench account [bench-password]

Other
  --timeout MS             limit on every single wait (connect, reply, invitation) [15000]
  --output FILE            [bench/results/server.json]
  --server-cpu-prof DIR    profile the bundled server during each measured window (sign-in,
                           storm, each switchboard run): DIR/<phase>.cpuprofile
  --data-dir DIR           give the bundled server this storage directory instead of memory;
                           accounts created there are reused by the next run (account creation
                           hashes every password with scrypt: ~40 accounts/s on 2 cores)
  --keep-rate-limit        keep the bundled server's per-connection command rate limit
                           (lifted by default: a ping-pong pair exceeds what a person sends)
  --wait-quiet PCT         before each phase, wait until the machine's other processes use
                           less than PCT% CPU (one core = 100), at most --wait-quiet-max s
  --wait-quiet-max S       [120]
  --cluster N              run the bundled server as N node processes sharing one PostgreSQL and
                           one Redis (issue 13; user i signs in on node i mod N; 1 = one node
                           on PostgreSQL + Redis, the baseline for the cluster's overhead);
                           writes bench/results/server-cluster.json unless --output is given
  --postgres URL           with --cluster: a role that may create databases; the run creates a
                           database of its own there and drops it at the end
                           [$MONARCH_TEST_POSTGRES_URL, as scripts/test-services.sh sets it]
  --compare-with FILE      with --cluster: a plain run's report (same --users, storm, pairs) to
                           compare CPU per operation with; copied into the cluster results
                           [the one already there, else bench/results/server.json]
  --verbose                print the bundled server's output
  --help`;

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        'server-pid': { type: 'string' },
        dialect: { type: 'string', default: 'MSNP7' },
        nexus: { type: 'string' },
        'token-service': { type: 'string' },
        'compare-dialects': { type: 'string' },
        rounds: { type: 'string', default: '3' },
        'insecure-tls': { type: 'boolean', default: false },
        users: { type: 'string', default: '1000' },
        'login-concurrency': { type: 'string', default: '200' },
        pairs: { type: 'string', default: '50,500' },
        'pair-setup-concurrency': { type: 'string', default: '50' },
        ack: { type: 'string', default: 'N' },
        duration: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '2' },
        'storm-users': { type: 'string', default: '100' },
        'storm-rate': { type: 'string', default: '1000' },
        'account-prefix': { type: 'string', default: 'bench' },
        'account-domain': { type: 'string', default: 'bench.example' },
        password: { type: 'string', default: 'bench-password' },
        phases: { type: 'string', default: ALL_PHASES.join(',') },
        timeout: { type: 'string', default: '15000' },
        output: { type: 'string' },
        cluster: { type: 'string' },
        postgres: { type: 'string' },
        'compare-with': { type: 'string' },
        'server-cpu-prof': { type: 'string' },
        'keep-rate-limit': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        'wait-quiet': { type: 'string' },
        'wait-quiet-max': { type: 'string', default: '120' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
  if (values.help) return 'help';

  const dialectOf = (name: string, flag: string): Dialect => {
    const d = parseDialectName(name) ?? Number(name);
    if (!isCodecDialect(d)) throw new OptionsError(`${flag} must be MSNP2 … MSNP15, got ${name}`);
    return d;
  };
  const dialect = dialectOf(values.dialect, '--dialect');
  const compareDialects = values['compare-dialects']?.split(',').map((d) => dialectOf(d.trim(), '--compare-dialects'));
  if (compareDialects !== undefined && compareDialects.length === 0) throw new OptionsError('--compare-dialects needs at least one dialect');

  // The later phases speak MSNP2–12 (ADD/ADC lists, no ADL): MSNP13+ runs the sign-in phase alone.
  const soapDialect = usesAddressBook(dialect) || (compareDialects ?? []).some(usesAddressBook);
  const phases = values.phases.split(',').map((p) => p.trim());
  if (compareDialects !== undefined || (soapDialect && values.phases === ALL_PHASES.join(','))) phases.splice(0, phases.length, 'signin');
  for (const p of phases) {
    if (!(ALL_PHASES as readonly string[]).includes(p)) throw new OptionsError(`--phases: unknown phase ${p} (${ALL_PHASES.join(', ')})`);
  }
  if (!phases.includes('signin')) throw new OptionsError('--phases must include signin: the other phases need signed-in users');

  const ack = values.ack;
  if (ack !== 'N' && ack !== 'U' && ack !== 'A') throw new OptionsError(`--ack must be N, U or A, got ${ack}`);

  const target = values.target === undefined ? undefined : parseAddress(values.target, '--target');
  const users = int(values.users, '--users', 1);
  const pairs = values.pairs.split(',').map((p) => int(p, '--pairs', 1));
  const stormUsers = int(values['storm-users'], '--storm-users', 2);
  const cluster = values.cluster === undefined ? undefined : int(values.cluster, '--cluster', 1);
  const postgres = cluster === undefined ? values.postgres : (values.postgres ?? (process.env.MONARCH_TEST_POSTGRES_URL || undefined));

  const opts: BenchOptions = {
    target,
    serverPid: values['server-pid'] === undefined ? undefined : int(values['server-pid'], '--server-pid', 1),
    dialect,
    nexus: values.nexus,
    tokenService: values['token-service'],
    compareDialects,
    rounds: int(values.rounds, '--rounds', 1),
    insecureTls: values['insecure-tls'],
    users,
    loginConcurrency: int(values['login-concurrency'], '--login-concurrency', 1),
    pairs,
    pairSetupConcurrency: int(values['pair-setup-concurrency'], '--pair-setup-concurrency', 1),
    ack,
    durationSeconds: num(values.duration, '--duration', 0.1),
    warmupSeconds: num(values.warmup, '--warmup', 0),
    stormUsers,
    stormRate: num(values['storm-rate'], '--storm-rate', 0.1),
    accountPrefix: values['account-prefix'],
    accountDomain: values['account-domain'],
    password: values.password,
    phases: phases as Phase[],
    timeoutMs: int(values.timeout, '--timeout', 100),
    output: values.output ?? (cluster === undefined ? 'bench/results/server.json' : 'bench/results/server-cluster.json'),
    serverCpuProf: values['server-cpu-prof'],
    keepRateLimit: values['keep-rate-limit'],
    cluster,
    postgres,
    compareWith: values['compare-with'],
    dataDir: values['data-dir'],
    quietThreshold: values['wait-quiet'] === undefined ? undefined : num(values['wait-quiet'], '--wait-quiet', 1),
    quietMaxSeconds: num(values['wait-quiet-max'], '--wait-quiet-max', 0),
    verbose: values.verbose,
  };

  if (opts.serverPid !== undefined && target === undefined) {
    throw new OptionsError('--server-pid only applies with --target (the bundled server is sampled anyway)');
  }
  if (opts.dataDir !== undefined && target !== undefined) {
    throw new OptionsError('--data-dir only applies to the bundled server');
  }
  if (cluster !== undefined) {
    if (target !== undefined) throw new OptionsError('--cluster starts the bundled server as N nodes; it does not apply with --target');
    if (opts.dataDir !== undefined) throw new OptionsError('--cluster keeps its data in PostgreSQL (a fresh database per run); --data-dir does not apply');
    if (compareDialects !== undefined) throw new OptionsError('--compare-dialects runs on one process; it does not apply with --cluster');
    if (opts.compareWith !== undefined && !existsSync(opts.compareWith)) throw new OptionsError(`--compare-with ${opts.compareWith}: no such file`);
    if (postgres === undefined) throw new OptionsError('--cluster needs PostgreSQL: give --postgres URL or set MONARCH_TEST_POSTGRES_URL (eval "$(bash scripts/test-services.sh)")');
  } else if (values.postgres !== undefined || values['compare-with'] !== undefined) {
    throw new OptionsError(`${values.postgres !== undefined ? '--postgres' : '--compare-with'} only applies with --cluster`);
  }
  if (opts.serverCpuProf !== undefined && target !== undefined) {
    throw new OptionsError('--server-cpu-prof only applies to the bundled server; profile an external one yourself');
  }
  if (soapDialect && phases.some((p) => p !== 'signin')) {
    throw new OptionsError('MSNP13+ runs only the sign-in phase (the presence and switchboard phases build lists with ADD/ADC): --phases signin');
  }
  const dialectsUsed = compareDialects ?? [dialect];
  if (dialectsUsed.some(usesAddressBook) && target !== undefined && opts.tokenService === undefined) {
    throw new OptionsError('MSNP13+ signs in through the token service: give --token-service URL with --target');
  }
  if (dialectsUsed.some((d) => d >= 8 && !usesAddressBook(d)) && target !== undefined && opts.nexus === undefined) {
    throw new OptionsError('MSNP8–12 sign in through Passport (TWN): give --nexus URL with --target');
  }
  if (opts.phases.includes('presence') && stormUsers > users) {
    throw new OptionsError(`--storm-users ${stormUsers} exceeds --users ${users}`);
  }
  if (opts.phases.includes('switchboard') && 2 * Math.max(...pairs) > users) {
    throw new OptionsError(`--pairs ${Math.max(...pairs)} needs ${2 * Math.max(...pairs)} users; --users is ${users}`);
  }
  const sample = accountHandle(opts, users - 1);
  if (checkHandle(sample) !== undefined) throw new OptionsError(`account handles like ${sample} are not valid MSNP handles`);
  if (/[\s]/.test(opts.password) || opts.password.length === 0) throw new OptionsError('--password must be non-empty, without spaces');
  return opts;
}

/** The i-th bench account's handle. */
export function accountHandle(opts: Pick<BenchOptions, 'accountPrefix' | 'accountDomain'>, i: number): string {
  return `${opts.accountPrefix}${i}@${opts.accountDomain}`;
}

function int(s: string, flag: string, min: number): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) throw new OptionsError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(s)}`);
  return n;
}

function num(s: string, flag: string, min: number): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n < min) throw new OptionsError(`${flag} must be a number ≥ ${min}, got ${JSON.stringify(s)}`);
  return n;
}
