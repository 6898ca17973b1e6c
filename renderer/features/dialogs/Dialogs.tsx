/**
 * Every dialog of a window, opened through the ui slice: add a contact, create or rename a group,
 * the people who added me (Allow and add / Allow / Block, all in one place), invite someone to a
 * conversation, and the confirmations for deleting.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { displayName, isOnline } from '../../../shared/model';
import { Dialog } from '../../components/Dialog';
import { StatusIcon } from '../../components/StatusIcon';
import { useActions, useAppState } from '../../store/context';
import { conversationPeople } from '../../store/selectors';
import type { Dialog as DialogState } from '../../store/ui-slice';

export function Dialogs() {
  const dialog = useAppState((s) => s.ui.dialog);
  if (!dialog) return null;
  return <OneDialog dialog={dialog} />;
}

function OneDialog({ dialog }: { dialog: DialogState }) {
  switch (dialog.kind) {
    case 'add-contact':
      return <AddContactDialog />;
    case 'new-conversation':
      return <NewConversationDialog />;
    case 'create-group':
      return <GroupNameDialog groupId={null} />;
    case 'rename-group':
      return <GroupNameDialog groupId={dialog.groupId} />;
    case 'add-requests':
      return <AddRequestsDialog />;
    case 'invite':
      return <InviteDialog conversationId={dialog.conversationId} />;
    case 'confirm-remove-contact':
      return <ConfirmRemoveContact handle={dialog.handle} />;
    case 'confirm-remove-group':
      return <ConfirmRemoveGroup groupId={dialog.groupId} />;
  }
}

/** "Send an Instant Message" (Ctrl+N): pick an online contact, type to narrow the list. */
function NewConversationDialog() {
  const actions = useActions();
  const contacts = useAppState((s) => s.contacts.contacts);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const needle = filter.trim().toLowerCase();
  const candidates = Object.values(contacts)
    .filter((c) => c.lists.forward && isOnline(c.status) && !c.lists.block)
    .filter((c) => needle === '' || c.handle.includes(needle) || c.friendlyName.toLowerCase().includes(needle))
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));
  const chosen = picked ?? candidates[0]?.handle ?? null;
  const start = (handle: string | null) => {
    if (!handle) return;
    actions.closeDialog();
    void actions.startConversation([handle]);
  };
  return (
    <Dialog title="Send an Instant Message" onClose={actions.closeDialog}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          start(chosen);
        }}
      >
        <label className="field">
          <span>To:</span>
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Type a name or e-mail address" />
        </label>
        {candidates.length === 0 ? (
          <p className="muted">{needle ? 'No online contact matches.' : 'None of your contacts is online.'}</p>
        ) : (
          <div className="pick-list" role="radiogroup" aria-label="Online contacts">
            {candidates.map((c) => (
              <label key={c.handle} className={`pick${chosen === c.handle ? ' picked' : ''}`} onDoubleClick={() => start(c.handle)}>
                <input type="radio" name="to" value={c.handle} checked={chosen === c.handle} onChange={() => setPicked(c.handle)} />
                <StatusIcon status={c.status} />
                <span className="contact-name">{displayName(c)}</span>
                <span className="muted">{c.handle}</span>
              </label>
            ))}
          </div>
        )}
        <FormFooter submitLabel="Send a message" disabled={!chosen} />
      </form>
    </Dialog>
  );
}

