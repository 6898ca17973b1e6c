// ESLint: typescript-eslint recommended rules plus the import zones of ARCHITECTURE.md §2.
// The compiler enforces the coarse split (shared/ has no Node or DOM types); these rules
// enforce who may import whom between folders.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** `no-restricted-imports` for one zone: forbidden folders (any depth of ../) and packages. */
function zone(files, { folders = [], packages = [], message }) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: packages.map((name) => ({ name, message })),
          patterns: folders.map((f) => ({ group: [`**/${f}`, `**/${f}/**`], message })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', '.preview/', '.tsbuild/', 'dist/', 'out/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  zone(['shared/**/*.ts'], {
    folders: ['electron', 'renderer', 'server'],
    packages: [...nodeBuiltins, 'electron', 'react', 'react-dom', 'zustand', 'ws', 'better-sqlite3'],
    message: 'shared/ runs anywhere: no Node, DOM, Electron, React, or other layers (ARCHITECTURE.md §2).',
  }),
  zone(['electron/core/**/*.ts'], {
    folders: ['main', 'preload', 'web', 'renderer', 'server'],
    packages: ['electron'],
    message: 'electron/core is plain Node: no electron, no shell, no renderer; the server only via electron/core/local-server.ts.',
  }),
  zone(['electron/core/local-server.ts'], {
    folders: ['main', 'preload', 'web', 'renderer'],
    packages: ['electron'],
    message: 'The one launcher file may import server/, nothing from the shell or renderer.',
  }),
  zone(['electron/main/**/*.ts'], {
    folders: ['preload', 'web', 'renderer', 'server'],
    message: 'electron/main may import shared/ and electron/core only (ARCHITECTURE.md §2).',
  }),
  zone(['electron/preload/**/*.ts'], {
    folders: ['core', 'main', 'web', 'renderer', 'server', 'msnp', 'model'],
    message: 'electron/preload may import shared/ipc only (ARCHITECTURE.md §2).',
  }),
  zone(['electron/web/**/*.ts'], {
    folders: ['main', 'preload', 'renderer', 'server'],
    packages: ['electron'],
    message: 'electron/web may import shared/ and electron/core only (ARCHITECTURE.md §2).',
  }),
  zone(['renderer/**/*.{ts,tsx}'], {
    folders: ['electron', 'server', 'msnp'],
    packages: [...nodeBuiltins, 'electron'],
    message: 'The renderer sees domain events only: shared/model and shared/ipc (ARCHITECTURE.md §2).',
  }),
  zone(['server/**/*.ts'], {
    folders: ['electron', 'renderer'],
    packages: ['electron'],
    message: 'server/ may import shared/ only (ARCHITECTURE.md §2).',
  }),
);
