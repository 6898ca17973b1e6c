/**
 * Contact-list operations at MSNP13+ (MSNP13-18.md §6.5, §7): the change goes to the address book
 * or sharing service over SOAP, then the NS is told with `ADL`/`RML` whom to watch and allow. The
 * same model events as the MSNP2–12 commands in contacts.ts, which delegates here by dialect.
 * Also the server's list pushes (`ADL 0`/`RML 0` with RL/PL, §6.7) and the re-sync after an
 * address-book ping (`NOT` ABCHInternal, §6.8), diffed into events so the UI needs nothing new.
 */
import type { Group, Privacy } from '../../../../shared/model';
import {
  NETWORK,
  buildAbContactAdd,
  buildAbContactDelete,
  buildAbContactUpdate,
  buildAbGroupAdd,
  buildAbGroupContact,
  buildAbGroupDelete,
  buildAbGroupUpdate,
  buildBlpRequest,
  buildMemberChange,
  buildMlRequest,
  decodeMlReply,
  isCodecError,
  normalizeHandle,
  type Command,
  type MemberRole,
} from '../../../../shared/msnp';
import { RequestError } from '../connection';
import { withPendingRule, type ContactList, type ContactRecord } from '../contact-list';
import type { Emit, NsContext } from '../context';
import { OperationFailure, toOperationFailure } from '../errors';
import { AbFault, type AddressBookService } from './service';
import { applySnapshot, readAddressBook, sendMl, type AbSnapshot } from './sync';

/** RL and PL bits in server pushes (§7.1). */
const RL = 8;
const PL = 16;

export interface AbContext extends NsContext {
  readonly ab: AddressBookService;
}

export class AbContacts {
  /** The Me contact's GUID, when the address book named it. */
  meId: string | undefined;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;

  constructor(
    private readonly list: ContactList,
    private readonly emit: Emit,
    private readonly onListChanged: () => void,
    /** "X added you" with GTC N: allow them silently (MSNP.md §4.2), through Contacts.allow. */
    private readonly allowSilently: (handle: string) => void,
  ) {}

  // ----- contacts (§6.5) -----

  /** `FQY` (14+) for a new address, ABContactAdd (+ group), AddMember Allow unless blocked, then `ADL` FL|AL (or FL|BL). */
  async add(ctx: AbContext, handle: string, options: { friendlyName?: string; groupId?: string }): Promise<ContactRecord> {
    if (options.groupId !== undefined && !this.list.groups.has(options.groupId)) throw new OperationFailure('not-found', 'no such group');
    const before = this.list.get(handle);
    const wasPending = before?.lists.pending === true;
    const what = `adding ${handle}`;
    // Someone already on my lists came from the address book or the NS, so their network is known.
    if (before === undefined) await this.checkNetwork(ctx, handle, what);
    let guid: string | undefined;
    try {
      const added = await ctx.ab.mutate('ABContactAdd', 'ContactSave', (c) =>
        buildAbContactAdd(c, { passportName: handle, ...(options.friendlyName !== undefined && options.friendlyName !== handle ? { displayName: options.friendlyName } : {}) }),
      );
      guid = added.guid;
    } catch (err) {
      throw toOperationFailure(err, what);
    }
    if (guid === undefined) throw new OperationFailure('server-error', `${what}: the address book returned no contact id`);
    const blocked = before?.lists.block === true;
    if (!blocked && before?.lists.allow !== true) await this.member(ctx, 'AddMember', 'Allow', handle, 'BlockUnblock', true);
    if (options.groupId !== undefined) await this.groupMembership(ctx, 'ABGroupContactAdd', options.groupId, guid, what);
    if (wasPending) await this.member(ctx, 'DeleteMember', 'Pending', handle, 'ContactMsgrAPI', true).catch(() => undefined);
    // Told to the NS last: presence for them may follow the ADL reply in the same read (contact-list.ts hints).
    await this.ml(ctx, 'ADL', handle, 1 | (blocked ? 4 : 2), what);
    const isNew = this.list.get(handle) === undefined;
    const r = this.list.upsert(handle, options.friendlyName ?? handle);
    this.list.setGuid(r, guid);
    this.list.setLists(r, { forward: true, ...(blocked ? {} : { allow: true }) });
    if (options.groupId !== undefined && !r.groupIds.includes(options.groupId)) r.groupIds = [...r.groupIds, options.groupId];
    this.changed(r, isNew);
    return r;
  }

