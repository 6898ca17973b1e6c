/**
 * Finds custom-emoticon shortcuts in message text (issue 10). Unlike the standard ones, custom
 * shortcuts are whatever the sender chose, matched exactly as announced (case and all), anywhere
 * in the text but inside web addresses (MSNP-P2P.md §6.1), the longest first where two start at
 * one place, left to right. Pure: returns segments; text runs go on to the standard emoticons,
 * shortcuts become pictures (or stay text until they come). Shared by the windows (the transcript
 * and the history view) and the backend (the HTML export of a history log), so all three find the
 * same shortcuts.
 */

/** Web addresses, as the standard emoticons' parser finds them (renderer/components/emoticon-parse.ts). */
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
export type CustomSegment = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'custom'; readonly shortcut: string };

export function splitCustomEmoticons(text: string, shortcuts: readonly string[]): CustomSegment[] {
  const byLength = shortcuts.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (byLength.length === 0) return text === '' ? [] : [{ kind: 'text', text }];
  const urls: [number, number][] = [];
  for (const m of text.matchAll(URL)) urls.push([m.index, m.index + m[0].length]);
  const out: CustomSegment[] = [];
  let run = 0;
  let i = 0;
  let u = 0;
  while (i < text.length) {
    while (u < urls.length && (urls[u] as [number, number])[1] <= i) u++;
    const url = urls[u];
    if (url !== undefined && url[0] <= i) {
      i = url[1];
      continue;
    }
    const hit = byLength.find((s) => text.startsWith(s, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    if (i > run) out.push({ kind: 'text', text: text.slice(run, i) });
    out.push({ kind: 'custom', shortcut: hit });
    i += hit.length;
    run = i;
  }
  if (run < text.length) out.push({ kind: 'text', text: text.slice(run) });
  return out;
}
