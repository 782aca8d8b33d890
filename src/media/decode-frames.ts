import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { FramefleetError, show } from '../errors.js';
import { SEEK_BACK } from './keyframe-seek.js';
import { seconds } from './range-input.js';
import { uprightSize } from './cover.js';
import { guardedInput, runFfmpeg } from './run.js';

export type DecodeHwaccel = 'none' | 'cuda' | 'vaapi' | 'qsv';

export interface FrameDecodeOptions {
  path: string;
  /** Output size; both even (yuv420p). */
  width: number;
  height: number;
  /**
   * First frame to decode and how many; the source's constant frame rate places the seek, or
   * `startSec` where the rate varies.
   */
  startFrame?: number;
  /**
   * A variable-frame-rate source: where frame `startFrame` starts, seconds after the first frame
   * (halfway from the frame before it, so rounding never loses or adds a frame).
   */
  startSec?: number;
  frameCount?: number;
  fps: number;
  /**
   * A source cut mid-GOP (VideoStreamInfo.undecodableLead): its first keyframe's presentation time,
   * seconds on the source's clock. Frames count from that picture and whatever precedes it is
   * dropped by time, decoding from the first packet: HEVC's decoder (ffmpeg 5.1) shows grey
   * pictures before it where H.264's and MPEG-2's drop them (see rangeInput's cutMidGop).
   */
  firstKeyframeSec?: number;
  /**
   * A container without a keyframe index (MPEG-TS, MPEG-PS), whose demuxer's seek lands on any
   * packet and whose decoder then waits for the next keyframe (an accurate seek to frame
   * `startFrame` lost the frames before it and counted later ones in their place). Decoding starts
   * SEEK_BACK before `keySec` (the keyframe at or before `startFrame`, seconds after the first
   * frame) and what precedes frame `startFrame` is dropped by time on the source's clock:
   * `videoStartSec` is the video's first frame there, `videoOffsetSec` its distance from the
   * container's start (from which -ss counts). Ignored with `firstKeyframeSec`.
   */
  seekBefore?: { keySec: number; videoStartSec: number; videoOffsetSec: number };
  hwaccel?: DecodeHwaccel;
  /** VAAPI render node, e.g. /dev/dri/renderD128. */
  vaapiDevice?: string;
  /**
   * Skip the in-loop deblocking filter, allow non-conformant speed-ups while decoding and scale
   * down with two-tap bilinear instead of area averaging: about 20% less CPU, with block edges
   * and fine grain slightly off, which detecting cuts does not care about (the scene bench
   * proves no cut moves). Deterministic, so shards still see exactly the frames one pass sees.
   * Default true.
   */
  fastDecode?: boolean;
  /**
   * Decoder threads. Default twice the cores (at most 16): with more frames in flight than cores
   * the decoder stays busy while the analysis reads the pipe, about 10% faster than ffmpeg's own
   * cores+1 on the scene benchmark.
   */
  threads?: number;
}

/** Even output size about `targetWidth` wide with the source's display aspect. Pure. */
export function analysisSize(
  source: { width: number; height: number; rotation?: number },
  targetWidth = 256,
): { width: number; height: number } {
  const { width: w, height: h } = uprightSize(source);
  const width = Math.max(2, Math.min(targetWidth, w) & ~1);
  const height = Math.max(2, Math.round((width * h) / Math.max(1, w) / 2) * 2);
  return { width, height };
}

