/**
 * Automatic Away in web mode with a fake clock and scheduler: the pages' reported activity as the
 * idle source (most recent page wins, no page = idle after a grace), and the desktop's policy on
 * top of it, driven through the commands the web host routes here.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_LIST_VIEW, initialAppState, type AppEvent, type AppState, type EventListener, type Preferences, type Result, type ValidCommand } from '../../shared/ipc';
import type { MyStatus } from '../../shared/model';
import { DEFAULT_PREFERENCES } from '../core/settings/schema';
import { MINUTE_MS, NO_PAGE_GRACE_MS, PageActivity, startWebAutomaticAway, type WebAutomaticAwayOptions } from './activity-idle';

const POLL_MS = 10_000;
type Idle = Preferences['idle'];
const ON: Idle = { enabled: true, minutes: 1, status: 'away' };

const preferences = (idle: Idle): Preferences => ({ ...DEFAULT_PREFERENCES, contactList: DEFAULT_CONTACT_LIST_VIEW, idle });

/** A backend whose `setStatus` changes my status in its state, as app-core's does (after the server answers). */
function harness(options: { status?: MyStatus | null; idle?: Idle; failSetStatus?: boolean; over?: Partial<WebAutomaticAwayOptions> } = {}) {
  let t = 1_000_000;
  let status: MyStatus | null = options.status === undefined ? 'online' : options.status;
  let idle: Idle | null = options.idle ?? ON;
  let poll: (() => void) | null = null;
  const executed: ValidCommand[] = [];
  const listeners = new Set<EventListener>();
  const errors: unknown[] = [];

  const state = (): AppState => ({
    ...initialAppState,
    session: {
      ...initialAppState.session,
      connection: status === null ? { status: 'signed-out' } : { status: 'online' },
      self: status === null ? null : { handle: 'me@example.com', friendlyName: 'Me', personalMessage: '', currentMedia: null, status },
    },
    desktop: { ...initialAppState.desktop, preferences: idle ? preferences(idle) : null },
  });

  const away = startWebAutomaticAway({
    backend: {
      execute: async (cmd): Promise<Result<unknown>> => {
        executed.push(cmd);
        if (cmd.name !== 'setStatus') return { ok: true, value: null };
        if (options.failSetStatus) return { ok: false, error: { code: 'not-connected', message: 'Not signed in.' } };
        status = cmd.input.status;
        return { ok: true, value: null };
      },
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    state,
    now: () => t,
    pollMs: POLL_MS,
    scheduler: {
      setInterval: (fn, ms) => {
        expect(ms).toBe(POLL_MS);
        poll = fn;
        return 1;
      },
      clearInterval: () => {
        poll = null;
      },
    },
    onError: (e) => errors.push(e),
    ...options.over,
  });

  /** Let the clock run, polling as the scheduler would, and let status changes settle. */
  const advance = async (ms: number) => {
    const end = t + ms;
    while (t + POLL_MS <= end) {
      t += POLL_MS;
      poll?.();
      await settle();
    }
    t = end;
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const emit = (event: AppEvent) => {
    for (const l of listeners) l({ seq: 1, at: t, event });
  };

  return {
    away,
    advance,
    settle,
    emit,
    errors,
    executed,
    get status() {
      return status;
    },
    set status(s: MyStatus | null) {
      status = s;
    },
    setIdle: (i: Idle | null) => {
      idle = i;
    },
    get polling() {
      return poll !== null;
    },
    /** The status changes automatic Away asked for (not the user's). */
    automatic: () => executed.filter((c) => c.name === 'setStatus').map((c) => (c.input as { status: MyStatus }).status),
  };
}

describe('PageActivity (the web idle source)', () => {
  it('counts idle time from the most recent report of any page, in the setting’s minutes', () => {
    let t = 0;
    const a = new PageActivity({ now: () => t, minuteMs: 1000 });
    const first = a.pageOpened();
    const second = a.pageOpened();
    t = 500;
    expect(a.idleSeconds()).toBe(30);
    a.report();
    t = 800;
    a.report();
    t = 1300;
    // Half a (shortened) minute since the last report, whichever page sent it.
    expect(a.idleSeconds()).toBe(30);
    first();
    first();
    expect(a.connectedPages).toBe(1);
    expect(a.locked()).toBe(false);
    second();
    expect(a.connectedPages).toBe(0);
  });

  it('treats no connected page as idle at once, after a grace for reloads', () => {
    let t = 0;
    const a = new PageActivity({ now: () => t });
    // Before any page connects (the host just started).
    t = NO_PAGE_GRACE_MS;
    expect(a.locked()).toBe(true);
    const closePage = a.pageOpened();
    expect(a.locked()).toBe(false);
    t = 100_000;
    a.report();
    closePage();
    t += NO_PAGE_GRACE_MS - 1;
    expect(a.locked()).toBe(false);
    expect(a.idleSeconds()).toBeCloseTo((NO_PAGE_GRACE_MS - 1) / 1000);
    t += 1;
    expect(a.locked()).toBe(true);
    a.pageOpened();
    expect(a.locked()).toBe(false);
  });

  it('uses a real minute unless told otherwise, and refuses a nonsensical one', () => {
    let t = 0;
    const a = new PageActivity({ now: () => t });
    t = MINUTE_MS;
    expect(a.idleSeconds()).toBe(60);
    expect(() => new PageActivity({ minuteMs: 0 })).toThrow(RangeError);
  });
});

describe('automatic Away in web mode', () => {
  it('goes Away after the configured minutes without activity, and back to Online on the next report at once', async () => {
    const h = harness();
    h.away.pageOpened();
    await h.away.commands.reportActivity({});
    await h.advance(50_000);
    expect(h.status).toBe('online');
    await h.advance(10_000);
    expect(h.status).toBe('away');
    expect(h.away.controller.current.mode).toBe('auto-away');
    // Still away while quiet, on every poll.
    await h.advance(120_000);
    expect(h.status).toBe('away');

    // The report alone brings them back (no poll in between).
    expect(await h.away.commands.reportActivity({})).toEqual({ ok: true, value: null });
    await h.settle();
    expect(h.status).toBe('online');
    expect(h.automatic()).toEqual(['away', 'online']);
  });

  it('keeps the user Online while any open page reports activity', async () => {
    const h = harness();
    h.away.pageOpened();
    h.away.pageOpened();
    for (let i = 0; i < 10; i++) {
      await h.away.commands.reportActivity({});
      await h.advance(40_000);
    }
    expect(h.automatic()).toEqual([]);
  });

  it('goes Away once no page has been connected for the grace, however short the setting', async () => {
    const h = harness({ idle: { ...ON, minutes: 30 } });
    const closePage = h.away.pageOpened();
    await h.away.commands.reportActivity({});
    closePage();
    // A reload (close, reconnect within the grace) changes nothing.
    await h.advance(NO_PAGE_GRACE_MS - 1);
    const again = h.away.pageOpened();
    await h.advance(POLL_MS * 3);
    expect(h.status).toBe('online');
    again();
    await h.advance(POLL_MS);
    expect(h.status).toBe('away');
    // A page connecting is not the user coming back; its activity is.
    h.away.pageOpened();
    await h.advance(POLL_MS);
    expect(h.status).toBe('away');
    await h.away.commands.reportActivity({});
    await h.settle();
    expect(h.status).toBe('online');
  });

  it('switches to Idle instead when so configured, follows the setting live, and does nothing when off', async () => {
    const h = harness({ idle: { enabled: false, minutes: 1, status: 'idle' } });
    h.away.pageOpened();
    await h.advance(10 * 60_000);
    expect(h.status).toBe('online');
    h.setIdle({ enabled: true, minutes: 5, status: 'idle' });
    await h.advance(POLL_MS);
    expect(h.status).toBe('idle');
    // Turning it off while away restores the status at once (at the next poll).
    h.setIdle({ enabled: false, minutes: 5, status: 'idle' });
    await h.advance(POLL_MS);
    expect(h.status).toBe('online');
    expect(h.automatic()).toEqual(['idle', 'online']);
  });

  it('does nothing before the preferences are known', async () => {
    const h = harness();
    h.setIdle(null);
    h.away.pageOpened();
    await h.advance(10 * 60_000);
    expect(h.automatic()).toEqual([]);
  });

  it.each(['busy', 'brb', 'away', 'phone', 'lunch', 'hidden', 'idle'] as const)('never overrides %s', async (status) => {
    const h = harness({ status });
    await h.advance(10 * 60_000);
    await h.away.commands.reportActivity({});
    await h.settle();
    expect(h.status).toBe(status);
    expect(h.automatic()).toEqual([]);
  });

  it('does nothing while signed out', async () => {
    const h = harness({ status: null });
    await h.advance(10 * 60_000);
    expect(h.automatic()).toEqual([]);
  });

  it('never restores over a status the user picks while away (the host routes setStatus here)', async () => {
    const h = harness();
    h.away.pageOpened();
    await h.advance(2 * 60_000);
    expect(h.status).toBe('away');
    expect(await h.away.commands.setStatus({ status: 'busy' })).toEqual({ ok: true, value: null });
    expect(h.away.controller.current.mode).toBe('active');
    await h.away.commands.reportActivity({});
    await h.advance(POLL_MS);
    expect(h.status).toBe('busy');
  });

  it('forgets the status to restore when the backend signs out', async () => {
    const h = harness();
    h.away.pageOpened();
    await h.advance(2 * 60_000);
    expect(h.away.controller.current.mode).toBe('auto-away');
    h.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
    expect(h.away.controller.current.mode).toBe('active');
  });

  it('reports a failed status change instead of throwing', async () => {
    const h = harness({ failSetStatus: true });
    h.away.pageOpened();
    await h.advance(2 * 60_000);
    expect(String(h.errors[0])).toMatch(/Not signed in/);
  });

  it('stops polling and listening when stopped', async () => {
    const h = harness();
    expect(h.polling).toBe(true);
    h.away.stop();
    expect(h.polling).toBe(false);
    h.emit({ type: 'connection.changed', state: { status: 'signed-out' } });
  });
});
