import { describe, expect, it } from 'vitest';
import { EMOTICON_PICKER, parseEmoticons } from './emoticon-parse';

describe('emoticon shortcuts', () => {
  it('finds the classic shortcuts, case-insensitively, longest first', () => {
    expect(parseEmoticons('hi :) and :-D (y) (H)')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'emoticon', id: 'smile', text: ':)' },
      { kind: 'text', text: ' and ' },
      { kind: 'emoticon', id: 'grin', text: ':-D' },
      { kind: 'text', text: ' ' },
      { kind: 'emoticon', id: 'thumbs-up', text: '(y)' },
      { kind: 'text', text: ' ' },
      { kind: 'emoticon', id: 'hot', text: '(H)' },
    ]);
    expect(parseEmoticons(":'(")).toEqual([{ kind: 'emoticon', id: 'crying', text: ":'(" }]);
  });

  it('leaves web addresses alone', () => {
    expect(parseEmoticons('see http://example.com/a:)b (8) www.x.com/(8)')).toEqual([
      { kind: 'text', text: 'see http://example.com/a:)b ' },
      { kind: 'emoticon', id: 'note', text: '(8)' },
      { kind: 'text', text: ' www.x.com/(8)' },
    ]);
  });

  it('returns plain text untouched, markup included', () => {
    expect(parseEmoticons('<b>x</b>')).toEqual([{ kind: 'text', text: '<b>x</b>' }]);
    expect(parseEmoticons('')).toEqual([]);
  });

  it('offers each picture once in the picker', () => {
    expect(new Set(EMOTICON_PICKER.map((e) => e.id)).size).toBe(EMOTICON_PICKER.length);
    expect(EMOTICON_PICKER.length).toBeGreaterThanOrEqual(25);
  });
});
