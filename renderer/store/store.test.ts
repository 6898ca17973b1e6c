import { describe, expect, it } from 'vitest';
import { initialAppState, type SequencedEvent } from '../../shared/ipc';
import { createAppStore } from './index';

const nudge = (seq: number): SequencedEvent => ({ seq, at: seq, event: { type: 'nudge.received', conversationId: 'c1', handle: 'b@x', at: seq } });

describe('window store', () => {
  it('drops events the snapshot already reflects, and counts nudges to shake for', () => {
    const store = createAppStore();
    const started: SequencedEvent = {
      seq: 3,
      at: 3,
      event: { type: 'conversation.started', conversation: { id: 'c1', participants: [], startedBy: 'me', startedAt: 0 } },
    };
    store.getState().applySnapshot({ seq: 2, state: initialAppState });
    expect(store.getState().ready).toBe(true);
    store.getState().applyEvents([nudge(1), nudge(2), started, nudge(4)]);
    expect(store.getState().seq).toBe(4);
    expect(store.getState().ui.shakes).toEqual({ c1: 1 });
    expect(store.getState().conversations.conversations.c1?.entries).toHaveLength(1);
    const before = store.getState();
    store.getState().applyEvents([nudge(4)]);
    expect(store.getState()).toBe(before);
  });
});