  /** ABContactDelete, `RML` FL. Stays on AL/BL as decided before (as MSNP.md §4.5). */
  async remove(ctx: AbContext, r: ContactRecord): Promise<void> {
    const what = `removing ${r.handle}`;
    if (r.guid === undefined) throw new OperationFailure('not-found', `${what}: not in the address book`);
    const guid = r.guid;
    try {
      await ctx.ab.mutate('ABContactDelete', 'Timer', (c) => buildAbContactDelete(c, [guid]));
    } catch (err) {
      if (!(err instanceof AbFault && err.errorName === 'ContactDoesNotExist')) throw toOperationFailure(err, what);
    }
    await this.ml(ctx, 'RML', r.handle, 1, what);
    this.list.setLists(r, { forward: false });
    r.groupIds = [];
    this.list.setGuid(r, undefined);
    this.changed(r, false);
  }

  /** DeleteMember Allow, AddMember Block (BlockUnblock); `RML` AL, `ADL` BL (§6.5). */
  async block(ctx: AbContext, handle: string): Promise<void> {
    const r = this.list.get(handle);
    const wasPending = r?.lists.pending === true;
    const what = `blocking ${handle}`;
    if (r?.lists.allow) {
      await this.member(ctx, 'DeleteMember', 'Allow', handle, 'BlockUnblock', true);
      await this.ml(ctx, 'RML', handle, 2, what);
    }
    await this.member(ctx, 'AddMember', 'Block', handle, 'BlockUnblock', true);
    await this.ml(ctx, 'ADL', handle, 4, what);
    if (wasPending) await this.member(ctx, 'DeleteMember', 'Pending', handle, 'ContactMsgrAPI', true).catch(() => undefined);
    this.setLists(handle, { allow: false, block: true });
  }

  /** Off Block (if there), onto Allow (if not there): `RML` BL, `ADL` AL; and off Pending. */
  async allow(ctx: AbContext, handle: string): Promise<void> {
    const r = this.list.get(handle);
    const wasPending = r?.lists.pending === true;
    const what = `allowing ${handle}`;
    if (r?.lists.block) {
      await this.member(ctx, 'DeleteMember', 'Block', handle, 'BlockUnblock', true);
      await this.ml(ctx, 'RML', handle, 4, what);
    }
    if (r?.lists.allow !== true) {
      await this.member(ctx, 'AddMember', 'Allow', handle, 'BlockUnblock', true);
      await this.ml(ctx, 'ADL', handle, 2, what);
    }
    if (wasPending) await this.member(ctx, 'DeleteMember', 'Pending', handle, 'ContactMsgrAPI', true).catch(() => undefined);
    this.setLists(handle, { allow: true, block: false });
  }

  /** The name stored for a contact: `ABContactUpdate` `displayName` (§6.5 "Rename contact"). */
  async rename(ctx: AbContext, r: ContactRecord, name: string): Promise<void> {
    const guid = r.lists.forward ? r.guid : undefined;
    if (guid === undefined) throw new OperationFailure('not-found', `${r.handle} is not on your contact list`);
    try {
      await ctx.ab.mutate('ABContactUpdate', 'Timer', (c) => buildAbContactUpdate(c, { contactId: guid, displayName: name }));
    } catch (err) {
      throw toOperationFailure(err, `renaming ${r.handle}`);
    }
    r.storedName = name;
    this.changed(r, false);
  }

