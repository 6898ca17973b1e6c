import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model';
import { MAX_MY_EMOTICON_BYTES } from './emoticons';
import { initialAppState, reduceApp, type AppState } from './projection';
import type { AppEvent } from './events';
import { validateCommand } from './validate';

const b64 = (...bytes: number[]) => btoa(String.fromCharCode(...bytes));
const PNG = b64(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const GIF = btoa('GIF89a\x01\x00\x01\x00');
const JPEG = b64(0xff, 0xd8, 0xff, 0xe0, 0, 16);
const BMP = btoa('BM\x3a\x00\x00\x00');

describe('emoticon commands input', () => {
  it('takes a shortcut of 1 to 7 characters and a PNG, JPEG, GIF or BMP', () => {
    for (const data of [PNG, GIF, JPEG, BMP]) expect(validateCommand('defineEmoticon', { emoticon: { shortcut: '(cat)', data } }).ok, data).toBe(true);
    // Seven characters as people count them (an emoji is one).
    expect(validateCommand('defineEmoticon', { emoticon: { shortcut: '(😺😺😺)', data: PNG } }).ok).toBe(true);
    expect(validateCommand('defineEmoticon', { emoticon: { shortcut: 'abcdefg', data: PNG } }).ok).toBe(true);
    expect(validateCommand('renameEmoticon', { shortcut: '(cat)', to: '[dog]' }).ok).toBe(true);
    expect(validateCommand('removeEmoticon', { shortcut: '(cat)' }).ok).toBe(true);
  });

  it('refuses bad shortcuts, non-images, broken base64 and extra fields', () => {
    const bad: unknown[] = [
      { shortcut: '', data: PNG },
      { shortcut: 'abcdefgh', data: PNG },
      { shortcut: 'a\tb', data: PNG },
      { shortcut: 'a\r\nb', data: PNG },
      { shortcut: ' a', data: PNG },
      { shortcut: '(x)', data: btoa('<svg xmlns="http://www.w3.org/2000/svg"/>') },
      { shortcut: '(x)', data: btoa('<html>') },
      { shortcut: '(x)', data: `${PNG}!` },
      { shortcut: '(x)', data: '' },
      { shortcut: '(x)', data: PNG, path: '/etc/passwd' },
    ];
    for (const emoticon of bad) {
      expect(validateCommand('defineEmoticon', { emoticon }), JSON.stringify(emoticon)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(validateCommand('renameEmoticon', { shortcut: '(cat)', to: 'far too long' }).ok).toBe(false);
  });

  it('caps the image size so that the command fits one web-host frame', () => {
    const atCap = PNG + 'A'.repeat(Math.floor((MAX_MY_EMOTICON_BYTES * 4) / 3 / 4) * 4 - PNG.length);
    expect(validateCommand('defineEmoticon', { emoticon: { shortcut: '(x)', data: atCap } }).ok).toBe(true);
    const r = validateCommand('defineEmoticon', { emoticon: { shortcut: '(x)', data: atCap + 'AAAA'.repeat(4) } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify({ id: 1, command: 'defineEmoticon', input: { emoticon: { shortcut: '(x)', data: atCap } } }).length).toBeLessThan(64 * 1024);
  });
});

describe('the emoticons projection', () => {
  const message = (id: string, text: string, sender = 'bob@example.com', direction: 'incoming' | 'outgoing' = 'incoming'): ChatMessage => ({
    id,
    conversationId: 'c1',
    direction,
    sender,
    senderName: 'Bob',
    text,
    format: null,
    timestamp: 1,
    delivery: direction === 'incoming' ? 'delivered' : 'sending',
  });
  const apply = (s: AppState, ...events: AppEvent[]) => events.reduce((acc, event, i) => reduceApp(acc, { at: i, event }), s);
  const url = `data:image/png;base64,${PNG}`;

  it('binds an announcement to the sender’s next message in that conversation, and only the shortcuts it uses', () => {
    const s = apply(
      initialAppState,
      { type: 'emoticon.announced', conversationId: 'c1', sender: 'Bob@Example.com', emoticons: [{ shortcut: '(a)', sha1d: 'A' }, { shortcut: '(b)', sha1d: 'B' }] },
      // Someone else's message in between takes nothing.
      { type: 'message.received', message: message('m0', '(a)', 'carol@example.com') },
      { type: 'message.received', message: message('m1', 'x (a) y') },
      { type: 'message.received', message: message('m2', 'again (a)') },
      { type: 'emoticon.ready', sha1d: 'A', dataUrl: url },
    );
    expect(s.emoticons.byMessage).toEqual({ m1: { '(a)': 'A' } });
    expect(s.emoticons.announced).toEqual({});
    expect(s.emoticons.images).toEqual({ A: url });
  });

  it('keeps an old line’s picture when the shortcut gets another image', () => {
    const s = apply(
      initialAppState,
      { type: 'emoticon.announced', conversationId: 'c1', sender: 'bob@example.com', emoticons: [{ shortcut: '(a)', sha1d: 'A' }] },
      { type: 'message.received', message: message('m1', '(a)') },
      { type: 'emoticon.announced', conversationId: 'c1', sender: 'bob@example.com', emoticons: [{ shortcut: '(a)', sha1d: 'A2' }] },
      { type: 'message.received', message: message('m2', '(a)') },
    );
    expect(s.emoticons.byMessage).toEqual({ m1: { '(a)': 'A' }, m2: { '(a)': 'A2' } });
  });

  it('binds my own emoticons to my outgoing messages, and keeps contacts’ images bounded', () => {
    let s = apply(
      initialAppState,
      { type: 'emoticon.mine', emoticons: [{ shortcut: '(me)', sha1d: 'M', dataUrl: url }] },
      { type: 'message.queued', message: message('o1', 'it is (me)', 'me@example.com', 'outgoing') },
      { type: 'message.queued', message: message('o2', 'plain', 'me@example.com', 'outgoing') },
    );
    expect(s.emoticons.byMessage).toEqual({ o1: { '(me)': 'M' } });
    for (let i = 0; i < 300; i++) s = apply(s, { type: 'emoticon.ready', sha1d: `S${i}`, dataUrl: url });
    const kept = Object.keys(s.emoticons.images);
    expect(kept).toHaveLength(256);
    expect(kept[kept.length - 1]).toBe('S299');
    expect(kept).not.toContain('S0');
  });
});
