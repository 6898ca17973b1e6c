// Vite build of the renderer: one HTML entry per window type (ARCHITECTURE.md §6).
// `index.html` is the contact-list window (sign-in, contact list; in web mode it also lays out the
// conversations), `conversation.html` is one conversation window in the Electron app.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, 'renderer');

export default defineConfig({
  root,
  // Relative asset URLs, so the same build is served by the Electron app protocol and the web host.
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    rollupOptions: {
      input: {
        index: resolve(root, 'index.html'),
        conversation: resolve(root, 'conversation.html'),
      },
    },
  },
});
