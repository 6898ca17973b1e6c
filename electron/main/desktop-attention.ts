/**
 * Carries out what app-core decided (electron/core/attention.ts through electron/core/policies):
 * `attention.requested` → an OS notification (click opens the conversation) and a taskbar flash
 * or dock bounce; `unread.changed` → the taskbar/dock badge (or the Windows overlay icon). Sounds
 * are played by the windows (they receive the same event). No decisions are made here.
 */
import type { NativeImage, Notification, NotificationConstructorOptions } from 'electron';
import type { AppEvent, AttentionRequest } from '../../shared/ipc';

export interface AttentionDeps {
  platform: NodeJS.Platform;
  notificationsSupported(): boolean;
  createNotification(options: NotificationConstructorOptions): Notification;
  /** Opens (or brings forward) a conversation's window and focuses it. */
  showConversation(conversationId: string): void;
  /** A "signed in" notification: start (or find) a conversation with them and show it. */
  startConversation(handle: string): void;
  /** Flashes the conversation's window if it exists and is not focused; else the contact list's. */
  flashWindow(conversationId: string | undefined): void;
  /** macOS: bounce the dock icon once. */
  bounceDock(): void;
  /** macOS / Linux (Unity launchers): the count on the app icon; 0 removes it. */
  setBadgeCount(count: number): void;
  /** Windows: the overlay on the contact list's taskbar button. */
  setOverlay(image: NativeImage | null, description: string): void;
  unreadOverlay(): NativeImage | null;
  /** The app icon for notifications (Linux shows it; elsewhere the OS uses the app's own). */
  notificationIcon?: NativeImage;
}

export class DesktopAttention {
  /**
   * Live notifications by tag: a newer one with the same tag replaces the older one, and holding
   * them keeps their click handlers alive (a collected Notification loses its events).
   */
  private readonly shown = new Map<string, Notification>();

  constructor(private readonly deps: AttentionDeps) {}

  handle(event: AppEvent): void {
    if (event.type === 'attention.requested') this.attention(event);
    else if (event.type === 'unread.changed') this.badge(event.total);
  }

  /** Closes every notification (sign-out, quit). */
  clear(): void {
    for (const n of this.shown.values()) n.close();
    this.shown.clear();
  }

  private attention(a: AttentionRequest): void {
    if (a.toast && this.deps.notificationsSupported()) this.notify(a);
    if (a.flash) {
      this.deps.flashWindow(a.conversationId);
      if (this.deps.platform === 'darwin') this.deps.bounceDock();
    }
  }

  private notify(a: AttentionRequest): void {
    this.shown.get(a.tag)?.close();
    const n = this.deps.createNotification({
      title: a.title,
      body: a.body,
      // Our own sounds play in the windows (per the sound settings); the OS adds none.
      silent: true,
      ...(this.deps.notificationIcon ? { icon: this.deps.notificationIcon } : {}),
    });
    this.shown.set(a.tag, n);
    const forget = () => {
      if (this.shown.get(a.tag) === n) this.shown.delete(a.tag);
    };
    n.on('click', () => {
      forget();
      if (a.conversationId !== undefined) this.deps.showConversation(a.conversationId);
      else this.deps.startConversation(a.handle);
    });
    n.on('close', forget);
    n.show();
  }

  private badge(total: number): void {
    const count = Math.max(0, total);
    if (this.deps.platform === 'win32') {
      const image = count > 0 ? this.deps.unreadOverlay() : null;
      this.deps.setOverlay(image, count > 0 ? `${count} unread` : '');
    } else {
      this.deps.setBadgeCount(count);
    }
  }
}
