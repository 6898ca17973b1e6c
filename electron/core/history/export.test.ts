import { describe, expect, it } from 'vitest';
import { escapeHtml, exportHtml, exportText, formatToCss, formatTimestamp, suggestedExportName } from './export';
import type { HistoryConversation, HistoryEntry } from './types';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

const conversation: HistoryConversation = {
  id: 1,
  account: 'alice@example.com',
  kind: 'group',
  key: 'conv-1',
  participants: [
    { handle: 'bob@example.com', displayName: 'Bob' },
    { handle: 'carol@example.com', displayName: 'Carol' },
  ],
  startedAt: T0,
  lastActivityAt: T0,
  entryCount: 5,
  snippet: null,
};

const base = { conversationId: 1 } as const;
const entries: HistoryEntry[] = [
  { ...base, id: 1, kind: 'join', sender: 'carol@example.com', senderName: 'Carol', timestamp: T0 },
  {
    ...base,
    id: 2,
    kind: 'message',
    direction: 'incoming',
    sender: 'bob@example.com',
    senderName: 'Bob',
    text: 'Hi both!\nTwo lines',
    format: { font: 'Arial', bold: true, italic: false, underline: true, strikethrough: false, color: '#ff0000' },
    timestamp: T0 + 1000,
    messageId: null,
    delivery: 'delivered',
  },
  {
    ...base,
    id: 3,
    kind: 'message',
    direction: 'outgoing',
    sender: 'alice@example.com',
    senderName: 'Alice',
    text: 'lost one',
    format: null,
    timestamp: T0 + 2000,
    messageId: 'm1',
    delivery: 'failed',
  },
  { ...base, id: 4, kind: 'nudge', direction: 'outgoing', sender: 'alice@example.com', senderName: 'Alice', timestamp: T0 + 3000 },
  { ...base, id: 5, kind: 'leave', idle: true, sender: 'carol@example.com', senderName: 'Carol', timestamp: T0 + 4000 },
];

describe('exportText', () => {
  it('writes a header and one line per entry, continuation lines indented', () => {
    const text = exportText(conversation, entries, { timeZone: 'UTC', exportedAt: T0 + 60_000 });
    expect(text).toBe(
      [
        'Conversation with Bob and Carol',
        'Account: alice@example.com',
        'Participants: Bob <bob@example.com>, Carol <carol@example.com>',
        'Exported: 2026-11-22 10:01:00',
        '',
        '[2026-11-22 10:00:00] * Carol has joined the conversation.',
        '[2026-11-22 10:00:01] Bob says: Hi both!',
        '    Two lines',
        '[2026-11-22 10:00:02] Alice says (not delivered): lost one',
        '[2026-11-22 10:00:03] * You sent a nudge.',
        '[2026-11-22 10:00:04] * Carol has left the conversation (inactive).',
        '',
      ].join('\n'),
    );
  });

  it('drops terminal escape sequences and other control characters', () => {
    const evil: HistoryEntry = { ...(entries[1] as Extract<HistoryEntry, { kind: 'message' }>), text: 'a\u001b[2Jb\u0007c\td\u009b31m', senderName: 'B\u001b]0;pwned\u0007ob' };
    const text = exportText(conversation, [evil], { timeZone: 'UTC' });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('a[2Jbc\td31m');
  });
});

