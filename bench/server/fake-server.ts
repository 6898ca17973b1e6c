/**
 * A deliberately tiny MSNP server for the load generator's own tests: just enough NS, SB and
 * Nexus to exercise every path the benchmark drives (MD5 and TWN login, SYN, CHG with NLN fan-out
 * and a CHL after the first CHG, ADD/ADC FL, XFR SB, CAL/RNG/ANS/JOI, MSG relay with ACK/NAK,
 * an optional dispatch referral). It trusts its input and keeps everything in maps; it is not
 * the bundled server and proves nothing about it. Framing uses the shared codec like everything
 * else.
 */
import http from 'node:http';
import net from 'node:net';
import {
  Parser,
  md5LoginResponse,
  parseDialectName,
  parsePassportAuthorization,
  buildAuthenticationInfo,
  serialize,
  ticketToken,
  verifyChallengeResponse,
  type Command,
  type CommandInit,
} from '../../shared/msnp';

interface NsSession {
  readonly socket: net.Socket;
  dialect: number;
  handle: string | undefined;
  challenge: string | undefined;
  state: string | undefined;
  firstChg: boolean;
  pendingChl: string | undefined;
}

interface SbSession {
  readonly socket: net.Socket;
  handle: string | undefined;
  room: Room | undefined;
}

interface Room {
  readonly id: number;
  readonly members: Set<SbSession>;
}

export interface FakeServerOptions {
  /** Accounts: handle → password. */
  readonly accounts: ReadonlyMap<string, string>;
  /** Answer the first USR with an XFR NS referral to ourselves (a dispatch server). */
  readonly dispatch?: boolean;
}

export class FakeMsnpServer {
  readonly qryFailures: string[] = [];
  private readonly ns = net.createServer((s) => this.serveNs(s));
  private readonly sb = net.createServer((s) => this.serveSb(s));
  private readonly nexus = http.createServer((req, res) => this.serveHttp(req, res));
  private readonly online = new Map<string, NsSession>();
  /** owner → handles on the owner's FL. */
  private readonly forward = new Map<string, Set<string>>();
  private readonly cookies = new Map<string, { handle: string; room: Room | undefined }>();
  private readonly tickets = new Map<string, string>();
  private readonly rooms = new Map<number, Room>();
  private readonly sockets = new Set<net.Socket>();
  /** Handles already referred once (dispatch mode). */
  private readonly dispatched = new Set<string>();
  private nextId = 1;

  constructor(private readonly opts: FakeServerOptions) {}

  get nsPort(): number {
    return (this.ns.address() as net.AddressInfo).port;
  }

  get nexusUrl(): string {
    return `http://127.0.0.1:${(this.nexus.address() as net.AddressInfo).port}/rdr/pprdr.asp`;
  }

  private get sbPort(): number {
    return (this.sb.address() as net.AddressInfo).port;
  }

  async start(): Promise<void> {
    for (const s of [this.ns, this.sb, this.nexus]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.nexus.closeAllConnections();
    for (const s of [this.ns, this.sb, this.nexus]) await new Promise<void>((r) => s.close(() => r()));
  }

  private track(socket: net.Socket, onCommand: (cmd: Command) => void, onClose: () => void): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const parser = new Parser({ direction: 'toServer' });
    socket.on('data', (chunk) => {
      for (const c of parser.push(chunk)) if (c.kind === 'command') onCommand(c);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      onClose();
    });
  }

