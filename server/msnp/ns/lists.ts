/**
 * List and group edits (MSNP.md §4.2, §4.5, §4.7): `ADD` (2–9), `ADC` (10–12), `REM`, `ADG`,
 * `RMG`, `REG`, `BLP`, `GTC`. Reply shapes only; the rules are core's, the wire parsing the codec's.
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
  normalizeHandle,
  LIST_BITS,
  type Adc,
  type AddRequest,
  type AdgRequest,
  type BlpRequest,
  type GtcRequest,
  type ListName,
  type RegRequest,
  type RemRequest,
  type RmgRequest,
} from '../../../shared/msnp/index';
import { fail } from '../../core/errors';
import type { EditableList } from '../../core/lists';
import type { PresenceView } from '../../core/presence';
import type { Reply } from '../dispatch';
import { presenceOf } from '../shapes';
import type { NsSession } from './session';

/** Handle checks (MSNP.md §4.5): `206` missing domain, `201` otherwise malformed. */
function contactHandle(raw: string): string {
  const problem = checkHandle(raw);
  if (problem === 'missing-domain') fail('missing-domain');
  if (problem !== undefined) fail('invalid-handle');
  return normalizeHandle(raw);
}

/** A stored contact name (decoded by the codec); `201` when it breaks the friendly-name limits. */
function contactName(name: string | undefined, fallback: string): string {
  if (name === undefined) return fallback;
  if (checkFriendlyName(name) !== undefined) fail('invalid-parameter');
  return name;
}

/** Group names: `229` when longer than 61 bytes encoded, or empty (MSNP.md §4.7). */
function groupName(name: string): string {
  if (checkGroupName(name) !== undefined) fail('group-name-too-long');
  return name;
}

/** A group id of MSNP7–9 (the codec has checked it is one or two digits); none before 7. */
function legacyGroupId(s: NsSession, id: string | undefined): number | undefined {
  if (id === undefined || s.negotiatedDialect < 7) return undefined;
  return Number(id);
}

/** A group by its MSNP10+ GUID; group 0 has none there (MSNP.md §10.14) → `224`. */
function groupByGuid(s: NsSession, guid: string): number {
  const g = s.me.groupByGuid(guid);
  if (g === undefined || g.id === 0) fail('no-such-group');
  return g.id;
}

function groupIdByGuid(s: NsSession, guid: string | undefined): number | undefined {
  return guid === undefined ? undefined : groupByGuid(s, guid);
}

function editableList(s: NsSession, list: ListName): EditableList | undefined {
  if (list === 'FL' || list === 'AL' || list === 'BL') return list;
  // MSNP.md §4.1: a client editing its RL (or PL) is disconnected.
  s.conn.end(`client tried to edit ${list}`);
  return undefined;
}

/** `ILN t …` after an FL add when the contact is online and lets me see it (MSNP.md §4.5, §4.6). */
function ilnAfterAdd(s: NsSession, r: Reply, presence: PresenceView | undefined): void {
  if (presence !== undefined && s.watching) r.send(buildIln, presenceOf(presence));
}

/** `ADD t LIST handle name {group}` → `ADD t LIST ver handle name {group}` (MSNP2–9). */
export async function add(s: NsSession, req: AddRequest, r: Reply): Promise<void> {
  const list = editableList(s, req.list);
  if (list === undefined) return;
  const handle = contactHandle(req.handle);
  const name = contactName(req.friendlyName, handle);
  const groupId = list === 'FL' ? legacyGroupId(s, req.groupId) : undefined;
  const added = await s.ctx.contacts.add(s.me, list, handle, name, groupId, true);
  r.send(buildAddReply, {
    list,
    version: s.me.user.listVersion,
    handle,
    friendlyName: list === 'FL' ? added.entry.name : name,
    groupId: groupId === undefined ? undefined : String(groupId),
  });
  if (list === 'FL' && added.newOnList) ilnAfterAdd(s, r, added.presence);
}

/**
 * `ADC t FL N=handle F=name` → `… C=guid`; `ADC t FL C=guid group` (group membership);
 * `ADC t AL|BL N=handle`; `ADC t RL N=handle` is tolerated when already so (MSNP.md §4.5, §4.6).
 */
export async function adc(s: NsSession, req: Adc, r: Reply): Promise<void> {
  if (req.list === 'RL' && req.handle !== undefined) {
    const entry = s.me.contacts.get(normalizeHandle(req.handle));
    if (entry !== undefined && entry.lists & LIST_BITS.RL) {
      r.send(buildAdc, { list: 'RL', handle: entry.handle });
      return;
    }
  }
  const list = editableList(s, req.list);
  if (list === undefined) return;
  if (list === 'FL' && req.contactId !== undefined && req.handle === undefined) {
    const entry = s.me.contactByGuid(req.contactId);
    if (entry === undefined || !(entry.lists & LIST_BITS.FL)) fail('not-on-list');
    if (req.groupId === undefined) fail('already-there');
    const groupId = groupByGuid(s, req.groupId);
    await s.ctx.contacts.add(s.me, 'FL', entry.handle, entry.name, groupId, false);
    r.send(buildAdc, { list: 'FL', contactId: entry.guid, groupId: req.groupId });
    return;
  }
  if (req.handle === undefined) fail('invalid-handle');
  if (req.handle.startsWith('tel:')) fail('invalid-handle'); // phone contacts (11+) are not supported
  const handle = contactHandle(req.handle);
  if (list !== 'FL') {
    await s.ctx.contacts.add(s.me, list, handle, handle, undefined, false);
    r.send(buildAdc, { list, handle });
    return;
  }
  const name = contactName(req.friendlyName, handle);
  const groupId = groupIdByGuid(s, req.groupId);
  const added = await s.ctx.contacts.add(s.me, 'FL', handle, name, groupId, false);
  r.send(buildAdc, { list: 'FL', handle, friendlyName: added.entry.name, contactId: added.entry.guid, groupId: req.groupId });
  if (added.newOnList) ilnAfterAdd(s, r, added.presence);
}

