/**
 * Passport tickets (MSNP.md §3.3.3): the Nexus issues one after checking the password; the NS
 * accepts it once, for the handle it was issued to, within its lifetime.
 */
import { ticketPart } from './random';

interface Issued {
  readonly handle: string;
  readonly expires: number;
}

export class TicketStore {
  private readonly tickets = new Map<string, Issued>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A compact ticket `t=…&p=…`; the `t` part is the key the NS looks up. */
  issue(handle: string): { ticket: string; token: string } {
    this.sweep();
    const token = ticketPart();
    this.tickets.set(token, { handle, expires: this.now() + this.lifetimeMs });
    return { token, ticket: `t=${token}&p=${ticketPart(16)}` };
  }

  /** Single use: the ticket is gone after this call whatever the outcome. */
  redeem(token: string, handle: string): boolean {
    const t = this.tickets.get(token);
    if (t === undefined) return false;
    this.tickets.delete(token);
    return t.handle === handle && t.expires > this.now();
  }

  get size(): number {
    return this.tickets.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.tickets) if (v.expires <= now) this.tickets.delete(k);
  }
}
