import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSampleClip } from '../src/media/generate.js';
import { probe } from '../src/media/probe.js';
import { psnrByIndex } from '../src/media/quality.js';
import { ltsNode } from './lib/lts-node.js';

const WORK = resolve('bench/.work/transcode');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Sample {
  wall: number;
  /** user + system seconds of the process and every child it waited for (ffmpeg, ffprobe). */
  cpu: number;
}

/** Runs a command under /usr/bin/time: wall and the CPU seconds of its whole process tree. */
function timed(cmd: string, args: string[]): Promise<Sample> {
  const report = join(WORK, `time-${process.pid}.txt`);
  return new Promise((done, fail) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S', '-o', report, cmd, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      readFile(report, 'utf8').then((text) => {
        const [wall, user, sys] = text.trim().split('\n').pop()!.split(' ').map(Number);
        done({ wall: wall!, cpu: user! + sys! });
      }, fail);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg()[0]!.toFixed(1);

interface Clip {
  name: string;
  file: string;
  width: number;
  height: number;
  scenes: number[];
  /** Film grain (temporal noise): camera footage costs an encoder several times a clean synthetic clip. */
  grain?: number;
  /** The target for this clip; none: printed for reference. */
  target?: string;
}

const CLIPS: Clip[] = [
  {
    name: '10 s 540p grain',
    file: 'source-540p30-10s-grain.mp4',
    width: 960,
    height: 540,
    scenes: [2.5, 2.5, 2.5, 2.5],
    grain: 8,
    target: 'overhead <= 0.4 s, wall ratio <= 1.05',
  },
  {
    // The worst case for fixed costs: clean test patterns encode at 5x real time, so the same
    // fixed overhead is a far larger share than on footage.
    name: '10 s 540p clean',
    file: 'source-540p30-10s.mp4',
    width: 960,
    height: 540,
    scenes: [2.5, 2.5, 2.5, 2.5],
  },
  {
    name: '24 s 1080p',
    file: 'source-1080p30-24s.mp4',
    width: 1920,
    height: 1080,
    scenes: [4, 4, 4, 4, 4, 4],
    target: 'wall ratio <= 1.0',
  },
];

/**
 * framefleet split-and-stitch vs one plain ffmpeg command with identical x264 settings, alternating,
 * on a short 540p clip (camera-like grain, and clean) and the 24 s 1080p clip: wall and CPU-second ratios and the fixed overhead
 * (framefleet's wall minus ffmpeg's). Each clip gets one untimed warm-up of both (page cache, and
 * framefleet's smoke test cached in its data dir, as on any machine it has run on before: that
 * cold run is printed too); each timed framefleet run is a new job with all of its fixed costs.
 */
