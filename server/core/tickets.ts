/**
 * Passport tickets (MSNP.md §3.3.3): the Nexus issues one after checking the password; the NS
 * accepts it once, for the handle it was issued to, within its lifetime.
 *
 * One process keeps the tickets it issued and forgets one when it is redeemed. A cluster's nodes
 * sign them instead (`signer`, keyed from the secret every node shares), so the NS of any node
 * accepts a ticket from the Nexus of any other; a redeemed ticket is then spent through the
 * cluster (`spend`, Redis `SET NX` until it expires), so it signs in once across every node, as in
 * one process: a replay on another node within its lifetime is refused.
 */
import type { SignedTokens } from '../cluster/tokens';
import { ticketPart } from './random';

/** True for the first caller with `key` across the cluster within `ttlMs` (`Cluster.takeOnce`). */
export type SpendOnce = (key: string, ttlMs: number) => Promise<boolean>;

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
    private readonly spend?: SpendOnce,
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

  /**
   * Single use: the ticket is gone after this call whatever the outcome. Synchronous in one
   * process; in a cluster it waits for the cluster to spend the ticket (a rejection: the
   * directory out of reach).
   */
  redeem(token: string, handle: string): boolean | Promise<boolean> {
    if (this.signer !== undefined) return this.redeemSigned(token, handle);
    const t = this.tickets.get(token);
    if (t === undefined) return false;
    this.tickets.delete(token);
    return t.handle === handle && t.expires > this.now();
  }

  get size(): number {
    return this.tickets.size;
  }

  private redeemSigned(token: string, handle: string): boolean | Promise<boolean> {
    const v = (this.signer as SignedTokens).verify(PURPOSE, token, 1);
    if (v === undefined || this.tickets.has(v.id)) return false;
    this.sweep();
    this.tickets.set(v.id, { handle, expires: v.expires });
    if (this.spend === undefined) return v.fields[0] === handle;
    // Spent once across the cluster whatever the outcome, as one process forgets it (the local
    // entry above only saves a round trip on a replay here).
    return this.spend(`${PURPOSE}:${v.id}`, v.expires - this.now() + 1000).then((first) => first && v.fields[0] === handle);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.tickets) if (v.expires <= now) this.tickets.delete(k);
  }
}
