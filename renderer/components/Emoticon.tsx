/**
 * The classic emoticons, our own artwork in SVG (UI.md: rendered inline at text height). Each
 * picture keeps its shortcut as accessible text, so copying and screen readers get ":)".
 */
import type { ReactElement } from 'react';
import type { EmoticonId } from './emoticon-parse';
import { svgSprite, TRANSPARENT_PIXEL } from './svg-markup';

const FACE = '#ffd23f';
const FACE_EDGE = '#c98f00';
const INK = '#5a3a00';

function Face({ fill = FACE, edge = FACE_EDGE, children }: { fill?: string; edge?: string; children?: ReactElement | ReactElement[] }) {
  return (
    <g>
      <circle cx="10" cy="10" r="8.6" fill={fill} stroke={edge} strokeWidth="1.2" />
      <ellipse cx="7.6" cy="5.6" rx="3.4" ry="2" fill="#fff" opacity="0.45" />
      {children}
    </g>
  );
}

const eyes = (
  <g fill={INK}>
    <ellipse cx="7.2" cy="8" rx="1.1" ry="1.5" />
    <ellipse cx="12.8" cy="8" rx="1.1" ry="1.5" />
  </g>
);

const thumb = (
  <g>
    <path d="M3 9h3v8H3z" fill="#f0b400" stroke={FACE_EDGE} strokeWidth="0.9" />
    <path
      d="M6 9.4l3.4-5.8c.5-.8 1.8-.5 1.8.5V8h4.2c1 0 1.8 1 1.5 2l-1.5 5.6c-.2.8-.9 1.4-1.7 1.4H6z"
      fill={FACE}
      stroke={FACE_EDGE}
      strokeWidth="0.9"
      strokeLinejoin="round"
    />
  </g>
);

