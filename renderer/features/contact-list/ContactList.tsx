/**
 * The contact list window (UI.md): my header, a toolbar, "Find a contact...", the banner for
 * people who added me, and the list itself: groups with online counts, the Offline group last,
 * virtualised so thousands of contacts scroll smoothly.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Menu, type MenuItem } from '../../components/Menu';
import { useActions, useAppState, useStoreApi } from '../../store/context';
import { contactListRows, contactListView, conversationTitle, visibleConversations, type ListRow } from '../../store/selectors';
import { Row, type RowHandlers } from './ContactRow';
import { SelfHeader } from './SelfHeader';
import { Toolbar } from './Toolbar';

export const ROW_HEIGHT = 26;
/** A contact's row with large display pictures (issue 10). */
export const LARGE_ROW_HEIGHT = 46;

type OpenMenu = { x: number; y: number; items: MenuItem[]; label: string };

export function ContactList() {
  const actions = useActions();
  const contacts = useAppState((s) => s.contacts.contacts);
  const groups = useAppState((s) => s.contacts.groups);
  const requests = useAppState((s) => s.contacts.addRequests.length);
  const sortBy = useAppState((s) => contactListView(s.desktop.preferences).sortBy);
  const showOffline = useAppState((s) => contactListView(s.desktop.preferences).showOffline);
  const collapsed = useAppState((s) => s.ui.collapsed);
  const filter = useAppState((s) => s.ui.filter);
  const [menu, setMenu] = useState<OpenMenu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const rows = useMemo(
    () => contactListRows(contacts, groups, { sortBy, showOffline, collapsed, filter }),
    [contacts, groups, sortBy, showOffline, collapsed, filter],
  );
  const hasContacts = useMemo(() => Object.values(contacts).some((c) => c.lists.forward), [contacts]);

  // Menus read the state when they open, not on every render.
  const store = useStoreApi();

  // Signed in (or the page reloaded): the keyboard starts in the list, not on the page's body.
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const now = document.activeElement;
      if (now !== null && now !== document.body) return;
      root.current?.querySelector<HTMLElement>('.contact-scroller [tabindex="0"], .contact-scroller[tabindex="0"], .empty-list .button')?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, []);

  const handlers = useMemo<RowHandlers>(
    () => ({
      onToggleGroup: actions.toggleGroup,
      onOpen: (handle) => void actions.startConversation([handle]),
      onContactMenu: (row, x, y) => {
        const c = row.contact;
        const { conversations: { conversations: convs }, contacts: { groups: gs } } = store.getState();
        const open = visibleConversations(convs).filter(
          (v) => v.open && !v.conversation.participants.some((p) => p.handle === c.handle),
        );
        const otherGroups = gs.filter((g) => !c.groupIds.includes(g.id));
        const items: MenuItem[] = [
          { key: 'im', label: 'Send an Instant Message', onSelect: () => void actions.startConversation([c.handle]), disabled: c.status === 'offline' },
          {
            key: 'invite',
            label: 'Invite to Conversation',
            disabled: open.length === 0 || c.status === 'offline',
            submenu: open.map((v) => ({
              key: v.conversation.id,
              label: conversationTitle(v, store.getState().contacts.contacts),
              onSelect: () => void actions.invite(v.conversation.id, c.handle),
            })),
          },
          c.lists.block
            ? { key: 'unblock', label: 'Unblock', separatorBefore: true, onSelect: () => actions.unblockContact(c.handle) }
            : { key: 'block', label: 'Block', separatorBefore: true, onSelect: () => actions.blockContact(c.handle) },
          {
            key: 'move',
            label: 'Move to Group',
            disabled: otherGroups.length === 0,
            submenu: otherGroups.map((g) => ({ key: g.id, label: g.name, onSelect: () => actions.moveContact(c.handle, row.groupId, g.id) })),
          },
          {
            key: 'copy',
            label: 'Copy to Group',
            disabled: otherGroups.length === 0,
            submenu: otherGroups.map((g) => ({ key: g.id, label: g.name, onSelect: () => actions.copyContact(c.handle, g.id) })),
          },
          {
            key: 'delete',
            label: 'Delete Contact',
            separatorBefore: true,
            onSelect: () => actions.openDialog({ kind: 'confirm-remove-contact', handle: c.handle }),
          },
        ];
        setMenu({ x, y, items, label: `Actions for ${c.friendlyName || c.handle}` });
      },
      onGroupMenu: (row, x, y) => {
        const groupId = row.groupId;
        const items: MenuItem[] = [
          { key: 'create', label: 'Create a Group...', onSelect: () => actions.openDialog({ kind: 'create-group' }) },
          ...(groupId
            ? [
                { key: 'rename', label: 'Rename Group...', onSelect: () => actions.openDialog({ kind: 'rename-group', groupId }) },
                { key: 'delete', label: 'Delete Group', onSelect: () => actions.openDialog({ kind: 'confirm-remove-group', groupId }) },
              ]
            : []),
        ];
        setMenu({ x, y, items, label: `Actions for ${row.title}` });
      },
    }),
    [actions, store],
  );

  return (
    <section ref={root} className="contact-list" aria-label="Contact list">
      <SelfHeader />
      <Toolbar />
      <ServiceNotice />
      {requests > 0 && (
        <button type="button" className="added-you-banner" onClick={() => actions.openDialog({ kind: 'add-requests' })}>
          <span className="banner-icon" aria-hidden="true">
            ✚
          </span>
          {requests === 1 ? '1 person added you to their contact list' : `${requests} people added you to their contact list`}
        </button>
      )}
      {hasContacts || filter ? (
        <VirtualRows rows={rows} handlers={handlers} />
      ) : (
        <div className="empty-list">
          <p>Your contact list is empty.</p>
          <button type="button" className="button" onClick={() => actions.openDialog({ kind: 'add-contact' })}>
            Add a contact
          </button>
        </div>
      )}
      {menu && <Menu items={menu.items} x={menu.x} y={menu.y} onClose={closeMenu} label={menu.label} />}
    </section>
  );
}

