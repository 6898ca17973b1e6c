import { afterEach, describe, expect, it } from 'vitest';
import type { MsnClient } from '../../electron/core/msn/client';
import type { RunningServer } from '../../server/index';
import { Recorder, clientFor, startBundled } from './helpers/bundled';

let server: RunningServer | undefined;
const clients: MsnClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.signOut();
  await server?.stop();
});

describe.each([2, 12] as const)('smoke MSNP%i', (dialect) => {
  it('two clients add each other and chat', async () => {
    server = await startBundled();
    await server.accounts.add('alice@example.com', 'pw-alice', 'Alice');
    await server.accounts.add('bob@example.com', 'pw-bob', 'Bob');
    const a = clientFor(server, dialect);
    const b = clientFor(server, dialect);
    clients.push(a, b);
    const ra = new Recorder(a);
    const rb = new Recorder(b);
    await a.signIn({ handle: 'alice@example.com', password: 'pw-alice' });
    await b.signIn({ handle: 'bob@example.com', password: 'pw-bob' });
    expect(a.state.status).toBe('online');
    await a.contacts.add('bob@example.com');
    await rb.waitFor('contact.added-me', (e) => e.handle === 'alice@example.com');
    await b.contacts.add('alice@example.com');
    expect(a.contacts.get('bob@example.com')?.status).toBe('online');
    const conv = a.conversations.start(['bob@example.com']);
    const msg = a.conversations.send(conv.id, 'hello bob');
    const got = await rb.waitFor('message.received');
    expect(got.message.text).toBe('hello bob');
    await ra.waitFor('message.delivery', (e) => e.messageId === msg.id && e.delivery === 'delivered');
  });
});
