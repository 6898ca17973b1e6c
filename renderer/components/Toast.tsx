/** One passing message at the bottom of the window (an action that failed). */
import { useEffect } from 'react';
import { useActions, useAppState } from '../store/context';

export function Toast() {
  const toast = useAppState((s) => s.ui.toast);
  const actions = useActions();
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(actions.dismissToast, 6000);
    return () => clearTimeout(t);
  }, [toast, actions]);
  if (!toast) return null;
  return (
    <div className="toast" role="alert">
      <span>{toast.text}</span>
      <button type="button" className="link-button" onClick={actions.dismissToast} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
