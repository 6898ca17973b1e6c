/**
 * The one status icon (UI.md "Look"): a small buddy figure in the status colour, with a badge for
 * busy, away-like and on-the-phone states. Our own artwork, drawn in SVG. Used in the list, the
 * conversation header and my own status menu.
 */
import type { ContactStatus, MyStatus } from '../../shared/model';
import { STATUS_LABELS } from '../../shared/model';
import { svgSprite, TRANSPARENT_PIXEL } from './svg-markup';

type Status = ContactStatus | MyStatus;

const FILL: Readonly<Record<Status, { body: string; edge: string }>> = {
  online: { body: '#46b94c', edge: '#2b8a31' },
  busy: { body: '#46b94c', edge: '#2b8a31' },
  idle: { body: '#46b94c', edge: '#2b8a31' },
  brb: { body: '#46b94c', edge: '#2b8a31' },
  away: { body: '#46b94c', edge: '#2b8a31' },
  phone: { body: '#46b94c', edge: '#2b8a31' },
  lunch: { body: '#46b94c', edge: '#2b8a31' },
  hidden: { body: '#a7afb8', edge: '#7d8690' },
  offline: { body: '#a7afb8', edge: '#7d8690' },
};

function Badge({ status }: { status: Status }) {
  switch (status) {
    case 'busy':
      return (
        <g>
          <circle cx="11.6" cy="11.6" r="4" fill="#e0412f" stroke="#fff" strokeWidth="1.2" />
          <rect x="9.4" y="10.9" width="4.4" height="1.5" rx="0.5" fill="#fff" />
        </g>
      );
    case 'idle':
    case 'brb':
    case 'away':
    case 'lunch':
      return (
        <g>
          <circle cx="11.6" cy="11.6" r="4" fill="#f2a516" stroke="#fff" strokeWidth="1.2" />
          <path d="M11.6 9.4v2.4l1.6 1" fill="none" stroke="#fff" strokeWidth="1.2" strokeLinecap="round" />
        </g>
      );
    case 'phone':
      return (
        <g>
          <circle cx="11.6" cy="11.6" r="4" fill="#f2a516" stroke="#fff" strokeWidth="1.2" />
          <path
            d="M9.9 10.1c.3-.3.7-.3.9 0l.5.6c.2.2.2.5 0 .7l-.3.3c.3.6.8 1.1 1.4 1.4l.3-.3c.2-.2.5-.2.7 0l.6.5c.3.2.3.6 0 .9l-.4.4c-.3.3-.8.4-1.2.2-1.2-.6-2.2-1.6-2.8-2.8-.2-.4-.1-.9.2-1.2z"
            fill="#fff"
          />
        </g>
      );
    default:
      return null;
  }
}

function drawing(status: Status, blocked: boolean) {
  const c = FILL[status];
  return (
    <g>
      <circle cx="7" cy="4.6" r="3.3" fill={c.body} stroke={c.edge} strokeWidth="0.8" />
      <path d="M1.2 15c0-3.6 2.6-5.9 5.8-5.9s5.8 2.3 5.8 5.9z" fill={c.body} stroke={c.edge} strokeWidth="0.8" />
      <ellipse cx="6" cy="3.4" rx="1.4" ry="0.9" fill="#fff" opacity="0.55" />
      <Badge status={status} />
      {blocked && (
        <g>
          <circle cx="8" cy="8" r="6.4" fill="none" stroke="#d0312d" strokeWidth="1.6" />
          <path d="M3.5 12.5l9-9" stroke="#d0312d" strokeWidth="1.6" />
        </g>
      )}
    </g>
  );
}

const STATUSES = Object.keys(FILL) as Status[];
const SHEET = svgSprite<`${Status}:${boolean}`>(
  'status',
  new Map(STATUSES.flatMap((s) => [false, true].map((blocked) => [`${s}:${blocked}` as const, () => drawing(s, blocked)] as const))),
  { width: 16, height: 16 },
);

export function StatusIcon({ status, size = 16, blocked = false, title }: { status: Status; size?: number; blocked?: boolean; title?: string }) {
  const label = title ?? (blocked ? `${STATUS_LABELS[status]} (blocked)` : STATUS_LABELS[status]);
  return <img className="status-icon" src={TRANSPARENT_PIXEL} style={SHEET.style(`${status}:${blocked}`)} width={size} height={size} alt={label} title={label} draggable={false} />;
}
