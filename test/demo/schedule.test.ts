/**
 * The demo script's schedule, on a manual clock with fake clients: when each contact signs in,
 * retries, changes mood, answers, invites, and that stop() leaves no timer behind.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/model';
import { DEMO_CAST, startDemoBots, type DemoBotsController } from '../../electron/core/demo';
import { FakeClock } from '../client/helpers/fake-clock';
import { FakeDemoClient } from './fake-demo-client';

const USER = 'you@monarch.local';
const ADA = 'ada@monarch.local';
const GRACE = 'grace@monarch.local';
const LINUS = 'linus@monarch.local';
const ROSA = 'rosa@monarch.local';

function world(options: { fail?: Record<string, (Error & { code?: string })[]> } = {}) {
  const clock = new FakeClock();
  const clients = new Map<string, FakeDemoClient>();
  const warnings: string[] = [];
  const order = DEMO_CAST.map((c) => c.handle);
  let next = 0;
  const controller: DemoBotsController = startDemoBots({
    host: '127.0.0.1',
    nsPort: 1,
    userHandle: USER,
    bots: DEMO_CAST.map((c) => ({ handle: c.handle, password: `pw-${c.handle}` })),
    clock,
    // Always the low end of every range: delays are exactly the minimums.
    random: () => 0,
    createClient: () => {
      const handle = order[next++] as string;
      const c = new FakeDemoClient(handle);
      c.signInResults.push(...(options.fail?.[handle] ?? []));
      clients.set(handle, c);
      return c;
    },
    log: (level, message, fields) => {
      if (level === 'warn') warnings.push(`${message} ${JSON.stringify(fields ?? {})}`);
    },
  });
  const client = (h: string): FakeDemoClient => clients.get(h) as FakeDemoClient;
  const phase = (h: string) => controller.status().find((b) => b.handle === h)?.phase;
  /** Advance time in small steps, letting promise callbacks run in between. */
  const run = async (ms: number, step = 50): Promise<void> => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  };
  return { clock, controller, client, phase, run, warnings };
}

function failure(code: string): Error & { code: string } {
  return Object.assign(new Error(code), { code });
}

function message(conversationId: string, sender: string, text: string): DomainEvent {
  return {
    type: 'message.received',
    message: { id: 'x', conversationId, direction: 'incoming', sender, senderName: sender, text, format: null, timestamp: 0, delivery: 'delivered' },
  };
}

