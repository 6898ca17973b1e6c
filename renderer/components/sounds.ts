/**
 * Our own notification sounds (scripts/make-sounds.mjs writes them to renderer/public/sounds),
 * played when the backend asks for attention with a sound. The backend already decided whether a
 * sound plays (mute, each sound's switch, do-not-disturb), so this only plays what it is told.
 */
import type { AttentionSound } from '../../shared/ipc';

const cache = new Map<AttentionSound, HTMLAudioElement>();

export function soundUrl(name: AttentionSound): string {
  return new URL(`sounds/${name}.wav`, document.baseURI).href;
}

export function playSound(name: AttentionSound): void {
  try {
    let a = cache.get(name);
    if (!a) {
      a = new Audio(soundUrl(name));
      a.volume = 0.6;
      cache.set(name, a);
    }
    a.currentTime = 0;
    const done = a.play();
    // A page that has not been interacted with yet may not play sound: nothing else to do.
    void done?.catch(() => undefined);
    document.documentElement.dataset.lastSound = name;
  } catch {
    // No audio here (e.g. no output device): the toast and the transcript still show.
  }
}
