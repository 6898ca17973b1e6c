/**
 * The settings view: account, notifications, sounds, history logging, idle time, file transfers,
 * appearance.
 * Every change is saved at once (`updatePreferences`); the backend validates and answers with the
 * preferences as stored, which every window receives (`preferences.changed`).
 */
import { useId, useState, type ReactNode } from 'react';
import type { CommandInput, Preferences } from '../../../shared/ipc';
import { useActions, useAppState } from '../../store/context';
import { FileSettings } from '../files/FileSettings';
import { MyEmoticonsSettings } from '../emoticons/MyEmoticons';

type Patch = CommandInput<'updatePreferences'>;

/** What a setting's change answers: the save's outcome, so a refused change can be shown undone. */
type Saved = Promise<{ ok: boolean }> | void;

/**
 * A checkbox for one preference. It shows the user's click at once, while the save goes to the
 * backend and the stored preferences come back (a round trip that takes longer on a loaded
 * machine); without this React puts the old state back until they arrive, so the box seems to
 * ignore the click. If the save is refused the box goes back to what is stored.
 */
function Check({ label, checked, onChange, disabled }: { label: string; checked: boolean; onChange: (v: boolean) => Saved; disabled?: boolean }) {
  const id = useId();
  const [clicked, setClicked] = useState<boolean | null>(null);
  const change = (v: boolean) => {
    setClicked(v);
    // The backend sends the stored preferences (`preferences.changed`) before it answers, on the
    // same channel, so once the save has answered the stored value is the one to show.
    void Promise.resolve(onChange(v)).finally(() => setClicked(null));
  };
  return (
    <label className="check" htmlFor={id}>
      <input id={id} type="checkbox" checked={clicked ?? checked} disabled={disabled} onChange={(e) => change(e.target.checked)} />
      {label}
    </label>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="settings-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function SettingsView() {
  const actions = useActions();
  const prefs = useAppState((s) => s.desktop.preferences);
  const self = useAppState((s) => s.session.self);
  const [minutes, setMinutes] = useState<string | null>(null);

  if (!prefs) return null;
  const update = (patch: Patch) => actions.updatePreferences(patch);
  const n = prefs.notifications;
  const so = prefs.sounds;
  const idleMinutes = minutes ?? String(prefs.idle.minutes);

  const saveMinutes = () => {
    const v = Number(idleMinutes);
    if (Number.isInteger(v) && v >= 1 && v <= 240) update({ idle: { minutes: v } });
    setMinutes(null);
  };

  return (
    <section className="panel settings" aria-label="Settings">
      <header className="panel-header">
        <h2>Settings</h2>
        <button type="button" className="button" onClick={actions.closePanel}>
          Close
        </button>
      </header>
      <div className="settings-body">
        <Section title="Account">
          <p>
            Signed in as <strong>{self?.friendlyName || self?.handle}</strong> {self && <span className="muted">&lt;{self.handle}&gt;</span>}
          </p>
          <p className="hint">Change your name and personal message at the top of the contact list.</p>
          <button type="button" className="button" onClick={() => actions.signOut()}>
            Sign out
          </button>
        </Section>
        <Section title="Notifications">
          <Check label="When a contact signs in" checked={n.contactSignIn} onChange={(v) => update({ notifications: { contactSignIn: v } })} />
          <Check label="When a message arrives" checked={n.messages} onChange={(v) => update({ notifications: { messages: v } })} />
          <Check label="When someone nudges me" checked={n.nudges} onChange={(v) => update({ notifications: { nudges: v } })} />
          <Check label="Show the message text" checked={n.showMessageText} onChange={(v) => update({ notifications: { showMessageText: v } })} />
          <Check label="No notifications or sounds while I am Busy" checked={n.doNotDisturbWhenBusy} onChange={(v) => update({ notifications: { doNotDisturbWhenBusy: v } })} />
        </Section>
        <Section title="Sounds">
          <Check label="Mute all sounds" checked={so.muted} onChange={(v) => update({ sounds: { muted: v } })} />
          <Check label="Contact signs in" checked={so.contactSignIn} disabled={so.muted} onChange={(v) => update({ sounds: { contactSignIn: v } })} />
          <Check label="New message" checked={so.message} disabled={so.muted} onChange={(v) => update({ sounds: { message: v } })} />
          <Check label="Nudge" checked={so.nudge} disabled={so.muted} onChange={(v) => update({ sounds: { nudge: v } })} />
        </Section>
        <Section title="History">
          <Check label="Save my conversations on this computer" checked={prefs.history.enabled} onChange={(v) => update({ history: { enabled: v } })} />
          <button type="button" className="button" onClick={() => actions.openPanel({ kind: 'history' })}>
            View history...
          </button>
        </Section>
        <Section title="Idle">
          <Check label="Show me as away when I am inactive" checked={prefs.idle.enabled} onChange={(v) => update({ idle: { enabled: v } })} />
          <label className="field inline">
            <span>After this many minutes:</span>
            <input
              type="number"
              min={1}
              max={240}
              value={idleMinutes}
              disabled={!prefs.idle.enabled}
              aria-label="Idle minutes"
              onChange={(e) => setMinutes(e.target.value)}
              onBlur={saveMinutes}
              onKeyDown={(e) => {
                if (e.key === 'Enter') saveMinutes();
              }}
            />
          </label>
          <label className="field inline">
            <span>Show me as:</span>
            <select
              value={prefs.idle.status}
              disabled={!prefs.idle.enabled}
              aria-label="Idle status"
              onChange={(e) => update({ idle: { status: e.target.value as Preferences['idle']['status'] } })}
            >
              <option value="idle">Idle</option>
              <option value="away">Away</option>
            </select>
          </label>
        </Section>
        <Section title="File transfers">
          <FileSettings prefs={prefs.files} update={update} Check={Check} />
        </Section>
        <Section title="Appearance">
          <label className="field inline">
            <span>Theme:</span>
            <select value={prefs.appearance.theme} aria-label="Theme" onChange={(e) => update({ appearance: { theme: e.target.value as Preferences['appearance']['theme'] } })}>
              <option value="system">Same as the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <Check label="Show the time of every message" checked={prefs.appearance.showTimestamps} onChange={(v) => update({ appearance: { showTimestamps: v } })} />
          <label className="field inline">
            <span>Display pictures in the contact list:</span>
            <select
              value={prefs.appearance.contactPictures}
              aria-label="Display pictures in the contact list"
              onChange={(e) => update({ appearance: { contactPictures: e.target.value as Preferences['appearance']['contactPictures'] } })}
            >
              <option value="small">Small</option>
              <option value="large">Large</option>
              <option value="none">None</option>
            </select>
          </label>
        </Section>
        <Section title="My emoticons">
          <MyEmoticonsSettings />
        </Section>
        <Section title="Troubleshooting">
          <button type="button" className="button" onClick={() => actions.openPanel({ kind: 'console' })}>
            Protocol console...
          </button>
        </Section>
      </div>
    </section>
  );
}
