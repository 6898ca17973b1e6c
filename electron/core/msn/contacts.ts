/**
 * Contact-list operations and the server's list notifications (MSNP.md §4.2, §4.5–§4.7):
 * add, remove, block, unblock, allow; groups (create, rename, delete, move, copy); privacy
 * (BLP, GTC); and "someone added / removed you" (RL). Each dialect family speaks its own shape:
 * `ADD … ver handle name {group}` (2–9) vs `ADC … N=/C=` with GUIDs (10–12).
 */
import type { Contact, Group, Privacy } from '../../../shared/model';
import {
  buildAdc,
  buildAddRequest,
  buildAdgRequest,
  buildBlpRequest,
  buildGtcRequest,
  buildReaRequest,
  buildRegRequest,
  buildRemRequest,
  buildRmgRequest,
  buildSbp,
  checkFriendlyName,
  checkGroupName,
  checkHandle,
  decodeAdc,
  decodeAddReply,
  decodeAdgReply,
  decodeBlpReply,
  decodeGtcReply,
  decodeReaReply,
  decodeRegReply,
  decodeRmgReply,
  decodeSbp,
  decodeRemReply,
  isCodecError,
  normalizeHandle,
  type BlpValue,
  type Command,
  type Dialect,
  type GtcValue,
  type ListName,
  type RemReply,
} from '../../../shared/msnp';
import { AbContacts, type AbContext } from './ab/contacts-ab';
import type { ContactList, ContactRecord } from './contact-list';
import type { Emit, NsContext, SessionRef } from './context';
import { OperationFailure, decodedOr, invalidName, malformedReply, toOperationFailure } from './errors';
import { RequestError } from './connection';

/** The lists as `ListMembership` fields; PL is not one of them (it implies RL, withPendingRule). */
const LIST_FIELD = { FL: 'forward', AL: 'allow', BL: 'block', RL: 'reverse' } as const;

/** The two server-stored privacy settings (MSNP.md §4.2). */
type PrivacySetting = { readonly verb: 'BLP'; readonly value: BlpValue } | { readonly verb: 'GTC'; readonly value: GtcValue };

export class Contacts {
  /** MSNP13+: the same operations over the SOAP address book and ADL/RML (ab/contacts-ab.ts). */
  readonly addressBook: AbContacts;

  constructor(
    private readonly session: SessionRef,
    private readonly list: ContactList,
    private readonly emit: Emit,
    /** Persist the list after a change (the cache), fire-and-forget. */
    private readonly onListChanged: () => void,
  ) {
    this.addressBook = new AbContacts(list, emit, onListChanged, (handle) => {
      this.allow(handle).catch(() => undefined);
    });
  }

  all(): Contact[] {
    return this.list.allContacts();
  }

  get(handle: string): Contact | undefined {
    const r = this.list.get(normalizeHandle(handle));
    return r === undefined ? undefined : this.list.toContact(r);
  }

  groups(): Group[] {
    return this.list.allGroups();
  }

  get privacy(): Privacy {
    return this.list.privacy;
  }

  /** Server-initiated list changes (TrID 0) and RL notifications (MSNP.md §4.6). */
  install(): void {
    const ctx = this.session.require();
    const { conn } = ctx;
    if (ctx.ab !== undefined) {
      // MSNP13+: `ADL 0`/`RML 0` pushes (RL, PL; MSNP13-18.md §6.7); ADD/ADC/REM do not exist.
      conn.handle('ADL', (cmd) => this.addressBook.onPush(ctx, cmd));
      conn.handle('RML', (cmd) => this.addressBook.onPush(ctx, cmd));
      return;
    }
    conn.handle('ADD', (cmd) => this.onAsyncAdd(cmd));
    conn.handle('ADC', (cmd) => this.onAsyncAdd(cmd));
    conn.handle('REM', (cmd) => this.onAsyncRemove(cmd));
  }

