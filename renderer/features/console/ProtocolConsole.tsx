/**
 * The protocol console (hidden behind a menu item): the live NS/SB/Passport traffic, masked by the
 * backend before it is ever stored (passwords, tickets, cookies), for bug reports. Lines are text.
 * The traffic lives in the store (actions.pollConsole); this view polls while it is shown.
 */
import { useEffect, useRef, useState } from 'react';
import { useActions, useAppState } from '../../store/context';

const POLL_MS = 500;

export function ProtocolConsoleView() {
  const actions = useActions();
  const { pollConsole } = actions;
  const entries = useAppState((s) => s.views.console.entries);
  const [paused, setPaused] = useState(false);
  const [copied, setCopied] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (paused) return;
    void pollConsole();
    const t = setInterval(() => void pollConsole(), POLL_MS);
    return () => clearInterval(t);
  }, [pollConsole, paused]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries]);

  const copy = async () => {
    const report = await actions.consoleReport();
    if (report === null) return;
    try {
      await navigator.clipboard.writeText(report);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      actions.toast('Could not copy to the clipboard.');
    }
  };

  return (
    <section className="panel console" aria-label="Protocol console">
      <header className="panel-header">
        <h2>Protocol console</h2>
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy for a bug report'}
        </button>
        <button type="button" className="button" onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="button"
          onClick={actions.clearConsole}
        >
          Clear
        </button>
        <button type="button" className="button" onClick={actions.closePanel}>
          Close
        </button>
      </header>
      <p className="hint panel-note">Passwords, tickets and cookies are masked. Nothing here is saved unless you copy it.</p>
      {/* Focusable: a scrolling region must be reachable from the keyboard (WCAG 2.1.1). */}
      <ol className="console-lines" ref={list} aria-label="Traffic" tabIndex={0}>
        {entries.map((e) => (
          <li key={e.seq} className={`console-line ${e.direction}`}>
            <span className="console-conn">{e.connection}</span>
            <span className="console-dir">{e.direction === 'in' ? '<<' : '>>'}</span>
            <span className="console-text">{e.line}</span>
            {e.payload !== undefined && <pre className="console-payload">{e.payload}</pre>}
          </li>
        ))}
      </ol>
    </section>
  );
}
