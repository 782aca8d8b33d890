/**
 * Tracks that tell the beat's division apart for the beat benchmark: compound meters (6/8 and
 * 12/8, the annotated beat the dotted quarter, three eighths a beat) and their look-alikes in
 * simple meter (eighths grouped 3+3+2 over a 4/4 beat, a 3/4 waltz whose bar also holds six
 * eighths). Patterns have one character an eighth ('x' hit, 'X' accent, '.' rest); rendered by
 * fluidsynth like the other styles (see style-render.ts), with the instruments named here.
 */
import { mulberry32 } from '../../src/random.js';
import type { NoteEvent } from './beat-styles.js';

export interface MeterScore {
  style: MeterStyle;
  seconds: number;
  events: NoteEvent[];
  /** GM programs of channels 0, 1 and 2. */
  programs: number[];
  /** Annotated beats and bar starts (seconds). */
  beats: number[];
  downbeats: number[];
}

export interface MeterStyle {
  name: string;
  /** Annotated beats a minute (the dotted quarter in 6/8 and 12/8). */
  bpm: number;
  beatsPerBar: 2 | 3 | 4;
  /** Eighths a beat: 3 in compound meter, 2 in simple. */
  split: 2 | 3;
  kick?: string;
  snare?: string;
  hat?: string;
  /** Bass root notes. */
  bass?: string;
  /** Chord strikes (block chords on the piano, strums on a guitar). */
  comp?: string;
  /** Melody notes from the chord, one a step. */
  melody?: string;
  /** GM programs: bass (default 33), chords (default 0, piano), melody (default 0). */
  programs?: { bass?: number; chords?: number; melody?: number };
  /** Strum the chords (six strings, a few ms apart) instead of striking them at once. */
  strum?: boolean;
  /** I-IV-I-I-IV-IV-I-I-V-IV-I-V (one chord a bar) instead of I-V-vi-IV. */
  blues?: boolean;
}

export const METER_STYLES: MeterStyle[] = [
  {
    name: '6-8-band-90',
    bpm: 90,
    beatsPerBar: 2,
    split: 3,
    kick: 'x.....',
    snare: '...x..',
    hat: 'xxxxxx',
    bass: 'x..x..',
    comp: 'x.xx.x',
  },
  {
    name: '6-8-ballad-piano-60',
    bpm: 60,
    beatsPerBar: 2,
    split: 3,
    bass: 'x..x..',
    comp: 'X.xx.x',
    melody: 'x.xx.x',
  },
  {
    name: '6-8-guitar-120',
    bpm: 120,
    beatsPerBar: 2,
    split: 3,
    comp: 'XxxXxx',
    programs: { chords: 25 },
    strum: true,
  },
  {
    name: '6-8-band-60',
    bpm: 60,
    beatsPerBar: 2,
    split: 3,
    kick: 'x.....',
    snare: '...x..',
    hat: 'xxxxxx',
    bass: 'x..x..',
    comp: 'x.xx.x',
  },
  {
    name: '12-8-blues-shuffle-66',
    bpm: 66,
    beatsPerBar: 4,
    split: 3,
    kick: 'x.....x.....',
    snare: '...x.....x..',
    hat: 'xxxxxxxxxxxx',
    bass: 'x.xx.xx.xx.x',
    comp: '..x..x..x..x',
    blues: true,
  },
  {
    name: '6-8-jig-132',
    bpm: 132,
    beatsPerBar: 2,
    split: 3,
    bass: 'x..x..',
    comp: '..x..x',
    melody: 'Xxxxxx',
    programs: { melody: 40 },
  },
  {
    name: 'tresillo-4-4-100',
    bpm: 100,
    beatsPerBar: 4,
    split: 2,
    kick: 'x..x..x.',
    snare: '..x...x.',
    hat: 'xxxxxxxx',
    bass: 'x..x..x.',
    comp: 'x..x..x.',
  },
  {
    name: 'tresillo-piano-112',
    bpm: 112,
    beatsPerBar: 4,
    split: 2,
    bass: 'x..x..x.',
    comp: 'X..x..x.',
  },
  {
    name: 'waltz-piano-150',
    bpm: 150,
    beatsPerBar: 3,
    split: 2,
    bass: 'x.....',
    comp: '..x.x.',
    melody: 'xxxxxx',
  },
];

const POP = [0, 7, 9, 5];
const BLUES = [0, 5, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7];

/** The style's events for `seconds` of music, with human timing and velocity. Deterministic. */
export function meterScore(style: MeterStyle, seconds: number, seed = 1): MeterScore {
  const random = mulberry32(seed);
  const beat = 60 / style.bpm;
  const eighth = beat / style.split;
  const steps = style.beatsPerBar * style.split;
  const bar = style.beatsPerBar * beat;
  const events: NoteEvent[] = [];
  const beats: number[] = [];
  const downbeats: number[] = [];
  const human = () => (random() - 0.5) * 0.012;
  const programs = [style.programs?.bass ?? 33, style.programs?.chords ?? 0, style.programs?.melody ?? 0];
  for (let b = 0; 0.5 + (b + 1) * bar <= seconds - 0.3; b++) {
    const t0 = 0.5 + b * bar;
    downbeats.push(t0);
    for (let k = 0; k < style.beatsPerBar; k++) beats.push(t0 + k * beat);
    const shift = (style.blues ? BLUES : POP)[b % (style.blues ? BLUES.length : POP.length)]!;
    const root = 36 + shift;
    const triad = [60, 64, 67].map((n) => n + shift);
    for (let s = 0; s < steps; s++) {
      const t = t0 + s * eighth + human();
      const onBeat = s % style.split === 0;
      const add = (channel: number, note: number, velocity: number, duration = 0.9 * eighth, at = t) =>
        events.push({ time: at, duration, channel, note, velocity: Math.min(127, Math.round(velocity)) });
      const level = (pattern: string | undefined) =>
        pattern?.[s] === 'X'
          ? 1.15 * (0.9 + 0.2 * random())
          : pattern?.[s] === 'x'
            ? 0.9 + 0.2 * random()
            : 0;
      for (const [pattern, note, velocity] of [
        [style.kick, 36, 100],
        [style.snare, 38, 92],
        [style.hat, 42, onBeat ? 70 : 55],
      ] as const) {
        const v = level(pattern);
        if (v > 0) add(9, note, v * velocity, 0.1);
      }
      if (level(style.bass) > 0) add(0, root, 90, 0.9 * beat);
      const chord = level(style.comp);
      if (chord > 0 && style.strum) {
        // Down strokes on the beat, up strokes between: six strings 8 ms apart.
        const strings = [root + 12, root + 19, root + 24, triad[1]!, triad[2]!, triad[0]! + 12];
        const order = onBeat ? strings : [...strings].reverse().slice(0, 4);
        order.forEach((note, i) => add(1, note, chord * (onBeat ? 80 : 58), 0.95 * eighth, t + 0.008 * i));
      } else if (chord > 0) for (const note of triad) add(1, note, chord * (onBeat ? 72 : 58), 0.95 * eighth);
      const tune = level(style.melody);
      if (tune > 0) add(2, triad[Math.floor(random() * 3)]! + 12, tune * (onBeat ? 80 : 64));
    }
  }
  events.sort((a, b) => a.time - b.time);
  return { style, seconds, events, beats, downbeats, programs };
}
