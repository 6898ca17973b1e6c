/**
 * Switchboard sessions (MSNP.md §6), protocol-free: cookies, sessions, participants, invitations.
 *
 * - A caller cookie (`XFR SB`) and an invitation cookie (`RNG`) each admit exactly one
 *   connection, for the handle they were issued to, before they expire (MSNP.md §6.1, §6.2).
 * - A session lives while it has a participant or an unexpired invitation.
 * - Participants + pending invitations never exceed the configured cap.
 *
 * `G` is what the front stores with a cookie (the holder's dialect, caps, name); the hub never
 * looks inside it.
 */
import { sbCookie, sessionId } from './random';
import { fail } from './errors';

export interface Participant {
  readonly handle: string;
  /** Someone joined: `JOI` (MSNP.md §6.3). */
  joined(p: Participant): void;
  /** Someone left: `BYE handle` (or `BYE handle 1` when the server removed them for idling). */
  left(handle: string, idle: boolean): void;
  /**
   * Relay one message, already serialised (the same bytes go to every other participant); false
   * when it could not be delivered (connection gone or saturated).
   */
  deliver(from: Participant, bytes: Uint8Array): boolean;
}

interface Grant<G> {
  readonly handle: string;
  readonly expires: number;
  readonly context: G;
  /** Set for invitations: the session the cookie admits into. */
  readonly session: Session | undefined;
}

export class Session {
  readonly participants: Participant[] = [];
  /** Invited handles → cookie, until they answer or the cookie expires. */
  readonly pending = new Map<string, string>();

  constructor(readonly id: string) {}

  has(handle: string): boolean {
    return this.participants.some((p) => p.handle === handle);
  }
}

export interface SwitchboardOptions {
  readonly maxParticipants: number;
  readonly cookieLifetimeMs: number;
  readonly inviteLifetimeMs: number;
  readonly now?: () => number;
}

export class SwitchboardHub<G> {
  private readonly grants = new Map<string, Grant<G>>();
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly o: SwitchboardOptions) {
    this.now = o.now ?? Date.now;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** `XFR SB`: a cookie that lets `handle` open a new session. */
  issueCallerCookie(handle: string, context: G): string {
    this.sweep();
    const cookie = sbCookie();
    this.grants.set(cookie, { handle, context, expires: this.now() + this.o.cookieLifetimeMs, session: undefined });
    return cookie;
  }

  /** A new empty session, for a caller whose cookie was checked elsewhere (a cluster's signed cookie). */
  openSession(): Session {
    let id = sessionId();
    while (this.sessions.has(id)) id = sessionId();
    const session = new Session(id);
    this.sessions.set(id, session);
    return session;
  }

  /** The cookie of `handle`'s pending invitation into session `id`, if any (a cluster's remote invitation). */
  pendingCookie(id: string, handle: string): string | undefined {
    return this.sessions.get(id)?.pending.get(handle);
  }

  /** Withdraws `handle`'s pending invitation (the invitee turned out to be unreachable). */
  cancelInvite(session: Session, handle: string): void {
    const cookie = session.pending.get(handle);
    if (cookie === undefined) return;
    session.pending.delete(handle);
    this.grants.delete(cookie);
    this.dropIfEmpty(session);
  }

  /** SB `USR handle cookie`: a new session with the caller in it, or undefined (bad cookie). */
  redeemCallerCookie(cookie: string, handle: string): { session: Session; context: G } | undefined {
    const g = this.take(cookie, handle);
    if (g === undefined || g.session !== undefined) return undefined;
    return { session: this.openSession(), context: g.context };
  }

  /** `CAL`: reserve a seat for `invitee` and make its cookie. Errors: already-there, session-full. */
  invite(session: Session, invitee: string, context: G): string {
    this.sweep();
    const earlier = session.pending.get(invitee);
    if (earlier !== undefined && !this.isLive(earlier)) session.pending.delete(invitee);
    if (session.has(invitee) || session.pending.has(invitee)) fail('already-there');
    if (session.participants.length + session.pending.size >= this.o.maxParticipants) fail('session-full');
    const cookie = sbCookie();
    session.pending.set(invitee, cookie);
    this.grants.set(cookie, { handle: invitee, context, expires: this.now() + this.o.inviteLifetimeMs, session });
    return cookie;
  }

  /** SB `ANS handle cookie session-id`: the invited session, or undefined (bad cookie/session). */
  redeemInvite(cookie: string, handle: string, id: string): { session: Session; context: G } | undefined {
    const g = this.take(cookie, handle);
    const session = g?.session;
    if (g === undefined || session === undefined) return undefined;
    session.pending.delete(handle);
    if (session.id !== id || this.sessions.get(id) !== session || session.has(handle)) {
      this.dropIfEmpty(session);
      return undefined;
    }
    return { session, context: g.context };
  }

  /** Adds `p`; everyone already there hears `JOI`. Returns those others (for `IRO`). */
  join(session: Session, p: Participant): Participant[] {
    const others = session.participants.slice();
    session.participants.push(p);
    for (const o of others) o.joined(p);
    return others;
  }

  /** Removes `p`; the others hear `BYE`. The session ends when nobody is left or invited. */
  leave(session: Session, p: Participant, idle: boolean): void {
    const at = session.participants.indexOf(p);
    if (at < 0) return;
    session.participants.splice(at, 1);
    for (const o of session.participants) o.left(p.handle, idle);
    this.dropIfEmpty(session);
  }

  private isLive(cookie: string): boolean {
    const g = this.grants.get(cookie);
    return g !== undefined && g.expires > this.now();
  }

  private dropIfEmpty(session: Session): void {
    if (session.participants.length === 0 && session.pending.size === 0) this.sessions.delete(session.id);
  }

  private take(cookie: string, handle: string): Grant<G> | undefined {
    const g = this.grants.get(cookie);
    if (g === undefined) return undefined;
    // Single use: a wrong handle burns the cookie too, so it cannot be guessed at twice.
    this.grants.delete(cookie);
    if (g.handle !== handle || g.expires <= this.now()) {
      if (g.session !== undefined) {
        g.session.pending.delete(g.handle);
        this.dropIfEmpty(g.session);
      }
      return undefined;
    }
    return g;
  }

  /** Drops expired cookies and the sessions only they kept alive; at most once a second. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [cookie, g] of this.grants) {
      if (g.expires > now) continue;
      this.grants.delete(cookie);
      if (g.session !== undefined) {
        g.session.pending.delete(g.handle);
        this.dropIfEmpty(g.session);
      }
    }
  }
}
