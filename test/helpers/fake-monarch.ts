/**
 * A `window.monarch` for pages under measurement (the renderer benchmark): answers `snapshot`
 * with a prepared state and every other command with an error. `window.__monarchEmit(events)`
 * delivers events as the backend would. Injected with Playwright's addInitScript before the
 * page's own scripts run.
 */
import type { AppSnapshot } from '../../shared/ipc';

export function fakeMonarchScript(snapshot: AppSnapshot, host: 'electron' | 'web' = 'electron'): string {
  return `(() => {
    const snapshot = ${JSON.stringify(snapshot)};
    const listeners = new Set();
    Object.defineProperty(window, '__monarchEmit', {
      value: (events) => { for (const e of events) for (const l of listeners) l(e); },
    });
    const handler = {
      get(_t, name) {
        if (name === 'host') return ${JSON.stringify(host)};
        if (name === 'onEvent') return (l) => { listeners.add(l); return () => listeners.delete(l); };
        if (name === 'snapshot') return async () => ({ ok: true, value: snapshot });
        if (name === 'signInDefaults') return async () => ({ ok: true, value: { remembered: null, presets: [], localServerAvailable: true } });
        if (typeof name !== 'string' || name === 'then') return undefined;
        return async () => ({ ok: false, error: { code: 'not-supported', message: 'Not available in this measurement.' } });
      },
    };
    Object.defineProperty(window, 'monarch', { value: new Proxy({}, handler), configurable: false, writable: false });
  })();`;
}
