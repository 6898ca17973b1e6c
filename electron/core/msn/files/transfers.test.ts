import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../clock';
import { FileTransferError, type CarrierHost, type FileCarrier, type TransferReporter } from './carrier';
import { FileTransferRegistry } from './transfers';
import type { FileSink, FileSource, TransferEndReason, TransferInfo, TransferProtocol } from './types';

class ManualClock implements Clock {
  t = 1000;
  now(): number {
    return this.t;
  }
  setTimeout(): TimerHandle {
    return {} as TimerHandle;
  }
  clearTimeout(): void {}
}

class FakeCarrier implements FileCarrier {
  host: CarrierHost | undefined;
  reporters = new Map<string, TransferReporter>();
  calls: string[] = [];
  sinks = new Map<string, FileSink>();
  failSend: Error | undefined;
  constructor(readonly protocol: TransferProtocol) {}
  attach(host: CarrierHost): void {
    this.host = host;
  }
  async send(peer: string, source: FileSource, _o: unknown, reporter: TransferReporter): Promise<void> {
    this.calls.push(`send ${peer} ${source.name}`);
    if (this.failSend) throw this.failSend;
    this.reporters.set(reporter.id, reporter);
  }
  async accept(id: string, sink: FileSink): Promise<void> {
    this.calls.push(`accept ${id}`);
    this.sinks.set(id, sink);
  }
  decline(id: string): void {
    this.calls.push(`decline ${id}`);
  }
  cancel(id: string): void {
    this.calls.push(`cancel ${id}`);
  }
}

const source = (size: number, name = 'a.txt'): FileSource => ({
  name,
  size,
  async *open() {
    yield new Uint8Array(size);
  },
});

class RecordingSink implements FileSink {
  written = 0;
  finished = false;
  aborted: TransferEndReason[] = [];
  async write(c: Uint8Array): Promise<void> {
    this.written += c.length;
  }
  async finish(): Promise<void> {
    this.finished = true;
  }
  async abort(reason: TransferEndReason): Promise<void> {
    this.aborted.push(reason);
  }
}

