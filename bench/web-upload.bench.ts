/**
 * `npm run bench:web-upload`: how fast the browser client streams a file to its web host (web
 * mode, issue 11), the step before a file is offered. The real path: the bundled server, Alice's
 * and Bob's backends behind their own web hosts (test/e2e/harness.ts), Debian's Chromium. Alice
 * drops an in-page generated file of `SIZE` bytes on her conversation with Bob; timed from the
 * drop to her backend announcing the outgoing transfer (every chunk arrived, `sendFile` ran).
 * `RUNS` runs, median MB/s (MB = 10^6 bytes); CPU per MB of this process (host + backends +
 * server, `process.cpuUsage()`) and of Chromium (its processes' utime+stime from /proc). Writes
 * bench/results/web-upload.json. `--label NAME` names the run in the file (before/after).
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SequencedEvent } from '../shared/ipc';
import { contactRow, conversation, send, startAliceAndBob } from '../test/e2e/harness';

const RUNS = 5;
const SIZE = 8 * 1024 * 1024;
const resultsFile = fileURLToPath(new URL('./results/web-upload.json', import.meta.url));
const label = process.argv.includes('--label') ? (process.argv[process.argv.indexOf('--label') + 1] ?? 'run') : 'run';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round = (x: number): number => Math.round(x * 100) / 100;
const cpuNowMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** utime + stime (ms, 10 ms ticks) of every Chromium process (by its executable's name). */
function chromiumCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/chrom/i.test(name)) continue;
      if (readFileSync(`/proc/${pid}/status`, 'utf8').match(/^PPid:\s+(\d+)/m) === null) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** In the page: a DataTransfer with one file of `size` random bytes, made in the page. */
const MAKE_DROP = `({ name, size }) => {
  const bytes = new Uint8Array(size);
  for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
  return dt;
}`;

async function main(): Promise<void> {
  const { stack, alice, bob } = await startAliceAndBob({ timeout: 30_000, maxDialect: 12 });
  try {
    await contactRow(alice, bob.handle).dblclick();
    await conversation(alice.page).waitFor();
    await send(alice.page, 'files coming');
    const offered = new Map<string, number>();
    alice.core.subscribe((e: SequencedEvent) => {
      const ev = e.event;
      if (ev.type === 'transfer.changed' && ev.transfer.direction === 'outgoing' && !offered.has(ev.transfer.name)) offered.set(ev.transfer.name, performance.now());
    });
    const times: number[] = [];
    let hostCpu = 0;
    let browserCpu = 0;
    for (let run = 0; run < RUNS; run++) {
      const name = `upload-${run}.bin`;
      const dataTransfer = await alice.page.evaluateHandle(`(${MAKE_DROP})(${JSON.stringify({ name, size: SIZE })})`);
      const zone = conversation(alice.page).locator('.file-drop-zone');
      await zone.dispatchEvent('dragenter', { dataTransfer });
      await zone.dispatchEvent('dragover', { dataTransfer });
      const cpu0 = cpuNowMs();
      const browser0 = chromiumCpuMs();
      const t0 = performance.now();
      await zone.dispatchEvent('drop', { dataTransfer });
      const deadline = Date.now() + 120_000;
      while (!offered.has(name)) {
        if (Date.now() > deadline) throw new Error(`${name} was never offered`);
        await new Promise((r) => setTimeout(r, 2));
      }
      times.push((offered.get(name) as number) - t0);
      hostCpu += cpuNowMs() - cpu0;
      browserCpu += chromiumCpuMs() - browser0;
      await dataTransfer.dispose();
      const id = Object.values(alice.core.snapshot().state.transfers.byId).find((t) => t.name === name)?.id;
      if (id) await alice.core.execute({ name: 'cancelFile', input: { transferId: id } });
    }
    const mb = (SIZE * RUNS) / 1e6;
    const result = {
      label,
      fileBytes: SIZE,
      runs: RUNS,
      medianMs: round(median(times)),
      minMs: round(Math.min(...times)),
      maxMs: round(Math.max(...times)),
      throughputMBps: round(SIZE / 1e6 / (median(times) / 1000)),
      cpuMsPerMB: { hostBackendsAndServer: round(hostCpu / mb), chromium: round(browserCpu / mb) },
      loadAverage: loadavg().map(round),
      note: 'from the drop on the conversation to the outgoing transfer in the backend (every chunk written to the host, sendFile run); MB = 10^6 bytes',
    };
    console.log(JSON.stringify(result, null, 2));
    const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { runs?: Record<string, unknown> }) : {};
    writeFileSync(
      resultsFile,
      `${JSON.stringify(
        {
          benchmark: 'web-upload',
          date: new Date().toISOString(),
          machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
          runs: { ...(previous.runs ?? {}), [label]: result },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await stack.close();
  }
}

await main();
