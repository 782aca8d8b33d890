import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadProcessors } from '../src/runtime/processors.js';
import { generateSampleClip } from '../src/media/generate.js';
import { probe } from '../src/media/probe.js';
import { psnrByIndex } from '../src/media/quality.js';
import { expandArgv } from '../src/pipelines/transcode/process-chain.js';

const WORK = resolve('bench/.work/process');
const CONFIG = resolve('examples/processors/framefleet.yaml');
const PROCESSOR = process.env.BENCH_PROCESSOR ?? 'nlmeans';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

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
const ff = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];

/**
 * A 720p clip through the example processor: framefleet (segments on this machine's slots, the
 * processor per segment, encode, stitch) against the hand-made way: decode the whole file
 * losslessly, run the same processor command once, encode it with the same x264 settings.
 */
export async function run(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const source = join(WORK, `source-720p25-${SECONDS}s.mp4`);
  if (!(await stat(source).catch(() => undefined))) {
    process.stdout.write(`generating 720p25 ${SECONDS} s source (grain, stereo audio)...\n`);
    const scenes = Array.from(
      { length: Math.max(1, Math.round(SECONDS / 4)) },
      () => SECONDS / Math.max(1, Math.round(SECONDS / 4)),
    );
    await generateSampleClip({ path: source, width: 1280, height: 720, fps: 25, scenes, grain: 10 });
  }
  const info = await probe(source);
  const processor = (await loadProcessors(CONFIG))[PROCESSOR];
  if (!processor || processor.io !== 'video')
    throw new Error(`bench needs a video processor, got ${PROCESSOR}`);
  const ours = join(WORK, 'framefleet.mp4');
  const theirs = join(WORK, 'by-hand.mp4');
  const [whole, processed] = [join(WORK, 'whole.mkv'), join(WORK, 'processed.mkv')];
  const [bin, ...procArgs] = expandArgv(processor.command, {
    input: whole,
    output: processed,
    ffmpeg: 'ffmpeg',
    ffprobe: 'ffprobe',
    width: String(info.video!.width),
    height: String(info.video!.height),
  });
  process.stdout.write(
    `source: ${info.video!.width}x${info.video!.height} ${info.video!.frameCount} frames; processor ${PROCESSOR}; libx264 medium crf 23; ${RUNS} run(s) each\n`,
  );
  const times = { framefleet: [] as number[], byHand: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(WORK, `data-${i}`);
    await rm(dataDir, { recursive: true, force: true });
    const decode = await timed('ffmpeg', [...ff, '-i', source, '-map', '0:v:0', '-c:v', 'ffv1', whole]);
    const proc = await timed(bin!, procArgs);
    const encode = await timed('ffmpeg', [
      ...ff,
      '-i',
      processed,
      '-i',
      source,
      '-map',
      '0:v:0',
      '-map',
      '1:a:0',
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-crf',
      '23',
      '-pix_fmt',
      'yuv420p',
      '-x264-params',
      'keyint=50:open_gop=0',
      '-c:a',
      'copy',
      theirs,
    ]);
    times.byHand.push(decode + proc + encode);
    const args = ['transcode', source, '-o', ours, '-y', '--encoder', 'libx264', '--quiet'];
    times.framefleet.push(
      await timed(process.execPath, [
        resolve('dist/cli/index.js'),
        ...args,
        '--process',
        PROCESSOR,
        '--config',
        CONFIG,
        '--data-dir',
        dataDir,
      ]),
    );
    await rm(dataDir, { recursive: true, force: true });
    process.stdout.write(
      `run ${i + 1}: by hand ${times.byHand[i]!.toFixed(1)} s (decode ${decode.toFixed(1)}, processor ${proc.toFixed(1)}, encode ${encode.toFixed(1)}), framefleet ${times.framefleet[i]!.toFixed(1)} s\n`,
    );
  }
  const psnr = await psnrByIndex(ours, theirs);
  const ratio = median(times.framefleet) / median(times.byHand);
  process.stdout.write(
    `median wall: framefleet ${median(times.framefleet).toFixed(1)} s, by hand ${median(times.byHand).toFixed(1)} s\n` +
      `PSNR framefleet vs by hand, per frame: average ${psnr.average.toFixed(2)} dB, min ${psnr.min.toFixed(2)} dB over ${psnr.perFrame.length} frames\n` +
      `RATIO process framefleet/by-hand = ${ratio.toFixed(3)} (target <= 0.8 on 2 cores)\n`,
  );
}
