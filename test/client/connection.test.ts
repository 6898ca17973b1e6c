import { afterEach, describe, expect, it } from 'vitest';
import { SerializeError, buildAdc, buildChg, buildCvrRequest, buildPng, buildReaRequest, buildSynRequest, buildUsrAuth, buildVer } from '../../shared/msnp';
import { Connection, RequestError, type CloseReason } from '../../electron/core/msn/connection';
import type { TrafficEntry } from '../../electron/core/msn/traffic';
import { FakeServer, sleep, type ConnHandler } from './helpers/fake-server';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

type ConnectionExtras = Partial<ConstructorParameters<typeof Connection>[0]>;

function conn(s: FakeServer, extra: ConnectionExtras = {}): Connection {
  return new Connection({ host: s.host, port: s.port, name: 'ns', ...extra });
}

/** An open connection to a fake server that runs `script` on it. */
async function openTo(script: ConnHandler, extra: ConnectionExtras = {}): Promise<{ c: Connection; fake: FakeServer }> {
  const fake = await FakeServer.start([script]);
  server = fake; // for afterEach
  const c = conn(fake, extra);
  await c.open();
  return { c, fake };
}

describe('Connection', () => {
  it('matches replies to requests by TrID, routes async commands to handlers, keeps unknown ones', async () => {
    server = await FakeServer.start([
      async (c) => {
        const a = await c.expect('VER 1 MSNP8 CVR0');
        const b = await c.expect('CVR 2 ...');
        // Reply out of order, with an async NLN and an unknown verb in between.
        c.send(`CVR ${b.trId} 1.0 1.0 1.0 x y`);
        c.send('NLN NLN bob@example.com Bob 0');
        c.send('ZZZ 9 whatever');
        c.send(`VER ${a.trId} MSNP8`);
        await c.waitClosed();
      },
    ]);
    const c = conn(server);
    const seen: string[] = [];
    c.handle('NLN', (cmd) => seen.push(cmd.params.join(' ')));
    const unknown: string[] = [];
    c.events.on('unhandled', (cmd) => unknown.push(cmd.verb));
    await c.open();
    expect(c.status).toBe('connected');
    const ver = c.call((trId) => buildVer({ trId, dialects: ['MSNP8', 'CVR0'] }));
    const cvr = c.call((trId) =>
      buildCvrRequest({ trId, locale: '0x0409', osType: 'winnt', osVersion: '5.1', arch: 'i386', library: 'MSNMSGR', clientVersion: '5.0', clientName: 'MSMSGS', handle: 'a@b.c' }, 8),
    );
    expect((await cvr).params[0]).toBe('1.0');
    expect((await ver).params).toEqual(['MSNP8']);
    expect(seen).toEqual(['NLN bob@example.com Bob 0']);
    expect(unknown).toEqual(['ZZZ']);
    c.close();
    await server.finished();
  });

  it('rejects a call on a numeric error with the decoded protocol error', async () => {
    const { c, fake } = await openTo(async (s) => {
      await s.expect('ADC * FL N=x@example.com F=x');
      s.send('208 $t');
      await s.waitClosed();
    });
    const err = await c.call((trId) => buildAdc({ trId, list: 'FL', handle: 'x@example.com', friendlyName: 'x' }, 12)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).kind).toBe('protocol');
    expect((err as RequestError).code).toBe(208);
    c.close();
    await fake.finished();
  });

  it('times out a call and fails pending ones when the server closes', async () => {
    const { c, fake } = await openTo(
      async (s) => {
        await s.expect('SYN 1 0');
        await s.expect('CHG 2 NLN');
        await sleep(80);
        s.send('OUT SSD');
        s.close();
      },
      { requestTimeoutMs: 30 },
    );
    const syn = c.call((trId) => buildSynRequest({ trId, listVersion: '0' }, 7)).catch((e: unknown) => e);
    const chg = c.call((trId) => buildChg({ trId, state: 'NLN' }, 7), { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(((await syn) as RequestError).kind).toBe('timeout');
    const closed = new Promise<CloseReason>((r) => c.events.on('close', r));
    const reason = await closed;
    expect(reason.kind).toBe('out');
    expect(reason.outCode).toBe('SSD');
    const chgErr = (await chg) as RequestError;
    expect(chgErr.kind).toBe('closed');
    expect(chgErr.closeReason?.outCode).toBe('SSD');
    expect(c.status).toBe('closed');
    await fake.finished();
  });

  it('survives malformed lines and a throwing handler', async () => {
    server = await FakeServer.start([
      async (c) => {
        c.write('lowercase junk\r\n\r\nMSG Hotmail Hotmail notanumber\r\nNLN NLN a@b.c A 0\r\n');
        await c.expect('PNG');
        c.send('QNG 60');
        await c.waitClosed();
      },
    ]);
    const c = conn(server);
    const codecErrors: string[] = [];
    c.events.on('codec-error', (e) => codecErrors.push(e.code));
    const handlerErrors: string[] = [];
    c.events.on('handler-error', (e) => handlerErrors.push(e.verb));
    c.handle('NLN', () => {
      throw new Error('boom');
    });
    const qng = new Promise<string>((r) => c.handle('QNG', (cmd) => r(cmd.params[0] ?? '')));
    await c.open();
    c.send(buildPng({}, 9));
    expect(await qng).toBe('60');
    expect(codecErrors).toEqual(['BAD_VERB', 'EMPTY_LINE', 'BAD_PAYLOAD_LENGTH']);
    expect(handlerErrors).toEqual(['NLN']);
    expect(c.isOpen).toBe(true);
    c.close();
    await server.finished();
  });

  it('rejects a call whose builder refuses the value, sends nothing, and carries on', async () => {
    const { c, fake } = await openTo(async (s) => {
      // REA does not exist in MSNP10 (MSNP.md §2.6): the next line the server sees is the SYN.
      await s.expect('SYN 2 0 0');
      s.send('SYN $t 0 0');
      await s.waitClosed();
    });
    const rea = c.call((trId) => buildReaRequest({ trId, handle: 'a@b.c', friendlyName: 'A' }, 10));
    await expect(rea).rejects.toBeInstanceOf(SerializeError);
    const syn = await c.call((trId) => buildSynRequest({ trId, listVersion: '0' }, 10));
    expect(syn.params).toEqual(['0', '0']);
    c.close();
    await fake.finished();
  });

  it('reports a refused connection as a socket error', async () => {
    const s = await FakeServer.start([]);
    const port = s.port;
    await s.stop();
    const c = new Connection({ host: '127.0.0.1', port, name: 'ns' });
    const err = (await c.open().catch((e: unknown) => e)) as RequestError;
    expect(err.closeReason?.kind).toBe('socket-error');
    expect(err.closeReason?.errno).toBe('ECONNREFUSED');
    expect(c.status).toBe('closed');
  });

  it('masks secrets in the traffic tap', async () => {
    server = await FakeServer.start([
      async (c) => {
        await c.expect('USR 1 TWN S t=secret&p=x');
        c.send('XFR 5 SB 127.0.0.1:1 CKI cookie123');
        await c.waitClosed();
      },
    ]);
    const entries: TrafficEntry[] = [];
    const c = conn(server, { tap: (e) => entries.push(e) });
    const xfr = new Promise<void>((r) => c.handle('XFR', () => r()));
    await c.open();
    c.send(buildUsrAuth({ trId: 1, method: 'TWN', stage: 'S', value: 't=secret&p=x' }, 8));
    await xfr;
    expect(entries.map((e) => e.line)).toEqual(['USR 1 TWN S ***', 'XFR 5 SB 127.0.0.1:1 CKI ***']);
    c.close();
    await server.finished();
  });
});
