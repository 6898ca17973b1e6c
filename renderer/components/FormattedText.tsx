/**
 * Message text as the sender formatted it (font, colour, effects: MSNP.md §6.6), with emoticons
 * as pictures. Wire text is only ever rendered as React text nodes, never as markup.
 */
import { memo, useMemo, type CSSProperties } from 'react';
import type { TextFormat } from '../../shared/model';
import { Emoticon } from './Emoticon';
import { parseEmoticons } from './emoticon-parse';

/** A font name is only ever used as a quoted CSS family name; quotes and escapes are dropped. */
function fontFamily(font: string): string | undefined {
  const clean = font.replace(/["\\;{}<>]/g, '').trim().slice(0, 64);
  return clean ? `"${clean}", var(--font-ui)` : undefined;
}

export function formatStyle(format: TextFormat | null): CSSProperties | undefined {
  if (!format) return undefined;
  const decorations = [format.underline ? 'underline' : '', format.strikethrough ? 'line-through' : ''].filter(Boolean).join(' ');
  return {
    fontFamily: fontFamily(format.font),
    fontWeight: format.bold ? 700 : undefined,
    fontStyle: format.italic ? 'italic' : undefined,
    textDecoration: decorations || undefined,
    // The sender's colour goes through a custom property: the stylesheet lightens it in the
    // dark theme so that navy text stays readable on a dark background.
    ...(/^#[0-9a-f]{6}$/i.test(format.color) && format.color !== '#000000' ? ({ '--msg-color': format.color } as CSSProperties) : {}),
    direction: format.rightToLeft ? 'rtl' : undefined,
  };
}

export const EmoticonText = memo(function EmoticonText({ text }: { text: string }) {
  // Lines travel as CRLF (MSNP.md §6.6); the page breaks lines on LF alone.
  const segments = useMemo(() => parseEmoticons(text.replace(/\r\n?/g, '\n')), [text]);
  return (
    <>
      {segments.map((s, i) => (s.kind === 'text' ? <span key={i}>{s.text}</span> : <Emoticon key={i} id={s.id} text={s.text} />))}
    </>
  );
});

export const FormattedText = memo(function FormattedText({ text, format }: { text: string; format: TextFormat | null }) {
  return (
    <span className={`formatted${format && format.color !== '#000000' ? ' colored' : ''}`} style={formatStyle(format)}>
      <EmoticonText text={text} />
    </span>
  );
});
