/**
 * The input area (UI.md): a formatting bar (font and colour, emoticons, nudge), a multi-line
 * input and a Send button. Enter sends, Shift+Enter makes a new line, Alt+S sends, Ctrl+G nudges.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { CONTRACT_ERRORS, MAX_MESSAGE_TEXT } from '../../../shared/ipc';
import type { TextFormat } from '../../../shared/model';
import { Emoticon } from '../../components/Emoticon';
import { EMOTICON_PICKER } from '../../components/emoticon-parse';
import { formatStyle } from '../../components/FormattedText';
import { NudgeIcon } from '../../components/NudgeIcon';
import { useActions, useAppState, useStoreApi } from '../../store/context';
import { MyEmoticonPicks } from '../emoticons/MyEmoticons';

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

export function Composer({ conversationId, disabled, focusOnOpen = false }: { conversationId: string; disabled: boolean; focusOnOpen?: boolean }) {
  const actions = useActions();
  const format = useAppState((s) => s.ui.format);
  const linkUp = useAppState((s) => s.ui.link === 'up');
  const store = useStoreApi();
  // What was typed here before another tab came in front (the composer unmounts on a switch).
  const [text, setText] = useState(() => store.getState().ui.drafts[conversationId] ?? '');
  /** The user asked to send while the backend could not be reached: it goes out when it can. */
  const [waiting, setWaiting] = useState(false);
  const [panel, setPanel] = useState<'font' | 'emoticons' | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const formatBar = useRef<HTMLDivElement>(null);

  // An open picker closes as a menu does: on Esc, and on a click anywhere outside it (its own
  // button toggles it). Left open it covered the transcript through dialogs and tab switches.
  useEffect(() => {
    if (panel === null) return;
    const onPointerDown = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (target && (popover.current?.contains(target) || formatBar.current?.contains(target))) return;
      setPanel(null);
    };
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      const inPicker = popover.current?.contains(document.activeElement) || formatBar.current?.contains(document.activeElement);
      setPanel(null);
      // Back where the user was typing, as closing a menu returns to its button (not out of a dialog).
      if (inPicker) input.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [panel]);

  // Opened by the user to write in it: the focus goes to the input.
  useEffect(() => {
    if (!focusOnOpen) return;
    input.current?.focus();
    actions.composerFocused(conversationId);
  }, [focusOnOpen, actions, conversationId]);

  const send = useCallback(async () => {
    const body = text.replace(/\s+$/, '');
    if (!body.trim() || disabled) return;
    // Read when sending, not from the last render: the link may have just come back.
    if (store.getState().ui.link !== 'up') {
      // Nothing to send it through: the text stays where it is, and goes when the link is back.
      setWaiting(true);
      return;
    }
    setText('');
    setWaiting(false);
    // Long text is never cut: it goes as several messages (the client splits each further at
    // the protocol's byte limit).
    const pieces = splitForSending(body.replace(/\r?\n/g, '\r\n'));
    for (let i = 0; i < pieces.length; i++) {
      const r = await actions.sendMessage(conversationId, pieces[i]!);
      if (!r.ok && r.error.code === CONTRACT_ERRORS.disconnected) {
        // Lost on the way: give the user back what did not go (unless they have started anew).
        const rest = pieces.slice(i).join('').replace(/\r\n/g, '\n');
        setText((now) => (now === '' ? rest : now));
        setWaiting(true);
        return;
      }
    }
  }, [text, disabled, store, actions, conversationId]);

  // Leaving (another tab in front, or the window closing): keep the unsent text for the return.
  const typed = useRef(text);
  useEffect(() => {
    typed.current = text;
  }, [text]);
  useEffect(() => () => actions.keepDraft(conversationId, typed.current), [actions, conversationId]);

  // The link is back: what the user already asked to send goes now.
  const latest = useRef({ send, waiting });
  useEffect(() => {
    latest.current = { send, waiting };
  });
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (s.ui.link === 'up' && prev.ui.link === 'down' && latest.current.waiting) void latest.current.send();
      }),
    [store],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      void send();
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
      <div ref={formatBar} className="format-bar" role="toolbar" aria-label="Formatting">
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
        <div ref={popover} className="popover font-panel" role="dialog" aria-label="Font and colour">
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
        <div ref={popover} className="popover emoticon-panel" role="dialog" aria-label="Emoticons">
          {EMOTICON_PICKER.map((e) => (
            <button key={e.id} type="button" className="emoticon-pick" title={e.shortcut} aria-label={`Insert ${e.shortcut}`} onClick={() => insert(e.shortcut)}>
              <Emoticon id={e.id} text={e.shortcut} />
            </button>
          ))}
          <MyEmoticonPicks onPick={insert} />
        </div>
      )}
      <div className="input-row">
        <textarea
          ref={input}
          className="message-input"
          aria-label="Type your message"
          placeholder={disabled ? 'This conversation has ended.' : 'Type a message...'}
          value={text}
          disabled={disabled}
          style={formatStyle(format)}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) actions.typing(conversationId);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="button primary send-button" onClick={() => void send()} disabled={disabled || !text.trim()}>
          Send
        </button>
      </div>
      {waiting && !linkUp && (
        <p className="composer-note" role="status">
          Not connected to Monarch: your message will be sent when the connection is back.
        </p>
      )}
    </div>
  );
}

/**
 * What one `sendMessage` may carry (shared/ipc contract: MAX_MESSAGE_TEXT). Longer text is sent
 * as several messages, broken after a space or line break where one falls in a piece's second
 * half, never inside a CRLF or a surrogate pair; the pieces join back to the text.
 */
export function splitForSending(text: string, limit: number = MAX_MESSAGE_TEXT): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    let cut = start + limit;
    const window = text.slice(start + Math.floor(limit / 2), cut);
    const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
    if (space >= 0) cut = start + Math.floor(limit / 2) + space + 1;
    else {
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut -= 1; // keep a surrogate pair together
      if (text.charCodeAt(cut - 1) === 13) cut -= 1; // and a CRLF
    }
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}
