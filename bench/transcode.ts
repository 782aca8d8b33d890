import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateSampleClip } from '../src/media/generate.js';
import { probe } from '../src/media/probe.js';
import { psnrByIndex } from '../src/media/quality.js';

const WORK = resolve('bench/.work/transcode');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function timed(cmd: string, args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      else done(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** framefleet split-and-stitch vs one plain ffmpeg command with identical x264 settings, alternating. */
export async function run(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const source = join(WORK, 'source-1080p30-24s.mp4');
  if (!(await stat(source).catch(() => undefined))) {
    process.stdout.write('generating 1080p30 24 s source (6 scenes, motion, stereo audio)...\n');
    await generateSampleClip({
      path: source,
      width: 1920,
      height: 1080,
      fps: 30,
      scenes: [4, 4, 4, 4, 4, 4],
    });
  }
  const info = await probe(source);
  const preset = process.env.BENCH_PRESET ?? 'balanced';
  const x264Preset = { fast: 'veryfast', balanced: 'medium', quality: 'slow' }[preset]!;
  const ours = join(WORK, 'framefleet.mp4');
  const theirs = join(WORK, 'ffmpeg.mp4');
  const ffArgs = [
    resolve('dist/cli/index.js'),
    'transcode',
    source,
    '-o',
    ours,
    '--encoder',
    'libx264',
    '--preset',
    preset,
    '--quality',
    '70',
    '--quiet',
  ];
  const plainArgs = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    source,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0',
    '-c:v',
    'libx264',
    '-preset',
    x264Preset,
    '-crf',
    '23',
    '-x264-params',
    'keyint=60:open_gop=0',
    '-c:a',
    'copy',
    '-movflags',
    '+faststart',
    theirs,
  ];
  process.stdout.write(
    `source: ${info.video!.width}x${info.video!.height} ${info.video!.frameCount} frames, ${info.durationSec.toFixed(1)} s; libx264 ${x264Preset} crf 23; ${RUNS} alternating runs each\n`,
  );

  const times = { framefleet: [] as number[], ffmpeg: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(WORK, `data-${i}`);
    await rm(dataDir, { recursive: true, force: true });
    times.ffmpeg.push(await timed('ffmpeg', plainArgs));
    times.framefleet.push(await timed(process.execPath, [...ffArgs, '--data-dir', dataDir]));
    await rm(dataDir, { recursive: true, force: true });
    process.stdout.write(
      `run ${i + 1}: ffmpeg ${times.ffmpeg[i]!.toFixed(2)} s, framefleet ${times.framefleet[i]!.toFixed(2)} s\n`,
    );
  }
  const [a, b] = await Promise.all([psnrByIndex(ours, source), psnrByIndex(theirs, source)]);
  const ratio = median(times.framefleet) / median(times.ffmpeg);
  process.stdout.write(
    `median wall: framefleet ${median(times.framefleet).toFixed(2)} s, ffmpeg ${median(times.ffmpeg).toFixed(2)} s\n` +
      `PSNR vs source: framefleet ${a.average.toFixed(2)} dB (min ${a.min.toFixed(2)}), ffmpeg ${b.average.toFixed(2)} dB (min ${b.min.toFixed(2)})\n` +
      `RATIO transcode framefleet/ffmpeg = ${ratio.toFixed(3)} (target <= 1.0)\n`,
  );
}
