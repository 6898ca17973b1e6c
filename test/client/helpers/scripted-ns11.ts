/**
 * A small scripted MSNP11 notification server (TWN through a fake Nexus) for tests of what
 * servers other than ours send: it answers the login, `SYN` with the lines the test gives
 * (generation 6: `SYN t lv sv n m`, then `GTC`, `BLP`, `PRP MFN`, `LSG`, `LST`), `CHG`, `UUX`,
 * `PNG`, `ADC`/`REM` (echoed), and lets the test push anything once the client is online.
 */
import type { Command } from '../../../shared/msnp';
import type { ConnHandler, FakeConn } from './fake-server';

export interface ScriptedNs11Options {
  readonly handle: string;
  /** `SYN` reply parameters after the TrID, e.g. `2006-01-01T00:00:00.0-08:00 2006-01-01T00:00:00.0-08:00 1 0`. */
  readonly syn: string;
  /** Item lines sent after the `SYN` reply (`LST …`, `LSG …`, `GTC A`, …). */
  readonly items: readonly string[];
  /** Called once, after the first CHG was answered. */
  readonly online?: (c: FakeConn) => Promise<void> | void;
  /** Every line the client sent, for assertions. */
  readonly seen?: Command[];
}

export function scriptedNs11(o: ScriptedNs11Options): ConnHandler {
  return async (c) => {
    let onlineDone = false;
    for (;;) {
      const cmd = await c.next(10_000).catch(() => undefined);
      if (cmd === undefined) return;
      c.last = cmd;
      o.seen?.push(cmd);
      switch (cmd.verb) {
        case 'VER':
          c.send('VER $t MSNP11');
          break;
        case 'CVR':
          c.send('CVR $t 7.5.0324 7.5.0324 7.0.0425 http://example.com http://example.com');
          break;
        case 'USR':
          if (cmd.params[1] === 'I') c.send('USR $t TWN S lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1,kpp=1,kv=5,ver=2.1.0173.1,tpf=1');
          else c.send(`USR $t OK ${o.handle} 1 0`);
          break;
        case 'SYN':
          c.send(`SYN $t ${o.syn}`);
          for (const line of o.items) c.send(line);
          break;
        case 'CHG':
          c.send(`CHG $t ${cmd.params.join(' ')}`);
          if (!onlineDone) {
            onlineDone = true;
            await o.online?.(c);
          }
          break;
        case 'UUX':
          c.send('UUX $t 0');
          break;
        case 'ADC':
        case 'REM':
          c.send(`${cmd.verb} $t ${cmd.params.join(' ')}`);
          break;
        case 'PNG':
          c.send('QNG 50');
          break;
        case 'OUT':
          c.close();
          return;
        default:
          break;
      }
    }
  };
}
