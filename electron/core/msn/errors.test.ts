import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from './reconnect';
import { closeMessage, signInCodeForClose } from './errors';

describe('OUT reasons (MSNP.md §5.5)', () => {
  const policy = new ReconnectPolicy({ jitter: 0 });
  const out = (outCode: string, outMinutes?: number) => ({ kind: 'out' as const, message: `ns: server sent OUT ${outCode}`, outCode, ...(outMinutes !== undefined ? { outMinutes } : {}) });

  it('maps each reason to a code, a sentence and a reconnect decision', () => {
    const rows = (['OTH', 'SSD', 'MIG', 'TOU', 'RCT'] as const).map((c) => {
      const reason = out(c, c === 'RCT' ? 6 : undefined);
      const code = signInCodeForClose(reason);
      return { c, code, retry: policy.decide(code, 1).retry, message: closeMessage(reason) };
    });
    expect(rows).toEqual([
      { c: 'OTH', code: 'signed-in-elsewhere', retry: false, message: 'You signed in from another location.' },
      { c: 'SSD', code: 'server-shutting-down', retry: true, message: 'The server is shutting down for maintenance.' },
      // MIG: migrated to the address book, "reconnect": a plain drop, not a shutdown.
      { c: 'MIG', code: 'connection-lost', retry: true, message: 'The server moved your account to its address book; signing in again.' },
      // TOU: the terms must be accepted elsewhere first; retrying cannot succeed.
      { c: 'TOU', code: 'account-restricted', retry: false, message: 'The server requires you to accept its Terms of Use before signing in.' },
      // RCT n: the server turns us away for n minutes: busy, not shutting down.
      { c: 'RCT', code: 'server-busy', retry: true, message: 'The server asked us to come back in 6 minutes.' },
    ]);
  });

  it('treats an unknown or missing reason as a lost connection', () => {
    expect(signInCodeForClose({ kind: 'out', message: 'x', outCode: 'ZZZ' })).toBe('connection-lost');
    expect(signInCodeForClose({ kind: 'out', message: 'x' })).toBe('connection-lost');
  });
});
