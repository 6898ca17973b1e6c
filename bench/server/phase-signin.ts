/**
 * Phase 2: sign N accounts in with bounded concurrency and measure sign-ins per second and the
 * latency of each sign-in (TCP connect → CHG echo, MSNP.md §3.4). Failures are counted and
 * grouped by message; the phase fails only when nobody could sign in.
 */
import { clusterCost, costPer, LoadMeter, type ClusterCost, type OperationCost, type ServerPids, type WindowProbe, type WindowUsage } from './load-meter';
import { signIn, type Account, type BenchUser, type SignInContext } from './signin';
import { Samples, round, type LatencySummary } from './stats';

export interface SignInResult {
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: LatencySummary | undefined;
  /**
   * MSNP13+: the parts of each sign-in spent in the token request (RST, the password check
   * included) and in the address-book read (FindMembership + ABFindAll, answers parsed).
   */
  readonly stagesMs?: { readonly tokenService: LatencySummary | undefined; readonly addressBook: LatencySummary | undefined };
  /** Distinct failure messages (handles blanked) with counts, most frequent first. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly count: number }>;
  readonly usage: WindowUsage;
  readonly cost: OperationCost;
  /** `--cluster`: each node's CPU per sign-in made on it. */
  readonly cluster?: ClusterCost;
}

export async function runSignIns(
  accounts: readonly Account[],
  ctx: SignInContext,
  concurrency: number,
  serverPid: ServerPids | undefined,
  log: (line: string) => void,
  probe?: WindowProbe,
): Promise<{ users: BenchUser[]; result: SignInResult }> {
  const users: BenchUser[] = [];
  const latency = new Samples();
  const errors = new Map<string, number>();
  let next = 0;
  let failed = 0;

  const meter = new LoadMeter(serverPid, probe);
  meter.start();
  const started = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    log(`  signed in ${users.length}/${accounts.length} (${Math.round(users.length / s)}/s), ${failed} failed`);
  }, 2000);

  const worker = async (): Promise<void> => {
    while (next < accounts.length) {
      const account = accounts[next++] as Account;
      const t0 = performance.now();
      try {
        const user = await signIn(account, ctx);
        latency.add(performance.now() - t0);
        users.push(user);
      } catch (e) {
        failed++;
        const message = (e as Error).message.split(account.handle).join('<handle>');
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, accounts.length) }, worker));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = meter.stop();

  users.sort((a, b) => a.index - b.index);
  const tokenMs = new Samples();
  const addressBookMs = new Samples();
  for (const u of users) {
    if (u.tokenMs !== undefined) tokenMs.add(u.tokenMs);
    if (u.addressBookMs !== undefined) addressBookMs.add(u.addressBookMs);
  }
  const result: SignInResult = {
    attempted: accounts.length,
    succeeded: users.length,
    failed,
    concurrency,
    seconds: round(seconds),
    perSecond: round(users.length / seconds, 1),
    latencyMs: latency.summary(),
    ...(tokenMs.count > 0 ? { stagesMs: { tokenService: tokenMs.summary(), addressBook: addressBookMs.summary() } } : {}),
    errors: [...errors].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([message, count]) => ({ message, count })),
    usage,
    cost: costPer(usage, users.length),
  };
  const byNode = usage.nodes?.map((_, i) => users.filter((u) => u.node === i).length);
  const cluster = byNode === undefined ? undefined : clusterCost(usage, byNode);
  if (cluster !== undefined) return { users, result: { ...result, cluster } };
  return { users, result };
}
