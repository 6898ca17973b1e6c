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
  /**
   * Asked when the user closes the contact list: true (a tray icon is there and the app is not
   * quitting) hides it instead, and the app keeps running in the tray.
   */
  hideContactListOnClose?(): boolean;
  /** Windows is ending the session (log off, shut down): closing must not be refused. */
  onSessionEnd?(): void;
  /** Which of our windows has the OS focus: a conversation id, `contact-list`, or null (none). */
  onFocusChanged?(target: string | null): void;
}

const CONTACT_LIST_KEY = 'contact-list';
const conversationKey = (stateKey: string) => `conversation:${stateKey}`;

export class WindowManager {
  private contactList: BrowserWindow | null = null;
  private readonly conversations = new Map<string, BrowserWindow>();
  /** The window last reported focused (`contact-list` or a conversation id). */
  private focused: string | null = null;

  constructor(private readonly deps: WindowDeps) {}

  openContactList(): BrowserWindow {
    if (this.contactList && !this.contactList.isDestroyed()) {
      this.reveal(this.contactList);
      return this.contactList;
    }
    const win = this.create(CONTACT_LIST_KEY, { width: 340, height: 640, minWidth: 300, minHeight: 420, title: 'Monarch' });
    this.contactList = win;
    win.on('close', (event: { preventDefault(): void }) => {
      if (!this.deps.hideContactListOnClose?.()) return;
      event.preventDefault();
      win.hide();
    });
    this.trackFocus(win, CONTACT_LIST_KEY);
    win.on('session-end', () => this.deps.onSessionEnd?.());
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
    this.trackFocus(win, conversationId);
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

  /**
   * Draws the user's eye without taking the focus: the conversation's window when it is open,
   * else the contact list. Nothing when that window already has the focus.
   */
  flash(conversationId: string | undefined): void {
    const conv = conversationId !== undefined ? this.conversations.get(conversationId) : undefined;
    const win = conv && !conv.isDestroyed() ? conv : this.contactList;
    if (!win || win.isDestroyed() || win.isFocused()) return;
    win.flashFrame(true);
  }

  /** The contact list's window, if it exists (it may be hidden in the tray). */
  contactListWindow(): BrowserWindow | null {
    return this.contactList && !this.contactList.isDestroyed() ? this.contactList : null;
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

  private trackFocus(win: BrowserWindow, target: string): void {
    const report = this.deps.onFocusChanged;
    if (!report) return;
    win.on('focus', () => {
      // The taskbar button stops flashing once the window is in front.
      win.flashFrame(false);
      this.focused = target;
      report(target);
    });
    // Moving between two of our windows sends A's blur and B's focus in either order (it differs
    // by platform): a blur only counts while its window is still the one reported.
    const lost = () => {
      if (this.focused !== target) return;
      this.focused = null;
      report(null);
    };
    win.on('blur', lost);
    win.on('closed', lost);
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
