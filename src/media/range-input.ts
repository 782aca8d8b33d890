import { SEEK_BACK, SEEK_LEAD, VFR_PRE_ROLL } from './keyframe-seek.js';
import { frameTime, formatRational, type Rational } from './rational.js';
import { fitSizeParts } from './frame-sizes.js';

/** Where an exact frame range of a source starts, and how decoding may reach it. */
export interface RangeStart {
  /** First frame (inclusive) on the job's CFR timeline. */
  start: number;
  rate: Rational;
  /** Video stream start minus container start, seconds: -ss counts from the container start. */
  videoOffsetSec: number;
  /**
   * The video stream's start as ffprobe reads it, seconds (absent in plans made before it): a range
   * in a container without a keyframe index is cut by presentation time on the source's own clock.
   */
  videoStartSec?: number | undefined;
  /**
   * The source was cut mid-GOP (VideoStreamInfo.undecodableLead) and `videoStartSec` is its first
   * keyframe: a range decoded from the first packet drops what precedes that by time (cutLeadByTime).
   */
  cutMidGop?: boolean | undefined;
  /** Normalise a variable-frame-rate source onto the `rate` grid. */
  normaliseVfr: boolean;
  /**
   * A source keyframe at or before `start` that decoding may start from (`seekKeyframe`): the seek
   * lands on it instead of a GOP earlier. Absent: the accurate seek, which may decode a GOP more.
   */
  seekKey?: number | undefined;
  /**
   * In a container without a keyframe index (MPEG-TS): the source keyframe at or before `start`
   * that decoding must start before (`seekFrom`), as its demuxer's seek lands on any packet.
   */
  seekBefore?: number | undefined;
  /**
   * `normaliseVfr` in a container without a keyframe index: how far before `start` decoding starts,
   * seconds (`vfrPreRoll`, from its longest GOP). Absent: VFR_PRE_ROLL.
   */
  preRollSec?: number | undefined;
  /**
   * A deinterlacing filter (deinterlaceFilter) run on the decoded frames before the range is cut
   * from them, so its first frame is deinterlaced with the frame before it, as in one pass: the
   * plan's seekKey or seekBefore is for frame `start - 1`.
   */
  deinterlace?: string | undefined;
  /**
   * A source that changes size mid-stream: the filter that scales every decoded frame to its first
   * size (fitSizeFilter), first of all, with the graph kept across the change (FIT_INPUT).
   */
  fitSize?: string | undefined;
}

/**
 * Input options (before `-i`) and the first filters that start decoding exactly at frame `start` of
 * the CFR timeline: what every exact frame range (an encode, a processor's input) is read with. Pure.
 */
