#!/usr/bin/env node
// Renders Monarch's own artwork to the PNG files packaging and the tray need, from the same JSX
// drawings the renderer shows (renderer/components/Logo.tsx, StatusIcon.tsx), so there is one
// source for each picture:
//   build/icon.svg, build/icon.png (1024)          the app icon (electron-builder makes .icns/.ico from it)
//   build/icons/<N>x<N>.png, N = 16 … 1024         Linux icon theme sizes (AppImage, deb)
//   build/tray/<name>.png and <name>@2x.png        tray icons per status (16 px and 32 px)
//   build/tray/unread-overlay.png                  Windows taskbar overlay while messages are unread
// Rasterised by Chromium through playwright-core (Debian's /usr/bin/chromium, or CHROMIUM_PATH).
// Run after changing the artwork: `node scripts/make-icons.mjs`; the results are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => tsImport(join(root, path), { parentURL: import.meta.url, tsconfig: join(root, 'tsconfig.web.json') });

const { createElement } = await import('react');
const { renderToStaticMarkup } = await import('react-dom/server');
const { Logo } = await load('renderer/components/Logo.tsx');
const { StatusIcon } = await load('renderer/components/StatusIcon.tsx');

export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** The tray's pictures: one per look of the status icon, and the logo while signed out. */
export const TRAY_ICONS = ['online', 'busy', 'away', 'phone', 'offline', 'signed-out'];

const withNamespace = (svg) => (svg.includes('xmlns=') ? svg : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"'));

/** The logo as a standalone SVG document (no animation classes needed outside the app). */
function logoSvg() {
  return withNamespace(renderToStaticMarkup(createElement(Logo, { size: 64 })));
}

/** A status icon's SVG: StatusIcon draws an <img> with a data: URL of its SVG. */
function statusSvg(status) {
  const html = renderToStaticMarkup(createElement(StatusIcon, { status }));
  const src = /src="data:image\/svg\+xml;charset=utf-8,([^"]+)"/.exec(html)?.[1];
  if (!src) throw new Error(`StatusIcon(${status}) did not draw a data: URL`);
  return decodeURIComponent(src.replace(/&amp;/g, '&'));
}

/** A small red disc for the Windows taskbar overlay (our own drawing). */
const UNREAD_OVERLAY_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6.5" fill="#e0412f" stroke="#fff" stroke-width="1.5"/><circle cx="8" cy="8" r="2.2" fill="#fff"/></svg>';

function trayIconSvg(name) {
  return name === 'signed-out' ? logoSvg() : statusSvg(name);
}

async function rasterise(page, svg, size) {
  const sized = svg.replace(/<svg([^>]*?)\s(width|height)="[^"]*"/g, '<svg$1').replace(/<svg([^>]*?)\s(width|height)="[^"]*"/g, '<svg$1');
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">${sized.replace('<svg', `<svg width="${size}" height="${size}"`)}</body></html>`,
  );
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const build = join(root, 'build');
    mkdirSync(join(build, 'icons'), { recursive: true });
    mkdirSync(join(build, 'tray'), { recursive: true });

    const logo = logoSvg();
    writeFileSync(join(build, 'icon.svg'), `${logo}\n`);
    for (const size of APP_ICON_SIZES) {
      const png = await rasterise(page, logo, size);
      writeFileSync(join(build, 'icons', `${size}x${size}.png`), png);
      if (size === 1024) writeFileSync(join(build, 'icon.png'), png);
    }
    for (const name of TRAY_ICONS) {
      const svg = trayIconSvg(name);
      writeFileSync(join(build, 'tray', `${name}.png`), await rasterise(page, svg, 16));
      writeFileSync(join(build, 'tray', `${name}@2x.png`), await rasterise(page, svg, 32));
    }
    writeFileSync(join(build, 'tray', 'unread-overlay.png'), await rasterise(page, UNREAD_OVERLAY_SVG, 16));
    console.log(`Icons written to ${build}`);
  } finally {
    await browser.close();
  }
}

await main();
