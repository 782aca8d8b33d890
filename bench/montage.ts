import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encoderByName } from '../src/media/encoders/catalogue.js';
import { probe } from '../src/media/probe.js';
import { rationalValue } from '../src/media/rational.js';
import type { Edl } from '../src/pipelines/montage/edl.js';
import { cpuSeconds } from './lib/cpu-time.js';
import { makeMontageClips, makeMontageMusic } from './lib/montage-media.js';

const WORK = resolve('bench/.work/montage');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_MONTAGE_SECONDS ?? 60);
const FPS = 30;
const HEIGHT = 720;
/** fast|balanced|quality: the same for framefleet and both peers. */
const PRESET = (process.env.BENCH_PRESET ?? 'balanced') as 'fast' | 'balanced' | 'quality';
const WIDTH = 1280;

/** Wall seconds and CPU seconds (user+sys of the whole process tree, from this process's children). */
function timed(cmd: string, args: string[]): Promise<{ sec: number; cpu: number; stdout: string }> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const cpuBefore = cpuSeconds() ?? 0;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${cmd} ${args.slice(0, 6).join(' ')}... exited ${code}: ${stderr}`));
      else {
        const cpu = (cpuSeconds() ?? Number.NaN) - cpuBefore;
        done({ sec: Number(process.hrtime.bigint() - started) / 1e9, cpu, stdout });
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The job's encoder arguments: the peers encode with exactly these (libx264, quality 70, balanced). */
export function x264Args(): string[] {
  const encoder = encoderByName('libx264')!;
  return ['-c:v', 'libx264', ...encoder.args({ quality: 70, preset: PRESET, gopFrames: 2 * FPS })];
}

/** One ffmpeg command rendering the whole edit list (per-entry inputs, one filter graph, concat). */
export function filterComplexArgs(
  edl: Edl,
  clips: string[],
  clipFps: number[],
  music: string,
  output: string,
): string[] {
  const args: string[] = ['-hide_banner', '-loglevel', 'error', '-y'];
  const chains: string[] = [];
  edl.entries.forEach((e, i) => {
    const fps = clipFps[e.clip]!;
    const frames = e.recordEnd - e.recordStart;
    const seek = ((e.sourceStart - 0.5) / fps).toFixed(6);
    args.push('-ss', seek, '-t', ((frames + 2) / FPS).toFixed(6), '-i', clips[e.clip]!);
    chains.push(
      `[${i}:v]setpts=PTS-STARTPTS,fps=${FPS},scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=increase,crop=${WIDTH}:${HEIGHT},setsar=1,trim=end_frame=${frames},tpad=stop_mode=clone:stop=${frames},trim=end_frame=${frames},format=yuv420p[v${i}]`,
    );
  });
  const d = (edl.totalFrames / FPS).toFixed(6);
  args.push('-i', music);
  const m = edl.entries.length;
  chains.push(
    `${edl.entries.map((_, i) => `[v${i}]`).join('')}concat=n=${m}:v=1:a=0[v]`,
    `[${m}:a]atrim=end=${d},loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000,aformat=channel_layouts=stereo,atrim=end=${d},afade=t=out:st=${(edl.totalFrames / FPS - 1).toFixed(6)}:d=1[a]`,
  );
  args.push('-filter_complex', chains.join(';'), '-map', '[v]', '-map', '[a]', ...x264Args());
  args.push('-c:a', 'aac', '-b:a', '192k', '-movflags', '+faststart', output);
  return args;
}

/**
 * framefleet montage (analysis cached, as for a second cut of the same footage) against (a) plainly
 * re-encoding its finished output with the same encoder settings and (b) one ffmpeg filter_complex
 * command rendering the same edit list; alternating runs, medians and ratios.
 */
export async function run(): Promise<void> {
  await mkdir(join(WORK, 'clips'), { recursive: true });
  const music = join(WORK, 'music-128.wav');
  if (!(await stat(music).catch(() => undefined))) {
    process.stdout.write('generating 8 clips (6 with motion, 1 black, 1 blurred) at 720p30, 12 s each...\n');
    await makeMontageClips(join(WORK, 'clips'), { usable: 6, seconds: 12, size: '1280x720', fps: FPS });
    const track = await makeMontageMusic(WORK, 128, SECONDS + 4);
    await rename(track.path, music);
  }
  const dataDir = join(WORK, 'data');
  const cli = resolve('dist/cli/index.js');
  const ours = (n: number) => [
    cli,
    'montage',
    '--clips',
    join(WORK, 'clips'),
    '--music',
    music,
    '-o',
    join(WORK, `framefleet-${n}.mp4`),
    '--duration',
    String(SECONDS),
    '--height',
    String(HEIGHT),
    '--encoder',
    'libx264',
    '--preset',
    PRESET,
    '--quality',
    '70',
    '--data-dir',
    dataDir,
    '--json',
    '-y',
  ];
  await rm(dataDir, { recursive: true, force: true });
  process.stdout.write(`load before: ${(await readFile('/proc/loadavg', 'utf8')).trim()}\n`);
  const cold = await timed(process.execPath, ours(0));
  const line = JSON.parse(cold.stdout.trim().split('\n').at(-1)!) as { editList: Edl; entries: number };
  const edl = line.editList;
  const clips = (await readdir(join(WORK, 'clips'))).sort().map((n) => join(WORK, 'clips', n));
  const clipFps = await Promise.all(
    clips.map(async (c) => rationalValue((await probe(c, { headerOnly: true })).video!.frameRate)),
  );
  process.stdout.write(
    `cold (analysis + render): ${cold.sec.toFixed(1)} s wall, ${cold.cpu.toFixed(1)} s CPU, ${line.entries} entries\n`,
  );
  const times = { framefleet: [] as number[], reencode: [] as number[], filterComplex: [] as number[] };
  const cpu = { framefleet: [] as number[], reencode: [] as number[], filterComplex: [] as number[] };
  const measure = async (name: keyof typeof times, cmd: string, args: string[]) => {
    const t = await timed(cmd, args);
    times[name].push(t.sec);
    cpu[name].push(t.cpu);
  };
  for (let i = 1; i <= RUNS; i++) {
    await measure('framefleet', process.execPath, ours(i));
    const reencode = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      join(WORK, 'framefleet-0.mp4'),
      ...x264Args(),
      '-c:a',
      'copy',
      join(WORK, 'reencode.mp4'),
    ];
    await measure('reencode', 'ffmpeg', reencode);
    await measure(
      'filterComplex',
      'ffmpeg',
      filterComplexArgs(edl, clips, clipFps, music, join(WORK, 'fc.mp4')),
    );
    const last = (name: keyof typeof times) =>
      `${times[name].at(-1)!.toFixed(1)} s (${cpu[name].at(-1)!.toFixed(1)} s CPU)`;
    process.stdout.write(
      `run ${i}: framefleet ${last('framefleet')}, re-encode ${last('reencode')}, filter_complex ${last('filterComplex')}\n`,
    );
  }
  const ff = median(times.framefleet);
  const a = median(times.reencode);
  const b = median(times.filterComplex);
  const [ffCpu, aCpu, bCpu] = [cpu.framefleet, cpu.reencode, cpu.filterComplex].map(median) as [
    number,
    number,
    number,
  ];
  const fcFrames = (await probe(join(WORK, 'fc.mp4'))).video?.frameCount;
  process.stdout.write(
    `montage ${SECONDS} s ${WIDTH}x${HEIGHT}@${FPS}, libx264 ${PRESET}, ${edl.entries.length} entries, ${RUNS} runs (medians):\n` +
      `  framefleet (analysis cached) ${ff.toFixed(1)} s | (a) re-encode of its output ${a.toFixed(1)} s | (b) one filter_complex ${b.toFixed(1)} s (${fcFrames} frames)\n` +
      `  wall ratio vs (a): ${(ff / a).toFixed(2)} (target <= 1.3)   wall ratio vs (b): ${(ff / b).toFixed(2)} (target <= 1.0)\n` +
      `  CPU  framefleet ${ffCpu.toFixed(1)} s | (a) ${aCpu.toFixed(1)} s | (b) ${bCpu.toFixed(1)} s;` +
      ` CPU ratio vs (a): ${(ffCpu / aCpu).toFixed(2)}   CPU ratio vs (b): ${(ffCpu / bCpu).toFixed(2)}\n` +
      `  load after: ${(await readFile('/proc/loadavg', 'utf8')).trim()}\n`,
  );
}
