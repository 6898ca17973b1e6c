/**
 * Browser end-to-end, custom emoticons (issue 10): Alice and Bob on the real bundled server over
 * MSNP12, each in their own browser context. Alice makes an emoticon in the settings (a picture
 * file the page scales to fit 19x19), picks it from the composer's emoticon picker and sends it;
 * Bob's transcript shows it inline, the very bytes Alice defined (fetched over P2P, verified by
 * SHA1D), with the rest of the message as text. A small file is kept as it is; rename and delete
 * work; a peer (a bare client, Carol) whose "emoticon" is an SVG gets only the shortcut's text.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { MsnClient } from '../../electron/core/msn/client';
import { SCREENSHOTS, axeViolations, contactRow, conversation, send, signIn, signedIn, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
let carol: MsnClient | undefined;
const T = { timeout: 20_000 };

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob({ timeout: 15_000, maxDialect: 12 }));
}, 120_000);

afterAll(async () => {
  await carol?.signOut().catch(() => undefined);
  await stack?.close();
});

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('base64');
const bytesOf = (dataUrl: string): Buffer => Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
const mine = (u: User) => u.core.snapshot().state.emoticons.mine;

/** In-page scripts (the tests' TypeScript has no DOM types; these run in Chromium). */
const DRAW_PNG = `({ width, height }) => {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#ffd000';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#d01010';
  ctx.beginPath();
  ctx.arc(width / 2, height / 2, Math.min(width, height) / 3, 0, Math.PI * 2);
  ctx.fill();
  const url = c.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}`;
const IMAGE_SIZE = `async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  return [img.naturalWidth, img.naturalHeight];
}`;

