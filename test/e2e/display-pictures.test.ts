/**
 * Browser end-to-end, display pictures (issue 10): Alice and Bob on the real bundled server over
 * MSNP12, each in their own browser context. Alice sets a picture from a file in the UI (the page
 * crops it to a centred square and scales it to 96x96), Bob sees it in his contact list and in
 * the conversation (fetched over P2P, verified by SHA1D); Alice picks a built-in picture and Bob's
 * view changes; a file that is not an image shows an error and changes nothing.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, contactRow, conversation, signIn, signedIn, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 20_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob({ timeout: 15_000, maxDialect: 12 }));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const myPicture = (u: User) => u.core.snapshot().state.pictures.mine?.dataUrl ?? null;
const rowPicture = (u: User, handle: string) => contactRow(u, handle).locator('.row-picture img');
const theirConversationPicture = (p: Page) => conversation(p).locator('.their-picture img');
const myConversationPicture = (p: Page) => conversation(p).locator('.my-conversation-picture img');
const srcOf = async (l: ReturnType<Page['locator']>) => ((await l.count()) > 0 ? await l.first().getAttribute('src') : null);

/**
 * In-page scripts (the tests' TypeScript has no DOM types; these run in Chromium): decode a
 * `data:` image and read its size and pixels; draw a test picture; build a drop's DataTransfer.
 */
const IMAGE_INFO = `async ({ src, points }) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.naturalWidth, height: img.naturalHeight, pixels: points.map(([x, y]) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)]) };
}`;

/**
 * A 200x120 JPEG: red bands 40 px wide at the left and right, blue between them with a yellow
 * disc. Its centred square is the blue part: no red may survive the crop.
 */
const LANDSCAPE_JPEG = `() => {
  const c = document.createElement('canvas');
  c.width = 200;
  c.height = 120;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#e00000';
  ctx.fillRect(0, 0, 200, 120);
  ctx.fillStyle = '#1040e0';
  ctx.fillRect(40, 0, 120, 120);
  ctx.fillStyle = '#ffd000';
  ctx.beginPath();
  ctx.arc(100, 60, 30, 0, Math.PI * 2);
  ctx.fill();
  const url = c.toDataURL('image/jpeg', 0.95);
  return url.slice(url.indexOf(',') + 1);
}`;

const DROP_DATA = `(b64) => {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
  return dt;
}`;

