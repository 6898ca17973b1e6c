/**
 * "My emoticons" in the settings (issue 10): the list of mine (picture, shortcut, Rename, Delete)
 * and a form to make one: a shortcut of up to 7 characters and a picture file, made small in the
 * page (./make-emoticon.ts). The shortcut of a standard emoticon is refused here, since it would
 * hide that emoticon for everyone who receives it.
 */
import { useId, useRef, useState } from 'react';
import { MAX_EMOTICON_SHORTCUT, emoticonShortcutSchema } from '../../../shared/ipc';
import { EMOTICON_SHORTCUTS } from '../../components/emoticon-parse';
import { useActions, useAppState } from '../../store/context';
import { EMOTICON_FILE_ACCEPT, EmoticonError, emoticonFromFile, imageMimeOf } from './make-emoticon';

const STANDARD = new Set(Object.keys(EMOTICON_SHORTCUTS).map((s) => s.toUpperCase()));

/** Why a shortcut cannot be used, or null when it can. */
export function shortcutProblem(shortcut: string, taken: readonly string[], except?: string): string | null {
  const parsed = emoticonShortcutSchema.safeParse(shortcut);
  if (!parsed.success) {
    const why = parsed.error.issues[0]?.message ?? 'a shortcut is 1 to 7 characters';
    return `${why.charAt(0).toUpperCase()}${why.slice(1)}.`;
  }
  if (STANDARD.has(shortcut.toUpperCase())) return `${shortcut} is the shortcut of a standard emoticon.`;
  if (shortcut !== except && taken.includes(shortcut)) return `You already have an emoticon ${shortcut}.`;
  return null;
}

export function MyEmoticonsSettings() {
  const actions = useActions();
  const mine = useAppState((s) => s.emoticons.mine);
  const [shortcut, setShortcut] = useState('');
  const [image, setImage] = useState<{ data: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const shortcutId = useId();
  const taken = mine.map((e) => e.shortcut);

  const run = async (f: () => Promise<string | null>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    const failure = await f();
    setBusy(false);
    setError(failure);
    return failure === null;
  };

  const add = async () => {
    const problem = shortcutProblem(shortcut, taken);
    if (problem) return setError(problem);
    if (!image) return setError('Choose a picture for the emoticon first.');
    if (await run(() => actions.defineEmoticon({ shortcut, data: image.data }))) {
      setShortcut('');
      setImage(null);
    }
  };

  const rename = async () => {
    if (!renaming) return;
    const problem = shortcutProblem(renaming.to, taken, renaming.from);
    if (problem) return setError(problem);
    if (await run(() => actions.renameEmoticon(renaming.from, renaming.to))) setRenaming(null);
  };

  return (
    <div className="my-emoticons">
      <p className="hint">Your own emoticons: when you type a shortcut, the people you talk to see your picture instead.</p>
      {mine.length === 0 ? (
        <p className="muted">You have no emoticons of your own yet.</p>
      ) : (
        <ul className="my-emoticon-list" aria-label="My emoticons">
          {mine.map((e) => (
            <li key={e.shortcut} className="my-emoticon" data-shortcut={e.shortcut}>
              <img className="custom-emoticon large" src={e.dataUrl} alt="" />
              {renaming?.from === e.shortcut ? (
                <>
                  <input
                    className="emoticon-shortcut-input"
                    aria-label={`New shortcut for ${e.shortcut}`}
                    value={renaming.to}
                    maxLength={MAX_EMOTICON_SHORTCUT * 2}
                    autoFocus
                    onChange={(ev) => setRenaming({ from: e.shortcut, to: ev.target.value })}
                    onKeyDown={(ev) => {
                      if (ev.key === 'Enter') void rename();
                      if (ev.key === 'Escape') setRenaming(null);
                    }}
                  />
                  <button type="button" className="button" disabled={busy} onClick={() => void rename()}>
                    Save
                  </button>
                  <button type="button" className="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <>
                  <span className="emoticon-shortcut">{e.shortcut}</span>
                  <button type="button" className="button" disabled={busy} aria-label={`Rename ${e.shortcut}`} onClick={() => setRenaming({ from: e.shortcut, to: e.shortcut })}>
                    Rename
                  </button>
                  <button type="button" className="button" disabled={busy} aria-label={`Delete ${e.shortcut}`} onClick={() => void run(() => actions.removeEmoticon(e.shortcut))}>
                    Delete
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="new-emoticon" role="group" aria-label="New emoticon">
        <label className="field inline" htmlFor={shortcutId}>
          <span>Shortcut:</span>
          <input id={shortcutId} className="emoticon-shortcut-input" value={shortcut} maxLength={MAX_EMOTICON_SHORTCUT * 2} placeholder="(cat)" onChange={(e) => setShortcut(e.target.value)} />
        </label>
        <button type="button" className="button" disabled={busy} onClick={() => fileInput.current?.click()}>
          Choose picture...
        </button>
        {image && <img className="custom-emoticon large new-emoticon-preview" src={`data:${imageMimeOf(image.data)};base64,${image.data}`} alt={`Picture from ${image.name}`} />}
        <button type="button" className="button primary" disabled={busy || shortcut === '' || image === null} onClick={() => void add()}>
          Add emoticon
        </button>
        <input
          ref={fileInput}
          type="file"
          accept={EMOTICON_FILE_ACCEPT}
          hidden
          aria-label="Emoticon picture file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            setError(null);
            emoticonFromFile(file).then(
              (data) => setImage({ data, name: file.name }),
              (err: unknown) => {
                setImage(null);
                setError(err instanceof EmoticonError ? err.message : 'The picture could not be read.');
              },
            );
          }}
        />
      </div>
      {error && (
        <p className="form-error emoticon-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** My emoticons in the composer's picker, after the standard ones. */
export function MyEmoticonPicks({ onPick }: { onPick: (shortcut: string) => void }) {
  const mine = useAppState((s) => s.emoticons.mine);
  if (mine.length === 0) return null;
  return (
    <>
      <div className="emoticon-panel-heading" role="presentation">
        My emoticons
      </div>
      {mine.map((e) => (
        <button key={e.shortcut} type="button" className="emoticon-pick custom" title={e.shortcut} aria-label={`Insert ${e.shortcut}`} onClick={() => onPick(e.shortcut)}>
          <img className="custom-emoticon" src={e.dataUrl} alt="" />
        </button>
      ))}
    </>
  );
}
