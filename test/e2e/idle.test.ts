/**
 * Browser end-to-end: automatic Away in the browser client, through the real web host (its pages'
 * activity as the idle source), the real backend and bundled server, and Chromium. What counts is
 * what ANOTHER user sees in their contact list.
 *
 * Time: a minute of the idle setting lasts 20 s here (the host's `minuteMs`), and the host polls
 * every 100 ms. 20 s is still longer than the page's report interval (15 s), as a real minute is:
 * the page's last, rate-limited report always arrives before the threshold, as in production. The
 * setting itself is the real one (1 minute, its minimum).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyStatus } from '../../shared/model';
import { contactRow, signIn, signedIn, startStack, type Stack, type User } from './harness';

const MINUTE_MS = 20_000;
/** The page's report interval (renderer/bridge/activity.ts' REPORT_EVERY_MS). */
const REPORT_EVERY_MS = 15_000;
const NO_PAGE_GRACE_MS = 1000;

let stack: Stack;
/** Goes Away when quiet. */
let alice: User;
/** Watches everyone's status; his own automatic Away is off. */
let bob: User;
/** Busy: never overridden. */
let carol: User;
/** Turned automatic Away off in the settings. */
let dave: User;
/** Every status change of a contact bob's client received, as `handle:status`. */
const seenByBob: string[] = [];
/** When each user last touched their page (the test's own clock). */
const lastInput = new Map<string, number>();

const T = { timeout: 15_000 };
const label = (handle: string) => contactRow(bob, handle).getAttribute('aria-label');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** bob adds `u`, who allows him to see their status. */
async function watchedByBob(u: User): Promise<void> {
  expect(await bob.core.execute({ name: 'addContact', input: { handle: u.handle } })).toMatchObject({ ok: true });
  expect(await u.core.execute({ name: 'answerAddRequest', input: { handle: bob.handle, decision: 'allow' } })).toMatchObject({ ok: true });
  await expect.poll(() => label(u.handle), T).toMatch(new RegExp(`^${u.name}, Online`));
}

async function setIdle(u: User, idle: { enabled?: boolean; minutes?: number; status?: 'idle' | 'away' }): Promise<void> {
  expect(await u.core.execute({ name: 'updatePreferences', input: { idle } })).toMatchObject({ ok: true });
}

async function chooseStatus(u: User, status: string): Promise<void> {
  await u.page.getByRole('button', { name: /Change status/ }).click();
  await u.page.getByRole('menuitem', { name: status, exact: true }).click();
  lastInput.set(u.handle, Date.now());
}

const myStatus = (u: User): MyStatus | undefined => u.core.snapshot().state.session.self?.status;

