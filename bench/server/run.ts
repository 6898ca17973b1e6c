/**
 * The benchmark run, phase by phase (bench/README.md, "Server benchmark"):
 *  1. accounts: created through the bundled server's API (only when we started it);
 *  2. sign-in: N users, bounded concurrency → sign-ins/s; server memory before/after → per user;
 *  3. contact lists among the storm users;
 *  4. presence storm → notifications/s and latency;
 *  5. switchboard ping-pong for each --pairs value → relayed messages/s and latency.
 * Whatever happens, every connection is closed and the bundled server stopped at the end.
 */
import path from 'node:path';
import { dialectName, usesAddressBook, type Dialect } from '../../shared/msnp';
import { BundledServer } from './bundled-server';
import { BenchCluster } from './cluster';
import { waitForQuiet, type ServerPids, type WindowProbe } from './load-meter';
import type { ServerMemory } from './ipc-messages';
import { accountHandle, type BenchOptions } from './options';
import { PassportClient } from './passport-client';
import { buildContactLists, runPresenceStorm, type ContactsResult, type StormResult } from './phase-presence';
import { runSignIns, type SignInResult } from './phase-signin';
import { runSwitchboards, type SwitchboardResult } from './phase-switchboard';
import { canReadProc, loadAverage, readProc } from './proc';
import { compareSignIns, evaluateGoals, ESCARGOT, machine, type AccountsResult, type BenchReport, type DialectSignIns, type MemoryResult } from './report';
import { SoapClient } from './soap-client';
import type { Account, BenchUser, SignInContext } from './signin';
import { round } from './stats';

/** Keep-alive period for the NS connections (MSNP.md §1.6: clients ping every 50–60 s). */
const PING_INTERVAL_MS = 45_000;