  private serveNs(socket: net.Socket): void {
    const s: NsSession = { socket, dialect: 0, handle: undefined, challenge: undefined, state: undefined, firstChg: true, pendingChl: undefined };
    const send = (c: CommandInit): void => {
      if (!socket.destroyed) socket.write(serialize(c, 'toClient'));
    };
    this.track(
      socket,
      (c) => {
        const t = c.trId;
        const p = c.params;
        switch (c.verb) {
          case 'VER': {
            s.dialect = Math.max(...p.map((d) => parseDialectName(d) ?? 0));
            return send({ verb: 'VER', trId: t, params: [`MSNP${s.dialect}`, 'CVR0'] });
          }
          case 'INF':
            return send({ verb: 'INF', trId: t, params: ['MD5'] });
          case 'CVR':
            return send({ verb: 'CVR', trId: t, params: ['7.5.0324', '7.5.0324', '7.5.0324', 'http://x', 'http://x'] });
          case 'USR': {
            const [pkg, stage, arg] = p;
            if (stage === 'I') {
              // As a dispatch server: refer each handle's first login to ourselves (MSNP.md §1.1).
              if (this.opts.dispatch && !this.dispatched.has(arg ?? '')) {
                this.dispatched.add(arg ?? '');
                send({ verb: 'XFR', trId: t, params: ['NS', `127.0.0.1:${this.nsPort}`, '0', `127.0.0.1:${this.nsPort}`] });
                socket.end();
                return;
              }
              s.handle = arg;
              s.challenge = pkg === 'MD5' ? `${Date.now()}.${this.nextId++}` : 'ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1';
              return send({ verb: 'USR', trId: t, params: [pkg ?? '', 'S', s.challenge] });
            }
            const handle = s.handle ?? '';
            const password = this.opts.accounts.get(handle);
            const ok =
              pkg === 'MD5'
                ? password !== undefined && arg === md5LoginResponse(s.challenge ?? '', password)
                : this.tickets.get(ticketToken(arg ?? '') ?? '') === handle;
            if (!ok) {
              send({ verb: '911', trId: t });
              socket.end();
              return;
            }
            this.online.get(handle)?.socket.destroy();
            this.online.set(handle, s);
            return send({ verb: 'USR', trId: t, params: s.dialect >= 10 ? ['OK', handle, '1', '0'] : ['OK', handle, handle, '1', '0'] });
          }
          case 'SYN':
            return send({ verb: 'SYN', trId: t, params: s.dialect >= 10 ? ['0', '0'] : ['0'] });
          case 'CHG': {
            s.state = p[0];
            send({ verb: 'CHG', trId: t, params: [...p] });
            for (const [owner, list] of this.forward) {
              const watcher = this.online.get(owner);
              if (watcher && s.handle !== undefined && list.has(s.handle)) {
                watcher.socket.write(serialize({ verb: 'NLN', params: [s.state ?? 'NLN', s.handle, s.handle, ...(s.dialect >= 8 ? ['0'] : [])] }, 'toClient'));
              }
            }
            if (s.firstChg && s.dialect >= 6) {
              s.pendingChl = String(10_000_000_000 + this.nextId++);
              send({ verb: 'CHL', trId: 0, params: [s.pendingChl] });
            }
            s.firstChg = false;
            return;
          }
          case 'QRY': {
            const answer = new TextDecoder().decode(c.payload);
            if (!verifyChallengeResponse(s.dialect, s.pendingChl ?? '', p[0] ?? '', answer)) this.qryFailures.push(`${s.handle}: ${answer}`);
            return send({ verb: 'QRY', trId: t });
          }
          case 'ADD':
          case 'ADC': {
            const contact = c.verb === 'ADD' ? (p[1] ?? '') : (p[1] ?? '').replace(/^N=/, '');
            const list = this.forward.get(s.handle ?? '') ?? new Set<string>();
            this.forward.set(s.handle ?? '', list);
            if (list.has(contact)) return send({ verb: '215', trId: t });
            list.add(contact);
            return send({ verb: c.verb, trId: t, params: c.verb === 'ADD' ? ['FL', '1', contact, contact] : ['FL', `N=${contact}`, `F=${contact}`, `C=${this.nextId++}`] });
          }
          case 'XFR': {
            const cookie = `c${this.nextId++}`;
            this.cookies.set(cookie, { handle: s.handle ?? '', room: undefined });
            return send({ verb: 'XFR', trId: t, params: ['SB', `127.0.0.1:${this.sbPort}`, 'CKI', cookie] });
          }
          case 'PNG':
            return send({ verb: 'QNG', params: s.dialect >= 9 ? ['60'] : [] });
          case 'OUT':
            socket.end();
            return;
        }
      },
      () => {
        if (s.handle !== undefined && this.online.get(s.handle) === s) this.online.delete(s.handle);
      },
    );
  }

