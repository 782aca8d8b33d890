import { spawn } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSampleClip } from '../src/media/generate.js';
import { probe } from '../src/media/probe.js';
import { psnrByIndex } from '../src/media/quality.js';
import { defaultBitrateKbps } from '../src/pipelines/transcode/ladder-spec.js';
import { cpuSeconds } from './lib/cpu-time.js';

const WORK = resolve('bench/.work/ladder');
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const RUNGS = [1080, 720, 480];
// A shorter source (BENCH_SECONDS=10) for quick comparisons while developing; the table quotes 30.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const SEGMENT_SEC = 4;

interface Timing {
  wall: number;
  /** CPU seconds (user + system) of the command and every process it waited for. */
  cpu: number;
}

function timed(cmd: string, args: string[]): Promise<Timing> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const cpu0 = cpuSeconds() ?? 0;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${cmd} ${args.slice(0, 6).join(' ')}... exited ${code}: ${stderr}`));
      else done({ wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpuSeconds() ?? 0) - cpu0 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const evenWidth = (h: number) => Math.round((h * 16) / 9 / 2) * 2;

/**
 * One ffmpeg with -var_stream_map: split, scale, three libx264 encodes with the same rate control,
 * keyframe placement and preset as framefleet's rungs, AAC once, fMP4 HLS with a master playlist.
 */
function peerArgs(source: string, out: string, x264Preset: string, gop: number): string[] {
  const split = `[0:v]split=${RUNGS.length}${RUNGS.map((_, i) => `[s${i}]`).join('')}`;
  const scales = RUNGS.map(
    (h, i) =>
      `[s${i}]${h === 1080 ? 'null' : `scale=${evenWidth(h)}:${h}:flags=bicubic`},format=yuv420p[v${i}]`,
  );
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    source,
    '-filter_complex',
    [split, ...scales].join(';'),
  ];
  RUNGS.forEach((h, i) => {
    const k = defaultBitrateKbps(h, 'h264');
    args.push('-map', `[v${i}]`, `-c:v:${i}`, 'libx264', `-b:v:${i}`, `${k}k`);
    args.push(`-maxrate:v:${i}`, `${Math.round(k * 1.1)}k`, `-bufsize:v:${i}`, `${2 * k}k`);
  });
  args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', '160k', '-ac', '2');
  args.push('-preset', x264Preset, '-x264-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0:open_gop=0`);
  args.push('-force_key_frames', `expr:eq(mod(n,${gop}),0)`);
  args.push(
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SEC),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
  );
  args.push('-master_pl_name', 'master.m3u8', '-hls_segment_filename', join(out, 'v%v', 'seg-%05d.m4s'));
  args.push('-var_stream_map', `${RUNGS.map((_, i) => `v:${i},agroup:aud`).join(' ')} a:0,agroup:aud`);
  args.push(join(out, 'v%v', 'index.m3u8'));
  return args;
}

/** framefleet `transcode --ladder` vs one `ffmpeg -var_stream_map` command, same settings, alternating. */
export async function run(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const source = join(WORK, `source-1080p30-${SECONDS}s.mp4`);
  if (!(await stat(source).catch(() => undefined))) {
    process.stdout.write(`generating 1080p30 ${SECONDS} s source (5 s scenes, motion, stereo audio)...\n`);
    const scenes = Array.from({ length: Math.ceil(SECONDS / 5) }, (_, i) => Math.min(5, SECONDS - 5 * i));
    await generateSampleClip({ path: source, width: 1920, height: 1080, fps: 30, scenes });
  }
  const info = await probe(source);
  const preset = process.env.BENCH_PRESET ?? 'fast';
  const x264Preset = { fast: 'veryfast', balanced: 'medium', quality: 'slow' }[preset]!;
  const gop = Math.round(SEGMENT_SEC * 30);
  const ours = join(WORK, 'framefleet');
  const theirs = join(WORK, 'ffmpeg');
  process.stdout.write(
    `source: ${info.video!.width}x${info.video!.height} ${info.video!.frameCount} frames, ${info.durationSec.toFixed(1)} s; ` +
      `ladder ${RUNGS.map((h) => `${h}p@${defaultBitrateKbps(h, 'h264')}k`).join(' ')}, libx264 ${x264Preset}, ${SEGMENT_SEC} s fMP4 segments; ${RUNS} alternating runs each\n`,
  );
  const times = { framefleet: [] as Timing[], ffmpeg: [] as Timing[] };
  const loads: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(WORK, `data-${i}`);
    await Promise.all([ours, theirs, dataDir].map((d) => rm(d, { recursive: true, force: true })));
    await Promise.all(RUNGS.map((_, r) => mkdir(join(theirs, `v${r}`), { recursive: true })));
    await mkdir(ours, { recursive: true });
    loads.push(loadavg()[0]!);
    times.ffmpeg.push(await timed('ffmpeg', peerArgs(source, theirs, x264Preset, gop)));
    const cli = [resolve('dist/cli/index.js'), 'transcode', source, '-o', join(ours, 'master.m3u8')];
    cli.push(
      '--ladder',
      RUNGS.join(','),
      '--encoder',
      'libx264',
      '--preset',
      preset,
      '--quiet',
      '--data-dir',
      dataDir,
    );
    loads.push(loadavg()[0]!);
    times.framefleet.push(await timed(process.execPath, cli));
    loads.push(loadavg()[0]!);
    await rm(dataDir, { recursive: true, force: true });
    const [f, p] = [times.framefleet[i]!, times.ffmpeg[i]!];
    process.stdout.write(
      `run ${i + 1}: ffmpeg ${p.wall.toFixed(2)} s wall ${p.cpu.toFixed(2)} s CPU, ` +
        `framefleet ${f.wall.toFixed(2)} s wall ${f.cpu.toFixed(2)} s CPU\n`,
    );
  }
  for (const [r, h] of RUNGS.entries()) {
    const scale = h === 1080 ? undefined : `scale=${evenWidth(h)}:${h}:flags=bicubic`;
    const [a, b] = await Promise.all([
      psnrByIndex(join(ours, `master-${h}p`, 'index.m3u8'), source, { referenceFilter: scale }),
      psnrByIndex(join(theirs, `v${r}`, 'index.m3u8'), source, { referenceFilter: scale }),
    ]);
    process.stdout.write(
      `PSNR ${h}p vs source at ${h}p: framefleet ${a.average.toFixed(2)} dB (${a.perFrame.length} frames, min ${a.min.toFixed(2)}), ` +
        `ffmpeg ${b.average.toFixed(2)} dB (${b.perFrame.length} frames, min ${b.min.toFixed(2)})\n`,
    );
  }
  const wall = (k: keyof typeof times) => median(times[k].map((t) => t.wall));
  const cpu = (k: keyof typeof times) => median(times[k].map((t) => t.cpu));
  process.stdout.write(
    `median wall: framefleet ${wall('framefleet').toFixed(2)} s, ffmpeg ${wall('ffmpeg').toFixed(2)} s; ` +
      `median CPU: framefleet ${cpu('framefleet').toFixed(2)} s, ffmpeg ${cpu('ffmpeg').toFixed(2)} s; ` +
      `load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores\n` +
      `RATIO ladder framefleet/ffmpeg = ${(wall('framefleet') / wall('ffmpeg')).toFixed(3)} wall, ` +
      `${(cpu('framefleet') / cpu('ffmpeg')).toFixed(3)} CPU (target <= 1.0)\n`,
  );
}
