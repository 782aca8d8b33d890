import { FramefleetError } from '../errors.js';
import { runFfmpeg } from './run.js';

export interface SampleClipOptions {
  path: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Seconds per scene; the clip is the concatenation of these scenes. */
  scenes?: number[];
  audio?: boolean;
  /** Keyframe interval of the generated file in frames; default two seconds. */
  gop?: number;
  /** Let the encoder add keyframes at scene changes (default true, as cameras and editors do). */
  sceneKeyframes?: boolean;
  /** Deterministic film grain strength (0 = none). */
  grain?: number;
  timeoutMs?: number;
}

export interface SampleClip {
  path: string;
  frames: number;
  fps: number;
  /** First frame index of each scene after the first: the ground-truth hard cuts. */
  cuts: number[];
}

// Cheap lavfi sources with motion, rendered small and scaled where the source is slow at 1080p.
const SCENE_SOURCES = [
  (w: number, h: number, r: number) => `testsrc2=s=${w}x${h}:r=${r}`,
  // Not `gradients` with its default colours: they are random on every run, whatever its seed.
  (w: number, h: number, r: number) => `testsrc=s=${w}x${h}:r=${r},hue=h=t*60:s=1.3`,
  (w: number, h: number, r: number) =>
    `life=s=${Math.round(w / 4)}x${Math.round(h / 4)}:r=${r}:mold=10:ratio=0.5:seed=3,scale=${w}:${h}:flags=neighbor`,
  (w: number, h: number, r: number) => `smptehdbars=s=${w}x${h}:r=${r},scroll=h=0.004`,
  (w: number, h: number, r: number) =>
    `mandelbrot=s=${Math.round(w / 2)}x${Math.round(h / 2)}:r=${r},scale=${w}:${h}`,
  (w: number, h: number, r: number) =>
    `cellauto=s=${Math.round(w / 4)}x${Math.round(h / 4)}:r=${r}:rule=110:seed=5,scale=${w}:${h}:flags=neighbor`,
];

/** Builds the ffmpeg arguments for a multi-scene sample clip. Pure. */
export function sampleClipArgs(options: SampleClipOptions): { args: string[]; clip: SampleClip } {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 30;
  const scenes = options.scenes ?? [2, 2, 2];
  const gop = options.gop ?? fps * 2;
  const parts: string[] = [];
  const cuts: number[] = [];
  let frames = 0;
  scenes.forEach((seconds, i) => {
    const n = Math.round(seconds * fps);
    if (i > 0) cuts.push(frames);
    frames += n;
    const source = SCENE_SOURCES[i % SCENE_SOURCES.length]!(width, height, fps);
    parts.push(`${source},trim=end_frame=${n},setpts=PTS-STARTPTS,format=yuv420p,setsar=1[v${i}]`);
  });
  const grain = options.grain ? `,noise=alls=${options.grain}:allf=t` : '';
  const graph = `${parts.join(';')};${scenes.map((_, i) => `[v${i}]`).join('')}concat=n=${scenes.length}:v=1:a=0${grain}[v]`;
  const seconds = frames / fps;
  const args = ['-y', '-filter_complex', graph];
  if (options.audio ?? true) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=330:beep_factor=4:sample_rate=48000:duration=${seconds}`);
  }
  args.push('-map', '[v]');
  if (options.audio ?? true) args.push('-map', '0:a', '-c:a', 'aac', '-b:a', '128k', '-ac', '2');
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '18',
    '-g',
    String(gop),
    ...(options.sceneKeyframes === false ? ['-sc_threshold', '0'] : []),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    options.path,
  );
  return { args, clip: { path: options.path, frames, fps, cuts } };
}

/** Renders a sample clip with several scenes, motion and (by default) a beeping stereo track. */
export async function generateSampleClip(options: SampleClipOptions): Promise<SampleClip> {
  const { args, clip } = sampleClipArgs(options);
  try {
    await runFfmpeg(args, { timeoutMs: options.timeoutMs ?? 10 * 60_000, label: 'generate sample clip' });
  } catch (error) {
    throw new FramefleetError('INTERNAL', `could not generate sample clip: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return clip;
}
