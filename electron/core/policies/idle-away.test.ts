import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MY_STATUSES, type MyStatus } from '../../../shared/model';
import { IdleAwayController, idleStep, INITIAL_IDLE_STATE, type IdleInput, type IdleSettings, type IdleState } from './idle-away';

const ON: IdleSettings = { enabled: true, minutes: 5, status: 'idle' };

function sample(idleSeconds: number, status: MyStatus | null, over: Partial<Extract<IdleInput, { type: 'sample' }>> = {}): IdleInput {
  return { type: 'sample', at: 1000, idleSeconds, locked: false, status, settings: ON, ...over };
}

/** Run inputs through the policy, applying each action to `status` as the client would. */
function run(inputs: ((status: MyStatus | null) => IdleInput)[], start: MyStatus | null = 'online') {
  let state: IdleState = INITIAL_IDLE_STATE;
  let status = start;
  const actions: string[] = [];
  for (const make of inputs) {
    const input = make(status);
    if (input.type === 'user-chose-status') status = input.status;
    const step = idleStep(state, input);
    state = step.state;
    if (step.action) {
      actions.push(`${step.action.reason}:${step.action.status}`);
      status = step.action.status;
    }
  }
  return { actions, status, state };
}

describe('idleStep', () => {
  it('goes Idle after the configured minutes and back to Online when the user returns', () => {
    const r = run([(s) => sample(60, s), (s) => sample(299, s), (s) => sample(300, s), (s) => sample(600, s), (s) => sample(2, s)]);
    expect(r.actions).toEqual(['went-idle:idle', 'came-back:online']);
    expect(r.status).toBe('online');
  });

  it('can switch to Away instead, and respects a longer setting', () => {
    const away = { ...ON, status: 'away' as const, minutes: 20 };
    expect(run([(s) => sample(600, s, { settings: away }), (s) => sample(1200, s, { settings: away })]).actions).toEqual(['went-idle:away']);
  });

  it('goes Idle at once when the screen locks, and stays until unlocked', () => {
    const r = run([(s) => sample(10, s, { locked: true }), (s) => sample(0, s, { locked: true }), (s) => sample(1, s)]);
    expect(r.actions).toEqual(['went-idle:idle', 'came-back:online']);
  });

  it('notices a return by the idle counter going down, even above the threshold', () => {
    const r = run([(s) => sample(900, s), (s) => sample(960, s), (s) => sample(400, s)]);
    expect(r.actions).toEqual(['went-idle:idle', 'came-back:online']);
  });

  it('does not treat a changed setting as a return', () => {
    const longer = { ...ON, minutes: 60 };
    const r = run([(s) => sample(300, s), (s) => sample(320, s, { settings: longer })]);
    expect(r.actions).toEqual(['went-idle:idle']);
  });

  it.each(MY_STATUSES.filter((s) => s !== 'online'))('never overrides %s', (status) => {
    expect(run([(s) => sample(10_000, s), (s) => sample(20_000, s, { locked: true })], status).actions).toEqual([]);
  });

  it('never restores over a status the user chose while away', () => {
    const r = run([(s) => sample(300, s), () => ({ type: 'user-chose-status', status: 'busy' }), (s) => sample(0, s)]);
    expect(r.actions).toEqual(['went-idle:idle']);
    expect(r.status).toBe('busy');
    // Even a manual Away picked while auto-away is kept when the user comes back.
    const r2 = run([(s) => sample(300, s), () => ({ type: 'user-chose-status', status: 'away' }), (s) => sample(0, s)]);
    expect(r2.status).toBe('away');
  });

  it('lets go when the status changes under it', () => {
    const r = run([(s) => sample(300, s), () => sample(0, 'phone')]);
    expect(r.actions).toEqual(['went-idle:idle']);
    expect(r.state).toEqual(INITIAL_IDLE_STATE);
  });

  it('does nothing when off, and restores at once when turned off while away', () => {
    const off = { ...ON, enabled: false };
    expect(run([(s) => sample(10_000, s, { settings: off })]).actions).toEqual([]);
    expect(run([(s) => sample(300, s), (s) => sample(900, s, { settings: off })]).actions).toEqual(['went-idle:idle', 'came-back:online']);
  });

  it('forgets everything on sign-out and when signed out', () => {
    const r = run([(s) => sample(300, s), () => ({ type: 'signed-out' }), () => sample(0, null), () => sample(0, 'idle')]);
    expect(r.actions).toEqual(['went-idle:idle']);
    expect(r.state).toEqual(INITIAL_IDLE_STATE);
  });

  it('only ever sets the configured idle status or restores Online (property)', () => {
    const input = fc.oneof(
      fc.record({
        type: fc.constant('sample' as const),
        at: fc.nat(),
        idleSeconds: fc.oneof(fc.nat({ max: 100_000 }), fc.constant(Number.NaN), fc.constant(-5)),
        locked: fc.boolean(),
        status: fc.constantFrom<MyStatus | null>(...MY_STATUSES, null),
        settings: fc.record({ enabled: fc.boolean(), minutes: fc.integer({ min: 1, max: 240 }), status: fc.constantFrom<'idle' | 'away'>('idle', 'away') }),
      }),
      fc.record({ type: fc.constant('user-chose-status' as const), status: fc.constantFrom(...MY_STATUSES) }),
      fc.constant({ type: 'signed-out' as const }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        let state: IdleState = INITIAL_IDLE_STATE;
        for (const i of inputs) {
          const { state: next, action } = idleStep(state, i);
          if (action) {
            expect(i.type).toBe('sample');
            const s = i as Extract<IdleInput, { type: 'sample' }>;
            if (action.reason === 'went-idle') {
              expect(s.status).toBe('online');
              expect(action.status).toBe(s.settings.status);
            } else {
              expect(state.mode).toBe('auto-away');
              expect(action.status).toBe('online');
            }
          }
          state = next;
        }
      }),
    );
  });
});

describe('IdleAwayController', () => {
  it('polls the idle source on its schedule and asks the client to change status', async () => {
    let tick: (() => void) | null = null;
    let idle = 0;
    let status: MyStatus = 'online';
    const set: MyStatus[] = [];
    const c = new IdleAwayController({
      source: { idleSeconds: () => idle, locked: () => false },
      status: () => status,
      setStatus: (s) => {
        set.push(s);
        status = s;
      },
      settings: () => ON,
      scheduler: {
        setInterval: (fn) => {
          tick = fn;
          return 1;
        },
        clearInterval: () => (tick = null),
      },
    });
    c.start();
    idle = 400;
    tick!();
    await Promise.resolve();
    idle = 3;
    tick!();
    await Promise.resolve();
    expect(set).toEqual(['idle', 'online']);
    c.stop();
    expect(tick).toBeNull();
  });

  it('reports a failed status change instead of throwing', async () => {
    const errors: unknown[] = [];
    const c = new IdleAwayController({
      source: { idleSeconds: () => 1000, locked: () => false },
      status: () => 'online',
      setStatus: () => Promise.reject(new Error('not connected')),
      settings: () => ON,
      onError: (e) => errors.push(e),
    });
    c.tick();
    await new Promise((r) => setTimeout(r, 0));
    expect(String(errors[0])).toMatch(/not connected/);
  });
});