  private serveSb(socket: net.Socket): void {
    const s: SbSession = { socket, handle: undefined, room: undefined };
    const send = (c: CommandInit): void => {
      if (!socket.destroyed) socket.write(serialize(c, 'toClient'));
    };
    const others = (): SbSession[] => [...(s.room?.members ?? [])].filter((m) => m !== s);
    this.track(
      socket,
      (c) => {
        const t = c.trId;
        const p = c.params;
        switch (c.verb) {
          case 'USR': {
            const ck = this.cookies.get(p[1] ?? '');
            if (ck === undefined || ck.handle !== p[0]) return send({ verb: '911', trId: t });
            this.cookies.delete(p[1] ?? '');
            s.handle = ck.handle;
            s.room = { id: this.nextId++, members: new Set([s]) };
            this.rooms.set(s.room.id, s.room);
            return send({ verb: 'USR', trId: t, params: ['OK', s.handle, s.handle] });
          }
          case 'CAL': {
            const callee = this.online.get(p[0] ?? '');
            if (callee === undefined || s.room === undefined) return send({ verb: '217', trId: t });
            const cookie = `r${this.nextId++}`;
            this.cookies.set(cookie, { handle: p[0] ?? '', room: s.room });
            send({ verb: 'CAL', trId: t, params: ['RINGING', String(s.room.id)] });
            callee.socket.write(serialize({ verb: 'RNG', params: [String(s.room.id), `127.0.0.1:${this.sbPort}`, 'CKI', cookie, s.handle ?? '', s.handle ?? ''] }, 'toClient'));
            return;
          }
          case 'ANS': {
            const ck = this.cookies.get(p[1] ?? '');
            if (ck === undefined || ck.room === undefined || ck.handle !== p[0]) return send({ verb: '911', trId: t });
            this.cookies.delete(p[1] ?? '');
            s.handle = ck.handle;
            s.room = ck.room;
            const present = [...s.room.members];
            present.forEach((m, i) => send({ verb: 'IRO', trId: t, params: [String(i + 1), String(present.length), m.handle ?? '', m.handle ?? ''] }));
            send({ verb: 'ANS', trId: t, params: ['OK'] });
            for (const m of present) m.socket.write(serialize({ verb: 'JOI', params: [s.handle, s.handle] }, 'toClient'));
            s.room.members.add(s);
            return;
          }
          case 'MSG': {
            const to = others();
            for (const m of to) m.socket.write(serialize({ verb: 'MSG', params: [s.handle ?? '', s.handle ?? ''], payload: c.payload }, 'toClient'));
            if (p[0] === 'A') send({ verb: to.length > 0 ? 'ACK' : 'NAK', trId: t });
            else if (p[0] === 'N' && to.length === 0) send({ verb: 'NAK', trId: t });
            return;
          }
          case 'OUT':
            socket.end();
            return;
        }
      },
      () => {
        s.room?.members.delete(s);
        for (const m of others()) m.socket.write(serialize({ verb: 'BYE', params: [s.handle ?? ''] }, 'toClient'));
      },
    );
  }

  private serveHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const port = (this.nexus.address() as net.AddressInfo).port;
    if (req.url === '/rdr/pprdr.asp') {
      res.writeHead(200, { PassportURLs: `DARealm=Passport.Net,DALogin=http://127.0.0.1:${port}/login2.srf,ConfigVersion=15` });
      res.end();
      return;
    }
    const creds = parsePassportAuthorization(req.headers.authorization ?? '');
    if (req.url === '/login2.srf' && creds && this.opts.accounts.get(creds.handle) === creds.password) {
      const token = `tok${this.nextId++}$$`;
      this.tickets.set(token, creds.handle);
      res.writeHead(200, { 'Content-Type': 'text/html', 'Authentication-Info': buildAuthenticationInfo(`t=${token}&p=x$$`) });
      res.end();
      return;
    }
    res.writeHead(401, { 'WWW-Authenticate': 'Passport1.4 da-status=failed' });
    res.end();
  }
}
