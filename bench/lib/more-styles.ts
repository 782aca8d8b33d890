/**
 * A harder set of styles for the beat benchmark, added once the first sets were all green: a
 * shuffle, a reggae one-drop (the kick and rim on three only, the skank on the off-beats), drum and
 * bass, trap (hats on every sixteenth, half-time snare), punk at 200, disco (open hats on the
 * off-beats), a slow jam, train beats (a snare on every sixteenth, accents on two and four) at four
 * tempos, samba, jazz ride swing, a slow waltz and a Motown backbeat on every beat.
 */
import type { BeatStyle } from './beat-styles.js';

const TRAIN = {
  beatsPerBar: 4,
  kick: 'x.......x.......',
  snare: 'xxxxXxxxxxxxXxxx',
  hat: '................',
  bass: 'x.......x.......',
} as const;

export const MORE_STYLES: BeatStyle[] = [
  {
    name: 'shuffle-140',
    bpm: 140,
    beatsPerBar: 4,
    kick: 'x.......x.......',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.x.x.x.x.x.x.x.',
    swing: 1,
  },
  {
    name: 'onedrop-76',
    bpm: 76,
    beatsPerBar: 4,
    kick: '........x.......',
    snare: '........x.......',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.....x.x.......',
    comp: '..x...x...x...x.',
  },
  {
    name: 'dnb-174',
    bpm: 174,
    beatsPerBar: 4,
    kick: 'x.........x.....',
    snare: '....x.......x...',
    hat: 'x.xxx.x.x.xxx.x.',
    bass: 'x.........x.....',
  },
  {
    name: 'trap-140',
    bpm: 140,
    beatsPerBar: 4,
    kick: 'x.....x...x.....',
    snare: '........x.......',
    hat: 'xxxxxxxxxxxxxxxx',
    bass: 'x.....x.........',
  },
  {
    name: 'punk-200-kick-13',
    bpm: 200,
    beatsPerBar: 4,
    kick: 'x.......x.......',
    snare: '....x.......x...',
    hat: 'x...x...x...x...',
    bass: 'x.x.x.x.x.x.x.x.',
  },
  {
    name: 'disco-118',
    bpm: 118,
    beatsPerBar: 4,
    kick: 'x...x...x...x...',
    snare: '....x.......x...',
    hat: '..x...x...x...x.',
    bass: 'x.x.x.x.x.x.x.x.',
  },
  {
    name: 'slowjam-62',
    bpm: 62,
    beatsPerBar: 4,
    kick: 'x......x..x.....',
    snare: '....x.......x...',
    hat: 'xxxxxxxxxxxxxxxx',
    bass: 'x......x..x.....',
  },
  { name: 'train-104', bpm: 104, ...TRAIN },
  { name: 'train-112', bpm: 112, ...TRAIN },
  { name: 'train-124', bpm: 124, ...TRAIN },
  { name: 'train-132', bpm: 132, ...TRAIN },
  {
    name: 'samba-100',
    bpm: 100,
    beatsPerBar: 4,
    kick: 'x..xx..xx..xx..x',
    snare: 'x.x..x.x.x..x.x.',
    hat: 'xxxxxxxxxxxxxxxx',
    bass: 'x..xx..xx..xx..x',
  },
  {
    name: 'jazz-ride-180',
    bpm: 180,
    beatsPerBar: 4,
    kick: '................',
    snare: '..........x.....',
    hat: 'x...x.x.x...x.x.',
    ride: true,
    bass: 'x...x...x...x...',
    swing: 1,
  },
  {
    name: 'slow-waltz-84',
    bpm: 84,
    beatsPerBar: 3,
    kick: 'x...........',
    snare: '....x...x...',
    hat: 'x.x.x.x.x.x.',
    bass: 'x...........',
  },
  {
    name: 'motown-160',
    bpm: 160,
    beatsPerBar: 4,
    kick: 'x.x...x.x.x...x.',
    snare: 'x...x...x...x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.x.x.x.x.x.x.x.',
  },
];
