/**
 * The dispatch server (MSNP.md §1.1): `VER`, `INF`/`CVR`, then `USR … I handle` is answered with
 * `XFR t NS host:port …` in the dialect's shape (§2.7) and the connection is closed.
 */
import { buildError, buildQng, buildXfrNs, ErrorCode, parseHostPort, type Command, type Dialect } from '../../shared/msnp/index';
import type { Connection } from './connection';
import type { ServerContext } from './context';
import { route, type CommandTable } from './dispatch';
import { handleCvr, handleInf, handleVer } from './negotiate';

type DsPhase = 'start' | 'versioned';

export class DsSession {
  phase: DsPhase = 'start';
  dialect: Dialect | undefined;

  constructor(
    readonly conn: Connection,
    readonly ctx: ServerContext,
    /** This dispatch server's own `host:port`, the "current server" of MSNP7+ referrals. */
    readonly ownAddress: string,
  ) {
    conn.sink = this;
    conn.setTimer('login', ctx.config.loginTimeoutMs, () => conn.end('dispatch timeout'));
  }

  onCommand(cmd: Command): void {
    const r = route(DS_TABLE, cmd, this.phase, this.dialect);
    if (!r.ok) {
      if (r.problem === 'wrong-phase') this.conn.end(`${cmd.verb} out of order`, buildError({ code: ErrorCode.NOT_EXPECTED, trId: cmd.trId }));
      else this.conn.end(`${r.problem} command ${cmd.verb}`);
      return;
    }
    r.spec.run(this, cmd);
  }

  onClose(): void {}

  usr(cmd: Command): void {
    if (cmd.params[1] !== 'I') {
      this.conn.end('USR S at the dispatch server', buildError({ code: ErrorCode.NOT_EXPECTED, trId: cmd.trId }));
      return;
    }
    const d = this.dialect as Dialect;
    this.conn.end(
      'referred to NS',
      buildXfrNs({ trId: cmd.trId as number, address: parseHostPort(this.ctx.nsAddress), currentAddress: parseHostPort(this.ownAddress) }, d),
    );
  }
}

const DS_TABLE: CommandTable<DsSession, DsPhase> = {
  VER: { minParams: 1, phases: ['start'], run: (s, c) => {
      handleVer(s, c, s.ctx.config.minDialect, s.ctx.config.maxDialect);
    },
  },
  INF: { minParams: 0, phases: ['versioned'], run: handleInf },
  CVR: { minParams: 0, phases: ['versioned'], run: handleCvr },
  USR: { minParams: 3, phases: ['versioned'], run: (s, c) => s.usr(c) },
  OUT: { minParams: 0, phases: ['start', 'versioned'], run: (s) => s.conn.end('client OUT') },
  PNG: { minParams: 0, phases: ['start', 'versioned'], run: (s) => void s.conn.send(buildQng({}, s.dialect ?? 2)) },
};
