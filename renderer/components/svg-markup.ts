/**
 * Our SVG artwork (status icons, emoticons) is written as JSX for readability, but drawn as one
 * `<img>` each: a list row then costs one element instead of a dozen SVG nodes, which keeps
 * scrolling thousands of contacts cheap (bench/renderer.bench.ts). This serialises a small JSX
 * drawing (SVG elements and function components only, no state) to a data: URL, once per drawing.
 */
import { isValidElement, type ReactElement, type ReactNode } from 'react';

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

const cache = new Map<string, string>();

/** The drawing as a data: URL, made once per key. */
export function svgDataUrl(key: string, draw: () => ReactNode, viewBox: string): string {
  let url = cache.get(key);
  if (url === undefined) {
    url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgMarkup(draw(), viewBox))}`;
    cache.set(key, url);
  }
  return url;
}