export async function run(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const preset = process.env.BENCH_PRESET ?? 'balanced';
  const x264Preset = { fast: 'veryfast', balanced: 'medium', quality: 'slow' }[preset]!;
  const rows: string[] = [];
  // BENCH_CLIPS=540p (or 1080p) runs one clip only.
  const only = process.env.BENCH_CLIPS;
  if (!only || only.includes('1080')) await calibrated();
  for (const clip of CLIPS.filter((c) => !only || c.name.includes(only))) {
    rows.push(await benchClip(clip, preset, x264Preset));
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
}

/**
 * The planner's per-machine choice at 1080p (one encode or two at once) is part of what is measured:
 * `framefleet calibrate` runs once where this machine has no profile yet (~40 s), else its saved
 * answer is printed. BENCH_CALIBRATE=1 measures again.
 */
async function calibrated(): Promise<void> {
  const cli = resolve('dist/cli/index.js');
  const saved = (await capture(process.execPath, [cli, 'calibrate', '--show', '--json'])).trim();
  if (process.env.BENCH_CALIBRATE !== '1' && saved !== 'null') {
    const shown = await capture(process.execPath, [cli, 'calibrate', '--show']);
    process.stdout.write(`calibration (saved): ${shown.trim().replace(/\n/g, '; ')}\n`);
    return;
  }
  process.stdout.write(`calibration (measuring once on this machine):\n`);
  process.stdout.write(await capture(process.execPath, [cli, 'calibrate']));
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

async function benchClip(clip: Clip, preset: string, x264Preset: string): Promise<string> {
  const lts = await ltsNode();
  const source = join(WORK, clip.file);
  if (!(await stat(source).catch(() => undefined))) {
    process.stdout.write(
      `generating ${clip.name} source (${clip.scenes.length} scenes, motion, stereo audio)...\n`,
    );
    await generateSampleClip({
      path: source,
      width: clip.width,
      height: clip.height,
      fps: 30,
      scenes: clip.scenes,
      ...(clip.grain ? { grain: clip.grain } : {}),
    });
  }
  const info = await probe(source);
  const dataDir = join(WORK, 'data');
  await rm(dataDir, { recursive: true, force: true });
  const ours = (i: number) => join(WORK, `framefleet-${i}.mp4`);
  const theirs = join(WORK, 'ffmpeg.mp4');
  const ffArgs = (i: number) => [
    resolve('dist/cli/index.js'),
    'transcode',
    source,
    '-o',
    ours(i),
    '-y',
    '--encoder',
    'libx264',
    '--preset',
    preset,
    '--quality',
    '70',
    '--quiet',
    '--data-dir',
    dataDir,
  ];
  const plainArgs = [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', source, '-map', '0:v:0', '-map', '0:a:0'],
    ...['-c:v', 'libx264', '-preset', x264Preset, '-crf', '23', '-x264-params', 'keyint=60:open_gop=0'],
    ...['-c:a', 'copy', '-movflags', '+faststart', theirs],
  ];
  process.stdout.write(
    `\n${clip.name}: ${info.video!.width}x${info.video!.height} ${info.video!.frameCount} frames, ${info.durationSec.toFixed(1)} s; libx264 ${x264Preset} crf 23; ${RUNS} alternating runs each\n`,
  );
  await timed('ffmpeg', plainArgs);
  const cold = await timed(process.execPath, ffArgs(0));
  process.stdout.write(
    `warm-up (untimed): framefleet cold (empty data dir) ${cold.wall.toFixed(2)} s wall\n`,
  );

  const ff: Sample[] = [];
  const plain: Sample[] = [];
  const onLts: Sample[] = [];
  const loads: string[] = [];
  for (let i = 1; i <= RUNS; i++) {
    loads.push(load());
    plain.push(await timed('ffmpeg', plainArgs));
    ff.push(await timed(process.execPath, ffArgs(i)));
    // The same job (a new one: its own output) on the current LTS Node, when installed.
    if (lts) onLts.push(await timed(lts.bin, ffArgs(100 + i)));
    process.stdout.write(
      `run ${i}: ffmpeg ${plain.at(-1)!.wall.toFixed(2)} s (${plain.at(-1)!.cpu.toFixed(2)} CPU-s), framefleet ${ff.at(-1)!.wall.toFixed(2)} s (${ff.at(-1)!.cpu.toFixed(2)} CPU-s)` +
        (lts ? `, on Node ${lts.version} ${onLts.at(-1)!.wall.toFixed(2)} s` : '') +
        `, load ${loads.at(-1)}\n`,
    );
  }
  const [a, b] = await Promise.all([psnrByIndex(ours(RUNS), source), psnrByIndex(theirs, source)]);
  for (let i = 0; i <= RUNS; i++) await rm(ours(i), { force: true });
  for (let i = 1; i <= RUNS; i++) await rm(ours(100 + i), { force: true });
  await rm(dataDir, { recursive: true, force: true });
  // Paired per run (each framefleet run right after its ffmpeg run): robust to load that drifts.
  const wallRatio = median(ff.map((s, i) => s.wall / plain[i]!.wall));
  const cpuRatio = median(ff.map((s, i) => s.cpu / plain[i]!.cpu));
  const overhead = median(ff.map((s, i) => s.wall - plain[i]!.wall));
  const cpuOverhead = median(ff.map((s, i) => s.cpu - plain[i]!.cpu));
  const wall = { ff: median(ff.map((s) => s.wall)), plain: median(plain.map((s) => s.wall)) };
  const cpu = { ff: median(ff.map((s) => s.cpu)), plain: median(plain.map((s) => s.cpu)) };
  const target = clip.target ?? 'no target: the fixed costs on a clip that encodes at 5x real time';
  const ltsRow = lts
    ? `; on Node ${lts.version} (current LTS): wall ${median(onLts.map((s, i) => s.wall / plain[i]!.wall)).toFixed(3)}, ` +
      `overhead ${median(onLts.map((s, i) => s.wall - plain[i]!.wall)).toFixed(2)} s`
    : '';
  const row =
    `RATIO transcode ${clip.name}: wall ${wallRatio.toFixed(3)} (medians ${wall.ff.toFixed(2)} s vs ${wall.plain.toFixed(2)} s), ` +
    `CPU ${cpuRatio.toFixed(3)} (${cpu.ff.toFixed(2)} vs ${cpu.plain.toFixed(2)} CPU-s), ` +
    `overhead ${overhead.toFixed(2)} s, CPU overhead ${cpuOverhead.toFixed(2)} CPU-s (paired medians), load ${loads.join('/')} (target ${target})${ltsRow}`;
  process.stdout.write(
    `PSNR vs source: framefleet ${a.average.toFixed(2)} dB (min ${a.min.toFixed(2)}), ffmpeg ${b.average.toFixed(2)} dB (min ${b.min.toFixed(2)})\n${row}\n`,
  );
  return row;
}