describe('demo schedule (manual clock)', () => {
  it('signs the cast in at staggered times within 10 s, each with its status and personal message', async () => {
    const w = world();
    await w.run(950);
    expect(w.controller.status().map((b) => b.phase)).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    await w.run(100);
    expect(w.phase(ADA)).toBe('online');
    expect(w.client(ADA).calls.slice(0, 2)).toEqual([
      { op: 'signIn', status: 'online' },
      { op: 'setPersonalMessage', text: 'Compiling my thoughts... (C)' },
    ]);
    await w.run(1_500);
    expect(w.phase(GRACE)).toBe('online');
    expect(w.phase(LINUS)).toBe('waiting');
    await w.run(2_500);
    expect(w.phase(LINUS)).toBe('online');
    expect(w.client(LINUS).calls[0]).toEqual({ op: 'signIn', status: 'away' });
    await w.run(3_000);
    expect(w.phase(ROSA)).toBe('online');
    await w.controller.stop();
  });

  it('changes status and personal message on a schedule, cycling through the moods', async () => {
    const w = world();
    await w.run(1_050); // Ada online at 1 000
    await w.run(25_000); // first mood after moodMinMs
    expect(w.client(ADA).calls.filter((c) => c.op === 'setStatus' || c.op === 'setPersonalMessage').slice(1)).toEqual([
      { op: 'setStatus', status: 'away' },
      { op: 'setPersonalMessage', text: 'Making tea, back in five' },
    ]);
    await w.run(25_000);
    expect(w.client(ADA).calls.filter((c) => c.op === 'setStatus').map((c) => (c as { status: string }).status)).toEqual(['away', 'online']);
    await w.controller.stop();
  });

  it('retries a failed sign-in with a doubling delay, and gives up on a wrong password', async () => {
    const w = world({ fail: { [ADA]: [failure('server-unreachable'), failure('server-unreachable')], [GRACE]: [failure('wrong-password')] } });
    await w.run(1_050);
    expect(w.phase(ADA)).toBe('retrying');
    await w.run(2_000); // 2 s later: second try, fails
    expect(w.client(ADA).ops().filter((o) => o === 'signIn')).toHaveLength(2);
    await w.run(2_000); // 4 s after that: third try
    expect(w.phase(ADA)).toBe('retrying');
    await w.run(2_000);
    expect(w.phase(ADA)).toBe('online');
    expect(w.client(ADA).ops().filter((o) => o === 'signIn')).toHaveLength(3);

    expect(w.phase(GRACE)).toBe('failed');
    await w.run(120_000, 1_000);
    expect(w.client(GRACE).ops()).toEqual(['signIn']);
    expect(w.warnings.some((m) => m.includes(GRACE) && m.includes('giving up'))).toBe(true);
    expect(w.warnings.join('\n')).not.toContain('pw-');
    await w.controller.stop();
  });

  it('signs in again when the client gives up after being online', async () => {
    const w = world();
    await w.run(1_050);
    const ada = w.client(ADA);
    ada.state = { status: 'signed-out', error: { code: 'server-unreachable', message: 'gone' } };
    ada.emit({ type: 'connection.changed', state: ada.state });
    expect(w.phase(ADA)).toBe('retrying');
    await w.run(2_050);
    expect(w.phase(ADA)).toBe('online');
    expect(ada.ops().filter((o) => o === 'signIn')).toHaveLength(2);
    await w.controller.stop();
  });

  it('answers with a typing notice first, then brings a second contact in, once', async () => {
    const w = world();
    await w.run(8_050);
    const ada = w.client(ADA);
    ada.conversationsById.set('c-user', { id: 'c-user', participants: [{ handle: USER, friendlyName: 'Demo User' }], startedBy: USER, startedAt: 0 });
    ada.calls.length = 0;
    ada.emit(message('c-user', USER, 'is the demo working?'));
    await w.run(550);
    expect(ada.calls).toEqual([]);
    await w.run(100); // read for 600 ms (minimum)
    expect(ada.calls).toEqual([{ op: 'typing', id: 'c-user' }]);
    await w.run(1_650); // typed at 35 ms a character (46)
    const sent = ada.calls.at(-1) as { op: string; text: string };
    expect(sent.op).toBe('send');
    expect(DEMO_CAST[0]?.lines.question).toContain(sent.text);

    // A second message from another demo contact is ignored.
    ada.calls.length = 0;
    ada.emit(message('c-user', GRACE, 'hi'));
    // 3 s after the answer: "let me add Linus", then the invitation.
    await w.run(3_000);
    expect(ada.calls).toEqual([
      { op: 'send', id: 'c-user', text: 'Oh, Linus is online too, let me add them to this chat!' },
      { op: 'invite', id: 'c-user', handle: LINUS },
    ]);

    // Another one-to-one chat later: answered, but no second invitation.
    ada.conversationsById.set('c-2', { id: 'c-2', participants: [{ handle: USER, friendlyName: 'Demo User' }], startedBy: USER, startedAt: 0 });
    ada.calls.length = 0;
    ada.emit(message('c-2', USER, 'hello again'));
    await w.run(10_000);
    expect(ada.ops()).toEqual(['typing', 'send']);
    await w.controller.stop();
  });

  it('plays the guest: hello, goodbye after a while, then leaves', async () => {
    const w = world();
    await w.run(8_050);
    const linus = w.client(LINUS);
    linus.calls.length = 0;
    const conv = { id: 'g', participants: [{ handle: ADA, friendlyName: 'Ada Quill' }, { handle: USER, friendlyName: 'Demo User' }], startedBy: ADA, startedAt: 0 };
    linus.conversationsById.set('g', conv);
    linus.emit({ type: 'conversation.started', conversation: conv });
    const speech = () => linus.calls.filter((c) => c.op === 'typing' || c.op === 'send' || c.op === 'close');
    await w.run(1_450);
    expect(speech()).toEqual([]);
    await w.run(1_650); // hello after 1.5 s, typed in 1.5 s (43 characters)
    expect(speech()).toEqual([
      { op: 'typing', id: 'g' },
      { op: 'send', id: 'g', text: 'Hi. Ada pulled me in here, what did I miss?' },
    ]);
    // Not named: the guest stays quiet. Named: it answers.
    linus.emit(message('g', USER, 'nice weather'));
    await w.run(5_000);
    expect(speech()).toHaveLength(2);
    linus.emit(message('g', USER, 'Linus, thanks!'));
    await w.run(2_000);
    expect(speech().at(-1)).toEqual({ op: 'send', id: 'g', text: 'np' });
    // 45 s after the hello: goodbye …
    await w.run(40_000);
    expect(speech().at(-1)).toEqual({ op: 'send', id: 'g', text: 'Build finished, got to check it. Later!' });
    // … and 2 s later it leaves.
    await w.run(2_000);
    expect(speech().at(-1)).toEqual({ op: 'close', id: 'g' });
    await w.controller.stop();
  });

  it('nudges the user once, some seconds after both are online', async () => {
    const w = world();
    await w.run(2_550);
    const grace = w.client(GRACE);
    grace.calls.length = 0;
    grace.setUserOnline(USER, 'online');
    await w.run(3_950);
    expect(grace.calls).toEqual([]);
    await w.run(100);
    expect(grace.ops()).toEqual(['start', 'send', 'nudge']);
    grace.setUserOnline(USER, 'offline');
    grace.setUserOnline(USER, 'online');
    await w.run(10_000);
    expect(grace.ops().filter((o) => o === 'nudge')).toHaveLength(1);
    // Nobody else nudges.
    for (const h of [ADA, LINUS, ROSA]) {
      w.client(h).setUserOnline(USER, 'online');
    }
    await w.run(10_000);
    for (const h of [ADA, LINUS, ROSA]) expect(w.client(h).ops()).not.toContain('nudge');
    await w.controller.stop();
  });

  it('survives a throwing client call inside an event, and stop() leaves no timer and signs everyone out', async () => {
    const w = world();
    await w.run(8_050);
    const ada = w.client(ADA);
    ada.conversations.get = () => {
      throw new Error('boom');
    };
    expect(() => ada.emit(message('c', USER, 'hi'))).not.toThrow();
    expect(w.warnings.some((m) => m.includes('handling message.received failed') && m.includes('boom'))).toBe(true);

    expect(w.clock.pending).toBeGreaterThan(0);
    await w.controller.stop();
    await w.controller.stop(); // idempotent
    expect(w.clock.pending).toBe(0);
    for (const h of [ADA, GRACE, LINUS, ROSA]) {
      expect(w.client(h).ops().filter((o) => o === 'signOut')).toHaveLength(1);
      expect(w.phase(h)).toBe('stopped');
    }
    // Events after stop() do nothing.
    ada.emit(message('c', USER, 'hello?'));
    await w.run(10_000);
    expect(w.clock.pending).toBe(0);
  });
});
