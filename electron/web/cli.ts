/**
 * `npm run web`: the browser client. Serves the built renderer (out/renderer) on 127.0.0.1 with
 * the same backend as the desktop app and prints the link (with this run's secret token).
 *   npm run web -- --port 8080
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppCore } from '../core/create-app-core';
import { DataDirInUseError } from '../core/local-server';
import { startWebHost } from './host';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.MONARCH_WEB_PORT ?? '0' },
    'data-dir': { type: 'string', default: process.env.MONARCH_DATA_DIR ?? join(root, '.monarch-data', 'web') },
    /** Tests only: shrink every delay of the scripted demo contacts (e.g. 0.05). */
    'demo-timing-scale': { type: 'string', default: process.env.MONARCH_DEMO_TIMING_SCALE },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Not a port: ${values.port}`);
  process.exit(2);
}

const scale = values['demo-timing-scale'] === undefined ? undefined : Number(values['demo-timing-scale']);
if (scale !== undefined && !(scale > 0 && scale <= 1)) {
  console.error(`Not a demo timing scale (0 < scale <= 1): ${values['demo-timing-scale']}`);
  process.exit(2);
}
let core: ReturnType<typeof createAppCore>;
try {
  core = createAppCore({ dataDir: values['data-dir'], holder: 'the web host, npm run web', ...(scale !== undefined ? { demo: { timingScale: scale } } : {}) });
} catch (e) {
  if (!(e instanceof DataDirInUseError)) throw e;
  // One Monarch per data folder: a second server on the same SQLite files would corrupt them.
  console.error(e.message);
  process.exit(1);
}
// Automatic Away from the pages' activity: a browser page cannot read the system idle time.
const host = await startWebHost({
  backend: core,
  staticDir: join(root, 'out', 'renderer'),
  port,
  automaticAway: { state: () => core.snapshot().state },
  // Download links of received files (issue 11).
  downloads: (token) => core.resolveDownload(token),
});
console.log(`Monarch is running. Open this link in your browser (it carries this run's secret):\n\n  ${host.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await core.dispose();
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
