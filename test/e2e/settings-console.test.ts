/**
 * Browser end-to-end: the settings view (saved at once, kept by the backend, followed by the
 * attention rules: mute) and the protocol console (live traffic, the password never shown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SCREENSHOTS, signIn, signedIn, startStack, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
const T = { timeout: 15_000 };

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.user('alice@example.com', 'a-very-secret-pw', 'Alice');
  await signIn(alice);
  await signedIn(alice);
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

async function openFromMenu(label: string): Promise<void> {
  await alice.page.getByRole('button', { name: 'Sort and view options' }).click();
  await alice.page.getByRole('menuitem', { name: label }).click();
}

describe('settings and the protocol console (browser client, real server)', () => {
  it('saves each setting at once and shows what the backend kept', async () => {
    const p = alice.page;
    await openFromMenu('Settings...');
    const view = p.getByRole('region', { name: 'Settings' });
    await view.waitFor(T);
    await view.getByLabel('Mute all sounds').click();
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.sounds.muted, T).toBe(true);
    await expect.poll(() => view.getByLabel('Nudge', { exact: true }).isDisabled(), T).toBe(true);

    const minutes = view.getByLabel('Idle minutes');
    await minutes.fill('12');
    await minutes.press('Enter');
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.idle.minutes, T).toBe(12);
    // Out of range: nothing changes.
    await minutes.fill('999');
    await minutes.press('Enter');
    await expect.poll(() => minutes.inputValue(), T).toBe('12');

    await view.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => p.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document.documentElement.dataset.theme), T).toBe('dark');
    await p.screenshot({ path: join(SCREENSHOTS, 'settings.png') });
    await view.getByLabel('Theme').selectOption('system');
    await view.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the live protocol traffic with the password masked', async () => {
    const p = alice.page;
    await openFromMenu('Protocol Console...');
    const view = p.getByRole('region', { name: 'Protocol console' });
    const lines = view.getByRole('list', { name: 'Traffic' });
    await expect.poll(() => lines.innerText(), T).toContain('USR');
    // New traffic arrives while it is open.
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('button', { name: /Your personal message/ }).click();
    await alice.page.getByLabel('Your personal message').fill('console check');
    await alice.page.getByLabel('Your personal message').press('Enter');
    await openFromMenu('Protocol Console...');
    await expect.poll(() => p.getByRole('list', { name: 'Traffic' }).innerText(), T).toContain('console check');
    expect(await p.getByRole('list', { name: 'Traffic' }).innerText()).not.toContain('a-very-secret-pw');
    const report = await alice.core.execute({ name: 'consoleReport', input: {} });
    expect(report.ok).toBe(true);
    expect(report.ok && (report.value as string)).not.toContain('a-very-secret-pw');
    await p.screenshot({ path: join(SCREENSHOTS, 'console.png') });
  });

  it('shows a setting as clicked at once while the save is on its way, and as stored after', async () => {
    // A second window of Alice's whose host answers 800 ms late: the state of a loaded machine,
    // where the box used to spring back until the stored preferences arrived.
    const page = await alice.context.newPage();
    await page.routeWebSocket(/.*/, (ws) => {
      const host = ws.connectToServer();
      host.onMessage((m) => setTimeout(() => ws.send(m), 800));
    });
    await page.goto(alice.host.url);
    await page.getByRole('button', { name: 'Sort and view options' }).click();
    await page.getByRole('menuitem', { name: 'Settings...' }).click();
    const box = page.getByRole('region', { name: 'Settings' }).getByLabel('Show the time of every message');
    const before = await box.isChecked();
    await box.click();
    expect(await box.isChecked()).toBe(!before);
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.appearance.showTimestamps, T).toBe(!before);
    // Once the answer is in, the box shows what is stored (still the clicked value).
    await page.waitForTimeout(2000);
    expect(await box.isChecked()).toBe(!before);
    await box.click();
    await expect.poll(() => alice.core.snapshot().state.desktop.preferences?.appearance.showTimestamps, T).toBe(before);
    await page.close();
  });
});
