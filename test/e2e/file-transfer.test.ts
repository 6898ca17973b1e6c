/**
 * Browser end-to-end, file transfer (issue 11): Alice and Bob on the real bundled server (MSNP12,
 * so P2P through the switchboard), each in their own browser context through their own web host.
 * Alice drops a file on the conversation (the page streams it to her web host), Bob accepts it
 * inline in the transcript, both see it move and complete, and the bytes in Bob's download folder
 * (and behind his download link) are Alice's. Then: Bob declines; Alice cancels an offer; names a
 * Windows or a shell would trip on land as safe names; a pasted image goes as a PNG; the transfer
 * cards pass axe in both themes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SequencedEvent } from '../../shared/ipc';
import { SCREENSHOTS, axeViolations, contactRow, conversation, send, startAliceAndBob, type Stack, type User } from './harness';

let stack: Stack;
let alice: User;
let bob: User;
const T = { timeout: 30_000 };
/** Every transfer event each backend sent its window. */
const events = new Map<string, SequencedEvent['event'][]>();

beforeAll(async () => {
  ({ stack, alice, bob } = await startAliceAndBob());
  for (const u of [alice, bob]) {
    const seen: SequencedEvent['event'][] = [];
    events.set(u.handle, seen);
    u.core.subscribe((e) => {
      if (e.event.type.startsWith('transfer.')) seen.push(e.event);
    });
  }
  await contactRow(alice, bob.handle).dblclick();
  await conversation(alice.page).waitFor(T);
  await send(alice.page, 'I have some files for you');
  await conversation(bob.page).waitFor(T);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** In the page: a DataTransfer holding these files (bytes as base64), as a drop from the desktop carries. */
const DROP_DATA = `(files) => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), (ch) => ch.charCodeAt(0));
    dt.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }));
  }
  return dt;
}`;

async function dropFiles(p: Page, files: { name: string; bytes: Buffer }[], screenshot?: string): Promise<void> {
  const dataTransfer = await p.evaluateHandle(`(${DROP_DATA})(${JSON.stringify(files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })))})`);
  const zone = conversation(p).locator('.file-drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await conversation(p).locator('.drop-target').waitFor(T);
  if (screenshot) await p.screenshot({ path: join(SCREENSHOTS, screenshot) });
  await zone.dispatchEvent('drop', { dataTransfer });
  await conversation(p).locator('.drop-target').waitFor({ state: 'detached', ...T });
}

const card = (p: Page, name: string) => conversation(p).locator('.transfer', { has: p.locator('.transfer-file-name', { hasText: name }) }).last();
const stateOf = async (p: Page, name: string) => ((await card(p, name).getAttribute('class')) ?? '').match(/transfer-(offered|waiting|connecting|transferring|completed|declined|cancelled|failed)/)?.[1];
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Bob's copy of a received file, through his download link (and where the link points on disk). */
async function bobsCopy(name: string): Promise<{ bytes: Buffer; path: string; folder: string; savedName: string }> {
  const link = card(bob.page, name).getByRole('link', { name: 'Download' });
  await link.waitFor(T);
  const href = (await link.getAttribute('href')) as string;
  expect(href).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/);
  const r = await bob.context.request.get(`${bob.host.origin}${href}`);
  expect(r.status()).toBe(200);
  const found = bob.core.resolveDownload(href.slice('/files/'.length));
  expect(found).not.toBeNull();
  const path = (found as { path: string }).path;
  expect(readFileSync(path).equals(await r.body())).toBe(true);
  return { bytes: await r.body(), path, folder: dirname(path), savedName: (found as { name: string }).name };
}

describe('file transfer (two browser clients, real server, MSNP12)', { timeout: 120_000 }, () => {
  it('Alice drops a file; Bob accepts; both see it move and complete; the bytes match', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123);
    await dropFiles(alice.page, [{ name: 'holiday-report.pdf', bytes: data }], 'file-transfer-drop-target.png');

    // Bob sees the offer inline: name, size, Accept / Save as... / Decline.
    const offer = card(bob.page, 'holiday-report.pdf');
    await offer.getByRole('button', { name: 'Accept holiday-report.pdf' }).waitFor(T);
    expect(await offer.innerText()).toContain('Alice would like to send you a file:');
    expect(await card(alice.page, 'holiday-report.pdf').innerText()).toContain('You would like to send a file to Bob:');
    expect(await offer.innerText()).toContain('(3 MB)');
    await expect.poll(() => stateOf(alice.page, 'holiday-report.pdf'), T).toBe('waiting');
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-bob-offer.png') });
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-alice-waiting.png') });

    await offer.getByRole('button', { name: 'Accept holiday-report.pdf' }).click();
    // The bar while bytes move (the relay is fast on loopback: a picture only when it is caught).
    const moving = await card(bob.page, 'holiday-report.pdf').locator('progress').waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (moving) await bob.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-bob-progress.png') });
    await expect.poll(() => stateOf(bob.page, 'holiday-report.pdf'), T).toBe('completed');
    await expect.poll(() => stateOf(alice.page, 'holiday-report.pdf'), T).toBe('completed');

    // Both windows were told of bytes moving, and the final count is the whole file.
    for (const u of [alice, bob]) {
      const seen = events.get(u.handle) ?? [];
      expect(seen.some((e) => e.type === 'transfer.changed' && e.transfer.state === 'transferring'), u.handle).toBe(true);
      expect(seen.some((e) => e.type === 'transfer.progress'), u.handle).toBe(true);
      const done = Object.values(u.core.snapshot().state.transfers.byId).find((t) => t.name === 'holiday-report.pdf');
      expect(done).toMatchObject({ state: 'completed', bytes: data.length, size: data.length });
    }
    expect(await card(alice.page, 'holiday-report.pdf').innerText()).toContain('Bob has received holiday-report.pdf.');
    expect(await card(bob.page, 'holiday-report.pdf').innerText()).toContain('Alice sent you a file:');

    const copy = await bobsCopy('holiday-report.pdf');
    expect(sha256(copy.bytes)).toBe(sha256(data));
    expect(copy.savedName).toBe('holiday-report.pdf');
    expect(readdirSync(copy.folder)).toEqual(['holiday-report.pdf']);
    expect(copy.folder.endsWith(join('Downloads', 'Monarch'))).toBe(true);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-bob-completed.png') });
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-alice-completed.png') });
  });

  it('Bob declines; Alice sees it was declined; nothing is written', async () => {
    await dropFiles(alice.page, [{ name: 'unwanted.zip', bytes: randomBytes(2048) }]);
    const offer = card(bob.page, 'unwanted.zip');
    await offer.getByRole('button', { name: 'Decline unwanted.zip' }).click(T);
    await expect.poll(() => stateOf(alice.page, 'unwanted.zip'), T).toBe('declined');
    expect(await card(alice.page, 'unwanted.zip').innerText()).toContain('was declined by Bob');
    await expect.poll(() => stateOf(bob.page, 'unwanted.zip'), T).toBe('declined');
    const folder = (await bobsCopy('holiday-report.pdf')).folder;
    expect(readdirSync(folder)).toEqual(['holiday-report.pdf']);
  });

  it('Alice cancels her offer before Bob answers; Bob sees it was cancelled', async () => {
    await dropFiles(alice.page, [{ name: 'changed-my-mind.txt', bytes: Buffer.from('never mind') }]);
    await card(bob.page, 'changed-my-mind.txt').getByRole('button', { name: 'Accept changed-my-mind.txt' }).waitFor(T);
    await card(alice.page, 'changed-my-mind.txt').getByRole('button', { name: 'Cancel' }).click(T);
    await expect.poll(() => stateOf(alice.page, 'changed-my-mind.txt'), T).toBe('cancelled');
    await expect.poll(() => stateOf(bob.page, 'changed-my-mind.txt'), T).toBe('cancelled');
    expect(await card(bob.page, 'changed-my-mind.txt').innerText()).toContain('was cancelled by Alice');
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-bob-declined-cancelled.png') });
  });

  it('names Windows or a shell would trip on land as safe names in Bob’s folder', async () => {
    // `shown`: a part of the name as the card shows it (the announced name, as text).
    const hostile = [
      { name: 'aux.txt', shown: 'aux.txt', bytes: Buffer.from('device name') },
      { name: 'bad\u0001name?<x>.txt', shown: 'name?<x>.txt', bytes: Buffer.from('control characters') },
      { name: `${'long'.repeat(100)}.txt`, shown: 'longlonglong', bytes: Buffer.from('a long name') },
    ];
    await dropFiles(alice.page, hostile);
    for (const f of hostile) await card(bob.page, f.shown).getByRole('button', { name: /^Accept / }).click(T);
    for (const f of hostile) await expect.poll(() => stateOf(bob.page, f.shown), T).toBe('completed');
    const folder = (await bobsCopy('holiday-report.pdf')).folder;
    const names = readdirSync(folder).sort();
    expect(names).toContain('_aux.txt');
    expect(names).toContain('bad_name__x_.txt');
    const long = names.find((n) => n.startsWith('longlong')) as string;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.txt')).toBe(true);
    expect(names.some((n) => n.endsWith('.part'))).toBe(false);
    expect(readFileSync(join(folder, '_aux.txt'), 'utf8')).toBe('device name');
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'file-transfer-bob-hostile-names.png') });
  });

  it('an image pasted into the message box goes as a PNG file', async () => {
    await conversation(alice.page).getByLabel('Type your message').focus();
    // A 40x30 JPEG on the clipboard, pasted where the user types.
    await alice.page.evaluate(`new Promise((resolve) => {
      const c = document.createElement('canvas');
      c.width = 40;
      c.height = 30;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#e00000';
      ctx.fillRect(0, 0, 40, 30);
      c.toBlob((blob) => {
        const dt = new DataTransfer();
        dt.items.add(new File([blob], 'image.jpg', { type: 'image/jpeg' }));
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        resolve(true);
      }, 'image/jpeg');
    })`);
    const offer = card(bob.page, 'Pasted image');
    await offer.getByRole('button', { name: /^Accept Pasted image .*\.png$/ }).click(T);
    await expect.poll(() => stateOf(bob.page, 'Pasted image'), T).toBe('completed');
    const link = (await offer.getByRole('link', { name: 'Download' }).getAttribute('href')) as string;
    const png = (bob.core.resolveDownload(link.slice('/files/'.length)) as { path: string }).path;
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // IHDR: width and height as the pasted image had them.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([40, 30]);
    expect(await conversation(alice.page).getByLabel('Type your message').inputValue()).toBe('');
  });

  it('the transfer cards pass axe in the light and the dark theme', async () => {
    await dropFiles(alice.page, [{ name: 'pending-offer.txt', bytes: Buffer.from('pending') }]);
    await card(bob.page, 'pending-offer.txt').getByRole('button', { name: 'Accept pending-offer.txt' }).waitFor(T);
    for (const theme of ['light', 'dark'] as const) {
      await bob.page.emulateMedia({ colorScheme: theme });
      await alice.page.emulateMedia({ colorScheme: theme });
      await bob.page.waitForTimeout(200);
      await bob.page.screenshot({ path: join(SCREENSHOTS, `file-transfer-bob-${theme}.png`) });
      expect(await axeViolations(bob.page), `Bob, ${theme}`).toEqual([]);
      expect(await axeViolations(alice.page), `Alice, ${theme}`).toEqual([]);
    }
  });

  it('an offer reaches Bob when he has no conversation with Alice open: one opens with the offer in it', async () => {
    await conversation(bob.page).getByRole('button', { name: /^Close conversation/ }).click();
    await expect.poll(() => conversation(bob.page).count(), T).toBe(0);
    await dropFiles(alice.page, [{ name: 'out-of-the-blue.txt', bytes: Buffer.from('surprise') }]);
    const offer = card(bob.page, 'out-of-the-blue.txt');
    await offer.getByRole('button', { name: 'Accept out-of-the-blue.txt' }).waitFor(T);
    await offer.getByRole('button', { name: 'Accept out-of-the-blue.txt' }).click();
    await expect.poll(() => stateOf(alice.page, 'out-of-the-blue.txt'), T).toBe('completed');
    expect((await bobsCopy('out-of-the-blue.txt')).bytes.toString()).toBe('surprise');
  });
});
