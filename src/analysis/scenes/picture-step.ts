import { median } from '../median.js';
import type { FrameSeries } from './frame-series.js';

/** Frames on each side of a candidate cut whose statistics must hold steady. */
const SIDE_FRAMES = 3;
/** A contrast step: the steadier side's contrast this many times the other's, or more. */
const CONTRAST_STEP = 3;
/** A brightness step: this many levels (of 255) between the sides' medians, or more. */
const BRIGHTNESS_STEP = 16;

/**
 * True when what the picture is made of changes at frame i and holds: its contrast (the block
 * means' spread) or its brightness steps from one steady level before i to another from i on,
 * most of the step in the one frame from i-1 to i. Motion moves a picture but rarely changes
 * these: a cut out of a fast shot (or between two) moves the block signature no more than the
 * motion does, yet here it shows. A flash or a strobe steps too, but comes back; the flash and
 * flicker tests judge those.
 */
export function pictureSteps(series: FrameSeries, i: number): boolean {
  const n = series.contrast.length;
  if (i - SIDE_FRAMES < 0 || i + SIDE_FRAMES > n) return false;
  const contrast = step(series.contrast, i);
  if (contrast && contrast.after / Math.max(1, contrast.before) >= CONTRAST_STEP) return true;
  if (contrast && contrast.before / Math.max(1, contrast.after) >= CONTRAST_STEP) return true;
  const brightness = step(series.brightness, i);
  return brightness !== undefined && Math.abs(brightness.after - brightness.before) >= BRIGHTNESS_STEP;
}

/** The medians of the frames before i and from i on, where each side is steady and i-1..i carries the step. */
function step(values: readonly number[], i: number): { before: number; after: number } | undefined {
  const before = values.slice(i - SIDE_FRAMES, i);
  const after = values.slice(i, i + SIDE_FRAMES);
  const [b, a] = [median(before), median(after)];
  const size = Math.abs(a - b);
  if (size === 0) return undefined;
  // Each side within a third of the step of its own median; the step mostly in one frame.
  const steady = (side: number[], level: number) => side.every((v) => Math.abs(v - level) <= size / 3);
  if (!steady(before, b) || !steady(after, a)) return undefined;
  if (Math.abs(values[i]! - values[i - 1]!) < 0.7 * size) return undefined;
  return { before: b, after: a };
}