export async function runBench(opts: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const notes: string[] = [];
  const profiles: string[] = [];
  let server: BundledServer | undefined;
  let cluster: BenchCluster | undefined;
  /** Every server process we started: the bundled server, or the cluster's nodes. */
  let servers: readonly BundledServer[] = [];
  let passport: PassportClient | undefined;
  let soap: SoapClient | undefined;
  let users: BenchUser[] = [];
  let pinger: NodeJS.Timeout | undefined;
  const interrupted = (): void => {
    log('interrupted: closing connections and stopping the server');
    for (const u of users) u.ns.destroy();
    void (cluster?.stop(2000) ?? server?.stop(2000))?.finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);

  try {
    // --- target ---
    let host: string;
    let port: number;
    let nexus = opts.nexus;
    let pid: ServerPids | undefined;
    let nodePorts: number[] | undefined;
    let sbPorts: number[] | undefined;
    if (opts.cluster !== undefined) {
      log(`starting a cluster of ${opts.cluster} server node processes on one PostgreSQL (fresh database) and one Redis (our own) …`);
      cluster = await BenchCluster.start({
        nodes: opts.cluster,
        postgres: opts.postgres as string,
        timeoutMs: opts.timeoutMs,
        verbose: opts.verbose,
        liftRateLimit: !opts.keepRateLimit,
      });
      servers = cluster.nodes;
      server = servers[0] as BundledServer;
      ({ host, nsPort: port } = server.info);
      nexus ??= server.info.nexusUrl;
      nodePorts = servers.map((s) => s.info.nsPort);
      sbPorts = servers.map((s) => s.info.sbPort);
      pid = { nodes: servers.map((s) => s.pid), redis: cluster.redisPid };
      notes.push(`cluster of ${opts.cluster} node processes (PostgreSQL + Redis); user i signed in on node n<i mod ${opts.cluster}>`);
      if (!opts.keepRateLimit) notes.push('bundled server started with its per-connection command rate limit lifted (--keep-rate-limit keeps it)');
      servers.forEach((s, i) => log(`  node ${BenchCluster.nodeId(i)}: pid ${s.pid}, NS ${s.info.host}:${s.info.nsPort}, SB ${s.info.sbPort}`));
      log(`  Redis pid ${cluster.redisPid}`);
    } else if (opts.target === undefined) {
      log('starting the bundled server in a child process …');
      server = await BundledServer.start({
        timeoutMs: opts.timeoutMs,
        verbose: opts.verbose,
        liftRateLimit: !opts.keepRateLimit,
        dataDir: opts.dataDir,
      });
      servers = [server];
      if (opts.dataDir !== undefined) notes.push(`bundled server stored its data in ${opts.dataDir} (SQLite on disk) instead of memory`);
      if (!opts.keepRateLimit) notes.push('bundled server started with its per-connection command rate limit lifted (--keep-rate-limit keeps it)');
      ({ host, nsPort: port } = server.info);
      nexus ??= server.info.nexusUrl;
      pid = server.pid;
      log(`  pid ${pid}, NS ${host}:${port}, Nexus ${server.info.nexusUrl}`);
    } else {
      ({ host, port } = opts.target);
      pid = opts.serverPid;
      if (opts.serverPid !== undefined && !canReadProc(opts.serverPid)) throw new Error(`--server-pid ${pid}: cannot read /proc/${pid}`);
      if (pid === undefined) notes.push('external server without --server-pid: its CPU and memory were not measured');
    }

    // --server-cpu-prof: one profile per measured window, taken inside the server process.
    const profiling: Promise<void>[] = [];
    const probe = (name: string): WindowProbe | undefined => {
      const dir = opts.serverCpuProf;
      if (dir === undefined || servers.length === 0) return undefined;
      // One profile per node process in a cluster: <phase>-n<i>.cpuprofile.
      const file = (i: number): string => path.join(dir, cluster === undefined ? `${name}.cpuprofile` : `${name}-${BenchCluster.nodeId(i)}.cpuprofile`);
      const noted = (e: unknown): void => {
        notes.push(`server CPU profile ${name}: ${(e as Error).message}`);
      };
      return {
        begin: () => {
          for (const s of servers) profiling.push(s.profileStart(opts.timeoutMs).catch(noted));
        },
        end: () => {
          servers.forEach((s, i) =>
            profiling.push(
              s.profileStop(file(i), opts.timeoutMs).then(() => {
                profiles.push(file(i));
                log(`  server CPU profile: ${file(i)}`);
              }, noted),
            ),
          );
        },
      };
    };

    const quiet = async (phase: string): Promise<void> => {
      if (opts.quietThreshold === undefined) return;
      const q = await waitForQuiet(pid, opts.quietThreshold, opts.quietMaxSeconds, log);
      if (q.othersCpuPercent !== undefined && q.othersCpuPercent >= opts.quietThreshold) {
        notes.push(`${phase}: machine still busy after ${q.waitedSeconds} s (other processes ${q.othersCpuPercent}% CPU)`);
      }
    };

    // --- 1. accounts ---
    let accounts: AccountsResult | undefined;
    if (servers.length > 0) {
      log(`creating ${opts.users} accounts through the server's accounts API …`);
      // A cluster's nodes share the database: each creates a share of the accounts.
      const shares = servers.map((s, i) => {
        const from = Math.floor((opts.users * i) / servers.length);
        const count = Math.floor((opts.users * (i + 1)) / servers.length) - from;
        return { s, from, count };
      });
      const progress = shares.map(() => 0);
      const parts = await Promise.all(
        shares.map(({ s, from, count }, i) =>
          s.createAccounts(
            // On PostgreSQL a node has 10 pooled connections, each waited for at most 5 s (server/README.md,
            // "PostgreSQL"); scrypt is the bottleneck either way, so a few adds in flight per node are enough.
            { prefix: opts.accountPrefix, domain: opts.accountDomain, password: opts.password, from, count, concurrency: cluster === undefined ? 64 : 8 },
            (done) => {
              progress[i] = done;
              log(`  ${progress.reduce((a, b) => a + b, 0)}/${opts.users} accounts`);
            },
          ),
        ),
      );
      const created = {
        created: parts.reduce((a, p) => a + p.created, 0),
        reused: parts.reduce((a, p) => a + p.reused, 0),
        seconds: Math.max(...parts.map((p) => p.seconds)),
      };
      accounts = {
        created: created.created,
        reused: created.reused,
        seconds: round(created.seconds),
        perSecond: round(created.created / created.seconds, 1),
        method: 'accounts.add() in the server process',
      };
      log(`  ${created.created} accounts created, ${created.reused} reused, in ${created.seconds.toFixed(2)} s`);
    } else {
      notes.push(`external server: accounts ${accountHandle(opts, 0)} … ${accountHandle(opts, opts.users - 1)} must exist with the given password`);
    }

    const dialects: readonly Dialect[] = opts.compareDialects ?? [opts.dialect];
    if (dialects.some((d) => d >= 8 && !usesAddressBook(d))) {
      if (nexus === undefined) throw new Error('TWN sign-in needs a Nexus URL (--nexus)');
      // Our own bundled server may use a self-signed certificate; anything else needs --insecure-tls.
      passport = new PassportClient(nexus, opts.insecureTls || server !== undefined, opts.timeoutMs);
    }
    if (dialects.some(usesAddressBook)) {
      // The bundled server's token service and address book share the Nexus's HTTP port (server/soap/router.ts).
      const tokenService = opts.tokenService ?? (server !== undefined ? new URL('/RST.srf', server.info.nexusUrl).toString() : undefined);
      if (tokenService === undefined) throw new Error('MSNP13+ sign-in needs the token service URL (--token-service)');
      soap = new SoapClient(tokenService, opts.insecureTls || server !== undefined, opts.timeoutMs);
      log(`  token service ${tokenService}`);
    }

    if (opts.compareDialects !== undefined) {
      const runs: DialectSignIns['runs'][number][] = [];
      const accountList: Account[] = Array.from({ length: opts.users }, (_, i) => ({ index: i, handle: accountHandle(opts, i), password: opts.password }));
      for (let round = 1; round <= opts.rounds; round++) {
        // Alternating dialects within each round: load from other work on the machine falls on both.
        for (const dialect of opts.compareDialects) {
          await quiet(`sign-in ${dialectName(dialect)}`);
          const load = loadAverage();
          log(`round ${round}/${opts.rounds}: signing in ${opts.users} users over ${dialectName(dialect)}, ${opts.loginConcurrency} at a time (load ${load ?? '?'}) …`);
          const ctx: SignInContext = { host, port, dialect, passport, soap, timeoutMs: opts.timeoutMs };
          const signed = await runSignIns(accountList, ctx, opts.loginConcurrency, pid, log, probe(`signin-${dialectName(dialect)}-${round}`));
          log(`  ${signed.result.succeeded} signed in, ${signed.result.failed} failed, ${signed.result.perSecond}/s, server ${signed.result.cost.serverCpuUs ?? '?'} µs CPU per sign-in`);
          runs.push({ round, dialect: dialectName(dialect), loadAverage1m: load, result: signed.result });
          users = signed.users;
          await signOutAll(users, opts.timeoutMs);
          users = [];
        }
      }
      await Promise.all(profiling);
      const base: Omit<BenchReport, 'goals'> = {
        benchmark: 'server',
        date: new Date().toISOString(),
        machine: machine(),
        config: opts,
        target: { kind: server ? 'bundled' : 'external', host, port, pid: typeof pid === 'number' ? pid : undefined },
        accounts,
        signIn: undefined,
        memory: undefined,
        contacts: undefined,
        presence: undefined,
        switchboard: [],
        signInByDialect: compareSignIns(opts, runs),
        disconnected: { count: 0, reasons: [] },
        reference: ESCARGOT,
        serverCpuProfiles: profiles,
        notes,
      };
      return { ...base, goals: evaluateGoals(base) };
    }

    // --- 2. sign-in and memory ---
    const memBefore = await serverMemory(servers, pid, opts.timeoutMs);
    await quiet('sign-in');
    const method = opts.dialect >= 15 ? 'SSO' : opts.dialect >= 8 ? 'TWN' : 'MD5';
    log(`signing in ${opts.users} users over MSNP${opts.dialect} (${method}), ${opts.loginConcurrency} at a time …`);
    const ctx: SignInContext = { host, port, ...(nodePorts === undefined ? {} : { nodePorts }), dialect: opts.dialect, passport, soap, timeoutMs: opts.timeoutMs };
    const accountList: Account[] = Array.from({ length: opts.users }, (_, i) => ({ index: i, handle: accountHandle(opts, i), password: opts.password }));
    const signed = await runSignIns(accountList, ctx, opts.loginConcurrency, pid, log, probe('signin'));
    users = signed.users;
    const signIn: SignInResult = signed.result;
    log(`  ${signIn.succeeded} signed in, ${signIn.failed} failed, ${signIn.perSecond}/s`);
    if (users.length === 0) throw new Error(`nobody could sign in: ${signIn.errors[0]?.message ?? 'unknown error'}`);

    pinger = setInterval(() => {
      for (const u of users) if (!u.ns.closed) u.ns.sendBare('PNG');
    }, PING_INTERVAL_MS);

    await sleep(1000); // let the server finish whatever a sign-in leaves behind
    const memAfter = await serverMemory(servers, pid, opts.timeoutMs);
    const memory = memoryResult(memBefore, memAfter, users.length);
    if (memory) log(`  server memory: ${(memory.rssPerUserBytes / 1024).toFixed(2)} KiB RSS per user`);

    // --- 3 + 4. contacts and presence storm ---
    let contacts: ContactsResult | undefined;
    let presence: StormResult | undefined;
    if (opts.phases.includes('presence')) {
      const storm = users.slice(0, opts.stormUsers);
      if (storm.length < opts.stormUsers || storm.some((u, i) => u.index !== i)) {
        notes.push(`presence storm skipped: only ${users.length} users signed in`);
      } else {
        log(`contact lists: each of ${storm.length} users adds the other ${storm.length - 1} …`);
        contacts = await buildContactLists(storm, opts.timeoutMs);
        await quiet('presence storm');
        log(`presence storm: ${opts.stormRate} changes/s among ${storm.length} users for ${opts.warmupSeconds} + ${opts.durationSeconds} s …`);
        presence = await runPresenceStorm(storm, {
          rate: opts.stormRate,
          warmupSeconds: opts.warmupSeconds,
          durationSeconds: opts.durationSeconds,
          timeoutMs: opts.timeoutMs,
          serverPid: pid,
          probe: probe('presence'),
        });
        log(`  ${presence.notificationsPerSecond} notifications/s, p99 ${presence.latencyMs?.p99 ?? 'n/a'} ms`);
      }
    }

    // --- 5. switchboards ---
    const switchboard: SwitchboardResult[] = [];
    if (opts.phases.includes('switchboard')) {
      for (const pairs of opts.pairs) {
        const needed = users.slice(0, 2 * pairs);
        if (needed.length < 2 * pairs || needed.some((u) => u.ns.closed)) {
          notes.push(`switchboard run with ${pairs} pairs skipped: fewer than ${2 * pairs} users online`);
          continue;
        }
        await quiet(`switchboard ${pairs} pairs`);
        log(`switchboard: ${pairs} pairs, ack ${opts.ack} …`);
        const r = await runSwitchboards(
          needed,
          {
            pairs,
            ack: opts.ack,
            setupConcurrency: opts.pairSetupConcurrency,
            warmupSeconds: opts.warmupSeconds,
            durationSeconds: opts.durationSeconds,
            timeoutMs: opts.timeoutMs,
            serverPid: pid,
            probe: probe(`switchboard-${pairs}`),
            ...(sbPorts === undefined ? {} : { sbPorts }),
          },
          log,
        );
        switchboard.push(r);
        log(`  ${r.messagesPerSecond} messages/s, p99 ${r.latencyMs?.p99 ?? 'n/a'} ms`);
      }
    }

    await Promise.all(profiling);
    const lost = users.filter((u) => u.ns.closed);
    const base: Omit<BenchReport, 'goals'> = {
      benchmark: 'server',
      date: new Date().toISOString(),
      machine: machine(),
      config: cluster === undefined ? opts : { ...opts, postgres: withoutPassword(opts.postgres) },
      ...(cluster === undefined
        ? {}
        : {
            cluster: {
              nodes: servers.map((s, i) => ({ id: BenchCluster.nodeId(i), pid: s.pid, nsPort: s.info.nsPort, sbPort: s.info.sbPort })),
              redisPid: cluster.redisPid,
              database: cluster.databaseName,
            },
          }),
      target: { kind: server ? 'bundled' : 'external', host, port, pid: typeof pid === 'number' ? pid : undefined },
      accounts,
      signIn,
      memory,
      contacts,
      presence,
      switchboard,
      disconnected: {
        count: lost.length,
        reasons: [...new Set(lost.map((u) => u.outReason ?? 'connection closed'))].slice(0, 5),
      },
      reference: ESCARGOT,
      serverCpuProfiles: profiles,
      notes,
    };
    return { ...base, goals: evaluateGoals(base) };
  } finally {
    process.off('SIGINT', interrupted);
    if (pinger) clearInterval(pinger);
    for (const u of users) u.ns.quit();
    passport?.close();
    soap?.close();
    if (cluster) {
      await sleep(200);
      await cluster.stop(opts.timeoutMs);
    } else if (server) {
      await sleep(200);
      await server.stop(opts.timeoutMs);
    }
  }
}