  /**
   * Add to my contact list (FL), and allow them (AL) unless blocked, as the classic client did.
   * `groupId` puts them in a group (MSNP7+).
   */
  async add(rawHandle: string, options: { friendlyName?: string; groupId?: string } = {}): Promise<Contact> {
    const handle = this.checkedHandle(rawHandle);
    const ctx = this.session.require();
    const existing = this.list.get(handle);
    if (existing?.lists.forward) throw new OperationFailure('already-exists', `${handle} is already on your list`);
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.list.toContact(await this.addressBook.add(abx, handle, options));
    const wasPending = existing?.lists.pending === true;
    await this.addToList(ctx, 'FL', handle, options.friendlyName ?? handle);
    if (options.groupId !== undefined) await this.addToGroup(ctx, handle, options.groupId);
    const r = this.list.get(handle);
    if (r !== undefined && !r.lists.allow && !r.lists.block) await this.addToList(ctx, 'AL', handle, options.friendlyName ?? handle);
    if (wasPending) await this.leavePendingList(ctx, handle);
    return this.list.toContact(this.must(handle));
  }

  /** Remove from my contact list (stays on AL/BL as decided before, MSNP.md §4.5). */
  async remove(rawHandle: string): Promise<void> {
    const handle = normalizeHandle(rawHandle);
    const ctx = this.session.require();
    const r = this.must(handle);
    if (!r.lists.forward) throw new OperationFailure('not-found', `${handle} is not on your list`);
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.remove(abx, r);
    await this.removeFromList(ctx, 'FL', handle);
  }

  /** Block: off AL, onto BL (AL and BL exclude each other, error 219). */
  async block(rawHandle: string): Promise<void> {
    const handle = this.checkedHandle(rawHandle);
    const ctx = this.session.require();
    const r = this.list.get(handle);
    if (r?.lists.block) return;
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.block(abx, handle);
    const wasPending = r?.lists.pending === true;
    if (r?.lists.allow) await this.removeFromList(ctx, 'AL', handle);
    await this.addToList(ctx, 'BL', handle, r?.storedName ?? handle);
    if (wasPending) await this.leavePendingList(ctx, handle);
  }

  /** Unblock: off BL, onto AL. */
  async unblock(rawHandle: string): Promise<void> {
    const handle = this.checkedHandle(rawHandle);
    const ctx = this.session.require();
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.allow(abx, handle);
    await this.moveToAllowList(ctx, handle);
  }

  /** Answer "X added you": allow them (and optionally add them back). */
  async allow(rawHandle: string): Promise<void> {
    const handle = this.checkedHandle(rawHandle);
    const ctx = this.session.require();
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.allow(abx, handle);
    const wasPending = this.list.get(handle)?.lists.pending === true;
    await this.moveToAllowList(ctx, handle);
    if (wasPending) await this.leavePendingList(ctx, handle);
  }

  /** Off BL (if there), onto AL (if not there): AL and BL exclude each other (error 219). */
  private async moveToAllowList(ctx: NsContext, handle: string): Promise<void> {
    const r = this.list.get(handle);
    if (r?.lists.block) await this.removeFromList(ctx, 'BL', handle);
    if (!this.list.get(handle)?.lists.allow) await this.addToList(ctx, 'AL', handle, r?.storedName ?? handle);
  }

  /**
   * Change the name stored for a contact in my lists (what `LST` returns, shown while the contact
   * has not told us their own name): `REA t handle name` → `REA t ver handle name` (2–9) ·
   * `SBP t guid MFN name` → echo (10–12, FL contacts only: SBP is keyed by the contact GUID).
   * MSNP.md §4.8, §5.4. The contact's own name is unaffected; emits `contact.updated`.
   */
  async rename(rawHandle: string, name: string): Promise<Contact> {
    const handle = this.checkedHandle(rawHandle);
    const problem = checkFriendlyName(name);
    if (problem !== undefined) throw invalidName('name', problem);
    const ctx = this.session.require();
    if (handle === ctx.handle) throw new OperationFailure('invalid-handle', 'that is you: change your own name with setFriendlyName');
    const r = this.must(handle);
    const what = `renaming ${handle}`;
    const abx = this.abContext(ctx);
    if (abx !== undefined) {
      await this.addressBook.rename(abx, r, name);
      return this.list.toContact(r);
    }
    let stored: string;
    try {
      if (ctx.dialect <= 9) {
        const reply = await ctx.conn.call((trId) => buildReaRequest({ trId, handle, friendlyName: name }, ctx.dialect));
        const rea = decodedOr(decodeReaReply(reply, ctx.dialect), malformedReply(what));
        this.list.noteVersion(rea.version);
        stored = rea.friendlyName;
      } else {
        const guid = r.lists.forward ? r.guid : undefined;
        if (guid === undefined) throw new OperationFailure('not-found', `${handle} is not on your contact list`);
        const reply = await ctx.conn.call((trId) => buildSbp({ trId, contactId: guid, key: 'MFN', value: name }, ctx.dialect));
        stored = decodedOr(decodeSbp(reply, ctx.dialect, 'toClient'), malformedReply(what)).value ?? name;
      }
    } catch (err) {
      throw toOperationFailure(err, what);
    }
    // The record may have gone meanwhile (removed from another client): nothing left to rename.
    const now = this.must(handle);
    now.storedName = stored;
    this.changed(now, false);
    return this.list.toContact(now);
  }