/**
 * `REM t LIST handle {group}` → `REM t LIST ver handle {group}` (2–9);
 * `REM t FL guid {group-guid}`, `REM t AL|BL|PL handle` → echoed (10–12) (MSNP.md §4.5).
 */
export async function rem(s: NsSession, req: RemRequest, r: Reply): Promise<void> {
  const d = s.negotiatedDialect;
  const list = req.list;
  if (list === 'RL' || (list === 'PL' && d < 10)) {
    s.conn.end(`client tried to remove from ${list}`);
    return;
  }
  const target = req.contact;
  if (d >= 10) {
    let handle: string;
    if (list === 'FL' && !target.includes('@')) {
      const entry = s.me.contactByGuid(target);
      if (entry === undefined) fail('not-on-list');
      handle = entry.handle;
    } else {
      handle = contactHandle(target);
    }
    const groupId = list === 'FL' ? groupIdByGuid(s, req.groupId) : undefined;
    await s.ctx.contacts.remove(s.me, list, handle, groupId);
    r.send(buildRemReply, { list, contact: target, groupId: groupId === undefined ? undefined : req.groupId });
    return;
  }
  const handle = contactHandle(target);
  const groupId = list === 'FL' ? legacyGroupId(s, req.groupId) : undefined;
  await s.ctx.contacts.remove(s.me, list as EditableList, handle, groupId);
  r.send(buildRemReply, {
    list,
    version: s.me.user.listVersion,
    contact: handle,
    groupId: groupId === undefined ? undefined : String(groupId),
  });
}

/** `ADG t name {0}` → `ADG t ver name id 0` (7–9) / `ADG t name guid` (10–12). */
export async function adg(s: NsSession, req: AdgRequest, r: Reply): Promise<void> {
  const g = await s.ctx.lists.addGroup(s.me, groupName(req.name));
  r.send(buildAdgReply, { version: s.me.user.listVersion, name: g.name, groupId: s.negotiatedDialect >= 10 ? g.guid : String(g.id) });
}

/** A group by its id as the dialect writes it: a GUID (10–12) or a number (7–9, checked by the codec). */
function groupRef(s: NsSession, id: string): number {
  if (s.negotiatedDialect >= 10) {
    const g = s.me.groupByGuid(id);
    if (g === undefined) fail('no-such-group');
    return g.id;
  }
  return Number(id);
}

/** `RMG t id` → `RMG t ver id` (7–9) / `RMG t guid` echoed (10–12). */
export async function rmg(s: NsSession, req: RmgRequest, r: Reply): Promise<void> {
  await s.ctx.lists.removeGroup(s.me, groupRef(s, req.groupId));
  r.send(buildRmgReply, { version: s.me.user.listVersion, groupId: req.groupId });
}

/** `REG t id name {0}` → `REG t ver id name 0` (7–9) / `REG t guid name` (10–12). */
export async function reg(s: NsSession, req: RegRequest, r: Reply): Promise<void> {
  const g = await s.ctx.lists.renameGroup(s.me, groupRef(s, req.groupId), groupName(req.name));
  r.send(buildRegReply, {
    version: s.me.user.listVersion,
    groupId: s.negotiatedDialect >= 10 ? req.groupId : String(g.id),
    name: g.name,
  });
}

/** `BLP t AL|BL` → `BLP t ver AL|BL` (2–9) / `BLP t AL|BL` (10–12); same value → `218`. */
export async function blp(s: NsSession, req: BlpRequest, r: Reply): Promise<void> {
  // 13+ clients send their privacy default at every sign-in (MSNP13-18.md §5.3 step 4, §13.1:
  // `BLP 5 AL` → `BLP 5 AL`): the current value is echoed, not an error.
  if (s.negotiatedDialect >= 13 && s.me.user.blp === req.value) {
    r.send(buildBlpReply, { version: s.me.user.listVersion, value: req.value });
    return;
  }
  await s.ctx.contacts.setPrivacy(s.me, req.value);
  r.send(buildBlpReply, { version: s.me.user.listVersion, value: req.value });
}

/** `GTC t A|N` → `GTC t ver A|N` (2–9) / `GTC t A|N` (10–12); same value → `218`. */
export async function gtc(s: NsSession, req: GtcRequest, r: Reply): Promise<void> {
  await s.ctx.lists.setAddPrompt(s.me, req.value);
  r.send(buildGtcReply, { version: s.me.user.listVersion, value: req.value });
}
