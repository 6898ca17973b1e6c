/** The real MSN client (electron/core/msn) behind app-core's ClientPort. */
import { MsnClient, type MsnClientOptions } from './msn/client';
import type { ClientPort, ServerAddress } from './client-port';

export function createMsnClientPort(server: ServerAddress, options: Omit<MsnClientOptions, 'server'> = {}): ClientPort {
  const client = new MsnClient({ ...options, server: { host: server.host, port: server.port, ...(server.nexusUrl ? { nexusUrl: server.nexusUrl } : {}) } });
  let signedOut = false;
  return {
    // File transfer (issue 11): P2P and MSNFTP behind one surface.
    files: client.files,
    onEvent: (listener) => client.onEvent(listener),
    async signIn({ handle, password, status, signal }) {
      // Cancel = stop signing in: the client aborts its login and reports `signed-out`.
      const onAbort = () => void client.signOut();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await client.signIn({ handle, password, status });
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    async signOut() {
      signedOut = true;
      await client.signOut();
    },
    setStatus: (status) => client.self.setStatus(status),
    setFriendlyName: (name) => client.self.setFriendlyName(name),
    setPersonalMessage: (text) => client.self.setPersonalMessage(text),
    addContact: async (handle, groupId) => {
      await client.contacts.add(handle, groupId ? { groupId } : {});
    },
    removeContact: (handle) => client.contacts.remove(handle),
    allow: (handle) => client.contacts.allow(handle),
    block: (handle) => client.contacts.block(handle),
    unblock: (handle) => client.contacts.unblock(handle),
    copyToGroup: (handle, groupId) => client.contacts.copyToGroup(handle, groupId),
    moveToGroup: (handle, from, to) => client.contacts.moveToGroup(handle, from, to),
    createGroup: (name) => client.contacts.createGroup(name),
    renameGroup: async (groupId, name) => {
      await client.contacts.renameGroup(groupId, name);
    },
    removeGroup: (groupId) => client.contacts.deleteGroup(groupId),
    openConversation: async (handles) => client.conversations.start(handles).id,
    sendMessage: async (conversationId, text, format) => client.conversations.send(conversationId, text, format).id,
    retryMessage: async (conversationId, messageId) => client.conversations.retry(conversationId, messageId),
    sendTyping: async (conversationId) => {
      client.conversations.typing(conversationId);
    },
    sendNudge: async (conversationId) => client.conversations.nudge(conversationId),
    invite: (conversationId, handle) => client.conversations.invite(conversationId, handle),
    closeConversation: async (conversationId) => {
      client.conversations.close(conversationId);
    },
    acknowledgeOfflineMessages: (messageIds) => client.acknowledgeOfflineMessages(messageIds),
    pictures: {
      // MSNP.md §2.9: the MSNObject (and so pictures) exists from MSNP9 on.
      supported: () => (client.dialect ?? 0) >= 9,
      setMine: async (bytes) => {
        await client.pictures.setMine(bytes);
      },
      currentSha1d: (handle) => client.pictures.objectOf(handle)?.sha1d,
      fetch: (handle) => client.pictures.fetch(handle),
      onChanged: (listener) => client.pictures.events.on('changed', ({ handle, object }) => listener(handle, object !== undefined)),
    },
    emoticons: {
      // MSNP-P2P.md §6: custom emoticons are MSNObjects fetched over P2P, so MSNP9+ as well.
      supported: () => (client.dialect ?? 0) >= 9,
      define: (shortcut, bytes) => client.emoticons.define(shortcut, bytes),
      remove: (shortcut) => {
        client.emoticons.remove(shortcut);
      },
      fetch: (sender, shortcut) => client.emoticons.fetch(sender, shortcut),
      onAnnounced: (listener) =>
        client.emoticons.events.on('announced', ({ conversationId, sender, emoticons }) =>
          listener({ conversationId, sender, emoticons: emoticons.map((e) => ({ shortcut: e.shortcut, sha1d: e.object.sha1d })) }),
        ),
    },
    dispose: () => {
      if (!signedOut) void client.signOut().catch(() => undefined);
    },
  };
}
