import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/index';
import { setState, signIn, startTestServer, syncAll } from './helpers/msnp';

describe('smoke', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.accounts.add('alice@example.com', 'pw1', 'Alice');
  });
  afterAll(() => server.stop());

  it.each([2, 8, 12] as const)('signs in with MSNP%i', async (d) => {
    const s = await signIn(server, d, 'alice@example.com', 'pw1');
    const sync = await syncAll(s);
    expect(sync.length).toBeGreaterThan(0);
    await setState(s, 'NLN');
    s.client.close();
  });
});
