/** The scene benchmarks' reels and timing: shared by bench/scenes.ts and bench/scenes-gpu.ts. */
import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/media/run.js';
import { cpuSeconds } from './cpu-time.js';
import { HARD_SEGMENTS, sceneVideoArgs, type SceneTruth } from './scene-video.js';

export const SIZES = [
  { width: 640, height: 360, maxrate: '2M' },
  { width: 1280, height: 720, maxrate: '6M' },
  { width: 1920, height: 1080, maxrate: '10M' },
];

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The reel at one size: film grain, encoded at a distribution-like bitrate. Cached by recipe. */
export async function reel(size: (typeof SIZES)[number]): Promise<{ path: string; truth: SceneTruth }> {
  const dir = join(process.cwd(), 'bench', '.work', 'scenes');
  await mkdir(dir, { recursive: true });
  const recipe = { ...size, fps: 30, grain: 8, crf: 23, segments: HARD_SEGMENTS };
  const hash = createHash('sha1').update(JSON.stringify(recipe)).digest('hex').slice(0, 10);
  const path = join(dir, `hard-${size.height}p-${hash}.mp4`);
  const { args, truth } = sceneVideoArgs({ path, ...recipe });
  if (!(await exists(path))) {
    process.stdout.write(
      `generating the ${size.height}p hard reel (once; cached in bench/.work/scenes)...\n`,
    );
    await runFfmpeg(args, { label: 'generate scene bench reel' });
  }
  return { path, truth };
}

export interface Timed<T> {
  value: T;
  wall: number;
  cpu: number;
}

/** Wall and CPU seconds (this process and its waited-for children) of one call. */
export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const cpu0 = cpuSeconds() ?? 0;
  const t0 = performance.now();
  const value = await work();
  return { value, wall: (performance.now() - t0) / 1000, cpu: (cpuSeconds() ?? 0) - cpu0 };
}

/** A reel re-encoded as HEVC (x265): the codec whose CPU decode costs most. */
export async function hevcReel(path: string): Promise<string> {
  const out = path.replace(/\.mp4$/, '-hevc.mp4');
  if (!(await exists(out))) {
    process.stdout.write('encoding the 1080p reel as HEVC (once; cached beside it)...\n');
    await runFfmpeg(
      [
        '-i',
        path,
        '-c:v',
        'libx265',
        '-preset',
        'fast',
        '-b:v',
        '6M',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
        '-an',
        out,
      ],
      { label: 'encode HEVC reel' },
    );
  }
  return out;
}
