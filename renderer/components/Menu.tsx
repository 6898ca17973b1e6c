/**
 * A small menu (status drop-down, contact context menu): keyboard navigable (arrows, Enter, Esc),
 * closes on outside click. Items may open a submenu (Move to group ▸).
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';

export interface MenuItem {
  readonly key: string;
  readonly label: string;
  readonly icon?: ReactNode;
  readonly disabled?: boolean;
  readonly separatorBefore?: boolean;
  readonly onSelect?: () => void;
  readonly submenu?: readonly MenuItem[];
  /**
   * A choice the item shows the state of: one of a set (`radio`: "Sort Contacts by Group") or an
   * on/off option (`checkbox`: "Show Offline Contacts"). Screen readers hear it as checked or not;
   * the mark beside it is drawn, not part of its name.
   */
  readonly checkable?: 'radio' | 'checkbox';
  readonly checked?: boolean;
}

/** Every kind of menu item (plain, radio, checkbox), for focus and arrow keys. */
const ITEM_SELECTOR = '[role="menuitem"], [role="menuitemradio"], [role="menuitemcheckbox"]';

/** The item a submenu belongs to: the submenu opens beside it, or below it when there is no room. */
export interface Anchor {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function Menu({
  items,
  x,
  y,
  onClose,
  label,
  anchor,
}: {
  items: readonly MenuItem[];
  x: number;
  y: number;
  onClose: () => void;
  label: string;
  anchor?: Anchor;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ x, y });
  const [open, setOpen] = useState<OpenSub | null>(null);

  // Keep the menu on screen; a submenu that fits on neither side of its item goes below it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const maxX = window.innerWidth - r.width - 4;
    let nx = x;
    let ny = y;
    if (anchor && x > maxX) {
      if (anchor.left - r.width + 2 >= 4) nx = anchor.left - r.width + 2;
      else {
        nx = Math.min(anchor.left + 16, maxX);
        ny = anchor.bottom - 2;
      }
    }
    setPos({
      x: Math.max(4, Math.min(nx, maxX)),
      y: Math.max(4, Math.min(ny, window.innerHeight - r.height - 4)),
    });
  }, [x, y, anchor]);

  // Closing (Escape, a click outside, a choice) gives the focus back to whatever had it before
  // the menu opened, unless the choice moved it somewhere on purpose (a dialog's first field).
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    return () => {
      requestAnimationFrame(() => {
        const now = document.activeElement;
        if ((now === null || now === document.body) && opener?.isConnected) opener.focus();
      });
    };
  }, [opener]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>(`:is(${ITEM_SELECTOR}):not([aria-disabled="true"])`)?.focus();
    // Outside means outside every menu of this tree: a submenu is inside its parent menu's element,
    // but the parent is not inside the submenu's, so pressing the item that opened the submenu
    // (after hovering it open) must not count as a click outside the submenu.
    const outside = (e: MouseEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      if (ref.current && !ref.current.contains(target) && !target?.closest('[role="menu"]')) onClose();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('mousedown', outside, true);
    window.addEventListener('keydown', key, true);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('mousedown', outside, true);
      window.removeEventListener('keydown', key, true);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);

  const onKeyDown = (e: ReactKeyboardEvent) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>(`:scope > :is(${ITEM_SELECTOR}):not([aria-disabled="true"])`) ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div ref={ref} className="menu" role="menu" aria-label={label} style={{ left: pos.x, top: pos.y }} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <MenuEntry key={item.key} item={item} open={open?.key === item.key ? open : null} setOpen={setOpen} onClose={onClose} />
      ))}
    </div>
  );
}

interface OpenSub {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly anchor: Anchor;
}

function MenuEntry({
  item,
  open,
  setOpen,
  onClose,
}: {
  item: MenuItem;
  open: OpenSub | null;
  setOpen: (o: OpenSub | null) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const openSub = () => {
    const r = ref.current?.getBoundingClientRect();
    if (r) setOpen({ key: item.key, x: r.right - 2, y: r.top - 4, anchor: { left: r.left, right: r.right, top: r.top, bottom: r.bottom } });
  };
  const activate = () => {
    if (item.disabled) return;
    if (item.submenu) {
      // Hovering may have opened it already: a click keeps it open.
      if (!open) openSub();
      return;
    }
    onClose();
    item.onSelect?.();
  };
  return (
    <>
      {item.separatorBefore && <div className="menu-separator" role="separator" />}
      <div
        ref={ref}
        role={item.checkable ? `menuitem${item.checkable}` : 'menuitem'}
        aria-checked={item.checkable ? item.checked === true : undefined}
        tabIndex={-1}
        aria-disabled={item.disabled || undefined}
        aria-haspopup={item.submenu ? 'menu' : undefined}
        aria-expanded={item.submenu ? open !== null : undefined}
        className={`menu-item${item.disabled ? ' disabled' : ''}`}
        onClick={activate}
        onMouseEnter={() => {
          if (item.submenu && !item.disabled && !open) openSub();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ' || (e.key === 'ArrowRight' && item.submenu)) {
            e.preventDefault();
            activate();
          }
        }}
      >
        <span className="menu-icon" aria-hidden="true">
          {item.icon ?? (item.checked ? (item.checkable === 'radio' ? '●' : '✓') : null)}
        </span>
        <span className="menu-label">{item.label}</span>
        {item.submenu && <span className="menu-arrow">▸</span>}
      </div>
      {open && item.submenu && <Menu items={item.submenu} x={open.x} y={open.y} anchor={open.anchor} onClose={onClose} label={item.label} />}
    </>
  );
}
