/**
 * The web host on 127.0.0.1:0: the per-run token (link → the page's fragment; the WebSocket needs
 * it in its address, never as a cookie), the page-load cookie, Host and Origin checks, static files
 * with the CSP, and the contract over the WebSocket with validation.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { initialAppState, type EventListener, type SequencedEvent } from '../../shared/ipc';
import { startWebHost, type WebHost } from './host';

const listeners = new Set<EventListener>();
const backend = {
  execute: vi.fn(async (cmd: { name: string; input: unknown }) => ({ ok: true as const, value: cmd })),
  subscribe: (l: EventListener) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

let host: WebHost;
const DOWNLOAD_TOKEN = 'A'.repeat(43);
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'monarch-web-'));
  const site = join(root, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Monarch</title>');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  writeFileSync(join(root, 'received.bin'), 'the received bytes');
  host = await startWebHost({
    backend,
    staticDir: site,
    port: 0,
    downloads: (token) => (token === DOWNLOAD_TOKEN ? { path: join(root, 'received.bin'), name: 'résumé "final".pdf' } : null),
  });
});

afterAll(async () => {
  await host.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page-load cookie the link's redirect set (read in the first test that follows the link). */
let pageCookie = '';
const cookie = () => pageCookie;

function connect(headers: Record<string, string>, token: string | null = host.token): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${token === null ? '' : `?token=${token}`}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function nextFrame(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

describe('web host', () => {
  it('listens on loopback only and hands out a link with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses pages without the token, and hands a valid link\'s token to the page in the fragment, never in a cookie', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const r = await get(`/?token=${host.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/#token=${host.token}`);
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^monarch_pages_${host.port}=[A-Za-z0-9_-]{40,}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(setCookie).not.toContain(host.token);
    pageCookie = setCookie.split(';')[0] ?? '';
  });

  it('serves the renderer with a CSP to the cookie holder, and nothing outside it', async () => {
    const r = await get('/index.html', { cookie: cookie() });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Monarch</title>');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain(`connect-src ws://127.0.0.1:${host.port}`);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect((await get('/../secret.txt', { cookie: cookie() })).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt', { cookie: cookie() })).status).toBe(404);
  });

  it('lets a page opened as localhost connect back to localhost', async () => {
    const r = await get('/index.html', { cookie: cookie(), host: `localhost:${host.port}` });
    expect(r.headers['content-security-policy']).toContain(`connect-src ws://localhost:${host.port}`);
  });

  it('refuses another Host name (DNS rebinding)', async () => {
    expect((await get('/index.html', { cookie: cookie(), host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('refuses WebSockets without the token, with a wrong one, with only cookies, or from another origin', async () => {
    await expect(connect({ origin: host.origin }, null)).rejects.toThrow('401');
    await expect(connect({ origin: host.origin }, 'wrong')).rejects.toThrow('401');
    // Cookies reach every port of 127.0.0.1: none of them opens the WebSocket.
    await expect(connect({ origin: host.origin, cookie: cookie() }, null)).rejects.toThrow('401');
    await expect(connect({ origin: host.origin, cookie: `monarch_token=${host.token}` }, null)).rejects.toThrow('401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('401');
  });

  it('carries validated commands to the backend and events back', async () => {
    const ws = await connect({ origin: host.origin });
    ws.send(JSON.stringify({ id: 1, command: 'addContact', input: { handle: 'Bob@Example.com' } }));
    expect(await nextFrame(ws)).toEqual({ id: 1, result: { ok: true, value: { name: 'addContact', input: { handle: 'bob@example.com' } } } });

    ws.send(JSON.stringify({ id: 2, command: 'addContact', input: { handle: 'nope' } }));
    expect(await nextFrame(ws)).toMatchObject({ id: 2, result: { ok: false, error: { code: 'invalid-input' } } });
    ws.send(JSON.stringify({ id: 3, command: 'eval', input: {} }));
    expect(await nextFrame(ws)).toMatchObject({ id: 3, result: { ok: false, error: { code: 'unknown-command' } } });
    expect(backend.execute).toHaveBeenCalledTimes(1);

    const event: SequencedEvent = { seq: 7, at: 1, event: { type: 'nudge.sent', conversationId: 'c', at: 1 } };
    const frame = nextFrame(ws);
    for (const l of listeners) l(event);
    expect(await frame).toEqual({ event });
    ws.close();
  });

  it('without automatic Away, passes page activity to the backend (which ignores it)', async () => {
    backend.execute.mockClear();
    const ws = await connect({ origin: host.origin });
    ws.send(JSON.stringify({ id: 1, command: 'reportActivity', input: {} }));
    await nextFrame(ws);
    expect(backend.execute).toHaveBeenCalledWith({ name: 'reportActivity', input: {} });
    ws.close();
  });

  it('with automatic Away, answers page activity itself and passes the user’s status choice on', async () => {
    const awayHost = await startWebHost({ backend, staticDir: join(root, 'site'), automaticAway: { state: () => initialAppState } });
    try {
      backend.execute.mockClear();
      const ws = new WebSocket(`ws://127.0.0.1:${awayHost.port}/ws?token=${awayHost.token}`, { headers: { origin: awayHost.origin } });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ id: 1, command: 'reportActivity', input: {} }));
      expect(await nextFrame(ws)).toEqual({ id: 1, result: { ok: true, value: null } });
      ws.send(JSON.stringify({ id: 2, command: 'setStatus', input: { status: 'busy' } }));
      expect(await nextFrame(ws)).toMatchObject({ id: 2, result: { ok: true } });
      expect(backend.execute.mock.calls.map(([c]) => c.name)).toEqual(['setStatus']);
      ws.close();
    } finally {
      await awayHost.close();
    }
  });

  it('serves a received file by its download link, as an attachment, to the page-cookie holder only', async () => {
    const r = await get(`/files/${DOWNLOAD_TOKEN}`, { cookie: cookie() });
    expect(r.status).toBe(200);
    expect(r.body).toBe('the received bytes');
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain('sandbox');
    expect((await get(`/files/${DOWNLOAD_TOKEN}`)).status).toBe(401);
    expect((await get(`/files/${'B'.repeat(43)}`, { cookie: cookie() })).status).toBe(404);
    expect((await get('/files/../received.bin', { cookie: cookie() })).status).toBe(404);
  });

  it('never takes a path to send from the browser (the page uploads the file instead)', async () => {
    backend.execute.mockClear();
    const ws = await connect({ origin: host.origin });
    ws.send(JSON.stringify({ id: 1, command: 'sendFile', input: { conversationId: 'c', handle: 'bob@x.com', file: { kind: 'path', path: '/etc/passwd' } } }));
    expect(await nextFrame(ws)).toMatchObject({ id: 1, result: { ok: false, error: { code: 'forbidden' } } });
    ws.send(JSON.stringify({ id: 2, command: 'sendFile', input: { conversationId: 'c', handle: 'bob@x.com', file: { kind: 'upload', uploadId: 'u1' } } }));
    expect(await nextFrame(ws)).toMatchObject({ id: 2, result: { ok: true } });
    expect(backend.execute.mock.calls.map(([c]) => c.name)).toEqual(['sendFile']);
    ws.close();
  });

  it('closes a socket that sends malformed frames', async () => {
    const ws = await connect({ origin: host.origin });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1007);
    const ws2 = await connect({ origin: host.origin });
    const closed2 = new Promise<number>((resolve) => ws2.once('close', (code) => resolve(code)));
    ws2.send(JSON.stringify({ id: 'x', command: 'snapshot' }));
    expect(await closed2).toBe(1008);
  });
});
