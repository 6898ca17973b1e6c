// electron-builder `afterPack` hook (build/electron-builder.yml): puts the better-sqlite3 addon
// built for Electron's ABI into the packaged app. We do not let electron-builder rebuild native
// modules itself (`npmRebuild: false`): it would rebuild node_modules/better-sqlite3 in place for
// Electron, and the tests and `npm run server` (plain Node) would stop working. Instead the same
// separate build `npm start` uses (scripts/electron-native.mjs, cached in .electron-native/)
// replaces the Node build inside the unpacked copy of the module.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { electronNativeBinding } from './electron-native.mjs';

/** electron-builder's Arch enum → Node's `process.arch` names. */
const ARCH = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Where the packaged app keeps its resources (app.asar and app.asar.unpacked). */
export function resourcesDir({ appOutDir, platform, productFilename }) {
  return platform === 'darwin' || platform === 'mas' ? join(appOutDir, `${productFilename}.app`, 'Contents', 'Resources') : join(appOutDir, 'resources');
}

/** Copies `binding` over the unpacked better-sqlite3's own addon; returns the path written. */
export function installSqliteAddon({ appOutDir, platform, productFilename, binding }) {
  const release = join(resourcesDir({ appOutDir, platform, productFilename }), 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release');
  if (!existsSync(release)) {
    throw new Error(`better-sqlite3 was not unpacked from the asar archive (no ${release}); check asarUnpack in build/electron-builder.yml`);
  }
  const target = join(release, 'better_sqlite3.node');
  copyFileSync(binding, target);
  return target;
}

export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH[context.arch] ?? String(context.arch);
  if (platform !== process.platform || arch !== process.arch) {
    throw new Error(`npm run dist builds for this computer only (${process.platform}-${process.arch}), not ${platform}-${arch}: the SQLite addon is compiled here`);
  }
  // An addon already built for this Electron (as `npm start` passes it) is used as it is.
  const binding = process.env.MONARCH_SQLITE_BINDING || electronNativeBinding({ runtime: 'electron' });
  const written = installSqliteAddon({
    appOutDir: context.appOutDir,
    platform,
    productFilename: context.packager.appInfo.productFilename,
    binding,
  });
  console.log(`  • SQLite addon for Electron  file=${written}`);
}
