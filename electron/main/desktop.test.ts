/**
 * The desktop-integration pieces on their own, with fakes for Electron's objects: tray menu and
 * tooltip, per-platform badge and flash, tray picture files, and the safeStorage keychain's
 * refusal of Linux's plain-text backend.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Menu, MenuItemConstructorOptions, NativeImage, Notification, Tray } from 'electron';
import { DesktopAttention, type AttentionDeps } from './desktop-attention';
import { myStatus } from './idle';
import { SIGNED_OUT_VIEW, TrayController, trayMenuTemplate, trayTooltip, type TrayActions } from './tray';
import { resourcePaths, trayIconFile } from './tray-icons';
import { initialAppState, type AppState } from '../../shared/ipc';

const safe = vi.hoisted(() => ({ available: true, backend: 'gnome_libsecret' }));
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => safe.available,
    getSelectedStorageBackend: () => safe.backend,
    encryptString: (s: string) => Buffer.from(`sealed:${s}`),
    decryptString: (b: Buffer) => b.toString().replace(/^sealed:/, ''),
  },
}));
const { safeStorageKeychain } = await import('./keychain');

const actions = (): TrayActions & { calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    setStatus: (s) => calls.push(`status:${s}`),
    openContactList: () => calls.push('open'),
    signOut: () => calls.push('sign-out'),
    quit: () => calls.push('quit'),
  };
};

describe('tray menu and tooltip', () => {
  it('signed out: only Open and Quit do anything', () => {
    const items = trayMenuTemplate(SIGNED_OUT_VIEW, actions());
    const enabled = items.filter((i) => i.type !== 'separator' && i.enabled !== false).map((i) => i.id);
    expect(enabled).toEqual(['open', 'quit']);
    expect(trayTooltip(SIGNED_OUT_VIEW)).toBe('Monarch – Signed out');
    expect(trayTooltip({ ...SIGNED_OUT_VIEW, connecting: true })).toBe('Monarch – Signing in…');
  });

  it('signed in: the statuses as radio items with mine checked; each item calls its action', () => {
    const a = actions();
    const items = trayMenuTemplate({ status: 'phone', connecting: false, unread: 0, handle: 'me@example.com' }, a);
    const statuses = items.filter((i) => i.id?.startsWith('status:'));
    expect(statuses.map((i) => i.label)).toEqual(['Online', 'Busy', 'Idle', 'Be Right Back', 'Away', 'On the Phone', 'Out to Lunch', 'Appear Offline']);
    expect(statuses.filter((i) => i.checked).map((i) => i.id)).toEqual(['status:phone']);
    expect(statuses.every((i) => i.type === 'radio' && i.enabled)).toBe(true);
    for (const i of items) (i.click as (() => void) | undefined)?.();
    expect(a.calls).toEqual(['open', ...statuses.map((s) => s.id), 'sign-out', 'quit']);
  });

  it('unread counts: singular, plural and 99+', () => {
    const v = { status: 'online' as const, connecting: false, handle: 'me@example.com' };
    expect(trayTooltip({ ...v, unread: 1 })).toBe('Monarch – me@example.com (Online) – 1 unread message');
    expect(trayTooltip({ ...v, unread: 250 })).toBe('Monarch – me@example.com (Online) – 99+ unread messages');
  });

  it('TrayController: macOS shows the count beside the icon; the menu is rebuilt only when the view changes', () => {
    const set: string[] = [];
    let menus = 0;
    const tray = {
      on: () => tray,
      setImage: (i: { name: string }) => set.push(`image:${i.name}`),
      setToolTip: () => undefined,
      setTitle: (t: string) => set.push(`title:${t}`),
      setContextMenu: () => menus++,
      isDestroyed: () => false,
      destroy: () => undefined,
    };
    const c = new TrayController(
      {
        createTray: () => tray as unknown as Tray,
        buildMenu: (t: MenuItemConstructorOptions[]) => t as unknown as Menu,
        image: (name) => ({ name }) as unknown as NativeImage,
        platform: 'darwin',
      },
      actions(),
    );
    const view = { status: 'online' as const, connecting: false, unread: 5, handle: 'me@example.com' };
    c.update(view);
    c.update({ ...view });
    expect(menus).toBe(2);
    expect(set).toEqual(['title:', 'image:online', 'title:5']);
  });
});

function attentionDeps(platform: NodeJS.Platform) {
  const log: string[] = [];
  const deps: AttentionDeps = {
    platform,
    notificationsSupported: () => false,
    createNotification: () => {
      throw new Error('not expected');
    },
    showConversation: (id) => log.push(`show:${id}`),
    startConversation: (h) => log.push(`start:${h}`),
    flashWindow: (id) => log.push(`flash:${id ?? 'list'}`),
    bounceDock: () => log.push('bounce'),
    setBadgeCount: (n) => log.push(`badge:${n}`),
    setOverlay: (image, d) => log.push(`overlay:${image ? 'dot' : 'none'}:${d}`),
    unreadOverlay: () => ({}) as NativeImage,
  };
  return { deps, log };
}

describe('attention per platform', () => {
  const request = { type: 'attention.requested' as const, kind: 'nudge' as const, conversationId: 'c1', handle: 'b@x.com', title: 't', body: 'b', sound: null, toast: true, flash: true, tag: 'x' };

  it('Windows: overlay icon for unread; no toast where notifications are unsupported, but still the flash', () => {
    const { deps, log } = attentionDeps('win32');
    const a = new DesktopAttention(deps);
    a.handle(request);
    a.handle({ type: 'unread.changed', total: 2, byConversation: { c1: 2 } });
    a.handle({ type: 'unread.changed', total: 0, byConversation: {} });
    expect(log).toEqual(['flash:c1', 'overlay:dot:2 unread', 'overlay:none:']);
  });

  it('macOS: dock badge and a dock bounce with the flash', () => {
    const { deps, log } = attentionDeps('darwin');
    const a = new DesktopAttention(deps);
    a.handle({ ...request, conversationId: undefined, flash: true });
    a.handle({ type: 'unread.changed', total: 7, byConversation: { c1: 7 } });
    expect(log).toEqual(['flash:list', 'bounce', 'badge:7']);
  });

  it('keeps a reference to each live notification and forgets it once closed', () => {
    const { deps } = attentionDeps('linux');
    const made: { handlers: Map<string, () => void>; shown: boolean; closed: number }[] = [];
    deps.notificationsSupported = () => true;
    deps.createNotification = () => {
      const n = {
        handlers: new Map<string, () => void>(),
        shown: false,
        closed: 0,
        on(e: string, f: () => void) {
          n.handlers.set(e, f);
          return n;
        },
        show() {
          n.shown = true;
        },
        close() {
          n.closed++;
          n.handlers.get('close')?.();
        },
      };
      made.push(n);
      return n as unknown as Notification;
    };
    const a = new DesktopAttention(deps);
    a.handle(request);
    made[0]!.handlers.get('close')!();
    // Closed by the user: a new one with the same tag does not close it again.
    a.handle(request);
    expect(made.map((n) => n.closed)).toEqual([0, 0]);
    a.clear();
    expect(made.map((n) => n.closed)).toEqual([0, 1]);
  });
});

describe('tray pictures and resources', () => {
  it('packaged builds read extra resources; development reads build/', () => {
    const packaged = resourcePaths({ packaged: true, resourcesPath: '/opt/Monarch/resources', appPath: '/x' });
    expect(packaged.trayDir).toBe('/opt/Monarch/resources/tray');
    expect(packaged.windowIcon).toBe('/opt/Monarch/resources/icon.png');
    const dev = resourcePaths({ packaged: false, resourcesPath: '/electron', appPath: '/repo' });
    expect(dev.trayDir).toBe('/repo/build/tray');
    expect(dev.windowIcon).toBe('/repo/build/icons/512x512.png');
    expect(trayIconFile(dev, 'busy', 'linux')).toBe('/repo/build/tray/busy@2x.png');
    expect(trayIconFile(dev, 'busy', 'win32')).toBe('/repo/build/tray/busy.png');
  });

  it('my status for the tray and idle: only while online, from my profile', () => {
    const online: AppState = {
      ...initialAppState,
      session: {
        ...initialAppState.session,
        connection: { status: 'online' },
        self: { handle: 'me@x.com', friendlyName: 'Me', personalMessage: '', currentMedia: null, status: 'lunch' },
      },
    };
    expect(myStatus(online)).toBe('lunch');
    expect(myStatus({ ...online, session: { ...online.session, connection: { status: 'reconnecting' } } })).toBeNull();
    expect(myStatus(initialAppState)).toBeNull();
  });
});

describe('safeStorage keychain', () => {
  it('is available with a real OS backend and round-trips', () => {
    safe.available = true;
    safe.backend = 'gnome_libsecret';
    expect(safeStorageKeychain.available()).toBe(true);
    expect(safeStorageKeychain.decrypt(safeStorageKeychain.encrypt('pw'))).toBe('pw');
  });

  it('is unavailable when encryption is, and on Linux with the hard-coded-key backend (basic_text)', () => {
    safe.available = false;
    expect(safeStorageKeychain.available()).toBe(false);
    safe.available = true;
    safe.backend = 'basic_text';
    expect(safeStorageKeychain.available()).toBe(process.platform !== 'linux');
  });
});
