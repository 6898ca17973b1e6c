/**
 * The transcript's top row while it shows earlier history: "Show earlier messages" (a button, so
 * keyboard and screen reader users get it too), "Loading...", the error with Try again, or the
 * start of the history with these people.
 */
import { useLayoutEffect, useRef } from 'react';
import type { EarlierStatus } from './useEarlierHistory';

export interface EarlierHistoryTopProps {
  status: Exclude<EarlierStatus, 'none'>;
  error: string | null;
  /** Who the history is with, as the conversation names them. */
  withNames: string;
  onLoad(): void;
}

export function EarlierHistoryTop({ status, error, withNames, onLoad }: EarlierHistoryTopProps) {
  const row = useRef<HTMLDivElement>(null);
  // Focus was on this row's button. When the button gives way (the start of the history, an
  // error) the browser drops focus to the page; put it back on the row's new button, or on the
  // transcript, so a keyboard user keeps their place.
  const hadFocus = useRef(false);
  useLayoutEffect(() => {
    const el = row.current;
    if (!el || !hadFocus.current) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    const target = el.querySelector<HTMLElement>('button') ?? el.closest<HTMLElement>('[role="log"]');
    target?.focus({ preventScroll: true });
    hadFocus.current = target !== null && el.contains(target);
  }, [status]);

  return (
    <div
      ref={row}
      className="earlier-top"
      data-status={status}
      onFocus={() => {
        hadFocus.current = true;
      }}
      onBlur={(e) => {
        // Focus moving somewhere (not removed with the button) ends it.
        if (e.relatedTarget !== null) hadFocus.current = false;
      }}
    >
      {(status === 'more' || status === 'loading') && (
        // Not `disabled` while loading: a disabled button loses focus.
        <button type="button" className="link-button earlier-load" aria-disabled={status === 'loading'} onClick={status === 'more' ? onLoad : undefined}>
          {status === 'loading' ? 'Loading...' : 'Show earlier messages'}
        </button>
      )}
      {status === 'error' && (
        <>
          <span className="earlier-error" role="alert" title={error ?? undefined}>
            Could not load earlier messages{error ? `: ${error}` : '.'}
          </span>
          <button type="button" className="link-button" onClick={onLoad}>
            Try again
          </button>
        </>
      )}
      {status === 'start' && <span className="earlier-start">{withNames ? `Start of your history with ${withNames}` : 'Start of your history'}</span>}
    </div>
  );
}