  // ----- groups (MSNP7+, MSNP.md §4.7) -----

  async createGroup(name: string): Promise<Group> {
    const ctx = this.requireGroups();
    this.checkGroupName(name);
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.createGroup(abx, name);
    try {
      // ADG t name 0 → ADG t ver name id 0 (7–9) · ADG t name → ADG t name guid (10–12)
      const reply = await ctx.conn.call((trId) => buildAdgRequest({ trId, name }, ctx.dialect));
      const adg = decodedOr(decodeAdgReply(reply, ctx.dialect), malformedReply(`creating group "${name}"`));
      this.setVersion(adg.version);
      const group: Group = { id: adg.groupId, name: adg.name };
      this.list.groups.set(group.id, group.name);
      this.emit('group.added', { group });
      this.onListChanged();
      return group;
    } catch (err) {
      throw toOperationFailure(err, `creating group "${name}"`);
    }
  }

  async renameGroup(id: string, name: string): Promise<Group> {
    const ctx = this.requireGroups();
    this.checkGroupName(name);
    if (!this.list.groups.has(id)) throw new OperationFailure('not-found', 'no such group');
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.renameGroup(abx, id, name);
    try {
      // REG t id name 0 → REG t ver id name 0 (7–9) · REG t guid name → REG t guid name (10–12)
      const reply = await ctx.conn.call((trId) => buildRegRequest({ trId, groupId: id, name }, ctx.dialect));
      this.setVersion(decodedOr(decodeRegReply(reply, ctx.dialect), malformedReply(`renaming group "${name}"`)).version);
    } catch (err) {
      throw toOperationFailure(err, `renaming group "${name}"`);
    }
    const group: Group = { id, name };
    this.list.groups.set(id, name);
    this.emit('group.renamed', { group });
    this.onListChanged();
    return group;
  }

  /** Delete a group. Its contacts stay on the list, ungrouped (moved out first, MSNP.md §4.7). */
  async deleteGroup(id: string): Promise<void> {
    const ctx = this.requireGroups();
    if (!this.list.groups.has(id)) throw new OperationFailure('not-found', 'no such group');
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.deleteGroup(abx, id);
    // msnp-wiki: RMG may drop contacts that were only in that group; take them out first.
    for (const r of [...this.list.contacts.values()]) {
      if (r.groupIds.includes(id)) await this.removeFromGroup(r.handle, id);
    }
    try {
      // RMG t id → RMG t ver id (7–9) · RMG t guid → RMG t guid (10–12)
      const reply = await ctx.conn.call((trId) => buildRmgRequest({ trId, groupId: id }, ctx.dialect));
      this.setVersion(decodedOr(decodeRmgReply(reply, ctx.dialect), malformedReply('deleting the group')).version);
    } catch (err) {
      throw toOperationFailure(err, 'deleting the group');
    }
    this.list.groups.delete(id);
    this.emit('group.removed', { groupId: id });
    this.onListChanged();
  }

