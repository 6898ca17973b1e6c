/** Toolbar and search (UI.md): add a contact, create a group, sort and show/hide offline, filter. */
import { useCallback, useState } from 'react';
import { Menu } from '../../components/Menu';
import { useActions, useAppState, useHost } from '../../store/context';
import { contactListView } from '../../store/selectors';

export function Toolbar() {
  const actions = useActions();
  const host = useHost();
  const filter = useAppState((s) => s.ui.filter);
  const sortBy = useAppState((s) => contactListView(s.desktop.preferences).sortBy);
  const showOffline = useAppState((s) => contactListView(s.desktop.preferences).showOffline);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const close = useCallback(() => setMenu(null), []);

  return (
    <div className="toolbar-area">
      <div className="toolbar" role="toolbar" aria-label="Contact list tools">
        <button type="button" className="tool" onClick={() => actions.openDialog({ kind: 'add-contact' })} title="Add a contact">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="8" cy="6" r="3.4" fill="#5b9be6" stroke="#2f6db5" />
            <path d="M1.6 17c0-3.8 2.8-6 6.4-6s6.4 2.2 6.4 6z" fill="#5b9be6" stroke="#2f6db5" />
            <path d="M15.5 4v6M12.5 7h6" stroke="#2f9e44" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <span>Add a contact</span>
        </button>
        <button type="button" className="tool" onClick={() => actions.openDialog({ kind: 'create-group' })} title="Create a group">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path d="M2 5.5a1.5 1.5 0 0 1 1.5-1.5h4l1.6 1.8h7.4A1.5 1.5 0 0 1 18 7.3v7.2a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 14.5z" fill="#f6c957" stroke="#c08a17" />
          </svg>
          <span>Create a group</span>
        </button>
        <button type="button" className="tool" onClick={() => actions.openPanel({ kind: 'history' })} title="View history">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="10" cy="10" r="7.2" fill="#e9f1fb" stroke="#4a6f9c" strokeWidth="1.4" />
            <path d="M10 5.5V10l3 2" fill="none" stroke="#2f6db5" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
          <span>View history</span>
        </button>
        <button type="button" className="tool icon-only" onClick={() => actions.openPanel({ kind: 'settings' })} title="Settings" aria-label="Settings">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path
              d="M10 2.5l1.3 2.1 2.4-.6.6 2.4 2.1 1.3-1.1 2.3 1.1 2.3-2.1 1.3-.6 2.4-2.4-.6L10 17.5l-1.3-2.1-2.4.6-.6-2.4-2.1-1.3L4.7 10 3.6 7.7l2.1-1.3.6-2.4 2.4.6z"
              fill="#c9d8ea"
              stroke="#4a6f9c"
              strokeLinejoin="round"
            />
            <circle cx="10" cy="10" r="2.6" fill="#fff" stroke="#4a6f9c" />
          </svg>
        </button>
      </div>
      <div className="search">
        <svg viewBox="0 0 20 20" aria-hidden="true" className="search-icon">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M13 13l4.5 4.5" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
        <input
          type="search"
          placeholder="Find a contact..."
          aria-label="Find a contact"
          value={filter}
          onChange={(e) => actions.setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') actions.setFilter('');
          }}
          data-shortcut="search"
        />
        <button
          type="button"
          className="tool icon-only"
          aria-haspopup="menu"
          title="Sort and view options"
          aria-label="Sort and view options"
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            setMenu({ x: r.left, y: r.bottom + 2 });
          }}
        >
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path d="M3 5h14M3 10h10M3 15h6" stroke="#4a6f9c" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      {menu && (
        <Menu
          x={menu.x}
          y={menu.y}
          onClose={close}
          label="Menu"
          items={[
            // Ctrl+N belongs to the browser there (a new window): named only in the desktop app.
            { key: 'im', label: host === 'web' ? 'Send an Instant Message...' : 'Send an Instant Message...  Ctrl+N', onSelect: () => actions.openDialog({ kind: 'new-conversation' }) },
            { key: 'add', label: 'Add a Contact...', onSelect: () => actions.openDialog({ kind: 'add-contact' }) },
            { key: 'group', label: 'Create a Group...', onSelect: () => actions.openDialog({ kind: 'create-group' }) },
            { key: 'by-group', separatorBefore: true, label: 'Sort Contacts by Group', checkable: 'radio', checked: sortBy === 'group', onSelect: () => actions.setSortBy('group') },
            { key: 'by-status', label: 'Sort Contacts by Status', checkable: 'radio', checked: sortBy === 'status', onSelect: () => actions.setSortBy('status') },
            {
              key: 'offline',
              label: 'Show Offline Contacts',
              checkable: 'checkbox',
              checked: showOffline,
              separatorBefore: true,
              onSelect: actions.toggleOffline,
            },
            { key: 'history', separatorBefore: true, label: 'View History...', onSelect: () => actions.openPanel({ kind: 'history' }) },
            { key: 'settings', label: 'Settings...', onSelect: () => actions.openPanel({ kind: 'settings' }) },
            { key: 'console', label: 'Protocol Console...', onSelect: () => actions.openPanel({ kind: 'console' }) },
          ]}
        />
      )}
    </div>
  );
}
