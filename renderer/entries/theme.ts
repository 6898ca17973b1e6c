/**
 * The appearance setting. `system` follows the OS; `light` and `dark` override it. The page always
 * carries the resolved value in `data-theme`, so the stylesheet has one dark palette and one set of
 * dark rules (`:root[data-theme='dark'] …`) instead of repeating them for the OS media query and
 * for the setting.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export function resolveTheme(preference: ThemePreference | undefined, osPrefersDark: boolean): Theme {
  if (preference === 'light' || preference === 'dark') return preference;
  return osPrefersDark ? 'dark' : 'light';
}

/** Keeps `<html data-theme>` resolved; returns a setter for the preference. */
export function followTheme(root: HTMLElement, media: MediaQueryList): (preference: ThemePreference | undefined) => void {
  let preference: ThemePreference | undefined;
  const apply = () => {
    root.dataset.theme = resolveTheme(preference, media.matches);
  };
  media.addEventListener('change', apply);
  apply();
  return (next) => {
    preference = next;
    apply();
  };
}
