/**
 * The `monarch://app/` protocol serves the built renderer. A custom standard, secure scheme (not
 * file://) gives our pages a real origin to check IPC senders against and lets us attach the CSP
 * as a header (Electron security checklist, "use a custom protocol").
 */
import type { Protocol } from 'electron';
import { readStatic } from '../core/static-files';

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

/** The path of one of our own URLs (`monarch://app/...`), or null for any other URL. */
function appPathOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST ? u.pathname : null;
}

export function handleAppProtocol(protocol: Protocol, root: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = appPathOf(request.url);
    const file = path === null ? null : await readStatic(root, path);
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(file.body, {
      status: 200,
      headers: {
        'content-type': file.type,
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}

export function appUrl(page: 'index.html' | 'conversation.html', query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(`${APP_ORIGIN}/${page}`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
