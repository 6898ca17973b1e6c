/**
 * One store per window (ARCHITECTURE.md §6), built from slices: session, contacts and
 * conversations are the projection of the backend's events (the same pure reducers the backend
 * uses for its snapshot, shared/ipc/projection), views holds what the history and console views
 * asked the backend for, ui is this window's own.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialAppState, reduceApp, type AppSnapshot, type AppState, type SequencedEvent } from '../../shared/ipc';
import { initialUi, noteNudge, type UiSlice } from './ui-slice';
import { initialViews, type ViewsSlice } from './views-slice';

export interface StoreState extends AppState {
  /** Sequence number of the last event applied. */
  readonly seq: number;
  /** The first snapshot has arrived. */
  readonly ready: boolean;
  readonly ui: UiSlice;
  readonly views: ViewsSlice;
  applySnapshot(snapshot: AppSnapshot): void;
  applyEvents(events: readonly SequencedEvent[]): void;
  updateUi(f: (ui: UiSlice) => UiSlice): void;
  updateViews(f: (views: ViewsSlice) => ViewsSlice): void;
}

export type AppStore = StoreApi<StoreState>;

export function createAppStore(initial: Partial<Pick<StoreState, 'seq' | 'ready' | 'ui'> & AppState> = {}): AppStore {
  return createStore<StoreState>()((set) => ({
    ...initialAppState,
    seq: 0,
    ready: false,
    ui: initialUi,
    views: initialViews,
    ...initial,
    applySnapshot: (snapshot) => set({ ...snapshot.state, seq: snapshot.seq, ready: true }),
    applyEvents: (events) =>
      set((s) => {
        let app: AppState = s;
        let ui = s.ui;
        let seq = s.seq;
        for (const e of events) {
          if (e.seq <= seq) continue; // already in the snapshot
          seq = e.seq;
          app = reduceApp(app, e);
          if (e.event.type === 'nudge.received') ui = noteNudge(ui, e.event.conversationId);
        }
        if (seq === s.seq) return s;
        return { session: app.session, contacts: app.contacts, conversations: app.conversations, desktop: app.desktop, pictures: app.pictures, transfers: app.transfers, emoticons: app.emoticons, ui, seq };
      }),
    updateUi: (f) => set((s) => ({ ui: f(s.ui) })),
    updateViews: (f) => set((s) => ({ views: f(s.views) })),
  }));
}
