/**
 * `npm run bench:server -- [options]`: the MSNP server load generator (issue 3). Signs in many
 * accounts over MSNP to the bundled server (started in a child process) or to any MSNP server
 * given with --target, runs a presence storm and switchboard ping-pong, and writes
 * bench/results/server.json. See bench/README.md, "Server benchmark", and `--help`.
 */
import { OptionsError, parseOptions, USAGE } from './server/options';
import { writeFileSync } from 'node:fs';
import { mergeClusterRun, mergeDialectComparison, overheadSummary, summary, writeReport } from './server/report';
import { runBench } from './server/run';

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof OptionsError) {
      console.error(`bench:server: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  const log = (line: string): void => {
    console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  };
  const report = await runBench(opts, log);
  if (opts.cluster !== undefined) {
    // One report per cluster size, side by side, with the overhead against one node and one process.
    const merged = mergeClusterRun(opts.output, report, opts.compareWith, 'bench/results/server.json');
    writeFileSync(opts.output, `${JSON.stringify(merged, null, 2)}\n`);
    const overhead = merged.overhead[String(opts.cluster)];
    console.log(`\n${summary(report)}${overhead ? `\n${overheadSummary(overhead)}` : ''}\n\nwrote ${opts.output}`);
    return 0;
  }
  // A dialect comparison adds its section to the figures already in the file (a full run's).
  writeReport(opts.output, opts.compareDialects !== undefined ? mergeDialectComparison(opts.output, report) : report);
  console.log(`\n${summary(report)}\n\nwrote ${opts.output}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench:server failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
