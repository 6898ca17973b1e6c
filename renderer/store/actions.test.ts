/**
 * The history and console actions: what the backend answers goes into the store (views), the
 * views only read it. A fake transport stands in for the backend.
 */
import { describe, expect, it } from 'vitest';
import { buildApi, ok, type CommandName, type HistoryConversationInfo, type Result } from '../../shared/ipc';
import { createActions } from './actions';
import { createAppStore } from './index';

type Answer = (input: Record<string, unknown>) => Result<unknown> | Promise<Result<unknown>>;

function setUp(answers: Partial<Record<CommandName, Answer>>) {
  const calls: { name: CommandName; input: unknown }[] = [];
  const api = buildApi('web', {
    invoke: async (name, input) => {
      calls.push({ name, input });
      const answer = answers[name];
      return answer ? answer(input as Record<string, unknown>) : ok(null);
    },
    subscribe: () => () => undefined,
  });
  const store = createAppStore();
  return { store, actions: createActions(api, store), calls };
}

const log = (id: number): HistoryConversationInfo =>
  ({ id, account: 'me@x', kind: 'one-to-one', key: `p${id}@x`, participants: [], startedAt: 1, lastActivityAt: 2, entryCount: 1, snippet: null }) as unknown as HistoryConversationInfo;

describe('history and console actions', () => {
  it('keep the history view’s data in the store: list, open log, delete (then list again)', async () => {
    let logs = [log(1), log(2)];
    const { store, actions, calls } = setUp({
      historyList: () => ok(logs),
      historyRecent: ({ historyId }) => ok({ conversation: logs.find((l) => l.id === historyId), entries: [], hasMore: false, cursor: null }),
      historyDelete: ({ historyId }) => {
        logs = logs.filter((l) => l.id !== historyId);
        return ok(null);
      },
    });
    await actions.loadHistory();
    expect(store.getState().views.history.conversations?.map((c) => c.id)).toEqual([1, 2]);
    await actions.openHistory(2);
    expect(store.getState().views.history.open).toMatchObject({ conversation: { id: 2 }, highlight: null });
    expect(await actions.deleteOpenHistory()).toBe(true);
    expect(calls.find((c) => c.name === 'historyDelete')?.input).toEqual({ historyId: 2 });
    expect(store.getState().views.history.open).toBeNull();
    expect(store.getState().views.history.conversations?.map((c) => c.id)).toEqual([1]);
  });

  it('keeps the latest search’s results when an older search answers last', async () => {
    let releaseOld: () => void = () => undefined;
    const { store, actions } = setUp({
      historySearch: ({ query }) =>
        query === 'old'
          ? new Promise((r) => (releaseOld = () => r(ok([{ entryId: 1 }]))))
          : ok([{ entryId: 2 }]),
    });
    const older = actions.searchHistory('old');
    await actions.searchHistory(' new ');
    releaseOld();
    await older;
    expect(store.getState().views.history.search).toEqual({ query: 'new', hits: [{ entryId: 2 }] });
  });

  it('polls the console from the last entry it has, and clears it', async () => {
    const { store, actions, calls } = setUp({
      consoleEntries: ({ sinceSeq }) =>
        ok({ entries: sinceSeq === 0 ? [{ seq: 1, line: 'VER 1' }, { seq: 2, line: 'CVR 2' }] : [{ seq: 3, line: 'USR 3' }], dropped: false }),
    });
    await actions.pollConsole();
    await actions.pollConsole();
    expect(calls.filter((c) => c.name === 'consoleEntries').map((c) => c.input)).toEqual([{ sinceSeq: 0 }, { sinceSeq: 2 }]);
    expect(store.getState().views.console.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    actions.clearConsole();
    expect(store.getState().views.console).toEqual({ entries: [], lastSeq: 3 });
    expect(calls.at(-1)?.name).toBe('consoleClear');
  });
});
