import { lagProducts } from './rhythm-evidence.js';
/**
 * Where a track's tempo changes (a medley, a DJ mix's cut, a song that speeds up for its last
 * chorus). The rhythm of 8 s windows is compared by the shape of their onset autocorrelation
 * over lags of 0.2-2.2 s: windows of one tempo share its peaks whatever the pattern (r >= 0.9 on
 * every single-tempo track of the bench, metrical ambiguity included), windows of two tempi share
 * none (r near 0). A gradual drift never drops that low between neighbouring windows.
 */

/** Window length and hop (seconds). */
const WINDOW_SEC = 8;
const HOP_SEC = 2;
/** Lags compared (seconds): a beat at 270 BPM to a bar at 110 BPM (two beats at 55). */
const MIN_LAG_SEC = 0.2;
const MAX_LAG_SEC = 2.2;
/** Below this correlation two adjacent windows do not share a tempo. */
const CHANGE_BELOW = 0.3;
/** Sections shorter than this are not judged on their own. */
export const MIN_SECTION_SEC = 8;

/**
 * Envelope frames where a new tempo starts (ascending; none for one tempo). Pure. A change lies
 * where adjacent windows (one ending where the next starts) correlate under CHANGE_BELOW.
 */
export function tempoChanges(onset: Float64Array, frameRate: number): number[] {
  const window = Math.round(WINDOW_SEC * frameRate);
  const hop = Math.round(HOP_SEC * frameRate);
  const step = Math.round(window / hop);
  const shapes: Float64Array[] = [];
  for (let start = 0; start + window <= onset.length; start += hop) {
    shapes.push(acfShape(onset.subarray(start, start + window), frameRate));
  }
  // across[k]: window k against the window that starts where it ends; their seam at k*hop + window.
  const across = shapes
    .slice(0, Math.max(0, shapes.length - step))
    .map((s, k) => correlation(s, shapes[k + step]!));
  const changes: number[] = [];
  const minSection = Math.round(MIN_SECTION_SEC * frameRate);
  for (let k = 0; k < across.length; k++) {
    if (!(across[k]! < CHANGE_BELOW)) continue;
    // A run of seams under the bar: every window pair there straddles the change, or lies either
    // side of it; the change is at the run's middle.
    let end = k;
    while (end + 1 < across.length && across[end + 1]! < CHANGE_BELOW) end++;
    const at = placed(onset, frameRate, Math.round(((k + end) / 2) * hop) + window);
    const previous = changes[changes.length - 1] ?? 0;
    if (at - previous >= minSection && onset.length - at >= minSection) changes.push(at);
    k = end;
  }
  return changes;
}

/**
 * The change placed more closely than the windows' step: the seam within 3 s of `near` where 4 s
 * before it look most like the first tempo and 4 s after it most like the second (each known
 * from 6 s beyond any doubt, 2 s off `near`). `near` itself where there is no room for that.
 */
function placed(onset: Float64Array, frameRate: number, near: number): number {
  const [doubt, reference, probe] = [2, 6, 4].map((s) => Math.round(s * frameRate)) as [
    number,
    number,
    number,
  ];
  const reach = Math.round(3 * frameRate);
  if (near - doubt - reference < 0 || near + doubt + reference > onset.length) return near;
  const first = acfShape(onset.subarray(near - doubt - reference, near - doubt), frameRate);
  const second = acfShape(onset.subarray(near + doubt, near + doubt + reference), frameRate);
  const step = Math.max(1, Math.round(frameRate / 4));
  let best = near;
  let bestScore = -Infinity;
  for (let seam = near - reach; seam <= near + reach; seam += step) {
    if (seam - probe < 0 || seam + probe > onset.length) continue;
    const before = correlation(acfShape(onset.subarray(seam - probe, seam), frameRate), first);
    const after = correlation(acfShape(onset.subarray(seam, seam + probe), frameRate), second);
    if (before + after > bestScore) [best, bestScore] = [seam, before + after];
  }
  return best;
}

/** The autocorrelation of a window over the compared lags, normalised by its energy. */
function acfShape(x: Float64Array, frameRate: number): Float64Array {
  const lo = Math.round(MIN_LAG_SEC * frameRate);
  const hi = Math.min(x.length - 1, Math.round(MAX_LAG_SEC * frameRate));
  if (hi < lo) return new Float64Array(0);
  const sums = lagProducts(x, hi, lo);
  const energy = sums[0]!;
  return energy > 0 ? sums.map((sum) => sum / energy).subarray(lo) : new Float64Array(hi - lo + 1);
}

/** Pearson correlation; 1 when either side is flat (silence tells nothing of a change). */
function correlation(a: Float64Array, b: Float64Array): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 1;
}