  // ----- groups (§6.5) -----

  async createGroup(ctx: AbContext, name: string): Promise<Group> {
    const what = `creating group "${name}"`;
    let guid: string | undefined;
    try {
      guid = (await ctx.ab.mutate('ABGroupAdd', 'GroupSave', (c) => buildAbGroupAdd(c, name))).guid;
    } catch (err) {
      throw toOperationFailure(err, what);
    }
    if (guid === undefined) throw new OperationFailure('server-error', `${what}: the address book returned no group id`);
    const group: Group = { id: guid, name };
    this.list.groups.set(group.id, group.name);
    this.emit('group.added', { group });
    this.onListChanged();
    return group;
  }

  async renameGroup(ctx: AbContext, id: string, name: string): Promise<Group> {
    try {
      await ctx.ab.mutate('ABGroupUpdate', 'Timer', (c) => buildAbGroupUpdate(c, id, name));
    } catch (err) {
      throw toOperationFailure(err, `renaming group "${name}"`);
    }
    const group: Group = { id, name };
    this.list.groups.set(id, name);
    this.emit('group.renamed', { group });
    this.onListChanged();
    return group;
  }

  /** ABGroupDelete; the group's contacts stay on the list, ungrouped. */
  async deleteGroup(ctx: AbContext, id: string): Promise<void> {
    for (const r of [...this.list.contacts.values()]) {
      if (r.groupIds.includes(id)) await this.removeFromGroup(ctx, r, id);
    }
    try {
      await ctx.ab.mutate('ABGroupDelete', 'Timer', (c) => buildAbGroupDelete(c, [id]));
    } catch (err) {
      throw toOperationFailure(err, 'deleting the group');
    }
    this.list.groups.delete(id);
    this.emit('group.removed', { groupId: id });
    this.onListChanged();
  }

  async addToGroup(ctx: AbContext, r: ContactRecord, groupId: string): Promise<void> {
    if (!this.list.groups.has(groupId)) throw new OperationFailure('not-found', 'no such group');
    if (r.guid === undefined) throw new OperationFailure('not-found', `${r.handle} is not on your contact list`);
    await this.groupMembership(ctx, 'ABGroupContactAdd', groupId, r.guid, `adding ${r.handle} to the group`);
    if (!r.groupIds.includes(groupId)) r.groupIds = [...r.groupIds, groupId];
    this.changed(r, false);
  }

  async removeFromGroup(ctx: AbContext, r: ContactRecord, groupId: string): Promise<void> {
    if (r.guid === undefined) return;
    await this.groupMembership(ctx, 'ABGroupContactDelete', groupId, r.guid, `removing ${r.handle} from the group`);
    r.groupIds = r.groupIds.filter((g) => g !== groupId);
    this.changed(r, false);
  }

  // ----- privacy (§6.4, §6.5 "Privacy default") -----

  /** The Me contact's `MSN.IM.BLP` / `MSN.IM.GTC` annotations, and `BLP` on the NS for visibility. */
  async setPrivacy(ctx: AbContext, privacy: Partial<Privacy>): Promise<Privacy> {
    const cur = this.list.privacy;
    const annotations: Record<string, string> = {};
    if (privacy.visibility !== undefined && privacy.visibility !== cur.visibility) annotations['MSN.IM.BLP'] = privacy.visibility === 'only-allowed' ? '2' : '1';
    if (privacy.promptOnAdd !== undefined && privacy.promptOnAdd !== cur.promptOnAdd) annotations['MSN.IM.GTC'] = privacy.promptOnAdd ? '1' : '2';
    if (Object.keys(annotations).length === 0) return cur;
    try {
      await ctx.ab.mutate('ABContactUpdate', 'Timer', (c) => buildAbContactUpdate(c, { contactId: this.meId ?? '', me: true, annotations }));
      if (annotations['MSN.IM.BLP'] !== undefined) {
        await ctx.conn.call((trId) => buildBlpRequest({ trId, value: privacy.visibility === 'only-allowed' ? 'BL' : 'AL' }, ctx.dialect));
      }
    } catch (err) {
      throw toOperationFailure(err, 'changing your privacy settings');
    }
    this.list.privacy = { ...cur, ...(privacy.visibility !== undefined ? { visibility: privacy.visibility } : {}), ...(privacy.promptOnAdd !== undefined ? { promptOnAdd: privacy.promptOnAdd } : {}) };
    this.emit('privacy.changed', { privacy: this.list.privacy });
    this.onListChanged();
    return this.list.privacy;
  }

