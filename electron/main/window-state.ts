/**
 * Remembers where each window was and how big (UI.md: windows come back where the user left
 * them). Stored as JSON in the user data folder; a position that no longer fits on any display
 * (a monitor was unplugged) falls back to the default placement.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: Bounds;
  readonly maximized: boolean;
}

const boundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(100).max(20000),
  height: z.number().int().min(100).max(20000),
});
const fileSchema = z.record(z.string().max(300), z.object({ bounds: boundsSchema, maximized: z.boolean() }));

/** At most this many remembered windows (conversations are keyed by contact). */
const MAX_ENTRIES = 200;

/** A saved position is usable when a reasonable part of its title bar is on some display. */
export function isVisibleOnSomeDisplay(b: Bounds, workAreas: readonly Bounds[]): boolean {
  const titleBar = { x: b.x, y: b.y, width: b.width, height: 32 };
  return workAreas.some((a) => {
    const w = Math.min(titleBar.x + titleBar.width, a.x + a.width) - Math.max(titleBar.x, a.x);
    const h = Math.min(titleBar.y + titleBar.height, a.y + a.height) - Math.max(titleBar.y, a.y);
    return w >= 80 && h >= 16;
  });
}

export class WindowStateStore {
  private states: Record<string, WindowState> = {};
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly file: string) {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) this.states = parsed.data;
    } catch {
      // No file yet, or unreadable: start with defaults.
    }
  }

  get(key: string, workAreas: readonly Bounds[]): WindowState | null {
    const s = this.states[key];
    if (!s) return null;
    return isVisibleOnSomeDisplay(s.bounds, workAreas) ? s : null;
  }

  set(key: string, state: WindowState): void {
    delete this.states[key];
    this.states[key] = state;
    const keys = Object.keys(this.states);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete this.states[old];
    this.scheduleSave();
  }

  /** Writes now (on quit). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.states));
      renameSync(tmp, this.file);
    } catch (e) {
      console.warn('Could not save window positions:', (e as Error).message);
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 500);
    this.saveTimer.unref?.();
  }
}