describe('exportHtml', () => {
  it('is one self-contained document with the entries, formatting and no network or script', () => {
    const html = exportHtml(conversation, entries, { timeZone: 'UTC', exportedAt: T0 });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toContain('<title>Conversation with Bob and Carol</title>');
    expect(html).toContain(
      `<div class="text" dir="auto" style="font-family: &#39;Arial&#39;, sans-serif; color: #ff0000; font-weight: bold; text-decoration: underline">Hi both!\nTwo lines</div>`,
    );
    expect(html).toContain('<span class="failed">(not delivered)</span>');
    expect(html).toContain('Carol has left the conversation (inactive).');
    expect(html).toContain('id="entry-4"');
    expect(html).not.toMatch(/<script|<link|<img|url\(|@import|http:|https:/i);
  });

  it('renders hostile names, text and formatting as inert text', () => {
    const hostile: HistoryEntry = {
      ...base,
      id: 9,
      kind: 'message',
      direction: 'incoming',
      sender: 'mallory@example.com',
      senderName: '<img src=x onerror=alert(1)>',
      text: '</div><script>alert("x")</script><a href="javascript:alert(1)">click</a>&amp;',
      format: {
        font: `x', sans-serif; background: url(https://evil.example/t.gif); x: '`,
        bold: false,
        italic: false,
        underline: false,
        strikethrough: false,
        color: 'red; background: url(https://evil.example/)',
      },
      timestamp: T0,
      messageId: null,
      delivery: 'delivered',
    };
    const convo = { ...conversation, participants: [{ handle: 'mallory@example.com', displayName: '</title><script>alert(2)</script>' }] };
    const html = exportHtml(convo, [hostile], { timeZone: 'UTC' });
    // Only our own tags appear; everything from the log is escaped text.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(['body', 'div', 'h1', 'head', 'header', 'html', 'main', 'meta', 'p', 'span', 'style', 'time', 'title']);
    expect(html).toContain('&lt;/div&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&amp;amp;');
    expect(html).not.toMatch(/url\(|evil\.example/);
    expect(html).toContain(`style="font-family: &#39;x sans-serif background urlhttpsevilexamplet`);
  });
});

describe('exportHtml with custom emoticons', () => {
  const CAT = 'Q0FUQ0FUQ0FUQ0FUQ0FUQ0FUQ0E=';
  const DOG = 'RE9HRE9HRE9HRE9HRE9HRE9HRE8=';
  const EVIL = 'RVZJTEVWSUxFVklMRVZJTEVWSUw=';
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  const said = (text: string, emoticons: Record<string, string>): HistoryEntry => ({
    ...base,
    id: 20,
    kind: 'message',
    direction: 'incoming',
    sender: 'bob@example.com',
    senderName: 'Bob',
    text,
    format: null,
    timestamp: T0,
    messageId: null,
    delivery: 'delivered',
    emoticons,
  });

  it('draws a custom emoticon whose image the app has as that picture, inside the file, the shortcut as its text', () => {
    const html = exportHtml(conversation, [said('look (cat) and (dog)!', { '(cat)': CAT, '(dog)': DOG })], { emoticonImages: new Map([[CAT, png]]) });
    expect(html).toContain(`look <img class="emoticon" src="${png}" alt="(cat)" title="(cat)"> and (dog)!</div>`);
  });

  it('keeps the shortcut as text without images, for an image that is not a picture, and escapes shortcuts', () => {
    expect(exportHtml(conversation, [said('look (cat)', { '(cat)': CAT })])).toContain('>look (cat)</div>');
    const svg = 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=';
    const html = exportHtml(conversation, [said('a <b> c', { '<b>': EVIL })], { emoticonImages: new Map([[EVIL, svg]]) });
    expect(html).toContain('>a &lt;b&gt; c</div>');
    expect(html).not.toContain('svg');
    const withAlt = exportHtml(conversation, [said('a <b> c', { '<b>': EVIL })], { emoticonImages: new Map([[EVIL, png]]) });
    expect(withAlt).toContain(`a <img class="emoticon" src="${png}" alt="&lt;b&gt;" title="&lt;b&gt;"> c`);
  });
});

describe('export helpers', () => {
  it('escapes the five HTML specials and formats timestamps in a given zone', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(formatTimestamp(T0, 'UTC')).toBe('2026-11-22 10:00:00');
    expect(formatTimestamp(T0, 'Asia/Tokyo')).toBe('2026-11-22 19:00:00');
    expect(formatToCss(null)).toBe('');
    expect(formatToCss({ font: '', bold: false, italic: true, underline: true, strikethrough: true, color: '#00FF00' })).toBe(
      'color: #00ff00; font-style: italic; text-decoration: underline line-through',
    );
  });
});

describe('suggestedExportName', () => {
  it('names the file after the conversation and day, without characters a file system refuses', () => {
    expect(suggestedExportName(conversation, 'html', 'UTC')).toBe('Conversation with Bob and Carol (2026-11-22).html');
    const evil = { ...conversation, participants: [{ handle: 'x@example.com', displayName: '../../etc/passwd:<CON>?*|\u0007. ' }] };
    const name = suggestedExportName(evil, 'text', 'UTC');
    expect(name).toBe('Conversation with .._.._etc_passwd__CON_____ (2026-11-22).txt');
    // eslint-disable-next-line no-control-regex
    expect(name).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
  });
});
