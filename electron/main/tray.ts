/**
 * The tray icon (issue 6): my status as its picture, the unread count in its tooltip (and beside
 * it on macOS), and a menu to change status, open the contact list, sign out and quit. While the
 * tray exists, closing the contact list only hides it (windows.ts); Quit is here and in the menus.
 *
 * `trayMenuTemplate` and `trayTooltip` are pure (tested directly); `TrayController` applies them
 * to an Electron `Tray` through injected factories, so it is tested with fakes too.
 */
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { MY_STATUSES, STATUS_LABELS, type MyStatus } from '../../shared/model';
import { trayIconName, type TrayIconName } from './tray-icons';

export interface TrayView {
  /** My status while signed in; null while signed out or signing in. */
  readonly status: MyStatus | null;
  /** A sign-in or reconnection is under way. */
  readonly connecting: boolean;
  /** Unread messages and nudges across conversations. */
  readonly unread: number;
  /** Who is signed in (or signing in). */
  readonly handle: string | null;
}

export interface TrayActions {
  setStatus(status: MyStatus): void;
  openContactList(): void;
  signOut(): void;
  quit(): void;
}

export const SIGNED_OUT_VIEW: TrayView = { status: null, connecting: false, unread: 0, handle: null };

function unreadText(n: number): string {
  return n === 1 ? '1 unread message' : `${n > 99 ? '99+' : n} unread messages`;
}

/** "Monarch – Online – 3 unread messages" (tooltips are plain text everywhere). */
export function trayTooltip(view: TrayView): string {
  const parts = ['Monarch'];
  if (view.status !== null) parts.push(`${view.handle ?? ''} (${STATUS_LABELS[view.status]})`.trim());
  else parts.push(view.connecting ? 'Signing in…' : 'Signed out');
  if (view.unread > 0) parts.push(unreadText(view.unread));
  return parts.join(' – ');
}

export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemConstructorOptions[] {
  const signedIn = view.status !== null;
  const statusItems: MenuItemConstructorOptions[] = MY_STATUSES.map((status) => ({
    id: `status:${status}`,
    label: STATUS_LABELS[status],
    type: 'radio',
    checked: view.status === status,
    enabled: signedIn,
    click: () => actions.setStatus(status),
  }));
  return [
    {
      id: 'open',
      label: view.unread > 0 ? `Open Monarch (${unreadText(view.unread)})` : 'Open Monarch',
      click: () => actions.openContactList(),
    },
    { type: 'separator' },
    { id: 'status', label: 'My status', enabled: false },
    ...statusItems,
    { type: 'separator' },
    { id: 'sign-out', label: 'Sign out', enabled: signedIn || view.connecting, click: () => actions.signOut() },
    { id: 'quit', label: 'Quit Monarch', click: () => actions.quit() },
  ];
}

export interface TrayDeps {
  createTray(image: NativeImage): Tray;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  image(name: TrayIconName): NativeImage;
  platform: NodeJS.Platform;
}

export class TrayController {
  private readonly tray: Tray;
  private view: TrayView = SIGNED_OUT_VIEW;
  private icon: TrayIconName;
  private rendered = '';

  constructor(
    private readonly deps: TrayDeps,
    private readonly actions: TrayActions,
  ) {
    this.icon = trayIconName(null);
    this.tray = deps.createTray(deps.image(this.icon));
    // Windows and most Linux panels: a click opens the contact list (the menu is on right-click).
    // AppIndicator-based Linux panels only show the menu, which has "Open Monarch" first.
    this.tray.on('click', () => actions.openContactList());
    this.tray.on('double-click', () => actions.openContactList());
    this.render(true);
  }

  get current(): TrayView {
    return this.view;
  }

  update(view: TrayView): void {
    this.view = view;
    this.render(false);
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private render(force: boolean): void {
    if (this.tray.isDestroyed()) return;
    const key = JSON.stringify(this.view);
    if (!force && key === this.rendered) return;
    this.rendered = key;
    const icon = trayIconName(this.view.status);
    if (icon !== this.icon) {
      this.icon = icon;
      this.tray.setImage(this.deps.image(icon));
    }
    this.tray.setToolTip(trayTooltip(this.view));
    // macOS shows text beside the icon in the menu bar: the unread count, or nothing.
    if (this.deps.platform === 'darwin') this.tray.setTitle(this.view.unread > 0 ? String(Math.min(this.view.unread, 99)) : '');
    this.tray.setContextMenu(this.deps.buildMenu(trayMenuTemplate(this.view, this.actions)));
  }
}
