/**
 * What a demo contact says back: a canned line from its phrase book, chosen by what the user
 * wrote (a greeting, a question, thanks, …) and a random source, so tests can pin the choice.
 * Pure: no time, no I/O.
 */
import type { DemoLines } from './cast';

/** A number in [0, 1), like Math.random. */
export type RandomSource = () => number;

export type ReplyKind = Exclude<keyof DemoLines, 'joinHello' | 'joinBye'>;

/** Checked in order: the first kind whose pattern matches wins. */
const KINDS: readonly { readonly kind: ReplyKind; readonly pattern: RegExp }[] = [
  { kind: 'bye', pattern: /\b(bye|goodbye|cya|see (you|ya)|good ?night|gtg|got to go|later)\b/i },
  { kind: 'thanks', pattern: /\b(thanks|thank you|thx|ty|cheers)\b/i },
  { kind: 'howAreYou', pattern: /\bhow (are|r) (you|u)\b|\bhow'?s it going\b|\bwhat'?s up\b|\bsup\b/i },
  { kind: 'help', pattern: /\b(help|what can (i|you)|how do i|feature)\b/i },
  { kind: 'greeting', pattern: /^\s*(hi+|hello+|hey+|heya|hiya|yo|howdy|hallo|hola|good (morning|afternoon|evening))\b/i },
  { kind: 'laugh', pattern: /\b(lol|lmao|rofl|ha(ha)+|he(he)+)\b|:d|xd/i },
  { kind: 'question', pattern: /\?\s*$/ },
];

/** Which phrase-book section answers `text`. */
export function classifyMessage(text: string): ReplyKind {
  for (const { kind, pattern } of KINDS) if (pattern.test(text)) return kind;
  return 'fallback';
}

/** One item of `items`, picked by `random`; never throws on odd random values. */
export function pick<T>(items: readonly T[], random: RandomSource): T {
  if (items.length === 0) throw new RangeError('nothing to pick from');
  const r = random();
  const i = Number.isFinite(r) ? Math.min(items.length - 1, Math.max(0, Math.floor(r * items.length))) : 0;
  return items[i] as T;
}

/** Replace `{name}` placeholders; unknown ones are left as written. */
export function fillIn(line: string, values: Readonly<Record<string, string>>): string {
  return line.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * The answer to what the user wrote. `recent` holds the lines this character said lately in this
 * conversation: a line is not repeated while another one is available.
 */
export function composeReply(lines: DemoLines, text: string, random: RandomSource, recent: readonly string[] = []): string {
  return pickFresh(lines[classifyMessage(text)], random, recent);
}

/** The answer to a nudge. */
export function composeNudgeReply(lines: DemoLines, random: RandomSource, recent: readonly string[] = []): string {
  return pickFresh(lines.nudged, random, recent);
}

function pickFresh(items: readonly string[], random: RandomSource, recent: readonly string[]): string {
  const fresh = items.filter((l) => !recent.includes(l));
  return pick(fresh.length > 0 ? fresh : items, random);
}

/** How long a person takes to type `text`: ~35 ms a character, between `minMs` and `maxMs`. */
export function typingTime(text: string, msPerChar: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(minMs, Math.round(text.length * msPerChar)));
}

/** A small deterministic random source (mulberry32), for tests and reproducible demos. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