function inPage<T>(p: Page, script: string, arg?: unknown): Promise<T> {
  return p.evaluate(`(${script})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

async function drawPng(p: Page, width: number, height: number): Promise<Buffer> {
  return Buffer.from(await inPage<string>(p, DRAW_PNG, { width, height }), 'base64');
}

async function openSettings(p: Page) {
  await p.getByRole('button', { name: 'Sort and view options' }).click();
  await p.getByRole('menuitem', { name: 'Settings...' }).click();
  const view = p.getByRole('region', { name: 'Settings' });
  await view.waitFor(T);
  return view;
}

async function addEmoticon(p: Page, shortcut: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const view = p.getByRole('region', { name: 'Settings' });
  const group = view.getByRole('group', { name: 'New emoticon' });
  await group.getByLabel('Shortcut:').fill(shortcut);
  const chooser = p.waitForEvent('filechooser');
  await group.getByRole('button', { name: 'Choose picture...' }).click();
  await (await chooser).setFiles(file);
  await group.locator('.new-emoticon-preview').waitFor(T);
  await group.getByRole('button', { name: 'Add emoticon' }).click();
}

/** Bob's img for a shortcut in the last message that has one. */
const bobsEmoticon = (shortcut: string) => conversation(bob.page).locator(`.transcript img.custom-emoticon[alt="${shortcut}"]`).last();
const srcOf = async (l: ReturnType<Page['locator']>) => ((await l.count()) > 0 ? await l.getAttribute('src') : null);

describe('custom emoticons (two browser clients, real server, MSNP12)', { timeout: 90_000 }, () => {
  it('Alice makes an emoticon from a picture file in the settings: scaled to fit 19x19', async () => {
    const report = await alice.core.execute({ name: 'consoleReport', input: {} });
    expect(report.ok && String(report.value)).toMatch(/VER \d+ MSNP12\b/);
    const view = await openSettings(alice.page);
    await addEmoticon(alice.page, '(sun)', { name: 'sun.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 60, 40) });
    await expect.poll(() => mine(alice).map((e) => e.shortcut), T).toEqual(['(sun)']);
    const sun = mine(alice)[0]!;
    expect(await inPage<number[]>(alice.page, IMAGE_SIZE, sun.dataUrl)).toEqual([19, 13]);
    expect(sun.sha1d).toBe(sha1(bytesOf(sun.dataUrl)));
    await view.locator('.my-emoticon[data-shortcut="(sun)"] img').waitFor(T);
    await view.locator('.settings-section', { hasText: 'My emoticons' }).screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-alice-settings.png') });
    expect(await axeViolations(alice.page)).toEqual([]);
  });

  it('refuses a standard shortcut, one too long, and a file that is not a picture, keeping what there was', async () => {
    const view = alice.page.getByRole('region', { name: 'Settings' });
    const group = view.getByRole('group', { name: 'New emoticon' });
    const alert = view.locator('.emoticon-error');
    await addEmoticon(alice.page, ':)', { name: 'x.png', mimeType: 'image/png', buffer: await drawPng(alice.page, 10, 10) });
    await expect.poll(() => alert.innerText(), T).toBe(':) is the shortcut of a standard emoticon.');
    await group.getByLabel('Shortcut:').fill('(toolong)');
    await group.getByRole('button', { name: 'Add emoticon' }).click();
    await expect.poll(() => alert.innerText(), T).toBe('A shortcut is 1 to 7 characters.');
    const chooser = alice.page.waitForEvent('filechooser');
    await group.getByRole('button', { name: 'Choose picture...' }).click();
    await (await chooser).setFiles({ name: 'notes.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a but really some notes\n') });
    await expect.poll(() => alert.innerText(), T).toMatch(/"notes\.gif" is not a picture Monarch can use/);
    // The backend refuses a non-image too, whatever the page says.
    const r = await alice.core.execute({ name: 'defineEmoticon', input: { emoticon: { shortcut: '(x)', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64') } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(mine(alice).map((e) => e.shortcut)).toEqual(['(sun)']);
  });

  it('keeps a small picture file as it is', async () => {
    const small = await drawPng(alice.page, 16, 16);
    await addEmoticon(alice.page, '(dot)', { name: 'dot.png', mimeType: 'image/png', buffer: small });
    await expect.poll(() => mine(alice).map((e) => e.shortcut), T).toEqual(['(sun)', '(dot)']);
    expect(bytesOf(mine(alice)[1]!.dataUrl).equals(small)).toBe(true);
  });

  it('Alice picks it from the emoticon picker and sends it; Bob sees it inline, the same bytes, and the text as text', async () => {
    await alice.page.getByRole('region', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
    await contactRow(alice, bob.handle).dblclick();
    const c = conversation(alice.page);
    await c.waitFor(T);
    const input = c.getByLabel('Type your message');
    await input.fill('Sunny today ');
    await c.getByRole('button', { name: 'Emoticons' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Emoticons' });
    await picker.getByText('My emoticons').waitFor(T);
    await picker.screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-alice-picker.png') });
    expect(await axeViolations(alice.page)).toEqual([]);
    await picker.getByRole('button', { name: 'Insert (sun)' }).click();
    await input.press('End');
    await input.pressSequentially(' <b>yes</b>');
    expect(await input.inputValue()).toBe('Sunny today (sun) <b>yes</b>');
    await input.press('Enter');

    const sun = mine(alice)[0]!;
    await conversation(bob.page).waitFor(T);
    // Before the image arrives the shortcut may show as text; then the image, byte for byte Alice's.
    await expect.poll(() => srcOf(bobsEmoticon('(sun)')), T).toBe(sun.dataUrl);
    const src = (await srcOf(bobsEmoticon('(sun)'))) as string;
    expect(sha1(bytesOf(src))).toBe(sun.sha1d);
    const body = conversation(bob.page).locator('.message-body').last();
    expect(await body.innerText()).toContain('Sunny today');
    expect(await body.innerText()).toContain('<b>yes</b>');
    expect(await body.locator('b').count()).toBe(0);
    // Inline at text height.
    const box = await bobsEmoticon('(sun)').boundingBox();
    expect(box?.height).toBeGreaterThan(12);
    expect(box?.height).toBeLessThanOrEqual(20);
    // The announcement is not shown as something Monarch cannot show.
    expect(await conversation(bob.page).locator('.notice-unsupported').count()).toBe(0);
    // Alice's own line shows her picture too.
    await expect.poll(() => srcOf(conversation(alice.page).locator('.message.mine img.custom-emoticon[alt="(sun)"]').last()), T).toBe(sun.dataUrl);
    await conversation(bob.page).locator('.message').last().screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-bob-message.png') });
    await conversation(alice.page).locator('.message').last().screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-alice-message.png') });
    expect(stack.problems).toEqual([]);
  });

  it('renames and deletes: a renamed emoticon travels under its new shortcut; a deleted one is plain text', async () => {
    const view = await openSettings(alice.page);
    await view.getByRole('button', { name: 'Rename (dot)' }).click();
    const field = view.getByLabel('New shortcut for (dot)');
    await field.fill('(pt)');
    await field.press('Enter');
    await expect.poll(() => mine(alice).map((e) => e.shortcut), T).toEqual(['(sun)', '(pt)']);
    await view.getByRole('button', { name: 'Delete (sun)' }).click();
    await expect.poll(() => mine(alice).map((e) => e.shortcut), T).toEqual(['(pt)']);
    await view.getByRole('button', { name: 'Close' }).click();
    await contactRow(alice, bob.handle).dblclick();
    await send(alice.page, 'point (pt) and no more (sun) (dot)');
    const pt = mine(alice)[0]!;
    await expect.poll(() => srcOf(bobsEmoticon('(pt)')), T).toBe(pt.dataUrl);
    const last = conversation(bob.page).locator('.message-body').last();
    expect(await last.locator('img.custom-emoticon').count()).toBe(1);
    expect(await last.innerText()).toContain('no more (sun) (dot)');
    // The earlier line keeps the picture it came with.
    expect(await conversation(bob.page).locator('.transcript img.custom-emoticon[alt="(sun)"]').count()).toBeGreaterThan(0);
    expect(stack.problems).toEqual([]);
  });

  it('remembers them per account: after signing out and in again they are back, and still travel', async () => {
    const before = mine(alice);
    const p = alice.page;
    await p.getByRole('button', { name: /Change status/ }).click();
    await p.getByRole('menuitem', { name: 'Sign Out' }).click();
    await p.getByRole('form', { name: 'Sign in' }).waitFor(T);
    await signIn(alice);
    await signedIn(alice);
    await expect.poll(() => mine(alice), T).toEqual(before);
    await p.reload();
    await signedIn(alice);
    const view = await openSettings(p);
    await view.locator('.my-emoticon[data-shortcut="(pt)"] img').waitFor(T);
    await view.getByRole('button', { name: 'Close' }).click();
    await contactRow(alice, bob.handle).dblclick();
    await conversation(p).waitFor(T);
    await send(p, 'back again (pt)');
    await expect.poll(() => conversation(bob.page).locator('.message-body').last().innerText(), T).toContain('back again');
    await expect.poll(() => srcOf(conversation(bob.page).locator('.message-body').last().locator('img.custom-emoticon[alt="(pt)"]')), T).toBe(before[0]!.dataUrl);
    expect(stack.problems).toEqual([]);
  });

  it("a peer's emoticon that is not an image shows only its shortcut's text", async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      await stack.server.accounts.add('carol@example.com', 'carol-pw', 'Carol');
      carol = new MsnClient({
        server: { host: stack.server.host, port: stack.server.nsPort, dialects: { min: 12, max: 12 }, nexusUrl: stack.server.nexusUrl },
        reconnect: false,
      });
      await carol.signIn({ handle: 'carol@example.com', password: 'carol-pw' });
      // A real 1x1 GIF for "(ok)", and for "(bad)" an SVG with a script, put straight into Carol's
      // table (define() refuses it, as Monarch never sends one): a hostile peer.
      const gif = Buffer.from('R0lGODlhAQABAIAAAAUEBAAAACwAAAAAAQABAAACAkQBADs=', 'base64');
      carol.emoticons.define('(ok)', gif);
      const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      (carol.emoticons as unknown as { mine: Map<string, Uint8Array> }).mine.set('(bad)', svg);
      const conv = carol.conversations.start([bob.handle]);
      carol.conversations.send(conv.id, 'first (bad) then (ok)');

      const tab = bob.page.getByRole('tab', { name: /Carol|carol@example\.com/ });
      await tab.waitFor(T);
      await tab.click();
      await expect.poll(() => srcOf(bobsEmoticon('(ok)')), T).toBe(`data:image/gif;base64,${gif.toString('base64')}`);
      await expect.poll(() => warn.mock.calls.some((c) => /Emoticon \(bad\) of carol@example\.com: .*not a PNG, JPEG, GIF or BMP/.test(String(c[0]))), T).toBe(true);
      const body = conversation(bob.page).locator('.message-body').last();
      expect(await body.locator('img[alt="(bad)"]').count()).toBe(0);
      expect(await body.locator('.custom-emoticon-pending').innerText()).toBe('(bad)');
      expect(await body.innerText()).toContain('first (bad) then');
      expect(Object.keys(bob.core.snapshot().state.emoticons.images)).not.toContain(sha1(svg));
      await conversation(bob.page).locator('.message').last().screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-bob-not-an-image.png') });
      expect(stack.problems).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('the history view shows the pictures it has, inline at text height, and the rest as text', async () => {
    const p = bob.page;
    await p.getByRole('button', { name: 'View history' }).click();
    const view = p.getByRole('region', { name: 'History' });
    await view.waitFor(T);
    await view.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Alice/ }).click();
    const log = view.getByRole('list', { name: 'Saved conversation' });
    const line = (text: string) => log.locator('.history-entry', { hasText: text }).last();
    const sunny = line('Sunny today');
    await expect.poll(() => srcOf(sunny.locator('img.custom-emoticon[alt="(sun)"]')), T).toMatch(/^data:image\/png;base64,/);
    // The picture the message came with (Alice deleted (sun) since): the bytes of its SHA1D.
    const src = (await srcOf(sunny.locator('img.custom-emoticon[alt="(sun)"]'))) as string;
    expect(await sunny.locator('img.custom-emoticon').getAttribute('data-sha1d')).toBe(sha1(bytesOf(src)));
    // The message's markup is text; copying or reading it aloud gets the shortcut.
    expect(await sunny.locator('.entry-text').innerText()).toContain('<b>yes</b>');
    expect(await sunny.locator('b').count()).toBe(0);
    const box = await sunny.locator('img.custom-emoticon').boundingBox();
    expect(box?.height).toBeGreaterThan(12);
    expect(box?.height).toBeLessThanOrEqual(20);
    // Shortcuts that were no emoticon of that message stay text.
    const point = line('point');
    await expect.poll(() => point.locator('img.custom-emoticon[alt="(pt)"]').count(), T).toBe(1);
    expect(await point.locator('img.custom-emoticon').count()).toBe(1);
    expect(await point.innerText()).toContain('no more (sun) (dot)');
    await view.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Carol|carol@example\.com/ }).click();
    // Carol's "(bad)" was never an image: text; her "(ok)" is.
    const carolLine = line('first');
    await expect.poll(() => carolLine.locator('img.custom-emoticon[alt="(ok)"]').count(), T).toBe(1);
    expect(await carolLine.locator('img[alt="(bad)"]').count()).toBe(0);
    expect(await carolLine.innerText()).toContain('first (bad) then');
    await view.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Alice/ }).click();
    await expect.poll(() => sunny.locator('img.custom-emoticon').count(), T).toBe(1);
    await p.screenshot({ path: join(SCREENSHOTS, 'custom-emoticons-bob-history.png') });
    expect(stack.problems).toEqual([]);
  });
});
