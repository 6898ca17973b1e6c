/**
 * Export a conversation log to plain text or to one self-contained HTML file. Both take the
 * entries as an iterable (the store reads them lazily) and produce a string.
 *
 * Everything in a log may be hostile (names and text come from other people). The HTML export
 * escapes every piece of text, builds styles only from validated values (hex colours, a font name
 * reduced to letters, digits, spaces and dashes), and carries a Content-Security-Policy that
 * forbids scripts and any network load (images only as `data:` URLs inside the file: the custom
 * emoticons, PNG, JPEG, GIF or BMP), so even a mistake here could not run code or call home.
 * The text export drops control characters (terminal escape sequences) except tab and newline.
 */
import { splitCustomEmoticons } from '../../../shared/ipc/custom-emoticon-text';
import { isPictureDataUrl } from '../../../shared/ipc/pictures';
import { isHexColor, type TextFormat } from '../../../shared/model';
import type { HistoryConversation, HistoryEntry, MessageEntry } from './types';

export interface ExportOptions {
  /** IANA time zone for timestamps; default the system's. */
  readonly timeZone?: string;
  /** Epoch ms shown as the export time; default now. */
  readonly exportedAt?: number;
  /**
   * HTML only: the custom-emoticon images the app has (SHA1D → a PNG, JPEG, GIF or BMP `data:`
   * URL, checked again here). A message's custom emoticon is drawn from here, inside the file,
   * when its image is; else its shortcut stays text, as in the history view.
   */
  readonly emoticonImages?: ReadonlyMap<string, string>;
}

/** `2026-11-22 10:00:05` in the given zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a DateTimeFormat costs far more than using one: keep one per zone. */
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

