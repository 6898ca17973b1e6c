/**
 * Turning what a user types into a safe FTS5 MATCH expression. User text is never passed to
 * MATCH as-is: `AND`, `NEAR`, `"`, `*`, `:` and parentheses are FTS5 syntax, and a stray quote
 * would be a syntax error (or a different query). Every word becomes a quoted phrase; words are
 * ANDed; the last word is a prefix ("hel" finds "hello") so results follow typing.
 */

/** Longest query we pass on (characters); longer input is cut, never rejected. */
export const MAX_QUERY_CHARS = 256;
/** At most this many words take part. */
export const MAX_QUERY_TERMS = 16;

/**
 * Does `word` contain anything the unicode61 tokenizer keeps? (letters, numbers, marks, and
 * private-use characters; everything else separates tokens). A phrase of pure punctuation would
 * match nothing and only confuse the AND.
 */
function hasTokenChars(word: string): boolean {
  return /[\p{L}\p{N}\p{M}\p{Co}]/u.test(word);
}

/** The MATCH expression for `input`, or null when there is nothing to search for. */
export function toFtsQuery(input: string): string | null {
  const words = input
    .slice(0, MAX_QUERY_CHARS)
    .split(/\s+/u)
    .filter((w) => w.length > 0 && hasTokenChars(w))
    .slice(0, MAX_QUERY_TERMS);
  if (words.length === 0) return null;
  return words
    .map((w, i) => {
      const phrase = `"${w.replace(/"/g, '""')}"`;
      return i === words.length - 1 ? `${phrase} *` : phrase;
    })
    .join(' ');
}
