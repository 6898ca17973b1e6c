/**
 * The switchboard's `MSG` goes through the codec's builder (MSNP.md §6.4): an ack mode the dialect
 * lacks is refused before anything is written, and the session carries on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SerializeError } from '../../shared/msnp';
import { Switchboard } from '../../electron/core/msn/switchboard';
import { FakeServer } from './helpers/fake-server';

let server: FakeServer | undefined;
let sb: Switchboard | undefined;
afterEach(async () => {
  sb?.close();
  sb = undefined;
  await server?.stop();
  server = undefined;
});

describe('Switchboard.send', () => {
  it('rejects ack mode D before MSNP9 without writing it; the next MSG gets the next TrID', async () => {
    const payload = new TextEncoder().encode('MIME-Version: 1.0\r\n\r\n');
    server = await FakeServer.start([
      async (s) => {
        await s.expect('USR 1 alice@example.com cookie-1');
        s.send('USR $t OK alice@example.com Alice');
        // TrID 2 went to the refused D line, which never reached the wire.
        await s.expect('MSG 3 A');
        expect(s.last?.payload).toEqual(payload);
        s.send('ACK $t');
        await s.waitClosed();
      },
    ]);
    sb = new Switchboard({
      host: server.host,
      port: server.port,
      me: 'alice@example.com',
      dialect: 8,
      auth: { kind: 'caller', cookie: 'cookie-1' },
      name: 'sb#1',
    });
    await sb.open();
    await expect(sb.send(payload, 'D', 1000)).rejects.toBeInstanceOf(SerializeError);
    expect(await sb.send(payload, 'A', 1000)).toBe('ack');
    sb.close();
    await server.finished();
  });
});
