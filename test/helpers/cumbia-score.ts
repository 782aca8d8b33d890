import type { NoteEvent } from '../../bench/lib/beat-styles.js';
import type { MidiScore } from '../../bench/lib/style-render.js';
import { mulberry32 } from '../../src/random.js';

/** C, G7, G7, C, C, F, G7, C (G7 as B-D-F): the guitar's chords and the bass's roots, a bar each. */
const TRIADS = [
  [60, 64, 67],
  [59, 62, 65],
  [59, 62, 65],
  [60, 64, 67],
  [60, 64, 67],
  [60, 65, 69],
  [59, 62, 65],
  [60, 64, 67],
];
const ROOTS = [36, 43, 43, 36, 36, 41, 43, 36];

/**
 * A cumbia as a band plays it, for `seconds` at `bpm`: guacharaca (long scrape on each beat, short
 * ones on its last two sixteenths), open conga on every "and", kick on one and three, side stick on
 * two and four, bass on one, the "and" of two and three, and the guitar's chords struck short on
 * every "and". Human timing (+-6 ms) and velocity; deterministic for a seed. The annotated beats
 * are the quarter notes.
 */
export function cumbiaScore(bpm: number, seconds: number, seed: number): MidiScore & { beats: number[] } {
  const random = mulberry32(seed);
  const beat = 60 / bpm;
  const events: NoteEvent[] = [];
  const beats: number[] = [];
  const hit = (at: number, channel: number, note: number, velocity: number, length = 0.1) =>
    events.push({
      time: 0.5 + at * beat + (random() - 0.5) * 0.012,
      duration: length * beat,
      channel,
      note,
      velocity: Math.round(velocity * (0.92 + 0.16 * random())),
    });
  for (let bar = 0; 0.5 + (bar + 1) * 4 * beat <= seconds - 0.3; bar++) {
    const q = bar * 4;
    for (let i = 0; i < 4; i++) {
      beats.push(0.5 + (q + i) * beat);
      hit(q + i, 9, 74, 85, 0.4);
      hit(q + i + 0.5, 9, 73, 62);
      hit(q + i + 0.75, 9, 73, 70);
      hit(q + i + 0.5, 9, 63, 80);
    }
    for (const at of [0, 2]) hit(q + at, 9, 36, 100);
    for (const at of [1, 3]) hit(q + at, 9, 37, 82);
    const root = ROOTS[bar % 8]!;
    hit(q, 0, root, 105, 0.9);
    hit(q + 1.5, 0, root + 7, 90, 0.45);
    hit(q + 2, 0, root + 7, 100, 0.9);
    for (const at of [0.5, 1.5, 2.5, 3.5]) for (const note of TRIADS[bar % 8]!) hit(q + at, 1, note, 78, 0.2);
  }
  events.sort((a, b) => a.time - b.time);
  return { style: { bpm }, events, beats, programs: [33, 24, 0] };
}