  /** Put a contact in another group too. */
  async copyToGroup(rawHandle: string, groupId: string): Promise<void> {
    const ctx = this.requireGroups();
    const handle = normalizeHandle(rawHandle);
    const r = this.must(handle);
    if (!r.lists.forward) throw new OperationFailure('not-found', `${handle} is not on your list`);
    if (r.groupIds.includes(groupId)) return;
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.addToGroup(abx, r, groupId);
    await this.addToGroup(ctx, handle, groupId);
  }

  /** Move from one group to another (add, then remove: the contact is never in none by accident). */
  async moveToGroup(rawHandle: string, fromGroupId: string | null, toGroupId: string): Promise<void> {
    await this.copyToGroup(rawHandle, toGroupId);
    if (fromGroupId !== null && fromGroupId !== toGroupId) await this.removeFromGroup(rawHandle, fromGroupId);
  }

  /** REM t FL handle group (7–9) / REM t FL guid group (10–12): only that membership. */
  async removeFromGroup(rawHandle: string, groupId: string): Promise<void> {
    const ctx = this.requireGroups();
    const handle = normalizeHandle(rawHandle);
    const r = this.must(handle);
    if (!r.groupIds.includes(groupId)) return;
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.removeFromGroup(abx, r, groupId);
    const key = ctx.dialect >= 10 ? (r.guid ?? handle) : handle;
    try {
      const reply = await ctx.conn.call((trId) => buildRemRequest({ trId, list: 'FL', contact: key, groupId }, ctx.dialect));
      this.applyRemove(decodedOr(decodeRemReply(reply, ctx.dialect), malformedReply(`removing ${handle} from the group`)));
    } catch (err) {
      throw toOperationFailure(err, `removing ${handle} from the group`);
    }
  }

  // ----- privacy (MSNP.md §4.2) -----

  async setPrivacy(privacy: Partial<Privacy>): Promise<Privacy> {
    const ctx = this.session.require();
    const abx = this.abContext(ctx);
    if (abx !== undefined) return this.addressBook.setPrivacy(abx, privacy);
    const cur = this.list.privacy;
    if (privacy.visibility !== undefined && privacy.visibility !== cur.visibility) {
      await this.setting(ctx, { verb: 'BLP', value: privacy.visibility === 'only-allowed' ? 'BL' : 'AL' });
      this.list.privacy = { ...this.list.privacy, visibility: privacy.visibility };
    }
    if (privacy.promptOnAdd !== undefined && privacy.promptOnAdd !== cur.promptOnAdd) {
      await this.setting(ctx, { verb: 'GTC', value: privacy.promptOnAdd ? 'A' : 'N' });
      this.list.privacy = { ...this.list.privacy, promptOnAdd: privacy.promptOnAdd };
    }
    if (this.list.privacy !== cur) {
      this.emit('privacy.changed', { privacy: this.list.privacy });
      this.onListChanged();
    }
    return this.list.privacy;
  }

  // ----- wire -----

  /** BLP t AL|BL / GTC t A|N; 218 (already in that mode) counts as success. */
  private async setting(ctx: NsContext, setting: PrivacySetting): Promise<void> {
    const { verb } = setting;
    try {
      const reply = await ctx.conn.call((trId) =>
        setting.verb === 'BLP' ? buildBlpRequest({ trId, value: setting.value }, ctx.dialect) : buildGtcRequest({ trId, value: setting.value }, ctx.dialect),
      );
      const decode = verb === 'BLP' ? decodeBlpReply : decodeGtcReply;
      this.setVersion(decodedOr(decode(reply, ctx.dialect), malformedReply(verb)).version);
    } catch (err) {
      if (err instanceof RequestError && err.code === 218) return;
      throw toOperationFailure(err, verb === 'BLP' ? 'changing who can see you' : 'changing the add prompt');
    }
  }

  /** ADD t LIST handle name (2–9) · ADC t LIST N=handle {F=name} (10–12; F= only for FL, MSNP.md §4.5). */
  private async addToList(ctx: NsContext, list: 'FL' | 'AL' | 'BL', handle: string, name: string): Promise<void> {
    let reply: Command;
    try {
      reply = await ctx.conn.call((trId) =>
        ctx.dialect <= 9
          ? buildAddRequest({ trId, list, handle, friendlyName: name }, ctx.dialect)
          : buildAdc({ trId, list, handle, friendlyName: list === 'FL' ? name : undefined }, ctx.dialect),
      );
    } catch (err) {
      throw toOperationFailure(err, `adding ${handle}`);
    }
    if (this.applyAdd(reply, ctx.dialect) === undefined) throw malformedReply(`adding ${handle}`)(reply.params.join(' '));
  }