  // ----- what the server pushes (§6.7, §6.8) -----

  /** `ADL 0 len` / `RML 0 len`: someone added or removed me (RL, PL bits). */
  onPush(ctx: NsContext, cmd: Command): void {
    const push = decodeMlReply(cmd, ctx.dialect);
    if (isCodecError(push) || (push.type !== 'ADL' && push.type !== 'RML')) return; // a malformed push changes nothing
    for (const c of push.list.contacts) {
      const handle = normalizeHandle(c.handle);
      const bits = c.lists ?? 0;
      if ((bits & (RL | PL)) === 0) continue;
      if (push.type === 'ADL') {
        const isNew = this.list.get(handle) === undefined;
        const r = this.list.upsert(handle, c.friendlyName ?? handle);
        const wasReverse = r.lists.reverse;
        this.list.setLists(r, { reverse: true });
        this.changed(r, isNew);
        if (wasReverse) continue;
        const needsDecision = this.list.privacy.promptOnAdd && !r.lists.allow && !r.lists.block;
        this.emit('contact.added-me', { handle: r.handle, friendlyName: c.friendlyName ?? r.storedName, needsDecision });
        if (!this.list.privacy.promptOnAdd && !r.lists.allow && !r.lists.block) this.allowSilently(r.handle);
      } else {
        const r = this.list.get(handle);
        if (r !== undefined && (bits & RL) !== 0) {
          this.list.setLists(r, { reverse: false });
          this.changed(r, false);
        }
        if ((bits & RL) !== 0) this.emit('contact.removed-me', { handle });
      }
    }
  }

