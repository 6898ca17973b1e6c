/**
 * List edits with their consequences (MSNP.md §4.5, §4.6, §4.2): the other side's reverse list,
 * its notification, and presence changes when allow/block decisions flip what someone sees.
 * The MSNP handlers call these; the lists themselves live in ListManager.
 */
import type { ContactRecord, Privacy } from '../store/store';
import { fail } from './errors';
import type { Account, EditableList, ListManager } from './lists';
import type { PresenceHub, PresenceView } from './presence';

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

  add(
    owner: Account,
    list: EditableList,
    contact: string,
    name: string,
    groupId: number | undefined,
    clearsPending: boolean,
  ): AddResult {
    if (contact !== owner.handle && !this.lists.exists(contact)) fail('no-such-user');
    const allowedBefore = owner.allows(contact);
    const { entry, newOnList } = this.lists.addToList(owner, list, contact, name, groupId, clearsPending);
    let presence: PresenceView | undefined;
    if (list === 'FL') {
      if (newOnList) this.reverseAdd(owner, contact);
      presence = this.presence.visibleTo(contact, owner.handle);
      if (presence === undefined) this.presence.askRemote(contact, owner.handle);
    } else {
      this.presence.refreshOne(owner, contact, allowedBefore);
    }
    return { entry, newOnList, presence };
  }

  remove(owner: Account, list: EditableList | 'PL', contact: string, groupId: number | undefined): ContactRecord {
    const allowedBefore = owner.allows(contact);
    const entry = this.lists.removeFromList(owner, list, contact, groupId);
    if (list === 'FL' && groupId === undefined) this.reverseRemove(owner, contact);
    if (list === 'AL' || list === 'BL') this.presence.refreshOne(owner, contact, allowedBefore);
    return entry;
  }

  setPrivacy(owner: Account, blp: Privacy): void {
    const before = this.presence.allowedSnapshot(owner);
    this.lists.setPrivacy(owner, blp);
    this.presence.refreshAll(owner, before);
  }

  private reverseAdd(owner: Account, contact: string): void {
    if (contact === owner.handle) {
      this.lists.addReverse(owner, owner.handle, owner.user.friendlyName);
      return;
    }
    const target = this.lists.load(contact);
    if (target === undefined) return;
    const before = target.contacts.get(owner.handle)?.lists ?? 0;
    this.lists.addReverse(target, owner.handle, owner.user.friendlyName);
    if ((target.contacts.get(owner.handle)?.lists ?? 0) === before) return;
    this.presence.reverseListChanged(contact, {
      kind: 'added',
      handle: owner.handle,
      friendlyName: owner.user.friendlyName,
      listVersion: target.user.listVersion,
    });
  }

  private reverseRemove(owner: Account, contact: string): void {
    const target = contact === owner.handle ? owner : this.lists.load(contact);
    if (target === undefined || !this.lists.removeReverse(target, owner.handle)) return;
    if (target === owner) return;
    this.presence.reverseListChanged(contact, {
      kind: 'removed',
      handle: owner.handle,
      friendlyName: owner.user.friendlyName,
      listVersion: target.user.listVersion,
    });
  }
}
