import { median } from '../median.js';
import type { OnsetEnvelope } from './onset-strength.js';
import { audibleSeconds, rhythmConfidence, WINDOW_CONFIDENCE } from './rhythm-confidence.js';
import { estimateTempo, type TempoOptions } from './tempo.js';

/** A tempo that changes all the way through: the beat period at each envelope frame. */
export interface TempoRamp {
  periods: Float64Array;
  /** The median confidence of the windows the curve was read from. */
  confidence: number;
  /** First and last window's tempo (BPM). */
  from: number;
  to: number;
}

/** Windows (seconds, half overlapping) a ramp is read in: short enough that its tempo holds. */
const RAMP_WINDOW_SEC = 6;
/** The most a ramp's tempo may change from one window to the next (hop 3 s) and still be one. */
const RAMP_STEP = 1.08;
/** The share of steps that may jump (a window read at another level, a fill) before it is none. */
const JUMPS = 0.2;

/**
 * A tempo that ramps (a band speeding up from 80 to 130 BPM over 40 s) smears even 12-s windows'
 * periodicity (median confidence 0.47-0.50), but each 6-s window holds its own (0.55-0.61) and the
 * windows' tempos move in small steps (3-5 BPM a hop). Speech reaches 0.27-0.28 in 6-s windows and
 * its tempos jump. The curve: each window's tempo (an octave or a 3:2 away from the window before
 * is folded onto it), linear between the windows' centres. Undefined where the windows are not
 * confident or their tempos jump.
 */
export function tempoRamp(env: OnsetEnvelope, options: TempoOptions): TempoRamp | undefined {
  const size = Math.round(RAMP_WINDOW_SEC * env.frameRate);
  const hop = Math.round(size / 2);
  const centres: number[] = [];
  const periods: number[] = [];
  const confidences: number[] = [];
  for (let start = 0; start + size <= env.onset.length; start += hop) {
    const seconds = audibleSeconds({ rms: env.rms.subarray(start, start + size), frameRate: env.frameRate });
    const tempo = estimateTempo(env.onset.subarray(start, start + size), env.frameRate, options);
    confidences.push(seconds > 0 ? rhythmConfidence(tempo, seconds) : 0);
    if (!tempo) continue;
    const before = periods[periods.length - 1];
    periods.push(before === undefined ? tempo.period : folded(tempo.period, before));
    centres.push(start + size / 2);
  }
  if (periods.length < 4) return undefined;
  const confidence = median(confidences);
  if (!(confidence >= WINDOW_CONFIDENCE)) return undefined;
  const jumps = periods.slice(1).filter((p, i) => Math.max(p / periods[i]!, periods[i]! / p) > RAMP_STEP);
  if (jumps.length > JUMPS * (periods.length - 1)) return undefined;
  const curve = new Float64Array(env.onset.length);
  for (let t = 0, k = 0; t < curve.length; t++) {
    while (k + 1 < centres.length && centres[k + 1]! <= t) k++;
    const [c0, c1] = [centres[k]!, centres[k + 1]];
    const w = c1 === undefined || t <= c0 ? 0 : Math.min(1, (t - c0) / (c1 - c0));
    curve[t] = periods[k]! + w * ((periods[k + 1] ?? periods[k]!) - periods[k]!);
  }
  const bpm = (p: number) => (60 * env.frameRate) / p;
  return { periods: curve, confidence, from: bpm(periods[0]!), to: bpm(periods[periods.length - 1]!) };
}

/** `period`, or its double, half, 3:2 or 2:3, whichever lies nearest `before`. */
function folded(period: number, before: number): number {
  let best = period;
  for (const f of [2, 0.5, 1.5, 2 / 3]) {
    if (Math.abs(Math.log((period * f) / before)) < Math.abs(Math.log(best / before))) best = period * f;
  }
  return best;
}