  /**
   * `NOT` ABCHInternal: read both services again and turn the differences into events. Pings
   * arriving during a re-sync make one more re-sync after it, never overlapping ones.
   */
  resync(ctx: AbContext): Promise<void> {
    if (this.resyncing !== undefined) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    this.resyncing = (async () => {
      do {
        this.resyncAgain = false;
        const snap = await readAddressBook(ctx.ab);
        this.applyDiff(snap);
      } while (this.resyncAgain);
    })().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private applyDiff(snap: AbSnapshot): void {
    const before = new Map([...this.list.contacts].map(([h, r]) => [h, this.list.toContact(r)]));
    const groupsBefore = new Map(this.list.groups);
    const privacyBefore = this.list.privacy;
    this.meId = snap.meId ?? this.meId;
    applySnapshot(this.list, snap);
    for (const [id, name] of this.list.groups) {
      const old = groupsBefore.get(id);
      if (old === undefined) this.emit('group.added', { group: { id, name } });
      else if (old !== name) this.emit('group.renamed', { group: { id, name } });
    }
    for (const [h, r] of this.list.contacts) {
      const now = this.list.toContact(r);
      const old = before.get(h);
      if (old === undefined) this.emit('contact.added', { contact: now });
      else if (JSON.stringify(old) !== JSON.stringify(now)) this.emit('contact.updated', { contact: now });
    }
    for (const h of before.keys()) if (!this.list.contacts.has(h)) this.emit('contact.removed', { handle: h });
    for (const id of groupsBefore.keys()) if (!this.list.groups.has(id)) this.emit('group.removed', { groupId: id });
    if (JSON.stringify(privacyBefore) !== JSON.stringify(this.list.privacy)) this.emit('privacy.changed', { privacy: this.list.privacy });
    this.onListChanged();
  }

  // ----- wire -----

  /**
   * `FQY t len` + `<ml><d n="domain"><c n="local"/></d></ml>` (14+, MSNP13-18.md §7.3): which
   * network a new address is on, asked before adding it, as libpurple does (`msn_add_buddy`,
   * `fqy_cmd_post`). The answer decides: network 1 → add it (the `ADL` carries `t="1"`); `208` →
   * there is no such account, and nothing is changed; another network (Yahoo! 32, …) → refused,
   * since this client adds only Messenger accounts. An answer that cannot be read, or another
   * error, counts as network 1, as libpurple assumes ("adding anyway"); a closed connection fails.
   */
  private async checkNetwork(ctx: AbContext, handle: string, what: string): Promise<void> {
    if (ctx.dialect < 14) return; // FQY does not exist before 14 (Escargot disconnects).
    let network: number = NETWORK.PASSPORT;
    try {
      const reply = await ctx.conn.call((trId) => buildMlRequest({ type: 'FQY', trId, list: { initial: false, contacts: [{ handle }] } }, ctx.dialect));
      const answer = decodeMlReply(reply, ctx.dialect);
      if (!isCodecError(answer) && answer.type === 'FQY') {
        network = answer.list.contacts.find((c) => normalizeHandle(c.handle) === handle)?.network ?? NETWORK.PASSPORT;
      }
    } catch (err) {
      if (err instanceof RequestError && err.kind === 'protocol' && err.code === 208) throw new OperationFailure('unknown-account', `${what}: there is no such account`, 208);
      if (err instanceof RequestError && err.kind === 'closed') throw toOperationFailure(err, what);
    }
    if (network !== NETWORK.PASSPORT) throw new OperationFailure('not-supported', `${what}: the address is on another network (${network}); only Messenger accounts can be added`);
  }

  /** AddMember/DeleteMember for one address; `tolerant` takes "already so" faults as success. */
  private async member(ctx: AbContext, action: 'AddMember' | 'DeleteMember', role: MemberRole, handle: string, scenario: 'BlockUnblock' | 'ContactMsgrAPI', tolerant: boolean): Promise<void> {
    try {
      await ctx.ab.mutate(action, scenario, (c) => buildMemberChange(c, action, role, [{ passportName: handle }]));
    } catch (err) {
      if (tolerant && err instanceof AbFault && (err.errorName === 'MemberAlreadyExists' || err.errorName === 'MemberDoesNotExist')) return;
      throw toOperationFailure(err, `${action === 'AddMember' ? 'adding' : 'removing'} ${handle} ${action === 'AddMember' ? 'to' : 'from'} the ${role} list`);
    }
  }

  private async groupMembership(ctx: AbContext, action: 'ABGroupContactAdd' | 'ABGroupContactDelete', groupId: string, contactId: string, what: string): Promise<void> {
    try {
      await ctx.ab.mutate(action, action === 'ABGroupContactAdd' ? 'ContactSave' : 'Timer', (c) => buildAbGroupContact(c, action, groupId, [contactId]));
    } catch (err) {
      throw toOperationFailure(err, what);
    }
  }

  private async ml(ctx: AbContext, verb: 'ADL' | 'RML', handle: string, lists: number, what: string): Promise<void> {
    try {
      await sendMl(ctx.conn, ctx.dialect, verb, false, [{ handle, lists, network: NETWORK.PASSPORT }]);
    } catch (err) {
      throw toOperationFailure(err, what);
    }
  }

  private setLists(handle: string, patch: { allow?: boolean; block?: boolean }): void {
    const isNew = this.list.get(handle) === undefined;
    const r = this.list.upsert(handle);
    r.lists = withPendingRule({ ...r.lists, ...patch });
    this.changed(r, isNew);
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
}
