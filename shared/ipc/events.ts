/**
 * Events a window receives: the client's domain events unchanged (ARCHITECTURE.md §4, §5), plus
 * the few the app itself adds on top of the client.
 */
import type { DomainEvent } from '../model';

export interface AppEventMap {
  /** I nudged a conversation (the transcript notes "You have just sent a nudge."). */
  'nudge.sent': { readonly conversationId: string; readonly at: number };
  /** A sign-in attempt started; `handle` is who is signing in. */
  'sign-in.started': { readonly handle: string; readonly at: number };
}

export type AppOnlyEvent = { [K in keyof AppEventMap]: { readonly type: K } & AppEventMap[K] }[keyof AppEventMap];

export type AppEvent = DomainEvent | AppOnlyEvent;
export type AppEventType = AppEvent['type'];
