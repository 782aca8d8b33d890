import { median } from '../median.js';
import type { OnsetEnvelope } from './onset-strength.js';
import { localWindows, WINDOW_CONFIDENCE, type LocalRhythm, type LocalWindows } from './rhythm-confidence.js';
import type { TempoOptions } from './tempo.js';

/** A tempo that changes all the way through: the beat period at each envelope frame. */
export interface TempoRamp {
  periods: Float64Array;
  /** The median of `periods`: the ramp's typical beat period. */
  period: number;
  /** The median confidence of the windows the curve was read from. */
  confidence: number;
  /** First and last window's tempo (BPM). */
  from: number;
  to: number;
}

/** Windows (seconds, every 2 s) a ramp and the heard span are read in: short enough that a ramp holds. */
const LOCAL_WINDOW_SEC = 6;
const LOCAL_HOP_SEC = 2;

/** The rhythm of 6-s windows every 2 s (localWindows: each read when first asked for). */
export function shortWindows(env: OnsetEnvelope, options: TempoOptions): LocalWindows {
  return localWindows(env, options, LOCAL_WINDOW_SEC, LOCAL_HOP_SEC);
}

/**
 * The frames from the first window whose rhythm is heard (confidence LOCAL_HEARD) to the last
 * one's end: beats tracked before or after it (through a spoken intro, over crowd noise) were
 * invented by the tracker's momentum. The whole track where no window is heard or it has none.
 * Given the beat's `periods` (the level chosen, the estimate it moved from), a window is heard at
 * LOCAL_AGREED too where it and a neighbour find one of them (or twice or half it): a soft waltz
 * at 120 (strings, harp, clarinet) held 0.29-0.40 in its windows, every one at 119-121, and lost
 * its beats after 14 s; speech's windows rarely agree.
 */
export function heardSpan(
  windows: LocalWindows,
  frames: number,
  periods: readonly number[] = [],
): [number, number] {
  const agrees = (i: number) =>
    i >= 0 &&
    i < windows.length &&
    windows.at(i).confidence >= LOCAL_AGREED &&
    periods.some((period) => findsBeat(windows.at(i), period));
  const heard = (i: number) =>
    windows.at(i).confidence >= LOCAL_HEARD || (agrees(i) && (agrees(i - 1) || agrees(i + 1)));
  let first = 0;
  while (first < windows.length && !heard(first)) first++;
  if (first === windows.length) return [0, frames];
  let last = windows.length - 1;
  while (!heard(last)) last--;
  // A window is heard once about half of it is music: its first third is rarely.
  const third = (w: LocalRhythm) => (w.end - w.start) / 3;
  const from = first === 0 ? 0 : windows.at(first).start + third(windows.at(first));
  const to = last === windows.length - 1 ? frames : windows.at(last).end - third(windows.at(last));
  return [from, to];
}

/** Whether a window's tempo is the beat of `period` frames, or twice or half it. */
function findsBeat(w: LocalRhythm, period: number): boolean {
  return w.period !== undefined && [1, 2, 0.5].some((k) => Math.abs(w.period! / (k * period) - 1) <= AGREES);
}

/**
 * The median confidence of the 6-s windows with sound (four or more) where nearly all of them
 * (AGREED_SHARE) find the beat of `period` frames (or twice or half it) and that median reaches
 * LOCAL_HEARD; 0 otherwise. Windows are read until too many disagree. Soft music whose loudness
 * swells from phrase to phrase can be periodic window by window and weakly over the whole track: a 12/8 ballad of piano triplets and strings, no drums,
 * held 0.44-0.53 in 11 of its 13 windows, every one at its eighths, and 0.34 whole ("no steady
 * rhythm"). Speech's windows are less sure (0.2-0.35) and their tempos jump.
 */
export function agreedConfidence(windows: LocalWindows, period: number): number {
  const heard: LocalRhythm[] = [];
  let disagreeing = 0;
  for (let i = 0; i < windows.length; i++) {
    const w = windows.at(i);
    if (!w.audible) continue;
    heard.push(w);
    // Past a quarter of all the windows, no share of those with sound can agree enough.
    if (!findsBeat(w, period) && ++disagreeing > (1 - AGREED_SHARE) * windows.length) return 0;
  }
  if (heard.length < 4 || disagreeing > (1 - AGREED_SHARE) * heard.length) return 0;
  const sure = median(heard.map((w) => w.confidence));
  return sure >= LOCAL_HEARD ? sure : 0;
}

/** The share of windows with sound that must find the beat for agreedConfidence. */
const AGREED_SHARE = 0.75;

/** A window's confidence from which its rhythm is heard where it finds the beat's own tempo. */
const LOCAL_AGREED = 0.3;
/** How near (ratio) a window's tempo must be to the beat's (or twice or half it) to find it. */
const AGREES = 0.04;

/** A 6-s window's confidence from which its rhythm is heard: speech 0.2-0.35, music 0.5 and up. */
const LOCAL_HEARD = 0.45;
/** The most a ramp's tempo may change from one window to the next read (4 s on) and still be one. */
const RAMP_STEP = 1.08;
/** The share of steps that may jump (a window read at another level, a fill) before it is none. */
const JUMPS = 0.2;

/**
 * A tempo that ramps (a band speeding up from 80 to 130 BPM over 40 s) smears even 12-s windows'
 * periodicity (median confidence 0.47-0.50), but each 6-s window holds its own (0.55-0.61) and the
 * windows' tempos move in small steps (4-7 BPM every 4 s). Speech reaches 0.27-0.28 in 6-s windows and
 * its tempos jump. The curve: each window's tempo (an octave or a 3:2 away from the window before
 * is folded onto it), linear between the windows' centres. Undefined where the windows are not
 * confident or their tempos jump.
 */
export function tempoRamp(
  env: OnsetEnvelope,
  options: TempoOptions,
  windows = shortWindows(env, options),
): TempoRamp | undefined {
  const centres: number[] = [];
  const periods: number[] = [];
  // Every other window: half overlapping, 4 s apart.
  const halves = Array.from({ length: Math.ceil(windows.length / 2) }, (_, i) => windows.at(2 * i));
  for (const { start, end, period } of halves) {
    if (period === undefined) continue;
    const before = periods[periods.length - 1];
    periods.push(before === undefined ? period : folded(period, before));
    centres.push((start + end) / 2);
  }
  if (periods.length < 4) return undefined;
  const confidence = median(halves.map((w) => w.confidence));
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
  return {
    periods: curve,
    period: median(Array.from(curve)),
    confidence,
    from: bpm(periods[0]!),
    to: bpm(periods[periods.length - 1]!),
  };
}

/** `period`, or its double, half, 3:2 or 2:3, whichever lies nearest `before`. */
function folded(period: number, before: number): number {
  let best = period;
  for (const f of [2, 0.5, 1.5, 2 / 3]) {
    if (Math.abs(Math.log((period * f) / before)) < Math.abs(Math.log(best / before))) best = period * f;
  }
  return best;
}
