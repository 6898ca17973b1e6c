/**
 * Child process for the crash-safety test: writes messages to the history store as fast as it can
 * and reports each acknowledged write (the append returned) on stdout as `ack <entryId> <text>`.
 * The parent kills it with SIGKILL mid-stream. Usage: crash-writer.ts <db-path>
 */
import { openHistoryStore } from '../../electron/core/history/sqlite-history-store';

const path = process.argv[2];
if (!path) {
  console.error('usage: crash-writer.ts <db-path>');
  process.exit(2);
}
const store = openHistoryStore(path);
const conv = store.openConversation({
  account: 'alice@example.com',
  kind: 'one-to-one',
  peer: { handle: 'bob@example.com', displayName: 'Bob' },
  at: Date.now(),
});
process.stdout.write(`ready ${conv.id}\n`);
for (let i = 0; ; i++) {
  const text = `message number ${i} ${'x'.repeat(i % 200)}`;
  const entry = store.appendMessage(conv.id, {
    direction: i % 2 === 0 ? 'incoming' : 'outgoing',
    sender: i % 2 === 0 ? 'bob@example.com' : 'alice@example.com',
    senderName: i % 2 === 0 ? 'Bob' : 'Alice',
    text,
    format: null,
    timestamp: Date.now(),
  });
  // Pipes are synchronous on Linux: once this returns the parent can read the line.
  process.stdout.write(`ack ${entry.id} ${i}\n`);
}
