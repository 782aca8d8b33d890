import { FramefleetError, show } from '../errors.js';
import { writeAtomically, type Publisher } from '../storage/atomic-output.js';
import { checkOutputTarget } from '../storage/output-target.js';
import { probe, type MediaInfo } from './probe.js';
import { guardedInput, runFfmpeg } from './run.js';

export interface ProxyOptions {
  input: string;
  output: string;
  /** Largest output height; the width follows the aspect ratio. Default 360. */
  height?: number;
  /** x264 CRF; default 28 (small files, good enough to cut and analyse). */
  crf?: number;
  /** Replace an existing output (never the input). */
  overwrite?: boolean;
  /** How the caller asks for a replacement, named when an existing output is refused. */
  overwriteHint?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** How the output is written atomically; default: a temporary file beside it, renamed once verified. */
  publish?: Publisher;
}

export interface ProxyResult {
  input: string;
  output: string;
  width: number;
  height: number;
  frames: number;
  durationSec: number;
  sizeBytes: number;
}

/** ffmpeg arguments for a low-resolution, all-intra-friendly editing proxy. Pure. */
export function proxyArgs(options: ProxyOptions, tempOutput: string, hasAudio: boolean): string[] {
  const height = options.height ?? 360;
  const args = ['-y', ...guardedInput(options.input), '-map', '0:v:0'];
  if (hasAudio) args.push('-map', '0:a:0');
  args.push(
    // Never upscale; keep even dimensions for yuv420p (an odd source or --height loses a row).
    '-vf',
    `scale=-2:'trunc(min(${height},ih)/2)*2':flags=bicubic,format=yuv420p`,
    // Same frames as the source: edits made on the proxy map frame-for-frame to the original.
    '-fps_mode',
    'passthrough',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(options.crf ?? 28),
    // Short GOPs make scrubbing and frame-accurate seeking in editors cheap.
    '-g',
    '15',
  );
  if (hasAudio) args.push('-c:a', 'aac', '-b:a', '96k', '-ac', '2');
  args.push('-movflags', '+faststart', '-f', 'mp4', tempOutput);
  return args;
}

/** Writes a low-res proxy of `input` to `output` (atomically) and verifies its frame count. */
export async function makeProxy(options: ProxyOptions): Promise<ProxyResult> {
  await checkOutputTarget(options.output, [options.input], options);
  const source: MediaInfo = await probe(options.input, { signal: options.signal });
  if (!source.video) {
    throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(options.input)} has no video stream to proxy`);
  }
  const frames = source.video.frameCount;
  const publish: Publisher =
    options.publish ?? ((output, write, guard) => writeAtomically(output, undefined, write, guard));
  const guard = {
    overwrite: options.overwrite,
    overwriteHint: options.overwriteHint,
    inputs: [options.input],
  };
  const { value: made, size } = await publish(
    options.output,
    async (temp) => {
      await runFfmpeg(proxyArgs(options, temp, source.audio !== undefined), {
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        label: `proxy of ${show(options.input)}`,
      });
      const made = await probe(temp, { signal: options.signal });
      if (made.video?.frameCount !== frames) {
        throw new FramefleetError(
          'VERIFY_FAILED',
          `proxy of ${show(options.input)} has ${made.video?.frameCount ?? 0} frames, source has ${frames}`,
        );
      }
      return { ...made, video: made.video };
    },
    guard,
  );
  return {
    input: options.input,
    output: options.output,
    width: made.video.width,
    height: made.video.height,
    frames: made.video.frameCount,
    durationSec: made.durationSec,
    sizeBytes: size,
  };
}
