/**
 * The slice of the MSN client the demo uses, and how a demo client is made. The demo contacts are
 * ordinary MsnClients (the same client API the app uses); the narrow interface lets unit tests put
 * a fake in their place.
 */
import type { ChatMessage, ConnectionState, Contact, Conversation, DomainEvent, Group, MyStatus, SelfProfile, TextFormat } from '../../../shared/model';
import type { Dialect } from '../../../shared/msnp';
import type { Clock } from '../msn/clock';
import { MsnClient, type Credentials } from '../msn/client';

/** Where the local server listens (what `startServer` / the local-server launcher report). */
export interface DemoServer {
  readonly host: string;
  readonly nsPort: number;
  /** Needed for MSNP8+ (Passport) sign-in; without it the clients use MSNP7 or older. */
  readonly nexusUrl?: string;
  /** Pin one dialect (tests); default: the newest the server offers (MSNP12). */
  readonly dialect?: Dialect;
}

export interface DemoClient {
  readonly state: ConnectionState;
  readonly dialect: Dialect | undefined;
  signIn(credentials: Credentials): Promise<void>;
  signOut(): Promise<void>;
  onEvent(listener: (event: DomainEvent) => void): () => void;
  readonly self: {
    readonly self: SelfProfile;
    setStatus(status: MyStatus): Promise<void>;
    setPersonalMessage(text: string): Promise<void>;
  };
  readonly contacts: {
    get(handle: string): Contact | undefined;
    groups(): Group[];
    add(handle: string, options?: { friendlyName?: string; groupId?: string }): Promise<Contact>;
    createGroup(name: string): Promise<Group>;
  };
  /** Display pictures (MSNP9+); a fake may have none. */
  readonly pictures?: {
    setMine(bytes: Uint8Array | null): Promise<unknown>;
  };
  readonly conversations: {
    start(handles: readonly string[]): Conversation;
    get(id: string): Conversation | undefined;
    send(id: string, text: string, format?: TextFormat | null): ChatMessage;
    typing(id: string): boolean;
    nudge(id: string): void;
    invite(id: string, handle: string): Promise<void>;
    close(id: string): boolean;
  };
}

export type DemoClientFactory = (server: DemoServer) => DemoClient;

export type DemoLog = (level: 'info' | 'warn', message: string, fields?: Readonly<Record<string, unknown>>) => void;

export const silentDemoLog: DemoLog = () => undefined;

/** Sign-in dialect range for a demo client: personal messages need MSNP11+, MD5 login ≤ 7. */
function dialects(server: DemoServer): { min: Dialect; max: Dialect } | undefined {
  if (server.dialect !== undefined) return { min: server.dialect, max: server.dialect };
  return server.nexusUrl === undefined ? { min: 2, max: 7 } : undefined;
}

/** A real MsnClient for a demo contact. `clock` drives its timers too (keep-alive, timeouts). */
export function msnClientFactory(clock?: Clock): DemoClientFactory {
  return (server) => {
    const range = dialects(server);
    return new MsnClient({
      server: {
        host: server.host,
        port: server.nsPort,
        ...(server.nexusUrl !== undefined ? { nexusUrl: server.nexusUrl } : {}),
        ...(range !== undefined ? { dialects: range } : {}),
      },
      ...(clock !== undefined ? { clock } : {}),
      // A dropped link comes back quickly: the server is on this computer.
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000, shutdownDelayMs: 5_000 },
      // A typing notice before every reply, not one per 5 s.
      conversations: { typingIntervalMs: 500 },
    });
  };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
