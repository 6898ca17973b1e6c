/**
 * The "File transfers" section of the settings (issue 11): the download folder (empty: the Monarch
 * folder in Downloads), "ask where to save" (desktop app), and the maximum size to accept.
 * Text fields save when they lose focus or on Enter; the backend validates (a folder must be a
 * full path) and a refusal shows as a toast.
 */
import { useState, type ReactNode } from 'react';
import type { CommandInput, Preferences } from '../../../shared/ipc';
import { useHost } from '../../store/context';

type Patch = CommandInput<'updatePreferences'>;

export function FileSettings({ prefs, update, Check }: { prefs: Preferences['files']; update: (p: Patch) => Promise<{ ok: boolean }>; Check: (p: { label: string; checked: boolean; onChange: (v: boolean) => Promise<{ ok: boolean }> | void }) => ReactNode }) {
  const host = useHost();
  const [folder, setFolder] = useState<string | null>(null);
  const [maxMB, setMaxMB] = useState<string | null>(null);
  const folderText = folder ?? prefs.downloadFolder;
  const maxText = maxMB ?? (prefs.maxAcceptMB === 0 ? '' : String(prefs.maxAcceptMB));
  const saveFolder = () => {
    if (folder !== null && folder.trim() !== prefs.downloadFolder) update({ files: { downloadFolder: folder.trim() } });
    setFolder(null);
  };
  const saveMax = () => {
    if (maxMB !== null) {
      const v = maxMB.trim() === '' ? 0 : Number(maxMB);
      if (Number.isInteger(v) && v >= 0) update({ files: { maxAcceptMB: v } });
    }
    setMaxMB(null);
  };
  const enter = (save: () => void) => (e: { key: string }) => {
    if (e.key === 'Enter') save();
  };
  return (
    <>
      <label className="field">
        <span>Save received files in:</span>
        <input type="text" value={folderText} placeholder="Downloads/Monarch" aria-label="Download folder" onChange={(e) => setFolder(e.target.value)} onBlur={saveFolder} onKeyDown={enter(saveFolder)} />
      </label>
      <p className="hint">Leave empty for the Monarch folder in your Downloads. A file never replaces another: the new one gets a number.</p>
      {host === 'electron' && <Check label="Ask me where to save each file" checked={prefs.askWhereToSave} onChange={(v) => update({ files: { askWhereToSave: v } })} />}
      <label className="field inline">
        <span>Decline files larger than (MB):</span>
        <input type="number" min={0} value={maxText} placeholder="No limit" aria-label="Largest file to accept, in MB" onChange={(e) => setMaxMB(e.target.value)} onBlur={saveMax} onKeyDown={enter(saveMax)} />
      </label>
    </>
  );
}
