// Vite builds of the Electron shell: the main process (ESM, Node target, dependencies left to
// node_modules) and the preload script (one self-contained CommonJS file: a sandboxed preload can
// `require` nothing but 'electron', so everything it uses is bundled in).
//   vite build -c vite.electron.config.ts --mode main
//   vite build -c vite.electron.config.ts --mode preload
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';

const here = import.meta.dirname;
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig(({ mode }) => {
  if (mode === 'preload') {
    return {
      build: {
        ssr: resolve(here, 'electron/preload/index.ts'),
        outDir: resolve(here, 'out/preload'),
        emptyOutDir: true,
        target: 'node22',
        rollupOptions: {
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: 'preload.cjs' },
        },
      },
      ssr: { noExternal: true, external: ['electron'] },
    };
  }
  return {
    build: {
      ssr: resolve(here, 'electron/main/index.ts'),
      outDir: resolve(here, 'out/main'),
      emptyOutDir: true,
      target: 'node22',
      rollupOptions: {
        external: ['electron', ...nodeBuiltins],
        output: { format: 'es', entryFileNames: 'index.js' },
      },
    },
  };
});
