import { describe, expect, it } from 'vitest';
import {
  CONTACT_STATUSES,
  DEFAULT_PRIVACY,
  DOMAIN_EVENT_TYPES,
  MY_STATUSES,
  NO_LISTS,
  canSeeMe,
  displayName,
  isHexColor,
  isMyStatus,
  isOnline,
  isTransient,
  type DomainEvent,
  type DomainEventMap,
} from './index';

describe('shared/model', () => {
  it('lists every status once and hides "hidden" from contacts', () => {
    expect(new Set(MY_STATUSES).size).toBe(8);
    expect(CONTACT_STATUSES).not.toContain('hidden');
    expect(CONTACT_STATUSES).toContain('offline');
    expect(isOnline('offline')).toBe(false);
    expect(isOnline('away')).toBe(true);
    expect(isMyStatus('hidden')).toBe(true);
    expect(isMyStatus('offline')).toBe(false);
  });

  it('applies the visibility rule of MSNP.md §4.2', () => {
    const blocked = { lists: { ...NO_LISTS, block: true } };
    const allowed = { lists: { ...NO_LISTS, allow: true } };
    const stranger = { lists: NO_LISTS };
    expect(canSeeMe(stranger, DEFAULT_PRIVACY)).toBe(true);
    expect(canSeeMe(blocked, DEFAULT_PRIVACY)).toBe(false);
    const strict = { visibility: 'only-allowed', promptOnAdd: true } as const;
    expect(canSeeMe(stranger, strict)).toBe(false);
    expect(canSeeMe(allowed, strict)).toBe(true);
  });

  it('falls back to the handle for an empty name', () => {
    expect(displayName({ handle: 'bob@example.com', friendlyName: '  ' })).toBe('bob@example.com');
    expect(displayName({ handle: 'bob@example.com', friendlyName: 'Bob' })).toBe('Bob');
  });

  it('checks colours and transient errors', () => {
    expect(isHexColor('#ff0000')).toBe(true);
    expect(isHexColor('ff0000')).toBe(false);
    expect(isTransient('connection-lost')).toBe(true);
    expect(isTransient('wrong-password')).toBe(false);
  });

  it('names every event type exactly once, and events survive structured cloning', () => {
    const names = new Set(DOMAIN_EVENT_TYPES);
    expect(names.size).toBe(DOMAIN_EVENT_TYPES.length);
    // Compile-time: the list covers the map.
    const all: Record<keyof DomainEventMap, true> = Object.fromEntries(DOMAIN_EVENT_TYPES.map((t) => [t, true])) as Record<
      keyof DomainEventMap,
      true
    >;
    expect(Object.keys(all).length).toBe(DOMAIN_EVENT_TYPES.length);
    const e: DomainEvent = { type: 'typing.received', conversationId: 'c1', handle: 'bob@example.com', at: 1 };
    expect(structuredClone(e)).toEqual(e);
  });
});