/** A maintenance warning or mail notice from the service, dismissable. */
function ServiceNotice() {
  const notice = useAppState((s) => s.session.notice);
  const [dismissed, setDismissed] = useState<number | null>(null);
  if (!notice || dismissed === notice.at) return null;
  const text =
    notice.kind === 'maintenance'
      ? `The server is going down for maintenance${notice.minutes !== undefined ? ` in ${notice.minutes} minute${notice.minutes === 1 ? '' : 's'}` : ''}.`
      : notice.text;
  return (
    <div className={`service-notice ${notice.kind}`} role="status">
      <span>{text}</span>
      <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setDismissed(notice.at)}>
        ×
      </button>
    </div>
  );
}

export function VirtualRows({ rows, handlers }: { rows: readonly ListRow[]; handlers: RowHandlers }) {
  const parent = useRef<HTMLDivElement>(null);
  // One Tab stop for the whole list (roving tabindex): the row last focused, else the first.
  const [stopKey, setStopKey] = useState<string | null>(null);
  const stopIndex = Math.max(0, stopKey === null ? 0 : rows.findIndex((r) => r.key === stopKey));
  // A new key function makes the virtualizer recompute every row's position: only when rows change.
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const contactRowHeight = useAppState((s) => (s.desktop.preferences?.appearance.contactPictures === 'large' ? LARGE_ROW_HEIGHT : ROW_HEIGHT));
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions on purpose
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: (i) => (rows[i]?.kind === 'contact' ? contactRowHeight : ROW_HEIGHT),
    overscan: 12,
    getItemKey,
    // Rows on the very first render, before the scroller has been measured.
    initialRect: { width: 0, height: window.innerHeight },
  });
  useEffect(() => virtualizer.measure(), [virtualizer, contactRowHeight]);
  const focusRow = (index: number, tries: number) => {
    const el = parent.current?.querySelector<HTMLElement>(`.row-slot[data-index="${index}"] > [tabindex]`);
    if (el) el.focus();
    else if (tries > 0) requestAnimationFrame(() => focusRow(index, tries - 1));
  };
  // Arrow keys, Home and End move between rows; a row outside the rendered window is scrolled
  // into view first, then focused.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, (i: number) => number> = {
      ArrowDown: (i) => i + 1,
      ArrowUp: (i) => i - 1,
      Home: () => 0,
      End: () => rows.length - 1,
    };
    const move = keys[e.key];
    const slot = (e.target as HTMLElement).closest<HTMLElement>('.row-slot');
    if (!move || !slot || rows.length === 0) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(rows.length - 1, move(Number(slot.dataset.index))));
    virtualizer.scrollToIndex(next);
    focusRow(next, 3);
  };

  const items = virtualizer.getVirtualItems();
  // The stop row scrolled out of the rendered window: the list itself takes the Tab stop and
  // hands the focus on to that row.
  const stopRendered = items.some((v) => v.index === stopIndex);
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    if (e.target === e.currentTarget) {
      if (rows.length === 0) return;
      virtualizer.scrollToIndex(stopIndex);
      focusRow(stopIndex, 3);
      return;
    }
    const slot = (e.target as HTMLElement).closest<HTMLElement>('.row-slot');
    const key = slot ? rows[Number(slot.dataset.index)]?.key : undefined;
    if (key !== undefined && key !== stopKey) setStopKey(key);
  };

  return (
    <div ref={parent} className="contact-scroller" role="tree" aria-label="Contacts" tabIndex={stopRendered || rows.length === 0 ? -1 : 0} onKeyDown={onKeyDown} onFocus={onFocus}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((v) => {
          const row = rows[v.index];
          if (!row) return null;
          return (
            <div key={v.key} className="row-slot" data-index={v.index} style={{ transform: `translateY(${v.start}px)`, height: v.size }}>
              <Row row={row} handlers={handlers} tabStop={v.index === stopIndex} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
