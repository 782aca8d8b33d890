import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join } from 'node:path';
import { inject } from 'vitest';
import { sampleClipArgs, type SampleClip, type SampleClipOptions } from '../../src/media/generate.js';
import { runFfmpeg, runFfprobe } from '../../src/media/run.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'ff-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The fastest x264 encode: fixtures whose pictures do not matter, only their frames and timing. */
export const FAST_X264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

/**
 * Plain ffmpeg with arguments (the output last), for test fixtures only. A fixture that one file
 * (lavfi sources, files whose bytes go into the key) makes is made once per run and copied after
 * that: of the suite's 440 fixtures, 150 were the same file made again by another test. A run whose
 * output is not one file named by an absolute path (a pipe, `-f null -`, a pattern) always runs.
 */
export async function ffmpeg(args: string[]): Promise<void> {
  const output = args.at(-1)!;
  const key = await fixtureKey(args);
  if (!key) return makeFixture(args);
  const cached = join(inject('fixtureCache'), `${key}${extname(output)}`);
  const made = await copyFile(cached, output).then(
    () => true,
    () => false,
  );
  if (made) return;
  // Another file may make the same one at the same time: each writes its own, the rename is atomic.
  const own = join(inject('fixtureCache'), `${key}-${process.pid}-${++madeHere}${extname(output)}`);
  await makeFixture([...args.slice(0, -1), own]);
  await rename(own, cached);
  await copyFile(cached, output);
}

let madeHere = 0;

/** generateSampleClip through the fixture cache: a clip that several files ask for is made once. */
export async function sampleClip(options: SampleClipOptions): Promise<SampleClip> {
  const { args, clip } = sampleClipArgs(options);
  await ffmpeg(args);
  return clip;
}

const makeFixture = async (args: string[]) => {
  await runFfmpeg(['-y', ...args], { timeoutMs: 120_000, label: 'test fixture' });
};

/** Muxers that write more than the one file named last, name files by a pattern, or none. */
const MANY_FILES = new Set(['segment', 'stream_segment', 'hls', 'dash', 'image2', 'tee', 'null']);

/**
 * What makes a fixture: its arguments, each file among them replaced by its bytes' digest, and the
 * output's extension; undefined where it writes more than one file or names a path that is not a file.
 */
async function fixtureKey(args: string[]): Promise<string | undefined> {
  const output = args.at(-1)!;
  const formats = args.flatMap((a, i) => (a === '-f' ? [args[i + 1]] : []));
  if (!isAbsolute(output) || output.includes('%') || formats.some((f) => f && MANY_FILES.has(f)))
    return undefined;
  const hash = createHash('sha256').update(extname(output));
  for (const arg of args.slice(0, -1)) {
    const kind = isAbsolute(arg) ? await stat(arg).catch(() => undefined) : undefined;
    if (kind?.isFile())
      hash.update(
        `\0file:${createHash('sha256')
          .update(await readFile(arg))
          .digest('hex')}`,
      );
    else if (kind || arg.includes(tmpdir())) return undefined;
    else hash.update(`\0${arg}`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** A stream as `ffprobe -show_streams` reports it: the fields tests read, and the rest. */
export interface ProbedStreamJson {
  index: number;
  codec_type: string;
  codec_name?: string;
  tags?: Record<string, string>;
  disposition?: Record<string, number>;
  [field: string]: unknown;
}

/** A file's streams, in order, as ffprobe reports them (to check an output against ffmpeg's own reading). */
export async function ffprobeStreams(path: string): Promise<ProbedStreamJson[]> {
  const { stdout } = await runFfprobe(['-show_streams', '-of', 'json', path], {
    timeoutMs: 30_000,
    label: 'test probe',
  });
  return (JSON.parse(stdout.toString()) as { streams?: ProbedStreamJson[] }).streams ?? [];
}

/** A copy of `from` whose first tkhd (the video track's, in ffmpeg's files) carries display matrix a b c d. */
export async function withMatrix(from: string, to: string, [a, b, c, d]: number[]): Promise<void> {
  const data = await readFile(from);
  const tkhd = data.indexOf('tkhd', 0, 'latin1');
  const at = tkhd + 4 + (data[tkhd + 4] === 1 ? 52 : 40);
  for (const [i, v] of [a, b, 0, c, d].entries()) data.writeInt32BE(v! * 0x10000, at + 4 * i);
  await writeFile(to, data);
}

/** `whole` from `fraction` of its bytes on, on a 188-byte TS packet boundary: a recording started late. */
export async function cutTs(whole: string, cut: string, fraction: number): Promise<void> {
  const bytes = await readFile(whole);
  await writeFile(cut, bytes.subarray(Math.floor((bytes.length * fraction) / 188) * 188));
}

/** Frames `first`..`first + count - 1` of a video (by decoded number), 32x18 grey each. */
export async function greyFrames(path: string, first: number, count: number): Promise<Buffer[]> {
  const { stdout } = await runFfmpeg(
    [
      ...['-i', path, '-vf', `select='between(n,${first},${first + count - 1})',scale=32:18:flags=area`],
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    ],
    { timeoutMs: 60_000, label: 'frames' },
  );
  return Array.from({ length: stdout.length / 576 }, (_, i) => stdout.subarray(i * 576, (i + 1) * 576));
}

/** Mean squared difference of two pictures of the same size. */
export const mse = (a: Buffer, b: Buffer): number =>
  a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0) / a.length;
