/** One row of the list: a group header, or a contact (status icon, name, personal message). */
import { memo, type KeyboardEvent, type MouseEvent } from 'react';
import { displayName, STATUS_LABELS } from '../../../shared/model';
import { EmoticonText } from '../../components/FormattedText';
import { StatusIcon } from '../../components/StatusIcon';
import { ContactRowPicture } from '../pictures/ContactPictures';
import type { ListRow } from '../../store/selectors';

export interface RowHandlers {
  onToggleGroup(key: string): void;
  onOpen(handle: string): void;
  onContactMenu(row: Extract<ListRow, { kind: 'contact' }>, x: number, y: number): void;
  onGroupMenu(row: Extract<ListRow, { kind: 'group' }>, x: number, y: number): void;
}

function menuPosition(e: KeyboardEvent | MouseEvent): { x: number; y: number } {
  if ('clientX' in e && e.clientX) return { x: e.clientX, y: e.clientY };
  const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
  return { x: r.left + 24, y: r.bottom };
}

/** `tabStop`: this row is the list's one Tab stop (the others are reached with the arrow keys). */
export const Row = memo(function Row({ row, handlers, tabStop }: { row: ListRow; handlers: RowHandlers; tabStop: boolean }) {
  if (row.kind === 'group') {
    const key = row.key.slice(2);
    const count = row.countStyle === 'ratio' ? `(${row.online}/${row.total})` : `(${row.total})`;
    return (
      <div
        className="group-row"
        role="treeitem"
        aria-expanded={!row.collapsed}
        aria-level={1}
        tabIndex={tabStop ? 0 : -1}
        onClick={() => handlers.onToggleGroup(key)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            handlers.onToggleGroup(key);
          } else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
            e.preventDefault();
            const p = menuPosition(e);
            handlers.onGroupMenu(row, p.x, p.y);
          }
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          handlers.onGroupMenu(row, e.clientX, e.clientY);
        }}
      >
        <span className={`chevron${row.collapsed ? ' collapsed' : ''}`} aria-hidden="true" />
        <span className="group-title">{row.title}</span>
        <span className="group-count">{count}</span>
      </div>
    );
  }
  const c = row.contact;
  const name = displayName(c);
  const offline = c.status === 'offline';
  return (
    <div
      className={`contact-row${offline ? ' offline' : ''}${c.lists.block ? ' blocked' : ''}`}
      role="treeitem"
      aria-level={2}
      tabIndex={tabStop ? 0 : -1}
      aria-label={`${name}, ${c.lists.block ? 'blocked, ' : ''}${STATUS_LABELS[c.status]}${c.personalMessage ? `, ${c.personalMessage}` : ''}`}
      // As MSN's tooltip: the name, the address, and the personal message the row may have cut.
      title={`${name} <${c.handle}>${c.personalMessage ? `\n${c.personalMessage}` : ''}`}
      data-handle={c.handle}
      onDoubleClick={() => handlers.onOpen(c.handle)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') handlers.onOpen(c.handle);
        else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
          e.preventDefault();
          const p = menuPosition(e);
          handlers.onContactMenu(row, p.x, p.y);
        }
      }}
      onContextMenu={(e) => {
        e.preventDefault();
        handlers.onContactMenu(row, e.clientX, e.clientY);
      }}
    >
      <StatusIcon status={c.status} blocked={c.lists.block} />
      <ContactRowPicture handle={c.handle} status={c.status} />
      <span className="contact-name">
        <EmoticonText text={name} />
      </span>
      {c.personalMessage && (
        // Its own direction (Hebrew or Arabic beside a Latin name): `dir="auto"` isolates it.
        <span className="contact-psm" dir="auto">
          <EmoticonText text={c.personalMessage} />
        </span>
      )}
      {!c.personalMessage && c.currentMedia && <span className="contact-psm media">♫ {c.currentMedia.text}</span>}
    </div>
  );
});