async function serverMemory(servers: readonly BundledServer[], pid: ServerPids | undefined, timeoutMs: number): Promise<(Partial<ServerMemory> & { rss: number; source: MemoryResult['source'] }) | undefined> {
  if (servers.length === 1) return { ...(await (servers[0] as BundledServer).memory(timeoutMs)), source: 'gc+memoryUsage' };
  if (servers.length > 1) {
    // A cluster: its nodes' memory added up.
    const all = await Promise.all(servers.map((s) => s.memory(timeoutMs)));
    const sum = (f: (m: ServerMemory) => number): number => all.reduce((a, m) => a + f(m), 0);
    return { rss: sum((m) => m.rss), heapUsed: sum((m) => m.heapUsed), heapTotal: sum((m) => m.heapTotal), external: sum((m) => m.external), arrayBuffers: sum((m) => m.arrayBuffers), source: 'gc+memoryUsage' };
  }
  if (typeof pid === 'number') return { rss: readProc(pid).rssBytes, source: 'proc' };
  return undefined;
}

/** The PostgreSQL URL as written into the report: no password. */
function withoutPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function memoryResult(
  before: Awaited<ReturnType<typeof serverMemory>>,
  after: Awaited<ReturnType<typeof serverMemory>>,
  n: number,
): MemoryResult | undefined {
  if (before === undefined || after === undefined || n === 0) return undefined;
  const heap = before.heapUsed !== undefined && after.heapUsed !== undefined;
  return {
    users: n,
    source: before.source,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    rssPerUserBytes: Math.round((after.rss - before.rss) / n),
    heapUsedBeforeBytes: before.heapUsed,
    heapUsedAfterBytes: after.heapUsed,
    heapUsedPerUserBytes: heap ? Math.round(((after.heapUsed as number) - (before.heapUsed as number)) / n) : undefined,
    arrayBuffersPerUserBytes: perUser(before.arrayBuffers, after.arrayBuffers, n),
    externalPerUserBytes: perUser(before.external, after.external, n),
  };
}

function perUser(before: number | undefined, after: number | undefined, n: number): number | undefined {
  return before === undefined || after === undefined ? undefined : Math.round((after - before) / n);
}

/** `OUT` on every connection, then wait (bounded) until the server has closed them all. */
async function signOutAll(users: readonly BenchUser[], timeoutMs: number): Promise<void> {
  for (const u of users) u.ns.quit();
  const deadline = performance.now() + timeoutMs;
  while (users.some((u) => !u.ns.closed) && performance.now() < deadline) await sleep(50);
  for (const u of users) if (!u.ns.closed) u.ns.destroy('not closed after OUT');
  await sleep(500); // let the server finish the sign-outs before the next run is measured
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
