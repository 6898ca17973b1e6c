/**
 * Open connections per address (issue 15 item 25): NS, SB, dispatch and Nexus sockets together.
 * One address holds at most `max` (0 = no cap); a socket beyond it is closed before anything is
 * read from it. IPv6 addresses count per /64, as the sign-in throttle does.
 */
import { addressKey } from './sign-in-throttle';

export class ConnectionCap {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts the connection in and returns true, or returns false when its address is at the cap. */
  admit(address: string): boolean {
    const key = addressKey(address);
    const n = this.open.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  /** Call once for every admitted connection when it closes. */
  release(address: string): void {
    const key = addressKey(address);
    const n = (this.open.get(key) ?? 1) - 1;
    if (n > 0) this.open.set(key, n);
    else this.open.delete(key);
  }
}
