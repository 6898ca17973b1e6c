import { describe, expect, it } from 'vitest';
import { DEMO_CAST } from './cast';
import { classifyMessage, composeNudgeReply, composeReply, fillIn, pick, seededRandom, typingTime } from './replies';

const ada = (DEMO_CAST[0] as (typeof DEMO_CAST)[number]).lines;

describe('demo replies', () => {
  it('classifies what the user wrote', () => {
    expect(classifyMessage('hi!')).toBe('greeting');
    expect(classifyMessage('Hello there')).toBe('greeting');
    expect(classifyMessage('Hi Ada! How are you?')).toBe('howAreYou');
    expect(classifyMessage("what's up")).toBe('howAreYou');
    expect(classifyMessage('thanks a lot')).toBe('thanks');
    expect(classifyMessage('ok bye')).toBe('bye');
    expect(classifyMessage('haha that is good')).toBe('laugh');
    expect(classifyMessage('lol')).toBe('laugh');
    expect(classifyMessage('help me please')).toBe('help');
    expect(classifyMessage('is it raining?')).toBe('question');
    expect(classifyMessage('I like trains')).toBe('fallback');
    expect(classifyMessage('')).toBe('fallback');
    // Words inside words do not count.
    expect(classifyMessage('ship it')).toBe('fallback');
    expect(classifyMessage('thigh')).toBe('fallback');
  });

  it('picks from the right section, reproducibly, without repeating itself', () => {
    const a = composeReply(ada, 'is it raining?', seededRandom(3));
    expect(ada.question).toContain(a);
    expect(composeReply(ada, 'is it raining?', seededRandom(3))).toBe(a);
    const recent: string[] = [];
    for (let i = 0; i < ada.question.length; i++) {
      const r = composeReply(ada, 'really?', seededRandom(7), recent);
      expect(recent).not.toContain(r);
      recent.push(r);
    }
    // All used: it may repeat rather than fall silent.
    expect(ada.question).toContain(composeReply(ada, 'really?', seededRandom(7), recent));
    expect(ada.nudged).toContain(composeNudgeReply(ada, seededRandom(1)));
  });

  it('survives odd random sources', () => {
    const xs = ['a', 'b', 'c'];
    expect(pick(xs, () => 0)).toBe('a');
    expect(pick(xs, () => 0.9999)).toBe('c');
    expect(pick(xs, () => 1)).toBe('c');
    expect(pick(xs, () => -5)).toBe('a');
    expect(pick(xs, () => Number.NaN)).toBe('a');
    expect(() => pick([], () => 0)).toThrow(RangeError);
  });

  it('fills in placeholders and times typing', () => {
    expect(fillIn('{inviter} pulled me in, {who}?', { inviter: 'Ada' })).toBe('Ada pulled me in, {who}?');
    expect(typingTime('x'.repeat(10), 35, 1000, 3500)).toBe(1000);
    expect(typingTime('x'.repeat(50), 35, 1000, 3500)).toBe(1750);
    expect(typingTime('x'.repeat(500), 35, 1000, 3500)).toBe(3500);
  });

  it('has a complete, original cast', () => {
    expect(new Set(DEMO_CAST.map((c) => c.handle)).size).toBe(DEMO_CAST.length);
    expect(DEMO_CAST.filter((c) => c.nudgesUser === true)).toHaveLength(1);
    for (const c of DEMO_CAST) {
      expect(DEMO_CAST.some((o) => o.handle === c.partner && o !== c)).toBe(true);
      for (const [section, items] of Object.entries(c.lines)) expect(items.length, `${c.handle} ${section}`).toBeGreaterThan(0);
      expect(c.onlineAtMs).toBeLessThanOrEqual(10_000);
      expect(c.moods.some((m) => m.status !== 'online')).toBe(true);
    }
  });
});
