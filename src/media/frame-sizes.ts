// A video joined from pieces: its picture size changing mid-stream (where it can happen, what its
// keyframes show, the filter that holds every frame to the first size), its timestamps restarting.
import { FramefleetError, show } from '../errors.js';
import type { Packet } from './packet-times.js';
import { formatRational, type Rational } from './rational.js';

/** What a keyframe scan (scanPackets' `sizes`) shows of a stream joined from pieces. */
export interface StreamJoins {
  /** The sizes its keyframes show, where the size changes mid-stream (in-band formats only; sizeChanges). */
  sizes?: FrameSize[];
  /** Where its timestamps go back (in-band formats only; timestampRestart). */
  timestampRestart?: TimestampRestart;
}

/** Decode times that go back mid-stream: the highest before, the first after, seconds (source clock). */
export interface TimestampRestart {
  fromSec: number;
  toSec: number;
}

/** A decoded keyframe's size and time (seconds, the source's clock; NaN where it has none). */
export interface KeyframeSize {
  timeSec: number;
  width: number;
  height: number;
}

/** A picture size and the time it starts, seconds after the stream's first frame (by timestamp). */
export interface FrameSize {
  width: number;
  height: number;
  atSec: number;
}

/**
 * Containers (ffprobe's format names) whose video carries its parameter sets in-band, where a new
 * one can change the picture size mid-stream: MPEG-TS, MPEG-PS, raw elementary streams, FLV. An
 * MP4, MOV or Matroska file holds one size in its header, and its probe reads no picture.
 */
const IN_BAND = new Set(['mpegts', 'mpeg', 'mpegvideo', 'h264', 'hevc', 'flv']);

export function sizesMayChange(formatName: string): boolean {
  return formatName.split(',').some((name) => IN_BAND.has(name));
}

/**
 * The sizes decoded keyframes show (in file order, times on the source's clock), each with where it
 * starts relative to `startSec`; undefined where there is one size (or none was read). Pure.
 */
export function sizeChanges(keyframes: readonly KeyframeSize[], startSec: number): FrameSize[] | undefined {
  const sizes: FrameSize[] = [];
  for (const k of keyframes) {
    const last = sizes.at(-1);
    if (!(k.width > 0 && k.height > 0) || (last && last.width === k.width && last.height === k.height))
      continue;
    const at = Number.isFinite(k.timeSec) ? Math.max(0, k.timeSec - startSec) : Number.NaN;
    sizes.push({ width: k.width, height: k.height, atSec: last ? Math.round(at * 1e6) / 1e6 : 0 });
  }
  return sizes.length > 1 ? sizes : undefined;
}

/** The sizes and timestamp restart of a scanned stream, each only where there is one. Pure. */
export function streamJoins(
  scan: { packets: readonly Packet[]; keyframeSizes?: readonly KeyframeSize[] },
  startSec: number,
): StreamJoins {
  const sizes = scan.keyframeSizes && sizeChanges(scan.keyframeSizes, startSec);
  const restart = scan.keyframeSizes && timestampRestart(scan.packets);
  return { ...(sizes ? { sizes } : {}), ...(restart ? { timestampRestart: restart } : {}) };
}

/** Steps back in decode time beyond reordering's few frames: a restarted clock. */
const RESTART_SEC = 1;

/**
 * The first place, in file order, where a decode time falls more than RESTART_SEC below the highest
 * before it: a stream whose clock restarts (files joined byte by byte, `cat a.ts b.ts`; a
 * broadcaster's clock reset). Its frames sorted by time interleave the pieces. Pure.
 */
export function timestampRestart(packets: readonly Pick<Packet, 'dts'>[]): TimestampRestart | undefined {
  let highest = -Infinity;
  for (const { dts } of packets) {
    if (dts === undefined || !Number.isFinite(dts)) continue;
    if (dts < highest - RESTART_SEC) return { fromSec: highest, toSec: dts };
    highest = Math.max(highest, dts);
  }
  return undefined;
}

/** "320x240, then 160x120 from 2.000 s": the sizes and where each starts. Pure. */
export function describeSizes(sizes: readonly FrameSize[]): string {
  return sizes
    .map((s, i) => {
      const at = Number.isFinite(s.atSec) ? `${s.atSec.toFixed(3)} s` : 'an unknown time';
      return i === 0 ? `${s.width}x${s.height}` : `then ${s.width}x${s.height} from ${at}`;
    })
    .join(', ');
}

/**
 * The filter that holds every decoded frame to the first size, `width`x`height` with its pixel
 * aspect: a plain scale (a frame of another shape is stretched to it, not padded; a pad after the
 * scale would be set up for one input size only). Needs `-reinit_filter 0` on the input
 * (FIT_INPUT): ffmpeg rebuilds the filter graph when the size changes, which restarts the trims,
 * timestamps and frame-rate grid of every filter after this one; the scale filter follows a new
 * input size by itself. Pure.
 */
export function fitSizeFilter(width: number, height: number, sampleAspect: Rational): string {
  return `scale=${width}:${height},setsar=${formatRational(sampleAspect)}`;
}

/** Input options that keep one filter graph across a size change (see fitSizeFilter). */
export const FIT_INPUT = ['-reinit_filter', '0'] as const;

/**
 * What a run adds for a source that changes size (`fitSize`: its fitSizeFilter, or undefined for
 * any other source): the input options before its `-i` and the filter first of its chain. Pure.
 */
export function fitSizeParts(fitSize: string | undefined): { input: readonly string[]; filters: string[] } {
  return fitSize ? { input: FIT_INPUT, filters: [fitSize] } : { input: [], filters: [] };
}

/** The warning a transcode or ladder of such a source gives. Pure. */
export function sizeChangeWarning(path: string, sizes: readonly FrameSize[]): string {
  const first = sizes[0]!;
  return `input ${show(path)} changes picture size mid-stream (${describeSizes(sizes)}): every frame is scaled to the first size, ${first.width}x${first.height} (stretched where its shape differs)`;
}

/**
 * Refuses a source whose timestamps restart (no seek or frame count follows them), and one that
 * changes size, where `sizes` is set: a job that takes video of one size (render, montage).
 */
export function refuseJoins(path: string, joins: StreamJoins, what: string, sizes = true): void {
  const restart = joins.timestampRestart;
  if (restart) {
    const [from, to] = [restart.fromSec, restart.toSec].map((t) => t.toFixed(3));
    throw new FramefleetError(
      'UNSUPPORTED_MEDIA',
      `${what} ${show(path)} has timestamps that restart mid-stream (from ${from} s back to ${to} s), as files joined byte by byte do (cat a.ts b.ts): join them with ffmpeg's concat demuxer instead (ffmpeg -f concat -safe 0 -i list.txt -c copy joined.ts)`,
    );
  }
  if (!sizes || !joins.sizes) return;
  throw new FramefleetError(
    'UNSUPPORTED_MEDIA',
    `${what} ${show(path)} changes picture size mid-stream (${describeSizes(joins.sizes)}); ${what}s must keep one size: transcode it first (framefleet transcode scales it to its first size)`,
  );
}
