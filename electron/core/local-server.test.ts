/**
 * "Local server on this computer": the bundled server starts on loopback on first use, a new
 * e-mail address becomes an account, an existing one keeps its password, and a real client signs in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CAST, DEMO_USER } from './demo';
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

// Provisioning the demo is real work before ensure() resolves: five accounts, each signed in
// over TCP (SOAP address book on MSNP13+), the user adding four contacts and each adding the
// user back. It takes 3 s on an idle machine and took 15 to 20 s here with the load average at
// 18 on two cores, past Vitest's default 20 s; the budget is what it may take, not a goal.
describe('local server launcher with the demo (issue 6, first run)', { timeout: 90_000 }, () => {
  it('provisions the demo before ensure() resolves; the demo user signs in and the contacts come online; stop() signs them out first', async () => {
    const warnings: string[] = [];
    const demo = createLocalServerLauncher({
      ports: 'any',
      demo: { timingScale: 0.02 },
      log: (level, message) => {
        if (level === 'warn') warnings.push(message);
      },
    });
    try {
      const address = await demo.ensure();
      expect(demo.demoBots()).not.toBeNull();
      // The user's first sign-in happens after provisioning: the account and its contacts exist.
      const user = createMsnClientPort(address);
      const online = new Set<string>();
      user.onEvent((e) => {
        if (e.type === 'presence.changed' && e.status !== 'offline') online.add(e.handle);
      });
      await user.signIn({ handle: DEMO_USER.handle, password: DEMO_USER.password, status: 'online', signal: new AbortController().signal });
      const deadline = Date.now() + 30_000;
      while (online.size < DEMO_CAST.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect([...online].sort()).toEqual(DEMO_CAST.map((c) => c.handle).sort());
      // A bot's phase turns 'online' when its own sign-in resolves: after the answer to its CHG
      // (and, MSNP13+, to the UUX that follows), while the NLN the user sees goes out on another
      // connection and is often read first. So the phase is polled, not read at once (read at
      // once it failed 3 runs in 4 with the machine loaded).
      await expect.poll(() => demo.demoBots()!.status().map((b) => b.phase), { timeout: 30_000 }).toEqual(DEMO_CAST.map(() => 'online'));
      await user.signOut();
      user.dispose();

      const bots = demo.demoBots()!;
      await demo.stop();
      expect(bots.status().every((b) => b.phase === 'stopped')).toBe(true);
      expect(demo.demoBots()).toBeNull();
      expect(warnings).toEqual([]);
    } finally {
      await demo.stop();
    }
  });

  it('starts the server and the contacts even when the demo user changed its password (a warning, no failure)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'monarch-local-'));
    try {
      const plain = createLocalServerLauncher({ ports: 'any', dataDir });
      await plain.ensure();
      await plain.prepareAccount(DEMO_USER.handle, 'the-users-own-password');
      await plain.stop();

      const warnings: string[] = [];
      const withDemo = createLocalServerLauncher({ ports: 'any', dataDir, demo: { timingScale: 0.02 }, log: (l, m) => void (l === 'warn' && warnings.push(m)) });
      try {
        const a = await withDemo.ensure();
        expect(a.port).toBeGreaterThan(0);
        expect(warnings.length).toBeGreaterThan(0);
        expect(warnings.join(' ')).not.toContain('the-users-own-password');
        expect(withDemo.demoBots()?.status()).toHaveLength(DEMO_CAST.length);
        // The user's own password still signs in.
        const user = createMsnClientPort(a);
        await user.signIn({ handle: DEMO_USER.handle, password: 'the-users-own-password', status: 'online', signal: new AbortController().signal });
        await user.signOut();
        user.dispose();
      } finally {
        await withDemo.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
