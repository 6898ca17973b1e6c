/**
 * The built-in display pictures (issue 10): our own artwork, drawn here as SVG. Each is shown in
 * the chooser as a `data:` image (the CSP allows `img-src 'self' data:`) and, when chosen, drawn on
 * a canvas in the page and sent as a 96x96 PNG, like a picture from a file. This SVG is ours and
 * never comes from a peer; peers' pictures are PNG, JPEG, GIF or BMP only.
 */
import type { BuiltinPictureId } from '../../../shared/ipc';

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">${body}</svg>`;

export const BUILTIN_PICTURES: readonly { readonly id: BuiltinPictureId; readonly label: string; readonly svg: string }[] = [
  {
    id: 'butterfly',
    label: 'Butterfly',
    svg: svg(
      '<rect width="96" height="96" fill="#9fd0f5"/><path d="M0 68c16-8 32-8 48 0s32 8 48 0v28H0z" fill="#7cc07a"/><circle cx="76" cy="20" r="10" fill="#fff6c2"/>' +
        '<g transform="translate(18 16) scale(0.95)" stroke="#2b2118" stroke-width="2.2" stroke-linejoin="round"><path d="M31 28C26 14 14 6 6 10c-5 3-2 14 6 19 6 3 13 2 19-1z" fill="#f7931e"/>' +
        '<path d="M31 32c-6 0-15 3-17 10-2 6 3 11 9 9 5-2 8-10 8-19z" fill="#e2701a"/><path d="M33 28c5-14 17-22 25-18 5 3 2 14-6 19-6 3-13 2-19-1z" fill="#f7931e"/>' +
        '<path d="M33 32c6 0 15 3 17 10 2 6-3 11-9 9-5-2-8-10-8-19z" fill="#e2701a"/><rect x="30" y="20" width="4" height="26" rx="2" fill="#2b2118"/></g>',
    ),
  },
  {
    id: 'sunflower',
    label: 'Sunflower',
    svg: svg(
      '<rect width="96" height="96" fill="#bfe6ff"/><rect x="45" y="50" width="6" height="46" fill="#3f8f3a"/><path d="M48 78c-10-10-22-8-26-4 8 6 18 8 26 4z" fill="#5fb556"/>' +
        '<g fill="#ffd23c" stroke="#e0a400" stroke-width="1.5">' +
        Array.from({ length: 12 }, (_, i) => `<ellipse cx="48" cy="22" rx="7" ry="14" transform="rotate(${i * 30} 48 40)"/>`).join('') +
        '</g><circle cx="48" cy="40" r="13" fill="#7a4a1c"/><circle cx="44" cy="37" r="2" fill="#5a3310"/><circle cx="51" cy="43" r="2" fill="#5a3310"/>',
    ),
  },
  {
    id: 'robot',
    label: 'Robot',
    svg: svg(
      '<rect width="96" height="96" fill="#d9e4f0"/><rect x="46" y="8" width="4" height="14" fill="#5b6b7d"/><circle cx="48" cy="8" r="5" fill="#e2453c"/>' +
        '<rect x="20" y="22" width="56" height="44" rx="10" fill="#8fa3b8" stroke="#4b5b6c" stroke-width="3"/><circle cx="36" cy="42" r="8" fill="#fff"/><circle cx="60" cy="42" r="8" fill="#fff"/>' +
        '<circle cx="37" cy="43" r="4" fill="#1b70c9"/><circle cx="61" cy="43" r="4" fill="#1b70c9"/><rect x="34" y="55" width="28" height="5" rx="2" fill="#4b5b6c"/>' +
        '<rect x="26" y="70" width="44" height="26" rx="6" fill="#8fa3b8" stroke="#4b5b6c" stroke-width="3"/>',
    ),
  },
  {
    id: 'cat',
    label: 'Cat',
    svg: svg(
      '<rect width="96" height="96" fill="#ffe3ef"/><path d="M20 30 26 8l16 16zM76 30 70 8 54 24z" fill="#f29a3f" stroke="#b5621a" stroke-width="2.5" stroke-linejoin="round"/>' +
        '<ellipse cx="48" cy="52" rx="32" ry="30" fill="#f29a3f" stroke="#b5621a" stroke-width="2.5"/><ellipse cx="36" cy="48" rx="5" ry="7" fill="#2a2a2a"/><ellipse cx="60" cy="48" rx="5" ry="7" fill="#2a2a2a"/>' +
        '<path d="M44 60h8l-4 5z" fill="#e2577a"/><path d="M48 65c-3 5-9 5-11 2M48 65c3 5 9 5 11 2" stroke="#7a3b12" stroke-width="2" fill="none"/>' +
        '<path d="M14 58h18M14 64h18M64 58h18M64 64h18" stroke="#7a3b12" stroke-width="1.5"/>',
    ),
  },
  {
    id: 'planet',
    label: 'Planet',
    svg: svg(
      '<rect width="96" height="96" fill="#1d2a5a"/><circle cx="14" cy="16" r="1.5" fill="#fff"/><circle cx="80" cy="12" r="1.2" fill="#fff"/><circle cx="70" cy="84" r="1.5" fill="#fff"/><circle cx="20" cy="80" r="1" fill="#fff"/>' +
        '<circle cx="48" cy="48" r="24" fill="#7d5ce6"/><path d="M28 40c10 4 30 4 40 0M26 52c12 4 32 4 44 0" stroke="#a993f2" stroke-width="4" fill="none"/>' +
        '<ellipse cx="48" cy="50" rx="42" ry="10" fill="none" stroke="#ffd27a" stroke-width="4" transform="rotate(-15 48 50)"/>',
    ),
  },
  {
    id: 'guitar',
    label: 'Guitar',
    svg: svg(
      '<rect width="96" height="96" fill="#fff1c9"/><g transform="rotate(35 48 48)"><rect x="45" y="4" width="6" height="44" fill="#6b3f1d"/><rect x="42" y="2" width="12" height="10" rx="2" fill="#3b2412"/>' +
        '<path d="M48 40c-14 0-18 8-15 16-6 4-8 10-6 17 3 10 13 15 21 15s18-5 21-15c2-7 0-13-6-17 3-8-1-16-15-16z" fill="#e2452f" stroke="#8a2518" stroke-width="2.5"/>' +
        '<circle cx="48" cy="64" r="6" fill="#3b2412"/><rect x="42" y="78" width="12" height="4" fill="#3b2412"/></g>',
    ),
  },
];

export function builtinDataUrl(svgText: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
}
