// The typed-command API. common.ts's parameter readers stay internal; only its shared value types,
// the host:port helpers and `verbatim` (a relayed wire token) are public.
export {
  LIST_BITS,
  formatHostPort,
  parseHostPort,
  verbatim,
  type HostPort,
  type ListName,
  type OnlineState,
  type PresenceState,
  type SignedInState,
  type Result,
  type Verbatim,
} from './common';
export * from './session';
export * from './lists';
export * from './presence';
export * from './switchboard';
export * from './sso';
export * from './ml';
export * from './endpoint';
export * from './typed';
