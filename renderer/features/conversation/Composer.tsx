/**
 * The input area (UI.md): a formatting bar (font and colour, emoticons, nudge), a multi-line
 * input and a Send button. Enter sends, Shift+Enter makes a new line, Alt+S sends, Ctrl+G nudges.
 */
import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import type { TextFormat } from '../../../shared/model';
import { Emoticon } from '../../components/Emoticon';
import { EMOTICON_PICKER } from '../../components/emoticon-parse';
import { formatStyle } from '../../components/FormattedText';
import { NudgeIcon } from '../../components/NudgeIcon';
import { useActions, useAppState } from '../../store/context';

const FONTS = [
  'Segoe UI',
  'Arial',
  'Calibri',
  'Comic Sans MS',
  'Courier New',
  'Georgia',
  'MS Sans Serif',
  'Tahoma',
  'Times New Roman',
  'Trebuchet MS',
  'Verdana',
];

const COLOURS = [
  '#000000', '#7f7f7f', '#880015', '#ed1c24', '#ff7f27', '#b5730b', '#22b14c', '#0b7a75',
  '#00a2e8', '#3f48cc', '#1f3a93', '#a349a4', '#d63384', '#6f4e37', '#2e8b57', '#4b0082',
];

/** What one message may hold (MSNP.md §8: a MSG payload is at most 1664 bytes, headers included). */
export const MAX_MESSAGE_CHARS = 1400;

export function Composer({ conversationId, disabled }: { conversationId: string; disabled: boolean }) {
  const actions = useActions();
  const format = useAppState((s) => s.ui.format);
  const [text, setText] = useState('');
  const [panel, setPanel] = useState<'font' | 'emoticons' | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  const send = useCallback(() => {
    const body = text.replace(/\s+$/, '');
    if (!body.trim() || disabled) return;
    setText('');
    void actions.sendMessage(conversationId, body.replace(/\r?\n/g, '\r\n'));
  }, [text, disabled, actions, conversationId]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      send();
    } else if (e.ctrlKey && (e.key === 'g' || e.key === 'G')) {
      e.preventDefault();
      actions.nudge(conversationId);
    }
  };

  const insert = (shortcut: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = `${text.slice(0, start)}${shortcut}${text.slice(end)}`;
    setText(next);
    setPanel(null);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + shortcut.length, start + shortcut.length);
    });
  };

  const setFormat = (patch: Partial<TextFormat>) => actions.setFormat({ ...format, ...patch });

  return (
    <div className="composer">
      <div className="format-bar" role="toolbar" aria-label="Formatting">
        <button type="button" className={`tool small${panel === 'font' ? ' active' : ''}`} aria-expanded={panel === 'font'} onClick={() => setPanel(panel === 'font' ? null : 'font')} title="Change font and colour">
          <span className="font-glyph" aria-hidden="true">A</span>
          <span>Font</span>
        </button>
        <button
          type="button"
          className={`tool small${panel === 'emoticons' ? ' active' : ''}`}
          aria-expanded={panel === 'emoticons'}
          onClick={() => setPanel(panel === 'emoticons' ? null : 'emoticons')}
          title="Emoticons"
        >
          <Emoticon id="smile" text="" />
          <span>Emoticons</span>
        </button>
        <button type="button" className="tool small" onClick={() => actions.nudge(conversationId)} disabled={disabled} title="Send a nudge (Ctrl+G)">
          <NudgeIcon />
          <span>Nudge</span>
        </button>
      </div>
      {panel === 'font' && (
        <div className="popover font-panel" role="dialog" aria-label="Font and colour">
          <label className="field inline">
            <span>Font:</span>
            <select value={FONTS.includes(format.font) ? format.font : ''} onChange={(e) => setFormat({ font: e.target.value })} aria-label="Font">
              {!FONTS.includes(format.font) && <option value="">{format.font || 'Default'}</option>}
              {FONTS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <div className="effects" role="group" aria-label="Effects">
            {(
              [
                ['bold', 'B', 'Bold'],
                ['italic', 'I', 'Italic'],
                ['underline', 'U', 'Underline'],
                ['strikethrough', 'S', 'Strikethrough'],
              ] as const
            ).map(([key, glyph, label]) => (
              <button key={key} type="button" className={`effect effect-${key}${format[key] ? ' on' : ''}`} aria-pressed={format[key]} aria-label={label} title={label} onClick={() => setFormat({ [key]: !format[key] })}>
                {glyph}
              </button>
            ))}
          </div>
          <div className="swatches" role="radiogroup" aria-label="Colour">
            {COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={format.color === c}
                aria-label={`Colour ${c}`}
                className={`swatch${format.color === c ? ' on' : ''}`}
                onClick={() => setFormat({ color: c })}
              >
                <svg viewBox="0 0 10 10" aria-hidden="true">
                  <rect width="10" height="10" rx="2" fill={c} />
                </svg>
              </button>
            ))}
          </div>
          <p className="font-preview" style={formatStyle(format)}>
            The quick brown fox :)
          </p>
        </div>
      )}
      {panel === 'emoticons' && (
        <div className="popover emoticon-panel" role="dialog" aria-label="Emoticons">
          {EMOTICON_PICKER.map((e) => (
            <button key={e.id} type="button" className="emoticon-pick" title={e.shortcut} aria-label={`Insert ${e.shortcut}`} onClick={() => insert(e.shortcut)}>
              <Emoticon id={e.id} text={e.shortcut} />
            </button>
          ))}
        </div>
      )}
      <div className="input-row">
        <textarea
          ref={input}
          className="message-input"
          aria-label="Type your message"
          placeholder={disabled ? 'This conversation has ended.' : 'Type a message...'}
          value={text}
          maxLength={MAX_MESSAGE_CHARS}
          disabled={disabled}
          style={formatStyle(format)}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) actions.typing(conversationId);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="button primary send-button" onClick={send} disabled={disabled || !text.trim()}>
          Send
        </button>
      </div>
    </div>
  );
}