  /** ADD t FL handle name group (7–9) · ADC t FL C=guid group (10–12). */
  private async addToGroup(ctx: NsContext, handle: string, groupId: string): Promise<void> {
    if (!this.list.groups.has(groupId)) throw new OperationFailure('not-found', 'no such group');
    const r = this.must(handle);
    let reply: Command;
    try {
      reply = await ctx.conn.call((trId) =>
        ctx.dialect <= 9
          ? buildAddRequest({ trId, list: 'FL', handle, friendlyName: r.storedName, groupId }, ctx.dialect)
          : buildAdc({ trId, list: 'FL', contactId: r.guid ?? handle, groupId }, ctx.dialect),
      );
    } catch (err) {
      throw toOperationFailure(err, `adding ${handle} to the group`);
    }
    if (this.applyAdd(reply, ctx.dialect) === undefined) throw malformedReply(`adding ${handle}`)(reply.params.join(' '));
  }

  /** REM t LIST handle (2–9) · REM t LIST handle-or-guid (10–12; FL by GUID). */
  private async removeFromList(ctx: NsContext, list: 'FL' | 'AL' | 'BL' | 'PL', handle: string): Promise<void> {
    const r = this.must(handle);
    const key = ctx.dialect >= 10 && list === 'FL' ? (r.guid ?? handle) : handle;
    try {
      const reply = await ctx.conn.call((trId) => buildRemRequest({ trId, list, contact: key }, ctx.dialect));
      this.applyRemove(decodedOr(decodeRemReply(reply, ctx.dialect), malformedReply(`removing ${handle}`)));
    } catch (err) {
      throw toOperationFailure(err, `removing ${handle}`);
    }
  }

  /**
   * MSNP10+: I decided about someone who added me; take them off the server's pending list
   * (`REM t PL`, MSNP.md §4.6). Best effort: a server that never put them there answers `216`.
   * Before MSNP10 there is no PL; deciding (AL or BL) is all it takes.
   */
  private async leavePendingList(ctx: NsContext, handle: string): Promise<void> {
    if (ctx.dialect >= 10) await this.removeFromList(ctx, 'PL', handle).catch(() => undefined);
  }

  /**
   * `ADD t LIST ver handle name {group}` (2–9) / `ADC t LIST N=handle {F=name} {C=guid}` or
   * `ADC t FL C=guid group` (10–12), as a reply or server-initiated; decoded by the codec.
   */
  private applyAdd(cmd: Command, dialect: Dialect): { list: ListName; record: ContactRecord } | undefined {
    let list: ListName;
    let handle: string | undefined;
    let name: string | undefined;
    let guid: string | undefined;
    let group: string | undefined;
    if (cmd.verb === 'ADD') {
      const a = decodeAddReply(cmd, dialect);
      if (isCodecError(a)) return undefined;
      this.setVersion(a.version);
      ({ list, handle, friendlyName: name, groupId: group } = a);
    } else {
      const a = decodeAdc(cmd, dialect, 'toClient');
      if (isCodecError(a)) return undefined;
      ({ list, handle, friendlyName: name, contactId: guid, groupId: group } = a);
      if (handle === undefined && guid !== undefined) handle = this.list.byGuidOrHandle(guid)?.handle;
    }
    if (handle === undefined) return undefined;
    const h = normalizeHandle(handle);
    const isNew = this.list.get(h) === undefined;
    const r = this.list.upsert(h, name);
    if (guid !== undefined && list === 'FL') this.list.setGuid(r, guid);
    // PL (MSNP10+) implies RL; `pending` follows from the lists (withPendingRule).
    this.list.setLists(r, list === 'PL' ? { reverse: true } : { [LIST_FIELD[list]]: true });
    if (list === 'FL' && group !== undefined && !r.groupIds.includes(group)) r.groupIds = [...r.groupIds, group];
    this.changed(r, isNew);
    return { list, record: r };
  }

