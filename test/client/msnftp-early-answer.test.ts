/**
 * An invitation answered at once on a switchboard someone else opened: when `IRO`, `ANS t OK` and
 * the peer's first `MSG` (a file INVITE) arrive in one read, the message is handled before the
 * switchboard's connection is marked online, and the answer (`ACCEPT`) queued then must still go
 * out when it is (MSNP.md §6.2, §6.10). Found by bench:transfer-msnftp, whose receiver accepts from
 * inside the `offered` event: the ACCEPT sat in the outbox and the transfer hung.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { command } from '../../shared/msnp';
import { buildFileInvite, buildInvitationPayload, buildReceiverAccept, parseInvitationPayload } from '../../shared/msnp/msnftp';
import { systemClock } from '../../electron/core/msn/clock';
import type { Conversation } from '../../electron/core/msn/conversation';
import { Switchboard } from '../../electron/core/msn/switchboard';
import { SwitchboardManager } from '../../electron/core/msn/switchboard-manager';
import { FakeServer } from './helpers/fake-server';

let server: FakeServer | undefined;
let manager: SwitchboardManager | undefined;
afterEach(async () => {
  manager?.closeAll();
  manager = undefined;
  await server?.stop();
  server = undefined;
});

describe('answering an invitation that came with ANS OK', () => {
  it('the ACCEPT queued before the switchboard is online is sent once it is', async () => {
    const invite = buildInvitationPayload(buildFileInvite({ cookie: 77, name: 'a.txt', size: 3 }));
    let accepted: Uint8Array | undefined;
    server = await FakeServer.start([
      async (s) => {
        await s.expect(/^ANS 1 bob@example\.com cookie-1 4242$/);
        // All in one write, as a busy receiver reads it.
        const head = `IRO 1 1 1 alice@example.com Alice\r\nANS 1 OK\r\nMSG alice@example.com Alice ${invite.length}\r\n`;
        s.write(new Uint8Array([...new TextEncoder().encode(head), ...invite]));
        const msg = await s.expect(/^MSG 2 N$/, 3000);
        accepted = msg.payload;
        await s.waitClosed();
      },
    ]);
    const port = server.port;
    const host = server.host;
    let conversation: Conversation | undefined;
    manager = new SwitchboardManager({
      me: () => ({ handle: 'bob@example.com', friendlyName: 'Bob' }),
      dialect: () => 7,
      requestSwitchboard: () => Promise.reject(new Error('not used')),
      createSwitchboard: (_h, _p, auth) => new Switchboard({ host, port, me: 'bob@example.com', dialect: 7, auth, name: 'sb#1' }),
      emit: () => undefined,
      clock: systemClock,
      newId: () => 'c1',
      // The app accepts from inside the offer: the answer is queued synchronously.
      onInvitation: (conversationId) => {
        conversation = manager?.get(conversationId);
        conversation?.sendInvitation(buildInvitationPayload(buildReceiverAccept(77))).catch(() => undefined);
        return true;
      },
    });
    manager.onRing(command('RNG', undefined, ['4242', `${host}:${port}`, 'CKI', 'cookie-1', 'alice@example.com', 'Alice']));
    const deadline = Date.now() + 4000;
    while (accepted === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(conversation, "no conversation").toBeDefined();
    expect(accepted, "no ACCEPT").toBeDefined();
    expect(parseInvitationPayload(accepted as Uint8Array)).toMatchObject({ command: 'ACCEPT', cookie: 77 });
  });
});
