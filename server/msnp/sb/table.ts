/**
 * The switchboard's command table (ARCHITECTURE.md §7), in the NS table's shape: verb → phases,
 * minimum parameters, the codec's client-to-server decoder, handler. Anything the codec refuses
 * closes the connection (MSNP.md §1.2, §6.1 "bad syntax → disconnect"; §6.4 an unknown ack
 * letter). The composition root (`server/index.ts`) hands it to every `SbSession`.
 */
import { decodeAnsRequest, decodeCalRequest, decodeMsgRequest, decodeOut, decodeUsrRequest, type Command, type Dialect } from '../../../shared/msnp/index';
import { entry, type CommandSpec, type CommandTable } from '../dispatch';
import type { SbPhase, SbSession } from './session';

function sb<T>(spec: CommandSpec<SbSession, SbPhase, T>): CommandSpec<SbSession, SbPhase, never> {
  return entry(spec);
}

export const SB_TABLE: CommandTable<SbSession, SbPhase> = {
  USR: sb({ minParams: 2, phases: ['new'], decode: decodeUsrRequest, run: (s, req, r) => s.usr(req, r) }),
  ANS: sb({ minParams: 3, phases: ['new'], decode: decodeAnsRequest, run: (s, req, r) => s.ans(req, r) }),
  CAL: sb({ minParams: 1, phases: ['joined'], decode: decodeCalRequest, run: (s, req, r) => s.cal(req, r) }),
  MSG: sb({ minParams: 1, phases: ['joined'], payload: true, decode: decodeMsgRequest, run: (s, req, r) => s.msg(req, r) }),
  OUT: sb({ minParams: 0, phases: ['new', 'joined'], decode: (c: Command, d: Dialect) => decodeOut(c, d, 'toServer'), run: (s) => s.out() }),
};
