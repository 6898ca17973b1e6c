import { describe, expect, it } from 'vitest';
import { machineGuid } from './machine-guid';

describe('machineGuid (MSNP13-18.md §8.2, §10.1)', () => {
  it('is a braced upper-case GUID, the same for the same installation and account every time', () => {
    const g = machineGuid('installation-1', 'Alice@Example.com');
    expect(g).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$/);
    expect(machineGuid('installation-1', 'alice@example.com')).toBe(g);
  });

  it('differs per account and per installation (accounts on one machine cannot be linked by it)', () => {
    const g = machineGuid('installation-1', 'alice@example.com');
    expect(machineGuid('installation-1', 'bob@example.com')).not.toBe(g);
    expect(machineGuid('installation-2', 'alice@example.com')).not.toBe(g);
  });
});
