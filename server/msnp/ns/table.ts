/**
 * The Notification Server's command table (ARCHITECTURE.md §7): verb → minimum parameters,
 * phases, handler. Dialect availability comes from the codec's verb table (MSNP.md §2.6), so a
 * verb listed here is only accepted in the dialects that have it (`INF` 2–7, `ADC` 10–12, …).
 */
import type { Command } from '../../../shared/msnp/index';
import type { CommandTable } from '../dispatch';
import { handleCvr, handleInf, handleVer } from '../negotiate';
import { add, adc, adg, blp, gtc, reg, rem, rmg } from './lists';
import { usr } from './login';
import { disabled, gcf, ims, url, xfr } from './misc';
import { chg, chl, out, png, prp, qry, rea, sbp, uux } from './presence';
import type { NsPhase, NsSession } from './session';
import { lsg, lst, syn } from './sync';

const ON: readonly NsPhase[] = ['online'];
const ANY: readonly NsPhase[] = ['start', 'versioned', 'auth', 'online'];

export const NS_TABLE: CommandTable<NsSession, NsPhase> = {
  VER: {
    minParams: 1,
    phases: ['start'],
    run: (s, c: Command) => void handleVer(s, c, s.ctx.config.minDialect, s.ctx.config.maxDialect),
  },
  INF: { minParams: 0, phases: ['versioned'], run: handleInf },
  CVR: { minParams: 0, phases: ['versioned'], run: handleCvr },
  USR: { minParams: 3, phases: ['versioned', 'auth'], run: usr },
  OUT: { minParams: 0, phases: ANY, run: out },
  PNG: { minParams: 0, phases: ANY, run: png },

  SYN: { minParams: 1, phases: ON, run: syn },
  LST: { minParams: 1, phases: ON, run: lst },
  LSG: { minParams: 0, phases: ON, run: lsg },
  ADD: { minParams: 3, phases: ON, run: add },
  ADC: { minParams: 2, phases: ON, run: adc },
  REM: { minParams: 2, phases: ON, run: rem },
  ADG: { minParams: 1, phases: ON, run: adg },
  RMG: { minParams: 1, phases: ON, run: rmg },
  REG: { minParams: 2, phases: ON, run: reg },
  BLP: { minParams: 1, phases: ON, run: blp },
  GTC: { minParams: 1, phases: ON, run: gtc },

  CHG: { minParams: 1, phases: ON, run: chg },
  REA: { minParams: 2, phases: ON, run: rea },
  PRP: { minParams: 1, phases: ON, run: prp },
  SBP: { minParams: 2, phases: ON, run: sbp },
  UUX: { minParams: 0, phases: ON, payload: true, run: uux },
  CHL: { minParams: 0, phases: ON, run: chl },
  QRY: { minParams: 1, phases: ON, payload: true, run: qry },

  XFR: { minParams: 1, phases: ON, run: xfr },
  URL: { minParams: 1, phases: ON, run: url },
  IMS: { minParams: 1, phases: ON, run: ims },
  GCF: { minParams: 1, phases: ON, run: gcf },

  FND: { minParams: 0, phases: ON, run: disabled },
  SND: { minParams: 0, phases: ON, run: disabled },
  SDC: { minParams: 0, phases: ON, payload: true, run: disabled },
  PAG: { minParams: 0, phases: ON, payload: true, run: disabled },
  PGD: { minParams: 0, phases: ON, payload: true, run: disabled },
  GSB: { minParams: 0, phases: ON, run: disabled },
  LKP: { minParams: 0, phases: ON, run: disabled },
  CVQ: { minParams: 0, phases: ['versioned'], run: disabled },
};
