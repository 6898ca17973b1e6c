/** The MSN client's public surface (see README.md). */
export { MsnClient, type MsnClientOptions, type Credentials } from './client';
export { SignInFailure, OperationFailure } from './errors';
export { MemoryListCache, listCacheKey, type ListCache, type CachedContactList, type CachedContact } from './list-cache';
export type { ServerProfile } from './server-profile';
export type { TrafficEntry, TrafficTap } from './traffic';
export type { ReconnectPolicyOptions } from './reconnect';
export type { Clock } from './clock';
export type { SocketFactory } from './connection';
