/**
 * A small scripted notification server (MSNP7, MD5) for fault tests: it answers the login, `SYN`
 * (generation 3), `CHG` (+ `ILN` for online contacts), `PNG`, `XFR SB` (pointing at a fake
 * switchboard), and lets the test push anything it likes once the client is online.
 */
import type { Command } from '../../../shared/msnp';
import type { ConnHandler, FakeConn } from './fake-server';

export interface ScriptedNsOptions {
  readonly contacts: readonly { handle: string; name: string; online?: string }[];
  /** `host:port` of the fake switchboard handed out by `XFR SB`. */
  readonly sb: () => string;
  /** Called once, after the first CHG was answered. */
  readonly online?: (c: FakeConn) => Promise<void> | void;
  readonly onCommand?: (c: FakeConn, cmd: Command) => boolean;
}

export function scriptedNs(o: ScriptedNsOptions): ConnHandler {
  return async (c) => {
    let sbCount = 0;
    let onlineDone = false;
    for (;;) {
      const cmd = await c.next(10_000).catch(() => undefined);
      if (cmd === undefined) return;
      c.last = cmd;
      if (o.onCommand?.(c, cmd)) continue;
      switch (cmd.verb) {
        case 'VER':
          c.send('VER $t MSNP7');
          break;
        case 'INF':
          c.send('INF $t MD5');
          break;
        case 'USR':
          if (cmd.params[1] === 'I') c.send('USR $t MD5 S 1234.5678');
          else c.send('USR $t OK me@example.com Me 1');
          break;
        case 'SYN': {
          const n = o.contacts.length;
          c.send('SYN $t 7');
          c.send('GTC $t 7 A');
          c.send('BLP $t 7 AL');
          c.send('LSG $t 7 1 1 0 ~ 0');
          o.contacts.forEach((x, i) => c.send(`LST $t FL 7 ${i + 1} ${n} ${x.handle} ${x.name} 0`));
          o.contacts.forEach((x, i) => c.send(`LST $t AL 7 ${i + 1} ${n} ${x.handle} ${x.name}`));
          c.send('LST $t BL 7 0 0');
          o.contacts.forEach((x, i) => c.send(`LST $t RL 7 ${i + 1} ${n} ${x.handle} ${x.name}`));
          if (n === 0) c.send('LST $t RL 7 0 0');
          break;
        }
        case 'CHG':
          c.send(`CHG $t ${cmd.params.join(' ')}`);
          for (const x of o.contacts) if (x.online) c.send(`ILN $t ${x.online} ${x.handle} ${x.name}`);
          if (!onlineDone) {
            onlineDone = true;
            await o.online?.(c);
          }
          break;
        case 'PNG':
          c.send('QNG');
          break;
        case 'XFR':
          sbCount += 1;
          c.send(`XFR $t SB ${o.sb()} CKI cookie${sbCount}`);
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
