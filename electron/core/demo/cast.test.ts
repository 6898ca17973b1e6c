import { describe, expect, it } from 'vitest';
import { DEMO_CAST } from './cast';

/** Every line a demo contact can say. */
function allLines(): string[] {
  return DEMO_CAST.flatMap((c) => [c.personalMessage, ...(c.nudgeLine !== undefined ? [c.nudgeLine] : []), ...c.moods.map((m) => m.personalMessage), ...Object.values(c.lines).flat()]);
}

describe('demo cast', () => {
  it('says what it does instead of writing stage directions ("*nudge*"): the nudge itself is sent', () => {
    const directions = allLines().filter((l) => /\*[a-z ]+\*/i.test(l));
    expect(directions).toEqual([]);
    expect(DEMO_CAST.some((c) => c.nudgesUser === true)).toBe(true);
  });
});
