import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { SwitchboardHub, type Participant } from './switchboard';

function participant(handle: string, log: string[]): Participant {
  return {
    handle,
    joined: (p) => log.push(`${handle} sees JOI ${p.handle}`),
    left: (h, idle) => log.push(`${handle} sees BYE ${h}${idle ? ' 1' : ''}`),
    deliver: () => true,
  };
}

describe('SwitchboardHub', () => {
  it('cookies are single use, bound to a handle and expire; sessions end when empty', () => {
    let now = 0;
    const hub = new SwitchboardHub<string>({ maxParticipants: 3, cookieLifetimeMs: 100, inviteLifetimeMs: 100, now: () => now });
    const c1 = hub.issueCallerCookie('a', 'ctx-a');
    expect(hub.redeemCallerCookie(c1, 'b')).toBeUndefined();
    expect(hub.redeemCallerCookie(c1, 'a')).toBeUndefined();
    const c2 = hub.issueCallerCookie('a', 'ctx-a');
    const r = hub.redeemCallerCookie(c2, 'a');
    expect(r?.context).toBe('ctx-a');
    const session = r!.session;
    const log: string[] = [];
    const a = participant('a', log);
    hub.join(session, a);
    const inv = hub.invite(session, 'b', 'ctx-b');
    expect(() => hub.invite(session, 'b', 'x')).toThrow(DomainError);
    expect(hub.redeemInvite(inv, 'b', 'wrong-id')).toBeUndefined();
    const inv2 = hub.invite(session, 'b', 'ctx-b');
    const c3 = hub.issueCallerCookie('z', '');
    now = 150;
    expect(hub.redeemCallerCookie(c3, 'z')).toBeUndefined();
    expect(hub.redeemInvite(inv2, 'b', session.id)).toBeUndefined();
    now = 2000;
    const inv3 = hub.invite(session, 'b', 'ctx-b');
    const joined = hub.redeemInvite(inv3, 'b', session.id);
    expect(joined?.session).toBe(session);
    const b = participant('b', log);
    expect(hub.join(session, b)).toEqual([a]);
    hub.invite(session, 'c', '');
    expect(() => hub.invite(session, 'd', '')).toThrow(/session-full/);
    hub.leave(session, a, true);
    expect(log).toEqual(['a sees JOI b', 'b sees BYE a 1']);
    expect(hub.sessionCount).toBe(1);
    hub.leave(session, b, false);
    // c's invitation still keeps the session alive until it expires.
    expect(hub.sessionCount).toBe(1);
  });
});