function setup(route: TransferProtocol = 'p2p') {
  const clock = new ManualClock();
  let n = 0;
  const reg = new FileTransferRegistry({ clock, route: () => route, newId: () => `t${++n}`, keepFinished: 3, maxOffered: 2 });
  const p2p = new FakeCarrier('p2p');
  reg.registerCarrier(p2p);
  const updates: TransferInfo[] = [];
  const progress: number[] = [];
  reg.events.on('updated', (i) => updates.push(i));
  reg.events.on('progress', (p) => progress.push(p.bytes));
  return { clock, reg, p2p, updates, progress };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('FileTransferRegistry', () => {
  it('an outgoing transfer goes waiting → connecting → transferring → completed, with throttled progress', async () => {
    const { clock, reg, p2p, updates, progress } = setup();
    const info = await reg.send('Bob@Example.com', source(10_000));
    expect(info).toMatchObject({ id: 't1', direction: 'outgoing', protocol: 'p2p', peer: 'bob@example.com', state: 'waiting', size: 10_000, bytes: 0 });
    const r = p2p.reporters.get('t1') as TransferReporter;
    r.transferring(); // passes through connecting
    for (let b = 50; b <= 10_000; b += 50) {
      clock.t += 10;
      r.progress(b);
    }
    r.completed();
    expect(updates.map((u) => u.state)).toEqual(['waiting', 'connecting', 'transferring', 'completed']);
    // 200 reports over 2 s: at most one per 100 ms, each ≥ 1 %, plus the final one.
    expect(progress.length).toBeLessThanOrEqual(21);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(10_000);
    expect(reg.get('t1')?.state).toBe('completed');
    // Nothing after a final state.
    r.failed('timeout');
    r.transferring();
    expect(reg.get('t1')?.state).toBe('completed');
  });

  it('an incoming offer: accept writes to the sink; failure aborts it once; decline tells the carrier', async () => {
    const { reg, p2p } = setup();
    const offered: TransferInfo[] = [];
    reg.events.on('offered', (i) => offered.push(i));
    const r1 = p2p.host?.offer({ peer: 'Alice@example.com', name: '../../etc/passwd', size: 5 }) as TransferReporter;
    await flush();
    expect(offered[0]).toMatchObject({ id: 't1', direction: 'incoming', state: 'offered', peer: 'alice@example.com', name: '../../etc/passwd' });
    const sink = new RecordingSink();
    await reg.accept('t1', sink);
    expect(reg.get('t1')?.state).toBe('connecting');
    const carrierSink = p2p.sinks.get('t1') as FileSink;
    await carrierSink.write(new Uint8Array(3));
    r1.failed('size-mismatch', 'too many bytes');
    r1.failed('timeout');
    await flush();
    expect(sink.aborted).toEqual(['size-mismatch']);
    expect(reg.get('t1')).toMatchObject({ state: 'failed', reason: 'size-mismatch', detail: 'too many bytes' });
    await expect(carrierSink.write(new Uint8Array(1))).rejects.toBeInstanceOf(FileTransferError);

    p2p.host?.offer({ peer: 'alice@example.com', name: 'b', size: 1 });
    reg.decline('t2');
    expect(p2p.calls).toContain('decline t2');
    expect(reg.get('t2')).toMatchObject({ state: 'declined', reason: 'declined' });
    await expect(reg.accept('t2', new RecordingSink())).rejects.toMatchObject({ reason: 'bad-state' });
    await expect(reg.accept('nope', new RecordingSink())).rejects.toMatchObject({ reason: 'unknown-transfer' });
  });

  it('a completed incoming transfer never aborts its sink; cancel by me aborts and tells the carrier', async () => {
    const { reg, p2p } = setup();
    const r = p2p.host?.offer({ peer: 'a@b.c', name: 'x', size: 2 }) as TransferReporter;
    const sink = new RecordingSink();
    await reg.accept('t1', sink);
    await p2p.sinks.get('t1')?.write(new Uint8Array(2));
    await p2p.sinks.get('t1')?.finish();
    r.completed();
    reg.cancel('t1');
    await flush();
    expect(sink).toMatchObject({ written: 2, finished: true, aborted: [] });

    p2p.host?.offer({ peer: 'a@b.c', name: 'y', size: 2 });
    const sink2 = new RecordingSink();
    await reg.accept('t2', sink2);
    reg.cancel('t2');
    await flush();
    expect(sink2.aborted).toEqual(['cancelled-by-me']);
    expect(p2p.calls).toContain('cancel t2');
    expect(reg.get('t2')).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-me' });
  });

  it('a declined outgoing offer, a peer cancel, and only legal transitions', async () => {
    const { reg, p2p } = setup();
    await reg.send('bob@example.com', source(1));
    const r = p2p.reporters.get('t1') as TransferReporter;
    r.declined('603');
    expect(reg.get('t1')).toMatchObject({ state: 'declined', reason: 'declined' });
    await reg.send('bob@example.com', source(1));
    const r2 = p2p.reporters.get('t2') as TransferReporter;
    r2.connecting();
    r2.declined(); // not legal once accepted
    expect(reg.get('t2')?.state).toBe('connecting');
    r2.cancelledByPeer();
    expect(reg.get('t2')).toMatchObject({ state: 'cancelled', reason: 'cancelled-by-peer' });
  });

  it('no carrier for the route: not-supported, nothing registered; a failing send leaves nothing behind', async () => {
    const { reg, p2p } = setup('msnftp');
    await expect(reg.send('old@example.com', source(1))).rejects.toMatchObject({ name: 'FileTransferError', reason: 'not-supported' });
    expect(reg.list()).toEqual([]);
    const reg2 = setup().reg;
    const c = new FakeCarrier('p2p');
    c.failSend = new Error('unreachable');
    reg2.registerCarrier(c);
    await expect(reg2.send('x@y.z', source(1))).rejects.toBeInstanceOf(FileTransferError);
    expect(reg2.list()).toEqual([]);
    expect(p2p.calls).toEqual([]);
    await expect(reg.send('x@y.z', source(-1))).rejects.toMatchObject({ reason: 'read-failed' });
  });

  it('bounds: offers waiting for the user, and finished transfers kept', async () => {
    const { reg, p2p } = setup();
    expect(p2p.host?.offer({ peer: 'a@b.c', name: '1', size: 1 })).toBeDefined();
    expect(p2p.host?.offer({ peer: 'a@b.c', name: '2', size: 1 })).toBeDefined();
    expect(p2p.host?.offer({ peer: 'a@b.c', name: '3', size: 1 })).toBeUndefined();
    reg.decline('t1');
    reg.decline('t2');
    for (let i = 0; i < 4; i++) {
      p2p.host?.offer({ peer: 'a@b.c', name: `n${i}`, size: 1 });
      reg.decline(reg.list().find((t) => t.state === 'offered')?.id ?? '');
    }
    // keepFinished 3: only the last three finished remain.
    expect(reg.list().map((t) => t.name)).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('chooseFileProtocol', () => {
  it('P2P needs MSNP9+ and an MSNC nibble; anything else is MSNFTP', async () => {
    const { chooseFileProtocol } = await import('./routing');
    expect(chooseFileProtocol(9, 0x10000000)).toBe('p2p');
    expect(chooseFileProtocol(12, 0xa0000020)).toBe('p2p');
    expect(chooseFileProtocol(12, 0x0000000c)).toBe('msnftp');
    expect(chooseFileProtocol(12, undefined)).toBe('msnftp');
    expect(chooseFileProtocol(8, 0x10000000)).toBe('msnftp');
  });
});
