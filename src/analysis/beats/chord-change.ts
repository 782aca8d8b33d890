import { scratch } from '../../wasm/dsp.js';
import type { LevelEnvelope } from './level-types.js';
import type { HarmonicPeriod } from './rhythm-evidence.js';
import { acfPerOverlap, bestNear, MAX_BAR_SEC, rises } from './rhythm-evidence.js';

/** Frames pooled into one chroma vector (46 ms at the envelope's 11.6 ms frames). */
const POOL = 4;
/** Pooled frames each side of the median over time that removes drum hits from the chroma. */
const MEDIAN_HALF = 5;
/** Seconds of chroma summed each side of a frame to compare the chord before it with the one after. */
const SIDE_SEC = 0.5;

/**
 * How far the chord's pitch classes change at each frame: one minus the cosine between the summed
 * chroma of the SIDE_SEC before and after it, the chroma first median-filtered over time (a drum
 * hit is shorter than half the median's window and vanishes from it). Pitch classes, not mel
 * bands: a bass note struck again under its chord adds to a pitch class the chord already holds
 * and changes the shape little, where a new chord moves the weight to other classes. Per frame,
 * the same value across each pool of POOL frames. Pure.
 */
export function chordChange(chroma: Float32Array, frames: number, frameRate: number): Float64Array {
  // Compiled (wasm/dsp.ts chordChange): a median of 11 for each pitch class of each pool.
  const pooled = Math.floor(frames / POOL);
  const side = Math.max(1, Math.round((SIDE_SEC * frameRate) / POOL));
  const { dsp, at } = scratch({
    chroma: 4 * frames * 12,
    sums: 8 * pooled * 12,
    running: 8 * (pooled + 1) * 12,
    window: 8 * (2 * MEDIAN_HALF + 1),
    out: 8 * frames,
  });
  dsp.f32(at.chroma, frames * 12).set(chroma.subarray(0, frames * 12));
  dsp.kernels.chordChange(at.chroma, frames, POOL, MEDIAN_HALF, side, at.sums, at.running, at.window, at.out);
  return dsp.f64(at.out, frames).slice();
}

/**
 * The harmony's period once the chords' pitch classes have had their say: where the mel bands'
 * change repeats at `found` but the chord's pitch classes repeat clearly better at twice it
 * (CHORDS_OVER_HALF), the change at `found` is the same chord struck again over a new bass note
 * or voicing, and the chord lasts twice as long. Chords on every eighth with the bass on one and
 * three, at 70 BPM, changed the mel bands as much each half bar as each bar (read at 140 BPM).
 * Unless a kick or bass is struck on every beat, or every other beat, of four to `found` (the
 * low band's rises repeat at a quarter or a half of it, LOW_PULSE): those beats hold, and chords
 * lasting twice as long are two bars of them (bossa novas at 118 and 130 whose chords last two
 * bars, the kick on every beat or on one, the "and" of two, three and the "and" of four, were read
 * at 59 and 70). Measured on the beat bench's tonal tracks, 96 more random grooves, the ballad, pop
 * and drum styles 20% slower and 12% slower and faster, and a new user's 20 songs: the chords at
 * `found` against twice it 0.02-0.56 where the bar is twice `found` (piano, guitar and bass
 * ballads at 56-84 BPM whose bass is struck again mid-bar); where `found` is the bar, or the level
 * comes out right either way, 0.12 and up. No track's tempo changed for the worse at thresholds
 * of 0.5, 0.62, 0.75 or 0.9 (a 12/8 shuffle at 0.57 and pop songs at 0.68-0.85 come out the same
 * doubled): 0.6 takes all the ballads. The low band 0.10 and under where the chords
 * doubled the period (solo piano and guitar, an electric-piano ballad with a soft kick),
 * 0.27 for a fingerpicked guitar at 96 whose thumb plays every beat (its chords -0.34 at `found`,
 * 0.33 at twice it; read at 192 under a bound of 0.25), 0.65-0.73 for the bossa novas.
 */
export function chordPeriod(
  env: Pick<LevelEnvelope, 'chords' | 'low' | 'frameRate'>,
  found: HarmonicPeriod | undefined,
): HarmonicPeriod | undefined {
  if (!found) return found;
  const twice = 2 * found.period;
  const { chords, frameRate } = env;
  if (twice > MAX_BAR_SEC * frameRate || chords.length < 2 * (twice + POOL)) return found;
  const [once, two] = repeats(chords, [found.period, twice], POOL) as [number, number];
  if (!(two >= CHORDS_REPEAT && once < CHORDS_OVER_HALF * two)) return found;
  const beat = Math.max(...repeats(rises(env.low), [found.period / 4, found.period / 2], 2));
  return beat >= LOW_PULSE ? found : { ...found, period: twice };
}

/**
 * How strongly `curve` repeats at each lag (its autocorrelation per overlap, the best within
 * +-reach frames, against lag 0; 0 for a flat curve).
 */
function repeats(curve: Float64Array, lags: readonly number[], reach: number): number[] {
  const maxLag = Math.round(Math.max(...lags)) + reach;
  const minLag = Math.max(1, Math.round(Math.min(...lags)) - reach);
  const acf = acfPerOverlap(curve, maxLag, minLag);
  if (!(acf[0]! > 0)) return lags.map(() => 0);
  return lags.map((lag) => bestNear(acf, lag, reach).value / acf[0]!);
}

/** The chords' repeat at twice the period, against lag 0, below which they have no say. */
const CHORDS_REPEAT = 0.25;
const CHORDS_OVER_HALF = 0.6;
/** The low band's repeat at a quarter or half of the period from which its beats hold. */
const LOW_PULSE = 0.4;
