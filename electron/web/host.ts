/**
 * The web host (`npm run web`, and the browser end-to-end tests): serves the built renderer on
 * 127.0.0.1 and carries the same contract over a WebSocket to the same backend as the desktop app.
 *
 * Only whoever holds this run's secret token gets in. The link printed at start carries it once
 * (`/?token=…`); the host answers with a redirect that hands the token to the page in the address's
 * fragment (never sent to a server), where the page keeps it in its own origin's storage
 * (renderer/bridge/web-token.ts) and drops it from the address; the page sends it with the
 * WebSocket upgrade (`/ws?token=…`). The token never goes into a cookie: cookies are not bound to a
 * port, so the browser would send it to every other service on 127.0.0.1 it visits (issue 15,
 * item 24), and such a service could then open the WebSocket itself with any Origin it likes.
 *
 * The redirect also sets a cookie for page loads: a different random value that only lets this
 * browser fetch the (public) renderer files, so a stranger without the link gets the explanation
 * instead of a page that cannot connect. Every request checks the Host header (DNS rebinding); the
 * WebSocket upgrade also checks the Origin (other sites' pages). Every frame is validated.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTRACT_ERRORS, MAX_CLIENT_FRAME_BYTES, WS_PATH, clientFrameSchema, createCommandDispatcher, fail, type Backend, type HostFrame, type Result } from '../../shared/ipc';
import { readStatic, rendererContentSecurityPolicy } from '../core/static-files';
import { startWebAutomaticAway, type WebAutomaticAwayOptions } from './activity-idle';

export interface WebHostOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Loopback only; defaults to 127.0.0.1. */
  host?: '127.0.0.1' | 'localhost';
  /** 0 = chosen by the OS. */
  port?: number;
  /** Defaults to 32 random bytes. */
  token?: string;
  /**
   * Automatic Away from the pages' activity (./activity-idle.ts): `state` is the backend's state
   * (my status, the idle preferences). Absent: pages' activity reports go to the backend, which
   * ignores them.
   */
  automaticAway?: Omit<WebAutomaticAwayOptions, 'backend'>;
  /**
   * Received files (issue 11): what a download link's token (`/files/<token>`, from the
   * `fileDownloadLink` command) stands for. Absent: no downloads.
   */
  downloads?: (token: string) => { path: string; name: string } | null;
}

/** Download links: `/files/<token>`, the token 32 random bytes in base64url. */
const DOWNLOAD_PATH = /^\/files\/([A-Za-z0-9_-]{43})$/;

/** `Content-Disposition` for a download: an ASCII fallback and the exact name (RFC 6266, 5987). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export interface WebHost {
  /** The link to open: carries the token. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The page-load cookie of the host on this port (two hosts on one machine keep theirs apart). */
function pageCookieName(port: number): string {
  return `monarch_pages_${port}`;
}

/** The page's policy: our own scripts and styles, and a WebSocket back to this host only. */
export function contentSecurityPolicy(origin: string): string {
  return rendererContentSecurityPolicy(origin.replace(/^http/, 'ws'));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const hostName = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  // Lets this browser load the pages; worth nothing for the WebSocket (see the top of the file).
  const pagePass = randomBytes(32).toString('base64url');
  let origin = '';
  let pageCookie = '';
  let allowedHosts: string[] = [];

  const mayLoadPages = (req: IncomingMessage) => {
    const pass = cookieValue(req, pageCookie);
    return pass !== null && sameSecret(pass, pagePass);
  };
  const carriesToken = (url: URL) => {
    const offered = url.searchParams.get('token');
    return offered !== null && sameSecret(offered, token);
  };
  const hostOk = (req: IncomingMessage) => allowedHosts.includes(req.headers.host ?? '');

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const security = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    };
    if (!hostOk(req)) {
      res.writeHead(421, { 'content-type': 'text/plain', ...security }).end('Wrong host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...security }).end();
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameSecret(offered, token)) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...security }).end('This link is not valid for this run.');
        return;
      }
      url.searchParams.delete('token');
      res.writeHead(303, {
        // The fragment stays in the browser: the page takes the token from it.
        location: `${url.pathname}${url.search}#token=${token}`,
        'set-cookie': `${pageCookie}=${pagePass}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
        ...security,
      });
      res.end();
      return;
    }
    if (!mayLoadPages(req)) {
      res
        .writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...security })
        .end('Open the link printed by `npm run web` (it carries this run’s secret token).');
      return;
    }
    const download = DOWNLOAD_PATH.exec(url.pathname);
    if (download) {
      const found = options.downloads?.(download[1] as string) ?? null;
      const stat = found ? await fs.stat(found.path).catch(() => null) : null;
      if (!found || !stat?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain', ...security }).end('Not found');
        return;
      }
      res.writeHead(200, {
        // Never shown inline: a received file is the peer's content, not our page.
        'content-type': 'application/octet-stream',
        'content-disposition': attachmentDisposition(found.name),
        'content-length': stat.size,
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'no-store',
        ...security,
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(found.path);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
      return;
    }
    const file = await readStatic(options.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain', ...security }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      // The Host header was checked above: the page may connect back to the name it was opened by.
      'content-security-policy': contentSecurityPolicy(`http://${req.headers.host ?? ''}`),
      'cache-control': file.type.startsWith('text/html') ? 'no-store' : 'private, max-age=3600',
      ...security,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const originOk = req.headers.origin === origin || allowedHosts.some((h) => req.headers.origin === `http://${h}`);
    if (url.pathname !== WS_PATH || !hostOk(req) || !originOk || !carriesToken(url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const sockets = new Set<WebSocket>();
  const away = options.automaticAway ? startWebAutomaticAway({ ...options.automaticAway, backend: options.backend }) : null;
  const dispatch = createCommandDispatcher({
    backend: options.backend,
    overrides: {
      // Automatic Away answers the page's activity and notes the user's own status choice first.
      ...(away?.commands ?? {}),
      // A page sends files by streaming them here (beginFileUpload …); a path would let the page
      // send any file of this computer, so the web host never takes one.
      sendFile: async (input) =>
        input.file.kind === 'path'
          ? fail(CONTRACT_ERRORS.forbidden, 'The browser client sends files by uploading them.')
          : ((await options.backend.execute({ name: 'sendFile', input })) as Result<{ transferId: string }>),
    },
    onUnexpected: (command, e) => console.error(`Command ${command} failed:`, (e as Error).message),
    internalMessage: 'Something went wrong; see the host’s log.',
  });

  function serveSocket(ws: WebSocket): void {
    sockets.add(ws);
    const pageClosed = away?.pageOpened();
    const send = (frame: HostFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = options.backend.subscribe((event) => send({ event }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'Text frames only');
        return;
      }
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        ws.close(1007, 'Invalid JSON');
        return;
      }
      const parsed = clientFrameSchema.safeParse(frame);
      if (!parsed.success) {
        ws.close(1008, 'Invalid frame');
        return;
      }
      const { id, command, input } = parsed.data;
      void dispatch(command, input).then((result) => send({ id, result }));
    });
    ws.on('close', () => {
      sockets.delete(ws);
      pageClosed?.();
      unsubscribe();
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostName, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${hostName}:${port}`;
  pageCookie = pageCookieName(port);
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      away?.stop();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
