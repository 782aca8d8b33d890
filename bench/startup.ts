/**
 * Start-up benchmark: the wall time of `framefleet --help` next to Node starting and exiting
 * (`node -e 0`, the floor every CLI in Node pays), and of `framefleet analyze beats` on a 30 s track
 * next to ffmpeg decoding the same track to the PCM the analysis reads (the work no analysis can
 * skip). Runs alternate peer and framefleet; medians are printed with the targets (200 ms, 600 ms).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BENCH_TRACKS, drumTrack } from './lib/drum-track.js';
import { encodeWav } from './lib/wav.js';

const exec = promisify(execFile);
const CLI = resolve('dist/cli/index.js');
const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 11);

async function wallMs(file: string, args: string[]): Promise<number> {
  const started = performance.now();
  await exec(file, args, { maxBuffer: 1 << 26 });
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Alternates the peer and ours, `ROUNDS` times each, after one untimed warm-up of both. */
async function pair(peer: () => Promise<number>, ours: () => Promise<number>) {
  await peer();
  await ours();
  const p: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    p.push(await peer());
    o.push(await ours());
  }
  return { peer: median(p), ours: median(o), oursMin: Math.min(...o), oursMax: Math.max(...o) };
}

function line(what: string, r: Awaited<ReturnType<typeof pair>>, peer: string, targetMs: number) {
  const verdict = r.ours < targetMs ? 'below' : 'ABOVE';
  process.stdout.write(
    `${what}: median ${r.ours.toFixed(0)} ms (min ${r.oursMin.toFixed(0)}, max ${r.oursMax.toFixed(0)}; ` +
      `${verdict} the ${targetMs} ms target); ${peer} ${r.peer.toFixed(0)} ms; ` +
      `ratio ${(r.ours / r.peer).toFixed(2)}, overhead ${(r.ours - r.peer).toFixed(0)} ms\n`,
  );
}

export async function run(): Promise<void> {
  const dir = join(process.cwd(), 'bench', '.work', 'startup');
  await mkdir(dir, { recursive: true });
  const spec = BENCH_TRACKS.find((t) => t.name === 'house-122-crescendo')!;
  const track = drumTrack(spec, 44100);
  const wav = join(dir, `${spec.name}.wav`);
  await writeFile(wav, encodeWav(track.samples, track.sampleRate));
  process.stdout.write(`${ROUNDS} alternating rounds each; ${spec.seconds} s track ${wav}\n`);

  const help = await pair(
    () => wallMs(process.execPath, ['-e', '0']),
    () => wallMs(process.execPath, [CLI, '--help']),
  );
  line('framefleet --help', help, 'node -e 0', 200);

  const decode = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', wav, '-vn'];
  const beats = await pair(
    () => wallMs('ffmpeg', [...decode, '-ac', '1', '-ar', '22050', '-f', 'f32le', '-']),
    () => wallMs(process.execPath, [CLI, 'analyze', 'beats', wav, '--json']),
  );
  line(`framefleet analyze beats (${spec.seconds} s)`, beats, 'ffmpeg decode to PCM alone', 600);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
