/**
 * The protocol console (hidden behind a menu item): the live NS/SB/Passport traffic, masked by the
 * backend before it is ever stored (passwords, tickets, cookies), for bug reports. Lines are text.
 */
import { useEffect, useRef, useState } from 'react';
import type { ConsoleEntryInfo } from '../../../shared/ipc';
import { useActions } from '../../store/context';

const POLL_MS = 500;
const KEEP = 2000;

export function ProtocolConsoleView() {
  const actions = useActions();
  const { api, run } = actions;
  const [entries, setEntries] = useState<readonly ConsoleEntryInfo[]>([]);
  const [paused, setPaused] = useState(false);
  const [copied, setCopied] = useState(false);
  const since = useRef(0);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (paused) return;
    let live = true;
    const poll = async () => {
      const r = await api.consoleEntries({ sinceSeq: since.current });
      if (!live || !r.ok || r.value.entries.length === 0) return;
      since.current = r.value.entries[r.value.entries.length - 1]?.seq ?? since.current;
      setEntries((old) => [...old, ...r.value.entries].slice(-KEEP));
    };
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [api, paused]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries]);

  const copy = async () => {
    const r = await run(api.consoleReport({}), 'Could not make the report');
    if (!r.ok) return;
    try {
      await navigator.clipboard.writeText(r.value);
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
          onClick={() => {
            void api.consoleClear({});
            setEntries([]);
          }}
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
