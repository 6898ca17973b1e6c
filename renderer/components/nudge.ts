/**
 * What a received nudge does besides the transcript line (UI.md): a short buzz, drawn with
 * WebAudio so no sound file is needed. The window shake is CSS (and honours reduced motion).
 */
let audio: AudioContext | null = null;

export function playNudgeSound(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const t = ctx.currentTime;
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.45);
    gain.connect(ctx.destination);
    for (const [freq, start] of [
      [180, 0],
      [150, 0.12],
      [180, 0.24],
    ] as const) {
      const osc = ctx.createOscillator();
      osc.type = 'square';
      osc.frequency.setValueAtTime(freq, t + start);
      osc.connect(gain);
      osc.start(t + start);
      osc.stop(t + start + 0.1);
    }
  } catch {
    // No audio device, or the page may not play sound yet: the shake and the line still show.
  }
}
