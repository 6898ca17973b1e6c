/**
 * Shown the moment this window cannot reach the backend (the web host stopped, the app's backend
 * went away): what happened, that it reconnects on its own, and a way to try now.
 */
import { useAppState, useRetryLink } from '../store/context';

export function ConnectionBanner() {
  const down = useAppState((s) => s.ui.link === 'down');
  const retry = useRetryLink();
  if (!down) return null;
  return (
    <div className="connection-banner" role="alert">
      <span>Lost the connection to Monarch. Reconnecting... What you type is kept.</span>
      <button type="button" className="button" onClick={retry}>
        Try now
      </button>
    </div>
  );
}