  /** `REM t LIST ver handle {group}` (2–9) / `REM t LIST handle-or-guid {group}` (10–12), decoded. */
  private applyRemove(rem: RemReply): ContactRecord | undefined {
    this.setVersion(rem.version);
    const r = this.list.byGuidOrHandle(rem.contact);
    if (r === undefined) return undefined;
    if (rem.groupId !== undefined && rem.list === 'FL') {
      r.groupIds = r.groupIds.filter((g) => g !== rem.groupId);
    } else {
      // Leaving PL changes nothing I show: they still added me (RL), and whether I decided is AL/BL.
      if (rem.list !== 'PL') this.list.setLists(r, { [LIST_FIELD[rem.list]]: false });
      if (rem.list === 'FL') {
        r.groupIds = [];
        this.list.setGuid(r, undefined);
      }
    }
    this.changed(r, false);
    return r;
  }

  /** ADD/ADC with TrID 0: someone added me (RL) or another client changed my lists. */
  private onAsyncAdd(cmd: Command): void {
    const added = this.applyAdd(cmd, this.session.require().dialect);
    if (added === undefined || added.list !== 'RL') return;
    const r = added.record;
    const needsDecision = this.list.privacy.promptOnAdd && !r.lists.allow && !r.lists.block;
    this.emit('contact.added-me', { handle: r.handle, friendlyName: r.storedName, needsDecision });
    // GTC N: allow them silently (MSNP.md §4.2).
    if (!this.list.privacy.promptOnAdd && !r.lists.allow && !r.lists.block) this.allow(r.handle).catch(() => undefined);
  }

  private onAsyncRemove(cmd: Command): void {
    const rem = decodeRemReply(cmd, this.session.require().dialect);
    if (isCodecError(rem)) return; // a malformed notification changes nothing
    const r = this.applyRemove(rem);
    if (rem.list !== 'RL') return;
    this.emit('contact.removed-me', { handle: r?.handle ?? normalizeHandle(rem.contact) });
  }

  /** MSNP2–9 replies carry the new list version (MSNP.md §4.3); 10+ ones do not. */
  private setVersion(version: number | undefined): void {
    if (version !== undefined) this.list.noteVersion(version);
  }

  private changed(r: ContactRecord, isNew: boolean): void {
    if (this.list.dropIfUnlisted(r)) {
      if (!isNew) this.emit('contact.removed', { handle: r.handle });
    } else if (isNew) {
      this.emit('contact.added', { contact: this.list.toContact(r) });
    } else {
      this.emit('contact.updated', { contact: this.list.toContact(r) });
    }
    this.onListChanged();
  }

  /** MSNP13+ sessions carry the address book: the operations go there (ab/contacts-ab.ts). */
  private abContext(ctx: NsContext): AbContext | undefined {
    return ctx.ab !== undefined ? { ...ctx, ab: ctx.ab } : undefined;
  }

  /** `NOT` ABCHInternal at MSNP13+: read the address book again (MSNP13-18.md §6.8). */
  resync(): Promise<void> {
    const ctx = this.session.value;
    const abx = ctx !== undefined ? this.abContext(ctx) : undefined;
    return abx !== undefined ? this.addressBook.resync(abx) : Promise.resolve();
  }

  private must(handle: string): ContactRecord {
    const r = this.list.get(handle);
    if (r === undefined) throw new OperationFailure('not-found', `${handle} is not on any of your lists`);
    return r;
  }

  private checkedHandle(raw: string): string {
    const handle = normalizeHandle(raw.trim());
    if (checkHandle(handle) !== undefined) throw new OperationFailure('invalid-handle', `"${raw}" is not a valid address`);
    return handle;
  }

  private checkGroupName(name: string): void {
    const problem = checkGroupName(name);
    if (problem !== undefined) throw invalidName('group name', problem);
  }

  private requireGroups(): NsContext {
    const ctx = this.session.require();
    if (ctx.dialect < 7) throw new OperationFailure('not-supported', `groups need MSNP7 or later (this server speaks MSNP${ctx.dialect})`);
    return ctx;
  }
}
