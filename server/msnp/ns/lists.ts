/**
 * List and group edits (MSNP.md §4.2, §4.5, §4.7): `ADD` (2–9), `ADC` (10–12), `REM`, `ADG`,
 * `RMG`, `REG`, `BLP`, `GTC`. Wire parsing and reply shapes only; the rules are core's.
 */
import {
  buildAdc,
  buildAddReply,
  buildAdgReply,
  buildBlpReply,
  buildGtcReply,
  buildIln,
  buildRegReply,
  buildRemReply,
  buildRmgReply,
  checkFriendlyName,
  checkGroupName,
  checkHandle,
  decodeName,
  normalizeHandle,
  MAX_GROUP_NAME_ENCODED_LENGTH,
  type Command,
} from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import type { EditableList } from '../../core/lists';
import { ListBit } from '../../store/store';
import { presenceOf } from '../shapes';
import type { NsSession } from './session';

/** Handle checks (MSNP.md §4.5): `206` missing domain, `201` otherwise malformed. */
function contactHandle(raw: string): string {
  const problem = checkHandle(raw);
  if (problem === 'missing-domain') fail('missing-domain');
  if (problem !== undefined) fail('invalid-handle');
  return normalizeHandle(raw);
}

/** A stored contact name from the wire; `201` when it breaks the friendly-name limits. */
function contactName(raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  const name = decodeName(raw);
  if (checkFriendlyName(name) !== undefined) fail('invalid-parameter');
  return name;
}

/** Group names: `229` when longer than 61 encoded bytes or empty (MSNP.md §4.7). */
function groupName(raw: string): string {
  const name = decodeName(raw);
  if (raw.length > MAX_GROUP_NAME_ENCODED_LENGTH || checkGroupName(name) !== undefined) fail('group-name-too-long');
  return name;
}

function legacyGroupId(s: NsSession, raw: string | undefined): number | undefined {
  if (raw === undefined || s.d < 7) return undefined;
  if (!/^\d{1,2}$/.test(raw)) fail('no-such-group');
  return Number(raw);
}

function groupIdByGuid(s: NsSession, guid: string | undefined): number | undefined {
  if (guid === undefined) return undefined;
  const g = s.me.groupByGuid(guid);
  if (g === undefined || g.id === 0) fail('no-such-group');
  return g.id;
}

function editableList(s: NsSession, raw: string | undefined): EditableList | undefined {
  if (raw === 'FL' || raw === 'AL' || raw === 'BL') return raw;
  if (raw === 'RL' || raw === 'PL') {
    // MSNP.md §4.1: a client editing its RL is disconnected.
    s.conn.end(`client tried to edit ${raw}`);
    return undefined;
  }
  fail('invalid-parameter');
}

/** `ILN t …` after an FL add when the contact is online and lets me see it (MSNP.md §4.5, §4.6). */
function ilnAfterAdd(s: NsSession, cmd: Command, presence: ReturnType<NsSession['ctx']['presence']['visibleTo']>): void {
  if (presence !== undefined && s.watching) {
    s.conn.send(buildIln({ ...presenceOf(presence), trId: cmd.trId as number }, s.d));
  }
}

/** `ADD t LIST handle name {group}` → `ADD t LIST ver handle name {group}` (MSNP2–9). */
export function add(s: NsSession, cmd: Command): void {
  const list = editableList(s, cmd.params[0]);
  if (list === undefined) return;
  const handle = contactHandle(cmd.params[1] as string);
  const name = contactName(cmd.params[2], handle);
  const groupId = list === 'FL' ? legacyGroupId(s, cmd.params[3]) : undefined;
  const r = s.ctx.contacts.add(s.me, list, handle, name, groupId, true);
  s.conn.send(
    buildAddReply(
      {
        trId: cmd.trId as number,
        list,
        version: s.me.user.listVersion,
        handle,
        friendlyName: list === 'FL' ? r.entry.name : name,
        groupId: groupId === undefined ? undefined : String(groupId),
      },
      s.d,
    ),
  );
  if (list === 'FL' && r.newOnList) ilnAfterAdd(s, cmd, r.presence);
}

/** Splits `N=… F=… C=… {group}` (MSNP10+). */
function adcFields(params: readonly string[]): { n?: string; f?: string; c?: string; group?: string } {
  const out: { n?: string; f?: string; c?: string; group?: string } = {};
  for (const p of params) {
    if (p.startsWith('N=')) out.n = p.slice(2);
    else if (p.startsWith('F=')) out.f = p.slice(2);
    else if (p.startsWith('C=')) out.c = p.slice(2);
    else out.group = p;
  }
  return out;
}

/**
 * `ADC t FL N=handle F=name` → `… C=guid`; `ADC t FL C=guid group` (group membership);
 * `ADC t AL|BL N=handle`; `ADC t RL N=handle` is tolerated when already so (MSNP.md §4.5, §4.6).
 */
