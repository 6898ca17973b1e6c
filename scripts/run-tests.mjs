#!/usr/bin/env node
// `npm test`: typecheck, lint, then every Vitest test (unit, integration, e2e). Prints one final
// line `N passed, N failed` with the real totals: each Vitest test counts once, and the typecheck
// and lint steps count as one check each. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0 };

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  const ok = r.status === 0;
  results[ok ? 'passed' : 'failed'] += 1;
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'}`);
  return ok;
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
step('typecheck', npx, ['tsc', '-b']);
step('lint', npx, ['eslint', '--max-warnings', '0', '.']);

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
if (existsSync(report)) rmSync(report);
console.log('\n=== vitest');
const v = spawnSync(npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { stdio: 'inherit' });
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests ?? 0;
  results.failed += (json.numFailedTests ?? 0);
  // A file that fails to load has no tests but must still fail the run.
  const brokenSuites = (json.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
  results.failed += brokenSuites;
  if (v.status !== 0 && (json.numFailedTests ?? 0) === 0 && brokenSuites === 0) results.failed += 1;
} else {
  results.failed += 1;
}

console.log(`\n${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