/** ffmpeg arguments that decode frames as raw yuv420p at the analysis size to stdout. Pure. */
export function frameDecodeArgs(options: FrameDecodeOptions): string[] {
  const hw = options.hwaccel ?? 'none';
  const { width: w, height: h } = options;
  const args: string[] = [];
  if (hw === 'cuda') args.push('-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda');
  if (hw === 'vaapi') {
    args.push('-hwaccel', 'vaapi', '-hwaccel_output_format', 'vaapi');
    args.push('-vaapi_device', options.vaapiDevice ?? '/dev/dri/renderD128');
  }
  if (hw === 'qsv') args.push('-hwaccel', 'qsv', '-hwaccel_output_format', 'qsv');
  const fast = options.fastDecode ?? true;
  if (fast) args.push('-skip_loop_filter', 'all', '-flags2', '+fast');
  args.push('-threads', String(options.threads ?? Math.min(16, 2 * availableParallelism())));
  const start = options.startFrame ?? 0;
  const lead = options.firstKeyframeSec;
  // Seek half a frame early: input seeking is exact (it decodes from the keyframe and drops
  // frames before the time), and half a frame keeps timestamp rounding from losing frame `start`.
  const from = options.startSec ?? (start - 0.5) / options.fps;
  const before = start > 0 && lead === undefined ? options.seekBefore : undefined;
  if (before) {
    // Near the start a seek could aim before the first packet: decode from the first frame there.
    if (before.keySec >= 2 * SEEK_BACK)
      args.push('-noaccurate_seek', '-ss', seconds(before.keySec + before.videoOffsetSec - SEEK_BACK));
  } else if (start > 0 && lead === undefined) args.push('-ss', from.toFixed(6));
  // Cut mid-GOP or sought before a keyframe: keep the source's clock and trim on it, half a frame
  // before frame `start`.
  const clock = lead ?? before?.videoStartSec;
  if (clock !== undefined) args.push('-copyts');
  args.push(...guardedInput(options.path));
  const trim = clock === undefined ? '' : `trim=start=${seconds(clock + from)},`;
  const scale: Record<DecodeHwaccel, string> = {
    none: `scale=${w}:${h}:flags=${fast ? 'fast_bilinear' : 'area'},format=yuv420p`,
    // Scale on the GPU, then bring only the small frames back to system memory.
    cuda: `scale_cuda=${w}:${h}:format=yuv420p,hwdownload,format=yuv420p`,
    vaapi: `scale_vaapi=w=${w}:h=${h}:format=nv12,hwdownload,format=nv12,format=yuv420p`,
    qsv: `scale_qsv=w=${w}:h=${h}:format=nv12,hwdownload,format=nv12,format=yuv420p`,
  };
  args.push('-map', '0:v:0', '-an', '-sn', '-dn', '-vf', trim + scale[hw]);
  if (options.frameCount !== undefined) args.push('-frames:v', String(options.frameCount));
  // Keep every decoded frame exactly once: no duplication or dropping to a nominal rate.
  args.push('-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1');
  return args;
}

export interface DecodeFramesRun extends FrameDecodeOptions {
  /** Called for every frame with its global index; the buffer is reused afterwards. */
  onFrame: (index: number, frame: Uint8Array) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Decodes frames and hands them one by one to `onFrame`; returns how many there were. */
export async function decodeFrames(options: DecodeFramesRun): Promise<number> {
  const size = options.width * options.height + 2 * ((options.width >> 1) * (options.height >> 1));
  const start = options.startFrame ?? 0;
  let count = 0;
  const frame = Buffer.alloc(size);
  let filled = 0;
  const onChunk = (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      // A whole frame inside the chunk is handed over in place; only frames split across
      // chunks are assembled in `frame`.
      if (filled === 0 && chunk.length - offset >= size) {
        options.onFrame(start + count++, chunk.subarray(offset, offset + size));
        offset += size;
        continue;
      }
      const take = Math.min(size - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + take);
      filled += take;
      offset += take;
      if (filled === size) {
        options.onFrame(start + count++, frame);
        filled = 0;
      }
    }
  };
  // 'data' events rather than async iteration: one call per chunk, no promise per read.
  const consume = (stdout: Readable) =>
    new Promise<void>((resolve, reject) => {
      stdout.on('data', (chunk: Buffer) => {
        try {
          onChunk(chunk);
        } catch (error) {
          stdout.destroy();
          reject(error);
        }
      });
      stdout.once('end', resolve);
      stdout.once('error', reject);
    });
  await runFfmpeg(frameDecodeArgs(options), {
    consumeStdout: consume,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    label: `decode frames of ${show(options.path)}`,
  }).catch((error: unknown) => {
    throw hwaccelMissing(error, options.hwaccel ?? 'none') ?? error;
  });
  if (count === 0 && (options.frameCount ?? 1) > 0) {
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(options.path)} decoded to no video frames`);
  }
  return count;
}

/** What ffmpeg 5.1 prints when a hardware decoder's device cannot be opened (no GPU, no driver). */
const DEVICE_FAILED =
  /Device creation failed|Device setup failed|No device available for decoder|Failed to set value .* for option 'vaapi_device'/;

/**
 * A decode that failed because the machine has no usable device for `--hwaccel`: the error says so
 * and names the way out, instead of ffmpeg's "Operation not permitted". Undefined for any other
 * failure. Pure.
 */
export function hwaccelMissing(error: unknown, hwaccel: DecodeHwaccel): FramefleetError | undefined {
  if (hwaccel === 'none' || !(error instanceof FramefleetError)) return undefined;
  const tail = error.ffmpegTail ?? error.message;
  if (!DEVICE_FAILED.test(tail)) return undefined;
  // The decoder's own line ("No device available for decoder: device type cuda needed for codec
  // h264") says most; then the option or device line.
  const lines = tail.split('\n').filter((l) => DEVICE_FAILED.test(l));
  const line = (lines.find((l) => l.includes('No device available')) ?? lines.at(-1) ?? '')
    .replace(/^\[[^\]]*\]\s*/, '')
    .trim();
  return new FramefleetError(
    'HWACCEL_UNAVAILABLE',
    `--hwaccel ${hwaccel}: this machine has no usable ${hwaccel} device (ffmpeg: ${line}); decode on the CPU with --hwaccel none`,
    { cause: error, ffmpegTail: error.ffmpegTail },
  );
}
