/**
 * Finds the classic emoticon shortcuts in message text (MSNP.md §6.9: plain text on the wire,
 * replaced by pictures on the receiving side; matched case-insensitively, never inside web
 * addresses). Pure: returns segments, the caller renders them.
 */

export type EmoticonId =
  | 'smile' | 'grin' | 'wink' | 'tongue' | 'surprised' | 'sad' | 'angry' | 'embarrassed' | 'confused'
  | 'crying' | 'disappointed' | 'hot' | 'thumbs-up' | 'thumbs-down' | 'heart' | 'broken-heart' | 'kiss'
  | 'rose' | 'star' | 'coffee' | 'note' | 'gift' | 'cake' | 'beer' | 'bulb' | 'envelope' | 'moon';

/** Shortcut → picture, as the classic client knew them. */
export const EMOTICON_SHORTCUTS: Readonly<Record<string, EmoticonId>> = {
  ':)': 'smile', ':-)': 'smile',
  ':D': 'grin', ':-D': 'grin', ':>': 'grin',
  ';)': 'wink', ';-)': 'wink',
  ':P': 'tongue', ':-P': 'tongue',
  ':O': 'surprised', ':-O': 'surprised',
  ':(': 'sad', ':-(': 'sad', ':<': 'sad',
  ':@': 'angry', ':-@': 'angry',
  ':$': 'embarrassed', ':-$': 'embarrassed',
  ':S': 'confused', ':-S': 'confused',
  ":'(": 'crying',
  ':|': 'disappointed', ':-|': 'disappointed',
  '(H)': 'hot',
  '(Y)': 'thumbs-up',
  '(N)': 'thumbs-down',
  '(L)': 'heart',
  '(U)': 'broken-heart',
  '(K)': 'kiss',
  '(F)': 'rose',
  '(*)': 'star',
  '(C)': 'coffee',
  '(8)': 'note',
  '(G)': 'gift',
  '(^)': 'cake',
  '(B)': 'beer',
  '(I)': 'bulb',
  '(E)': 'envelope',
  '(S)': 'moon',
};

/** One of each picture with its preferred shortcut, for the emoticon picker. */
export const EMOTICON_PICKER: ReadonlyArray<{ readonly id: EmoticonId; readonly shortcut: string }> = (() => {
  const seen = new Set<EmoticonId>();
  const out: { id: EmoticonId; shortcut: string }[] = [];
  for (const [shortcut, id] of Object.entries(EMOTICON_SHORTCUTS)) {
    if (!seen.has(id)) {
      seen.add(id);
      out.push({ id, shortcut });
    }
  }
  return out;
})();

export type Segment = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'emoticon'; readonly id: EmoticonId; readonly text: string };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lookup = new Map(Object.entries(EMOTICON_SHORTCUTS).map(([k, v]) => [k.toUpperCase(), v]));
const alternatives = Object.keys(EMOTICON_SHORTCUTS)
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join('|');
// Web addresses first, so shortcuts inside them (":/" "(8)") stay text.
const pattern = new RegExp(`(\\b(?:https?://|www\\.)\\S+)|(${alternatives})`, 'gi');

export function parseEmoticons(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[1] !== undefined) continue; // a URL: leave it in the text run
    const id = lookup.get(m[0].toUpperCase());
    if (!id) continue;
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    out.push({ kind: 'emoticon', id, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}
