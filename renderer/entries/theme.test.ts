import { describe, expect, it } from 'vitest';
import { resolveTheme } from './theme';

describe('resolveTheme', () => {
  it('follows the OS for system (and before preferences arrive)', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme(undefined, false)).toBe('light');
  });
  it('lets the setting override the OS', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
