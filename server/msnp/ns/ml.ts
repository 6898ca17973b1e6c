/**
 * MSNP13+ list commands (MSNP13-18.md §7): `ADL`, `RML` (13+) and `FQY` (14+). The address book
 * (server/soap/abservice.ts) and these commands edit the same stored lists; `ADL`/`RML` tell the
 * NS whom the client watches and allows (§7.1):
 *
 * - the initial upload (`<ml l="1">`, §7.2) mirrors what the client just read from the address
 *   book, so it is acknowledged without touching the lists (as Escargot does, §7.1): the lists
 *   are the store's, and presence follows the first `CHG` from them;
 * - later `ADL`/`RML` apply their FL/AL/BL bits to the store through the same core calls as
 *   `ADC`/`REM` (the other side's reverse list, its notices, presence); an FL contact named
 *   here who is online and visible is sent as `NLN` (+ `UBX`) at once, as `ADC` answers with
 *   `ILN`;
 * - a bad document is `241`/`240`/`204` and a disconnect (§7.1, Escargot `Err`); contacts of other
 *   networks (Yahoo!, circles) are not served and are skipped, never answered with `241`, which
 *   would disconnect WLM (§11).
 */
import {
  buildMlOk,
  buildMlPush,
  buildNln,
  buildUbx,
  checkHandle,
  decodeMlRequest,
  ErrorCode,
  isMlError,
  LIST_BITS,
  NETWORK,
  normalizeHandle,
  type Command,
  type Dialect,
  type MlContact,
  type MlError,
  type MlRequest,
  type Result,
} from '../../../shared/msnp/index';
import { DomainError } from '../../core/errors';
import type { EditableList } from '../../core/lists';
import type { Reply } from '../dispatch';
import { presenceOf } from '../shapes';
import type { NsSession } from './session';

/** A bad `<ml>` reaches the handler, which answers with the document's own code (§7.1). */
export interface MlRejected {
  readonly type: 'ML_REJECTED';
  readonly error: MlError;
}

export function decodeMl(cmd: Command, dialect: Dialect): Result<MlRequest | MlRejected> {
  const r = decodeMlRequest(cmd, dialect);
  return isMlError(r) ? { type: 'ML_REJECTED', error: r } : r;
}

/** What the list bits of a client's `<c l>` mean, in the order they are applied. */
const EDITABLE: ReadonlyArray<readonly [EditableList, number]> = [
  ['FL', LIST_BITS.FL],
  ['AL', LIST_BITS.AL],
  ['BL', LIST_BITS.BL],
];

export async function adl(s: NsSession, req: MlRequest | MlRejected, r: Reply): Promise<void> {
  if (req.type === 'ML_REJECTED') return r.fatal(req.error.msnpError, `bad ADL: ${req.error.message}`);
  if (req.list.initial) {
    r.send(buildMlOk, { type: 'ADL_OK' });
    return;
  }
  let unknown = false;
  const nowVisible: string[] = [];
  for (const c of served(req.list.contacts)) {
    const handle = normalizeHandle(c.handle);
    if (handle !== s.me.handle && !(await s.ctx.lists.exists(handle))) {
      unknown = true;
      continue;
    }
    // The address book usually has the contact on FL already (ABContactAdd came first, §6.5):
    // its presence is still owed.
    if ((c.lists ?? 0) & LIST_BITS.FL) nowVisible.push(handle);
    for (const [list, bit] of EDITABLE) {
      if (!((c.lists ?? 0) & bit)) continue;
      const entry = s.me.contacts.get(handle);
      if (entry !== undefined && entry.lists & bit) continue;
      // AL and BL exclude each other (MSNP.md §4.2): the newer decision wins, as the official
      // client's RML-then-ADL does in two steps.
      const opposite = list === 'AL' ? 'BL' : list === 'BL' ? 'AL' : undefined;
      if (opposite !== undefined && entry !== undefined && entry.lists & LIST_BITS[opposite]) await ignoreExpected(() => s.ctx.contacts.remove(s.me, opposite, handle, undefined));
      await ignoreExpected(() => s.ctx.contacts.add(s.me, list, handle, entry?.name ?? handle, undefined, true));
    }
  }
  // §7.1: `208` for an address that is no account (Escargot); the rest was applied.
  if (unknown) r.error(ErrorCode.INVALID_USERNAME);
  else r.send(buildMlOk, { type: 'ADL_OK' });
  if (s.watching) for (const handle of nowVisible) sendPresenceOf(s, handle);
}

export async function rml(s: NsSession, req: MlRequest | MlRejected, r: Reply): Promise<void> {
  if (req.type === 'ML_REJECTED') return r.fatal(req.error.msnpError, `bad RML: ${req.error.message}`);
  for (const c of served(req.list.contacts)) {
    const handle = normalizeHandle(c.handle);
    for (const [list, bit] of EDITABLE) {
      if (!((c.lists ?? 0) & bit)) continue;
      const entry = s.me.contacts.get(handle);
      if (entry === undefined || !(entry.lists & bit)) continue;
      await ignoreExpected(() => s.ctx.contacts.remove(s.me, list, handle, undefined));
    }
  }
  r.send(buildMlOk, { type: 'RML_OK' });
}

/**
 * `FQY t len` + one contact → `FQY t len` with its network (14+, §7.3). We serve MSN accounts
 * only: an account is network 1; anything else is `208`. More than one contact → `241` + close.
 */
export async function fqy(s: NsSession, req: MlRequest | MlRejected, r: Reply): Promise<void> {
  if (req.type === 'ML_REJECTED') return r.fatal(req.error.msnpError, `bad FQY: ${req.error.message}`);
  const [only, ...more] = req.list.contacts;
  if (only === undefined || more.length > 0) return r.fatal(241, 'FQY asks for one contact');
  const handle = normalizeHandle(only.handle);
  if (checkHandle(handle) !== undefined || !(await s.ctx.lists.exists(handle))) return r.error(ErrorCode.INVALID_USERNAME);
  r.send(buildMlPush, { type: 'FQY', list: { initial: false, contacts: [{ handle: only.handle, network: NETWORK.PASSPORT }] } });
}

/** MSN contacts (network 1, or none given); valid handles only. */
function* served(contacts: readonly MlContact[]): Generator<MlContact> {
  for (const c of contacts) {
    if (c.network !== undefined && c.network !== NETWORK.PASSPORT) continue;
    if (checkHandle(c.handle) !== undefined) continue;
    yield c;
  }
}

/** An edit that is already in place or conflicts (`already-there`, `not-on-list` …) is skipped. */
async function ignoreExpected(edit: () => Promise<unknown>): Promise<void> {
  try {
    await edit();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
}

/** `NLN` (+ `UBX` 11+) for a contact just put on my FL, when it lets me see it. */
function sendPresenceOf(s: NsSession, handle: string): void {
  const view = s.ctx.presence.visibleTo(handle, s.me.handle);
  if (view === undefined) return s.ctx.presence.askRemote(handle, s.me.handle);
  const d = s.negotiatedDialect;
  s.conn.send(buildNln(presenceOf(view), d));
  if (view.personalMessage !== undefined) s.conn.send(buildUbx({ handle: view.handle, status: view.personalMessage }, d));
}
