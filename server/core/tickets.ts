/**
 * Passport tickets (MSNP.md §3.3.3): the Nexus issues one after checking the password; the NS
 * accepts it once, for the handle it was issued to, within its lifetime.
 *
 * One process keeps the tickets it issued. A cluster's nodes sign them instead (`signer`, keyed
 * from the secret every node shares), so the NS of any node accepts a ticket from the Nexus of
 * any other; each node then accepts a ticket once (as the token service's tokens, per process):
 * replaying one on another node within its lifetime (2 minutes) is not prevented.
 */
import type { SignedTokens } from '../cluster/tokens';
import { ticketPart } from './random';

interface Issued {
  readonly handle: string;
  readonly expires: number;
}

const PURPOSE = 'passport-ticket';

export class TicketStore {
  /** Issued tickets (one process), or spent signed tickets until they expire (a cluster). */
  private readonly tickets = new Map<string, Issued>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly signer?: SignedTokens,
  ) {}

  /** A compact ticket `t=…&p=…`; the `t` part is the key the NS looks up. */
  issue(handle: string): { ticket: string; token: string } {
    this.sweep();
    let token: string;
    if (this.signer !== undefined) {
      token = this.signer.issue(PURPOSE, [handle], this.lifetimeMs);
    } else {
      token = ticketPart();
      this.tickets.set(token, { handle, expires: this.now() + this.lifetimeMs });
    }
    return { token, ticket: `t=${token}&p=${ticketPart(16)}` };
  }

  /** Single use: the ticket is gone after this call whatever the outcome. */
  redeem(token: string, handle: string): boolean {
    if (this.signer !== undefined) return this.redeemSigned(token, handle);
    const t = this.tickets.get(token);
    if (t === undefined) return false;
    this.tickets.delete(token);
    return t.handle === handle && t.expires > this.now();
  }

  get size(): number {
    return this.tickets.size;
  }

  private redeemSigned(token: string, handle: string): boolean {
    const v = (this.signer as SignedTokens).verify(PURPOSE, token, 1);
    if (v === undefined || this.tickets.has(v.id)) return false;
    this.sweep();
    this.tickets.set(v.id, { handle, expires: v.expires });
    return v.fields[0] === handle;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.tickets) if (v.expires <= now) this.tickets.delete(k);
  }
}
