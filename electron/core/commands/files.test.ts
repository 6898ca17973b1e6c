/**
 * File-transfer commands through app-core, with a scripted client whose `files` is a
 * FakeFileTransfers (the real carriers are tested in electron/core/msn and test/client): send
 * from a path and from a web upload, accept into the download folder, "Save as..." through the
 * shell's port, the maximum size, decline, cancel, open / show in folder, download links, and what
 * windows see (the projection).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstallationPreferences, SequencedEvent, ValidCommand } from '../../../shared/ipc';
import { DEFAULT_CONTACT_LIST_VIEW, validateCommand } from '../../../shared/ipc';
import type { DomainEvent } from '../../../shared/model';
import { AppCore, type PreferenceSettings } from '../app-core';
import type { ClientPort } from '../client-port';
import { FakeFileTransfers } from '../files/fake-file-transfers';
import type { FileShellPort } from '../files/session-transfers';
import { DEFAULT_PREFERENCES } from '../settings';
import { openHistoryStore, type HistoryStore } from '../history';

let root: string;
let downloads: string;
let files: FakeFileTransfers;
let core: AppCore;
let prefs: InstallationPreferences;
let shellCalls: string[];
let history: HistoryStore;

function client(): ClientPort {
  const listeners = new Set<(e: DomainEvent) => void>();
  const emit = (e: DomainEvent) => listeners.forEach((l) => l(e));
  const nothing = async () => undefined;
  return {
    files,
    onEvent: (l) => (listeners.add(l), () => listeners.delete(l)),
    signIn: async () => {
      emit({ type: 'connection.changed', state: { status: 'online' } });
      emit({ type: 'conversation.started', conversation: { id: 'c1', participants: [{ handle: 'bob@x.com', friendlyName: 'Bob' }], startedBy: 'me', startedAt: 1 } });
    },
    signOut: async () => emit({ type: 'connection.changed', state: { status: 'signed-out' } }),
    setStatus: nothing,
    setFriendlyName: nothing,
    setPersonalMessage: nothing,
    addContact: nothing,
    removeContact: nothing,
    allow: nothing,
    block: nothing,
    unblock: nothing,
    copyToGroup: nothing,
    moveToGroup: nothing,
    createGroup: async (name) => ({ id: 'g', name }),
    renameGroup: nothing,
    removeGroup: nothing,
    openConversation: async () => 'c1',
    sendMessage: async () => 'm',
    retryMessage: async () => false,
    sendTyping: nothing,
    sendNudge: nothing,
    invite: nothing,
    closeConversation: nothing,
    dispose: () => undefined,
  };
}

function preferenceSettings(): PreferenceSettings {
  return {
    get: () => prefs,
    contactListView: () => DEFAULT_CONTACT_LIST_VIEW,
    updateContactListView: () => DEFAULT_CONTACT_LIST_VIEW,
    updatePreferences(patch) {
      prefs = { ...prefs, files: { ...prefs.files, ...patch.files } };
      return prefs;
    },
  };
}

function makeCore(shell: FileShellPort | null = null): AppCore {
  return new AppCore({
    createClient: () => client(),
    settings: {
      remembered: () => null,
      accounts: () => [],
      rememberAccount: () => ({ stored: true }),
      password: () => null,
      autoSignIn: () => null,
      forget: () => undefined,
      serverPresets: () => [],
    },
    localServer: null,
    history,
    preferences: preferenceSettings(),
    files: { downloadsDir: downloads, shell, stagingParent: root },
  });
}

/** Runs a command as a host would: validated first, then executed. */
async function run(name: string, input: unknown) {
  const v = validateCommand(name, input);
  if (!v.ok) return v;
  return core.execute(v.value as ValidCommand);
}

async function signIn() {
  const r = await run('signIn', { server: { kind: 'custom', host: '127.0.0.1', port: 1863 }, handle: 'me@x.com', password: 'pw', status: 'online', rememberMe: false });
  expect(r.ok).toBe(true);
}

const view = (id: string) => core.snapshot().state.transfers.byId[id];
const folder = () => join(downloads, 'Monarch');

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'monarch-files-cmd-'));
  downloads = join(root, 'Downloads');
  files = new FakeFileTransfers();
  prefs = structuredClone(DEFAULT_PREFERENCES);
  shellCalls = [];
  history = openHistoryStore(join(root, 'history.sqlite'));
  core = makeCore();
  await signIn();
});

