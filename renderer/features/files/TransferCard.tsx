/**
 * One file transfer, inline in the transcript (issue 11): the file's name, size and preview; an
 * offer's Accept / Save as... / Decline; a progress bar with speed, time left and Cancel; at the
 * end Open and Show in folder (desktop) or a download link (browser client); a failure with its
 * reason in words. The name is the peer's and is only ever shown as text.
 */
import { useEffect, useState } from 'react';
import { FINAL_TRANSFER_STATE_INFOS, type TransferView } from '../../../shared/ipc';
import { useActions, useAppState, useHost } from '../../store/context';
import { nameFor } from '../../store/selectors';
import { endText, formatDuration, formatSize, speedOf } from './transfer-text';
import './files.css';

export function TransferCard({ transferId }: { transferId: string }) {
  const t = useAppState((s) => s.transfers.byId[transferId]);
  const contacts = useAppState((s) => s.contacts.contacts);
  if (!t) return null;
  const who = nameFor(t.peer, contacts, t.peer);
  const incoming = t.direction === 'incoming';
  const final = FINAL_TRANSFER_STATE_INFOS.has(t.state);
  return (
    <div className={`transfer transfer-${t.state} ${incoming ? 'incoming' : 'outgoing'}`} data-transfer-id={t.id} role="group" aria-label={`File ${t.name}, ${formatSize(t.size)}`}>
      <div className="transfer-head">
        {t.preview ? <img className="transfer-preview" src={t.preview} alt="" width={48} height={48} /> : <FileIcon />}
        <div className="transfer-title">
          <div className="transfer-line">
            {headline(incoming, t.state, who)}
          </div>
          <div className="transfer-name">
            <span className="transfer-file-name" title={t.name}>
              {t.name}
            </span>{' '}
            <span className="transfer-size">({formatSize(t.size)})</span>
          </div>
        </div>
      </div>
      {t.state === 'offered' && incoming && <OfferButtons id={t.id} name={t.name} />}
      {t.state === 'waiting' && <Waiting id={t.id} who={who} />}
      {(t.state === 'connecting' || t.state === 'transferring') && <Progress t={t} />}
      {t.state === 'completed' && <Completed t={t} who={who} />}
      {final && t.state !== 'completed' && (
        <div className="transfer-status transfer-ended" role="status">
          The transfer of <span className="transfer-file-name">{t.name}</span> {endText(t, who)}.
        </div>
      )}
    </div>
  );
}

function headline(incoming: boolean, state: TransferView['state'], who: string): string {
  if (state === 'completed') return incoming ? `${who} sent you a file:` : `You sent a file to ${who}:`;
  if (state === 'offered' || state === 'waiting') return incoming ? `${who} would like to send you a file:` : `You would like to send a file to ${who}:`;
  if (state === 'connecting' || state === 'transferring') return incoming ? `${who} is sending you a file:` : `You are sending a file to ${who}:`;
  return incoming ? `${who} offered you a file:` : `You offered a file to ${who}:`;
}

function OfferButtons({ id, name }: { id: string; name: string }) {
  const files = useActions().files;
  return (
    <div className="transfer-actions">
      <button type="button" className="button primary" onClick={() => files.accept(id)} aria-label={`Accept ${name}`}>
        Accept
      </button>
      <button type="button" className="button" onClick={() => files.acceptAs(id)} aria-label={`Save as... ${name}`}>
        Save as...
      </button>
      <button type="button" className="button" onClick={() => files.decline(id)} aria-label={`Decline ${name}`}>
        Decline
      </button>
    </div>
  );
}

function Waiting({ id, who }: { id: string; who: string }) {
  const files = useActions().files;
  return (
    <div className="transfer-actions">
      <span className="transfer-status" role="status">
        Waiting for {who} to accept...
      </span>
      <button type="button" className="button" onClick={() => files.cancel(id)}>
        Cancel
      </button>
    </div>
  );
}

function Progress({ t }: { t: TransferView }) {
  const files = useActions().files;
  const speed = speedOf(t);
  const percent = t.size === 0 ? 100 : Math.floor((t.bytes / t.size) * 100);
  const label = `${t.direction === 'incoming' ? 'Receiving' : 'Sending'} ${t.name}`;
  return (
    <div className="transfer-progress">
      <progress max={t.size || 1} value={t.bytes} aria-label={label} aria-valuetext={`${percent}%`} />
      <div className="transfer-actions">
        <span className="transfer-figures">
          {t.state === 'connecting' ? 'Connecting...' : `${formatSize(t.bytes)} of ${formatSize(t.size)}`}
          {speed && ` · ${formatSize(speed.perSecond)}/s · ${formatDuration(speed.secondsLeft)} left`}
        </span>
        <button type="button" className="button" onClick={() => files.cancel(t.id)} aria-label={`Cancel ${t.name}`}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function Completed({ t, who }: { t: TransferView; who: string }) {
  const host = useHost();
  const files = useActions().files;
  const [link, setLink] = useState<string | null>(null);
  const incoming = t.direction === 'incoming';
  const web = host === 'web';
  useEffect(() => {
    if (!incoming || !web || !t.canOpen) return;
    let live = true;
    void files.downloadLink(t.id).then((r) => {
      if (live && r) setLink(r.url);
    });
    return () => {
      live = false;
    };
  }, [incoming, web, t.canOpen, t.id, files]);
  if (!incoming) {
    return (
      <div className="transfer-status transfer-done" role="status">
        {who} has received <span className="transfer-file-name">{t.name}</span>.
      </div>
    );
  }
  return (
    <div className="transfer-actions">
      <span className="transfer-status transfer-done" role="status">
        Received as <span className="transfer-file-name">{t.savedName ?? t.name}</span>.
      </span>
      {web ? (
        link && (
          <a className="button" href={link} download={t.savedName ?? ''}>
            Download
          </a>
        )
      ) : (
        <>
          <button type="button" className="button" onClick={() => files.open(t.id)} title={t.executable ? 'Programs are shown in their folder, never run from here' : undefined}>
            {t.executable ? 'Show program' : 'Open'}
          </button>
          <button type="button" className="button" onClick={() => files.showInFolder(t.id)}>
            Show in folder
          </button>
        </>
      )}
    </div>
  );
}

function FileIcon() {
  return (
    <svg className="transfer-icon" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true">
      <path d="M7 3h12l6 6v20H7z" fill="#fff" stroke="#5b87c0" strokeWidth="1.5" />
      <path d="M19 3v6h6" fill="#dbe8f8" stroke="#5b87c0" strokeWidth="1.5" />
      <path d="M11 15h10M11 19h10M11 23h7" stroke="#8aa9d0" strokeWidth="1.5" />
    </svg>
  );
}
