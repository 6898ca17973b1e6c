// The typed-command API. common.ts's parameter readers stay internal; only its shared value types
// and the host:port helpers are public.
export {
  LIST_BITS,
  formatHostPort,
  parseHostPort,
  type HostPort,
  type ListName,
  type OnlineState,
  type PresenceState,
  type Result,
} from './common';
export * from './session';
export * from './lists';
export * from './presence';
export * from './switchboard';
export * from './typed';
