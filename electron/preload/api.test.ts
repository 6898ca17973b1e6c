import { describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, EVENT_CHANNEL, commandChannel } from '../../shared/ipc';
import { buildElectronApi } from './api';

function fakeIpc() {
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  return {
    invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
    on: vi.fn((channel: string, f: (...a: unknown[]) => void) => {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(f));
    }),
    removeListener: vi.fn((channel: string, f: (...a: unknown[]) => void) => {
      listeners.get(channel)?.delete(f);
    }),
    emit(channel: string, ...args: unknown[]) {
      for (const f of listeners.get(channel) ?? []) f(...args);
    },
  };
}

describe('preload: window.monarch', () => {
  it('has one method per command on its own channel, and nothing generic', async () => {
    const ipc = fakeIpc();
    const api = buildElectronApi(ipc as never);
    for (const name of COMMAND_NAMES) expect(typeof api[name]).toBe('function');
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'host', 'onEvent'].sort());
    expect(api.host).toBe('electron');
    expect(await api.setStatus({ status: 'busy' })).toEqual({ ok: true, value: { channel: commandChannel('setStatus'), input: { status: 'busy' } } });
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('passes events without the IPC event object, and unsubscribes', () => {
    const ipc = fakeIpc();
    const api = buildElectronApi(ipc as never);
    const seen: unknown[] = [];
    const off = api.onEvent((e) => seen.push(e));
    const payload = { seq: 1, at: 2, event: { type: 'nudge.sent', conversationId: 'c', at: 2 } };
    ipc.emit(EVENT_CHANNEL, { sender: 'secret ipc object' }, payload);
    expect(seen).toEqual([payload]);
    off();
    ipc.emit(EVENT_CHANNEL, {}, payload);
    expect(seen).toHaveLength(1);
  });

  it('sends only files the user dropped or picked: the page holds a reference, the preload the path', async () => {
    const ipc = fakeIpc();
    const dropped = { name: 'report.pdf' };
    const api = buildElectronApi(ipc as never, { getPathForFile: (f: never) => (f === (dropped as never) ? '/home/me/report.pdf' : '') });
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'host', 'onEvent', 'pickedFile'].sort());
    const ref = api.pickedFile?.(dropped) as string;
    expect(ref).toMatch(/^picked:/);
    expect(ref).not.toContain('/home');
    expect(api.pickedFile?.({ name: 'pasted.png' })).toBeNull();

    const sent = await api.sendFile({ conversationId: 'c', handle: 'bob@x.com', file: { kind: 'path', path: ref } });
    expect(sent).toEqual({ ok: true, value: { channel: commandChannel('sendFile'), input: { conversationId: 'c', handle: 'bob@x.com', file: { kind: 'path', path: '/home/me/report.pdf' } } } });
    // Any other path never reaches the main process.
    ipc.invoke.mockClear();
    expect(await api.sendFile({ conversationId: 'c', handle: 'bob@x.com', file: { kind: 'path', path: '/etc/passwd' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api.sendFile({ conversationId: 'c', handle: 'bob@x.com', file: { kind: 'path', path: 'picked:made-up' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
    // Uploads pass unchanged.
    expect(await api.sendFile({ conversationId: 'c', handle: 'bob@x.com', file: { kind: 'upload', uploadId: 'u' } })).toMatchObject({ ok: true });
  });
});