export function rangeInput(job: RangeStart): {
  seek: string[];
  filters: string[];
} {
  const args: string[] = [];
  const filters: string[] = [];
  const byTime = cutLeadByTime(job);
  const first = firstDecoded(job.start, job.deinterlace);
  if (job.normaliseVfr) {
    // Keep source timestamps so the fps grid is the same absolute grid in every segment.
    // Not within a second of the start, where a seek could aim before the first packet and a demuxer
    // that cannot seek there may be left anywhere: decoding from the start costs that second.
    const preRoll = frameTime(job.start, job.rate) - (job.preRollSec ?? VFR_PRE_ROLL);
    if (preRoll >= SEEK_BACK) args.push('-ss', seconds(preRoll + job.videoOffsetSec));
    args.push('-copyts', '-start_at_zero');
    filters.push(
      `fps=fps=${formatRational(job.rate)}:start_time=0`,
      `trim=start_frame=${job.start}`,
      'setpts=PTS-STARTPTS',
    );
  } else if (job.start > 0 && job.seekKey !== undefined && job.seekKey <= first) {
    // ffmpeg seeks 3/23 s early in a stream with B-frames (its demuxers seek by decode time), so an
    // accurate seek to a keyframe lands a whole GOP before it. Aim SEEK_LEAD past the keyframe
    // instead, where the demuxer still finds it (never the next one: `seekKeyframe` keeps them far
    // enough apart), keep the source timestamps and drop what precedes frame `start` by time,
    // half a frame early as below. Landing earlier would only cost decoding, never a frame.
    args.push(
      '-noaccurate_seek',
      '-ss',
      seconds(frameTime(job.seekKey, job.rate) + job.videoOffsetSec + SEEK_LEAD),
    );
    args.push('-copyts', '-start_at_zero');
    filters.push(
      `trim=start=${seconds(frameTime(job.start - 0.5, job.rate) + job.videoOffsetSec)}`,
      'setpts=PTS-STARTPTS',
    );
  } else if (job.start > 0 && job.seekBefore !== undefined && job.seekBefore <= first) {
    // A demuxer without a keyframe index (MPEG-TS, MPEG-PS) lands on the packet before the target,
    // not on a keyframe, and decoding waits for the next one: an accurate seek near frame `start`
    // began at the keyframe after it (a segment short, or holding later frames). Aim SEEK_BACK
    // before the keyframe at or before `start` and drop what precedes frame `start` by time.
    const key = frameTime(job.seekBefore, job.rate);
    if (key < 2 * SEEK_BACK) {
      // So near the start, a seek could aim before the first packet, and a demuxer that cannot seek
      // there may be left anywhere: decode from the first frame and drop `start` frames.
      if (byTime) args.push('-copyts');
      filters.push(byTime ?? `trim=start_frame=${job.start}`, 'setpts=PTS-STARTPTS');
    } else {
      const from = key + job.videoOffsetSec - SEEK_BACK;
      args.push('-noaccurate_seek', '-ss', seconds(from));
      // On the source's own clock (-copyts) where the plan has the video's start: ffmpeg re-bases a
      // seek's timestamps on its own idea of the container's start, which is not always ffprobe's
      // (an MPEG-PS whose MP2 audio starts 11 ms before its video: every frame came 11 ms late, and
      // a segment started a frame early). Plans made before it count from the seek point.
      if (job.videoStartSec !== undefined) args.push('-copyts');
      const startSec =
        job.videoStartSec !== undefined
          ? job.videoStartSec + frameTime(job.start - 0.5, job.rate)
          : frameTime(job.start - 0.5, job.rate) + job.videoOffsetSec - from;
      filters.push(`trim=start=${seconds(startSec)}`, 'setpts=PTS-STARTPTS');
    }
  } else if (job.start === 0 && byTime) {
    args.push('-copyts');
    filters.push(byTime, 'setpts=PTS-STARTPTS');
  } else if (job.start > 0 && job.deinterlace) {
    // The accurate seek drops what precedes it before any filter: keep frame `start - 1` for the
    // deinterlacer (half a frame before it), and drop it after.
    args.push('-ss', seconds(frameTime(job.start - 1.5, job.rate) + job.videoOffsetSec));
    filters.push('trim=start_frame=1', 'setpts=PTS-STARTPTS');
  } else {
    // Half a frame before frame `start`: the accurate seek keeps it and drops its predecessor.
    if (job.start > 0) args.push('-ss', seconds(frameTime(job.start - 0.5, job.rate) + job.videoOffsetSec));
    filters.push('setpts=PTS-STARTPTS');
  }
  // First, on every decoded frame: its output frames keep their input's count and timestamps.
  if (job.deinterlace) filters.unshift(job.deinterlace);
  const fit = fitSizeParts(job.fitSize);
  return { seek: [...fit.input, ...args], filters: [...fit.filters, ...filters] };
}

/**
 * The first frame a range from `start` must decode: the one before it where it is deinterlaced
 * (see RangeStart.deinterlace), which the plan's seek is for. Pure.
 */
export function firstDecoded(start: number, deinterlace: string | undefined): number {
  return deinterlace && start > 0 ? start - 1 : start;
}

/**
 * A source cut mid-GOP, decoded from its first packet: the trim (with -copyts, on the source's own
 * clock) that starts at frame `start` counted from its first keyframe. H.264's and MPEG-2's decoders
 * drop the pictures before that keyframe; HEVC's (ffmpeg 5.1) shows them, grey, concealed from
 * references it never had (it skips only a CRA's RASL pictures): counted as frames, they took the
 * place of the video's first frames. All of them precede the keyframe in presentation order.
 * Undefined for any other source. Pure.
 */
function cutLeadByTime(job: RangeStart): string | undefined {
  if (!job.cutMidGop || job.videoStartSec === undefined) return undefined;
  return `trim=start=${seconds(job.videoStartSec + frameTime(job.start - 0.5, job.rate))}`;
}

/** Seconds as ffmpeg's time options take them, never negative. Pure. */
export function seconds(value: number): string {
  return Math.max(0, value).toFixed(6);
}
