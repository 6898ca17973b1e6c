/**
 * My picture at the top of the contact list (issue 10): a button that opens the picture chooser,
 * and a drop target for a picture file. A drop that is not a usable picture says so (a toast) and
 * changes nothing.
 */
import { useState } from 'react';
import type { MyStatus } from '../../../shared/model';
import { DisplayPicture } from '../../components/DisplayPicture';
import { useActions, useAppState } from '../../store/context';
import { fromFile, PictureChooser, usePictureSetter } from './PictureChooser';

export function MyPictureTile({ status }: { status: MyStatus }) {
  const mine = useAppState((s) => s.pictures.mine);
  const actions = useActions();
  const setPicture = usePictureSetter();
  const [open, setOpen] = useState(false);
  const [dragOver, setDragOver] = useState(false);

  return (
    <>
      <button
        type="button"
        className={`my-picture${dragOver ? ' drag-over' : ''}`}
        aria-label="Change your display picture"
        title="Change your display picture (or drop a picture here)"
        onClick={() => setOpen(true)}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragOver(false);
          const file = e.dataTransfer.files[0];
          if (!file) return;
          void setPicture(fromFile(file)).then((error) => {
            if (error) actions.toast(error);
          });
        }}
      >
        <DisplayPicture status={status} src={mine?.dataUrl ?? null} title="Your display picture" />
      </button>
      {open && <PictureChooser onClose={() => setOpen(false)} />}
    </>
  );
}
