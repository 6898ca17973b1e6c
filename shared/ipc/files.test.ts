import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_CHUNK_BYTES, type TransferView } from './files';
import { initialAppState, reduceApp } from './projection';
import { validateCommand } from './validate';
import { MAX_CLIENT_FRAME_BYTES } from './ws-frames';

describe('file transfer inputs', () => {
  it('the largest upload chunk fits one frame of the web host', () => {
    const data = btoa(String.fromCharCode(...new Uint8Array(MAX_UPLOAD_CHUNK_BYTES).fill(255)));
    const input = { uploadId: 'x'.repeat(200), offset: Number.MAX_SAFE_INTEGER, data };
    expect(validateCommand('uploadFileChunk', input).ok).toBe(true);
    const frame = JSON.stringify({ id: Number.MAX_SAFE_INTEGER, command: 'uploadFileChunk', input });
    expect(new TextEncoder().encode(frame).length).toBeLessThanOrEqual(MAX_CLIENT_FRAME_BYTES);
    expect(validateCommand('uploadFileChunk', { ...input, data: data + 'AAAA' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(validateCommand('uploadFileChunk', { ...input, data: '<svg>' })).toMatchObject({ ok: false });
  });

  it('sendFile takes a path or an upload, for one valid handle; nothing else', () => {
    expect(validateCommand('sendFile', { conversationId: 'c', handle: 'Bob@X.com', file: { kind: 'path', path: '/home/a/r.pdf' } })).toMatchObject({
      ok: true,
      value: { input: { handle: 'bob@x.com' } },
    });
    expect(validateCommand('sendFile', { conversationId: 'c', handle: 'bob@x.com', file: { kind: 'upload', uploadId: 'u1' } }).ok).toBe(true);
    for (const file of [{ kind: 'path', path: '' }, { kind: 'path', path: '/a\u0000b' }, { kind: 'url', url: 'http://x' }, { kind: 'upload', uploadId: 'u', path: '/x' }]) {
      expect(validateCommand('sendFile', { conversationId: 'c', handle: 'bob@x.com', file }).ok, JSON.stringify(file)).toBe(false);
    }
    expect(validateCommand('sendFile', { conversationId: 'c', handle: 'not a handle', file: { kind: 'upload', uploadId: 'u' } }).ok).toBe(false);
    expect(validateCommand('beginFileUpload', { name: 'a', size: -1 }).ok).toBe(false);
    expect(validateCommand('beginFileUpload', { name: 'a', size: 1.5 }).ok).toBe(false);
    expect(validateCommand('beginFileUpload', { name: '', size: 1 }).ok).toBe(false);
  });

  it('the download folder preference is empty (the default) or a full path', () => {
    expect(validateCommand('updatePreferences', { files: { downloadFolder: '' } }).ok).toBe(true);
    expect(validateCommand('updatePreferences', { files: { downloadFolder: '/home/me/Received' } }).ok).toBe(true);
    expect(validateCommand('updatePreferences', { files: { downloadFolder: 'C:\\Users\\me\\Received' } }).ok).toBe(true);
    expect(validateCommand('updatePreferences', { files: { downloadFolder: 'relative/path' } }).ok).toBe(false);
    expect(validateCommand('updatePreferences', { files: { maxAcceptMB: -1 } }).ok).toBe(false);
  });
});

describe('the transfers projection', () => {
  const base: Omit<TransferView, 'startedAt' | 'progressAt'> = {
    id: 't1',
    direction: 'incoming',
    protocol: 'p2p',
    peer: 'bob@x.com',
    conversationId: 'c1',
    name: 'a.bin',
    size: 100,
    state: 'offered',
    bytes: 0,
    reason: null,
    detail: null,
    preview: null,
    savedName: null,
    canOpen: false,
    executable: false,
  };

  it('keeps each transfer, when bytes started moving and when they were last counted', () => {
    let s = reduceApp(initialAppState, { at: 1, event: { type: 'transfer.changed', transfer: base } });
    expect(s.transfers.byId.t1).toMatchObject({ state: 'offered', startedAt: null, progressAt: null });
    s = reduceApp(s, { at: 5, event: { type: 'transfer.changed', transfer: { ...base, state: 'transferring' } } });
    s = reduceApp(s, { at: 9, event: { type: 'transfer.progress', id: 't1', bytes: 40 } });
    expect(s.transfers.byId.t1).toMatchObject({ state: 'transferring', bytes: 40, startedAt: 5, progressAt: 9 });
    s = reduceApp(s, { at: 12, event: { type: 'transfer.changed', transfer: { ...base, state: 'completed', bytes: 100, savedName: 'a.bin', canOpen: true } } });
    expect(s.transfers.byId.t1).toMatchObject({ state: 'completed', bytes: 100, startedAt: 5, progressAt: 12 });
    // A late progress report does not undo the end.
    const after = reduceApp(s, { at: 13, event: { type: 'transfer.progress', id: 't1', bytes: 50 } });
    expect(after).toBe(s);
    // Another sign-in starts empty.
    expect(reduceApp(s, { at: 20, event: { type: 'sign-in.started', handle: 'x@y.z', at: 20 } }).transfers.byId).toEqual({});
  });
});
