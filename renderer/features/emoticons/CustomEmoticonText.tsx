/**
 * Message text with custom emoticons (issue 10): each shortcut the message's sender announced is
 * shown as their picture, inline at text height, once it has arrived (an `<img>` of a checked
 * `data:` URL, alt = the shortcut, so copying and screen readers get the text), and as the
 * shortcut's text until then or if it never comes. The rest is the usual formatted text with
 * standard emoticons; wire text is only ever rendered as React text nodes.
 */
import { Fragment, memo, useMemo } from 'react';
import { isPictureDataUrl, splitCustomEmoticons, type EmoticonBinding } from '../../../shared/ipc';
import type { ChatMessage, TextFormat } from '../../../shared/model';
import { EmoticonText, FormattedText, formatStyle } from '../../components/FormattedText';
import { useAppState } from '../../store/context';

/**
 * A message in the transcript: with the custom emoticons it uses, if any: a live message's as
 * announced with it (the store's), an earlier line's as its history entry kept them (`emoticons`).
 */
export const MessageText = memo(function MessageText({ message, emoticons }: { message: ChatMessage; emoticons?: EmoticonBinding | undefined }) {
  const live = useAppState((s) => s.emoticons.byMessage[message.id]);
  const binding = emoticons ?? live;
  if (binding === undefined) return <FormattedText text={message.text} format={message.format} />;
  return <CustomFormattedText text={message.text} format={message.format} binding={binding} />;
});

function CustomFormattedText({ text, format, binding }: { text: string; format: TextFormat | null; binding: EmoticonBinding }) {
  // Lines travel as CRLF (MSNP.md §6.6); the page breaks lines on LF alone.
  const segments = useMemo(() => splitCustomEmoticons(text.replace(/\r\n?/g, '\n'), Object.keys(binding)), [text, binding]);
  return (
    <span className={`formatted${format && format.color !== '#000000' ? ' colored' : ''}`} style={formatStyle(format)}>
      {segments.map((s, i) =>
        s.kind === 'text' ? <EmoticonText key={i} text={s.text} /> : <CustomEmoticon key={i} shortcut={s.shortcut} sha1d={binding[s.shortcut] as string} />,
      )}
    </span>
  );
}

/**
 * A logged message in the history view: its text as plain text (as the history shows every line),
 * each custom emoticon it used as its picture when the app still has it (the backend hands on the
 * verified images of its cache with the page), else its shortcut.
 */
export function HistoryMessageText({ text, emoticons }: { text: string; emoticons: EmoticonBinding | undefined }) {
  const segments = useMemo(() => (emoticons === undefined ? null : splitCustomEmoticons(text, Object.keys(emoticons))), [text, emoticons]);
  if (segments === null || emoticons === undefined) return <>{text}</>;
  return (
    <>
      {segments.map((s, i) => (s.kind === 'text' ? <Fragment key={i}>{s.text}</Fragment> : <CustomEmoticon key={i} shortcut={s.shortcut} sha1d={emoticons[s.shortcut] as string} />))}
    </>
  );
}

/** One custom emoticon: its picture (a contact's once fetched, or one of mine), else its shortcut. */
export function CustomEmoticon({ shortcut, sha1d }: { shortcut: string; sha1d: string }) {
  const src = useAppState((s) => s.emoticons.images[sha1d] ?? s.emoticons.mine.find((m) => m.sha1d === sha1d)?.dataUrl ?? null);
  if (src === null || !isPictureDataUrl(src)) {
    return (
      <span className="custom-emoticon-pending" data-sha1d={sha1d}>
        {shortcut}
      </span>
    );
  }
  return <img className="custom-emoticon" src={src} alt={shortcut} title={shortcut} data-sha1d={sha1d} draggable={false} />;
}
