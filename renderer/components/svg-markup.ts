/**
 * Our SVG artwork (status icons, emoticons) is written as JSX for readability, but drawn as one
 * element each with a sprite sheet behind it: a list row then costs one element instead of a
 * dozen SVG nodes, which keeps scrolling thousands of contacts cheap. And one sheet per set of
 * pictures, not one image per picture: the browser builds a whole SVG document for every SVG
 * image (about 1 ms each in a fresh window, seen in a trace of bench/renderer.bench.ts), so a
 * conversation window showing nine different emoticons paid ~10 ms before its first paint.
 * This serialises small JSX drawings (SVG elements and function components only, no state).
 */
import { createElement, isValidElement, type ReactElement, type ReactNode } from 'react';

/** React prop names that are not the SVG attribute's own name. */
const ATTRIBUTE: Readonly<Record<string, string>> = {
  strokeWidth: 'stroke-width',
  strokeLinecap: 'stroke-linecap',
  strokeLinejoin: 'stroke-linejoin',
  strokeOpacity: 'stroke-opacity',
  fillOpacity: 'fill-opacity',
  stopColor: 'stop-color',
  stopOpacity: 'stop-opacity',
  className: 'class',
};

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function serialise(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return escapeAttr(String(node));
  if (Array.isArray(node)) return node.map(serialise).join('');
  if (!isValidElement(node)) return '';
  const el = node as ReactElement<Record<string, unknown>>;
  if (typeof el.type === 'function') return serialise((el.type as (p: unknown) => ReactNode)(el.props));
  if (typeof el.type !== 'string') return serialise(el.props.children as ReactNode);
  const attrs = Object.entries(el.props)
    .filter(([k, v]) => k !== 'children' && v !== undefined && v !== null && typeof v !== 'function' && typeof v !== 'object')
    .map(([k, v]) => ` ${ATTRIBUTE[k] ?? k}="${escapeAttr(String(v))}"`)
    .join('');
  return `<${el.type}${attrs}>${serialise(el.props.children as ReactNode)}</${el.type}>`;
}

export function svgMarkup(drawing: ReactNode, viewBox: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}">${serialise(drawing)}</svg>`;
}

/**
 * What an `<img>` showing a sprite-sheet picture loads: a transparent pixel, one shared decode.
 * An image element (not a span) keeps the picture's `alt` text: copying a message keeps ":)".
 */
export const TRANSPARENT_PIXEL = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** A set of same-sized pictures drawn side by side in one SVG image, shown through CSS. */
export interface SvgSprite<K extends string> {
  /** The CSS custom property holding the sheet's `url(...)`, set on the root element on first use. */
  readonly variable: string;
  /** The inline style that shows one picture of the sheet at any element size. */
  style(key: K): { readonly backgroundImage: string; readonly backgroundSize: string; readonly backgroundPosition: string };
}

const sheets: { install(): void }[] = [];

/**
 * Draws every sprite sheet made so far. A window calls this as it starts, so the work is done
 * before its data arrives rather than inside its first render (a sheet is otherwise drawn when its
 * first picture is shown).
 */
export function installSpriteSheets(): void {
  for (const sheet of sheets) sheet.install();
}

/**
 * Lays `drawings` out in one row, each in its own `viewBox`-sized cell. The sheet is serialised
 * once (the page's CSP allows data: images; the custom property is set through the CSSOM, which
 * the CSP's style-src does not restrict).
 */
export function svgSprite<K extends string>(name: string, drawings: ReadonlyMap<K, () => ReactNode>, cell: { width: number; height: number }): SvgSprite<K> {
  const keys = [...drawings.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const variable = `--sprite-${name}`;
  let installed = false;
  const install = () => {
    if (installed) return;
    installed = true;
    const cells = keys.map((k, i) =>
      createElement('svg', { key: k, x: i * cell.width, y: 0, width: cell.width, height: cell.height, viewBox: `0 0 ${cell.width} ${cell.height}` }, drawings.get(k)?.()),
    );
    const markup = svgMarkup(cells, `0 0 ${keys.length * cell.width} ${cell.height}`);
    document.documentElement.style.setProperty(variable, `url("data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}")`);
  };
  // One style object per picture, made once: React then sees the same props on every render.
  const styles = keys.map((_, i) =>
    Object.freeze({
      backgroundImage: `var(${variable})`,
      backgroundSize: `${keys.length * 100}% 100%`,
      backgroundPosition: `${keys.length > 1 ? (i / (keys.length - 1)) * 100 : 0}% 0`,
    }),
  );
  sheets.push({ install });
  return {
    variable,
    style(key) {
      install();
      return styles[index.get(key) ?? 0]!;
    },
  };
}
