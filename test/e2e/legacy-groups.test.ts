/**
 * Browser end-to-end, MSNP8 on the bundled server: MSNP7–9 list group 0 ("Other Contacts") as a
 * real group, and a contact in no other group belongs to it (MSNP.md §4.3 generation 4, §4.7). A
 * contact just added (no group given) must show once, under one "Other Contacts" header (there
 * were two: group 0 at (0/0) and the list's own "no group" section at (1/1)).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SCREENSHOTS, contactRow, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 15_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob({ timeout: 15_000, maxDialect: 8 }));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const groupTitles = (u: User) => u.page.locator('.group-row').allInnerTexts();

describe('contact groups at MSNP8 (browser client, real server)', { timeout: 90_000 }, () => {
  it('shows a newly added contact under a single "Other Contacts" group', async () => {
    for (const u of [alice, bob]) {
      await contactRow(u, u === alice ? bob.handle : alice.handle).waitFor(T);
      await u.page.screenshot({ path: join(SCREENSHOTS, `msnp8-groups-${u.name.toLowerCase()}.png`) });
      const titles = await groupTitles(u);
      const other = titles.filter((t) => t.includes('Other Contacts'));
      expect(other, titles.join(' | ')).toHaveLength(1);
      expect(other[0]).toContain('(1/1)');
    }
  });

  it('moves the contact from "Other Contacts" into a new group', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'Create a group' }).click();
    const dialog = p.getByRole('dialog', { name: 'Create a Group' });
    await dialog.getByLabel('Group name:').fill('Pals');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Pals' }).innerText(), T).toContain('(0/0)');
    await contactRow(alice, bob.handle).click({ button: 'right' });
    await p.getByRole('menuitem', { name: 'Move to Group' }).click();
    await p.getByRole('menuitem', { name: 'Pals' }).click();
    await expect.poll(() => p.locator('.group-row', { hasText: 'Pals' }).innerText(), T).toContain('(1/1)');
    await expect.poll(async () => (await groupTitles(alice)).filter((t) => t.includes('Other Contacts')).join(), T).toContain('(0/0)');
    await p.screenshot({ path: join(SCREENSHOTS, 'msnp8-groups-moved.png') });
  });

  it('ran without page errors', () => {
    expect(stack.problems).toEqual([]);
  });
});
