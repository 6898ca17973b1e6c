/**
 * A display picture in a frame whose colour tells the status as the classic client's did (green
 * online, red busy, amber away, grey offline). `src` is a picture the backend fetched and sniffed
 * (a `data:` URL of PNG, JPEG, GIF or BMP); anything else, or none, shows the default picture: our
 * butterfly on a sky.
 */
import { isPictureDataUrl } from '../../shared/ipc';
import { isAwayLike, STATUS_LABELS, type ContactStatus, type MyStatus } from '../../shared/model';

function frame(status: MyStatus | ContactStatus): string {
  if (status === 'busy') return 'busy';
  if (isAwayLike(status)) return 'away';
  if (status === 'offline' || status === 'hidden') return 'offline';
  return 'online';
}

export function DisplayPicture({ status, size = 52, src, title }: { status: MyStatus | ContactStatus; size?: number; src?: string | null; title?: string }) {
  const picture = src && isPictureDataUrl(src) ? src : null;
  return (
    <div className={`display-picture frame-${frame(status)}`} style={{ width: size, height: size }} title={title ?? STATUS_LABELS[status]}>
      {picture ? <img src={picture} alt="" draggable={false} /> : <DefaultPicture />}
    </div>
  );
}

function DefaultPicture() {
  return (
    <svg viewBox="0 0 48 48" aria-hidden="true" data-default-picture="">
      <rect width="48" height="48" rx="4" fill="#9fd0f5" />
      <path d="M0 34c8-4 16-4 24 0s16 4 24 0v14H0z" fill="#7cc07a" />
      <circle cx="38" cy="10" r="5" fill="#fff6c2" />
      <g transform="translate(9 8) scale(0.47)" stroke="#2b2118" strokeWidth="2.2" strokeLinejoin="round">
        <path d="M31 28C26 14 14 6 6 10c-5 3-2 14 6 19 6 3 13 2 19-1z" fill="#f7931e" />
        <path d="M31 32c-6 0-15 3-17 10-2 6 3 11 9 9 5-2 8-10 8-19z" fill="#e2701a" />
        <path d="M33 28c5-14 17-22 25-18 5 3 2 14-6 19-6 3-13 2-19-1z" fill="#f7931e" />
        <path d="M33 32c6 0 15 3 17 10 2 6-3 11-9 9-5-2-8-10-8-19z" fill="#e2701a" />
        <rect x="30" y="20" width="4" height="26" rx="2" fill="#2b2118" />
      </g>
    </svg>
  );
}
