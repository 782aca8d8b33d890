/**
 * A stress set no one tuned for: grooves drawn at random (seeded) from pools of kick, snare, hat,
 * bass and comping patterns at tempos from 60 to 190 BPM, some swung, some on the ride. Many are
 * combinations no drummer would choose (no time-keeper, snares on every off-beat, skanks over a
 * sparse kick): they find where the level and phase rules stop holding, and are reported apart
 * from the sets the acceptance is read on.
 */
import { mulberry32 } from '../../src/random.js';
import type { BeatStyle } from './beat-styles.js';

const KICKS = [
  'x.......x.......',
  'x.....x...x.....',
  'x...x...x...x...',
  'x.........x.....',
  'x......x..x.....',
  'x.x.....x.......',
  'x.....x.x.....x.',
];
const SNARES = [
  '....x.......x...',
  '........x.......',
  '....x.......x..x',
  '....x..x....x...',
  '................',
  '..x...x...x...x.',
];
const HATS = [
  'x.x.x.x.x.x.x.x.',
  'xxxxxxxxxxxxxxxx',
  'x...x...x...x...',
  '..x...x...x...x.',
  'x.xxx.xxx.xxx.xx',
  '................',
];
const BASS = [
  'x.......x.......',
  'x.....x.x.......',
  'x.x.x.x.x.x.x.x.',
  'x...x...x...x...',
  'x..x..x.x..x..x.',
];
const COMP = ['x.......x.......', '..x...x...x...x.', 'x...x...x...x...', 'x..x..x...x..x..'];

/** `count` random grooves in 4/4, the same for the same seed. */
export function randomStyles(count: number, seed: number): BeatStyle[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const bpm = Math.round(60 + random() * 130);
    const style: BeatStyle = {
      name: `random-${i}-${bpm}`,
      bpm,
      beatsPerBar: 4,
      kick: pick(KICKS),
      snare: pick(SNARES),
      hat: pick(HATS),
      bass: pick(BASS),
    };
    if (random() < 0.6) {
      // One comping pattern in five is the default chord once a bar.
      const comp = Math.floor(random() * (COMP.length + 1));
      if (comp < COMP.length) style.comp = COMP[comp]!;
    }
    if (random() < 0.2) style.swing = 1;
    if (random() < 0.2) style.ride = true;
    return style;
  });
}