function inPage<T>(p: Page, script: string, arg?: unknown): Promise<T> {
  return p.evaluate(`(${script})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

function imageInfo(p: Page, src: string, points: [number, number][]) {
  return inPage<{ width: number; height: number; pixels: [number, number, number][] }>(p, IMAGE_INFO, { src, points });
}

async function landscapeJpeg(p: Page): Promise<Buffer> {
  return Buffer.from(await inPage<string>(p, LANDSCAPE_JPEG), 'base64');
}

async function openChooser(p: Page) {
  await p.getByRole('button', { name: 'Change your display picture' }).click();
  const dialog = p.getByRole('dialog', { name: 'Change display picture' });
  await dialog.waitFor();
  return dialog;
}

describe('display pictures (two browser clients, real server, MSNP12)', { timeout: 90_000 }, () => {
  it('runs over MSNP12, and everyone starts with the default picture', async () => {
    const report = await alice.core.execute({ name: 'consoleReport', input: {} });
    expect(report.ok && String(report.value)).toMatch(/VER \d+ MSNP12\b/);
    expect(await rowPicture(bob, alice.handle).count()).toBe(0);
    expect(await contactRow(bob, alice.handle).locator('.row-picture [data-default-picture]').count()).toBe(1);
  });

  it('Alice sets a picture from a file; Bob sees it in his contact list and in the conversation', async () => {
    const dialog = await openChooser(alice.page);
    const chooser = alice.page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Browse...' }).click();
    await (await chooser).setFiles({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: await landscapeJpeg(alice.page) });
    await dialog.waitFor({ state: 'detached', ...T });

    await expect.poll(() => myPicture(alice), T).toMatch(/^data:image\/png;base64,/);
    const mine = myPicture(alice) as string;
    // Cropped to the centred square and scaled to 96x96: blue at the edges, yellow in the middle.
    const info = await imageInfo(alice.page, mine, [
      [2, 48],
      [93, 48],
      [48, 48],
    ]);
    expect([info.width, info.height]).toEqual([96, 96]);
    for (const [r, , b] of info.pixels.slice(0, 2)) {
      expect(b).toBeGreaterThan(150);
      expect(r).toBeLessThan(80);
    }
    const [cr, cg] = info.pixels[2] as [number, number, number];
    expect(cr).toBeGreaterThan(200);
    expect(cg).toBeGreaterThan(150);
    expect(await srcOf(alice.page.locator('.my-picture img'))).toBe(mine);

    // Bob: fetched over P2P, byte for byte what Alice publishes.
    await expect.poll(() => srcOf(rowPicture(bob, alice.handle)), T).toBe(mine);
    await contactRow(bob, alice.handle).dblclick();
    await conversation(bob.page).waitFor();
    await expect.poll(() => srcOf(theirConversationPicture(bob.page)), T).toBe(mine);
    // Bob has no picture of his own: his corner shows the default one.
    expect(await myConversationPicture(bob.page).count()).toBe(0);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'display-pictures-bob-file.png') });
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'display-pictures-alice-file.png') });
  });

  it('Alice picks a built-in picture; Bob’s view changes', async () => {
    const before = myPicture(alice) as string;
    const dialog = await openChooser(alice.page);
    await dialog.getByRole('button', { name: 'Robot' }).click();
    await dialog.waitFor({ state: 'detached', ...T });
    await expect.poll(() => myPicture(alice), T).not.toBe(before);
    const robot = myPicture(alice) as string;
    expect(alice.core.snapshot().state.pictures.mine?.builtin).toBe('robot');
    await expect.poll(() => srcOf(rowPicture(bob, alice.handle)), T).toBe(robot);
    await expect.poll(() => srcOf(theirConversationPicture(bob.page)), T).toBe(robot);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'display-pictures-bob-builtin.png') });
  });

  it('a file that is not an image shows an error and changes nothing', async () => {
    const robot = myPicture(alice) as string;
    const dialog = await openChooser(alice.page);
    const chooser = alice.page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Browse...' }).click();
    await (await chooser).setFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are my notes, not a picture\n') });
    await expect.poll(() => dialog.getByRole('alert').innerText(), T).toMatch(/"notes\.png" is not a picture Monarch can use/);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'display-pictures-alice-error.png') });
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    expect(myPicture(alice)).toBe(robot);
    expect(await srcOf(rowPicture(bob, alice.handle))).toBe(robot);
    expect(stack.problems).toEqual([]);
  });

  it('takes a picture file dropped onto my tile', async () => {
    const before = myPicture(alice) as string;
    const jpeg = (await landscapeJpeg(alice.page)).toString('base64');
    const dataTransfer = await alice.page.evaluateHandle(`(${DROP_DATA})(${JSON.stringify(jpeg)})`);
    const tile = alice.page.getByRole('button', { name: 'Change your display picture' });
    await tile.dispatchEvent('dragover', { dataTransfer });
    await tile.dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => myPicture(alice), T).not.toBe(before);
    expect(alice.core.snapshot().state.pictures.mine?.builtin).toBeNull();
    await expect.poll(() => srcOf(rowPicture(bob, alice.handle)), T).toBe(myPicture(alice));
  });

  it('shows contacts\' pictures small, large or not at all, as the setting says', async () => {
    const box = async () => (await contactRow(bob, alice.handle).locator('.row-picture .display-picture').boundingBox())?.width;
    expect(await box()).toBe(20);
    await bob.core.execute({ name: 'updatePreferences', input: { appearance: { contactPictures: 'large' } } });
    await expect.poll(box, T).toBe(40);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'display-pictures-bob-large.png') });
    await bob.core.execute({ name: 'updatePreferences', input: { appearance: { contactPictures: 'none' } } });
    await expect.poll(() => contactRow(bob, alice.handle).locator('.row-picture').count(), T).toBe(0);
    expect(stack.problems).toEqual([]);
  });

  it('remembers the picture per account: the next sign-in announces it in its first CHG, and a new window shows it', async () => {
    const mine = myPicture(alice) as string;
    const sha1d = createHash('sha1').update(Buffer.from(mine.slice(mine.indexOf(',') + 1), 'base64')).digest('base64');
    const p = alice.page;
    await p.getByRole('button', { name: /Change status/ }).click();
    await p.getByRole('menuitem', { name: 'Sign Out' }).click();
    await p.getByRole('form', { name: 'Sign in' }).waitFor();
    await alice.core.execute({ name: 'consoleClear', input: {} });
    await signIn(alice);
    await signedIn(alice);
    const sent = async () => {
      const r = await alice.core.execute({ name: 'consoleReport', input: {} });
      const chg = String(r.ok ? r.value : '')
        .split('\n')
        .find((l) => / CHG \d+ NLN /.test(l));
      return chg === undefined ? null : decodeURIComponent(chg);
    };
    await expect.poll(sent, T).toContain(`SHA1D="${sha1d}"`);
    await p.reload();
    await signedIn(alice);
    await expect.poll(() => srcOf(p.locator('.my-picture img')), T).toBe(mine);
    expect(stack.problems).toEqual([]);
  });
});
