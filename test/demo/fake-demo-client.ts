/**
 * A stand-in for the MSN client in the demo's schedule tests: records what the bot does, signs in
 * as scripted, and lets the test emit domain events. No sockets.
 */
import type { ChatMessage, ConnectionState, Contact, Conversation, DomainEvent, Group, MyStatus, SelfProfile } from '../../shared/model';
import type { Dialect } from '../../shared/msnp';
import type { DemoClient } from '../../electron/core/demo';
import type { Credentials } from '../../electron/core/msn/client';

export type Call =
  | { op: 'signIn'; status: MyStatus | undefined }
  | { op: 'signOut' }
  | { op: 'setStatus'; status: MyStatus }
  | { op: 'setPersonalMessage'; text: string }
  | { op: 'start'; handles: readonly string[] }
  | { op: 'send'; id: string; text: string }
  | { op: 'typing'; id: string }
  | { op: 'nudge'; id: string }
  | { op: 'invite'; id: string; handle: string }
  | { op: 'close'; id: string };

export class FakeDemoClient implements DemoClient {
  readonly calls: Call[] = [];
  /** Outcomes of the next sign-ins, in order; empty = success. */
  readonly signInResults: (Error & { code?: string })[] = [];
  state: ConnectionState = { status: 'signed-out' };
  dialect: Dialect | undefined;
  private readonly listeners = new Set<(e: DomainEvent) => void>();
  profile: SelfProfile = { handle: '', friendlyName: '', personalMessage: '', currentMedia: null, status: 'online' };
  readonly conversationsById = new Map<string, Conversation>();
  readonly contactsByHandle = new Map<string, Contact>();
  private seq = 0;

  constructor(readonly handle: string) {}

  async signIn(credentials: Credentials): Promise<void> {
    this.calls.push({ op: 'signIn', status: credentials.status });
    const failure = this.signInResults.shift();
    if (failure !== undefined) throw failure;
    this.state = { status: 'online', protocol: 'MSNP12' };
    this.dialect = 12;
  }

  async signOut(): Promise<void> {
    this.calls.push({ op: 'signOut' });
    this.state = { status: 'signed-out' };
  }

  onEvent(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DomainEvent): void {
    for (const l of this.listeners) l(event);
  }

  readonly self = new FakeSelf(this);

  readonly contacts = {
    get: (handle: string) => this.contactsByHandle.get(handle),
    groups: (): Group[] => [],
    add: async (): Promise<Contact> => {
      throw new Error('not used');
    },
    createGroup: async (): Promise<Group> => {
      throw new Error('not used');
    },
  };

  readonly conversations = {
    start: (handles: readonly string[]): Conversation => {
      this.calls.push({ op: 'start', handles });
      const c: Conversation = { id: `c${++this.seq}`, participants: handles.map((h) => ({ handle: h, friendlyName: h })), startedBy: 'me', startedAt: 0 };
      this.conversationsById.set(c.id, c);
      return c;
    },
    get: (id: string) => this.conversationsById.get(id),
    send: (id: string, text: string): ChatMessage => {
      this.calls.push({ op: 'send', id, text });
      return { id: `m${++this.seq}`, conversationId: id, direction: 'outgoing', sender: this.handle, senderName: this.handle, text, format: null, timestamp: 0, delivery: 'sending' };
    },
    typing: (id: string) => {
      this.calls.push({ op: 'typing', id });
      return true;
    },
    nudge: (id: string) => {
      this.calls.push({ op: 'nudge', id });
    },
    invite: async (id: string, handle: string) => {
      this.calls.push({ op: 'invite', id, handle });
    },
    close: (id: string) => {
      this.calls.push({ op: 'close', id });
      return this.conversationsById.delete(id);
    },
  };

  setUserOnline(userHandle: string, status: Contact['status']): void {
    this.contactsByHandle.set(userHandle, {
      handle: userHandle,
      friendlyName: 'Demo User',
      personalMessage: '',
      currentMedia: null,
      status,
      groupIds: [],
      lists: { forward: true, allow: true, block: false, reverse: true, pending: false },
    });
    this.emit({ type: 'presence.changed', handle: userHandle, status, friendlyName: 'Demo User' });
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

class FakeSelf {
  constructor(private readonly owner: FakeDemoClient) {}

  get self(): SelfProfile {
    return this.owner.profile;
  }

  async setStatus(status: MyStatus): Promise<void> {
    this.owner.calls.push({ op: 'setStatus', status });
    this.owner.profile = { ...this.owner.profile, status };
  }

  async setPersonalMessage(text: string): Promise<void> {
    this.owner.calls.push({ op: 'setPersonalMessage', text });
    this.owner.profile = { ...this.owner.profile, personalMessage: text };
  }
}
