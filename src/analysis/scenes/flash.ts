import { neighbourMean, type FrameSeries } from './frame-series.js';

/**
 * True when the change at frame i is a flash: a short spike (at most `maxFrames` long) after
 * which the same shot resumes. Two tests, either suffices: the picture after the spike looks like
 * the picture before it (the signature return measured per frame), or the change is a global
 * brightness jump that comes back to the same level — which still holds under fast camera
 * motion, where pictures a few frames apart no longer look alike.
 */
export function isFlash(
  series: FrameSeries,
  i: number,
  score: number,
  maxFrames: number,
  ratio: number,
  /** False when the change is invisible to the signature, which then cannot judge a return. */
  bySignature = true,
): boolean {
  const back = series.flashReturn[i]!;
  if (bySignature && back >= 0 && back < ratio * score) return true;
  const b = series.brightness;
  const jump = b[i]! - b[i - 1]!;
  // Mostly a change of overall brightness, not of content: the luma change is the jump, and the
  // colour changes no more than the shot's own motion makes it (or a quarter of the luma change,
  // as a flash washes colour out). The first frame of a shot that happens to be bright fails here.
  if (Math.abs(jump) < 8 || Math.abs(jump) < 0.5 * series.luma[i]!) return false;
  if (series.chroma[i]! > Math.max(2 * (neighbourMean(series.chroma, i, 2) ?? 0), 0.25 * series.luma[i]!))
    return false;
  const sign = Math.sign(jump);
  const size = Math.abs(jump);
  // i starts the spike: within maxFrames, brightness returns to where it was before i.
  for (let e = i + 1; e <= i + maxFrames && e < b.length; e++) {
    if (Math.abs(b[e]! - b[i - 1]!) <= 0.3 * size) return true;
    if (sign * (b[e]! - b[i - 1]!) < 0.5 * size) break;
  }
  // i ends the spike: brightness before it started is where it is now.
  for (let s = i - 1; s >= i - maxFrames && s >= 1; s--) {
    if (-sign * (b[s]! - b[i]!) < 0.5 * size) break;
    if (Math.abs(b[s - 1]! - b[i]!) <= 0.3 * size) return true;
  }
  return false;
}

/**
 * True when the change at frame i belongs to a strobe or flicker run: within four times the
 * longest flash on either side, the overall brightness jumps at least three more times by half
 * as much or more, in alternating directions, while the colour holds. One cut is one jump; a
 * light going on and off is many, and the shot under it is the same one before and after. This
 * catches runs whose lit spells last longer than a flash, which the flash test cannot.
 */
export function inFlicker(series: FrameSeries, i: number, maxFrames: number): boolean {
  const b = series.brightness;
  const size = Math.abs(b[i]! - b[i - 1]!);
  if (size < 8) return false;
  let jumps = 0;
  let sign = 0;
  for (let j = Math.max(1, i - 4 * maxFrames); j <= Math.min(b.length - 1, i + 4 * maxFrames); j++) {
    const jump = b[j]! - b[j - 1]!;
    if (Math.abs(jump) < 0.5 * size) continue;
    // The light changes, the colour stays: chroma moves no more than a quarter of luma does.
    if (series.chroma[j]! > 0.25 * series.luma[j]!) return false;
    if (Math.sign(jump) === sign) continue;
    sign = Math.sign(jump);
    jumps++;
  }
  return jumps >= 4;
}
