import { describe, expect, it } from 'vitest';
import { svgDataUrl, svgMarkup } from './svg-markup';

function Dot({ fill }: { fill: string }) {
  return <circle cx="1" cy="2" r="3" fill={fill} strokeWidth="0.5" />;
}

describe('SVG drawings as images', () => {
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

  it('makes each data: URL once', () => {
    let calls = 0;
    const draw = () => {
      calls += 1;
      return <rect width="1" height="1" />;
    };
    const a = svgDataUrl('test:rect', draw, '0 0 1 1');
    const b = svgDataUrl('test:rect', draw, '0 0 1 1');
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect(a.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
  });
});
