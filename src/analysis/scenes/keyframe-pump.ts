/** A hard cut at a GOP's keyframe must change the picture this many times the video's pump. */
export const PUMP_RATIO = 2.5;
/** Fixed GOPs shorter than this are intra-heavy streams, not a cadence worth reading. */
const MIN_GOP_FRAMES = 12;
/** Cadence keyframes either side whose change sets a keyframe's pump. */
const NEIGHBOURS = 2;
/** Fewest keyframe distances of the cadence's length: two equal shots cut on keyframes are no cadence. */
const MIN_CADENCE = 3;
/**
 * A pump is mostly texture: the per-pixel luma change at least this many times the block
 * signature's (grain coming back: 3.6-13 measured). A cut moves the blocks as much as the pixels
 * (0.7-3 on the bench reel's cuts, dark ones under 1; its 3.0, a cut into a busy shot, changes
 * its blocks far more than PUMP_RATIO times any pump under the threshold).
 */
export const PUMP_TEXTURE_RATIO = 3;
/**
 * ...or, on a smooth picture with no grain left to come back, a shift that keeps the layout: the
 * blocks move by at most this fraction of the picture's own contrast (0.27 measured on a dark
 * gradient). A cut to another picture moves them by about its contrast or more (1.1-1.2 between
 * the bench reel's dark shots); one to a recrop of the same picture less (0.33-0.66), but its
 * change is many times any pump's under the threshold.
 */
export const PUMP_LAYOUT_RATIO = 0.5;

/**
 * The bar a hard cut must clear at each keyframe of the encoder's fixed cadence, by frame of the
 * series (`start` is its first frame's global number). Pure.
 *
 * An encoder that starts a GOP every N frames (a fixed GOP, as HLS/DASH encodes use, or x264's
 * keyint where no scene change came first) codes the whole picture again there. At a low bitrate
 * the picture visibly pumps: grain and detail smoothed away through the GOP come back at once, a
 * flat picture shifts by a few levels. On low-contrast footage, where the cut threshold scales
 * down with the picture's own contrast, that change cleared it at every such keyframe (a gradient
 * under grain at 80 kb/s: a "cut" every 2 s). A keyframe's pump is what its cadence neighbours
 * change (the lower median of two either side: a dark shot pumps less than a bright one, and
 * cuts that land on two of them do not count); there a change that looks like a pump (isPump) must
 * be PUMP_RATIO times that to be a cut. Cadence keyframes are those the most common keyframe
 * distance (within a frame) apart, seen at least MIN_CADENCE times: a scene-cut keyframe lies
 * wherever the cut is. A pump as large as a cut's threshold is not told from one this way: then
 * nothing changes, and neither does it where the encoder left no cadence or the probe listed no
 * keyframes.
 */
export function keyframePumps(
  keyframes: readonly number[] | undefined,
  scores: readonly number[],
  start: number,
  threshold: number,
): Map<number, number> {
  const bars = new Map<number, number>();
  if (!keyframes || keyframes.length < 3) return bars;
  const counts = new Map<number, number>();
  for (let j = 1; j < keyframes.length; j++) {
    const d = keyframes[j]! - keyframes[j - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let gop = 0;
  let seen = 0;
  for (const [d, count] of counts) if (count > seen || (count === seen && d > gop)) [gop, seen] = [d, count];
  if (gop < MIN_GOP_FRAMES || seen < MIN_CADENCE) return bars;
  const cadence: number[] = [];
  for (let j = 1; j < keyframes.length; j++) {
    const local = keyframes[j]! - start;
    if (Math.abs(keyframes[j]! - keyframes[j - 1]! - gop) <= 1 && local >= 1 && local < scores.length)
      cadence.push(local);
  }
  if (cadence.length < MIN_CADENCE) return bars;
  cadence.forEach((i, j) => {
    // The pump of this part of the video: its cadence neighbours', two either side (a shot's own
    // grain and contrast set it).
    const near = [
      ...cadence.slice(Math.max(0, j - NEIGHBOURS), j),
      ...cadence.slice(j + 1, j + 1 + NEIGHBOURS),
    ];
    if (near.length < 2) return;
    // The lower median: two of the four may be cuts that landed on the cadence (a montage cut
    // every GOP but one) and still not set the pump.
    const sorted = near.map((n) => scores[n]!).sort((a, b) => a - b);
    const pump = sorted[Math.floor((sorted.length - 1) / 2)]!;
    if (pump < threshold) bars.set(i, PUMP_RATIO * pump);
  });
  return bars;
}

/**
 * The change at frame i is what a keyframe's pump looks like: mostly texture
 * (PUMP_TEXTURE_RATIO), or a shift that keeps the picture's layout (PUMP_LAYOUT_RATIO). Pure.
 */
export function isPump(
  series: { luma: readonly number[]; blocks: readonly number[]; contrast: readonly number[] },
  i: number,
): boolean {
  const blocks = series.blocks[i]!;
  const contrast = Math.max(series.contrast[i - 1] ?? 0, series.contrast[i]!);
  return series.luma[i]! >= PUMP_TEXTURE_RATIO * blocks || blocks <= PUMP_LAYOUT_RATIO * contrast;
}
