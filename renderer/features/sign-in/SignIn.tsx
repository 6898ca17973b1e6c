/**
 * The sign-in window (UI.md): artwork, e-mail, password, "Sign in as" status, "Remember me", the
 * server chooser (local server, Escargot, Custom...). While signing in: an animation, the stage
 * and a Cancel button. Errors in plain words.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { MY_STATUSES, STATUS_LABELS, type MyStatus } from '../../../shared/model';
import type { ServerPreset, ServerProfile } from '../../../shared/ipc';
import { Logo } from '../../components/Logo';
import { StatusIcon } from '../../components/StatusIcon';
import { useActions, useAppState } from '../../store/context';
import { signInErrorText } from './messages';

type ServerChoice = 'local' | 'custom' | string;

const STAGES: Readonly<Record<string, string>> = {
  connecting: 'Connecting to the server...',
  authenticating: 'Checking your password...',
  syncing: 'Getting your contact list...',
  online: 'Signed in.',
};

export function SignIn() {
  const actions = useActions();
  const pending = useAppState((s) => s.ui.signIn.pending);
  const error = useAppState((s) => s.ui.signIn.error);
  const stage = useAppState((s) => s.session.connection.status);
  const lastError = useAppState((s) => s.session.connection.error);
  const id = useId();

  const [presets, setPresets] = useState<readonly ServerPreset[]>([]);
  const [localAvailable, setLocalAvailable] = useState(true);
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState<MyStatus>('online');
  const [remember, setRemember] = useState(false);
  const [rememberPassword, setRememberPassword] = useState(false);
  const [automatically, setAutomatically] = useState(false);
  const [canSavePasswords, setCanSavePasswords] = useState(false);
  const [savedFor, setSavedFor] = useState<string | null>(null);
  const [choice, setChoice] = useState<ServerChoice>('local');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('1863');
  const [nexus, setNexus] = useState('');
  const [createAccount, setCreateAccount] = useState(false);
  const [demo, setDemo] = useState<{ handle: string; password: string } | null>(null);
  const [attempted, setAttempted] = useState<{ handle: string; server: string; nexus?: string } | null>(null);
  /** The error the user has since edited the form after: no longer about what the form says. */
  const [editedAfter, setEditedAfter] = useState<object | null>(null);
  const emailField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);

  // The form opens with the focus where typing starts: the e-mail field (the password once the
  // remembered account has filled the address in, below).
  useEffect(() => {
    emailField.current?.focus();
  }, []);

  useEffect(() => {
    let live = true;
    void actions.signInDefaults().then((r) => {
      if (!live || !r.ok) return;
      setPresets(r.value.presets);
      setLocalAvailable(r.value.localServerAvailable);
      setCanSavePasswords(r.value.canSavePasswords);
      if (!r.value.localServerAvailable) setChoice('custom');
      const m = r.value.remembered;
      setDemo(r.value.demoAccount);
      if (!m && r.value.demoAccount && r.value.localServerAvailable) {
        // First run: the local server's demo account, ready to sign in (electron/core/demo).
        setHandle(r.value.demoAccount.handle);
        setPassword(r.value.demoAccount.password);
      }
      if (m) {
        if (document.activeElement === emailField.current && emailField.current?.value === '') passwordField.current?.focus();
        setHandle(m.handle);
        setStatus(m.status);
        setRemember(true);
        setSavedFor(m.passwordSaved ? m.handle : null);
        setRememberPassword(m.passwordSaved);
        setAutomatically(m.signInAutomatically);
        if (m.server.kind === 'local') setChoice('local');
        else {
          const preset = r.value.presets.find((p) => p.server.kind === 'custom' && m.server.kind === 'custom' && p.server.host === m.server.host);
          setChoice(preset ? preset.id : 'custom');
          setHost(m.server.host);
          setPort(String(m.server.port));
          setNexus(m.server.nexusUrl ?? '');
        }
      }
    });
    return () => {
      live = false;
    };
  }, [actions]);

  const pickServer = (value: ServerChoice) => {
    setChoice(value);
    const preset = presets.find((p) => p.id === value);
    if (preset && preset.server.kind === 'custom') {
      setHost(preset.server.host);
      setPort(String(preset.server.port));
      setNexus(preset.server.nexusUrl ?? '');
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const server: ServerProfile =
      choice === 'local'
        ? { kind: 'local' }
        : { kind: 'custom', host: host.trim(), port: Number(port), ...(nexus.trim() ? { nexusUrl: nexus.trim() } : {}) };
    setAttempted({
      handle: handle.trim(),
      server: server.kind === 'local' ? 'this computer' : `${server.host}:${server.port}`,
      nexus: server.kind === 'custom' ? server.nexusUrl : undefined,
    });
    void actions.signIn({
      server,
      handle: handle.trim(),
      password,
      status,
      rememberMe: remember || rememberPassword || automatically,
      rememberPassword: canSavePasswords && (rememberPassword || automatically),
      signInAutomatically: canSavePasswords && automatically,
      createAccount: choice === 'local' && createAccount,
    });
  };

  const latestError = error ?? (lastError && lastError.code !== 'cancelled' ? lastError : null);
  const shownError = latestError !== null && latestError !== editedAfter ? latestError : null;
  const errorText = shownError ? signInErrorText(shownError, attempted ?? { handle: handle.trim(), server: host ? `${host}:${port}` : 'the server' }) : null;

  // Also busy when the sign-in did not start here (automatic sign-in, another window).
  const busy = pending || stage === 'connecting' || stage === 'authenticating' || stage === 'syncing';
  const passwordSaved = savedFor !== null && savedFor === handle.trim().toLowerCase();
  const usesSavedPassword = passwordSaved && password === '';

  if (busy) {
    return (
      <main className="sign-in" aria-busy="true">
        <div className="sign-in-card signing-in">
          <Logo size={112} animated />
          <h1 className="brand">Monarch</h1>
          <p className="sign-in-as">{handle}</p>
          <div className="progress" role="progressbar" aria-label="Signing in">
            <span />
          </div>
          <p className="stage" role="status">
            {STAGES[stage] ?? 'Signing in...'}
          </p>
          <button type="button" className="button" onClick={actions.cancelSignIn}>
            Cancel
          </button>
        </div>
      </main>
    );
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-label="Sign in" onInput={() => setEditedAfter(latestError)}>
        <Logo size={96} />
        <h1 className="brand">Monarch</h1>
        <p className="tagline">Sign in to talk with your friends</p>
        {errorText && (
          <div className="sign-in-error" role="alert">
            {errorText}
          </div>
        )}
        <label className="field">
          <span>E-mail address:</span>
          <input
            ref={emailField}
            type="email"
            autoComplete="username"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            placeholder="example@hotmail.com"
            required
            maxLength={129}
          />
        </label>
        <label className="field">
          <span>Password:</span>
          <input
            ref={passwordField}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required={!passwordSaved}
            placeholder={passwordSaved ? '(saved password)' : undefined}
            maxLength={256}
          />
        </label>
        <label className="field">
          <span>Sign in as:</span>
          <span className="select-with-icon">
            <StatusIcon status={status} />
            <select value={status} onChange={(e) => setStatus(e.target.value as MyStatus)}>
              {MY_STATUSES.filter((s) => s !== 'idle').map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </span>
        </label>
        <label className="field">
          <span>Server:</span>
          <select value={choice} onChange={(e) => pickServer(e.target.value)} aria-label="Server">
            {localAvailable && <option value="local">Local server on this computer</option>}
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom...</option>
          </select>
        </label>
        {choice !== 'local' && (
          <fieldset className="server-fields">
            <legend className="visually-hidden">Server address</legend>
            <div className="row">
              <label className="field grow">
                <span>Host:</span>
                <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="messenger.example.com" required aria-label="Host" />
              </label>
              <label className="field port">
                <span>Port:</span>
                <input
                  value={port}
                  onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))}
                  inputMode="numeric"
                  required
                  aria-label="Port"
                />
              </label>
            </div>
            <label className="field">
              <span>Nexus (Passport) URL:</span>
              <input value={nexus} onChange={(e) => setNexus(e.target.value)} placeholder="optional, for MSNP8 and later" aria-label="Nexus URL" />
            </label>
          </fieldset>
        )}
        <label className="check" htmlFor={`${id}-remember`}>
          <input id={`${id}-remember`} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember me
        </label>
        {canSavePasswords && (
          <>
            <label className="check" htmlFor={`${id}-password`}>
              <input
                id={`${id}-password`}
                type="checkbox"
                checked={rememberPassword || automatically}
                disabled={automatically}
                onChange={(e) => setRememberPassword(e.target.checked)}
              />
              Remember my password
            </label>
            <label className="check" htmlFor={`${id}-auto`}>
              <input id={`${id}-auto`} type="checkbox" checked={automatically} onChange={(e) => setAutomatically(e.target.checked)} />
              Sign me in automatically
            </label>
          </>
        )}
        {choice === 'local' && (
          <label className="check" htmlFor={`${id}-create`}>
            <input id={`${id}-create`} type="checkbox" checked={createAccount} onChange={(e) => setCreateAccount(e.target.checked)} />
            Create a new account with this address and password
          </label>
        )}
        {choice === 'local' && !createAccount && demo && handle.trim().toLowerCase() === demo.handle && (
          <p className="hint demo-hint">This is the demo account: sign in to meet a few demo contacts.</p>
        )}
        {usesSavedPassword && <p className="hint saved">Signing in with your saved password.</p>}
        <button type="submit" className="button primary sign-in-button">
          Sign In
        </button>
      </form>
    </main>
  );
}
