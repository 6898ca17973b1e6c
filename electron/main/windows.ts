/**
 * The app's windows: one contact-list window, and one window per conversation (UI.md), each
 * placed where the user last left a window of its kind.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';
import { appUrl } from './app-protocol';
import { hardenWebContents, secureWebPreferences } from './security';
import type { Bounds, WindowStateStore } from './window-state';

export interface WindowDeps {
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  /** Work areas of the connected displays, to check saved positions against. */
  workAreas(): Bounds[];
  preloadPath: string;
  iconPath?: string;
  states: WindowStateStore;
  openExternal(url: string): void;
  /** The user closed a conversation window: leave the conversation. */
  onConversationClosed(conversationId: string): void;
  /** The contact-list window closed: the app quits (as the classic client did without a tray). */
  onContactListClosed(): void;
}

const CONTACT_LIST_KEY = 'contact-list';
const conversationKey = (stateKey: string) => `conversation:${stateKey}`;

export class WindowManager {
  private contactList: BrowserWindow | null = null;
  private readonly conversations = new Map<string, BrowserWindow>();

  constructor(private readonly deps: WindowDeps) {}

  openContactList(): BrowserWindow {
    if (this.contactList && !this.contactList.isDestroyed()) {
      this.reveal(this.contactList);
      return this.contactList;
    }
    const win = this.create(CONTACT_LIST_KEY, { width: 340, height: 640, minWidth: 300, minHeight: 420, title: 'Monarch' });
    this.contactList = win;
    win.on('closed', () => {
      this.contactList = null;
      this.deps.onContactListClosed();
    });
    void win.loadURL(appUrl('index.html'));
    return win;
  }

  /**
   * Opens or brings forward a conversation's window. `stateKey` identifies the conversation across
   * sessions (the other person's handle), so its window comes back where it was. With
   * `focus: false` (a message arrived) the window appears without stealing focus and flashes.
   */
  showConversation(conversationId: string, stateKey: string, focus: boolean): BrowserWindow {
    const existing = this.conversations.get(conversationId);
    if (existing && !existing.isDestroyed()) {
      if (focus) this.reveal(existing);
      else if (!existing.isFocused()) existing.flashFrame(true);
      return existing;
    }
    const win = this.create(conversationKey(stateKey), {
      width: 520,
      height: 460,
      minWidth: 360,
      minHeight: 320,
      title: 'Conversation',
      show: false,
    });
    this.conversations.set(conversationId, win);
    win.on('closed', () => {
      this.conversations.delete(conversationId);
      this.deps.onConversationClosed(conversationId);
    });
    win.once('ready-to-show', () => {
      if (focus) win.show();
      else {
        win.showInactive();
        win.flashFrame(true);
      }
    });
    void win.loadURL(appUrl('conversation.html', { id: conversationId }));
    return win;
  }

  /**
   * A received nudge shakes the conversation's window (UI.md), a few pixels for about half a
   * second, then puts it back exactly where it was.
   */
  shake(conversationId: string, reducedMotion: boolean): void {
    const win = this.conversations.get(conversationId);
    if (!win || win.isDestroyed() || win.isMaximized() || win.isFullScreen()) return;
    if (!win.isFocused()) win.flashFrame(true);
    if (reducedMotion) return;
    const [x, y] = win.getPosition() as [number, number];
    const offsets: readonly [number, number][] = [
      [-8, 2], [8, -2], [-6, 3], [6, -3], [-4, 1], [4, -1], [-2, 0], [0, 0],
    ];
    offsets.forEach(([dx, dy], i) => {
      setTimeout(() => {
        if (!win.isDestroyed()) win.setPosition(x + dx, y + dy);
      }, (i + 1) * 50);
    });
  }

  hasConversationWindow(conversationId: string): boolean {
    const w = this.conversations.get(conversationId);
    return !!w && !w.isDestroyed();
  }

  /** Every live window's contents, to broadcast events to. */
  allContents(): WebContents[] {
    const wins = [this.contactList, ...this.conversations.values()];
    return wins.filter((w): w is BrowserWindow => !!w && !w.isDestroyed()).map((w) => w.webContents);
  }

  private reveal(win: BrowserWindow): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private create(stateKey: string, defaults: BrowserWindowConstructorOptions & { width: number; height: number }): BrowserWindow {
    const saved = this.deps.states.get(stateKey, this.deps.workAreas());
    const win = this.deps.createWindow({
      ...defaults,
      ...(saved ? saved.bounds : {}),
      ...(this.deps.iconPath ? { icon: this.deps.iconPath } : {}),
      backgroundColor: '#eef3fa',
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(this.deps.preloadPath),
    });
    if (saved?.maximized) win.maximize();
    hardenWebContents(win.webContents, this.deps.openExternal);
    const remember = () => {
      if (win.isDestroyed() || win.isMinimized()) return;
      const maximized = win.isMaximized();
      this.deps.states.set(stateKey, { bounds: maximized ? win.getNormalBounds() : win.getBounds(), maximized });
    };
    win.on('resize', remember);
    win.on('move', remember);
    win.on('close', remember);
    return win;
  }
}