beforeAll(async () => {
  stack = await startStack({ automaticAway: { pollMs: 100, minuteMs: MINUTE_MS, noPageGraceMs: NO_PAGE_GRACE_MS } });
  alice = await stack.user('alice@example.com', 'alice-pw', 'Alice');
  bob = await stack.user('bob@example.com', 'bob-pw', 'Bob');
  carol = await stack.user('carol@example.com', 'carol-pw', 'Carol');
  dave = await stack.user('dave@example.com', 'dave-pw', 'Dave');
  bob.core.subscribe(({ event }) => {
    if (event.type === 'presence.changed') seenByBob.push(`${event.handle}:${event.status}`);
  });
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('automatic Away (browser client, real web host and server)', { timeout: 120_000 }, () => {
  it('signs everyone in; bob watches the others', async () => {
    const all = [alice, bob, carol, dave];
    await Promise.all(all.map((u) => signIn(u)));
    await Promise.all(all.map((u) => signedIn(u)));
    await setIdle(bob, { enabled: false });
    for (const u of [alice, carol, dave]) await watchedByBob(u);
  });

  it('goes Away after the idle minutes without input, seen by a contact, and comes back Online on the first input', async () => {
    // carol picks Busy herself, dave turns automatic Away off in the settings view; both then have
    // the shortest setting, and keep quiet from here on like alice.
    await chooseStatus(carol, 'Busy');
    await expect.poll(() => label(carol.handle), T).toMatch(/^Carol, Busy/);
    await setIdle(carol, { minutes: 1, status: 'away' });

    await setIdle(dave, { minutes: 1, status: 'away' });
    await dave.page.getByRole('button', { name: 'Sort and view options' }).click();
    await dave.page.getByRole('menuitem', { name: 'Settings...' }).click();
    await dave.page.getByRole('region', { name: 'Settings' }).getByLabel('Show me as away when I am inactive').click();
    await expect.poll(() => dave.core.snapshot().state.desktop.preferences?.idle.enabled, T).toBe(false);
    lastInput.set(dave.handle, Date.now());

    // alice sets the shortest time and Away (instead of the default Idle) in her settings view.
    const p = alice.page;
    await p.getByRole('button', { name: 'Sort and view options' }).click();
    await p.getByRole('menuitem', { name: 'Settings...' }).click();
    const view = p.getByRole('region', { name: 'Settings' });
    await view.getByLabel('Idle status').selectOption('away');
    const minutes = view.getByLabel('Idle minutes');
    await minutes.fill('1');
    await minutes.press('Enter');
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.idle, T).toEqual({ enabled: true, minutes: 1, status: 'away' });
    await view.getByRole('button', { name: 'Close' }).click();
    const aliceQuietFrom = Date.now();
    lastInput.set(alice.handle, aliceQuietFrom);

    // Quiet: her last report arrives within the page's interval, then a (shortened) minute passes.
    await expect.poll(() => label(alice.handle), { timeout: REPORT_EVERY_MS + MINUTE_MS + 15_000, interval: 250 }).toMatch(/^Alice, Away/);
    expect(Date.now() - aliceQuietFrom).toBeGreaterThanOrEqual(MINUTE_MS);
    expect(myStatus(alice)).toBe('away');

    // She moves the mouse: Online again for bob, long before another minute could pass.
    await p.mouse.move(300, 200);
    await p.mouse.move(320, 240);
    await expect.poll(() => label(alice.handle), { timeout: 5000, interval: 100 }).toMatch(/^Alice, Online/);
    expect(seenByBob.filter((s) => s.startsWith(`${alice.handle}:`)).slice(-2)).toEqual([`${alice.handle}:away`, `${alice.handle}:online`]);
  });

  it('leaves a Busy user and a user who turned it off alone, however long they are quiet', async () => {
    // Both have been quiet at least as long as alice was before she went Away; make sure of a full
    // (shortened) minute past their last report.
    const until = Math.max(lastInput.get(carol.handle) ?? 0, lastInput.get(dave.handle) ?? 0) + REPORT_EVERY_MS + MINUTE_MS + 1000;
    await sleep(Math.max(0, until - Date.now()));
    expect(await label(carol.handle)).toMatch(/^Carol, Busy/);
    expect(await label(dave.handle)).toMatch(/^Dave, Online/);
    expect(myStatus(carol)).toBe('busy');
    expect(myStatus(dave)).toBe('online');
    expect(seenByBob.filter((s) => /^(carol|dave)@example\.com:(away|idle)$/.test(s))).toEqual([]);
  });

  it('counts no open page as idle at once, and comes back when a page is opened and used', async () => {
    expect(await label(alice.handle)).toMatch(/^Alice, Online/);
    const closedAt = Date.now();
    await alice.page.close();
    await expect.poll(() => label(alice.handle), { timeout: 10_000, interval: 100 }).toMatch(/^Alice, Away/);
    // Well before a minute of the setting: the closed page did it, not the idle time.
    expect(Date.now() - closedAt).toBeLessThan(MINUTE_MS);

    const again = await alice.context.newPage();
    await again.goto(alice.host.origin);
    await again.getByRole('region', { name: 'Contact list' }).waitFor(T);
    await again.mouse.move(200, 200);
    await again.mouse.move(240, 260);
    await expect.poll(() => label(alice.handle), { timeout: 5000, interval: 100 }).toMatch(/^Alice, Online/);
    expect(stack.problems).toEqual([]);
  });
});