afterEach(async () => {
  await core.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('file transfer commands', () => {
  it('receives a file into <Downloads>/Monarch under a safe name; windows see offer, progress and completion', async () => {
    const seen: SequencedEvent[] = [];
    core.subscribe((e) => seen.push(e));
    const data = randomBytes(300_000);
    const offer = files.offer('bob@x.com', '../../etc/evil\u0000name.txt', data.length, { conversationId: 'c1' });
    expect(view(offer.id)).toMatchObject({ direction: 'incoming', state: 'offered', name: '../../etc/evil\u0000name.txt', size: data.length, peer: 'bob@x.com', conversationId: 'c1' });

    expect(await run('acceptFile', { transferId: offer.id })).toEqual({ ok: true, value: null });
    await files.deliver(offer.id, [data.subarray(0, 100_000), data.subarray(100_000, 200_000), data.subarray(200_000)]);

    expect(readdirSync(folder())).toEqual(['evil_name.txt']);
    expect(createHash('sha256').update(readFileSync(join(folder(), 'evil_name.txt'))).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(view(offer.id)).toMatchObject({ state: 'completed', bytes: data.length, savedName: 'evil_name.txt', canOpen: true, executable: false });
    expect(view(offer.id)?.startedAt).not.toBeNull();
    const types = seen.map((e) => e.event.type);
    expect(types).toContain('transfer.progress');
    expect(types.at(-1)).toBe('transfer.changed');
  });

  it('sends a file from a path to a person in the conversation; refuses others and missing files', async () => {
    const p = join(root, 'report.pdf');
    writeFileSync(p, 'pdf bytes');
    const r = await run('sendFile', { conversationId: 'c1', handle: 'Bob@X.com', file: { kind: 'path', path: p } });
    expect(r.ok).toBe(true);
    const id = (r as { value: { transferId: string } }).value.transferId;
    expect(files.calls).toContain('send(bob@x.com,report.pdf,9)');
    expect(view(id)).toMatchObject({ direction: 'outgoing', state: 'waiting', name: 'report.pdf', size: 9 });

    expect(await run('sendFile', { conversationId: 'c1', handle: 'carol@x.com', file: { kind: 'path', path: p } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await run('sendFile', { conversationId: 'nope', handle: 'bob@x.com', file: { kind: 'path', path: p } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await run('sendFile', { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'path', path: join(root, 'gone.bin') } })).toMatchObject({
      ok: false,
      error: { code: 'read-failed', message: 'gone.bin does not exist any more.' },
    });
  });

  it('web mode: the page streams the file in chunks, then sends from the upload; the temporary file goes at the end', async () => {
    const data = randomBytes(80_000);
    const begin = await run('beginFileUpload', { name: 'holiday.jpg', size: data.length });
    expect(begin.ok).toBe(true);
    const uploadId = (begin as { value: { uploadId: string } }).value.uploadId;
    for (let o = 0; o < data.length; o += 32 * 1024) {
      const r = await run('uploadFileChunk', { uploadId, offset: o, data: data.subarray(o, o + 32 * 1024).toString('base64') });
      expect(r.ok).toBe(true);
    }
    const sent = await run('sendFile', { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'upload', uploadId } });
    expect(sent.ok).toBe(true);
    const id = (sent as { value: { transferId: string } }).value.transferId;
    const source = files.sources.get(id) as unknown as { path: string; open(): AsyncIterable<Uint8Array> };
    const parts: Buffer[] = [];
    for await (const c of source.open()) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(existsSync(source.path)).toBe(true);
    files.end(id, 'completed');
    await expect.poll(() => existsSync(source.path)).toBe(false);
    // An upload cannot be sent twice.
    expect(await run('sendFile', { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'upload', uploadId } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('an incoming offer asks for the attention a message gets: sound, notification, flash, unread; not in the focused conversation', async () => {
    const seen: SequencedEvent[] = [];
    core.subscribe((e) => seen.push(e));
    const attention = () => seen.filter((e) => e.event.type === 'attention.requested').map((e) => e.event);
    expect((await run('windowFocused', { target: 'contact-list' })).ok).toBe(true);

    files.offer('bob@x.com', 'report.pdf', 1_258_291, { conversationId: 'c1' });
    await expect.poll(() => attention().length).toBe(1);
    expect(attention()[0]).toEqual({
      type: 'attention.requested',
      kind: 'file-offer',
      conversationId: 'c1',
      handle: 'bob@x.com',
      title: 'Bob wants to send you a file:',
      body: 'report.pdf (1.2 MB)',
      sound: 'message',
      toast: true,
      flash: true,
      tag: 'conversation:c1',
    });
    expect(core.snapshot().state.desktop.unread).toEqual({ total: 1, byConversation: { c1: 1 } });

    // An offer that names no conversation asks for attention in the one it is shown in.
    files.offer('bob@x.com', 'notes.txt', 17);
    await expect.poll(() => attention().length).toBe(2);
    expect(attention()[1]).toMatchObject({ kind: 'file-offer', conversationId: 'c1', body: 'notes.txt (17 bytes)' });

    // Looking at the conversation: the offer is there to see, nothing more.
    expect((await run('windowFocused', { target: 'c1' })).ok).toBe(true);
    files.offer('bob@x.com', 'more.txt', 5, { conversationId: 'c1' });
    await new Promise((r) => setTimeout(r, 20));
    expect(attention()).toHaveLength(2);

    // Declined at once as too large: nothing waits for the user.
    expect((await run('windowFocused', { target: null })).ok).toBe(true);
    prefs = { ...prefs, files: { ...prefs.files, maxAcceptMB: 1 } };
    files.offer('bob@x.com', 'big.iso', 2 * 1024 * 1024, { conversationId: 'c1' });
    await new Promise((r) => setTimeout(r, 20));
    expect(attention()).toHaveLength(2);
  });

  it('declines offers above the maximum size at once, shown as too large', async () => {
    prefs = { ...prefs, files: { ...prefs.files, maxAcceptMB: 1 } };
    const small = files.offer('bob@x.com', 'small.bin', 1024 * 1024);
    const big = files.offer('bob@x.com', 'big.iso', 1024 * 1024 + 1);
    expect(view(small.id)?.state).toBe('offered');
    expect(files.calls).toEqual([`decline(${big.id})`]);
    expect(view(big.id)).toMatchObject({ state: 'declined', reason: 'too-large', detail: 'Larger than the 1 MB you accept.' });
  });

  it('decline and cancel reach the core; a cancelled download leaves no file', async () => {
    const a = files.offer('bob@x.com', 'a.txt', 10);
    expect((await run('declineFile', { transferId: a.id })).ok).toBe(true);
    expect(view(a.id)).toMatchObject({ state: 'declined', reason: 'declined' });
    const b = files.offer('bob@x.com', 'b.txt', 10);
    await run('acceptFile', { transferId: b.id });
    expect(readdirSync(folder())).toEqual(['b.txt.part']);
    expect((await run('cancelFile', { transferId: b.id })).ok).toBe(true);
    expect(view(b.id)).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
    await expect.poll(() => readdirSync(folder())).toEqual([]);
    expect(await run('acceptFile', { transferId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await run('acceptFile', { transferId: a.id })).toMatchObject({ ok: false, error: { code: 'not-offered' } });
  });

  it('the peer vanishing mid-transfer removes the partial file and shows why', async () => {
    const t = files.offer('bob@x.com', 'half.bin', 100);
    await run('acceptFile', { transferId: t.id });
    await files.sinks.get(t.id)?.write(new Uint8Array(50));
    files.set(t.id, { detail: 'The switchboard closed.' }, false);
    files.end(t.id, 'failed', 'peer-gone');
    await expect.poll(() => readdirSync(folder())).toEqual([]);
    expect(view(t.id)).toMatchObject({ state: 'failed', reason: 'peer-gone', detail: 'The switchboard closed.' });
  });

  it('a download folder that cannot be written refuses the accept with a clear message; the offer stays', async () => {
    writeFileSync(join(root, 'not-a-folder'), '');
    prefs = { ...prefs, files: { ...prefs.files, downloadFolder: join(root, 'not-a-folder') } };
    const t = files.offer('bob@x.com', 'x.txt', 1);
    const r = await run('acceptFile', { transferId: t.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'write-failed' } });
    expect(view(t.id)?.state).toBe('offered');
  });

  it('web mode: a download link with an unguessable token for a received file only', async () => {
    const t = files.offer('bob@x.com', 'photo.png', 3);
    expect(await run('fileDownloadLink', { transferId: t.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await run('acceptFile', { transferId: t.id });
    await files.deliver(t.id, [new Uint8Array([1, 2, 3])]);
    const r = await run('fileDownloadLink', { transferId: t.id });
    const url = (r as { value: { url: string } }).value.url;
    expect(url).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/);
    expect(core.resolveDownload(url.slice('/files/'.length))).toEqual({ path: join(folder(), 'photo.png'), name: 'photo.png' });
    expect(core.resolveDownload('guess')).toBeNull();
    // Open and Show in folder are the desktop's.
    expect(await run('openReceivedFile', { transferId: t.id })).toMatchObject({ ok: false, error: { code: 'not-supported' } });
  });
});

describe('file transfers in the history', () => {
  it('logs each finished transfer as a line in the conversation’s log', async () => {
    const got = files.offer('bob@x.com', 'photo.png', 1536, { conversationId: 'c1' });
    await run('acceptFile', { transferId: got.id });
    await files.deliver(got.id, [new Uint8Array(1536)]);
    const p = join(root, 'report.pdf');
    writeFileSync(p, Buffer.alloc(1.2 * 1024 * 1024));
    const sent = await run('sendFile', { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'path', path: p } });
    const sentId = (sent as { value: { transferId: string } }).value.transferId;
    files.end(sentId, 'completed');
    const declined = await run('sendFile', { conversationId: 'c1', handle: 'bob@x.com', file: { kind: 'path', path: p } });
    files.end((declined as { value: { transferId: string } }).value.transferId, 'declined', 'declined');
    const cancelled = files.offer('bob@x.com', 'big.iso', 10, { conversationId: 'c1' });
    files.end(cancelled.id, 'cancelled', 'cancelled-by-peer');

    const r = await run('historyRecent', { liveConversationId: 'c1' });
    const entries = (r as { value: { entries: { kind: string; text?: string; direction?: string }[] } }).value.entries;
    expect(entries.filter((e) => e.kind === 'file').map((e) => [e.direction, e.text])).toEqual([
      ['incoming', 'You received photo.png (1.5 KB) from bob@x.com.'],
      ['outgoing', 'You sent report.pdf (1.2 MB) to bob@x.com.'],
      ['outgoing', 'bob@x.com declined report.pdf (1.2 MB).'],
      ['incoming', 'bob@x.com cancelled the transfer of big.iso.'],
    ]);
  });
});

describe('file transfer commands in the desktop app (the shell’s port)', () => {
  let chosen: string | null;
  beforeEach(async () => {
    await core.dispose();
    history = openHistoryStore(join(root, 'history-desktop.sqlite'));
    chosen = null;
    core = makeCore({
      chooseSavePath: async (name, dir) => {
        shellCalls.push(`choose(${name},${dir})`);
        return chosen;
      },
      openPath: async (p) => void shellCalls.push(`open(${p})`),
      showInFolder: (p) => void shellCalls.push(`show(${p})`),
    });
    await signIn();
  });

  it('Save as... asks where; cancelling the dialog keeps the offer; the chosen folder and name are used', async () => {
    const t = files.offer('bob@x.com', 'CON.txt', 2);
    await run('acceptFileAs', { transferId: t.id });
    expect(shellCalls).toEqual([`choose(_CON.txt,${folder()})`]);
    expect(view(t.id)?.state).toBe('offered');
    chosen = join(root, 'elsewhere', 'mine.txt');
    await run('acceptFileAs', { transferId: t.id });
    await files.deliver(t.id, [new Uint8Array([104, 105])]);
    expect(readFileSync(join(root, 'elsewhere', 'mine.txt'), 'utf8')).toBe('hi');
  });

  it('"ask where to save" makes Accept ask too', async () => {
    prefs = { ...prefs, files: { ...prefs.files, askWhereToSave: true } };
    const t = files.offer('bob@x.com', 'a.txt', 1);
    await run('acceptFile', { transferId: t.id });
    expect(shellCalls).toEqual([`choose(a.txt,${folder()})`]);
  });

  it('opens a received file, but shows an executable in its folder instead of running it', async () => {
    const doc = files.offer('bob@x.com', 'notes.txt', 1);
    const exe = files.offer('bob@x.com', 'setup.exe', 1);
    for (const t of [doc, exe]) {
      await run('acceptFile', { transferId: t.id });
      await files.deliver(t.id, [new Uint8Array([0])]);
    }
    expect(view(exe.id)?.executable).toBe(true);
    await run('openReceivedFile', { transferId: doc.id });
    await run('openReceivedFile', { transferId: exe.id });
    await run('showReceivedFile', { transferId: doc.id });
    expect(shellCalls).toEqual([`open(${join(folder(), 'notes.txt')})`, `show(${join(folder(), 'setup.exe')})`, `show(${join(folder(), 'notes.txt')})`]);
    expect(await run('fileDownloadLink', { transferId: doc.id })).toMatchObject({ ok: false, error: { code: 'not-supported' } });
  });
});
