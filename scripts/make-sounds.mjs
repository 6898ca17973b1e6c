#!/usr/bin/env node
/**
 * Synthesises Monarch's own notification sounds (no third-party audio): small 16-bit mono WAVs at
 * 16 kHz in renderer/public/sounds. Deterministic: running it again writes the same bytes.
 *   node scripts/make-sounds.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RATE = 16000;
const out = resolve(import.meta.dirname, '..', 'renderer', 'public', 'sounds');

/** A note: sine plus a little second harmonic, with a quick attack and an exponential decay. */
function note(samples, start, freq, dur, gain, decay = 6) {
  const from = Math.round(start * RATE);
  const n = Math.round(dur * RATE);
  for (let i = 0; i < n && from + i < samples.length; i++) {
    const t = i / RATE;
    const env = Math.min(1, t / 0.006) * Math.exp(-decay * t);
    const v = Math.sin(2 * Math.PI * freq * t) + 0.25 * Math.sin(4 * Math.PI * freq * t);
    samples[from + i] += gain * env * v;
  }
}

/** A buzz for the nudge: a low square-ish wave wobbling in pitch. */
function buzz(samples, start, dur, gain) {
  const from = Math.round(start * RATE);
  const n = Math.round(dur * RATE);
  let phase = 0;
  for (let i = 0; i < n && from + i < samples.length; i++) {
    const t = i / RATE;
    const freq = 150 + 40 * Math.sin(2 * Math.PI * 18 * t);
    phase += (2 * Math.PI * freq) / RATE;
    const env = Math.min(1, t / 0.01) * Math.min(1, (dur - t) / 0.03);
    samples[from + i] += gain * env * Math.tanh(3 * Math.sin(phase));
  }
}

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), i * 2));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const sounds = {
  // A rising three-note chime: someone came online.
  'sign-in': (s) => {
    note(s, 0, 523.25, 0.5, 0.28);
    note(s, 0.09, 659.25, 0.5, 0.28);
    note(s, 0.18, 783.99, 0.6, 0.3, 5);
  },
  // Two quick bright notes: a new message.
  message: (s) => {
    note(s, 0, 880, 0.3, 0.3, 9);
    note(s, 0.08, 1318.5, 0.4, 0.3, 8);
  },
  // Three buzzes: a nudge.
  nudge: (s) => {
    buzz(s, 0, 0.12, 0.3);
    buzz(s, 0.16, 0.12, 0.3);
    buzz(s, 0.32, 0.14, 0.3);
  },
};
const lengths = { 'sign-in': 0.8, message: 0.5, nudge: 0.5 };

mkdirSync(out, { recursive: true });
for (const [name, draw] of Object.entries(sounds)) {
  const samples = new Float64Array(Math.round(lengths[name] * RATE));
  draw(samples);
  const file = join(out, `${name}.wav`);
  writeFileSync(file, wav(samples));
  console.log(`${file} (${(samples.length * 2 + 44) / 1000} kB)`);
}