export function adc(s: NsSession, cmd: Command): void {
  const raw = cmd.params[0];
  const f = adcFields(cmd.params.slice(1));
  if (raw === 'RL' && f.n !== undefined) {
    const entry = s.me.contacts.get(normalizeHandle(f.n));
    if (entry !== undefined && entry.lists & ListBit.RL) {
      s.conn.send(buildAdc({ trId: cmd.trId as number, list: 'RL', handle: entry.handle }, s.d));
      return;
    }
  }
  const list = editableList(s, raw);
  if (list === undefined) return;
  if (list === 'FL' && f.c !== undefined && f.n === undefined) {
    const entry = s.me.contactByGuid(f.c);
    if (entry === undefined || !(entry.lists & ListBit.FL)) fail('not-on-list');
    if (f.group === undefined) fail('already-there');
    const groupId = groupIdByGuid(s, f.group) as number;
    s.ctx.contacts.add(s.me, 'FL', entry.handle, entry.name, groupId, false);
    s.conn.send(buildAdc({ trId: cmd.trId as number, list: 'FL', contactId: entry.guid, groupId: f.group }, s.d));
    return;
  }
  if (f.n === undefined) fail('invalid-handle');
  if (f.n.startsWith('tel:')) fail('invalid-handle'); // phone contacts (11+) are not supported
  const handle = contactHandle(f.n);
  if (list !== 'FL') {
    s.ctx.contacts.add(s.me, list, handle, handle, undefined, false);
    s.conn.send(buildAdc({ trId: cmd.trId as number, list, handle }, s.d));
    return;
  }
  const name = contactName(f.f, handle);
  const groupId = groupIdByGuid(s, f.group);
  const r = s.ctx.contacts.add(s.me, 'FL', handle, name, groupId, false);
  s.conn.send(
    buildAdc({ trId: cmd.trId as number, list: 'FL', handle, friendlyName: r.entry.name, contactId: r.entry.guid, groupId: f.group }, s.d),
  );
  if (r.newOnList) ilnAfterAdd(s, cmd, r.presence);
}

/**
 * `REM t LIST handle {group}` → `REM t LIST ver handle {group}` (2–9);
 * `REM t FL guid {group-guid}`, `REM t AL|BL|PL handle` → echoed (10–12) (MSNP.md §4.5).
 */
export function rem(s: NsSession, cmd: Command): void {
  const d = s.d;
  const raw = cmd.params[0];
  if (raw === 'RL' || (raw === 'PL' && d < 10)) {
    s.conn.end(`client tried to remove from ${raw}`);
    return;
  }
  if (raw !== 'FL' && raw !== 'AL' && raw !== 'BL' && raw !== 'PL') fail('invalid-parameter');
  const target = cmd.params[1] as string;
  if (d >= 10) {
    let handle: string;
    let groupId: number | undefined;
    if (raw === 'FL' && !target.includes('@')) {
      const entry = s.me.contactByGuid(target);
      if (entry === undefined) fail('not-on-list');
      handle = entry.handle;
    } else {
      handle = contactHandle(target);
    }
    if (raw === 'FL') groupId = groupIdByGuid(s, cmd.params[2]);
    s.ctx.contacts.remove(s.me, raw, handle, groupId);
    s.conn.send(buildRemReply({ trId: cmd.trId as number, list: raw, contact: target, groupId: groupId === undefined ? undefined : cmd.params[2] }, d));
    return;
  }
  const handle = contactHandle(target);
  const groupId = raw === 'FL' ? legacyGroupId(s, cmd.params[2]) : undefined;
  s.ctx.contacts.remove(s.me, raw as EditableList, handle, groupId);
  s.conn.send(
    buildRemReply(
      { trId: cmd.trId as number, list: raw, version: s.me.user.listVersion, contact: handle, groupId: groupId === undefined ? undefined : String(groupId) },
      d,
    ),
  );
}

/** `ADG t name {0}` → `ADG t ver name id 0` (7–9) / `ADG t name guid` (10–12). */
export function adg(s: NsSession, cmd: Command): void {
  const g = s.ctx.lists.addGroup(s.me, groupName(cmd.params[0] as string));
  s.conn.send(
    buildAdgReply({ trId: cmd.trId as number, version: s.me.user.listVersion, name: g.name, groupId: s.d >= 10 ? g.guid : String(g.id) }, s.d),
  );
}

function groupRef(s: NsSession, raw: string): number {
  if (s.d >= 10) {
    const g = s.me.groupByGuid(raw);
    if (g === undefined) fail('no-such-group');
    return g.id;
  }
  if (!/^\d{1,2}$/.test(raw)) fail('no-such-group');
  return Number(raw);
}

/** `RMG t id` → `RMG t ver id` (7–9) / `RMG t guid` echoed (10–12). */
export function rmg(s: NsSession, cmd: Command): void {
  const raw = cmd.params[0] as string;
  s.ctx.lists.removeGroup(s.me, groupRef(s, raw));
  s.conn.send(buildRmgReply({ trId: cmd.trId as number, version: s.me.user.listVersion, groupId: raw }, s.d));
}

/** `REG t id name {0}` → `REG t ver id name 0` (7–9) / `REG t guid name` (10–12). */
export function reg(s: NsSession, cmd: Command): void {
  const raw = cmd.params[0] as string;
  const g = s.ctx.lists.renameGroup(s.me, groupRef(s, raw), groupName(cmd.params[1] as string));
  s.conn.send(
    buildRegReply({ trId: cmd.trId as number, version: s.me.user.listVersion, groupId: s.d >= 10 ? raw : String(g.id), name: g.name }, s.d),
  );
}

/** `BLP t AL|BL` → `BLP t ver AL|BL` (2–9) / `BLP t AL|BL` (10–12); same value → `218`. */
export function blp(s: NsSession, cmd: Command): void {
  const v = cmd.params[0];
  if (v !== 'AL' && v !== 'BL') fail('invalid-parameter');
  s.ctx.contacts.setPrivacy(s.me, v);
  s.conn.send(buildBlpReply({ trId: cmd.trId as number, version: s.me.user.listVersion, value: v }, s.d));
}

/** `GTC t A|N` → `GTC t ver A|N` (2–9) / `GTC t A|N` (10–12); same value → `218`. */
export function gtc(s: NsSession, cmd: Command): void {
  const v = cmd.params[0];
  if (v !== 'A' && v !== 'N') fail('invalid-parameter');
  s.ctx.lists.setAddPrompt(s.me, v);
  s.conn.send(buildGtcReply({ trId: cmd.trId as number, version: s.me.user.listVersion, value: v }, s.d));
}