export function formatTimestamp(ms: number, timeZone?: string): string {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** "Bob", or "Alice, Bob and Carol". */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function conversationTitle(conversation: HistoryConversation): string {
  const names = conversation.participants.map((p) => (p.displayName.trim() ? p.displayName : p.handle));
  return names.length === 0 ? 'Conversation' : `Conversation with ${joinNames(names)}`;
}

/** The sentence a system entry stands for (also what the transcript shows). */
export function describeSystemEntry(entry: Exclude<HistoryEntry, { kind: 'message' }>): string {
  const who = entry.senderName.trim() ? entry.senderName : entry.sender;
  switch (entry.kind) {
    case 'join':
      return `${who} has joined the conversation.`;
    case 'leave':
      return entry.idle ? `${who} has left the conversation (inactive).` : `${who} has left the conversation.`;
    case 'nudge':
      return entry.direction === 'outgoing' ? 'You sent a nudge.' : `${who} sent you a nudge.`;
    case 'file':
      return entry.text;
  }
}

function senderLabel(entry: HistoryEntry): string {
  return entry.senderName.trim() ? entry.senderName : entry.sender;
}

// C0 controls and DEL, except tab and newline; also C1 controls (0x80–0x9f), which some terminals obey.
// eslint-disable-next-line no-control-regex
const UNSAFE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function plain(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(UNSAFE_CONTROLS, '');
}

function deliveryNote(entry: HistoryEntry): string {
  if (entry.kind !== 'message' || entry.direction !== 'outgoing') return '';
  return entry.delivery === 'failed' ? ' (not delivered)' : '';
}

export function exportText(conversation: HistoryConversation, entries: Iterable<HistoryEntry>, options: ExportOptions = {}): string {
  const tz = options.timeZone;
  const lines: string[] = [
    plain(conversationTitle(conversation)),
    `Account: ${plain(conversation.account)}`,
    `Participants: ${conversation.participants.map((p) => plain(`${p.displayName} <${p.handle}>`)).join(', ')}`,
    `Exported: ${formatTimestamp(options.exportedAt ?? Date.now(), tz)}`,
    '',
  ];
  for (const e of entries) {
    const at = `[${formatTimestamp(e.timestamp, tz)}]`;
    if (e.kind === 'message') {
      const [first = '', ...rest] = plain(e.text).split('\n');
      lines.push(`${at} ${plain(senderLabel(e))} says${deliveryNote(e)}: ${first}`);
      for (const more of rest) lines.push(`    ${more}`);
    } else {
      lines.push(`${at} * ${plain(describeSystemEntry(e))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(UNSAFE_CONTROLS, '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A font name safe inside a quoted CSS string: letters, digits, spaces, dashes, underscores. */
function safeFontName(font: string): string {
  return font.replace(/[^\p{L}\p{N} _-]/gu, '').trim().slice(0, 64);
}

/** Inline CSS for a message's formatting, from validated pieces only. */
export function formatToCss(format: TextFormat | null): string {
  if (!format) return '';
  const rules: string[] = [];
  const font = safeFontName(format.font);
  if (font) rules.push(`font-family: '${font}', sans-serif`);
  if (isHexColor(format.color)) rules.push(`color: ${format.color.toLowerCase()}`);
  if (format.bold) rules.push('font-weight: bold');
  if (format.italic) rules.push('font-style: italic');
  const decorations = [format.underline ? 'underline' : '', format.strikethrough ? 'line-through' : ''].filter(Boolean);
  if (decorations.length > 0) rules.push(`text-decoration: ${decorations.join(' ')}`);
  return rules.join('; ');
}

/** A message's text as HTML: escaped, with its custom emoticons as the pictures we have of them. */
function messageHtml(e: MessageEntry, images: ReadonlyMap<string, string> | undefined): string {
  const used = e.emoticons;
  if (used === undefined || images === undefined) return escapeHtml(e.text);
  return splitCustomEmoticons(e.text, Object.keys(used))
    .map((part) => {
      if (part.kind === 'text') return escapeHtml(part.text);
      const sha1d = used[part.shortcut];
      const src = sha1d === undefined ? undefined : images.get(sha1d);
      if (src === undefined || !isPictureDataUrl(src)) return escapeHtml(part.shortcut);
      const alt = escapeHtml(part.shortcut);
      return `<img class="emoticon" src="${escapeHtml(src)}" alt="${alt}" title="${alt}">`;
    })
    .join('');
}

const HTML_STYLE = `
  body { font: 13px/1.45 "Segoe UI", system-ui, Cantarell, sans-serif; color: #1b1b1b; background: #fff; margin: 0; }
  header { padding: 12px 16px; background: linear-gradient(#eaf3fc, #d6e7f8); border-bottom: 1px solid #b8cde4; }
  header h1 { font-size: 16px; margin: 0 0 4px; }
  header p { margin: 0; color: #555; }
  main { padding: 8px 16px 24px; }
  .entry { margin: 6px 0; }
  .meta { color: #555; }
  .meta time { color: #888; margin-right: 6px; font-size: 11px; }
  .sender { font-weight: 600; }
  .text { margin-left: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .system { color: #777; font-style: italic; }
  .failed { color: #b00020; font-size: 11px; margin-left: 6px; }
  .emoticon { height: 1.3em; width: auto; max-width: 3em; vertical-align: text-bottom; }
  @media (prefers-color-scheme: dark) {
    body { color: #e6e6e6; background: #1e1f22; }
    header { background: linear-gradient(#2a3442, #232b36); border-color: #3a4756; }
    header p, .meta { color: #aaa; }
  }
`;

export function exportHtml(conversation: HistoryConversation, entries: Iterable<HistoryEntry>, options: ExportOptions = {}): string {
  const tz = options.timeZone;
  const title = escapeHtml(conversationTitle(conversation));
  const participants = conversation.participants.map((p) => `${escapeHtml(p.displayName)} &lt;${escapeHtml(p.handle)}&gt;`).join(', ');
  const body: string[] = [];
  for (const e of entries) {
    const iso = new Date(e.timestamp).toISOString();
    const time = `<time datetime="${iso}">${escapeHtml(formatTimestamp(e.timestamp, tz))}</time>`;
    if (e.kind === 'message') {
      const style = formatToCss(e.format);
      const dir = e.format?.rightToLeft ? 'rtl' : 'auto';
      const failed = e.direction === 'outgoing' && e.delivery === 'failed' ? '<span class="failed">(not delivered)</span>' : '';
      body.push(
        `<div class="entry message ${e.direction}" id="entry-${e.id}">` +
          `<div class="meta">${time}<span class="sender">${escapeHtml(senderLabel(e))}</span> says:${failed}</div>` +
          `<div class="text" dir="${dir}"${style ? ` style="${escapeHtml(style)}"` : ''}>${messageHtml(e, options.emoticonImages)}</div>` +
          `</div>`,
      );
    } else {
      body.push(`<div class="entry system ${e.kind}" id="entry-${e.id}">${time}${escapeHtml(describeSystemEntry(e))}</div>`);
    }
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p>Account: ${escapeHtml(conversation.account)}</p>
<p>Participants: ${participants}</p>
<p>Exported: ${escapeHtml(formatTimestamp(options.exportedAt ?? Date.now(), tz))}</p>
</header>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}

/** A file name for the save dialog: "Conversation with Bob (2026-11-22).html", safe on every OS. */
export function suggestedExportName(conversation: HistoryConversation, format: 'text' | 'html', timeZone?: string): string {
  const day = formatTimestamp(conversation.lastActivityAt, timeZone).slice(0, 10);
  const base = conversationTitle(conversation)
    // Reserved on Windows, separators everywhere, control characters: replaced.
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .replace(/[. ]+$/, '');
  return `${base || 'Conversation'} (${day}).${format === 'html' ? 'html' : 'txt'}`;
}
