/**
 * The top of the contact list (UI.md): my status icon, my name (click to edit), my status as a
 * drop-down including Appear Offline and Sign Out, and my personal message below.
 */
import { useCallback, useState } from 'react';
import { MY_STATUSES, STATUS_LABELS, type MyStatus } from '../../../shared/model';
import { InlineEdit } from '../../components/InlineEdit';
import { Menu, type MenuItem } from '../../components/Menu';
import { StatusIcon } from '../../components/StatusIcon';
import { useActions, useAppState } from '../../store/context';
import { MyPictureTile } from '../pictures/MyPictureTile';

const CHOOSABLE: readonly MyStatus[] = MY_STATUSES.filter((s) => s !== 'idle');

export function SelfHeader() {
  const actions = useActions();
  const self = useAppState((s) => s.session.self);
  const handle = useAppState((s) => s.session.handle);
  const reconnecting = useAppState((s) => s.session.connection.status === 'reconnecting');
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const close = useCallback(() => setMenu(null), []);
  const chosen: MyStatus = self?.status ?? 'online';
  // While the service is out of reach nobody sees me as I chose: say so, not "(Online)". The
  // chosen status comes back with the connection.
  const status: MyStatus = reconnecting ? 'hidden' : chosen;
  const statusText = reconnecting ? 'Reconnecting...' : STATUS_LABELS[chosen];

  const items: MenuItem[] = [
    ...CHOOSABLE.map((s) => ({
      key: s,
      label: STATUS_LABELS[s],
      icon: <StatusIcon status={s} />,
      onSelect: () => actions.setStatus(s),
    })),
    { key: 'sign-out', label: 'Sign Out', separatorBefore: true, onSelect: () => actions.setStatus('sign-out') },
  ];

  return (
    <header className="self-header">
      <MyPictureTile status={status} />
      <div className="self-text">
        <div className="self-line">
          <InlineEdit
            className="self-name"
            label="Your display name"
            value={self?.friendlyName ?? handle ?? ''}
            placeholder={handle ?? 'Your name'}
            maxLength={129}
            allowEmpty={false}
            onCommit={actions.setFriendlyName}
          />
          <button
            type="button"
            className="status-button"
            aria-haspopup="menu"
            aria-label={`Your status: ${statusText}. Change status`}
            onClick={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              setMenu({ x: r.left, y: r.bottom + 2 });
            }}
          >
            ({statusText}) ▾
          </button>
        </div>
        <InlineEdit
          className="self-psm"
          label="Your personal message"
          value={self?.personalMessage ?? ''}
          placeholder="<Share a quick message>"
          maxLength={129}
          onCommit={actions.setPersonalMessage}
        />
        {reconnecting && <div className="reconnecting">Connection lost. Reconnecting...</div>}
      </div>
      {menu && <Menu items={items} x={menu.x} y={menu.y} onClose={close} label="Status" />}
    </header>
  );
}
