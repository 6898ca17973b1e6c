import { afterEach, describe, expect, it, vi } from 'vitest';
import { svgMarkup, svgSprite } from './svg-markup';

function Dot({ fill }: { fill: string }) {
  return <circle cx="1" cy="2" r="3" fill={fill} strokeWidth="0.5" />;
}

describe('SVG drawings as images', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('serialises elements, function components and SVG attribute names', () => {
    const markup = svgMarkup(
      <g transform="scale(2)">
        <Dot fill="#f00" />
        {false}
        <path d='M0 0"/><script>' strokeLinecap="round" />
      </g>,
      '0 0 10 10',
    );
    expect(markup).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g transform="scale(2)"><circle cx="1" cy="2" r="3" fill="#f00" stroke-width="0.5"></circle><path d="M0 0&quot;/>&lt;script>" stroke-linecap="round"></path></g></svg>',
    );
  });

  it('lays a sprite sheet out once, on first use, and positions each picture in it', () => {
    const setProperty = vi.fn();
    vi.stubGlobal('document', { documentElement: { style: { setProperty } } });
    let draws = 0;
    const drawing = (fill: string) => () => {
      draws += 1;
      return <rect width="1" height="1" fill={fill} />;
    };
    const sheet = svgSprite('test', new Map([['a', drawing('red')], ['b', drawing('green')], ['c', drawing('blue')]] as const), { width: 10, height: 8 });
    expect(setProperty).not.toHaveBeenCalled();
    const a = sheet.style('a');
    const c = sheet.style('c');
    expect(sheet.style('a')).toBe(a); // the same object every render
    expect(a).toEqual({ backgroundImage: 'var(--sprite-test)', backgroundSize: '300% 100%', backgroundPosition: '0% 0' });
    expect(c.backgroundPosition).toBe('100% 0');
    expect(sheet.style('b').backgroundPosition).toBe('50% 0');
    expect(draws).toBe(3);
    expect(setProperty).toHaveBeenCalledTimes(1);
    const [name, value] = setProperty.mock.calls[0] as [string, string];
    expect(name).toBe('--sprite-test');
    const markup = decodeURIComponent(value.slice('url("data:image/svg+xml;charset=utf-8,'.length, -'")'.length));
    expect(markup).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 8">' +
        '<svg x="0" y="0" width="10" height="8" viewBox="0 0 10 8"><rect width="1" height="1" fill="red"></rect></svg>' +
        '<svg x="10" y="0" width="10" height="8" viewBox="0 0 10 8"><rect width="1" height="1" fill="green"></rect></svg>' +
        '<svg x="20" y="0" width="10" height="8" viewBox="0 0 10 8"><rect width="1" height="1" fill="blue"></rect></svg></svg>',
    );
  });
});
