/**
 * A `window.monarch` for pages under measurement (the renderer benchmark): answers `snapshot`
 * with a prepared state and every other command with an error, emits nothing. Injected with
 * Playwright's addInitScript before the page's own scripts run.
 */
import type { AppSnapshot } from '../../shared/ipc';

export function fakeMonarchScript(snapshot: AppSnapshot, host: 'electron' | 'web' = 'electron'): string {
  return `(() => {
    const snapshot = ${JSON.stringify(snapshot)};
    const handler = {
      get(_t, name) {
        if (name === 'host') return ${JSON.stringify(host)};
        if (name === 'onEvent') return () => () => {};
        if (name === 'snapshot') return async () => ({ ok: true, value: snapshot });
        if (name === 'signInDefaults') return async () => ({ ok: true, value: { remembered: null, presets: [], localServerAvailable: true } });
        if (typeof name !== 'string' || name === 'then') return undefined;
        return async () => ({ ok: false, error: { code: 'not-supported', message: 'Not available in this measurement.' } });
      },
    };
    Object.defineProperty(window, 'monarch', { value: new Proxy({}, handler), configurable: false, writable: false });
  })();`;
}
