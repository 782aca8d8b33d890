/** Cap on the fan-out of one job: more segments than this only adds seams and overhead. */
export const MAX_SEGMENTS = 512;
/** No segment shorter than this by default, seconds. */
export const MIN_SEGMENT_SECONDS = 0.5;

/** The most segments `frameCount` frames at `fps` make, none shorter than `minSeconds`. Pure. */
export function maxSegments(
  frameCount: number,
  fps: number,
  minSeconds = MIN_SEGMENT_SECONDS,
  most = MAX_SEGMENTS,
): number {
  const minFrames = Math.max(1, Math.round(minSeconds * fps));
  return Math.min(most, Math.max(1, Math.floor(frameCount / minFrames)));
}

export interface SegmentPlanInput {
  frameCount: number;
  fps: number;
  /** Presentation-order frame indices of source keyframes (cheap places to start decoding). */
  keyframes?: readonly number[];
  /** Frame indices of scene cuts (a new shot starts here: an IDR costs nothing). */
  sceneCuts?: readonly number[];
  segments?: number;
  segmentSeconds?: number;
  /** No segment shorter than this, seconds (default MIN_SEGMENT_SECONDS). */
  minSeconds?: number;
  maxSegments?: number;
}

export interface SegmentRange {
  index: number;
  start: number;
  end: number;
  /** Why the segment starts where it does. */
  startsAt: 'start' | 'scene-cut' | 'keyframe' | 'even';
}

/** How many segments {@link planSegments} cuts: as asked, or by length, within {@link maxSegments}. Pure. */
export function segmentCount(input: Omit<SegmentPlanInput, 'keyframes' | 'sceneCuts'>): number {
  const { frameCount, fps } = input;
  const wanted =
    input.segments ?? (input.segmentSeconds ? Math.ceil(frameCount / (input.segmentSeconds * fps)) : 1);
  const cap = maxSegments(frameCount, fps, input.minSeconds, input.maxSegments);
  return Math.max(1, Math.min(wanted, cap));
}

/**
 * Splits [0, frameCount) into contiguous frame ranges. Boundaries start from an even split and move
 * to a nearby scene cut or keyframe (within a fifth of a segment), never making a segment shorter
 * than the minimum. Pure.
 */
export function planSegments(input: SegmentPlanInput): SegmentRange[] {
  const { frameCount, fps } = input;
  if (frameCount <= 0) return [];
  const minFrames = Math.max(1, Math.round((input.minSeconds ?? MIN_SEGMENT_SECONDS) * fps));
  const count = segmentCount(input);
  const length = frameCount / count;
  const window = Math.floor(length / 5);

  const starts: SegmentRange['startsAt'][] = ['start'];
  const bounds = [0];
  for (let i = 1; i < count; i++) {
    const even = Math.round(i * length);
    const previous = bounds[bounds.length - 1]!;
    // The latest a boundary may sit so that the remaining segments still fit at minimum length.
    const latest = frameCount - (count - i) * minFrames;
    const allowed = (f: number) => f - previous >= minFrames && f <= latest && Math.abs(f - even) <= window;
    const scene = nearest(input.sceneCuts, even, allowed);
    const key = scene === undefined ? nearest(input.keyframes, even, allowed) : undefined;
    const chosen = scene ?? key ?? Math.min(Math.max(even, previous + minFrames), latest);
    bounds.push(chosen);
    starts.push(scene !== undefined ? 'scene-cut' : key !== undefined ? 'keyframe' : 'even');
  }
  bounds.push(frameCount);
  return starts.map((startsAt, index) => ({
    index,
    start: bounds[index]!,
    end: bounds[index + 1]!,
    startsAt,
  }));
}

function nearest(
  candidates: readonly number[] | undefined,
  target: number,
  allowed: (frame: number) => boolean,
): number | undefined {
  let best: number | undefined;
  for (const c of candidates ?? []) {
    if (!allowed(c)) continue;
    if (best === undefined || Math.abs(c - target) < Math.abs(best - target)) best = c;
  }
  return best;
}
