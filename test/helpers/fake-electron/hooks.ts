/**
 * Module-resolution hook (node:module `register`, see ./register.ts): the bare specifier
 * 'electron' is the fake next to this file; everything else resolves as Node would.
 */
import type { ResolveHook } from 'node:module';

const fakeElectron = new URL('./electron.mjs', import.meta.url).href;

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  specifier === 'electron' ? { url: fakeElectron, shortCircuit: true } : nextResolve(specifier, context);
