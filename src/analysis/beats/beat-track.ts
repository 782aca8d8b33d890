export interface BeatTrackOptions {
  /** How strongly beat spacing is held to the period (Ellis 2007's alpha; librosa uses 100). */
  tightness?: number;
}

/**
 * Beat positions (envelope frames) by dynamic programming (Ellis 2007): each frame's best score
 * is its onset strength plus the best predecessor score, penalised by the squared log ratio of
 * the gap to the period. The best path is read back from the end; weak beats at either end
 * (before the music starts, after it stops) are trimmed.
 */
export function trackBeats(onset: Float64Array, period: number, options: BeatTrackOptions = {}): number[] {
  if (onset.length === 0 || !(period > 0)) return [];
  const table = gapTable(period, options.tightness ?? 100);
  return track(onset, period, () => table);
}

/**
 * The same for a tempo that changes gradually: `periods` holds the beat period at each frame, and
 * each beat's gap is held to the period where it lands (periods rounded to a quarter frame);
 * `period`, the typical one (their median), smooths the onsets and bounds the last beat's search.
 */
export function trackBeatsAlong(
  onset: Float64Array,
  periods: Float64Array,
  period: number,
  options: BeatTrackOptions = {},
): number[] {
  if (onset.length === 0 || periods.length !== onset.length) return [];
  const tables = new Map<number, GapTable>();
  const at = (t: number) => {
    const key = Math.round(4 * periods[t]!) / 4;
    let table = tables.get(key);
    if (!table) tables.set(key, (table = gapTable(key, options.tightness ?? 100)));
    return table;
  };
  return track(onset, period, at);
}

/** The gaps a beat may follow the one before it by, and the penalty of each. */
interface GapTable {
  period: number;
  lo: number;
  hi: number;
  penalty: Float64Array;
}

function gapTable(period: number, tightness: number): GapTable {
  const lo = Math.round(period / 2);
  const hi = Math.round(2 * period);
  // The penalty depends on the gap alone: one logarithm per gap, not per frame and gap.
  const penalty = new Float64Array(hi + 1);
  for (let gap = lo; gap <= hi; gap++) penalty[gap] = -tightness * Math.log(gap / period) ** 2;
  return { period, lo, hi, penalty };
}

/** The dynamic programme, with the gaps allowed at each frame from `tableAt`. */
function track(onset: Float64Array, period: number, tableAt: (t: number) => GapTable): number[] {
  const n = onset.length;
  const local = smoothed(normalised(onset), period);
  const cumulative = new Float64Array(n);
  const backlink = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const { lo, hi, penalty } = tableAt(t);
    let best = -Infinity;
    let from = -1;
    for (let prev = Math.max(0, t - hi); prev <= t - lo; prev++) {
      const score = cumulative[prev]! + penalty[t - prev]!;
      if (score > best) {
        best = score;
        from = prev;
      }
    }
    cumulative[t] = local[t]! + (from >= 0 ? best : 0);
    backlink[t] = from;
  }
  // The path ends at the best-scoring frame within the last period.
  let end = Math.max(0, n - Math.ceil(tableAt(n - 1).period));
  for (let t = end; t < n; t++) if (cumulative[t]! > cumulative[end]!) end = t;
  const beats: number[] = [];
  for (let t = end; t >= 0; t = backlink[t]!) beats.push(t);
  beats.reverse();
  return trimWeak(beats, local);
}

function normalised(onset: Float64Array): Float64Array {
  let sum = 0;
  let sq = 0;
  for (const v of onset) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / onset.length;
  const std = Math.sqrt(Math.max(1e-12, sq / onset.length - mean * mean));
  return Float64Array.from(onset, (v) => v / std);
}

/** Gaussian smoothing of width period/32, as Ellis' localscore. */
function smoothed(x: Float64Array, period: number): Float64Array {
  const sigma = Math.max(0.5, period / 32);
  const half = Math.ceil(3 * sigma);
  const kernel = Float64Array.from({ length: 2 * half + 1 }, (_, i) =>
    Math.exp(-0.5 * ((i - half) / sigma) ** 2),
  );
  const out = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let sum = 0;
    for (let k = -half; k <= half; k++) {
      const j = t + k;
      if (j >= 0 && j < x.length) sum += x[j]! * kernel[k + half]!;
    }
    out[t] = sum;
  }
  return out;
}

/** Drops leading and trailing beats whose onset strength is under half the beats' RMS. */
function trimWeak(beats: number[], local: Float64Array): number[] {
  if (beats.length === 0) return beats;
  let sq = 0;
  for (const b of beats) sq += local[b]! ** 2;
  const threshold = 0.5 * Math.sqrt(sq / beats.length);
  let first = 0;
  let last = beats.length - 1;
  while (first <= last && local[beats[first]!]! < threshold) first++;
  while (last >= first && local[beats[last]!]! < threshold) last--;
  return beats.slice(first, last + 1);
}
