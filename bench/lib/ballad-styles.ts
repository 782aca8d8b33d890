/**
 * Slow and sparse music for the beat benchmark, added once the drum-led sets were green: solo
 * piano, guitar, organ and strings with no drums, the bass struck again on three or on every beat
 * (a harmony that seems to change every half bar or every beat), chords on every beat or every
 * eighth, a ballad whose drums play only on one and three, and slow pop with drums. The tempo prior
 * reads most of them twice too fast, and hits every two seconds at 60 BPM read as no rhythm at all.
 * Instruments are General MIDI programs for the bass, the chords and the melody channel.
 */
import type { BeatStyle } from './beat-styles.js';

const NONE = '.'.repeat(16);
const SOLO = { beatsPerBar: 4, kick: NONE, snare: NONE, hat: NONE } as const;
const PIANO = [0, 0, 0] as const;

export const BALLAD_STYLES: BeatStyle[] = [
  {
    name: 'piano-ballad-64',
    bpm: 64,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-ballad-58',
    bpm: 58,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-ballad-80',
    bpm: 80,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-pop-92',
    bpm: 92,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-pop-110',
    bpm: 110,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-bass-beats-56',
    bpm: 56,
    ...SOLO,
    bass: 'x...x...x...x...',
    comp: 'x...x...x...x...',
    programs: PIANO,
  },
  {
    name: 'piano-eighths-60',
    bpm: 60,
    ...SOLO,
    bass: 'x...............',
    comp: 'x.x.x.x.x.x.x.x.',
    programs: PIANO,
  },
  // Chords on every eighth and the bass on one and three: 140 BPM is as good a reading as 70.
  {
    name: 'piano-eighths-70',
    bpm: 70,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x.x.x.x.x.x.x.x.',
    programs: PIANO,
  },
  {
    name: 'piano-waltz-66',
    bpm: 66,
    beatsPerBar: 3,
    kick: '.'.repeat(12),
    snare: '.'.repeat(12),
    hat: '.'.repeat(12),
    bass: 'x...........',
    comp: 'x...x...x...',
    programs: PIANO,
  },
  {
    name: 'nylon-ballad-50',
    bpm: 50,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x...x...',
    programs: [24, 24, 0],
  },
  {
    name: 'guitar-ballad-68',
    bpm: 68,
    ...SOLO,
    bass: 'x.......x.......',
    comp: 'x...x...x.x.x...',
    programs: [32, 25, 0],
  },
  {
    name: 'strings-pad-72',
    bpm: 72,
    ...SOLO,
    bass: 'x...x...x...x...',
    comp: 'x.......x.......',
    programs: [32, 48, 0],
  },
  {
    name: 'organ-hymn-72',
    bpm: 72,
    ...SOLO,
    bass: 'x...x...x...x...',
    comp: 'x.......x.......',
    programs: [19, 19, 0],
  },
  {
    name: 'sparse-ballad-60',
    bpm: 60,
    beatsPerBar: 4,
    kick: 'x...............',
    snare: '........x.......',
    hat: NONE,
    bass: 'x.......x.......',
    comp: 'x.......x.......',
  },
  {
    name: 'sparse-ride-66',
    bpm: 66,
    beatsPerBar: 4,
    kick: 'x.........x.....',
    snare: '........x.......',
    hat: 'x...x...x...x...',
    ride: true,
    bass: 'x.......x.......',
    comp: 'x...............',
    programs: [33, 4, 0],
  },
  {
    name: 'ep-ballad-drums-76',
    bpm: 76,
    beatsPerBar: 4,
    kick: 'x.........x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.......x.......',
    comp: 'x.......x.......',
    programs: [33, 4, 0],
  },
];
