/**
 * Musical styles for the beat benchmark as note events (General MIDI drums, bass and chords) with
 * their annotated beats and bar starts: half-time and two-step grooves, a slow ballad, a fast track
 * whose kick plays half-time, waltzes, swing, funk sixteenths, four on the floor. Each bar changes
 * chord (I-V-vi-IV), as most popular music does. Rendered by fluidsynth with a GM soundfont
 * (real instrument samples) when it is installed, by the synthetic voices otherwise.
 */
import { mulberry32 } from '../../src/random.js';

export interface NoteEvent {
  time: number;
  duration: number;
  /** 9 = GM drums, 0 = bass, 1 = chords. */
  channel: number;
  note: number;
  velocity: number;
}

export interface BeatStyle {
  name: string;
  bpm: number;
  beatsPerBar: 3 | 4 | 5 | 7;
  /** Per bar, one character a step ('x' hit, 'X' accent, '.' rest); steps = 4 per beat. */
  kick: string;
  snare: string;
  hat: string;
  /** Hat on the GM ride (51) instead of the closed hi-hat (42). */
  ride?: boolean;
  /** Bass steps (root notes); chords are held for the bar. */
  bass: string;
  /** Steps where the chord is struck again (piano comping); default once a bar. */
  comp?: string;
  /** Bars each chord of the progression lasts (default 1; a bossa nova's last two). */
  barsPerChord?: number;
  /** 0 straight, 1 triplet swing of the eighths. */
  swing?: number;
  /** General MIDI programs of the bass, chord and melody channels (default: bass, piano, piano). */
  programs?: readonly number[];
}

export const BEAT_STYLES: BeatStyle[] = [
  {
    name: 'rock-116',
    bpm: 116,
    beatsPerBar: 4,
    kick: 'x.......x.x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.......x.......',
  },
  {
    name: 'halftime-150',
    bpm: 150,
    beatsPerBar: 4,
    kick: 'x.....x.........',
    snare: '........X.......',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.....x.........',
  },
  {
    name: 'two-step-172',
    bpm: 172,
    beatsPerBar: 4,
    kick: 'x.........x.....',
    snare: '....X.......X...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.........x.....',
  },
  {
    name: 'ballad-66',
    bpm: 66,
    beatsPerBar: 4,
    kick: 'x.........x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.......x.......',
    comp: 'x.x.x.x.x.x.x.x.',
  },
  {
    name: 'fast-halfkick-180',
    bpm: 180,
    beatsPerBar: 4,
    kick: 'x.......x.......',
    snare: '....x.......x...',
    hat: 'x...x...x...x...',
    bass: 'x...x...x...x...',
    comp: 'x...x...x...x...',
  },
  {
    name: 'waltz-96',
    bpm: 96,
    beatsPerBar: 3,
    kick: 'x...........',
    snare: '....x...x...',
    hat: 'x...x...x...',
    bass: 'x...........',
    comp: '....x...x...',
  },
  {
    name: 'fast-waltz-168',
    bpm: 168,
    beatsPerBar: 3,
    kick: 'x...........',
    snare: '....x...x...',
    hat: 'x...x...x...',
    bass: 'x...........',
    comp: '....x...x...',
  },
  {
    name: 'funk-98-16ths',
    bpm: 98,
    beatsPerBar: 4,
    kick: 'x..x..x...x..x..',
    snare: '....X..x.x..X...',
    hat: 'xxxxxxxxxxxxxxxx',
    bass: 'x..x..x...x..x..',
  },
  {
    name: 'hiphop-88-swing',
    bpm: 88,
    beatsPerBar: 4,
    kick: 'x.....x...x.....',
    snare: '....X.......X...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.....x...x.....',
    swing: 1,
  },
  {
    name: 'house-124',
    bpm: 124,
    beatsPerBar: 4,
    kick: 'x...x...x...x...',
    snare: '....x.......x...',
    hat: '..x...x...x...x.',
    bass: '..x...x...x...x.',
  },
  {
    name: 'jazz-ride-160',
    bpm: 160,
    beatsPerBar: 4,
    kick: 'x...............',
    snare: '....x.......x...',
    hat: 'x...x.xx..x.x.xx',
    ride: true,
    bass: 'x...x...x...x...',
    swing: 1,
  },
  {
    name: 'punk-200',
    bpm: 200,
    beatsPerBar: 4,
    kick: 'x.x.x.x.x.x.x.x.',
    snare: '....x.......x...',
    hat: 'x...x...x...x...',
    bass: 'x.x.x.x.x.x.x.x.',
  },
];

