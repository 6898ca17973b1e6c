/** Messages between the benchmark (parent) and server-child.ts over the IPC channel. */

export type ChildRequest =
  | {
      readonly type: 'createAccounts';
      readonly prefix: string;
      readonly domain: string;
      readonly password: string;
      readonly from: number;
      readonly count: number;
      /** How many `accounts.add` calls may be in flight (they may be asynchronous). */
      readonly concurrency: number;
    }
  | { readonly type: 'memory' }
  /** Start the V8 CPU profiler in the server process (node:inspector). */
  | { readonly type: 'profileStart' }
  /** Stop it and write the profile to `file`. */
  | { readonly type: 'profileStop'; readonly file: string }
  | { readonly type: 'stop' };

export interface ServerMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Whether two full GCs ran first (the child has --expose-gc). */
  readonly collected: boolean;
}

export type ChildReply =
  | {
      readonly type: 'ready';
      readonly host: string;
      readonly nsPort: number;
      readonly sbPort: number;
      readonly httpPort: number;
      readonly nexusUrl: string;
    }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'accountsCreated'; readonly created: number; readonly reused: number; readonly seconds: number }
  | ({ readonly type: 'memory' } & ServerMemory)
  | { readonly type: 'profileStarted' }
  | { readonly type: 'profileWritten'; readonly file: string }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };
