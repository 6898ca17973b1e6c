/**
 * File transfers (issue 11), so a window that opens late (or reloads) shows every offer, progress
 * bar and finished file of the session. The backend sends a transfer whole on every state change
 * and only the byte count in between; the projection adds when bytes started moving and when they
 * were last counted (the window works out speed and time left from them).
 */
import type { AppEvent } from '../events';
import { FINAL_TRANSFER_STATE_INFOS, type TransferView } from '../files';

export interface TransfersSlice {
  /** By id, in the order they appeared. */
  readonly byId: Readonly<Record<string, TransferView>>;
}

export const initialTransfers: TransfersSlice = { byId: {} };

/** Finished transfers kept beyond this many are dropped, oldest first (bounded memory). */
export const MAX_KEPT_FINISHED_TRANSFERS = 200;

function dropOldFinished(byId: Record<string, TransferView>): Record<string, TransferView> {
  const finished = Object.values(byId).filter((t) => FINAL_TRANSFER_STATE_INFOS.has(t.state));
  if (finished.length <= MAX_KEPT_FINISHED_TRANSFERS) return byId;
  const out = { ...byId };
  for (const t of finished.slice(0, finished.length - MAX_KEPT_FINISHED_TRANSFERS)) delete out[t.id];
  return out;
}

export function reduceTransfers(state: TransfersSlice, event: AppEvent, at: number): TransfersSlice {
  switch (event.type) {
    case 'transfer.changed': {
      const before = state.byId[event.transfer.id];
      const moving = event.transfer.state === 'transferring' || event.transfer.state === 'completed';
      const view: TransferView = {
        ...event.transfer,
        startedAt: before?.startedAt ?? (moving ? at : null),
        progressAt: event.transfer.bytes !== (before?.bytes ?? 0) ? at : (before?.progressAt ?? null),
      };
      return { byId: dropOldFinished({ ...state.byId, [view.id]: view }) };
    }
    case 'transfer.progress': {
      const before = state.byId[event.id];
      if (!before || FINAL_TRANSFER_STATE_INFOS.has(before.state)) return state;
      return { byId: { ...state.byId, [event.id]: { ...before, bytes: event.bytes, startedAt: before.startedAt ?? at, progressAt: at } } };
    }
    // Another account's transfers are not this one's.
    case 'sign-in.started':
      return Object.keys(state.byId).length === 0 ? state : initialTransfers;
    default:
      return state;
  }
}