function AddContactDialog() {
  const actions = useActions();
  const groups = useAppState((s) => s.contacts.groups);
  const [handle, setHandle] = useState('');
  const [groupId, setGroupId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await actions.addContact(handle.trim(), groupId || undefined);
    setBusy(false);
    if (r.ok) actions.closeDialog();
    else setError(addContactError(r.error.code, r.error.message, handle.trim()));
  };

  return (
    <Dialog title="Add a Contact" onClose={actions.closeDialog}>
      <form onSubmit={submit} className="dialog-form">
        <p>Type the e-mail address of the person you want to add:</p>
        <label className="field">
          <span>E-mail address:</span>
          <input type="email" required value={handle} onChange={(e) => setHandle(e.target.value)} placeholder="example@hotmail.com" />
        </label>
        {groups.length > 0 && (
          <label className="field">
            <span>Group:</span>
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">(none)</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <FormFooter error={error} submitLabel="Add" disabled={busy} />
      </form>
    </Dialog>
  );
}

function addContactError(code: string, message: string, handle: string): string {
  switch (code) {
    case 'unknown-account':
      return `${handle} is not a valid account on this server.`;
    case 'already-exists':
      return `${handle} is already on your contact list.`;
    case 'invalid-handle':
    case 'invalid-input':
      return 'Type a complete e-mail address, like name@example.com.';
    case 'list-full':
      return 'Your contact list is full.';
    default:
      return message;
  }
}

/** The backend's reason ("that group name is too long …", made to follow "Could not …: ") as a sentence of its own. */
function asSentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function GroupNameDialog({ groupId }: { groupId: string | null }) {
  const actions = useActions();
  const group = useAppState((s) => (groupId ? s.contacts.groups.find((g) => g.id === groupId) : undefined));
  const [name, setName] = useState(group?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = groupId ? await actions.renameGroup(groupId, name.trim()) : await actions.createGroup(name.trim());
    if (r.ok) actions.closeDialog();
    else setError(r.error.code === 'already-exists' ? 'You already have a group with that name.' : asSentence(r.error.message));
  };
  return (
    <Dialog title={groupId ? 'Rename Group' : 'Create a Group'} onClose={actions.closeDialog}>
      <form onSubmit={submit} className="dialog-form">
        <label className="field">
          <span>Group name:</span>
          <input required maxLength={61} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <FormFooter error={error} submitLabel={groupId ? 'Rename' : 'Create'} />
      </form>
    </Dialog>
  );
}

function AddRequestsDialog() {
  const actions = useActions();
  const requests = useAppState((s) => s.contacts.addRequests);
  const [busy, setBusy] = useState<string | null>(null);
  const answer = async (handle: string, decision: 'allow-and-add' | 'allow' | 'block') => {
    setBusy(handle);
    await actions.answerAddRequest(handle, decision);
    setBusy(null);
  };
  return (
    <Dialog title="People who added you" onClose={actions.closeDialog} wide>
      {requests.length === 0 ? (
        <p>Nobody is waiting for an answer.</p>
      ) : (
        <ul className="requests" aria-label="People who added you">
          {requests.map((r) => (
            <li key={r.handle} className="request">
              <div className="request-who">
                <strong>{r.friendlyName && r.friendlyName !== r.handle ? r.friendlyName : r.handle}</strong>
                <span className="muted">({r.handle}) has added you to their contact list.</span>
              </div>
              <div className="request-buttons">
                <button type="button" className="button primary" disabled={busy === r.handle} onClick={() => void answer(r.handle, 'allow-and-add')}>
                  Allow and add
                </button>
                <button type="button" className="button" disabled={busy === r.handle} onClick={() => void answer(r.handle, 'allow')}>
                  Allow
                </button>
                <button type="button" className="button danger" disabled={busy === r.handle} onClick={() => void answer(r.handle, 'block')}>
                  Block
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={actions.closeDialog}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function InviteDialog({ conversationId }: { conversationId: string }) {
  const actions = useActions();
  const contacts = useAppState((s) => s.contacts.contacts);
  const conversation = useAppState((s) => s.conversations.conversations[conversationId]);
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Those in it, or (before anyone has joined) those it was opened with: never offered again.
  const inside = new Set(conversation ? conversationPeople(conversation).map((p) => p.handle) : []);
  const candidates = Object.values(contacts)
    .filter((c) => c.lists.forward && isOnline(c.status) && !inside.has(c.handle) && !c.lists.block)
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return;
    const r = await actions.invite(conversationId, picked);
    if (r.ok) actions.closeDialog();
    else setError(r.error.message);
  };

  return (
    <Dialog title="Invite someone to this conversation" onClose={actions.closeDialog}>
      <form onSubmit={submit} className="dialog-form">
        {candidates.length === 0 ? (
          <p>None of your other contacts is online.</p>
        ) : (
          <div className="pick-list" role="radiogroup" aria-label="Online contacts">
            {candidates.map((c) => (
              <label key={c.handle} className={`pick${picked === c.handle ? ' picked' : ''}`}>
                <input type="radio" name="invitee" value={c.handle} checked={picked === c.handle} onChange={() => setPicked(c.handle)} />
                <StatusIcon status={c.status} />
                <span className="contact-name">{displayName(c)}</span>
                <span className="muted">{c.handle}</span>
              </label>
            ))}
          </div>
        )}
        <FormFooter error={error} submitLabel="Invite" disabled={!picked} />
      </form>
    </Dialog>
  );
}

/** A form dialog's last lines: the error, if any, then Cancel and the submitting button. */
function FormFooter({ error = null, submitLabel, disabled = false }: { error?: string | null; submitLabel: string; disabled?: boolean }) {
  const actions = useActions();
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={actions.closeDialog}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={disabled}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}

/** "Are you sure?" with Cancel and a red confirming button; confirming closes the dialog first. */
function ConfirmDialog({ title, confirmLabel, onConfirm, children }: { title: string; confirmLabel: string; onConfirm(): void; children: ReactNode }) {
  const actions = useActions();
  return (
    <Dialog title={title} onClose={actions.closeDialog}>
      <p>{children}</p>
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={actions.closeDialog}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          onClick={() => {
            actions.closeDialog();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

function ConfirmRemoveContact({ handle }: { handle: string }) {
  const actions = useActions();
  const contact = useAppState((s) => s.contacts.contacts[handle]);
  const name = contact ? displayName(contact) : handle;
  return (
    <ConfirmDialog title="Delete Contact" confirmLabel="Delete" onConfirm={() => actions.removeContact(handle)}>
      Delete <strong>{name}</strong> ({handle}) from your contact list?
    </ConfirmDialog>
  );
}

function ConfirmRemoveGroup({ groupId }: { groupId: string }) {
  const actions = useActions();
  const group = useAppState((s) => s.contacts.groups.find((g) => g.id === groupId));
  return (
    <ConfirmDialog title="Delete Group" confirmLabel="Delete" onConfirm={() => actions.removeGroup(groupId)}>
      Delete the group <strong>{group?.name ?? ''}</strong>? The contacts in it stay on your list.
    </ConfirmDialog>
  );
}
