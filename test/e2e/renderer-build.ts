/**
 * The renderer build the browser tests load: built once per content (renderer/, shared/ and the
 * Vite config), shared by test files running in parallel (a lock directory makes one build it).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(h, p);
    else if (!name.endsWith('.test.ts') && !name.endsWith('.test.tsx')) {
      h.update(p);
      h.update(readFileSync(p));
    }
  }
}

function contentHash(): string {
  const h = createHash('sha256');
  hashTree(h, join(root, 'renderer'));
  hashTree(h, join(root, 'shared', 'ipc'));
  hashTree(h, join(root, 'shared', 'model'));
  h.update(readFileSync(join(root, 'vite.config.ts')));
  return h.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Returns the folder of a finished renderer build for the current sources. */
export async function rendererBuild(): Promise<string> {
  const base = join(root, 'out', 'renderer-test');
  const dir = join(base, contentHash());
  const done = join(dir, '.done');
  const lock = `${dir}.lock`;
  mkdirSync(base, { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is building; a lock older than two minutes is from a dead run.
      if (waited > 120_000 || (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    try {
      if (!existsSync(done)) {
        // Vitest runs with NODE_ENV=test, which would give a development build of React.
        const env = process.env.NODE_ENV;
        process.env.NODE_ENV = 'production';
        await build({
          mode: 'production',
          configFile: join(root, 'vite.config.ts'),
          logLevel: 'warn',
          build: { outDir: dir, emptyOutDir: true, sourcemap: false },
        }).finally(() => {
          process.env.NODE_ENV = env;
        });
        writeFileSync(done, new Date().toISOString());
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  prune(base, dir);
  return dir;
}

/** Builds of older sources are removed after an hour (a run in progress keeps using its own). */
function prune(base: string, keep: string): void {
  for (const name of readdirSync(base)) {
    const p = join(base, name);
    if (p === keep || p === `${keep}.lock`) continue;
    try {
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}
