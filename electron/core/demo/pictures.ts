/**
 * The demo contacts' display pictures (issue 10: "the demo contacts of the first run have display
 * pictures, our own artwork, fetched over P2P"): each character gets a 96x96 PNG drawn here from
 * a few simple shapes (no copyrighted art), set on its client before it signs in, so its first
 * `CHG` carries the MSNObject and the user's client fetches the picture over P2P like anyone's
 * (MSNP9+; a demo running MSNP2-7 has no pictures, as those dialects have none).
 *
 * Drawing is by coverage: every pixel is sampled 3x3 times against the shapes (later shapes on
 * top), which gives smooth edges without an image library; pngjs encodes the result.
 */
import { PNG } from 'pngjs';

/** The side of a display picture (shared/ipc MY_PICTURE_SIDE). */
const SIDE = 96;
const SAMPLES = 3;

type Rgb = readonly [number, number, number];

/** A shape: whether the point (x, y in 0..96) is inside it, and its colour there. */
interface Shape {
  readonly inside: (x: number, y: number) => boolean;
  readonly colour: Rgb | ((x: number, y: number) => Rgb);
}

const circle = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const everywhere = () => true;
/** A vertical gradient from `top` to `bottom`. */
const vertical = (top: Rgb, bottom: Rgb) => (_x: number, y: number): Rgb => {
  const t = y / SIDE;
  return [top[0] + (bottom[0] - top[0]) * t, top[1] + (bottom[1] - top[1]) * t, top[2] + (bottom[2] - top[2]) * t];
};
/** Inside the triangle a, b, c (same-side test). */
const triangle = (a: [number, number], b: [number, number], c: [number, number]) => (x: number, y: number) => {
  const side = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};

/** An evening sky with a crescent moon and stars (Ada). */
const NIGHT: readonly Shape[] = [
  { inside: everywhere, colour: vertical([38, 30, 92], [122, 74, 160]) },
  ...[
    [18, 20, 2.2],
    [34, 62, 1.6],
    [70, 78, 2],
    [80, 22, 1.5],
    [58, 44, 1.4],
    [14, 80, 1.8],
  ].map(([x, y, r]) => ({ inside: circle(x as number, y as number, r as number), colour: [255, 244, 200] as Rgb })),
  { inside: (x, y) => circle(52, 40, 24)(x, y) && !circle(64, 32, 22)(x, y), colour: [255, 226, 120] },
];

/** Green hills under a big sun (Grace). */
const HILLS: readonly Shape[] = [
  { inside: everywhere, colour: vertical([120, 196, 250], [206, 236, 255]) },
  { inside: circle(66, 30, 16), colour: [255, 206, 64] },
  { inside: (x, y) => y > 62 + 10 * Math.sin(x / 15), colour: [108, 184, 92] },
  { inside: (x, y) => y > 74 + 8 * Math.sin(x / 11 + 2), colour: [70, 146, 64] },
];

/** A sailing boat on waves (Linus). */
const SEA: readonly Shape[] = [
  { inside: everywhere, colour: vertical([168, 222, 255], [240, 250, 255]) },
  { inside: triangle([48, 14], [48, 62], [20, 62]), colour: [255, 255, 255] },
  { inside: triangle([52, 22], [52, 62], [74, 62]), colour: [240, 120, 80] },
  { inside: (x, y) => x >= 48 && x <= 52 && y >= 12 && y <= 66, colour: [110, 70, 40] },
  { inside: (x, y) => y >= 64 && y <= 72 && x >= 18 + (y - 64) && x <= 80 - (y - 64), colour: [150, 86, 44] },
  { inside: (x, y) => y > 72 + 3 * Math.sin(x / 5), colour: vertical([40, 120, 200], [20, 70, 150]) },
];

/** A flower of five petals (Rosa). */
const FLOWER: readonly Shape[] = [
  { inside: everywhere, colour: vertical([255, 214, 226], [255, 240, 246]) },
  { inside: (x, y) => x >= 46 && x <= 50 && y >= 50, colour: [70, 150, 70] },
  ...Array.from({ length: 5 }, (_, i) => {
    const a = (i / 5) * Math.PI * 2 - Math.PI / 2;
    return { inside: circle(48 + 17 * Math.cos(a), 40 + 17 * Math.sin(a), 13), colour: [224, 64, 110] as Rgb };
  }),
  { inside: circle(48, 40, 10), colour: [255, 200, 60] },
];

/** Each demo character's artwork, by handle (cast.ts). */
const ARTWORK: Readonly<Record<string, readonly Shape[]>> = {
  'ada@monarch.local': NIGHT,
  'grace@monarch.local': HILLS,
  'linus@monarch.local': SEA,
  'rosa@monarch.local': FLOWER,
};

const cache = new Map<string, Uint8Array>();

/** The character's display picture (a 96x96 PNG), or undefined for a handle with no artwork. */
export function demoPicture(handle: string): Uint8Array | undefined {
  const shapes = ARTWORK[handle];
  if (shapes === undefined) return undefined;
  const done = cache.get(handle);
  if (done !== undefined) return done;
  const png = new PNG({ width: SIDE, height: SIDE });
  for (let py = 0; py < SIDE; py++) {
    for (let px = 0; px < SIDE; px++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES;
          const y = py + (sy + 0.5) / SAMPLES;
          let c: Rgb = [0, 0, 0];
          for (const s of shapes) if (s.inside(x, y)) c = typeof s.colour === 'function' ? s.colour(x, y) : s.colour;
          sum[0] = (sum[0] as number) + c[0];
          sum[1] = (sum[1] as number) + c[1];
          sum[2] = (sum[2] as number) + c[2];
        }
      }
      const i = (py * SIDE + px) * 4;
      const n = SAMPLES * SAMPLES;
      png.data[i] = Math.round((sum[0] as number) / n);
      png.data[i + 1] = Math.round((sum[1] as number) / n);
      png.data[i + 2] = Math.round((sum[2] as number) / n);
      png.data[i + 3] = 255;
    }
  }
  const bytes = new Uint8Array(PNG.sync.write(png));
  cache.set(handle, bytes);
  return bytes;
}