const DRAWINGS: Readonly<Record<EmoticonId, ReactElement>> = {
  smile: (
    <Face>
      {eyes}
      <path d="M6 11.6c1.1 2 2.4 2.8 4 2.8s2.9-.8 4-2.8" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  grin: (
    <Face>
      {eyes}
      <path d="M5.4 11h9.2c-.4 2.8-2.2 4.4-4.6 4.4S5.8 13.8 5.4 11z" fill="#fff" stroke={INK} strokeWidth="1.1" strokeLinejoin="round" />
    </Face>
  ),
  wink: (
    <Face>
      <ellipse cx="12.8" cy="8" rx="1.1" ry="1.5" fill={INK} />
      <path d="M5.9 8.2h2.7" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
      <path d="M6 11.6c1.1 2 2.4 2.8 4 2.8s2.9-.8 4-2.8" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  tongue: (
    <Face>
      {eyes}
      <path d="M6 12h8" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
      <path d="M8.4 12h3.4v1.8a1.7 1.7 0 0 1-3.4 0z" fill="#f0607a" stroke="#b8324c" strokeWidth="0.8" />
    </Face>
  ),
  surprised: (
    <Face>
      {eyes}
      <ellipse cx="10" cy="13.2" rx="1.9" ry="2.3" fill={INK} />
    </Face>
  ),
  sad: (
    <Face>
      {eyes}
      <path d="M6.2 14.4c1.1-1.8 2.3-2.5 3.8-2.5s2.7.7 3.8 2.5" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  angry: (
    <Face fill="#f26b4f" edge="#b23a22">
      <path d="M5.6 6.4l3 1.3M14.4 6.4l-3 1.3" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
      <g fill={INK}>
        <circle cx="7.4" cy="9" r="1" />
        <circle cx="12.6" cy="9" r="1" />
      </g>
      <path d="M6.6 14.2c1-1.2 2.1-1.7 3.4-1.7s2.4.5 3.4 1.7" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  embarrassed: (
    <Face>
      {eyes}
      <ellipse cx="5.4" cy="11.2" rx="1.8" ry="1.1" fill="#ff8a8a" opacity="0.8" />
      <ellipse cx="14.6" cy="11.2" rx="1.8" ry="1.1" fill="#ff8a8a" opacity="0.8" />
      <path d="M7.6 13.2h4.8" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  confused: (
    <Face>
      {eyes}
      <path d="M5.8 13c1-1 1.8-1 2.8 0s1.8 1 2.8 0 1.8-1 2.8 0" fill="none" stroke={INK} strokeWidth="1.2" strokeLinecap="round" />
    </Face>
  ),
  crying: (
    <Face>
      {eyes}
      <path d="M6.2 14.4c1.1-1.8 2.3-2.5 3.8-2.5s2.7.7 3.8 2.5" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
      <path d="M5.6 10c-.8 1.3-1 2-.4 2.6s1.4 0 1.2-.8z" fill="#5ab4f0" />
      <path d="M14.4 10c.8 1.3 1 2 .4 2.6s-1.4 0-1.2-.8z" fill="#5ab4f0" />
    </Face>
  ),
  disappointed: (
    <Face>
      {eyes}
      <path d="M6.6 13.2h6.8" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  hot: (
    <Face>
      <path d="M3.4 7h13.2v1.2c0 1.6-1.2 2.6-2.8 2.6s-2.6-1-3-2.2h-.6c-.4 1.2-1.4 2.2-3 2.2S4.4 9.8 4.4 8.2z" fill="#1d2733" />
      <path d="M5.2 7.6l1.4 1.4M12.4 7.6l1.4 1.4" stroke="#8fb4d9" strokeWidth="0.8" />
      <path d="M6.4 12.6c1 1.4 2.2 2 3.6 2s2.6-.6 3.6-2" fill="none" stroke={INK} strokeWidth="1.3" strokeLinecap="round" />
    </Face>
  ),
  'thumbs-up': thumb,
  // The same hand, turned over.
  'thumbs-down': <g transform="rotate(180 10 10)">{thumb}</g>,
  heart: (
    <path
      d="M10 17.2S2.2 12.4 2.2 7.2A4 4 0 0 1 10 5.6a4 4 0 0 1 7.8 1.6c0 5.2-7.8 10-7.8 10z"
      fill="#e8334a"
      stroke="#a51c2e"
      strokeWidth="1"
    />
  ),
  'broken-heart': (
    <g stroke="#a51c2e" strokeWidth="1" fill="#e8334a">
      <path d="M9.4 17S2.2 12.4 2.2 7.2A4 4 0 0 1 9.6 5.6l-1.4 3 2 2-1.4 2.6z" />
      <path d="M10.8 17.2s7-4.8 7-10A4 4 0 0 0 10.6 5.6l-1 2.8 2 2-1.4 2.6z" transform="translate(.6 0)" />
    </g>
  ),
  kiss: (
    <path
      d="M2.4 10c2-3 4.4-3.8 6-2.6.9-.6 2.3-.6 3.2 0 1.6-1.2 4-.4 6 2.6-2.4 3.6-5.2 4.6-7.6 4.6S4.8 13.6 2.4 10z"
      fill="#e23a5c"
      stroke="#9c1735"
      strokeWidth="1"
      strokeLinejoin="round"
    />
  ),
  rose: (
    <g>
      <path d="M10 10.5v7.5" stroke="#2f8a3a" strokeWidth="1.4" />
      <path d="M10 14c1.8-1.6 3.6-1.6 4.4-.8-1.2 1.4-2.8 1.6-4.4.8z" fill="#3fae4b" />
      <circle cx="10" cy="6.6" r="4.6" fill="#e0284a" stroke="#9c1735" strokeWidth="1" />
      <path d="M8 6.2c.8-1.6 3.4-1.6 4 .4-.8.8-2 1.2-3 .6" fill="none" stroke="#9c1735" strokeWidth="0.9" />
    </g>
  ),
  star: (
    <path
      d="M10 1.8l2.5 5.2 5.6.7-4.1 3.9 1 5.6L10 14.5l-5 2.7 1-5.6-4.1-3.9 5.6-.7z"
      fill="#ffd23f"
      stroke="#c98f00"
      strokeWidth="1"
      strokeLinejoin="round"
    />
  ),
  coffee: (
    <g>
      <path d="M3.6 8h10v4.8a4 4 0 0 1-4 4h-2a4 4 0 0 1-4-4z" fill="#fff" stroke="#6b4a2b" strokeWidth="1.1" />
      <path d="M13.6 9.2h1.2a2 2 0 0 1 0 4h-1.4" fill="none" stroke="#6b4a2b" strokeWidth="1.1" />
      <path d="M4.4 9.2h8.4" stroke="#8a5a2b" strokeWidth="1.6" />
      <path d="M7 2.8c-.8 1 .8 1.6 0 2.8M10 2.8c-.8 1 .8 1.6 0 2.8" fill="none" stroke="#9aa3ad" strokeWidth="0.9" strokeLinecap="round" />
    </g>
  ),
  note: (
    <g fill="#3b6fd1" stroke="#23489a" strokeWidth="0.8">
      <ellipse cx="6.4" cy="15" rx="2.6" ry="2" />
      <ellipse cx="14.4" cy="13.4" rx="2.6" ry="2" />
      <path d="M8.6 15V4.4l8-1.8v10.8h-1.1V5.2l-5.8 1.3V15z" />
    </g>
  ),
  gift: (
    <g stroke="#1f5fa8" strokeWidth="0.9">
      <rect x="3" y="8" width="14" height="9" rx="1" fill="#4f96e8" />
      <rect x="2.4" y="5.6" width="15.2" height="3" rx="0.8" fill="#6fb0f5" />
      <path d="M10 5.6V17" stroke="#e8334a" strokeWidth="2" />
      <path d="M10 5.4C8.6 2.6 5.6 3 6.4 4.8c.5 1 2.5.8 3.6.6zM10 5.4c1.4-2.8 4.4-2.4 3.6-.6-.5 1-2.5.8-3.6.6z" fill="#e8334a" stroke="#a51c2e" />
    </g>
  ),
  cake: (
    <g stroke="#8a5a2b" strokeWidth="0.9">
      <rect x="3.4" y="10" width="13.2" height="7" rx="1.2" fill="#f7d9b0" />
      <path d="M3.4 12c1.6 1 3 1 4.4 0s3-1 4.4 0 3 1 4.4 0" fill="none" stroke="#e2638a" strokeWidth="1.3" />
      <path d="M10 10V6" stroke="#5a8fd6" strokeWidth="1.4" />
      <path d="M10 3c-.9 1.2-.9 2.2 0 2.6.9-.4.9-1.4 0-2.6z" fill="#ffb020" stroke="#e07b00" strokeWidth="0.6" />
    </g>
  ),
  beer: (
    <g stroke="#8a5a00" strokeWidth="0.9">
      <path d="M4.4 6h8.8v10.6a1 1 0 0 1-1 1H5.4a1 1 0 0 1-1-1z" fill="#f5b531" />
      <path d="M13.2 8h1.6a1.6 1.6 0 0 1 1.6 1.6v3a1.6 1.6 0 0 1-1.6 1.6h-1.6" fill="none" />
      <path d="M4 6.4c-.6-2 1.2-3.2 2.4-2.4.8-1.4 3-1.4 3.6 0 1.2-.8 3.4 0 3.4 2.4z" fill="#fff" stroke="#c9c9c9" />
    </g>
  ),
  bulb: (
    <g>
      <path d="M10 2.4a5.4 5.4 0 0 0-3.2 9.8c.6.5.9 1.1.9 1.8h4.6c0-.7.3-1.3.9-1.8A5.4 5.4 0 0 0 10 2.4z" fill="#ffe36e" stroke="#c98f00" strokeWidth="1" />
      <rect x="7.6" y="14.4" width="4.8" height="2.8" rx="0.8" fill="#9aa3ad" stroke="#6f7780" strokeWidth="0.8" />
    </g>
  ),
  envelope: (
    <g stroke="#4a6a93" strokeWidth="1" strokeLinejoin="round">
      <rect x="2.4" y="5" width="15.2" height="10.4" rx="1.2" fill="#fff" />
      <path d="M2.8 5.6L10 11l7.2-5.4" fill="none" />
    </g>
  ),
  moon: (
    <path d="M12.8 2.6a7.6 7.6 0 1 0 4.6 11.6A6.4 6.4 0 0 1 12.8 2.6z" fill="#ffd23f" stroke="#c98f00" strokeWidth="1" strokeLinejoin="round" />
  ),
};

const SHEET = svgSprite<EmoticonId>(
  'emoticons',
  new Map(Object.entries(DRAWINGS).map(([id, drawing]) => [id as EmoticonId, () => drawing])),
  { width: 20, height: 20 },
);

export function Emoticon({ id, text }: { id: EmoticonId; text: string }) {
  // The shortcut is the picture's text: screen readers read it and copying keeps ":)".
  return <img className="emoticon" src={TRANSPARENT_PIXEL} style={SHEET.style(id)} alt={text} title={text || undefined} draggable={false} />;
}
