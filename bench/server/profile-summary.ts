/**
 * `npx tsx bench/server/profile-summary.ts FILE.cpuprofile [N]`: where a V8 CPU profile (from
 * `--server-cpu-prof`, i.e. `node --cpu-prof`) spent its time: the top N functions by self time
 * and by total (inclusive) time, and self time per source file. Enough to say where the server's
 * time goes without opening DevTools.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileRow {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idlePercent: number;
  readonly bySelf: readonly ProfileRow[];
  readonly byTotal: readonly ProfileRow[];
  readonly byFile: readonly ProfileRow[];
}

function label(n: ProfileNode, root: string): string {
  const f = n.callFrame;
  const file = f.url === '' ? '' : ` ${shorten(f.url, root)}:${f.lineNumber + 1}`;
  return `${f.functionName || '(anonymous)'}${file}`;
}

function shorten(url: string, root: string): string {
  const p = url.startsWith('file://') ? new URL(url).pathname : url;
  return p.startsWith(root) ? path.relative(root, p) : p.replace(/^.*node_modules\//, 'node_modules/');
}

export function summarizeProfile(profile: CpuProfile, top = 25, root = process.cwd()): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const file = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (n === undefined) continue;
    const name = label(n, root);
    if (n.callFrame.functionName === '(idle)') idle += us;
    self.set(name, (self.get(name) ?? 0) + us);
    const f = n.callFrame.url === '' ? `(${n.callFrame.functionName})` : shorten(n.callFrame.url, root);
    file.set(f, (file.get(f) ?? 0) + us);
    // Inclusive: count each distinct function once per sample stack (recursion).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const pn = byId.get(cur);
      if (pn === undefined) break;
      const pname = label(pn, root);
      if (seen.has(pname)) continue;
      seen.add(pname);
      inclusive.set(pname, (inclusive.get(pname) ?? 0) + us);
    }
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }));
  return {
    totalMs: Math.round(totalUs / 1000),
    idlePercent: Math.round((idle / totalUs) * 1000) / 10,
    bySelf: rows(self),
    byTotal: rows(inclusive).filter((r) => !/^\((root|program|idle)\)/.test(r.name)),
    byFile: rows(file),
  };
}

function print(s: ProfileSummary): void {
  const table = (title: string, rows: readonly ProfileRow[]): void => {
    console.log(`\n${title}`);
    for (const r of rows) console.log(`  ${r.percent.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(8)} ms  ${r.name}`);
  };
  console.log(`profile: ${s.totalMs} ms, idle ${s.idlePercent}%`);
  table('self time by function', s.bySelf);
  table('total time by function', s.byTotal);
  table('self time by file', s.byFile);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: npx tsx bench/server/profile-summary.ts FILE.cpuprofile [top-N]');
    process.exit(2);
  }
  print(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25)));
}
