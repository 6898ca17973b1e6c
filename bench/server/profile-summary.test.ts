import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './profile-summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary', () => {
  it('attributes self and inclusive time, counting a recursive function once per sample', () => {
    // root → a → b → a (recursion); root → (idle)
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5] },
        { id: 2, callFrame: frame('a', 'file:///repo/server/x.ts', 9), children: [3] },
        { id: 3, callFrame: frame('b', 'file:///repo/server/y.ts', 0), children: [4] },
        { id: 4, callFrame: frame('a', 'file:///repo/server/x.ts', 9) },
        { id: 5, callFrame: frame('(idle)') },
      ],
      startTime: 0,
      endTime: 1000,
      samples: [4, 3, 2, 5],
      timeDeltas: [400, 300, 200, 100],
    };
    const s = summarizeProfile(profile, 10, '/repo');
    expect(s.totalMs).toBe(1);
    expect(s.idlePercent).toBe(10);
    expect(s.bySelf.find((r) => r.name === 'a server/x.ts:10')?.percent).toBe(60);
    expect(s.bySelf.find((r) => r.name === 'b server/y.ts:1')?.percent).toBe(30);
    expect(s.byTotal.find((r) => r.name === 'a server/x.ts:10')?.percent).toBe(90);
    expect(s.byTotal.find((r) => r.name === 'b server/y.ts:1')?.percent).toBe(70);
    expect(s.byFile[0]).toMatchObject({ name: 'server/x.ts', percent: 60 });
  });
});
