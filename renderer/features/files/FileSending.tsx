/**
 * Sending files from a conversation (issue 11): the "Send files" button, dropping files onto the
 * conversation (with a visible drop target), pasting an image (sent as a PNG), the choice of
 * recipient in a group conversation, and the files still being prepared (streamed to the web
 * host) as lines of their own.
 */
import { useCallback, useRef, useState, type ClipboardEvent, type DragEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Dialog } from '../../components/Dialog';
import { useActions, useAppState } from '../../store/context';
import { nameFor } from '../../store/selectors';
import { formatSize } from './transfer-text';
import './files.css';

export function SendFilesButton({ conversationId, people, disabled }: { conversationId: string; people: readonly string[]; disabled: boolean }) {
  const files = useActions().files;
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="tool" disabled={disabled || people.length === 0} onClick={() => input.current?.click()} title="Send files">
        <svg viewBox="0 0 20 20" aria-hidden="true">
          <path d="M5 2h7l4 4v12H5z" fill="#fff" stroke="#2f6db5" />
          <path d="M12 2v4h4" fill="#dbe8f8" stroke="#2f6db5" />
          <path d="M10.5 16V9M7.5 12l3-3 3 3" stroke="#3c8f3c" strokeWidth="1.6" fill="none" />
        </svg>
        <span>Send files</span>
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const chosen = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          files.offer(conversationId, people, chosen);
        }}
      />
    </>
  );
}

/** A pasted image as a PNG file ("Pasted image 2026-12-07 16.05.12.png"). */
async function asPng(blob: Blob): Promise<File> {
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '.');
  const name = `Pasted image ${stamp}.png`;
  if (blob.type === 'image/png') return new File([blob], name, { type: 'image/png' });
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!png) throw new Error('the image could not be converted');
  return new File([png], name, { type: 'image/png' });
}

const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

/** Wraps the conversation's body: files dropped on it (or an image pasted in it) are sent. */
export function FileDropZone({
  conversationId,
  people,
  disabled,
  className,
  children,
}: {
  conversationId: string;
  people: readonly string[];
  disabled: boolean;
  className: string;
  children: ReactNode;
}) {
  const files = useActions().files;
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const canSend = !disabled && people.length > 0;
  const onPaste = useCallback(
    (e: ClipboardEvent) => {
      if (!canSend) return;
      const images = [...e.clipboardData.items].filter((i) => i.kind === 'file' && i.type.startsWith('image/')).map((i) => i.getAsFile());
      const found = images.filter((f): f is File => f !== null);
      if (found.length === 0) return; // text: the input takes it as usual
      e.preventDefault();
      void Promise.all(found.map(asPng)).then(
        (pngs) => files.offer(conversationId, people, pngs),
        () => undefined,
      );
    },
    [canSend, conversationId, people, files],
  );
  return (
    <div
      className={`${className} file-drop-zone${over ? ' dropping' : ''}`}
      onPaste={onPaste}
      onDragEnter={(e) => {
        if (!canSend || !hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!canSend || !hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        depth.current = 0;
        setOver(false);
        if (!canSend || !hasFiles(e)) return;
        e.preventDefault();
        files.offer(conversationId, people, [...e.dataTransfer.files]);
      }}
    >
      {children}
      {over && (
        <div className="drop-target" aria-hidden="true">
          <div className="drop-target-text">Drop files here to send them</div>
        </div>
      )}
      <RecipientChooser conversationId={conversationId} people={people} />
    </div>
  );
}

/** Files being streamed to the web host, before their offer goes out. */
export function PreparingFiles({ conversationId }: { conversationId: string }) {
  const files = useActions().files;
  const uploads = useStore(files.store, (s) => s.uploads);
  const mine = uploads.filter((u) => u.conversationId === conversationId);
  if (mine.length === 0) return null;
  return (
    <ul className="preparing-files" aria-label="Files being prepared">
      {mine.map((u) => (
        <li key={u.key}>
          <span>
            Preparing <span className="transfer-file-name">{u.name}</span> ({formatSize(u.sent)} of {formatSize(u.size)})
          </span>
          <progress max={u.size || 1} value={u.sent} aria-label={`Preparing ${u.name}`} />
        </li>
      ))}
    </ul>
  );
}

/** In a group conversation: whom to send the files to (each transfer is between two people). */
function RecipientChooser({ conversationId, people }: { conversationId: string; people: readonly string[] }) {
  const files = useActions().files;
  const contacts = useAppState((s) => s.contacts.contacts);
  const choosing = useStore(files.store, (s) => s.choosing);
  const [picked, setPicked] = useState<string | null>(null);
  const close = useCallback(() => files.chooseRecipient(null), [files]);
  if (!choosing || choosing.conversationId !== conversationId) return null;
  const count = choosing.files.length;
  const selected = picked !== null && people.includes(picked) ? picked : (people[0] ?? null);
  return (
    <Dialog
      title="Send files to"
      onClose={close}
      footer={
        <>
          <button type="button" className="button primary" disabled={selected === null} onClick={() => files.chooseRecipient(selected)}>
            Send
          </button>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
        </>
      }
    >
      <fieldset className="recipient-choice">
        <legend>
          Send {count === 1 ? (choosing.files[0]?.name ?? 'the file') : `${count} files`} to:
        </legend>
        {people.map((h) => (
          <label key={h}>
            <input type="radio" name={`recipient-${conversationId}`} value={h} checked={selected === h} onChange={() => setPicked(h)} />
            {nameFor(h, contacts, h)}
          </label>
        ))}
      </fieldset>
    </Dialog>
  );
}
