/**
 * The switchboard's relay of P2P `MSG … D` (MSNP-P2P.md §9) against what real clients do: ack `D`
 * answered with `ACK t`, payloads relayed byte for byte to every other participant (clients filter
 * on `P2P-Dest`), `D` only with the P2P content type (else `282`), the 1664-byte cap, and rate limits
 * that let P2P streams through: a 500 KB picture back to back, three parallel serves of one picture
 * (aMSN 0.99 sends three INVITEs for one picture, §13.4), and 2 MB in a row on one switchboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../shared/msnp/index';
import { buildP2pEnvelope, splitP2pMessage } from '../../shared/msnp/p2p';
import type { RunningServer } from '../../server/index';
import { answerRing, call, openSwitchboard, setState, signIn, startTestServer, syncAll, type SbClient, type SignedIn } from './helpers/msnp';

let server: RunningServer;
let n = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function fresh(name: string): Promise<SignedIn> {
  const h = `${name}${++n}@example.com`;
  await server.accounts.add(h, 'pw', name);
  const s = await signIn(server, 12, h, 'pw');
  await syncAll(s);
  await setState(s, 'NLN');
  return s;
}

/** A, B and C in one switchboard. */
async function three(): Promise<{ A: SignedIn; sa: SbClient; sb: SbClient; sc: SbClient; B: SignedIn; C: SignedIn }> {
  const A = await fresh('a');
  const B = await fresh('b');
  const C = await fresh('c');
  const sa = await openSwitchboard(A);
  await call(sa, B.handle);
  const { sb } = await answerRing(B, A.handle);
  await call(sa, C.handle);
  const { sb: sc } = await answerRing(C, A.handle);
  await sa.client.expect('JOI', [B.handle]);
  await sa.client.expect('JOI', [C.handle]);
  sa.client.discardUnread();
  sb.client.discardUnread();
  sc.client.discardUnread();
  return { A, B, C, sa, sb, sc };
}

/** The SB payloads of a picture of `size` bytes for `dest`, as our client sends them. */
function picturePayloads(dest: string, size: number, identifier: number): Uint8Array[] {
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 13 + identifier) & 0xff);
  return splitP2pMessage({ sessionId: 77, identifier, flags: 0x20, ackId: 5, payload: data, footer: 1 }).map((c) => buildP2pEnvelope(dest, c));
}

async function collect(s: SbClient, verb: string, count: number, ms = 15_000): Promise<Command[]> {
  const got: Command[] = [];
  const deadline = Date.now() + ms;
  while (got.filter((c) => c.verb === verb).length < count) {
    if (Date.now() > deadline) throw new Error(`${s.handle}: ${got.filter((c) => c.verb === verb).length}/${count} ${verb}; other: ${[...new Set(got.map((c) => c.verb))].join(',')}`);
    got.push(...s.client.discardUnread());
    await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

/**
 * Send every payload as `MSG t D`, at most `window` without their `ACK t` (as a client does: the
 * SB's ACKs are the flow control, MSNP-P2P.md §3.7); expect one `ACK t` each and the same bytes at
 * B and C.
 */
async function relayAll(t: Awaited<ReturnType<typeof three>>, payloads: Uint8Array[], window = 32): Promise<void> {
  const { sa, sb, sc, A } = t;
  const replies: Command[] = [];
  let sent = 0;
  const deadline = Date.now() + 20_000;
  while (replies.length < payloads.length) {
    while (sent < payloads.length && sent - replies.length < window) sa.client.send('MSG', ['D'], payloads[sent++] as Uint8Array);
    replies.push(...sa.client.discardUnread());
    if (Date.now() > deadline) throw new Error(`${replies.length}/${payloads.length} replies`);
    await new Promise((r) => setImmediate(r));
  }
  expect(replies.filter((c) => c.verb !== 'ACK').map((c) => c.verb)).toEqual([]); // no 713, NAK or 282
  for (const s of [sb, sc]) {
    const msgs = (await collect(s, 'MSG', payloads.length)).filter((c) => c.verb === 'MSG');
    expect(msgs.map((m) => m.params[0])).toEqual(payloads.map(() => A.handle));
    msgs.forEach((m, i) => expect(Buffer.from(m.payload as Uint8Array).equals(Buffer.from(payloads[i] as Uint8Array))).toBe(true));
  }
}

describe('P2P relay on the switchboard', () => {
  it('a 500 KB picture back to back: every chunk acknowledged and relayed verbatim to every other participant', async () => {
    const t = await three();
    const payloads = picturePayloads(t.B.handle, 500 * 1024, 1);
    expect(payloads.length).toBe(426);
    expect(Math.max(...payloads.map((p) => p.length))).toBeLessThanOrEqual(1664);
    await relayAll(t, payloads);
    for (const s of [t.A, t.B, t.C]) s.client.close();
  });

  it('three parallel serves of one 1 MB picture and then another 1 MB on the same switchboard', async () => {
    const t = await three();
    const parallel: Uint8Array[] = [];
    const streams = [1, 2, 3].map((id) => picturePayloads(t.B.handle, 1000 * 1024, id));
    for (let i = 0; i < (streams[0] as Uint8Array[]).length; i++) for (const s of streams) parallel.push(s[i] as Uint8Array);
    await relayAll(t, parallel);
    await relayAll(t, picturePayloads(t.B.handle, 1000 * 1024, 4));
    for (const s of [t.A, t.B, t.C]) s.client.close();
  });

  it('D with another content type → 282; over 1664 bytes → disconnect', async () => {
    const t = await three();
    const tr = t.sa.client.send('MSG', ['D'], 'MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi');
    const r = await t.sa.client.reply(tr);
    expect(r.verb).toBe('282');
    const big = new Uint8Array(1665);
    big.set(new TextEncoder().encode('MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: x@example.com\r\n\r\n'));
    t.sa.client.send('MSG', ['D'], big);
    await t.sa.client.waitClosed();
    for (const s of [t.A, t.B, t.C]) s.client.close();
  });
});
