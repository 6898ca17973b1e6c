import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WindowStateStore, isVisibleOnSomeDisplay } from './window-state';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window positions', () => {
  it('accepts a position whose title bar is on a display, and refuses one off every display', () => {
    expect(isVisibleOnSomeDisplay({ x: 100, y: 100, width: 400, height: 600 }, screen)).toBe(true);
    expect(isVisibleOnSomeDisplay({ x: 3000, y: 100, width: 400, height: 600 }, screen)).toBe(false);
    expect(isVisibleOnSomeDisplay({ x: 1900, y: 100, width: 400, height: 600 }, screen)).toBe(false);
  });

  it('remembers across runs and ignores a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'monarch-ws-'));
    const file = join(dir, 'window-state.json');
    const a = new WindowStateStore(file);
    a.set('contact-list', { bounds: { x: 50, y: 60, width: 340, height: 640 }, maximized: false });
    a.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))['contact-list'].bounds.x).toBe(50);
    const b = new WindowStateStore(file);
    expect(b.get('contact-list', screen)?.bounds).toEqual({ x: 50, y: 60, width: 340, height: 640 });
    expect(b.get('contact-list', [{ x: 5000, y: 0, width: 800, height: 600 }])).toBeNull();

    writeFileSync(file, '{"contact-list": {"bounds": {"x": "a"}}}');
    expect(new WindowStateStore(file).get('contact-list', screen)).toBeNull();
    writeFileSync(file, 'not json');
    expect(new WindowStateStore(file).get('contact-list', screen)).toBeNull();
  });
});
