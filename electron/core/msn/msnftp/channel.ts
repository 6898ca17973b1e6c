/**
 * Where MSNFTP invitations travel (MSNP.md §6.10): ordinary switchboard messages in a
 * conversation. A transfer is between two people, so an invitation goes into the conversation it
 * belongs to only while that is a one-to-one conversation with the peer; otherwise (a group chat, a
 * closed window) into the one-to-one conversation with the peer, started if needed, as the classic
 * client did. The switchboard opens (and the peer is invited) like for a message.
 */
import type { MimeHeader } from '../../../../shared/msnp';
import { buildInvitationPayload } from '../../../../shared/msnp/msnftp';
import type { SwitchboardManager } from '../switchboard-manager';
import type { InvitationChannel } from './carrier';

export function conversationInvitations(manager: () => SwitchboardManager): InvitationChannel {
  return {
    async send(peer: string, conversationId: string | undefined, fields: readonly MimeHeader[]): Promise<string> {
      const m = manager();
      const given = conversationId !== undefined ? m.get(conversationId) : undefined;
      const members = given?.members;
      const conv = given !== undefined && !given.closed && members !== undefined && members.size === 1 && members.has(peer) ? given : m.start([peer]);
      await conv.sendInvitation(buildInvitationPayload(fields));
      return conv.id;
    },
  };
}
