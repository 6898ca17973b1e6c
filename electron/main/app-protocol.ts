/**
 * The `monarch://app/` protocol serves the built renderer. A custom standard, secure scheme (not
 * file://) gives our pages a real origin to check IPC senders against and lets us attach the CSP
 * as a header (Electron security checklist, "use a custom protocol").
 */
import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { contentType } from '../core/static-files';

export const APP_SCHEME = 'monarch';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    // codeCache: V8 keeps compiled renderer code between windows and runs (Electron caches only http(s) otherwise).
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Maps a request URL to a file inside `root`, or null when it points elsewhere (another host,
 * `..` escapes, encoded separators).
 */
export function resolveAppPath(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const file = resolve(root, `.${path}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || resolve(root, rel) !== file) return null;
  return file;
}

export function handleAppProtocol(protocol: Protocol, root: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(root, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': contentType(file),
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

export function appUrl(page: 'index.html' | 'conversation.html', query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(`${APP_ORIGIN}/${page}`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
