/**
 * Bars of five and seven beats for the beat benchmark: 5/4 rock, pop and a jazz waltz-like swing
 * on the ride (chords on one and four, as in the best-known 5/4 jazz), a piano ballad in five and a
 * 7/4 prog groove. Before they were added, the harmony's five-beat bar was read as three beats (120
 * BPM as 72) and the bars as threes or fours.
 */
import type { BeatStyle } from './beat-styles.js';

const rest = (steps: number) => '.'.repeat(steps);

export const ODD_METER_STYLES: BeatStyle[] = [
  {
    name: 'rock-5-4-120',
    bpm: 120,
    beatsPerBar: 5,
    kick: 'x.......x.x.........',
    snare: '....x.......x.......',
    hat: 'x.x.x.x.x.x.x.x.x.x.',
    bass: 'x.......x...........',
    comp: 'x...................',
  },
  {
    name: 'jazz-5-4-170',
    bpm: 170,
    beatsPerBar: 5,
    kick: rest(20),
    snare: rest(20),
    hat: 'x...x.x.x...x.x.x...',
    ride: true,
    swing: 1,
    bass: 'x...x...x...x...x...',
    comp: 'x...........x.......',
  },
  {
    name: 'pop-5-4-96',
    bpm: 96,
    beatsPerBar: 5,
    kick: 'x.......x...........',
    snare: '....x.......x.......',
    hat: 'x.x.x.x.x.x.x.x.x.x.',
    bass: 'x.......x.......x...',
    comp: 'x...................',
  },
  {
    name: 'piano-5-4-76',
    bpm: 76,
    beatsPerBar: 5,
    kick: rest(20),
    snare: rest(20),
    hat: rest(20),
    bass: 'x...........x.......',
    comp: 'x...x...x...x...x...',
    programs: [0, 0, 0],
  },
  {
    name: 'prog-7-4-130',
    bpm: 130,
    beatsPerBar: 7,
    kick: 'x.......x.......x.......x...',
    snare: '....x.......x.......x.......',
    hat: 'x.x.x.x.x.x.x.x.x.x.x.x.x.x.',
    bass: 'x.......x.......x...........',
    comp: 'x...........................',
  },
];
