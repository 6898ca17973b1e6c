/**
 * "Local server on this computer": the bundled server starts on loopback on first use, a new
 * e-mail address becomes an account, an existing one keeps its password, and a real client signs in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalServerLauncher } from './local-server';
import { createMsnClientPort } from './msn-client-adapter';

const launcher = createLocalServerLauncher({ ports: 'any' });

afterAll(async () => {
  await launcher.stop();
});

describe('local server launcher', () => {
  it('starts once on loopback and lets a new address sign in with the password it chose', async () => {
    const a = await launcher.ensure();
    const b = await launcher.ensure();
    expect(a).toEqual(b);
    expect(a.host).toBe('127.0.0.1');
    expect(a.port).toBeGreaterThan(0);
    expect(a.nexusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    await launcher.prepareAccount('newbie@example.com', 'first-password');
    // Preparing again with another password does not change the account's password.
    await launcher.prepareAccount('newbie@example.com', 'other-password');

    const client = createMsnClientPort(a);
    const controller = new AbortController();
    await expect(client.signIn({ handle: 'newbie@example.com', password: 'other-password', status: 'online', signal: controller.signal })).rejects.toMatchObject({
      code: 'wrong-password',
    });
    client.dispose();
    const again = createMsnClientPort(a);
    await again.signIn({ handle: 'newbie@example.com', password: 'first-password', status: 'online', signal: controller.signal });
    await again.signOut();
    again.dispose();
  });

  it('refuses an address the server cannot take', async () => {
    await expect(launcher.prepareAccount('not an address', 'pw')).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
