/**
 * The NVDEC scene path against the CPU path on the same machine, in the same run: the hard reel
 * (bench/scenes.ts) at 360p, 720p and 1080p in H.264, and at 1080p in HEVC, analysed with
 * `--hwaccel none` (the CPU decoders, loop filter skipped, fast bilinear scaling) and with
 * `--hwaccel cuda` (NVDEC decodes, scale_cuda scales on the GPU, only the small frames come back).
 * Beside them the floors: a plain `ffmpeg -i X -f null -` decode on the CPU, and an NVDEC decode
 * scaled on the GPU to the analysis size. Per reel: median wall of the rounds, frames per second,
 * CPU seconds, F1 of both paths and whether they found the same cuts.
 *
 * Needs an NVIDIA GPU with its driver's CUDA and NVDEC libraries and an ffmpeg built with
 * ffnvcodec and scale_cuda (Debian's is); elsewhere it says why and stops. The reels are the
 * scene bench's, generated here with libx264/libx265 where missing.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { promisify } from 'node:util';
import type { SceneResult } from '../src/analysis/scenes/index.js';
import { analysisSize } from '../src/media/decode-frames.js';
import { binaries } from '../src/media/binaries.js';
import { runFfmpeg } from '../src/media/run.js';
import { analyzeScenes } from '../src/pipelines/analyze/index.js';
import { scoreCuts } from './lib/cut-score.js';
import { hevcReel, reel, SIZES, timed, type Timed } from './lib/scene-reels.js';

const exec = promisify(execFile);
const ROUNDS = 3;

/** Why CUDA cannot be used here, or undefined where a CUDA device opens. */
async function cudaMissing(): Promise<string | undefined> {
  try {
    await exec(binaries().ffmpeg, [
      '-hide_banner',
      '-v',
      'error',
      '-init_hw_device',
      'cuda=gpu',
      '-filter_hw_device',
      'gpu',
      '-f',
      'lavfi',
      '-i',
      'nullsrc=s=64x64:d=0.1',
      '-vf',
      'format=nv12,hwupload,scale_cuda=32:32',
      '-f',
      'null',
      '-',
    ]);
    return undefined;
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    return text.trim().split('\n').slice(-2).join(' / ');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(runs: Timed<unknown>[], frames: number): { wall: number; cpu: number; fps: number } {
  const wall = median(runs.map((r) => r.wall));
  return { wall, cpu: median(runs.map((r) => r.cpu)), fps: frames / wall };
}

const hardCuts = (r: SceneResult) => r.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
const gradual = (r: SceneResult) => r.cuts.filter((c) => c.kind === 'gradual').map((c) => c.frame);

export async function run(): Promise<void> {
  const why = await cudaMissing();
  if (why) {
    process.stdout.write(`scenes-gpu skipped: no usable CUDA device here (ffmpeg: ${why})\n`);
    return;
  }
  const reels = [];
  for (const size of SIZES) {
    const r = await reel(size);
    reels.push({ name: `${size.height}p H.264`, ...r, size });
  }
  const last = reels[reels.length - 1]!;
  reels.push({ ...last, name: `${last.size.height}p HEVC`, path: await hevcReel(last.path) });
  process.stdout.write(
    `cores ${availableParallelism()}, load ${loadavg()[0]!.toFixed(1)}; median of ${ROUNDS} alternating rounds\n`,
  );
  // One untimed run of each path first: module loading, and the driver's first context.
  await analyzeScenes(reels[0]!.path);
  await analyzeScenes(reels[0]!.path, { hwaccel: 'cuda' });
  const worst = { ratio: Infinity, sameEverywhere: true };
  for (const { name, path, truth, size } of reels) {
    const { width, height } = analysisSize(size);
    const cpuFloor = () => runFfmpeg(['-i', path, '-f', 'null', '-'], { label: 'plain decode' });
    const gpuFloor = () =>
      runFfmpeg(
        [
          '-hwaccel',
          'cuda',
          '-hwaccel_output_format',
          'cuda',
          '-i',
          path,
          '-vf',
          `scale_cuda=${width}:${height}:format=yuv420p,hwdownload,format=yuv420p`,
          '-f',
          'null',
          '-',
        ],
        { label: 'NVDEC decode' },
      );
    const runs = {
      cpuFloor: [] as Timed<unknown>[],
      gpuFloor: [] as Timed<unknown>[],
      cpu: [] as Timed<SceneResult>[],
      gpu: [] as Timed<SceneResult>[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      runs.cpuFloor.push(await timed(cpuFloor));
      runs.cpu.push(await timed(() => analyzeScenes(path)));
      runs.gpuFloor.push(await timed(gpuFloor));
      runs.gpu.push(await timed(() => analyzeScenes(path, { hwaccel: 'cuda' })));
    }
    const cpuResult = runs.cpu[0]!.value;
    const gpuResult = runs.gpu[0]!.value;
    const f1 = (r: SceneResult) => scoreCuts(hardCuts(r), truth, 2, gradual(r)).f1;
    const same =
      JSON.stringify(hardCuts(cpuResult)) === JSON.stringify(hardCuts(gpuResult)) &&
      gradual(cpuResult).length === gradual(gpuResult).length;
    const s = {
      cpuFloor: summary(runs.cpuFloor, truth.frames),
      gpuFloor: summary(runs.gpuFloor, truth.frames),
      cpu: summary(runs.cpu, truth.frames),
      gpu: summary(runs.gpu, truth.frames),
    };
    const line = (label: string, x: { wall: number; cpu: number; fps: number }) =>
      `    ${label.padEnd(28)} ${x.wall.toFixed(3)} s wall  ${x.fps.toFixed(0).padStart(5)} fps  ${x.cpu.toFixed(2)} CPU s\n`;
    process.stdout.write(
      `${name}: ${truth.frames} frames, analysis frames ${width}x${height}\n` +
        line('plain decode, CPU', s.cpuFloor) +
        line('framefleet, --hwaccel none', s.cpu) +
        line('NVDEC decode + scale_cuda', s.gpuFloor) +
        line('framefleet, --hwaccel cuda', s.gpu) +
        `    GPU path / CPU path: ${(s.cpu.wall / s.gpu.wall).toFixed(2)}x faster wall, ` +
        `${(s.cpu.cpu / Math.max(0.01, s.gpu.cpu)).toFixed(2)}x less CPU; ` +
        `F1 CPU ${f1(cpuResult).toFixed(3)} GPU ${f1(gpuResult).toFixed(3)}; cuts ${same ? 'identical' : 'DIFFER'} ` +
        `(hard ${hardCuts(cpuResult).length}/${hardCuts(gpuResult).length}, gradual ${gradual(cpuResult).length}/${gradual(gpuResult).length})\n`,
    );
    if (!same) {
      process.stdout.write(
        `    CPU hard ${hardCuts(cpuResult).join(',')}\n    GPU hard ${hardCuts(gpuResult).join(',')}\n`,
      );
    }
    worst.ratio = Math.min(worst.ratio, s.cpu.wall / s.gpu.wall);
    worst.sameEverywhere &&= same;
  }
  process.stdout.write(
    `summary: GPU path at least ${worst.ratio.toFixed(2)}x the CPU path's speed; cuts ${worst.sameEverywhere ? 'identical on every reel' : 'differ on some reel'}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
