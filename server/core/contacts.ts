/**
 * List edits with their consequences (MSNP.md §4.5, §4.6, §4.2): the other side's reverse list,
 * its notification, and presence changes when allow/block decisions flip what someone sees.
 * The MSNP handlers call these; the lists themselves live in ListManager.
 */
import type { ContactRecord, Privacy } from '../store/store';
import { fail } from './errors';
import type { Account, EditableList, ListManager } from './lists';
import type { PresenceHub, PresenceView, ReverseListEdit } from './presence';

export interface AddResult {
  readonly entry: ContactRecord;
  readonly newOnList: boolean;
  /** FL adds: the contact's presence if it is online and lets me see it (→ `ILN`, §4.5). */
  readonly presence: PresenceView | undefined;
}

export class ContactService {
  constructor(
    private readonly lists: ListManager,
    private readonly presence: PresenceHub,
  ) {}

  async add(
    owner: Account,
    list: EditableList,
    contact: string,
    name: string,
    groupId: number | undefined,
    clearsPending: boolean,
  ): Promise<AddResult> {
    if (contact !== owner.handle && !(await this.lists.exists(contact))) fail('no-such-user');
    const allowedBefore = owner.allows(contact);
    const { entry, newOnList } = await this.lists.addToList(owner, list, contact, name, groupId, clearsPending);
    let presence: PresenceView | undefined;
    if (list === 'FL') {
      if (newOnList) await this.reverseAdd(owner, contact);
      presence = this.presence.visibleTo(contact, owner.handle);
      if (presence === undefined) this.presence.askRemote(contact, owner.handle);
    } else {
      this.presence.refreshOne(owner, contact, allowedBefore);
    }
    return { entry, newOnList, presence };
  }

  async remove(owner: Account, list: EditableList | 'PL', contact: string, groupId: number | undefined): Promise<ContactRecord> {
    const allowedBefore = owner.allows(contact);
    const entry = await this.lists.removeFromList(owner, list, contact, groupId);
    if (list === 'FL' && groupId === undefined) await this.reverseRemove(owner, contact);
    if (list === 'AL' || list === 'BL') this.presence.refreshOne(owner, contact, allowedBefore);
    return entry;
  }

  async setPrivacy(owner: Account, blp: Privacy): Promise<void> {
    const before = this.presence.allowedSnapshot(owner);
    await this.lists.setPrivacy(owner, blp);
    this.presence.refreshAll(owner, before);
  }

  /**
   * In a cluster, a contact signed in on another node has its lists there: that node makes the
   * change, the one write, in order with the contact's own (server/cluster/node.ts). True when it did.
   */
  private async changedElsewhere(contact: string, edit: ReverseListEdit): Promise<boolean> {
    const remote = this.presence.remote;
    if (remote === undefined || this.presence.get(contact) !== undefined) return false;
    return remote.applyReverse(contact, edit);
  }

  private async reverseAdd(owner: Account, contact: string): Promise<void> {
    if (contact === owner.handle) {
      await this.lists.addReverse(owner, owner.handle, owner.user.friendlyName);
      return;
    }
    if (this.presence.remote !== undefined && (await this.changedElsewhere(contact, { kind: 'added', handle: owner.handle, friendlyName: owner.user.friendlyName }))) return;
    await this.lists.withAccount(contact, async (target) => {
      const before = target.contacts.get(owner.handle)?.lists ?? 0;
      await this.lists.addReverse(target, owner.handle, owner.user.friendlyName);
      if ((target.contacts.get(owner.handle)?.lists ?? 0) === before) return;
      this.presence.reverseListChanged(contact, {
        kind: 'added',
        handle: owner.handle,
        friendlyName: owner.user.friendlyName,
        listVersion: target.user.listVersion,
      });
    });
  }

  private async reverseRemove(owner: Account, contact: string): Promise<void> {
    if (contact === owner.handle) {
      await this.lists.removeReverse(owner, owner.handle);
      return;
    }
    if (this.presence.remote !== undefined && (await this.changedElsewhere(contact, { kind: 'removed', handle: owner.handle, friendlyName: owner.user.friendlyName }))) return;
    await this.lists.withAccount(contact, async (target) => {
      if (!(await this.lists.removeReverse(target, owner.handle))) return;
      this.presence.reverseListChanged(contact, {
        kind: 'removed',
        handle: owner.handle,
        friendlyName: owner.user.friendlyName,
        listVersion: target.user.listVersion,
      });
    });
  }
}
