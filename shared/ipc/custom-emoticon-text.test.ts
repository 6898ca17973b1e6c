import { describe, expect, it } from 'vitest';
import { splitCustomEmoticons } from './custom-emoticon-text';

describe('splitCustomEmoticons', () => {
  it('cuts the text at each shortcut, exactly as announced', () => {
    expect(splitCustomEmoticons('look (tux) and (TUX)!', ['(tux)'])).toEqual([
      { kind: 'text', text: 'look ' },
      { kind: 'custom', shortcut: '(tux)' },
      { kind: 'text', text: ' and (TUX)!' },
    ]);
  });

  it('prefers the longest shortcut where two start at one place, and finds them back to back', () => {
    expect(splitCustomEmoticons('catdogcatcat', ['cat', 'catdog'])).toEqual([
      { kind: 'custom', shortcut: 'catdog' },
      { kind: 'custom', shortcut: 'cat' },
      { kind: 'custom', shortcut: 'cat' },
    ]);
  });

  it('leaves text without shortcuts alone, and skips empty shortcuts', () => {
    expect(splitCustomEmoticons('hello', [])).toEqual([{ kind: 'text', text: 'hello' }]);
    expect(splitCustomEmoticons('hello', [''])).toEqual([{ kind: 'text', text: 'hello' }]);
    expect(splitCustomEmoticons('', ['x'])).toEqual([]);
    expect(splitCustomEmoticons('<b>x</b>', ['x'])).toEqual([
      { kind: 'text', text: '<b>' },
      { kind: 'custom', shortcut: 'x' },
      { kind: 'text', text: '</b>' },
    ]);
  });

  it('never matches inside a web address', () => {
    expect(splitCustomEmoticons('see http://x.example/(cat)/ or www.cat.example (cat)', ['(cat)', 'cat'])).toEqual([
      { kind: 'text', text: 'see http://x.example/(cat)/ or www.cat.example ' },
      { kind: 'custom', shortcut: '(cat)' },
    ]);
  });
});
