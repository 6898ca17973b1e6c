/**
 * The dispatch server (MSNP.md §1.1): `VER`, `INF`/`CVR`, then `USR … I handle` is answered with
 * `XFR t NS host:port …` in the dialect's shape (§2.7) and the connection is closed.
 */
import {
  buildQng,
  buildXfrNs,
  decodeCvrRequest,
  decodeInfRequest,
  decodeOut,
  decodePng,
  decodeUsrRequest,
  decodeVer,
  ErrorCode,
  parseHostPort,
  type Command,
  type Dialect,
  type UsrAuth,
  type UsrSbLogin,
} from '../../shared/msnp/index';
import type { Connection } from './connection';
import type { ServerContext } from './context';
import { dispatch, entry, Reply, type CommandSpec, type CommandTable, type Dispatching, type Problem } from './dispatch';
import { handleCvr, handleInf, handleVer } from './negotiate';

type DsPhase = 'start' | 'versioned';

export class DsSession implements Dispatching<DsSession, DsPhase> {
  phase: DsPhase = 'start';
  dialect: Dialect | undefined;
  readonly table = DS_TABLE;
  readonly reply: Reply;

  constructor(
    readonly conn: Connection,
    readonly ctx: ServerContext,
    /** This dispatch server's own `host:port`, the "current server" of MSNP7+ referrals. */
    readonly ownAddress: string,
  ) {
    this.reply = new Reply(conn);
    conn.sink = this;
    conn.setTimer('login', ctx.config.loginTimeoutMs, () => conn.end('dispatch timeout'));
  }

  onCommand(cmd: Command): void | Promise<void> {
    return dispatch(this, cmd);
  }

  reject(cmd: Command, problem: Problem): void {
    if (problem === 'wrong-phase') this.reply.fatal(ErrorCode.NOT_EXPECTED, `${cmd.verb} out of order`);
    else this.conn.end(`${problem} command ${cmd.verb}`);
  }

  onClose(): void {}

  usr(req: UsrAuth | UsrSbLogin, r: Reply): void {
    if (req.type !== 'USR' || req.stage !== 'I') {
      r.fatal(ErrorCode.NOT_EXPECTED, 'USR S at the dispatch server');
      return;
    }
    this.conn.end(
      'referred to NS',
      buildXfrNs({ trId: req.trId, address: parseHostPort(this.ctx.nsAddress), currentAddress: parseHostPort(this.ownAddress) }, r.dialect),
    );
  }
}

function ds<T>(spec: CommandSpec<DsSession, DsPhase, T>): CommandSpec<DsSession, DsPhase, never> {
  return entry(spec);
}

const DS_TABLE: CommandTable<DsSession, DsPhase> = {
  VER: ds({ minParams: 1, phases: ['start'], decode: decodeVer, run: (s, req) => handleVer(s, req, s.ctx.config.minDialect, s.ctx.config.maxDialect) }),
  INF: ds({ minParams: 0, phases: ['versioned'], decode: decodeInfRequest, run: handleInf }),
  CVR: ds({ minParams: 6, phases: ['versioned'], decode: decodeCvrRequest, run: handleCvr }),
  USR: ds({ minParams: 3, phases: ['versioned'], decode: decodeUsrRequest, run: (s, req, r) => s.usr(req, r) }),
  OUT: ds({ minParams: 0, phases: ['start', 'versioned'], decode: (c, d) => decodeOut(c, d, 'toServer'), run: (s) => s.conn.end('client OUT') }),
  PNG: ds({ minParams: 0, phases: ['start', 'versioned'], decode: decodePng, run: (s) => void s.conn.send(buildQng({}, s.dialect ?? 2)) }),
};
