/**
 * The custom-emoticon commands through app-core, with a scripted client behind the port: mine
 * defined, renamed and deleted (stored per account, given to the client, shown to the windows),
 * refused with clear errors, re-applied at the next sign-in; contacts' announcements forwarded
 * and their images fetched.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_LIST_VIEW, MAX_MY_EMOTICONS, type AppEvent, type ValidCommand } from '../../../shared/ipc';
import { computeSha1d } from '../../../shared/msnp';
import type { DomainEvent } from '../../../shared/model';
import { AppCore } from '../app-core';
import type { ClientPort, EmoticonPort } from '../client-port';
import type { StoredEmoticon } from '../emoticons/my-emoticon-store';
import { DEFAULT_PREFERENCES } from '../settings';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');

type Announce = Parameters<Parameters<EmoticonPort['onAnnounced']>[0]>[0];

/** A client whose only real parts are sign-in and the emoticon port (other calls are never made here). */
function scriptedClient() {
  const listeners = new Set<(e: DomainEvent) => void>();
  let announced: (e: Announce) => void = () => undefined;
  const defined = new Map<string, string>();
  const fetches: string[] = [];
  const emoticons: EmoticonPort = {
    supported: () => true,
    define: (shortcut, bytes) => {
      if (bytes[0] !== 0x89 && bytes[0] !== 0x47) throw new Error('an emoticon must be a PNG, JPEG, GIF or BMP image');
      defined.set(shortcut, Buffer.from(bytes).toString('base64'));
    },
    remove: (shortcut) => void defined.delete(shortcut),
    fetch: async (sender, shortcut) => {
      fetches.push(`${sender} ${shortcut}`);
      return { sha1d: computeSha1d(GIF), mime: 'image/gif', bytes: new Uint8Array(GIF) };
    },
    onAnnounced: (l) => {
      announced = l;
      return () => (announced = () => undefined);
    },
  };
  const base = {
    emoticons,
    onEvent: (l: (e: DomainEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    signIn: async () => {
      for (const l of listeners) l({ type: 'connection.changed', state: { status: 'online' } });
    },
    signOut: async () => {
      for (const l of listeners) l({ type: 'connection.changed', state: { status: 'signed-out' } });
    },
    dispose: () => undefined,
  };
  const client = new Proxy(base, {
    // No display pictures or file transfer here; every other call is a no-op.
    get: (t, k) => (k in t ? t[k as keyof typeof t] : k === 'pictures' || k === 'files' ? undefined : async () => undefined),
  }) as unknown as ClientPort;
  return { client, defined, fetches, announce: (e: Announce) => announced(e) };
}

function setup() {
  const store = new Map<string, StoredEmoticon[]>();
  const clients: ReturnType<typeof scriptedClient>[] = [];
  const core = new AppCore({
    createClient: () => {
      const c = scriptedClient();
      clients.push(c);
      return c.client;
    },
    settings: {
      remembered: () => null,
      accounts: () => [],
      rememberAccount: () => ({ stored: true }),
      password: () => null,
      autoSignIn: () => null,
      forget: () => undefined,
      serverPresets: () => [],
    },
    preferences: { get: () => DEFAULT_PREFERENCES, updatePreferences: () => DEFAULT_PREFERENCES, contactListView: () => DEFAULT_CONTACT_LIST_VIEW, updateContactListView: () => DEFAULT_CONTACT_LIST_VIEW },
    localServer: null,
    canSavePasswords: false,
    myEmoticons: { load: (a) => store.get(a) ?? [], save: (a, list) => void store.set(a, [...list]) },
  });
  const events: AppEvent[] = [];
  core.subscribe((e) => events.push(e.event));
  const signIn = () =>
    core.execute({ name: 'signIn', input: { server: { kind: 'custom', host: '127.0.0.1', port: 1863 }, handle: 'me@x.com', password: 'pw', status: 'online', rememberMe: false, rememberPassword: false, signInAutomatically: false, createAccount: false } } as ValidCommand);
  const run = (name: string, input: unknown) => core.execute({ name, input } as ValidCommand);
  return { core, store, clients, events, signIn, run };
}

const define = (shortcut: string, data: Buffer = PNG) => ({ emoticon: { shortcut, data: data.toString('base64') } });

describe('custom emoticon commands', () => {
  it('need a signed-in account', async () => {
    const { run } = setup();
    expect(await run('defineEmoticon', define('(a)'))).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
  });

  it('define, rename and delete: kept per account, given to the client, shown to the windows', async () => {
    const { core, store, clients, events, signIn, run } = setup();
    expect(await signIn()).toMatchObject({ ok: true });
    const client = clients[0]!;
    expect(await run('defineEmoticon', define('(a)'))).toEqual({ ok: true, value: null });
    expect(await run('defineEmoticon', define('(b)', GIF))).toEqual({ ok: true, value: null });
    expect([...client.defined.keys()]).toEqual(['(a)', '(b)']);
    expect(store.get('me@x.com')?.map((e) => e.shortcut)).toEqual(['(a)', '(b)']);
    expect(core.snapshot().state.emoticons.mine).toEqual([
      { shortcut: '(a)', sha1d: computeSha1d(PNG), dataUrl: `data:image/png;base64,${PNG.toString('base64')}` },
      { shortcut: '(b)', sha1d: computeSha1d(GIF), dataUrl: `data:image/gif;base64,${GIF.toString('base64')}` },
    ]);
    // Same shortcut: a new image in its place.
    expect((await run('defineEmoticon', define('(a)', GIF))).ok).toBe(true);
    expect(core.snapshot().state.emoticons.mine.map((e) => e.sha1d)).toEqual([computeSha1d(GIF), computeSha1d(GIF)]);

    expect(await run('renameEmoticon', { shortcut: '(a)', to: '(b)' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'You already have an emoticon (b).' } });
    expect(await run('renameEmoticon', { shortcut: '(zz)', to: '(c)' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((await run('renameEmoticon', { shortcut: '(a)', to: '(c)' })).ok).toBe(true);
    expect([...client.defined.keys()].sort()).toEqual(['(b)', '(c)']);
    expect(store.get('me@x.com')?.map((e) => e.shortcut)).toEqual(['(c)', '(b)']);

    expect((await run('removeEmoticon', { shortcut: '(b)' })).ok).toBe(true);
    expect(await run('removeEmoticon', { shortcut: '(b)' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect([...client.defined.keys()]).toEqual(['(c)']);
    expect(core.snapshot().state.emoticons.mine.map((e) => e.shortcut)).toEqual(['(c)']);
    // One per change (the sign-in had nothing to show).
    expect(events.filter((e) => e.type === 'emoticon.mine')).toHaveLength(5);
  });

  it('refuses what the client core refuses, and more than the limit, keeping what there was', async () => {
    const { store, signIn, run } = setup();
    await signIn();
    // Passes the contract (it starts like a BMP) but is no image: the core says no.
    const r = await run('defineEmoticon', define('(x)', Buffer.from('BM but a text file')));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(store.get('me@x.com')).toBeUndefined();
    for (let i = 0; i < MAX_MY_EMOTICONS; i++) expect((await run('defineEmoticon', define(`(${i})`))).ok).toBe(true);
    expect(await run('defineEmoticon', define('(one)'))).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/at most 64/) } });
    expect(store.get('me@x.com')).toHaveLength(MAX_MY_EMOTICONS);
  });

  it('the next sign-in defines the stored ones in the new client; contacts’ announcements are forwarded and fetched', async () => {
    const { core, clients, events, signIn, run } = setup();
    await signIn();
    await run('defineEmoticon', define('(a)'));
    await core.execute({ name: 'signOut', input: {} } as ValidCommand);
    await signIn();
    expect(clients).toHaveLength(2);
    expect([...clients[1]!.defined.keys()]).toEqual(['(a)']);

    clients[1]!.announce({ conversationId: 'c1', sender: 'Bob@X.com', emoticons: [{ shortcut: '(g)', sha1d: computeSha1d(GIF) }] });
    await expect.poll(() => core.snapshot().state.emoticons.images[computeSha1d(GIF)]).toBe(`data:image/gif;base64,${GIF.toString('base64')}`);
    expect(clients[1]!.fetches).toEqual(['bob@x.com (g)']);
    expect(events.find((e) => e.type === 'emoticon.announced')).toEqual({ type: 'emoticon.announced', conversationId: 'c1', sender: 'bob@x.com', emoticons: [{ shortcut: '(g)', sha1d: computeSha1d(GIF) }] });
    // Shown already: announced again, not fetched again.
    clients[1]!.announce({ conversationId: 'c1', sender: 'bob@x.com', emoticons: [{ shortcut: '(g)', sha1d: computeSha1d(GIF) }] });
    await new Promise((r) => setTimeout(r, 20));
    expect(clients[1]!.fetches).toHaveLength(1);
  });
});
