/**
 * "Change display picture" (issue 10): pick a file (PNG, JPEG, GIF, BMP), or one of our built-in
 * pictures, or none. The page crops and scales the choice to a 96x96 PNG (./make-picture.ts) and
 * sends it; a file that does not decode is refused here with a clear message and nothing changes.
 */
import { useRef, useState } from 'react';
import type { MyPictureInput } from '../../../shared/ipc';
import { Dialog } from '../../components/Dialog';
import { useActions, useAppState } from '../../store/context';
import { BUILTIN_PICTURES, builtinDataUrl } from './builtin-pictures';
import { PICTURE_FILE_ACCEPT, PictureError, pictureFromFile, pictureFromSvg } from './make-picture';

/** Makes and sends a picture; returns an error message for the user, or null when it was set. */
export function usePictureSetter(): (make: () => Promise<MyPictureInput>) => Promise<string | null> {
  const actions = useActions();
  return async (make) => {
    let picture: MyPictureInput;
    try {
      picture = await make();
    } catch (e) {
      return e instanceof PictureError ? e.message : 'The picture could not be read.';
    }
    return actions.setDisplayPicture(picture);
  };
}

export function fromFile(file: File): () => Promise<MyPictureInput> {
  return async () => ({ kind: 'png', data: await pictureFromFile(file) });
}

export function PictureChooser({ onClose }: { onClose: () => void }) {
  const mine = useAppState((s) => s.pictures.mine);
  const setPicture = usePictureSetter();
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (make: () => Promise<MyPictureInput>) => {
    setBusy(true);
    setError(null);
    const failure = await setPicture(make);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  };

  return (
    <Dialog title="Change display picture" onClose={onClose}>
      <div className="picture-chooser">
        <p className="muted">Choose how you want to appear to others in conversations and their contact lists.</p>
        <div className="builtin-pictures" role="group" aria-label="Built-in pictures">
          {BUILTIN_PICTURES.map((p) => (
            <button
              key={p.id}
              type="button"
              className={`builtin-picture${mine?.builtin === p.id ? ' selected' : ''}`}
              aria-pressed={mine?.builtin === p.id}
              aria-label={p.label}
              title={p.label}
              disabled={busy}
              onClick={() => void choose(async () => ({ kind: 'png', data: await pictureFromSvg(p.svg), builtin: p.id }))}
            >
              <img src={builtinDataUrl(p.svg)} alt="" width={48} height={48} />
            </button>
          ))}
        </div>
        <div className="picture-chooser-actions">
          <button type="button" className="button" disabled={busy} onClick={() => fileInput.current?.click()}>
            Browse...
          </button>
          <button type="button" className="button" disabled={busy || mine === null} onClick={() => void choose(async () => ({ kind: 'none' }))}>
            Remove picture
          </button>
          <input
            ref={fileInput}
            type="file"
            accept={PICTURE_FILE_ACCEPT}
            hidden
            aria-label="Picture file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void choose(fromFile(file));
            }}
          />
        </div>
        {error && (
          <p className="form-error picture-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}