/** I-V-vi-IV in C: roots for the bass (octave 2) and triads for the chords. */
const PROGRESSION = [
  { root: 36, triad: [60, 64, 67] },
  { root: 43, triad: [59, 62, 67] },
  { root: 45, triad: [60, 64, 69] },
  { root: 41, triad: [60, 65, 69] },
];

export interface StyleScore {
  style: BeatStyle;
  seconds: number;
  events: NoteEvent[];
  /** Annotated beats and bar starts (seconds). */
  beats: number[];
  downbeats: number[];
  /** The style's GM programs, when it names them. */
  programs?: readonly number[];
}

/** The style's events for `seconds` of music, with human timing and velocity. Deterministic. */
export function styleScore(style: BeatStyle, seconds: number, seed = 1): StyleScore {
  const random = mulberry32(seed);
  const beat = 60 / style.bpm;
  const steps = style.beatsPerBar * 4;
  const bar = style.beatsPerBar * beat;
  const events: NoteEvent[] = [];
  const beats: number[] = [];
  const downbeats: number[] = [];
  const start = 0.5;
  // Swing delays the off-beat eighth from half to two thirds of the beat.
  const stepTime = (s: number) => {
    const inBeat = s % 4;
    const fraction = inBeat === 2 ? 0.5 + (style.swing ?? 0) * (2 / 3 - 0.5) : inBeat / 4;
    return (Math.floor(s / 4) + fraction) * beat;
  };
  const human = () => (random() - 0.5) * 0.012;
  for (let b = 0; start + (b + 1) * bar <= seconds - 0.3; b++) {
    const t0 = start + b * bar;
    downbeats.push(t0);
    for (let k = 0; k < style.beatsPerBar; k++) beats.push(t0 + k * beat);
    const chord = PROGRESSION[Math.floor(b / (style.barsPerChord ?? 1)) % PROGRESSION.length]!;
    const comp = style.comp ?? 'x' + '.'.repeat(steps - 1);
    for (let s = 0; s < steps; s++) {
      const t = t0 + stepTime(s) + human();
      const hit = (pattern: string, note: number, velocity: number) => {
        const c = pattern[s];
        if (c === 'x' || c === 'X')
          events.push({
            time: t,
            duration: 0.1,
            channel: 9,
            note,
            velocity: Math.round((c === 'X' ? 1.15 : 1) * velocity * (0.9 + 0.2 * random())),
          });
      };
      hit(style.kick, 36, 100);
      hit(style.snare, 38, 92);
      hit(style.hat, style.ride ? 51 : 42, s % 4 === 0 ? 70 : 55);
      if (style.bass[s] === 'x')
        events.push({
          time: t,
          duration: Math.min(beat, bar - stepTime(s)) * 0.9,
          channel: 0,
          note: chord.root,
          velocity: 90,
        });
      if (comp[s] === 'x') {
        const duration =
          (comp.indexOf('x', s + 1) > 0 ? stepTime(comp.indexOf('x', s + 1)) : bar) - stepTime(s);
        for (const note of chord.triad)
          events.push({ time: t, duration: duration * 0.95, channel: 1, note, velocity: s === 0 ? 72 : 58 });
      }
    }
  }
  events.sort((a, b) => a.time - b.time);
  return { style, seconds, events, beats, downbeats, ...(style.programs && { programs: style.programs }) };
}
